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
  // A record bound to checksum record `c`: it needs what `c` needs.
  auto add_bound = [&](const std::string& name, ImplKind kind, int rank, const std::string& desc, SegmentFn fn,
                       const ChecksumImpl& c) -> UsoImpl& {
    UsoImpl& r = list.add(name, kind, rank, c.info.required, desc, c.info.unavailable_reason);
    r.segment = fn;
    r.kernels = kernels_of(c);
    return r;
  };
  add_bound("reference", ImplKind::reference, 0,
            "copy each datagram, then fill every checksum from scratch with the plain ones-complement loop",
            uso_reference, reference_checksum());
  const ChecksumImpl& fused = best_fused_checksum();
  add_bound("fused", impl, 10,
            "header template patched per datagram; payload copied and summed in one pass by the best fused kernel "
            "(here: checksum/" + fused.info.name + ")",
            uso_fused, fused);
  int rank = 20;
  for (const ChecksumImpl& c : checksum_impls()) {
    if (!c.internet_checksum || !c.copy_and_sum || c.info.kind != ImplKind::implementation) continue;
    const std::string name = c.info.name.rfind("fused", 0) == 0 ? c.info.name : "fused-" + c.info.name;
    add_bound(name, impl, rank++, "fused with checksum/" + c.info.name + "'s copy_and_sum", uso_fused, c);
  }
  const ChecksumImpl& best = best_checksum();
  add_bound("zerocopy", impl, 50,
            "scatter-gather: patched header buffers + payload references, payload summed in place by checksum/" +
                best.info.name + "; materialise = sum then copy",
            uso_zerocopy, best)
      .describe = uso_zerocopy_describe;
#if EB_ARCH_X86_64  // the aligned AVX-512 sums exist on x86-64 only (segment registers its twin alike)
  add_bound("zerocopy-avx512", impl, 40,
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
