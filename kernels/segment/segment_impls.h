// Internal to the segment family: the entry points the registry binds.
#pragma once
#include <string>

#include "kernels/checksum/checksum.h"
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
