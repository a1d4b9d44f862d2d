// The uso family's registry: reference, fused (+ fused-NAME per checksum kernel with a
// copy_and_sum) and zerocopy, bound to the checksum family's kernels as the segment family's are.
#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/segment/segment_impls.h"
#include "kernels/uso/uso_impls.h"

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

UsoImpl make(const std::string& name, ImplKind kind, int rank, const std::string& desc, const ChecksumImpl& ck) {
  UsoImpl r;
  r.info.family = "uso";
  r.info.name = name;
  r.info.kind = kind;
  r.info.description = desc;
  r.info.required = ck.info.required;
  r.info.unavailable_reason = ck.info.unavailable_reason;
  r.preferred_rank = rank;
  r.kernels = kernels_of(ck);
  return r;
}

std::vector<UsoImpl> build() {
  std::vector<UsoImpl> v;
  UsoImpl ref = make("reference", ImplKind::reference, 1000,
                     "copy each datagram, then fill every checksum from scratch with the plain ones-complement loop",
                     reference_checksum());
  ref.segment = uso_reference;
  v.push_back(std::move(ref));

  const ChecksumImpl& best_fused = best_fused_checksum();
  UsoImpl fused = make("fused", ImplKind::implementation, 10,
                       "header template patched per datagram; payload copied and summed in one pass by the best "
                       "fused kernel (here: checksum/" + best_fused.info.name + ")",
                       best_fused);
  fused.segment = uso_fused;
  v.push_back(std::move(fused));

  int rank = 20;
  for (const ChecksumImpl& c : checksum_impls()) {
    if (!c.internet_checksum || !c.copy_and_sum || c.info.kind != ImplKind::implementation) continue;
    const std::string name = c.info.name.rfind("fused", 0) == 0 ? c.info.name : "fused-" + c.info.name;
    UsoImpl r = make(name, ImplKind::implementation, rank++, "fused with checksum/" + c.info.name + "'s copy_and_sum", c);
    r.segment = uso_fused;
    v.push_back(std::move(r));
  }

  const ChecksumImpl& best = best_checksum();
  UsoImpl zc = make("zerocopy", ImplKind::implementation, 50,
                    "scatter-gather: patched header buffers + payload references, payload summed in place by "
                    "checksum/" + best.info.name + "; materialise = sum then copy",
                    best);
  zc.segment = uso_zerocopy;
  zc.describe = uso_zerocopy_describe;
  v.push_back(std::move(zc));

  UsoImpl zc512 = make("zerocopy-avx512", ImplKind::implementation, 40,
                       "zerocopy with the segment family's aligned-load AVX-512 sum: every payload byte loaded once "
                       "from 64-byte-aligned blocks, masked at datagram edges (no split loads)",
                       reference_checksum());
  zc512.info.required = kSumAlignedAvx512Cpu;
  zc512.info.unavailable_reason.clear();
  zc512.kernels.sum = sum_aligned_avx512;
  zc512.kernels.copy_and_sum = nullptr;
  zc512.kernels.checksum_impl = "segment:aligned-avx512";
  zc512.segment = uso_zerocopy_avx512;
  zc512.describe = uso_zerocopy_avx512_describe;
  v.push_back(std::move(zc512));
  return v;
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
