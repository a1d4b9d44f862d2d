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

namespace {
// Materialised segments are patched a few at a time, while their header lines are still in L1
// (32 segments of 1.5 KB would not fit a 48 KB L1D).
constexpr uint32_t kBatch = 4;
static_assert(kBatch <= SendTemplate::kBatch);
}

SegmentError fused_segment(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                           uint32_t* count) {
  const SegmentPlan plan = plan_segments(in);
  if (!plan.ok()) return plan.error;
  if (out.arena_bytes < plan.arena_bytes || out.max_segments < plan.segments) return SegmentError::output_too_small;
  SendTemplate t;
  t.build(in.frame, *in.layout, plan);
  const auto copy_and_sum = self.kernels.copy_and_sum;
  const uint32_t H = plan.header_len, n = plan.segments, mss = plan.mss;
  const uint8_t* payload = in.frame + H;
  const uint8_t* src_hdr = t.header_source();
  uint32_t psum[kBatch];
  for (uint32_t b = 0; b < n; b += kBatch) {
    const uint32_t cnt = std::min(kBatch, n - b);
    uint8_t* const first = out.arena + plan.segment_offset(b);
    uint8_t* dst = first;
    for (uint32_t k = 0; k < cnt; ++k, dst += plan.stride) {
      const uint32_t i = b + k, len = plan.segment_payload_len(i);
      copy_header(dst, src_hdr, H);
      psum[k] = copy_and_sum(dst + H, payload + i * mss, len, 0);
      out.segments[i] = {static_cast<uint32_t>(dst - out.arena), H + len};
    }
    t.patch_range(first, plan.stride, b, cnt, psum);
  }
  if (count) *count = n;
  return SegmentError::ok;
}

namespace generic {
#define EB_SEG_LOOP_ATTR
#define EB_SEG_LOOP_SUM(p, n) self.kernels.sum(p, n, 0)
#include "kernels/segment/segment_loops.inc"
#undef EB_SEG_LOOP_SUM
#undef EB_SEG_LOOP_ATTR
}  // namespace generic

SegmentError zerocopy_describe(const SegmentImpl& self, const SegmentInput& in, const SgOutput& out,
                               uint32_t* count) {
  return generic::describe_loop(self, in, out, count);
}

SegmentError zerocopy_segment(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                              uint32_t* count) {
  return generic::sum_then_copy_loop(self, in, out, count);
}

}  // namespace eb::segment_detail
