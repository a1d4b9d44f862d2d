// parse_nvgre: the fast path for the shapes nearly all NVGRE traffic has, and the full parser
// (nvgre_parse.cc) for every other frame.
//
// The fast path takes: outer Ethernet with no tag or one 802.1Q tag; outer IPv4 (with or without
// options) or IPv6 without extension headers, not a fragment, carrying GRE; GRE version
// 0 with K set, R and the reserved flag bits clear, protocol 0x6558, C and S either way; inner
// Ethernet untagged; inner IPv4 (options too) or IPv6 without extension headers, not a
// fragment, carrying TCP or UDP; and the outer IP, inner IP and UDP lengths ending exactly at the
// frame's end. For those the full parser's result is determined by a few fields, so the layout is
// written from them directly; anything else (IPv6 extension headers, padding, zero
// large-send lengths, any error) returns to the full parser, which then decides. Every read is
// preceded by a check that it lies inside [data, data+len).
#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"

namespace eb {

namespace {

// The shortest frame the fast path can take: Ethernet, IPv4, GRE with K, Ethernet, IPv4, UDP.
constexpr size_t kFastMinFrame = 14 + 20 + 8 + 14 + 20 + 8;

inline void set_ip(IpLayout& ip, IpVersion v, uint32_t off, uint32_t header_len, uint32_t total, uint8_t proto) {
  ip.version = v;
  ip.offset = off;
  ip.header_len = header_len;
  ip.total_len = total;
  ip.upper_proto = proto;
}

// One IP header (IPv4 with any options, IPv6 without extensions) at `off`, its packet ending
// exactly at `end`.
// Returns the header length (20..60 or 40), or 0 if the shape is not a fast one.
inline uint32_t fast_ip(const uint8_t* d, size_t n, uint16_t ethertype, uint32_t off, size_t end, uint8_t& proto,
                        IpVersion& v) {
  const uint8_t* p = d + off;
  if (ethertype == kEtherTypeIPv4) {
    if (off + 20 > n || (load_be16(p + 6) & 0x3FFF) || off + load_be16(p + 2) != end) return 0;
    proto = p[9];
    v = IpVersion::v4;
    // No options: a constant length, so the offsets after it do not wait for this load (the
    // branch is predicted; computing 4 * IHL always cost imix 25% on the Zen 5 VM).
    if (p[0] == 0x45) return 20;
    // Options are taken too: the full parser only skips them (IHL), so the layout is the same;
    // the header must lie inside the packet and the frame.
    const uint32_t ihl = (p[0] & 0xF) * 4u;
    if ((p[0] >> 4) != 4 || ihl < 20 || load_be16(p + 2) < ihl || off + ihl > n) return 0;
    return ihl;
  }
  if (ethertype == kEtherTypeIPv6) {
    if (off + 40 > n || (p[0] >> 4) != 6 || off + 40 + load_be16(p + 4) != end) return 0;
    proto = p[6];
    v = IpVersion::v6;
    return 40;
  }
  return 0;
}

// Writes `L` only once the frame is known to take the fast path, so on `false` the layout is
// still value-initialised and the full parser can write into it directly.
inline bool parse_fast(const uint8_t* d, size_t n, NvgreLayout& L) {
  if (n < kFastMinFrame || n > 0xFFFF + 58) return false;  // an IP length can never match beyond that
  // Outer Ethernet.
  uint32_t off = 14;
  uint16_t et = load_be16(d + 12);
  const bool vlan = et == kEtherTypeVlan;
  if (vlan) {
    et = load_be16(d + 16);
    off = 18;
  }
  // Outer IP, ending at the frame's end, carrying GRE.
  uint8_t proto = 0;
  IpVersion ov = IpVersion::none;
  const uint32_t ohl = fast_ip(d, n, et, off, n, proto, ov);
  if (!ohl || proto != kIpProtoGRE) return false;
  // GRE: K set, R and reserved flags clear, version 0, TEB.
  const uint32_t g = off + ohl;
  if (g + 8 > n) return false;
  const uint8_t f0 = d[g];
  if ((f0 & 0x6F) != 0x20 || d[g + 1] != 0 || load_be16(d + g + 2) != kGreProtoTEB) return false;
  const bool c = f0 & 0x80, s = f0 & 0x10;
  const uint32_t glen = 8 + 4 * c + 4 * s;
  const uint32_t e = g + glen;
  if (e + 14 > n) return false;
  // Inner IP, ending where the outer packet (the frame) ends, carrying TCP or UDP.
  const uint32_t io = e + 14;
  IpVersion iv = IpVersion::none;
  const uint32_t ihl = fast_ip(d, n, load_be16(d + e + 12), io, n, proto, iv);
  if (!ihl) return false;
  const uint32_t l4 = io + ihl;
  uint32_t l4_hl;
  if (proto == kIpProtoTCP) {
    if (l4 + 20 > n) return false;
    l4_hl = (d[l4 + 12] >> 4) * 4u;
    if (l4_hl < 20 || l4 + l4_hl > n) return false;
  } else if (proto == kIpProtoUDP) {
    if (l4 + 8 > n || l4 + load_be16(d + l4 + 4) != n) return false;
    l4_hl = 8;
  } else {
    return false;
  }

  L.frame_len = static_cast<uint32_t>(n);
  if (vlan) {
    L.outer_vlan = true;
    L.outer_vlan_tci = load_be16(d + 14);
  }
  L.outer_eth_len = off;
  set_ip(L.outer, ov, off, ohl, static_cast<uint32_t>(n) - off, kIpProtoGRE);
  L.gre_offset = g;
  L.gre_len = glen;
  L.gre_checksum_present = c;
  L.gre_key_present = true;
  L.gre_seq_present = s;
  const uint32_t key_at = g + 4 + 4 * c;
  if (c) L.gre_checksum_offset = g + 4;
  const uint32_t key = load_be32(d + key_at);
  L.vsid = key >> 8;
  L.flow_id = static_cast<uint8_t>(key);
  if (s) L.gre_seq = load_be32(d + key_at + 4);
  L.inner_eth_offset = e;
  L.inner_ethertype = load_be16(d + e + 12);
  set_ip(L.inner, iv, io, ihl, static_cast<uint32_t>(n) - io, proto);
  L.l4 = proto == kIpProtoTCP ? L4Proto::tcp : L4Proto::udp;
  L.l4_offset = l4;
  L.l4_header_len = l4_hl;
  L.l4_len = static_cast<uint32_t>(n) - l4;
  L.header_size = l4 + l4_hl;
  L.payload_offset = L.header_size;
  L.payload_len = L.l4_len - l4_hl;
  return true;
}

}  // namespace

NvgreLayout parse_nvgre(const uint8_t* data, size_t len, const ParseOptions& opt) {
  // One layout, the return object itself (NRVO), on both paths: see parse_nvgre_full_into.
  NvgreLayout L;
  if (!parse_fast(data, len, L)) parse_nvgre_full_into(data, len, opt, L);
  return L;
}

}  // namespace eb
