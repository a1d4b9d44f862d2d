// `reference`: the oracle. Each segment is copied whole (headers, then its payload slice), its
// fields are written, and every checksum is computed from scratch over the finished bytes with
// the plain ones-complement loop, in dependency order: IP headers, then TCP/UDP (its
// pseudo-header read back from the segment's own inner IP header), then GRE (which covers the
// filled TCP/UDP header). TCP sends (in.l4 tcp) are LSOv2 segments; UDP sends (in.l4 udp, the
// uso family's reference) are USO datagrams: UDP length set, a computed checksum of 0 sent as
// 0xFFFF.
#include <cstring>

#include "kernels/common/ones_complement.h"
#include "kernels/common/byteorder.h"
#include "kernels/segment/segment_impls.h"
#include "kernels/segment/segment_template.h"

namespace eb::segment_detail {

namespace {

void fill_ipv4_checksum(uint8_t* ip, uint32_t ihl) {
  store_be16(ip + 10, 0);
  store_be16(ip + 10, csum_finish(ones_complement_sum_simple(ip, ihl)));
}

// IPv4: total length and ID; IPv6: payload length (extension headers included). The IP packet
// runs from ip.offset to the end of the segment.
void set_ip_length_and_id(uint8_t* seg, const IpLayout& ip, uint32_t seg_len, uint16_t id) {
  uint8_t* h = seg + ip.offset;
  if (ip.version == IpVersion::v4) {
    store_be16(h + 2, static_cast<uint16_t>(seg_len - ip.offset));
    store_be16(h + 4, id);
  } else {
    store_be16(h + 4, static_cast<uint16_t>(seg_len - ip.offset - 40));
  }
}

}  // namespace

SegmentError reference_segment(const SegmentImpl&, const SegmentInput& in, const SegmentOutput& out,
                               uint32_t* count) {
  const SegmentPlan plan = plan_segments(in);
  if (!plan.ok()) return plan.error;
  if (out.arena_bytes < plan.arena_bytes || out.max_segments < plan.segments) return SegmentError::output_too_small;
  const NvgreLayout& L = *in.layout;
  const uint32_t H = plan.header_len;
  const bool udp = in.l4 == L4Proto::udp;
  const uint8_t proto = udp ? kIpProtoUDP : kIpProtoTCP;
  const uint8_t flags = udp ? 0 : in.frame[L.l4_offset + 13];
  const uint32_t seq = udp ? 0 : load_be32(in.frame + L.l4_offset + 4);
  const uint16_t outer_id = L.outer_ipv4() ? load_be16(in.frame + L.outer.offset + 4) : 0;
  const uint16_t inner_id = L.inner_ipv4() ? load_be16(in.frame + L.inner.offset + 4) : 0;

  for (uint32_t i = 0; i < plan.segments; ++i) {
    const uint32_t off = plan.segment_payload_offset(i);
    const uint32_t len = plan.segment_payload_len(i);
    const uint32_t seg_len = H + len;
    uint8_t* s = out.arena + plan.segment_offset(i);
    std::memcpy(s, in.frame, H);
    std::memcpy(s + H, in.frame + H + off, len);

    // Lengths and IDs.
    set_ip_length_and_id(s, L.outer, seg_len, static_cast<uint16_t>(outer_id + i));
    set_ip_length_and_id(s, L.inner, seg_len, static_cast<uint16_t>(inner_id + i));
    // TCP sequence and flags, or the UDP length.
    uint8_t* tcp = s + L.l4_offset;
    const uint32_t tcp_len = seg_len - L.l4_offset;
    if (udp) {
      store_be16(tcp + 4, static_cast<uint16_t>(tcp_len));
    } else {
      store_be32(tcp + 4, seq + off);
      tcp[13] = segment_tcp_flags(flags, i, plan.segments);
    }

    // Checksums, from scratch.
    if (L.outer_ipv4()) fill_ipv4_checksum(s + L.outer.offset, L.outer.header_len);
    if (L.inner_ipv4()) fill_ipv4_checksum(s + L.inner.offset, L.inner.header_len);
    const uint32_t pseudo =
        L.inner_ipv4()
            ? pseudo_header_sum_v4(s + L.inner.pseudo_src_offset(), s + L.inner.pseudo_dst_offset(), proto, tcp_len)
            : pseudo_header_sum_v6(s + L.inner.pseudo_src_offset(), s + L.inner.pseudo_dst_offset(), proto, tcp_len);
    uint8_t* l4_csum = tcp + (udp ? 6 : 16);
    store_be16(l4_csum, 0);
    uint16_t c = csum_finish(ones_complement_sum_simple(tcp, tcp_len, pseudo));
    if (udp && c == 0) c = 0xFFFF;  // UDP: 0 would mean "no checksum"
    store_be16(l4_csum, c);
    if (L.gre_checksum_present) {
      store_be16(s + L.gre_checksum_offset, 0);
      store_be16(s + L.gre_checksum_offset,
                 csum_finish(ones_complement_sum_simple(s + L.gre_offset, seg_len - L.gre_offset)));
    }
    out.segments[i] = {static_cast<uint32_t>(plan.segment_offset(i)), seg_len};
  }
  if (count) *count = plan.segments;
  return SegmentError::ok;
}

}  // namespace eb::segment_detail
