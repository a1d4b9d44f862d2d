// eb-bench-rss: Toeplitz hashing and the receive-steering pipeline.
//
// Rows (FAMILY/IMPL/INPUT):
//   rss/IMPL/ipv4-tcp, ipv6-tcp       hash_batch over 256 random tuples of 12 / 36 bytes packed back
//                                     to back (single-tuple implementations loop); per hash
//   rss-ptrs/IMPL/...                 the same through arrays of tuple pointers (DPDK's bulk API shape)
//   rss-single/IMPL/...               one hash() call per tuple, 256 independent tuples
//   rss-prep/IMPL/40 (52)             key preparation (tables, matrices, constants) per key
//   rss-pipeline/IMPL/hs-...-N        the whole pipeline (tuple selection from the stored layout,
//                                     copy, batched hash, indirection) per packet, header-sweep
//                                     corpora by combination and header size; also `mixed` and
//                                     `many-flows` (every packet its own flow)
//   rss-pipeline-parse/IMPL/...       the same, parsing every frame (parse_nvgre) first
//   rss-pipeline[-parse]/BEST/mixed-LEVEL  the mixed corpus sized to fill half of cache level LEVEL
//                                     (l1, l2, l3 ...) or 4x the largest (mem): where the per-packet
//                                     cost falls off each cache
// Full preset adds the 2-tuple inputs (ipv4 = 8 bytes, ipv6 = 32 bytes), 52-byte keys, the
// per-target Highway rows, more implementations in the mixed / many-flows pipeline rows and every
// header-sweep point (best implementation); quick registers single-hash and preparation rows once
// per distinct entry point.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "datasets/generator.h"
#include "kernels/rss/pipeline.h"
#include "kernels/rss/toeplitz.h"

namespace eb {
namespace {

constexpr size_t kTuples = 256;

struct TupleInput {
  const char* label;
  size_t len;
};

std::vector<TupleInput> tuple_inputs() {
  std::vector<TupleInput> v = {{"ipv4-tcp", 12}, {"ipv6-tcp", 36}};
  if (bench::preset() == bench::Preset::full) {
    v.push_back({"ipv4", 8});
    v.push_back({"ipv6", 32});
  }
  return v;
}

struct TupleSet {
  std::vector<uint8_t> bytes;
  std::vector<const uint8_t*> ptrs;
  std::unique_ptr<PreparedKey> key;
  TupleSet(const ToeplitzImpl& impl, size_t len) : bytes(kTuples * len + 64), key(std::make_unique<PreparedKey>()) {
    std::mt19937_64 rng(len * 7919);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    for (size_t i = 0; i < kTuples; ++i) ptrs.push_back(bytes.data() + i * len);
    impl.prepare(*key, kMicrosoftRssKey, 40);
  }
};

void bm_batch(benchmark::State& state, const ToeplitzImpl& impl, size_t len) {
  TupleSet t(impl, len);
  uint32_t out[kTuples];
  for (auto _ : state) {
    impl.hash_batch(*t.key, t.bytes.data(), len, len, kTuples, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(kTuples * len), kTuples);
}

void bm_ptrs(benchmark::State& state, const ToeplitzImpl& impl, size_t len) {
  TupleSet t(impl, len);
  uint32_t out[kTuples];
  for (auto _ : state) {
    impl.hash_ptrs(*t.key, t.ptrs.data(), len, kTuples, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(kTuples * len), kTuples);
}

void bm_single(benchmark::State& state, const ToeplitzImpl& impl, size_t len) {
  TupleSet t(impl, len);
  const auto hash = impl.hash;
  for (auto _ : state) {
    uint32_t acc = 0;
    const uint8_t* p = t.bytes.data();
    for (size_t i = 0; i < kTuples; ++i, p += len) acc ^= hash(*t.key, p, len);
    benchmark::DoNotOptimize(acc);
  }
  bench::set_counters(state, static_cast<double>(kTuples * len), kTuples);
}

void bm_prep(benchmark::State& state, const ToeplitzImpl& impl, size_t key_len) {
  auto k = std::make_unique<PreparedKey>();
  std::vector<uint8_t> key(key_len);
  for (size_t i = 0; i < key_len; ++i) key[i] = kMicrosoftRssKey[i % 40] ^ static_cast<uint8_t>(i / 40);
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.data());
    bool ok = impl.prepare(*k, key.data(), key_len);
    benchmark::DoNotOptimize(ok);
    benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(key_len), 1);
}

void bm_pipeline(benchmark::State& state, const ToeplitzImpl& impl, const std::shared_ptr<bench::CorpusInput>& in,
                 bool parse) {
  Corpus& c = in->get();
  RssConfig cfg;
  cfg.impl = impl.info.name;
  std::string err;
  auto p = RssPipeline::create(cfg, &err);
  if (!p) {
    state.SkipWithError(err.c_str());
    return;
  }
  std::vector<RssResult> out(c.size());
  bench::timed_region_begins();
  for (auto _ : state) {
    if (parse)
      p->steer_parse(c, 0, c.size(), out.data());
    else
      p->steer(c, 0, c.size(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  size_t hashed = 0;
  for (const auto& r : out) hashed += r.type != kRssHashNone;
  state.counters["hashed_fraction"] = benchmark::Counter(c.size() ? double(hashed) / double(c.size()) : 0);
  bench::set_counters(state, static_cast<double>(c.total_bytes()), static_cast<double>(c.size()), in->header_size);
}

bench::CorpusInputs pipeline_inputs() {
  bench::CorpusInputs v =
      bench::header_sweep_inputs({.packets = 256, .payload_len = 64, .max_header = kDefaultMaxHeaderSize});
  v.push_back(bench::preset_input("mixed", "mixed", 4096));
  auto many = bench::preset_input("many-flows", "mixed", 32768);
  many->cfg.flows = 32768;
  many->cfg.zipf = 0;
  v.push_back(many);
  return v;
}

// Which records get the mixed / many-flows pipeline rows. Chosen by role, not by name, so a new
// record takes the place its role gives it:
//   best      best_toeplitz() on this machine;
//   portable  the best implementation that needs no CPU feature;
//   peers     per peer library (the name before the first '-': dpdk, ...), its widest batch;
//   full      also every other implementation but the per-target Highway rows (the dispatched
//             `hwy` row stands for them), and every other peer.
std::vector<const ToeplitzImpl*> pipeline_impls() {
  bench::RolePicks<ToeplitzImpl> picks;
  picks.take(&best_toeplitz());
  const auto& all = toeplitz_impls();  // best first within each kind
  const auto portable = std::find_if(all.begin(), all.end(), [](const ToeplitzImpl& r) {
    return r.info.kind == ImplKind::implementation && r.info.supported() && r.info.required == 0;
  });
  if (portable != all.end()) picks.take(&*portable);
  std::map<std::string, const ToeplitzImpl*> widest_of;  // peer library -> its widest batch
  for (const auto& r : all) {
    if (r.info.kind != ImplKind::peer) continue;
    const ToeplitzImpl*& w = widest_of[bench::library_of(r.info.name)];
    if (!w || r.batch_width > w->batch_width) w = &r;
  }
  for (const auto& [library, r] : widest_of) picks.take(r);
  if (bench::preset() == bench::Preset::full)
    for (const auto& r : all)
      if (r.info.kind != ImplKind::reference && r.info.kind != ImplKind::limit && r.info.name.rfind("hwy-", 0) != 0)
        picks.take(&r);
  return picks.records();
}

const int registered = [] {
  const bool full = bench::preset() == bench::Preset::full;
  // Quick preset: the per-target Highway rows only in full (the dispatched `hwy` row stays), and
  // single-hash / preparation rows once per distinct entry point (gfni-x8/x16 share gfni's
  // single hash and preparation; the DPDK rows share one preparation).
  auto quick_skip = [full](const ToeplitzImpl& r) { return !full && r.info.name.rfind("hwy-", 0) == 0; };
  // Records whose own design is one tuple at a time first: shared entry points carry their name.
  std::vector<const ToeplitzImpl*> singles_first;
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& r : toeplitz_impls())
      if ((r.batch_width == 1) == (pass == 0)) singles_first.push_back(&r);
  for (const auto& in : tuple_inputs()) {
    for (const auto& r : toeplitz_impls()) {
      if (quick_skip(r)) continue;
      const ToeplitzImpl* impl = &r;
      const size_t len = in.len;
      bench::register_row("rss", r.info, in.label, [impl, len](benchmark::State& s) { bm_batch(s, *impl, len); });
      if (full || r.batch_width > 1)
        bench::register_row("rss-ptrs", r.info, in.label, [impl, len](benchmark::State& s) { bm_ptrs(s, *impl, len); });
    }
    std::set<ToeplitzHashFn> singles;
    for (const ToeplitzImpl* impl : singles_first) {
      if (quick_skip(*impl) || !(singles.insert(impl->hash).second || full)) continue;
      const size_t len = in.len;
      bench::register_row("rss-single", impl->info, in.label,
                          [impl, len](benchmark::State& s) { bm_single(s, *impl, len); });
    }
  }
  std::set<ToeplitzPrepareFn> preps;
  for (const ToeplitzImpl* ip : singles_first) {
    const ToeplitzImpl& r = *ip;
    if (quick_skip(r) || (!full && !preps.insert(r.prepare).second)) continue;
    const ToeplitzImpl* impl = &r;
    for (size_t key_len : full ? std::vector<size_t>{40, 52} : std::vector<size_t>{40})
      bench::register_row("rss-prep", r.info, std::to_string(key_len),
                          [impl, key_len](benchmark::State& s) { bm_prep(s, *impl, key_len); });
  }
  const auto impls = pipeline_impls();
  for (const auto& in : pipeline_inputs()) {
    const bool sweep = in->label.rfind("hs-", 0) == 0;
    for (const ToeplitzImpl* impl : impls) {
      // The header sweep with the best implementation; the other rows compare implementations.
      if (sweep && impl != &best_toeplitz()) continue;
      bench::register_row("rss-pipeline", impl->info, in->label,
                          [impl, in](benchmark::State& s) { bm_pipeline(s, *impl, in, false); });
    }
    if (!sweep)
      bench::register_row("rss-pipeline-parse", best_toeplitz().info, in->label,
                          [in](benchmark::State& s) { bm_pipeline(s, best_toeplitz(), in, true); });
  }
  // Cost as the working set grows: the mixed corpus resident in L1, L2, L3 and DRAM (mixed-l1 ..
  // mixed-mem, bench::cache_level_inputs), with and without the parse, best implementation.
  for (const auto& in : bench::cache_level_inputs("mixed", "mixed")) {
    bench::register_row("rss-pipeline", best_toeplitz().info, in->label,
                        [in](benchmark::State& s) { bm_pipeline(s, best_toeplitz(), in, false); });
    bench::register_row("rss-pipeline-parse", best_toeplitz().info, in->label,
                        [in](benchmark::State& s) { bm_pipeline(s, best_toeplitz(), in, true); });
  }
  return 0;
}();

}  // namespace
}  // namespace eb
