// The NVGRE packet builder: NvgreSpec -> wire bytes, every length and checksum computed here
// from first principles (RFC 791, 8200, 2784/2890, 7637, 793, 768, 6275), so the corpora and
// the parser tests do not depend on any checksum kernel under test.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/common/ones_complement.h"
#include "kernels/common/byteorder.h"
#include "datasets/nvgre_build.h"

namespace eb {
namespace {

[[noreturn]] void bad_spec(const std::string& what) { throw std::invalid_argument("build_nvgre: " + what); }

void check_options_len(uint32_t len, const char* which) {
  if (len > 40 || len % 4 != 0)
    bad_spec(std::string(which) + " options length " + std::to_string(len) + " is not a multiple of 4 in 0..40");
}

void check_ext(const Ip6ExtSpec& e) {
  if (e.len < 8 || e.len % 8 != 0 || e.len > 2048)
    bad_spec("IPv6 extension header length " + std::to_string(e.len) + " is not a multiple of 8 in 8..2048");
  switch (e.type) {
    case kIp6Fragment:
      if (e.len != 8) bad_spec("IPv6 fragment header must be 8 bytes");
      break;
    case kIp6Routing:
      if (e.routing_type == 0 && (e.len - 8) % 16 != 0)
        bad_spec("IPv6 routing type 0 header must be 8+16n bytes, got " + std::to_string(e.len));
      if (e.routing_type == 2 && e.len != 24) bad_spec("IPv6 routing type 2 header must be 24 bytes");
      break;
    case kIp6DestOpts:
      if (e.home_address_option && e.len < 24) bad_spec("a Home Address option needs a destination options header of >= 24 bytes");
      break;
    case kIp6AH:
      if (e.len < 16) bad_spec("an IPv6 AH header must be >= 16 bytes");
      break;
    default:
      break;
  }
}

uint32_t ip_header_len(const IpSpec& ip, const char* which) {
  if (ip.version == IpVersion::v4) {
    check_options_len(ip.ipv4_options_len, which);
    return 20 + ip.ipv4_options_len;
  }
  if (ip.version == IpVersion::v6) {
    uint32_t n = 40;
    for (const auto& e : ip.ip6_ext) {
      check_ext(e);
      n += e.len;
    }
    return n;
  }
  bad_spec(std::string(which) + " IP version is not set");
}

uint32_t gre_len(const NvgreSpec& s) {
  return 4 + (s.gre_checksum ? 4 : 0) + (s.gre_key_present ? 4 : 0) + (s.gre_seq ? 4 : 0);
}

uint32_t l4_header_len(const NvgreSpec& s) {
  if (s.l4 == L4Proto::tcp) {
    check_options_len(s.tcp_options_len, "TCP");
    return 20 + s.tcp_options_len;
  }
  if (s.l4 == L4Proto::udp) return 8;
  bad_spec("L4 protocol is neither TCP nor UDP");
}

// A value that is certainly wrong for a field whose correct value is `good`: differs, and is
// neither 0 nor 0xFFFF (which are the same number in ones-complement and, for UDP, 0 means "none").
uint16_t mangle(uint16_t good) {
  for (uint16_t x : {uint16_t{0x5555}, uint16_t{0x0F0F}, uint16_t{0x3C3C}}) {
    uint16_t v = good ^ x;
    if (v != 0 && v != 0xFFFF) return v;
  }
  return 0x1234;  // unreachable: the three masks cannot all map `good` onto 0 or 0xFFFF
}

// IPv4 options: realistic Router Alert (RFC 2113) or Record Route (RFC 791) padded with EOL,
// Timestamp (flag 0) or NOPs ending in EOL.
void write_ipv4_options(uint8_t* p, uint32_t len, OptionStyle style) {
  if (len == 0) return;
  if (style == OptionStyle::nop) {
    for (uint32_t i = 0; i + 1 < len; ++i) p[i] = 0x01;
    p[len - 1] = 0x00;
    return;
  }
  if (len == 4) {  // Router Alert: 0x94, len 4, value 0 (router shall examine packet)
    p[0] = 0x94, p[1] = 4, p[2] = 0, p[3] = 0;
    return;
  }
  const uint32_t slots = (len - 4) / 4;
  if (style == OptionStyle::timestamp) {  // type 68, len 4+4n, pointer 5 (empty), flag 0
    p[0] = 0x44, p[1] = static_cast<uint8_t>(4 + 4 * slots), p[2] = 5, p[3] = 0;
    for (uint32_t i = 4; i < len; ++i) p[i] = 0;
    return;
  }
  // Record Route: type 7, len 3+4n, pointer 4 (empty route), n zero slots, then EOL.
  p[0] = 0x07, p[1] = static_cast<uint8_t>(3 + 4 * slots), p[2] = 4;
  for (uint32_t i = 3; i < len; ++i) p[i] = 0;  // slots, then EOL (0)
}

// TCP options laid out the way real stacks do (NOP-aligned timestamps, SACK blocks).
void write_tcp_options(uint8_t* p, uint32_t len, OptionStyle style, uint32_t seq, uint32_t ack) {
  if (len == 0) return;
  if (style == OptionStyle::nop) {
    for (uint32_t i = 0; i + 1 < len; ++i) p[i] = 0x01;
    p[len - 1] = 0x00;
    return;
  }
  uint32_t i = 0;
  auto mss = [&] { p[i] = 2, p[i + 1] = 4, store_be16(p + i + 2, 1460), i += 4; };
  auto nop = [&] { p[i++] = 1; };
  auto wscale = [&] { p[i] = 3, p[i + 1] = 3, p[i + 2] = 7, i += 3; };
  auto sackok = [&] { p[i] = 4, p[i + 1] = 2, i += 2; };
  auto ts = [&] {
    p[i] = 8, p[i + 1] = 10;
    store_be32(p + i + 2, 0x01000000u + seq / 8);
    store_be32(p + i + 6, 0x00800000u + ack / 8);
    i += 10;
  };
  auto sack = [&](uint32_t blocks) {
    p[i] = 5, p[i + 1] = static_cast<uint8_t>(2 + 8 * blocks);
    i += 2;
    for (uint32_t b = 0; b < blocks; ++b) {  // blocks above the cumulative ack, ascending
      uint32_t left = ack + 2000 * (b + 1), right = left + 1000;
      store_be32(p + i, left), store_be32(p + i + 4, right), i += 8;
    }
  };
  switch (len) {
    case 4: mss(); break;
    case 8: mss(), nop(), wscale(); break;
    case 12: nop(), nop(), ts(); break;
    case 16: mss(), nop(), nop(), ts(); break;
    case 20: mss(), sackok(), ts(), nop(), wscale(); break;
    case 24: nop(), nop(), ts(), nop(), nop(), sack(1); break;
    case 28: mss(), nop(), nop(), ts(), nop(), nop(), sack(1); break;
    case 32: nop(), nop(), ts(), nop(), nop(), sack(2); break;
    case 36: mss(), nop(), nop(), ts(), nop(), nop(), sack(2); break;
    case 40: nop(), nop(), ts(), nop(), nop(), sack(3); break;
    default: bad_spec("TCP options length");
  }
}

// Fills `len` bytes of an options area (hop-by-hop / destination options) with padding:
// Pad1, PadN of at most 7 bytes (RFC 8200 §4.2 / RFC 4942: longer PadN runs are suspicious
// and Linux drops them), and the RFC 4727 experimental option 0x1E (skip if unknown) for bulk.
void write_ip6_padding(uint8_t* p, uint32_t len) {
  uint32_t i = 0;
  while (len - i > 7) {
    uint32_t d = std::min<uint32_t>(len - i - 2, 255);
    if (len - i - 2 - d == 1) --d;  // never leave exactly one byte for after a big option
    p[i] = 0x1E, p[i + 1] = static_cast<uint8_t>(d);
    for (uint32_t k = 0; k < d; ++k) p[i + 2 + k] = 0;
    i += 2 + d;
  }
  uint32_t r = len - i;
  if (r == 1) {
    p[i] = 0;  // Pad1
  } else if (r >= 2) {
    p[i] = 1, p[i + 1] = static_cast<uint8_t>(r - 2);
    for (uint32_t k = 2; k < r; ++k) p[i + k] = 0;
  }
}

struct Ip6Final {
  const uint8_t* pseudo_src = nullptr;  // Home Address option address, else IPv6 source
  const uint8_t* pseudo_dst = nullptr;  // final destination (type 2 routing header), else IPv6 dest
};

// Writes one extension header at p; returns where its address fields are for the pseudo-header.
void write_ip6_ext(uint8_t* p, const Ip6ExtSpec& e, uint8_t next, uint32_t ipv6_id, Ip6Final& fin) {
  for (uint32_t k = 0; k < e.len; ++k) p[k] = 0;
  p[0] = next;
  switch (e.type) {
    case kIp6HopByHop:
      p[1] = static_cast<uint8_t>(e.len / 8 - 1);
      write_ip6_padding(p + 2, e.len - 2);
      break;
    case kIp6DestOpts:
      p[1] = static_cast<uint8_t>(e.len / 8 - 1);
      if (e.home_address_option) {
        // Home Address option (RFC 6275 §6.3): type 201, len 16, alignment 8n+6.
        p[2] = 1, p[3] = 2;  // PadN with 2 bytes of data: option starts at offset 6
        p[6] = 201, p[7] = 16;
        for (int k = 0; k < 16; ++k) p[8 + k] = e.home_address[k];
        fin.pseudo_src = p + 8;
        write_ip6_padding(p + 24, e.len - 24);
      } else {
        write_ip6_padding(p + 2, e.len - 2);
      }
      break;
    case kIp6Routing:
      p[1] = static_cast<uint8_t>(e.len / 8 - 1);
      p[2] = e.routing_type;
      if (e.routing_type == 2) {
        // Type 2 (RFC 6275 §6.4): one address, the home address, segments left 1. The upper
        // layer checksum uses it as destination (RFC 8200 §8.1: the final destination).
        p[3] = 1;
        for (int k = 0; k < 16; ++k) p[8 + k] = e.home_address[k];
        fin.pseudo_dst = p + 8;
      } else if (e.routing_type == 0) {
        // Type 0 (deprecated by RFC 5095) with segments left 0: the packet has already visited
        // the listed hops and the IPv6 destination is the final one.
        p[3] = 0;
        for (uint32_t k = 8; k < e.len; ++k) p[k] = static_cast<uint8_t>(0x20 + e.fill + k);
        for (uint32_t a = 8; a < e.len; a += 16) p[a] = 0x20, p[a + 1] = 0x01, p[a + 2] = 0x0d, p[a + 3] = 0xb8;
      } else {
        p[3] = 0;  // unknown type, segments left 0: ignored by receivers (RFC 8200 §4.4)
      }
      break;
    case kIp6Fragment:
      // First fragment of several: offset 0, M=1. Only ever built for negative cases.
      p[1] = 0;
      store_be16(p + 2, 0x0001);
      store_be32(p + 4, ipv6_id);
      break;
    case kIp6AH:
      p[1] = static_cast<uint8_t>(e.len / 4 - 2);  // RFC 4302: length in 4-byte units minus 2
      store_be32(p + 4, 0x00001000);                // SPI
      store_be32(p + 8, 1);                         // sequence number; ICV stays zero
      break;
    case kIp6ESP:
      store_be32(p, 0x00001000);  // SPI: everything after is opaque ciphertext
      store_be32(p + 4, 1);
      break;
    default:
      p[1] = static_cast<uint8_t>(e.len / 8 - 1);
      break;
  }
}

struct IpWritten {
  uint32_t header_len = 0;
  const uint8_t* pseudo_src = nullptr;
  const uint8_t* pseudo_dst = nullptr;
};

// Writes an IPv4 or IPv6 header (with options / extension headers) whose upper-layer data is
// `upper_len` bytes. The IPv4 header checksum is computed here.
IpWritten write_ip(uint8_t* p, const IpSpec& ip, uint32_t hdr_len, uint8_t upper_proto, uint64_t upper_len,
                   bool large_send, bool corrupt_checksum, const char* which) {
  IpWritten w;
  w.header_len = hdr_len;
  const uint8_t proto = ip.protocol_override ? ip.protocol_override : upper_proto;
  if (ip.version == IpVersion::v4) {
    uint64_t total = hdr_len + upper_len;
    uint16_t total_field = static_cast<uint16_t>(total);
    if (total > 0xFFFF) {
      if (!large_send) bad_spec(std::string(which) + " IPv4 total length " + std::to_string(total) + " exceeds 65535 (set large_send)");
      total_field = 0;
    }
    p[0] = static_cast<uint8_t>(0x40 | (hdr_len / 4));
    p[1] = ip.tos;
    store_be16(p + 2, total_field);
    store_be16(p + 4, ip.ipv4_id);
    uint16_t frag = static_cast<uint16_t>((ip.ipv4_dont_fragment ? 0x4000 : 0) | (ip.ipv4_more_fragments ? 0x2000 : 0) |
                                          (ip.ipv4_fragment_offset & 0x1FFF));
    store_be16(p + 6, frag);
    p[8] = ip.ttl;
    p[9] = proto;
    store_be16(p + 10, 0);
    for (int k = 0; k < 4; ++k) p[12 + k] = ip.src[k], p[16 + k] = ip.dst[k];
    write_ipv4_options(p + 20, ip.ipv4_options_len, ip.option_style);
    uint16_t c = csum_finish(ones_complement_sum_simple(p, hdr_len));
    store_be16(p + 10, corrupt_checksum ? mangle(c) : c);
    w.pseudo_src = p + 12;
    w.pseudo_dst = p + 16;
    return w;
  }
  uint64_t payload = hdr_len - 40 + upper_len;
  uint16_t payload_field = static_cast<uint16_t>(payload);
  if (payload > 0xFFFF) {
    if (!large_send) bad_spec(std::string(which) + " IPv6 payload length " + std::to_string(payload) + " exceeds 65535 (set large_send)");
    payload_field = 0;
  }
  store_be32(p, (6u << 28) | (uint32_t{ip.tos} << 20) | (ip.ipv6_flow_label & 0xFFFFF));
  store_be16(p + 4, payload_field);
  p[6] = ip.ip6_ext.empty() ? proto : ip.ip6_ext.front().type;
  p[7] = ip.ttl;
  for (int k = 0; k < 16; ++k) p[8 + k] = ip.src[k], p[24 + k] = ip.dst[k];
  Ip6Final fin;
  uint32_t off = 40;
  for (size_t i = 0; i < ip.ip6_ext.size(); ++i) {
    const auto& e = ip.ip6_ext[i];
    uint8_t next = i + 1 < ip.ip6_ext.size() ? ip.ip6_ext[i + 1].type : proto;
    write_ip6_ext(p + off, e, next, ip.ipv4_id, fin);
    off += e.len;
  }
  w.pseudo_src = fin.pseudo_src ? fin.pseudo_src : p + 8;
  w.pseudo_dst = fin.pseudo_dst ? fin.pseudo_dst : p + 24;
  return w;
}

}  // namespace

uint32_t nvgre_header_size(const NvgreSpec& s) {
  return (s.outer_vlan ? 18 : 14) + ip_header_len(s.outer, "outer") + gre_len(s) + (s.inner_vlan ? 18 : 14) +
         ip_header_len(s.inner, "inner") + l4_header_len(s);
}

void build_nvgre_into(const NvgreSpec& s, std::vector<uint8_t>& out) {
  const uint32_t outer_eth = s.outer_vlan ? 18 : 14;
  const uint32_t outer_ip = ip_header_len(s.outer, "outer");
  const uint32_t gre = gre_len(s);
  const uint32_t inner_eth = s.inner_vlan ? 18 : 14;
  const uint32_t inner_ip = ip_header_len(s.inner, "inner");
  const uint32_t l4h = l4_header_len(s);
  const uint64_t l4_len = uint64_t{l4h} + s.payload.size();
  const uint64_t total = uint64_t{outer_eth} + outer_ip + gre + inner_eth + inner_ip + l4_len;
  if (total > (uint64_t{1} << 30)) bad_spec("frame too large");
  if (s.vsid > 0xFFFFFF) bad_spec("VSID " + std::to_string(s.vsid) + " does not fit in 24 bits");
  out.assign(total, 0);
  uint8_t* p = out.data();

  // Outer Ethernet.
  uint32_t o = 0;
  for (int k = 0; k < 6; ++k) p[k] = s.outer_dst_mac[k], p[6 + k] = s.outer_src_mac[k];
  o = 12;
  if (s.outer_vlan) {
    store_be16(p + 12, kEtherTypeVlan);
    store_be16(p + 14, s.outer_vlan_tci);
    o = 16;
  }
  store_be16(p + o, s.outer.version == IpVersion::v4 ? kEtherTypeIPv4 : kEtherTypeIPv6);
  o += 2;
  const uint32_t outer_ip_off = o;
  o += outer_ip;

  // GRE (RFC 2784/2890): flags+version, protocol, [checksum, reserved1], [key], [sequence].
  const uint32_t gre_off = o;
  uint16_t flags = static_cast<uint16_t>((s.gre_checksum ? 0x8000 : 0) | (s.gre_key_present ? 0x2000 : 0) |
                                         (s.gre_seq ? 0x1000 : 0) | (s.gre_version & 7));
  store_be16(p + o, flags);
  store_be16(p + o + 2, s.gre_protocol);
  o += 4;
  uint32_t gre_csum_off = 0;
  if (s.gre_checksum) gre_csum_off = o, o += 4;
  if (s.gre_key_present) store_be32(p + o, (s.vsid << 8) | s.flow_id), o += 4;
  if (s.gre_seq) store_be32(p + o, s.gre_seq_number), o += 4;

  // Inner Ethernet.
  for (int k = 0; k < 6; ++k) p[o + k] = s.inner_dst_mac[k], p[o + 6 + k] = s.inner_src_mac[k];
  o += 12;
  if (s.inner_vlan) {
    store_be16(p + o, kEtherTypeVlan);
    store_be16(p + o + 2, s.inner_vlan_tci);
    o += 4;
  }
  store_be16(p + o, s.inner.version == IpVersion::v4 ? kEtherTypeIPv4 : kEtherTypeIPv6);
  o += 2;
  const uint32_t inner_ip_off = o;
  const uint8_t l4proto = s.l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP;
  IpWritten in = write_ip(p + inner_ip_off, s.inner, inner_ip, l4proto, l4_len, s.large_send,
                          s.corrupt_inner_ip_checksum, "inner");
  o += inner_ip;

  // L4 header and payload.
  const uint32_t l4_off = o;
  uint8_t* l4 = p + l4_off;
  store_be16(l4, s.src_port);
  store_be16(l4 + 2, s.dst_port);
  uint32_t csum_field_off;
  if (s.l4 == L4Proto::tcp) {
    store_be32(l4 + 4, s.tcp_seq);
    store_be32(l4 + 8, s.tcp_ack);
    l4[12] = static_cast<uint8_t>((l4h / 4) << 4);
    l4[13] = s.tcp_flags;
    store_be16(l4 + 14, s.tcp_window);
    store_be16(l4 + 18, 0);  // urgent pointer
    write_tcp_options(l4 + 20, s.tcp_options_len, s.inner.option_style, s.tcp_seq, s.tcp_ack);
    csum_field_off = 16;
  } else {
    uint16_t ulen = static_cast<uint16_t>(l4_len);
    if (l4_len > 0xFFFF) {
      if (!s.large_send) bad_spec("UDP length " + std::to_string(l4_len) + " exceeds 65535 (set large_send)");
      ulen = 0;
    }
    store_be16(l4 + 4, ulen);
    csum_field_off = 6;
  }
  if (!s.payload.empty()) std::copy(s.payload.begin(), s.payload.end(), l4 + l4h);

  // L4 checksum over the inner pseudo-header (final destination / home address for IPv6).
  uint32_t pseudo_len0, pseudo_full;
  if (s.inner.version == IpVersion::v4) {
    pseudo_len0 = pseudo_header_sum_v4(in.pseudo_src, in.pseudo_dst, l4proto, 0);
    pseudo_full = pseudo_header_sum_v4(in.pseudo_src, in.pseudo_dst, l4proto, static_cast<uint32_t>(l4_len));
  } else {
    pseudo_len0 = pseudo_header_sum_v6(in.pseudo_src, in.pseudo_dst, l4proto, 0);
    pseudo_full = pseudo_header_sum_v6(in.pseudo_src, in.pseudo_dst, l4proto, static_cast<uint32_t>(l4_len));
  }
  uint16_t l4c;
  if (s.l4 == L4Proto::udp && s.zero_udp_checksum) {
    l4c = 0;
  } else if (s.l4_checksum_pseudo_seed) {
    l4c = fold16(pseudo_len0);
  } else {
    l4c = csum_finish(ones_complement_sum_simple(l4, static_cast<size_t>(l4_len), pseudo_full));
    if (s.l4 == L4Proto::udp && l4c == 0) l4c = 0xFFFF;  // RFC 768: 0 means "no checksum"
  }
  if (s.corrupt_l4_checksum) l4c = mangle(l4c);
  store_be16(l4 + csum_field_off, l4c);

  // GRE checksum: GRE header (checksum field zero) and everything after it.
  if (s.gre_checksum) {
    uint16_t c = csum_finish(ones_complement_sum_simple(p + gre_off, static_cast<size_t>(total - gre_off)));
    store_be16(p + gre_csum_off, s.corrupt_gre_checksum ? mangle(c) : c);
  }

  // Outer IP last: its length covers everything after it.
  write_ip(p + outer_ip_off, s.outer, outer_ip, kIpProtoGRE, total - outer_ip_off - outer_ip, s.large_send,
           s.corrupt_outer_ip_checksum, "outer");
}

std::vector<uint8_t> build_nvgre(const NvgreSpec& spec) {
  std::vector<uint8_t> out;
  build_nvgre_into(spec, out);
  return out;
}

}  // namespace eb
