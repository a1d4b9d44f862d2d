// Validation, sizing and the scatter-gather gather step: shared by every implementation.
#include <algorithm>
#include <cstring>

#include "kernels/segment/segment.h"

namespace eb {

const char* segment_error_name(SegmentError e) {
  return EB_ENUM_LOOKUP(EB_SEGMENT_ERROR_VALUES, EB_ENUM_NAME, e, "unknown");
}

const char* segment_error_message(SegmentError e) {
  return EB_ENUM_LOOKUP(EB_SEGMENT_ERROR_VALUES, EB_ENUM_TEXT, e, "unknown segmentation error");
}

SegmentPlan plan_segments(const SegmentInput& in) {
  SegmentPlan p;
  auto fail = [&p](SegmentError e) {
    p = SegmentPlan{};
    p.error = e;
    return p;
  };
  if (!in.frame || !in.layout) return fail(SegmentError::parse_error);
  const NvgreLayout& L = *in.layout;
  if (!L.ok() || L.frame_len != in.frame_len) return fail(SegmentError::parse_error);
  if (L.l4 != in.l4) return fail(in.l4 == L4Proto::udp ? SegmentError::not_udp : SegmentError::not_tcp);
  if (L.header_size > in.max_header_size) return fail(SegmentError::header_too_large);
  if (in.mss == 0) return fail(SegmentError::mss_zero);
  // Ethernet padding after the inner or the outer IP packet is legal and is not payload: the
  // send is the headers and the inner TCP payload (payload_len, from the inner IP length); every
  // segment's lengths are computed from its own bytes, so no segment carries the padding.
  // UDP: the UDP length (0 in a large send is taken as "to the end of the inner IP packet") must
  // reach the end of the inner IP packet.
  if (L.l4_offset + L.l4_len != L.inner.end()) return fail(SegmentError::l4_length_mismatch);

  const uint32_t H = L.payload_offset;
  const uint32_t P = L.payload_len;
  const uint32_t seg_max = std::min(in.mss, P);
  // Largest IP length field any segment carries (IPv4 total length / IPv6 payload length).
  const uint64_t outer_len = uint64_t{H} - L.outer.offset - (L.outer_ipv4() ? 0 : 40) + seg_max;
  const uint64_t inner_len = uint64_t{H} - L.inner.offset - (L.inner_ipv4() ? 0 : 40) + seg_max;
  if (outer_len > 0xFFFF || inner_len > 0xFFFF) return fail(SegmentError::mss_too_large);

  p.header_len = H;
  p.payload_len = P;
  p.mss = in.mss;
  p.segments = P == 0 ? 1 : static_cast<uint32_t>((uint64_t{P} + in.mss - 1) / in.mss);
  p.stride = (H + seg_max + 63) & ~63u;
  p.first_offset = (64 - H % 64) % 64;
  p.arena_bytes = p.segment_offset(p.segments - 1) + p.segment_len(p.segments - 1);
  p.wire_bytes = size_t{p.segments} * H + P;
  p.header_bytes = size_t{p.segments} * H;
  return p;
}

SegmentError gather_segments(const SegmentInput& in, const SgEntry* entries, uint32_t count,
                             const uint8_t* headers, const SegmentOutput& out) {
  const SegmentPlan plan = plan_segments(in);
  if (!plan.ok()) return plan.error;
  if (count != plan.segments) return SegmentError::sg_mismatch;
  if (out.arena_bytes < plan.arena_bytes || out.max_segments < plan.segments) return SegmentError::output_too_small;
  // Check the whole list first: never leave half a send in the arena.
  for (uint32_t i = 0; i < count; ++i) {
    const SgEntry& e = entries[i];
    if (e.header_len != plan.header_len || e.payload_len != plan.segment_payload_len(i) ||
        e.payload_offset != plan.header_len + plan.segment_payload_offset(i))
      return SegmentError::sg_mismatch;
  }
  for (uint32_t i = 0; i < count; ++i) {
    const SgEntry& e = entries[i];
    uint8_t* dst = out.arena + plan.segment_offset(i);
    std::memcpy(dst, headers + e.header_offset, e.header_len);
    std::memcpy(dst + e.header_len, in.frame + e.payload_offset, e.payload_len);
    out.segments[i] = {static_cast<uint32_t>(plan.segment_offset(i)), e.header_len + e.payload_len};
  }
  return SegmentError::ok;
}

}  // namespace eb
