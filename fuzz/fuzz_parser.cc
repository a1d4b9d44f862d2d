// Fuzz target: parse_nvgre on arbitrary bytes, with both ParseOptions. The input is the frame
// itself (an exact-size heap copy: a sanitizer sees any read past the end). Checked for every
// input: the parser never reads outside the frame, the error code is a named one (never the two
// retired ones, inner_not_ip and unknown_l4), a *_ip_fragment error comes exactly with
// `fragment` set and the fragmented header inside the frame, and for a frame that parses:
//   - every header lies inside the frame, in wire order, each starting where the previous ends,
//     header_size == l4_offset + l4_header_len, payload inside the frame and inside the inner IP;
//   - an inner frame that is not IP stops after the inner Ethernet header (its EtherType is in
//     the layout); inner IP that is not TCP/UDP has an L4 range of the rest of the inner IP
//     packet with no header (l4 other, or none for IPv6 "no next header");
//   - header lengths have their legal shapes (IPv4 20..60, IPv6 40 + multiples of 8, TCP 20..60
//     in steps of 4, UDP 8, GRE 8/12/16 with the key bit set), VSID fits in 24 bits;
//   - the IP versions agree with the EtherTypes and version nibbles in the bytes;
//   - appending padding does not change the layout (trailing bytes are ignored), for fragments too;
//   - cutting the frame anywhere before the end of the outer IP packet gives a truncated_* error
//     (truncated_payload once every header is whole), never ok and never another error;
//   - with no zero length fields, large_send parsing gives the same layout as normal parsing
//     (an inner IPv6 payload length of 0 is legal in normal traffic: no next header);
//   - parse_nvgre (fast path for common shapes) equals parse_nvgre_full field for field, for
//     the input, both options and every cut.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"

namespace {

using namespace eb;

bool same_ip(const IpLayout& a, const IpLayout& b) {
  return a.version == b.version && a.offset == b.offset && a.header_len == b.header_len && a.total_len == b.total_len &&
         a.upper_proto == b.upper_proto && a.ext_count == b.ext_count && a.length_from_frame == b.length_from_frame &&
         a.ip6_home_addr_offset == b.ip6_home_addr_offset && a.ip6_rt2_addr_offset == b.ip6_rt2_addr_offset;
}

// Every field but frame_len.
bool same_layout(const NvgreLayout& a, const NvgreLayout& b) {
  return a.error == b.error && a.error_offset == b.error_offset && a.outer_vlan == b.outer_vlan &&
         a.outer_vlan_tci == b.outer_vlan_tci && a.outer_eth_len == b.outer_eth_len && same_ip(a.outer, b.outer) &&
         a.gre_offset == b.gre_offset && a.gre_len == b.gre_len && a.gre_checksum_present == b.gre_checksum_present &&
         a.gre_key_present == b.gre_key_present && a.gre_seq_present == b.gre_seq_present &&
         a.gre_checksum_offset == b.gre_checksum_offset && a.vsid == b.vsid && a.flow_id == b.flow_id &&
         a.gre_seq == b.gre_seq && a.inner_eth_offset == b.inner_eth_offset && same_ip(a.inner, b.inner) &&
         a.l4 == b.l4 && a.l4_offset == b.l4_offset && a.l4_header_len == b.l4_header_len && a.l4_len == b.l4_len &&
         a.payload_offset == b.payload_offset && a.payload_len == b.payload_len && a.header_size == b.header_size &&
         a.error_value == b.error_value && a.inner_ethertype == b.inner_ethertype && a.fragment == b.fragment;
}

bool is_truncation(ParseError e) { return std::string(parse_error_name(e)).rfind("truncated_", 0) == 0; }

void check_ip(const uint8_t* d, size_t n, const IpLayout& ip, uint16_t ethertype, const char* level) {
  FUZZ_CHECK(ip.version == (ethertype == kEtherTypeIPv4 ? IpVersion::v4 : IpVersion::v6), "%s version vs EtherType %04x",
             level, ethertype);
  FUZZ_CHECK(ip.offset < n && (d[ip.offset] >> 4) == static_cast<uint8_t>(ip.version), "%s version nibble", level);
  FUZZ_CHECK(ip.header_len <= ip.total_len, "%s header_len %u > total_len %u", level, ip.header_len, ip.total_len);
  FUZZ_CHECK(size_t{ip.end()} <= n, "%s ends at %u past the frame (%zu)", level, ip.end(), n);
  if (ip.version == IpVersion::v4) {
    FUZZ_CHECK(ip.header_len >= 20 && ip.header_len <= 60 && ip.header_len % 4 == 0, "%s IPv4 header_len %u", level,
               ip.header_len);
    FUZZ_CHECK(ip.header_len == (d[ip.offset] & 0xFu) * 4u, "%s IHL", level);
    FUZZ_CHECK(ip.upper_proto == d[ip.offset + 9], "%s protocol", level);
    FUZZ_CHECK(ip.ext_count == 0 && ip.ip6_home_addr_offset == 0 && ip.ip6_rt2_addr_offset == 0, "%s v4 ext", level);
    if (!ip.length_from_frame) FUZZ_CHECK(ip.total_len == load_be16(d + ip.offset + 2), "%s total length", level);
  } else {
    FUZZ_CHECK(ip.header_len >= 40 && (ip.header_len - 40) % 8 == 0, "%s IPv6 header_len %u", level, ip.header_len);
    FUZZ_CHECK(ip.ext_count <= kMaxIp6ExtHeaders, "%s ext_count %u", level, ip.ext_count);
    FUZZ_CHECK((ip.ext_count == 0) == (ip.header_len == 40), "%s ext_count vs header_len", level);
    if (!ip.length_from_frame) FUZZ_CHECK(ip.total_len == 40u + load_be16(d + ip.offset + 4), "%s payload length", level);
    if (ip.ip6_home_addr_offset)
      FUZZ_CHECK(ip.ip6_home_addr_offset >= ip.offset + 40 && ip.ip6_home_addr_offset + 16 <= ip.offset + ip.header_len,
                 "%s home address option at %u outside the extension headers", level, ip.ip6_home_addr_offset);
    if (ip.ip6_rt2_addr_offset)
      FUZZ_CHECK(ip.ip6_rt2_addr_offset >= ip.offset + 40 && ip.ip6_rt2_addr_offset + 16 <= ip.offset + ip.header_len,
                 "%s routing type 2 address at %u outside the extension headers", level, ip.ip6_rt2_addr_offset);
  }
}

void check_layout(const uint8_t* d, size_t n, const NvgreLayout& L, const ParseOptions& opt) {
  FUZZ_CHECK(static_cast<unsigned>(L.error) < static_cast<unsigned>(ParseError::count_), "error %u out of range",
             static_cast<unsigned>(L.error));
  FUZZ_CHECK(std::string(parse_error_name(L.error)) != "unknown_error", "unnamed error %u", static_cast<unsigned>(L.error));
  FUZZ_CHECK(L.frame_len == n, "frame_len %u != %zu", L.frame_len, n);
  FUZZ_CHECK(L.error != ParseError::inner_not_ip && L.error != ParseError::unknown_l4, "retired error %s reported",
             parse_error_name(L.error));
  FUZZ_CHECK((L.error == ParseError::outer_ip_fragment) == (L.fragment == Fragment::outer) &&
                 (L.error == ParseError::inner_ip_fragment) == (L.fragment == Fragment::inner),
             "%s with fragment %u", parse_error_name(L.error), static_cast<unsigned>(L.fragment));
  FUZZ_CHECK(!parse_error_detail(L).empty(), "empty detail");
  if (L.is_fragment()) {
    const IpLayout& ip = L.fragment == Fragment::outer ? L.outer : L.inner;
    FUZZ_CHECK(ip.version != IpVersion::none && size_t{ip.offset} + ip.header_len <= n, "fragmented header outside the frame");
    FUZZ_CHECK(L.header_size == ip.offset + ip.header_len, "fragment header_size %u", L.header_size);
    FUZZ_CHECK(L.fragment == Fragment::outer || (L.inner_eth_offset == L.gre_offset + L.gre_len && L.inner.offset == L.inner_eth_offset + 14),
               "inner fragment offsets");
  }
  if (!L.ok()) {
    FUZZ_CHECK(L.error_offset <= n, "%s: error_offset %u past the frame (%zu)", parse_error_name(L.error), L.error_offset, n);
    return;
  }
  FUZZ_CHECK(n >= 14, "ok with %zu bytes", n);
  const uint16_t et0 = load_be16(d + 12);
  FUZZ_CHECK(L.outer_vlan == (et0 == kEtherTypeVlan || et0 == kEtherTypeQinQ), "outer_vlan vs EtherType %04x", et0);
  FUZZ_CHECK(L.outer_eth_len == (L.outer_vlan ? 18u : 14u), "outer_eth_len %u", L.outer_eth_len);
  FUZZ_CHECK(L.outer.offset == L.outer_eth_len, "outer IP at %u", L.outer.offset);
  check_ip(d, n, L.outer, load_be16(d + L.outer_eth_len - 2), "outer");
  FUZZ_CHECK(L.outer.upper_proto == kIpProtoGRE, "outer protocol %u", L.outer.upper_proto);

  FUZZ_CHECK(L.gre_offset == L.outer.offset + L.outer.header_len, "GRE at %u", L.gre_offset);
  FUZZ_CHECK(L.gre_key_present, "ok without GRE key");
  FUZZ_CHECK(L.gre_len == 8u + 4u * L.gre_checksum_present + 4u * L.gre_seq_present, "gre_len %u", L.gre_len);
  FUZZ_CHECK(L.gre_offset + L.gre_len <= L.outer.end(), "GRE past the outer IP");
  FUZZ_CHECK(((d[L.gre_offset] & 0x80) != 0) == L.gre_checksum_present && ((d[L.gre_offset] & 0x20) != 0) &&
                 ((d[L.gre_offset] & 0x10) != 0) == L.gre_seq_present,
             "GRE flag bits");
  FUZZ_CHECK(load_be16(d + L.gre_offset + 2) == kGreProtoTEB, "GRE protocol");
  FUZZ_CHECK(L.vsid < (1u << 24), "vsid %x", L.vsid);
  FUZZ_CHECK(!L.gre_checksum_present || L.gre_checksum_offset == L.gre_offset + 4, "GRE checksum offset");
  const uint32_t key_off = L.gre_offset + 4 + 4 * L.gre_checksum_present;
  FUZZ_CHECK(L.vsid == (load_be32(d + key_off) >> 8) && L.flow_id == d[key_off + 3], "VSID/FlowID bytes");

  FUZZ_CHECK(L.inner_eth_offset == L.gre_offset + L.gre_len, "inner Ethernet at %u", L.inner_eth_offset);
  const uint16_t iet = load_be16(d + L.inner_eth_offset + 12);
  FUZZ_CHECK(L.inner_ethertype == iet && iet != kEtherTypeVlan && iet != kEtherTypeQinQ, "inner EtherType %04x", iet);
  if (iet != kEtherTypeIPv4 && iet != kEtherTypeIPv6) {
    FUZZ_CHECK(L.inner.version == IpVersion::none && L.l4 == L4Proto::none, "non-IP inner frame with IP or L4");
    FUZZ_CHECK(L.header_size == L.inner_eth_offset + 14 && L.l4_offset == L.header_size && L.l4_header_len == 0 &&
                   L.l4_offset + L.l4_len == L.outer.end() && L.payload_len == L.l4_len,
               "non-IP inner ranges");
    FUZZ_CHECK(L.outer.end() <= n, "outer past the frame");
    return;
  }
  FUZZ_CHECK(L.inner.offset == L.inner_eth_offset + 14, "inner IP at %u", L.inner.offset);
  check_ip(d, n, L.inner, iet, "inner");
  FUZZ_CHECK(L.inner.end() <= L.outer.end(), "inner IP ends at %u past the outer IP (%u)", L.inner.end(), L.outer.end());

  FUZZ_CHECK(L.l4_offset == L.inner.offset + L.inner.header_len, "L4 at %u", L.l4_offset);
  if (L.l4 == L4Proto::tcp) {
    FUZZ_CHECK(L.inner.upper_proto == kIpProtoTCP, "tcp vs protocol %u", L.inner.upper_proto);
    FUZZ_CHECK(L.l4_header_len >= 20 && L.l4_header_len <= 60 && L.l4_header_len % 4 == 0, "TCP header %u", L.l4_header_len);
    FUZZ_CHECK(L.l4_header_len == (d[L.l4_offset + 12] >> 4) * 4u, "TCP data offset");
    FUZZ_CHECK(L.l4_offset + L.l4_len == L.inner.end(), "TCP length");
  } else if (L.l4 == L4Proto::other || L.l4 == L4Proto::none) {
    FUZZ_CHECK(L.inner.upper_proto != kIpProtoTCP && L.inner.upper_proto != kIpProtoUDP, "other with protocol %u",
               L.inner.upper_proto);
    FUZZ_CHECK((L.l4 == L4Proto::none) == (L.inner.version == IpVersion::v6 && L.inner.upper_proto == kIp6NoNext),
               "none vs no-next-header");
    FUZZ_CHECK(L.l4_header_len == 0 && L.l4_offset + L.l4_len == L.inner.end(), "other L4 range");
  } else {
    FUZZ_CHECK(L.l4 == L4Proto::udp && L.inner.upper_proto == kIpProtoUDP, "l4 %u protocol %u", static_cast<unsigned>(L.l4),
               L.inner.upper_proto);
    FUZZ_CHECK(L.l4_header_len == 8, "UDP header %u", L.l4_header_len);
    FUZZ_CHECK(L.l4_offset + L.l4_len <= L.inner.end(), "UDP past the inner IP");
    const uint16_t ulen = load_be16(d + L.l4_offset + 4);
    FUZZ_CHECK(ulen == L.l4_len || (ulen == 0 && opt.large_send), "UDP length %u vs l4_len %u", ulen, L.l4_len);
  }
  FUZZ_CHECK(L.header_size == L.l4_offset + L.l4_header_len, "header_size %u != l4_offset %u + l4_header_len %u",
             L.header_size, L.l4_offset, L.l4_header_len);
  FUZZ_CHECK(L.payload_offset == L.header_size, "payload_offset");
  FUZZ_CHECK(L.l4_len == L.l4_header_len + L.payload_len, "l4_len %u", L.l4_len);
  FUZZ_CHECK(size_t{L.payload_offset} + L.payload_len <= n, "payload past the frame");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  ParseOptions normal, lso;
  lso.large_send = true;
  const NvgreLayout a = parse_nvgre(data, size, normal);
  check_layout(data, size, a, normal);
  const NvgreLayout b = parse_nvgre(data, size, lso);
  check_layout(data, size, b, lso);
  FUZZ_CHECK(a == parse_nvgre_full(data, size, normal), "fast path differs from the full parser (%s)",
             parse_error_name(a.error));
  FUZZ_CHECK(b == parse_nvgre_full(data, size, lso), "fast path differs from the full parser, large_send (%s)",
             parse_error_name(b.error));

  if (a.well_formed()) {
    // Trailing padding is ignored (a fragment stays the same fragment).
    std::vector<uint8_t> padded(data, data + size);
    padded.resize(size + 1 + (size % 61), 0);
    const NvgreLayout p = parse_nvgre(padded.data(), padded.size(), normal);
    FUZZ_CHECK(same_layout(a, p), "padding changed the parse (%s)", parse_error_name(p.error));
  }
  if (a.ok()) {
    // Normal-mode success means no length field is 0 (but an inner IPv6 packet with nothing after
    // its header, "no next header", has payload length 0): large_send changes nothing.
    if (!(a.inner.version == IpVersion::v6 && a.inner.total_len == 40))
      FUZZ_CHECK(same_layout(a, b), "large_send parse differs from the normal parse of a valid frame");
    // Cutting before the end of the outer IP packet: a truncation error of the right kind.
    const size_t outer_end = a.outer.end();
    const size_t step = outer_end > 512 ? outer_end / 128 : 1;
    for (size_t k = 0; k < outer_end; k += step) {
      // Exact-size copy so the cut is real for the sanitizer too.
      std::vector<uint8_t> cut(data, data + k);
      const NvgreLayout c = parse_nvgre(cut.data(), cut.size(), normal);
      check_layout(cut.data(), cut.size(), c, normal);
      FUZZ_CHECK(c == parse_nvgre_full(cut.data(), cut.size(), normal), "cut at %zu: fast path differs from the full parser",
                 k);
      FUZZ_CHECK(is_truncation(c.error), "cut at %zu of %zu gives %s, not a truncation", k, outer_end,
                 parse_error_name(c.error));
      if (k >= a.header_size)
        FUZZ_CHECK(c.error == ParseError::truncated_payload, "cut at %zu (headers end at %u) gives %s", k, a.header_size,
                   parse_error_name(c.error));
      else
        FUZZ_CHECK(c.error != ParseError::truncated_payload, "cut at %zu inside the headers (%u) gives truncated_payload",
                   k, a.header_size);
    }
  }
  if (b.ok() && !b.outer.length_from_frame && !b.inner.length_from_frame &&
      !(b.l4 == L4Proto::udp && load_be16(data + b.l4_offset + 4) == 0)) {
    FUZZ_CHECK(same_layout(a, b), "large_send parse without zero lengths differs from the normal parse (%s)",
               parse_error_name(a.error));
  }
  return 0;
}
