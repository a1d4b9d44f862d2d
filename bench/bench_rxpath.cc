// eb-bench-rxpath: the whole software receive path per packet, as a driver without offloads
// would run it: parse (parse_nvgre), verify every checksum (checksum_verify), compute the RSS
// hash and queue (RssPipeline::steer_one on the fresh layout), and steer (count the packet on its
// queue). Rows run on 1..N threads (full preset; quick: 1 and N), each thread its own pipeline
// over the same read-only corpus, timed in wall-clock time, so bytes_per_second is the aggregate
// rate and its growth with threads is the per-core scaling.
//
// Rows (FAMILY/IMPL/INPUT/real_time/threads:T):
//   rxpath/reference/CORPUS   reference checksum + reference Toeplitz: the plain baseline
//   rxpath/best/CORPUS        best_packet_checksum() (the best whole-packet verify kernel) +
//                             best_toeplitz() on this CPU (named in the context
//                             as rxpath_best), stable row names across machines
//   rxpath/best-burst32/CORPUS  the same kernels over receive bursts of 32 packets (a PMD burst):
//                             each packet parsed, verified and staged for RSS while its headers
//                             are in L1 (RssPipeline::burst_add: hash type, tuple copied, VMQ),
//                             then the burst's tuples hashed in batches (burst_end: one
//                             hash_batch call per length class, the GFNI x16 kernels where the
//                             CPU has them) and steered
//   rxpath/best-burst32-staged/CORPUS  the burst stage by stage, as the burst row ran before: parse
//                             all 32 into layouts, verify all 32, then steer_layouts(); kept
//                             (default-4k, 1 thread) so the cost of re-visiting the packets is seen
// CORPUS: default-4k (the generator's default mix, 4096 packets); full adds imix-4k and
// default-64k (65536 packets, beyond L2).
// Cache levels (1 thread, best and best-burst32): default-l1, -l2, -l3 (the default mix with as
// many packets as fill half of that cache level of cpu0) and default-mem (4x the largest level,
// at least 64 MiB: DRAM-resident), bench::cache_level_inputs: the receive path's cost as work
// grows. The 148-byte-per-packet parse output is not part of the working set in either row (one
// layout live at a time); the corpus's own packet records (CorpusPacket, read for offset and
// length) are.
// Counters beside the standard ones (which, in these real-time rows, are aggregates over the
// threads: items_per_second is the aggregate packet rate, ns_per_packet its inverse):
//   ns_per_packet_per_core   wall-clock ns one thread spends per packet (threads x ns_per_packet):
//                            flat across thread counts when the path scales perfectly
//   mpps                     aggregate packets per second over all threads, in millions
#include <array>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "datasets/generator.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "kernels/rss/pipeline.h"
#include "kernels/rss/toeplitz.h"

namespace eb {
namespace {

// The per-core and aggregate rates of a row that ran `packets_per_iter` packets per iteration on
// every thread (after set_counters).
void set_thread_counters(benchmark::State& state, double packets_per_iter) {
  using C = benchmark::Counter;
  const double packets = packets_per_iter * static_cast<double>(state.iterations());
  if (state.error_occurred() || packets <= 0) return;
  state.counters["ns_per_packet_per_core"] = C(packets * 1e-9, C::kIsRate | C::kAvgThreads | C::kInvert);
  state.counters["mpps"] = C(packets * 1e-6, C::kIsRate);
}

bench::CorpusInputs corpus_inputs() {
  bench::CorpusInputs v = {bench::preset_input("default-4k", "default", 4096)};
  if (bench::preset() == bench::Preset::full) {
    v.push_back(bench::preset_input("imix-4k", "imix", 4096));
    v.push_back(bench::preset_input("default-64k", "default", 65536));
  }
  return v;
}

// The row's RSS pipeline; nullptr (and the row skipped with the reason) if it cannot be made.
std::unique_ptr<RssPipeline> pipeline_for(benchmark::State& state, const ToeplitzImpl& rss) {
  RssConfig cfg;
  cfg.impl = rss.info.name;
  std::string error;
  auto pipeline = RssPipeline::create(cfg, &error);
  if (!pipeline) {
    state.SkipWithError(("RSS pipeline: " + error).c_str());
    for (auto _ : state) {
    }
  }
  return pipeline;
}

// What every rxpath row does around its pass: one corpus per input, generated on first use and
// shared read-only by every thread and row; the row's own pipeline; the tallies the pass keeps
// (packets per queue, bad checksums, unparsed frames) kept alive; the counters. `pass` is called
// once per iteration as pass(corpus, pipeline, tally) and runs the receive path over the corpus.
struct Tally {
  std::array<uint64_t, 64> per_queue{};
  uint64_t bad = 0, unparsed = 0;
};

template <class Pass>
void time_passes(benchmark::State& state, bench::CorpusInput& in, const ToeplitzImpl& rss, Pass&& pass) {
  const Corpus& c = in.get();
  auto pipeline = pipeline_for(state, rss);
  if (!pipeline) return;
  Tally t;
  bench::timed_region_begins();
  for (auto _ : state) {
    pass(c, *pipeline, t);
    benchmark::DoNotOptimize(t.per_queue.data());
    benchmark::DoNotOptimize(t.bad);
    benchmark::DoNotOptimize(t.unparsed);
  }
  bench::set_counters(state, static_cast<double>(c.total_bytes()), static_cast<double>(c.size()));
  set_thread_counters(state, static_cast<double>(c.size()));
}

// Per packet: parse -> verify -> steer_one.
void bm_rxpath(benchmark::State& state, bench::CorpusInput& in, const ChecksumImpl& csum, const ToeplitzImpl& rss) {
  time_passes(state, in, rss, [&](const Corpus& c, RssPipeline& pipeline, Tally& t) {
    for (size_t i = 0, n = c.size(); i < n; ++i) {
      const uint8_t* frame = c.data(i);
      NvgreLayout layout = parse_nvgre(frame, c[i].length);
      if (!layout.ok()) ++t.unparsed;
      VerifyResult v = checksum_verify(frame, layout, csum);
      t.bad += v.any_bad();
      RssResult r = pipeline.steer_one(frame, layout);
      ++t.per_queue[r.queue & 63];
    }
  });
}

// The burst row: per packet parse -> verify -> stage (burst_add), per burst the batched hash.
void bm_rxpath_burst(benchmark::State& state, bench::CorpusInput& in, const ChecksumImpl& csum,
                     const ToeplitzImpl& rss, size_t burst) {
  std::vector<RssResult> steered(burst);
  time_passes(state, in, rss, [&](const Corpus& c, RssPipeline& pipeline, Tally& t) {
    const size_t n = c.size();
    for (size_t first = 0; first < n; first += burst) {
      const size_t m = n - first < burst ? n - first : burst;
      for (size_t k = 0; k < m; ++k) {
        const uint8_t* frame = c.data(first + k);
        const NvgreLayout layout = parse_nvgre(frame, c[first + k].length);
        t.unparsed += !layout.ok();
        t.bad += checksum_verify(frame, layout, csum).any_bad();
        pipeline.burst_add(frame, layout, &steered[k]);
      }
      pipeline.burst_end();
      for (size_t k = 0; k < m; ++k) ++t.per_queue[steered[k].queue & 63];
    }
  });
}

// The burst stage by stage (the earlier form of the burst row): every stage over the whole burst
// before the next, so verify and steer come back to packets parsed up to 31 packets earlier.
void bm_rxpath_burst_staged(benchmark::State& state, bench::CorpusInput& in, const ChecksumImpl& csum,
                            const ToeplitzImpl& rss, size_t burst) {
  std::vector<NvgreLayout> layouts(burst);
  std::vector<RssResult> steered(burst);
  time_passes(state, in, rss, [&](const Corpus& c, RssPipeline& pipeline, Tally& t) {
    const size_t n = c.size();
    for (size_t first = 0; first < n; first += burst) {
      const size_t m = n - first < burst ? n - first : burst;
      for (size_t k = 0; k < m; ++k) {
        // Constructed in place (not assigned from a temporary): copying a layout just written
        // field by field would load it wider than it was stored, which cannot be store-forwarded.
        ::new (static_cast<void*>(&layouts[k])) NvgreLayout(parse_nvgre(c.data(first + k), c[first + k].length));
        t.unparsed += !layouts[k].ok();
      }
      for (size_t k = 0; k < m; ++k) t.bad += checksum_verify(c.data(first + k), layouts[k], csum).any_bad();
      pipeline.steer_layouts(c, first, m, layouts.data(), steered.data());
      for (size_t k = 0; k < m; ++k) ++t.per_queue[steered[k].queue & 63];
    }
  });
}

ImplInfo combo_info(const char* name, const ChecksumImpl& csum, const ToeplitzImpl& rss) {
  ImplInfo i;
  i.family = "rxpath";
  i.name = name;
  i.kind = std::string(name) == "reference" ? ImplKind::reference : ImplKind::implementation;
  i.required = csum.info.required | rss.info.required;
  i.description = "checksum " + csum.info.name + " + toeplitz " + rss.info.name;
  if (!csum.info.supported()) i.unavailable_reason = "checksum " + csum.info.name + ": " + csum.info.why_unsupported();
  else if (!rss.info.supported()) i.unavailable_reason = "toeplitz " + rss.info.name + ": " + rss.info.why_unsupported();
  return i;
}

const int registered = [] {
  struct Combo {
    const char* name;
    const ChecksumImpl* csum;
    const ToeplitzImpl* rss;
  };
  std::vector<Combo> combos = {{"reference", &reference_checksum(), &reference_toeplitz()},
                               {"best", &best_packet_checksum(), &best_toeplitz()}};
  bench::add_context("rxpath_best", "checksum " + best_packet_checksum().info.name + " + toeplitz " +
                                        best_toeplitz().info.name);
  static const bench::CorpusInputs inputs = corpus_inputs();
  for (const auto& combo : combos) {
    ImplInfo info = combo_info(combo.name, *combo.csum, *combo.rss);
    for (const auto& in : inputs) {
      const ChecksumImpl* csum = combo.csum;
      const ToeplitzImpl* rss = combo.rss;
      bench::CorpusInput* input = in.get();
      auto* b = bench::register_row("rxpath", info, in->label,
                                    [csum, rss, input](benchmark::State& s) { bm_rxpath(s, *input, *csum, *rss); });
      for (int t : bench::thread_counts()) b->Threads(t);
      b->UseRealTime();
    }
  }
  constexpr size_t kBurst = 32;
  const ChecksumImpl* best_csum = &best_packet_checksum();
  const ToeplitzImpl* best_rss = &best_toeplitz();
  const ImplInfo best_info = combo_info("best", *best_csum, *best_rss);
  const ImplInfo burst_info = combo_info("best-burst32", *best_csum, *best_rss);
  for (const auto& in : inputs) {
    bench::CorpusInput* input = in.get();
    auto* b = bench::register_row("rxpath", burst_info, in->label, [best_csum, best_rss, input](benchmark::State& s) {
      bm_rxpath_burst(s, *input, *best_csum, *best_rss, kBurst);
    });
    for (int t : bench::thread_counts()) b->Threads(t);
    b->UseRealTime();
  }
  {
    bench::CorpusInput* input = inputs.front().get();  // default-4k
    auto* b = bench::register_row("rxpath", combo_info("best-burst32-staged", *best_csum, *best_rss), input->label,
                                  [best_csum, best_rss, input](benchmark::State& s) {
                                    bm_rxpath_burst_staged(s, *input, *best_csum, *best_rss, kBurst);
                                  });
    b->Threads(1);
    b->UseRealTime();
  }
  // Cost as work grows: 1 thread, best and best-burst32, corpora resident in L1, L2, L3, DRAM.
  static const bench::CorpusInputs levels = bench::cache_level_inputs("default", "default");
  for (const auto& in : levels) {
    bench::CorpusInput* input = in.get();
    auto* b = bench::register_row("rxpath", best_info, in->label, [best_csum, best_rss, input](benchmark::State& s) {
      bm_rxpath(s, *input, *best_csum, *best_rss);
    });
    b->Threads(1);
    b->UseRealTime();
    b = bench::register_row("rxpath", burst_info, in->label, [best_csum, best_rss, input](benchmark::State& s) {
      bm_rxpath_burst(s, *input, *best_csum, *best_rss, kBurst);
    });
    b->Threads(1);
    b->UseRealTime();
  }
  return 0;
}();

}  // namespace
}  // namespace eb
