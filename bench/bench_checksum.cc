// The checksum family (eb-bench-checksum): every implementation over the same buffers, the physical
// limits measured in the same run, and the per-packet offload operations over corpora.
//
// Rows:
//   checksum/IMPL/SIZE        one sum over SIZE bytes (64-byte aligned buffer, random bytes);
//                             fused-* rows time copy_and_sum (copy + sum); isal-* rows time a CRC
//                             (a different function: bandwidth baseline)
//   limit/read/SIZE           read-only pass over the same bytes (the ceiling for a one-pass sum)
//   limit/memcpy/SIZE         memcpy of the same bytes (the ceiling for a fused copy)
//   checksum-tx/IMPL/hs-COMBO-N   transmit fill of every checksum (outer IPv4, inner IPv4, TCP/UDP
//                             with pseudo-header) over 64 packets of the header-sweep corpus with an
//                             N-byte header (N > 256: the oversize corpus, the software-fallback
//                             region); 64-byte payloads, so header work dominates
//   checksum-rx/IMPL/hs-COMBO-N   receive verify of the same packets
//                             (onepass-* rows: the one-pass packet kernels, fill_packet/verify_packet;
//                             the sum-kernel rows checksum/IMPL/SIZE skip them, their sum is their
//                             per-header twin's)
//   checksum-tx|rx/IMPL/imix  the same over the imix corpus (64/576/1500-byte outer packets, 7:4:1)
// Sizes: quick 20, 40, 60, 1500, 65536 (the targets); full 20, 40, 60, 64, 256, 576, 1500, 4096,
// 9000, 65536. Cache levels (checksum/IMPL/16k .. 256m, bench::buffer_sizes()): quick 16k, 1m, 64m;
// full 16 KiB to 256 MiB in powers of two, for the best, portable and peer kernels and the limits. Counters: bytes = buffer or corpus bytes, packets = 1 per sum or corpus packets.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "datasets/generator.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "kernels/limit/limit.h"

namespace {

using namespace eb;

struct Aligned {
  std::unique_ptr<uint8_t, decltype(&std::free)> p{nullptr, &std::free};
  explicit Aligned(size_t n) {
    const size_t cap = (n + 64 + 63) / 64 * 64;
    p.reset(static_cast<uint8_t*>(std::aligned_alloc(64, cap)));
    std::mt19937_64 rng(n);
    for (size_t i = 0; i < cap; ++i) p.get()[i] = static_cast<uint8_t>(rng());
  }
  uint8_t* data() { return p.get(); }
};

std::vector<size_t> sizes() {
  if (bench::preset() == bench::Preset::quick) return {20, 40, 60, 1500, 65536};
  return {20, 40, 60, 64, 256, 576, 1500, 4096, 9000, 65536};
}

void bm_sum(benchmark::State& state, const ChecksumImpl& impl, size_t n) {
  Aligned buf(n);
  const uint8_t* p = buf.data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(p);
    uint32_t s = impl.sum(p, n, 0);
    benchmark::DoNotOptimize(s);
  }
  bench::set_counters(state, static_cast<double>(n), 1);
}

void bm_copy_sum(benchmark::State& state, const ChecksumImpl& impl, size_t n) {
  Aligned src(n), dst(n);
  for (auto _ : state) {
    uint32_t s = impl.copy_and_sum(dst.data(), src.data(), n, 0);
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(n), 1);
}

void bm_limit(benchmark::State& state, const LimitImpl& impl, size_t n) {
  Aligned src(n), dst(n);
  uint8_t* d = impl.writes ? dst.data() : nullptr;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d);
    uint64_t r = impl.run(d, src.data(), n);
    benchmark::DoNotOptimize(r);
    if (impl.writes) benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(n), 1);
}

// Per-packet rows: a corpus shared by every implementation's row for the same input.
struct CorpusInput {
  std::string label;
  GeneratorConfig cfg;
  uint32_t header_size = 0;
  std::shared_ptr<Corpus> corpus;  // generated on first use (registration stays cheap)
  Corpus& get() {
    if (!corpus) corpus = std::make_shared<Corpus>(generate_corpus(cfg));
    return *corpus;
  }
};

void bm_tx(benchmark::State& state, const ChecksumImpl& impl, const std::shared_ptr<CorpusInput>& in) {
  Corpus& c = in->get();
  size_t filled = 0;
  bench::timed_region_begins();
  for (auto _ : state) {
    filled = checksum_fill_batch(c, impl);
    benchmark::DoNotOptimize(filled);
    benchmark::ClobberMemory();
  }
  if (filled != c.size()) state.SkipWithError("corpus has unparsed packets");
  bench::set_counters(state, static_cast<double>(c.total_bytes()), static_cast<double>(c.size()), in->header_size);
}

void bm_rx(benchmark::State& state, const ChecksumImpl& impl, const std::shared_ptr<CorpusInput>& in) {
  Corpus& c = in->get();
  std::vector<VerifyResult> out(c.size());
  size_t bad = 0;
  bench::timed_region_begins();
  for (auto _ : state) {
    bad = checksum_verify_batch(c, impl, out.data());
    benchmark::DoNotOptimize(bad);
    benchmark::ClobberMemory();
  }
  if (bad) state.SkipWithError("corpus has bad checksums");
  bench::set_counters(state, static_cast<double>(c.total_bytes()), static_cast<double>(c.size()), in->header_size);
}

// Implementations in the per-packet rows: quick keeps the reference, the best, the one-pass kernels
// beside the per-header path of the same sum kernels (avx512, hwy: the gain of the one pass) and
// DPDK's; full adds Highway's per-header path.
std::vector<const ChecksumImpl*> packet_impls() {
  std::vector<std::string> names;
  if (bench::preset() == bench::Preset::quick)
    names = {"reference", best_checksum().info.name, "onepass-avx512", "avx512", "onepass-hwy", "hwy", "dpdk-raw"};
  else  // full sweeps ~200 inputs: keep the row count sane
    names = {"reference", "onepass-avx512", "avx512", "onepass-hwy", "hwy", "dpdk-raw"};
  std::vector<const ChecksumImpl*> v;
  std::set<std::string> seen;
  for (const auto& n : names)
    if (const ChecksumImpl* r = find_checksum(n); r && seen.insert(n).second) v.push_back(r);
  return v;
}

std::vector<std::shared_ptr<CorpusInput>> packet_inputs() {
  std::vector<std::shared_ptr<CorpusInput>> v;
  struct Combo {
    IpVersion o, i;
    L4Proto l4;
  };
  std::vector<Combo> combos;
  for (IpVersion o : {IpVersion::v4, IpVersion::v6})
    for (IpVersion i : {IpVersion::v4, IpVersion::v6})
      for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp})
        if (bench::preset() == bench::Preset::full || l4 == L4Proto::tcp) combos.push_back({o, i, l4});
  for (const Combo& c : combos) {
    const uint32_t mn = min_header_size(c.o, c.i, c.l4), mx = max_header_size(c.o, c.i, c.l4);
    for (int hs : bench::header_sizes(static_cast<int>(mn))) {
      if (static_cast<uint32_t>(hs) > mx) continue;
      auto in = std::make_shared<CorpusInput>();
      in->label = "hs-" + combo_name(c.o, c.i, c.l4) + "-" + std::to_string(hs);
      in->cfg.preset = hs > 256 ? "oversize" : "header-sweep";
      in->cfg.outer = c.o;
      in->cfg.inner = c.i;
      in->cfg.l4 = c.l4;
      in->cfg.header_size = static_cast<uint32_t>(hs);
      in->cfg.packets = 64;
      in->cfg.payload_mode = PayloadMode::fixed;
      in->cfg.payload_len = 64;
      in->header_size = static_cast<uint32_t>(hs);
      v.push_back(in);
    }
  }
  auto imix = std::make_shared<CorpusInput>();
  imix->label = "imix";
  imix->cfg.preset = "imix";
  v.push_back(imix);
  return v;
}

const int registered = [] {
  for (size_t n : sizes()) {
    const std::string in = std::to_string(n);
    for (const auto& r : checksum_impls()) {
      const ChecksumImpl* impl = &r;
      if (r.fill_packet) continue;  // same sum kernel as its per-header twin's row
      if (r.copy_and_sum && r.info.name.rfind("fused-", 0) == 0)
        bench::register_row("checksum", r.info, in, [impl, n](benchmark::State& s) { bm_copy_sum(s, *impl, n); });
      else
        bench::register_row("checksum", r.info, in, [impl, n](benchmark::State& s) { bm_sum(s, *impl, n); });
    }
    for (const auto& l : limit_impls()) {
      const LimitImpl* impl = &l;
      bench::register_row("limit", l.info, in, [impl, n](benchmark::State& s) { bm_limit(s, *impl, n); });
    }
  }
  // Cost across cache levels (L1-resident to DRAM-resident buffers): the best kernel, the portable
  // ones, the peers and the limits, so the report can show where each becomes memory-bound.
  for (size_t n : bench::buffer_sizes()) {
    const std::string in = bench::size_label(n);
    for (const char* name : {"reference", "adc64x2", "hwy", "dpdk-raw", "isal-crc32"})
      if (const ChecksumImpl* impl = find_checksum(name))
        bench::register_row("checksum", impl->info, in, [impl, n](benchmark::State& s) { bm_sum(s, *impl, n); });
    const ChecksumImpl* best = &best_checksum();
    if (best->fill_packet)  // a one-pass record: its sum kernel is a per-header record's, name that one
      for (const auto& r : checksum_impls())
        if (!r.fill_packet && r.sum == best->sum) {
          best = &r;
          break;
        }
    bench::register_row("checksum", best->info, in, [best, n](benchmark::State& s) { bm_sum(s, *best, n); });
    for (const auto& l : limit_impls()) {
      const LimitImpl* impl = &l;
      bench::register_row("limit", l.info, in, [impl, n](benchmark::State& s) { bm_limit(s, *impl, n); });
    }
  }
  const auto impls = packet_impls();
  for (const auto& input : packet_inputs())
    for (const ChecksumImpl* impl : impls) {
      bench::register_row("checksum-tx", impl->info, input->label,
                          [impl, input](benchmark::State& s) { bm_tx(s, *impl, input); });
      bench::register_row("checksum-rx", impl->info, input->label,
                          [impl, input](benchmark::State& s) { bm_rx(s, *impl, input); });
    }
  return 0;
}();

}  // namespace
