// USO of NVGRE sends: every uso implementation and the physical limits on the same sends, in
// one binary (eb-bench-uso).
//
// Inputs (INPUT part of the row name), all 64 KiB UDP payloads with large-send lengths:
//   64k-mss1418       IPv4/IPv4/UDP, 84-byte header, MSS 1418: 47 datagrams
//   64k-mss8948       the same at a 9000-byte MTU: 8 datagrams
//   64k-mssN          full preset: MSS 536, 1472 (1500-byte MTU less 28) and 4000 too
//   hs-v4v6udp-N      header-size sweep (options, extension headers, VLAN as the generator
//                     composes them), MSS 1418 fixed so only the header work changes; quick:
//                     v4v4 and v6v6 at the quick sizes, full: all four combinations. N > 256 is
//                     beyond the default MaxHeaderSize (a NIC refuses it: software fallback).
// Rows per input:
//   uso/IMPL            every materialising record (quick: no fused-NAME variants)
//   uso/zerocopy[-avx512]  the scatter-gather list only (header buffers + payload references)
//   uso/zerocopy[-avx512]-gather  the materialising entry (sum in place, then copy)
//   limit/memcpy        memcpy of the output bytes (wire bytes of all datagrams) in one call
//   limit/read          a read-only pass over the payload where it lies in the frame
// Counters: bytes = wire bytes of all datagrams (limit/read: payload bytes), packets =
// datagrams. Compare rows of one input by time per send; ratios in the notes from one run.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "datasets/generator.h"
#include "kernels/limit/limit.h"
#include "kernels/uso/uso.h"

namespace {

using namespace eb;

struct AlignedBytes {
  std::unique_ptr<uint8_t, decltype(&std::free)> p{nullptr, &std::free};
  size_t n = 0;
  explicit AlignedBytes(size_t size) : n(size) {
    p.reset(static_cast<uint8_t*>(std::aligned_alloc(64, (size + 63) / 64 * 64)));
    std::memset(p.get(), 0, (size + 63) / 64 * 64);
  }
  uint8_t* data() { return p.get(); }
};

struct BenchSend {
  std::string label;
  std::shared_ptr<AlignedBytes> frame;
  NvgreLayout layout;
  uint32_t mss = 0;
  uint32_t max_header = kDefaultMaxHeaderSize;
  SegmentPlan plan;
  SegmentInput input() const { return make_uso_input(frame->data(), frame->n, layout, mss, max_header); }
};

void set_addresses(NvgreSpec& s) {
  for (int i = 0; i < 16; ++i) {
    s.outer.src[i] = static_cast<uint8_t>(10 + i), s.outer.dst[i] = static_cast<uint8_t>(40 + i);
    s.inner.src[i] = static_cast<uint8_t>(70 + i), s.inner.dst[i] = static_cast<uint8_t>(100 + i);
  }
}

BenchSend make_send(std::string label, NvgreSpec spec, uint32_t mss, uint32_t max_header = kDefaultMaxHeaderSize) {
  set_addresses(spec);
  spec.l4 = L4Proto::udp;
  spec.payload.resize(65536);
  Rng rng(42);
  rng.fill(spec.payload.data(), spec.payload.size());
  spec.large_send = true;
  spec.l4_checksum_pseudo_seed = true;
  const std::vector<uint8_t> bytes = build_nvgre(spec);
  BenchSend b;
  b.label = std::move(label);
  b.frame = std::make_shared<AlignedBytes>(bytes.size());
  std::memcpy(b.frame->data(), bytes.data(), bytes.size());
  b.layout = parse_nvgre(b.frame->data(), b.frame->n, ParseOptions{.large_send = true});
  b.mss = mss;
  b.max_header = max_header;
  b.plan = plan_uso(b.input());
  return b;
}

std::vector<BenchSend> sends() {
  const bool full = bench::preset() == bench::Preset::full;
  std::vector<BenchSend> v;
  std::vector<uint32_t> mss = {1418, 8948};
  if (full) mss = {536, 1418, 1472, 4000, 8948};
  for (uint32_t m : mss) v.push_back(make_send("64k-mss" + std::to_string(m), NvgreSpec{}, m));
  std::vector<std::pair<IpVersion, IpVersion>> combos = {{IpVersion::v4, IpVersion::v4}, {IpVersion::v6, IpVersion::v6}};
  if (full)
    combos = {{IpVersion::v4, IpVersion::v4}, {IpVersion::v4, IpVersion::v6}, {IpVersion::v6, IpVersion::v4},
              {IpVersion::v6, IpVersion::v6}};
  for (auto [o, i] : combos) {
    const int min = static_cast<int>(min_header_size(o, i, L4Proto::udp));
    for (int hs : bench::header_sizes(min)) {
      auto spec = spec_for_header_size(o, i, L4Proto::udp, static_cast<uint32_t>(hs));
      if (!spec) continue;
      v.push_back(make_send("hs-" + combo_name(o, i, L4Proto::udp) + "-" + std::to_string(hs), *spec, 1418,
                            std::max<uint32_t>(kDefaultMaxHeaderSize, static_cast<uint32_t>(hs))));
    }
  }
  return v;
}

void finish(benchmark::State& st, const BenchSend& s) {
  bench::set_counters(st, static_cast<double>(s.plan.wire_bytes), s.plan.segments, s.layout.header_size);
}

void bm_segment(benchmark::State& st, const UsoImpl& impl, const BenchSend& s) {
  AlignedBytes arena(s.plan.arena_bytes);
  std::vector<SegmentSlice> slices(s.plan.segments);
  const SegmentInput in = s.input();
  const SegmentOutput out{arena.data(), arena.n, slices.data(), slices.size()};
  uint32_t n = 0;
  if (SegmentError e = impl.run(in, out, &n); e != SegmentError::ok) {
    st.SkipWithError(segment_error_message(e));
    return;
  }
  bench::timed_region_begins();
  for (auto _ : st) {
    SegmentError e = impl.run(in, out, &n);
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
  }
  finish(st, s);
}

void bm_describe(benchmark::State& st, const UsoImpl& impl, const BenchSend& s) {
  AlignedBytes headers(s.plan.header_bytes);
  std::vector<SgEntry> entries(s.plan.segments);
  const SegmentInput in = s.input();
  const SgOutput out{headers.data(), headers.n, entries.data(), entries.size()};
  if (SegmentError e = impl.run_sg(in, out); e != SegmentError::ok) {
    st.SkipWithError(segment_error_message(e));
    return;
  }
  bench::timed_region_begins();
  for (auto _ : st) {
    SegmentError e = impl.run_sg(in, out);
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
  }
  finish(st, s);
}

// memcpy: the output bytes in one call; read: the payload where it lies in the frame.
void bm_limit(benchmark::State& st, const LimitImpl& lim, const BenchSend& s) {
  const size_t n = lim.writes ? s.plan.wire_bytes : s.plan.payload_len;
  AlignedBytes src(lim.writes ? n : 64), dst(lim.writes ? n : 64);
  if (lim.writes) std::memset(src.data(), 0x5A, n);
  const uint8_t* from = lim.writes ? src.data() : s.frame->data() + s.plan.header_len;
  bench::timed_region_begins();
  for (auto _ : st) {
    uint64_t r = lim.run(lim.writes ? dst.data() : nullptr, from, n);
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  bench::set_counters(st, static_cast<double>(n), s.plan.segments, s.layout.header_size);
}

ImplInfo renamed(ImplInfo info, const std::string& name) {
  info.name = name;
  return info;
}

const int registered = [] {
  static const std::vector<BenchSend> all = sends();
  const bool full = bench::preset() == bench::Preset::full;
  for (const BenchSend& s : all) {
    if (!s.plan.ok()) continue;
    for (const UsoImpl& impl : uso_impls()) {
      // quick: the three the targets name; full: every fused-NAME variant too.
      if (!full && impl.info.name.rfind("fused-", 0) == 0) continue;
      if (impl.describe) {
        bench::register_row("uso", impl.info, s.label, [&impl, &s](benchmark::State& st) { bm_describe(st, impl, s); });
        bench::register_row("uso", renamed(impl.info, impl.info.name + "-gather"), s.label,
                            [&impl, &s](benchmark::State& st) { bm_segment(st, impl, s); });
      } else {
        bench::register_row("uso", impl.info, s.label, [&impl, &s](benchmark::State& st) { bm_segment(st, impl, s); });
      }
    }
    for (const LimitImpl& lim : limit_impls())
      bench::register_row("limit", lim.info, s.label, [&lim, &s](benchmark::State& st) { bm_limit(st, lim, s); });
  }
  return 0;
}();

}  // namespace
