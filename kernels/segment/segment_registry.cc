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
  FamilyEntryPoints f{reference_segment, fused_segment, zerocopy_segment, zerocopy_describe, nullptr, nullptr};
#if EB_ARCH_X86_64
  f.zerocopy_avx512 = zerocopy_avx512_segment, f.zerocopy_avx512_describe = zerocopy_avx512_describe;
#endif
  add_family_records(list, "segment", f);
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
