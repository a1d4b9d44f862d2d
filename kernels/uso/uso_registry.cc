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
  FamilyEntryPoints f{uso_reference, uso_fused, uso_zerocopy, uso_zerocopy_describe, nullptr, nullptr};
#if EB_ARCH_X86_64  // the aligned AVX-512 sums exist on x86-64 only (segment registers its twin alike)
  f.zerocopy_avx512 = uso_zerocopy_avx512, f.zerocopy_avx512_describe = uso_zerocopy_avx512_describe;
#endif
  add_family_records(list, "datagram", f);
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
