// The uso family's registry: reference, fused (+ fused-NAME per checksum kernel with a
// copy_and_sum) and zerocopy, bound to the checksum family's kernels as the segment family's are.
#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/common/arch.h"
#include "kernels/segment/segment_impls.h"
#include "kernels/uso/uso_impls.h"

namespace eb {

namespace {

using namespace segment_detail;

std::vector<UsoImpl> build() {
  RecordList<UsoImpl> list("uso");
  constexpr auto impl = ImplKind::implementation;
  add_bound(list, "reference", ImplKind::reference, 0,
            "copy each datagram, then fill every checksum from scratch with the plain ones-complement loop",
            uso_reference, reference_checksum());
  const ChecksumImpl& fused = best_fused_checksum();
  add_bound(list, "fused", impl, 10,
            "header template patched per datagram; payload copied and summed in one pass by the best fused kernel "
            "(here: checksum/" + fused.info.name + ")",
            uso_fused, fused);
  add_fused_variants(list, uso_fused, 20);
  const ChecksumImpl& best = best_checksum();
  add_bound(list, "zerocopy", impl, 50,
            "scatter-gather: patched header buffers + payload references, payload summed in place by checksum/" +
                best.info.name + "; materialise = sum then copy",
            uso_zerocopy, best)
      .describe = uso_zerocopy_describe;
#if EB_ARCH_X86_64  // the aligned AVX-512 sums exist on x86-64 only (segment registers its twin alike)
  add_bound(list, "zerocopy-avx512", impl, 40,
            "zerocopy with checksum/avx512-aligned and one pass of aligned blocks over consecutive datagrams: every "
            "payload byte loaded once, masked at datagram edges (no split loads)",
            uso_zerocopy_avx512, *find_checksum("avx512-aligned"))
      .describe = uso_zerocopy_avx512_describe;
#endif
  return std::move(list).ordered();
}

}  // namespace

SegmentPlan plan_uso(SegmentInput in) {
  in.l4 = L4Proto::udp;
  return plan_segments(in);
}

const std::vector<UsoImpl>& uso_impls() {
  static const std::vector<UsoImpl> v = build();
  return v;
}

const UsoImpl& best_uso() { return *best_impl(uso_impls()); }

}  // namespace eb
