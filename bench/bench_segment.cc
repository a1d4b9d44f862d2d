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
//   limit/memcpy-segments  the same bytes as one memcpy of the header and one of the payload slice per
//                          segment, into the segments' layout (what a materialising segmenter must issue)
//   limit/read             a read-only pass over the payload where it lies in the frame (at the header
//                          length, so its 64-byte loads mostly straddle cache lines, as zerocopy's
//                          would); limit/read/...-aligned: the same bytes copied to a 64-byte-aligned
//                          buffer first, the pass at its fastest
// Counters: bytes = wire bytes of all segments (limit/read: payload bytes), packets = segments,
// header_size = the send's header size. Compare rows by time per send (ns_per_packet x segments):
// ratios in the notes come from one run of this binary.
#include <string>
#include <vector>

#include "bench/segment_rows.h"
#include "kernels/segment/segment_impls.h"

namespace {

using namespace eb;
using namespace eb::bench::segrows;

std::vector<BenchSend> sends() {
  std::vector<BenchSend> v;
  v.push_back(make_send("64k-mss1418", NvgreSpec{}, 1418));
  v.push_back(make_send("64k-mss8948", NvgreSpec{}, 8948));
  add_sweep_sends<L4Proto::tcp>(v);  // quick: v4v4 and v6v6 only
  return v;
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

const int registered = [] {
  static const std::vector<BenchSend> all = sends();
  for (const BenchSend& s : all) {
    if (!s.plan.ok()) continue;
    for (const SegmentImpl& impl : segment_impls())
      if (impl.info.kind != ImplKind::peer) register_impl("segment", impl, s);
    if (const SegmentImpl* peer = find_impl(segment_impls(), "dpdk-gso")) {
      const bool v4v4 = s.layout.outer_ipv4() && s.layout.inner_ipv4() && !s.layout.gre_checksum_present;
      if (v4v4) {
        bench::register_row("segment", peer->info, s.label, [&s](benchmark::State& st) { bm_dpdk(st, s, false); });
        bench::register_row("segment", renamed(peer->info, "dpdk-gso-gather"), s.label,
                            [&s](benchmark::State& st) { bm_dpdk(st, s, true); });
      }
    }
    register_limits(s);
  }
  return 0;
}();

}  // namespace
