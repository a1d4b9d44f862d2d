// Internal to the segment family: the entry points the registry binds.
#pragma once
#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/common/arch.h"
#include "kernels/common/registry.h"
#include "kernels/segment/segment.h"

namespace eb::segment_detail {

// The kernels of checksum record `c` a segmentation record binds (its sum and copy_and_sum).
inline SegmentSumKernels kernels_of(const ChecksumImpl& c) {
  SegmentSumKernels k;
  k.sum = c.sum;
  k.copy_and_sum = c.copy_and_sum;
  k.checksum_impl = c.info.name;
  return k;
}

// Adds record `name` to `list`, bound to checksum record `c`: it needs what `c` needs.
inline SegmentImpl& add_bound(RecordList<SegmentImpl>& list, const std::string& name, ImplKind kind, int rank,
                              const std::string& desc, SegmentFn fn, const ChecksumImpl& c) {
  SegmentImpl& r = list.add(name, kind, rank, c.info.required, desc, c.info.unavailable_reason);
  r.segment = fn;
  r.kernels = kernels_of(c);
  return r;
}

// One `fn` record per checksum implementation with a copy_and_sum, ranked from `rank` in the
// checksum family's order: "fused-NAME" ("NAME" when the checksum record is itself a fused one).
inline void add_fused_variants(RecordList<SegmentImpl>& list, SegmentFn fn, int rank) {
  for (const ChecksumImpl& c : checksum_impls()) {
    if (!c.internet_checksum || !c.copy_and_sum || c.info.kind != ImplKind::implementation) continue;
    const std::string name = c.info.name.rfind("fused", 0) == 0 ? c.info.name : "fused-" + c.info.name;
    add_bound(list, name, ImplKind::implementation, rank++, "fused with checksum/" + c.info.name + "'s copy_and_sum",
              fn, c);
  }
}

// The entry points of a segmentation family (segment: LSOv2, uso: USO).
struct FamilyEntryPoints {
  SegmentFn reference, fused, zerocopy;
  DescribeFn zerocopy_describe;
  SegmentFn zerocopy_avx512;  // x86-64 only (the aligned AVX-512 sums exist there only)
  DescribeFn zerocopy_avx512_describe;
};

// The records every segmentation family has, each bound to the checksum family's kernels:
// reference, fused (the best fused kernel) and a fused-NAME per copy_and_sum, zerocopy (the best
// sum) and, on x86-64, zerocopy-avx512. `unit` names one output frame in the descriptions.
inline void add_family_records(RecordList<SegmentImpl>& list, const std::string& unit, const FamilyEntryPoints& f) {
  constexpr auto impl = ImplKind::implementation;
  add_bound(list, "reference", ImplKind::reference, 0,
            "copy each " + unit + ", then fill every checksum from scratch with the plain ones-complement loop",
            f.reference, reference_checksum());
  const ChecksumImpl& fused = best_fused_checksum();
  add_bound(list, "fused", impl, 10,
            "header template patched per " + unit +
                "; payload copied and summed in one pass by the best-ranked fused kernel this CPU runs "
                "(here: checksum/" +
                fused.info.name + "; cached stores, see kernels/segment/README.md)",
            f.fused, fused);
  add_fused_variants(list, f.fused, 20);
  const ChecksumImpl& best = best_checksum();
  add_bound(list, "zerocopy", impl, 50,
            "scatter-gather: patched header buffers + payload references, payload summed in place by checksum/" +
                best.info.name + "; materialise = sum then copy",
            f.zerocopy, best)
      .describe = f.zerocopy_describe;
#if EB_ARCH_X86_64
  add_bound(list, "zerocopy-avx512", impl, 40,
            "zerocopy with checksum/avx512-aligned and one pass of aligned blocks over consecutive " + unit +
                "s: every payload byte loaded once, masked at " + unit + " edges (no split loads)",
            f.zerocopy_avx512, *find_checksum("avx512-aligned"))
      .describe = f.zerocopy_avx512_describe;
#endif
}

SegmentError reference_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
SegmentError fused_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
SegmentError zerocopy_describe(const SegmentImpl&, const SegmentInput&, const SgOutput&, uint32_t*);
SegmentError zerocopy_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);

// segment_avx512.cc, over the checksum family's avx512-aligned kernel (needs what that record
// needs). The partial sums of segments [b, b + cnt) of a payload cut every `mss` bytes, in one pass.
void multi_sums_aligned_avx512(const uint8_t* payload, uint32_t payload_len, uint32_t mss, uint32_t b, uint32_t cnt,
                               uint32_t* out);
SegmentError zerocopy_avx512_describe(const SegmentImpl&, const SegmentInput&, const SgOutput&, uint32_t*);
SegmentError zerocopy_avx512_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);

// DPDK peer (segment_dpdk.cc). dpdk_gso_static_reason(): why it cannot run without trying
// (empty if it may); dpdk_gso_start(): starts the EAL once, returns the failure reason or "".
std::string dpdk_gso_static_reason();
std::string dpdk_gso_start();
SegmentError dpdk_gso_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
// For the benchmark: the input mbuf chain made once (prepare), then each run is exactly
// rte_gso_segment + DPDK checksums (+ copy-out into `out` when non-null) + freeing the segments.
struct DpdkGsoSession;
DpdkGsoSession* dpdk_gso_prepare(const SegmentInput& in, SegmentError* error);
SegmentError dpdk_gso_run(DpdkGsoSession* session, const SegmentOutput* out);
void dpdk_gso_release(DpdkGsoSession* session);

}  // namespace eb::segment_detail
