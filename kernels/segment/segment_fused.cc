// `fused` and `zerocopy`: the header template (segment_template.h) built once per send; segments
// are produced in batches of SendTemplate::kBatch: headers copied and payload bytes touched once
// (summed, and copied where the output is materialised), then the batch's header fields are
// computed together and stored.
//   fused:    payload copied and summed in one pass (checksum family's copy_and_sum).
//   zerocopy: payload summed in place (a sum kernel); segments described as a header buffer plus
//             a reference into the frame (segment_loops.inc). Its materialising entry writes each
//             header straight into the arena and copies the payload slice after summing it:
//             describe + gather without the intermediate header arena.
#include <algorithm>
#include <cstring>

#include "kernels/segment/segment_impls.h"
#include "kernels/segment/segment_template.h"

namespace eb::segment_detail {

namespace generic {
#define EB_SEG_LOOP_ATTR
#define EB_SEG_LOOP_SUM(p, n) self.kernels.sum(p, n, 0)
#define EB_SEG_LOOP_COPY_SUM(d, s, n) self.kernels.copy_and_sum(d, s, n, 0)
#include "kernels/segment/segment_loops.inc"
#undef EB_SEG_LOOP_COPY_SUM
#undef EB_SEG_LOOP_SUM
#undef EB_SEG_LOOP_ATTR
}  // namespace generic

SegmentError fused_segment(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                           uint32_t* count) {
  return generic::fused_loop(self, in, out, count);
}

SegmentError zerocopy_describe(const SegmentImpl& self, const SegmentInput& in, const SgOutput& out,
                               uint32_t* count) {
  return generic::describe_loop(self, in, out, count);
}

SegmentError zerocopy_segment(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                              uint32_t* count) {
  return generic::sum_then_copy_loop(self, in, out, count);
}

}  // namespace eb::segment_detail
