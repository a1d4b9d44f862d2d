// The segment family's registry: one record per implementation, bound once to the checksum
// family's kernels (fused variants follow the checksum records that provide copy_and_sum).
#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/common/arch.h"
#include "kernels/segment/segment_impls.h"

namespace eb {

namespace {

using namespace segment_detail;

SegmentSumKernels kernels_of(const ChecksumImpl& c) {
  SegmentSumKernels k;
  k.sum = c.sum;
  k.copy_and_sum = c.copy_and_sum;
  k.checksum_impl = c.info.name;
  return k;
}

SegmentImpl make(const std::string& name, ImplKind kind, int rank, const std::string& desc) {
  SegmentImpl r;
  r.info.family = "segment";
  r.info.name = name;
  r.info.kind = kind;
  r.info.description = desc;
  r.preferred_rank = rank;
  return r;
}

std::vector<SegmentImpl> build() {
  std::vector<SegmentImpl> v;
  {
    SegmentImpl r = make("reference", ImplKind::reference, 1000,
                         "copy each segment, then fill every checksum from scratch with the plain ones-complement loop");
    r.segment = reference_segment;
    r.kernels = kernels_of(reference_checksum());
    v.push_back(std::move(r));
  }
  {
    const ChecksumImpl& best = best_fused_checksum();
    SegmentImpl r = make("fused", ImplKind::implementation, 10,
                         "header template patched per segment; payload copied and summed in one pass by the best "
                         "fused kernel (here: checksum/" + best.info.name + ")");
    r.info.required = best.info.required;  // what the kernel chosen here needs (always present)
    r.segment = fused_segment;
    r.kernels = kernels_of(best);
    v.push_back(std::move(r));
  }
  int rank = 20;
  for (const ChecksumImpl& c : checksum_impls()) {
    if (!c.internet_checksum || !c.copy_and_sum || c.info.kind != ImplKind::implementation) continue;
    const std::string name = c.info.name.rfind("fused", 0) == 0 ? c.info.name : "fused-" + c.info.name;
    SegmentImpl r = make(name, ImplKind::implementation, rank++,
                         "fused with checksum/" + c.info.name + "'s copy_and_sum");
    r.info.required = c.info.required;
    r.info.unavailable_reason = c.info.unavailable_reason;
    r.segment = fused_segment;
    r.kernels = kernels_of(c);
    v.push_back(std::move(r));
  }
  {
    const ChecksumImpl& best = best_checksum();
    SegmentImpl r = make("zerocopy", ImplKind::implementation, 50,
                         "scatter-gather: patched header buffers + payload references, payload summed in place by "
                         "checksum/" + best.info.name + "; materialise = sum then copy");
    r.info.required = best.info.required;
    r.segment = zerocopy_segment;
    r.describe = zerocopy_describe;
    r.kernels = kernels_of(best);
    v.push_back(std::move(r));
  }
#if EB_ARCH_X86_64
  {
    SegmentImpl r = make("zerocopy-avx512", ImplKind::implementation, 40,
                         "zerocopy with the segment family's aligned-load AVX-512 sum: every payload byte loaded "
                         "once from 64-byte-aligned blocks, masked at segment edges (no split loads)");
    r.info.required = kSumAlignedAvx512Cpu;
    r.segment = zerocopy_avx512_segment;
    r.describe = zerocopy_avx512_describe;
    r.kernels.sum = sum_aligned_avx512;
    r.kernels.checksum_impl = "segment:aligned-avx512";
    v.push_back(std::move(r));
  }
#endif
  {
    SegmentImpl r = make("dpdk-gso", ImplKind::peer, 500,
                         "DPDK rte_gso_segment (outer IPv4 + GRE + inner IPv4/TCP) + rte_ipv4_cksum / "
                         "rte_ipv4_udptcp_cksum_mbuf");
    r.info.unavailable_reason = dpdk_gso_static_reason();
    r.segment = dpdk_gso_segment;
    v.push_back(std::move(r));
  }
  return v;
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
