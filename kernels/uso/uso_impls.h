// Internal to the uso family: the entry points the registry binds.
#pragma once
#include "kernels/uso/uso.h"

namespace eb::segment_detail {

SegmentError uso_reference(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
SegmentError uso_fused(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
SegmentError uso_zerocopy_describe(const SegmentImpl&, const SegmentInput&, const SgOutput&, uint32_t*);
SegmentError uso_zerocopy(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
// Bound to checksum/avx512-aligned and the segment family's multi_sums_aligned_avx512.
SegmentError uso_zerocopy_avx512_describe(const SegmentImpl&, const SegmentInput&, const SgOutput&, uint32_t*);
SegmentError uso_zerocopy_avx512(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);

}  // namespace eb::segment_detail
