// `fused` and `zerocopy`: the header template (segment_template.h) built once per send and
// patched per segment; payload bytes touched once.
//   fused:    payload copied and summed in one pass (checksum family's copy_and_sum).
//   zerocopy: payload summed in place (checksum family's sum); segments described as a header
//             buffer plus a reference into the frame. Its materialising entry writes each header
//             straight into the arena and then copies the payload slice: describe + gather
//             without the intermediate header arena.
#include <cstring>

#include "kernels/segment/segment_impls.h"
#include "kernels/segment/segment_template.h"

namespace eb::segment_detail {

SegmentError fused_segment(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                           uint32_t* count) {
  const SegmentPlan plan = plan_segments(in);
  if (!plan.ok()) return plan.error;
  if (out.arena_bytes < plan.arena_bytes || out.max_segments < plan.segments) return SegmentError::output_too_small;
  SendTemplate t;
  t.build(in.frame, *in.layout, plan);
  const auto copy_and_sum = self.kernels.copy_and_sum;
  const uint32_t H = plan.header_len;
  const uint8_t* payload = in.frame + H;
  const uint8_t* src_hdr = t.header_source();
  uint8_t* dst = out.arena + plan.first_offset;
  for (uint32_t i = 0, off = 0; i < plan.segments; ++i, off += plan.mss, dst += plan.stride) {
    const uint32_t len = plan.segment_payload_len(i);
    std::memcpy(dst, src_hdr, H);
    const uint32_t psum = copy_and_sum(dst + H, payload + off, len, 0);
    if (t.is_mid(i)) t.patch_mid(dst, i, off, psum);
    else t.patch(dst, i, off, len, psum);
    out.segments[i] = {static_cast<uint32_t>(dst - out.arena), H + len};
  }
  if (count) *count = plan.segments;
  return SegmentError::ok;
}

SegmentError zerocopy_describe(const SegmentImpl& self, const SegmentInput& in, const SgOutput& out,
                               uint32_t* count) {
  const SegmentPlan plan = plan_segments(in);
  if (!plan.ok()) return plan.error;
  if (out.headers_bytes < plan.header_bytes || out.max_entries < plan.segments) return SegmentError::output_too_small;
  SendTemplate t;
  t.build(in.frame, *in.layout, plan);
  const auto sum = self.kernels.sum;
  const uint32_t H = plan.header_len;
  const uint8_t* payload = in.frame + H;
  const uint8_t* src_hdr = t.header_source();
  uint8_t* h = out.headers;
  for (uint32_t i = 0, off = 0; i < plan.segments; ++i, off += plan.mss, h += H) {
    const uint32_t len = plan.segment_payload_len(i);
    std::memcpy(h, src_hdr, H);
    const uint32_t psum = sum(payload + off, len, 0);
    if (t.is_mid(i)) t.patch_mid(h, i, off, psum);
    else t.patch(h, i, off, len, psum);
    out.entries[i] = {static_cast<uint32_t>(h - out.headers), H, H + off, len};
  }
  if (count) *count = plan.segments;
  return SegmentError::ok;
}

SegmentError zerocopy_segment(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                              uint32_t* count) {
  const SegmentPlan plan = plan_segments(in);
  if (!plan.ok()) return plan.error;
  if (out.arena_bytes < plan.arena_bytes || out.max_segments < plan.segments) return SegmentError::output_too_small;
  SendTemplate t;
  t.build(in.frame, *in.layout, plan);
  const auto sum = self.kernels.sum;
  const uint32_t H = plan.header_len;
  const uint8_t* payload = in.frame + H;
  const uint8_t* src_hdr = t.header_source();
  uint8_t* dst = out.arena + plan.first_offset;
  for (uint32_t i = 0, off = 0; i < plan.segments; ++i, off += plan.mss, dst += plan.stride) {
    const uint32_t len = plan.segment_payload_len(i);
    std::memcpy(dst, src_hdr, H);
    const uint32_t psum = sum(payload + off, len, 0);
    if (t.is_mid(i)) t.patch_mid(dst, i, off, psum);
    else t.patch(dst, i, off, len, psum);
    std::memcpy(dst + H, payload + off, len);
    out.segments[i] = {static_cast<uint32_t>(dst - out.arena), H + len};
  }
  if (count) *count = plan.segments;
  return SegmentError::ok;
}

}  // namespace eb::segment_detail
