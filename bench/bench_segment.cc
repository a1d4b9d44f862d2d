// LSOv2 segmentation of NVGRE sends: every segment implementation, the DPDK GSO peer and the
// physical limits on the same sends, in one binary (eb-bench-segment).
//
// Inputs (INPUT part of the row name):
//   64k-mss1418   IPv4/IPv4/TCP, 96-byte header, 64 KiB payload (large-send lengths), MSS 1418
//                 (1500-byte MTU after 42 + 14 bytes of NVGRE overhead and 40 of IPv4 + TCP): 47 segments
//   64k-mss8948   the same at a 9000-byte MTU: 8 segments
//   hs-v4v6tcp-N  the header-size sweep: the same 64 KiB send with an N-byte header (options, extension
//                 headers, VLAN as the generator composes them), MSS 1418 kept fixed so only the
//                 header work changes. N > 256 is beyond the default MaxHeaderSize: a NIC would refuse
//                 it and these rows measure the software fallback (run with the limit lifted).
//
// Rows per input:
//   segment/IMPL           every materialising record: segments written into the output arena
//   segment/zerocopy       the scatter-gather list only (header buffers + payload references,
//                          checksums computed, no payload copied): the zero-copy product
//   segment/zerocopy-gather  zerocopy's materialising entry (sum in place, then copy)
//   segment/dpdk-gso       rte_gso_segment + DPDK's software checksums + freeing the mbufs; its output
//                          is mbuf chains (header mbuf + indirect payload mbufs): DPDK's zero-copy product
//   segment/dpdk-gso-gather  the same, then each chain copied into the arena (same bytes as ours)
//   limit/memcpy           memcpy of the output bytes (wire bytes of all segments) in one call
//   limit/read             a read-only pass over the payload where it lies in the frame (at the header
//                          length, so its 64-byte loads mostly straddle cache lines, as zerocopy's
//                          would); limit/read/...-aligned: the same bytes copied to a 64-byte-aligned
//                          buffer first, the pass at its fastest
// Counters: bytes = wire bytes of all segments (limit/read: payload bytes), packets = segments,
// header_size = the send's header size. Compare rows by time per send (ns_per_packet x segments):
// ratios in the notes come from one run of this binary.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "datasets/generator.h"
#include "kernels/limit/limit.h"
#include "kernels/segment/segment.h"
#include "kernels/segment/segment_impls.h"

namespace {

using namespace eb;

struct BenchSend {
  std::string label;
  std::shared_ptr<bench::AlignedBuffer> frame;
  NvgreLayout layout;
  uint32_t mss = 0;
  uint32_t max_header = kDefaultMaxHeaderSize;
  SegmentPlan plan;
  SegmentInput input() const { return SegmentInput{frame->data(), frame->size(), &layout, mss, max_header}; }
};

NvgreSpec send_spec(IpVersion outer, IpVersion inner) {
  NvgreSpec s;
  s.outer.version = outer;
  s.inner.version = inner;
  for (int i = 0; i < 16; ++i) {
    s.outer.src[i] = static_cast<uint8_t>(10 + i), s.outer.dst[i] = static_cast<uint8_t>(40 + i);
    s.inner.src[i] = static_cast<uint8_t>(70 + i), s.inner.dst[i] = static_cast<uint8_t>(100 + i);
  }
  return s;
}

BenchSend make_send(std::string label, NvgreSpec spec, uint32_t mss, uint32_t max_header = kDefaultMaxHeaderSize) {
  spec.payload.resize(65536);
  Rng rng(42);
  rng.fill(spec.payload.data(), spec.payload.size());
  spec.large_send = true;
  spec.l4_checksum_pseudo_seed = true;
  spec.tcp_flags = 0x18;
  const std::vector<uint8_t> bytes = build_nvgre(spec);
  BenchSend b;
  b.label = std::move(label);
  b.frame = std::make_shared<bench::AlignedBuffer>(bytes.size(), bench::AlignedBuffer::Fill::zero);
  std::memcpy(b.frame->data(), bytes.data(), bytes.size());
  b.layout = parse_nvgre(b.frame->data(), b.frame->size(), ParseOptions{.large_send = true});
  b.mss = mss;
  b.max_header = max_header;
  b.plan = plan_segments(b.input());
  return b;
}

std::vector<BenchSend> sends() {
  std::vector<BenchSend> v;
  v.push_back(make_send("64k-mss1418", send_spec(IpVersion::v4, IpVersion::v4), 1418));
  v.push_back(make_send("64k-mss8948", send_spec(IpVersion::v4, IpVersion::v4), 8948));
  // TCP sends; quick: v4v4 and v6v6 only.
  const bench::SweepFilter tcp_sends = [](IpVersion o, IpVersion i, L4Proto l4) {
    return l4 == L4Proto::tcp && (bench::preset() == bench::Preset::full || o == i);
  };
  for (const bench::SweepPoint& pt : bench::header_sweep_points(UINT32_MAX, tcp_sends)) {
    auto spec = spec_for_header_size(pt.outer, pt.inner, pt.l4, pt.header_size);
    if (!spec) continue;
    NvgreSpec s = *spec;
    const NvgreSpec addr = send_spec(pt.outer, pt.inner);
    std::memcpy(s.outer.src, addr.outer.src, 16), std::memcpy(s.outer.dst, addr.outer.dst, 16);
    std::memcpy(s.inner.src, addr.inner.src, 16), std::memcpy(s.inner.dst, addr.inner.dst, 16);
    v.push_back(make_send(pt.label, s, 1418, std::max<uint32_t>(kDefaultMaxHeaderSize, pt.header_size)));
  }
  return v;
}

struct Output {
  std::shared_ptr<bench::AlignedBuffer> arena;
  std::vector<SegmentSlice> slices;
  explicit Output(const SegmentPlan& p) : arena(std::make_shared<bench::AlignedBuffer>(p.arena_bytes, bench::AlignedBuffer::Fill::zero)), slices(p.segments) {}
  SegmentOutput out() { return SegmentOutput{arena->data(), arena->size(), slices.data(), slices.size()}; }
};

void finish(benchmark::State& st, const BenchSend& s) {
  bench::set_counters(st, static_cast<double>(s.plan.wire_bytes), s.plan.segments, s.layout.header_size);
}

void bm_segment(benchmark::State& st, const SegmentImpl& impl, const BenchSend& s) {
  Output o(s.plan);
  const SegmentInput in = s.input();
  const SegmentOutput out = o.out();
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

void bm_describe(benchmark::State& st, const SegmentImpl& impl, const BenchSend& s) {
  bench::AlignedBuffer headers(s.plan.header_bytes, bench::AlignedBuffer::Fill::zero);
  std::vector<SgEntry> entries(s.plan.segments);
  const SegmentInput in = s.input();
  const SgOutput out{headers.data(), headers.size(), entries.data(), entries.size()};
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

void bm_dpdk(benchmark::State& st, const BenchSend& s, bool gather) {
  segment_start_peers();
  const SegmentImpl& peer = *find_impl(segment_impls(), "dpdk-gso");
  if (!peer.info.supported()) {
    st.SkipWithError(peer.info.why_unsupported().c_str());
    return;
  }
  SegmentError e;
  segment_detail::DpdkGsoSession* session = segment_detail::dpdk_gso_prepare(s.input(), &e);
  if (!session) {
    st.SkipWithError((std::string("dpdk-gso: ") + segment_error_message(e)).c_str());
    return;
  }
  Output o(s.plan);
  const SegmentOutput out = o.out();
  const SegmentOutput* outp = gather ? &out : nullptr;
  bench::timed_region_begins();
  for (auto _ : st) {
    e = segment_detail::dpdk_gso_run(session, outp);
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
  }
  segment_detail::dpdk_gso_release(session);
  if (e != SegmentError::ok) {
    st.SkipWithError(segment_error_message(e));
    return;
  }
  finish(st, s);
}

void bm_limit(benchmark::State& st, const LimitImpl& lim, const BenchSend& s, bool aligned_copy) {
  // memcpy: the output bytes (one contiguous copy of wire_bytes); read: the payload where it
  // lies in the frame (what zerocopy reads), or with aligned_copy a 64-byte-aligned copy of it.
  const size_t n = lim.writes ? s.plan.wire_bytes : s.plan.payload_len;
  bench::AlignedBuffer src(n, bench::AlignedBuffer::Fill::zero), dst(lim.writes ? n : 64, bench::AlignedBuffer::Fill::zero);
  if (lim.writes) std::memset(src.data(), 0x5A, n);
  else std::memcpy(src.data(), s.frame->data() + s.plan.header_len, n);
  const uint8_t* from = lim.writes || aligned_copy ? src.data() : s.frame->data() + s.plan.header_len;
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
  for (const BenchSend& s : all) {
    if (!s.plan.ok()) continue;
    for (const SegmentImpl& impl : segment_impls()) {
      if (impl.info.kind == ImplKind::peer) continue;
      if (impl.describe) {
        bench::register_row("segment", impl.info, s.label, [&impl, &s](benchmark::State& st) { bm_describe(st, impl, s); });
        bench::register_row("segment", renamed(impl.info, impl.info.name + "-gather"), s.label,
                            [&impl, &s](benchmark::State& st) { bm_segment(st, impl, s); });
      } else {
        bench::register_row("segment", impl.info, s.label, [&impl, &s](benchmark::State& st) { bm_segment(st, impl, s); });
      }
    }
    if (const SegmentImpl* peer = find_impl(segment_impls(), "dpdk-gso")) {
      const bool v4v4 = s.layout.outer_ipv4() && s.layout.inner_ipv4() && !s.layout.gre_checksum_present;
      if (v4v4) {
        bench::register_row("segment", peer->info, s.label, [&s](benchmark::State& st) { bm_dpdk(st, s, false); });
        bench::register_row("segment", renamed(peer->info, "dpdk-gso-gather"), s.label,
                            [&s](benchmark::State& st) { bm_dpdk(st, s, true); });
      }
    }
    for (const LimitImpl& lim : limit_impls()) {
      bench::register_row("limit", lim.info, s.label, [&lim, &s](benchmark::State& st) { bm_limit(st, lim, s, false); });
      if (!lim.writes && s.label.rfind("64k-", 0) == 0)
        bench::register_row("limit", lim.info, s.label + "-aligned",
                            [&lim, &s](benchmark::State& st) { bm_limit(st, lim, s, true); });
    }
  }
  return 0;
}();

}  // namespace
