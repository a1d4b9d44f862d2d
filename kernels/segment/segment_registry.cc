// The segment family's registry: one record per implementation, bound once to the checksum
// family's kernels (fused variants follow the checksum records that provide copy_and_sum).
#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/common/arch.h"
#include "kernels/segment/segment_impls.h"

namespace eb {

namespace {

using namespace segment_detail;

std::vector<SegmentImpl> build() {
  RecordList<SegmentImpl> list("segment");
  constexpr auto impl = ImplKind::implementation;
  // A record bound to checksum record `c`: it needs what `c` needs.
  auto add_bound = [&](const std::string& name, int rank, const std::string& desc, SegmentFn fn,
                       const ChecksumImpl& c) -> SegmentImpl& {
    SegmentImpl& r = list.add(name, impl, rank, c.info.required, desc, c.info.unavailable_reason);
    r.segment = fn;
    r.kernels = kernels_of(c);
    return r;
  };
  {
    SegmentImpl& r = list.add("reference", ImplKind::reference, 0, 0,
                              "copy each segment, then fill every checksum from scratch with the plain ones-complement loop");
    r.segment = reference_segment;
    r.kernels = kernels_of(reference_checksum());
  }
  const ChecksumImpl& fused = best_fused_checksum();
  add_bound("fused", 10,
            "header template patched per segment; payload copied and summed in one pass by the best-ranked fused "
            "kernel this CPU runs (here: checksum/" + fused.info.name + "; cached stores, see kernels/segment/README.md)",
            fused_segment, fused);
  int rank = 20;
  for (const ChecksumImpl& c : checksum_impls()) {
    if (!c.internet_checksum || !c.copy_and_sum || c.info.kind != ImplKind::implementation) continue;
    const std::string name = c.info.name.rfind("fused", 0) == 0 ? c.info.name : "fused-" + c.info.name;
    add_bound(name, rank++, "fused with checksum/" + c.info.name + "'s copy_and_sum", fused_segment, c);
  }
  const ChecksumImpl& best = best_checksum();
  add_bound("zerocopy", 50,
            "scatter-gather: patched header buffers + payload references, payload summed in place by checksum/" +
                best.info.name + "; materialise = sum then copy",
            zerocopy_segment, best)
      .describe = zerocopy_describe;
#if EB_ARCH_X86_64
  add_bound("zerocopy-avx512", 40,
            "zerocopy with checksum/avx512-aligned inlined, and one pass of aligned blocks over consecutive "
            "segments: every payload byte loaded once, masked at segment edges (no split loads)",
            zerocopy_avx512_segment, *find_checksum("avx512-aligned"))
      .describe = zerocopy_avx512_describe;
#endif
  list.add("dpdk-gso", ImplKind::peer, 500, 0,
           "DPDK rte_gso_segment (outer IPv4 + GRE + inner IPv4/TCP) + rte_ipv4_cksum / rte_ipv4_udptcp_cksum_mbuf",
           dpdk_gso_static_reason())
      .segment = dpdk_gso_segment;
  return std::move(list).ordered();
}

std::vector<SegmentImpl>& registry() {
  static std::vector<SegmentImpl> v = build();
  return v;
}

}  // namespace

const std::vector<SegmentImpl>& segment_impls() { return registry(); }

const SegmentImpl& best_segment() { return *best_impl(segment_impls()); }

void segment_start_peers() {
  static bool done = false;
  if (done) return;
  done = true;
  for (SegmentImpl& r : registry()) {
    if (r.info.name == "dpdk-gso" && r.info.unavailable_reason.empty())
      r.info.unavailable_reason = dpdk_gso_start();
  }
}

}  // namespace eb
