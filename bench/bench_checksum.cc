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
//                             (onepass-*, inline-* and inline rows: the per-packet kernels,
//                             fill_packet/verify_packet; the sum-kernel rows checksum/IMPL/SIZE
//                             skip them, their sum is their per-header twin's)
//   checksum-tx|rx/IMPL/imix  the same over the imix corpus (64/576/1500-byte outer packets, 7:4:1)
//   checksum-tx|rx/IMPL/imix-LEVEL  the imix mix with as many packets as fill half of cache level
//                             LEVEL (l1, l2, l3 ...) or, for `mem`, 4x the largest (DRAM-resident):
//                             where the per-packet cost falls off each cache (bench::cache_level_inputs)
// Sizes: quick 20, 40, 60, 1500, 65536 (the targets); full 20, 40, 60, 64, 256, 576, 1500, 4096,
// 9000, 65536. Cache levels (checksum/IMPL/16k .. 256m, bench::buffer_sizes()): quick 16k, 1m, 64m;
// full 16 KiB to 256 MiB in powers of two, for the best, portable and peer kernels and the limits. Counters: bytes = buffer or corpus bytes, packets = 1 per sum or corpus packets.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "datasets/generator.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "kernels/limit/limit.h"

namespace {

using namespace eb;

std::vector<size_t> sizes() {
  if (bench::preset() == bench::Preset::quick) return {20, 40, 60, 1500, 65536};
  return {20, 40, 60, 64, 256, 576, 1500, 4096, 9000, 65536};
}

void bm_sum(benchmark::State& state, const ChecksumImpl& impl, size_t n) {
  bench::AlignedBuffer buf(n);
  const uint8_t* p = buf.data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(p);
    uint32_t s = impl.sum(p, n, 0);
    benchmark::DoNotOptimize(s);
  }
  bench::set_counters(state, static_cast<double>(n), 1);
}

void bm_copy_sum(benchmark::State& state, const ChecksumImpl& impl, size_t n) {
  bench::AlignedBuffer src(n), dst(n);
  for (auto _ : state) {
    uint32_t s = impl.copy_and_sum(dst.data(), src.data(), n, 0);
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(n), 1);
}

void bm_limit(benchmark::State& state, const LimitImpl& impl, size_t n) {
  bench::AlignedBuffer src(n), dst(n);
  uint8_t* d = impl.writes ? dst.data() : nullptr;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d);
    uint64_t r = impl.run(d, src.data(), n);
    benchmark::DoNotOptimize(r);
    if (impl.writes) benchmark::ClobberMemory();
  }
  bench::set_counters(state, static_cast<double>(n), 1);
}

void bm_tx(benchmark::State& state, const ChecksumImpl& impl, const std::shared_ptr<bench::CorpusInput>& in) {
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

void bm_rx(benchmark::State& state, const ChecksumImpl& impl, const std::shared_ptr<bench::CorpusInput>& in) {
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

// Which records get the per-packet and cache-level rows (every record gets the per-size rows).
// Chosen by role, not by name, so a new record takes the place its role gives it:
//   reference  the oracle;
//   best       best_checksum() on this machine;
//   portable   the best implementation that needs no CPU feature (cache levels only);
//   highway    the best record of the Highway group (`hwy`: its dynamic dispatch);
//   peers      the best supported record of each peer library (the name before the first '-':
//              dpdk, isal, ...), Internet-checksum peers only for the per-packet rows;
//   per-packet (per-packet rows only) every per-packet kernel (fill_packet: onepass-*, inline-*,
//              inline) and beside it the per-header path of the same sum kernel (avx512, hwy), so
//              the gain is in the same run. Their sum is that record's: no size or cache-level
//              rows.
std::string library_of(const std::string& name) { return name.substr(0, name.find('-')); }

std::vector<const ChecksumImpl*> role_impls(bool per_packet) {
  const bool full = bench::preset() == bench::Preset::full;
  std::vector<const ChecksumImpl*> v;
  std::set<std::string> seen;
  auto take = [&](const ChecksumImpl* r) {
    if (r && seen.insert(r->info.name).second) v.push_back(r);
  };
  take(&reference_checksum());
  take(&best_checksum());
  std::set<std::string> libraries;
  for (const auto& r : checksum_impls()) {  // best first within each kind
    if (!r.info.supported()) continue;
    if (r.info.kind == ImplKind::implementation) {
      if (!per_packet && r.info.required == 0 && libraries.insert("(portable)").second) take(&r);
      if ((full || !per_packet) && library_of(r.info.name) == "hwy" && libraries.insert("hwy").second) take(&r);
    } else if (r.info.kind == ImplKind::peer && (r.internet_checksum || !per_packet) &&
               libraries.insert(library_of(r.info.name)).second) {
      take(&r);
    }
  }
  if (per_packet)
    for (const auto& r : checksum_impls()) {
      if (!r.fill_packet || !r.info.supported()) continue;
      take(&r);
      for (const auto& twin : checksum_impls())
        if (!twin.fill_packet && twin.sum == r.sum && twin.info.kind == ImplKind::implementation) {
          take(&twin);
          break;
        }
    }
  return v;
}

bench::CorpusInputs packet_inputs() {
  bench::CorpusInputs v = bench::header_sweep_inputs({.packets = 64, .payload_len = 64});
  v.push_back(bench::preset_input("imix", "imix"));
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
    for (const ChecksumImpl* impl : role_impls(false))
      bench::register_row("checksum", impl->info, in, [impl, n](benchmark::State& s) { bm_sum(s, *impl, n); });
    for (const auto& l : limit_impls()) {
      const LimitImpl* impl = &l;
      bench::register_row("limit", l.info, in, [impl, n](benchmark::State& s) { bm_limit(s, *impl, n); });
    }
  }
  const auto impls = role_impls(true);
  auto register_packet_rows = [](const ChecksumImpl* impl, const std::shared_ptr<bench::CorpusInput>& input) {
    bench::register_row("checksum-tx", impl->info, input->label,
                        [impl, input](benchmark::State& s) { bm_tx(s, *impl, input); });
    bench::register_row("checksum-rx", impl->info, input->label,
                        [impl, input](benchmark::State& s) { bm_rx(s, *impl, input); });
  };
  for (const auto& input : packet_inputs())
    for (const ChecksumImpl* impl : impls) register_packet_rows(impl, input);
  // Cost as the working set grows: imix corpora resident in L1, L2, L3 and DRAM (imix-l1 ..
  // imix-mem). quick: our best sum kernel's per-header path, the best per-packet kernel and the
  // peers; full: every per-packet record.
  const bool full = bench::preset() == bench::Preset::full;
  for (const auto& input : bench::cache_level_inputs("imix", "imix"))
    for (const ChecksumImpl* impl : impls)
      if (full || impl == &best_checksum() || impl == &best_packet_checksum() || impl->info.kind == ImplKind::peer)
        register_packet_rows(impl, input);
  return 0;
}();

}  // namespace
