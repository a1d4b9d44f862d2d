// parse_nvgre: the fast path for the shapes nearly all NVGRE traffic has, and the full parser
// (nvgre_parse.cc) for every other frame.
//
// The fast path takes: outer Ethernet with no tag or one 802.1Q tag; outer IPv4 (with or without
// options) or IPv6 (with or without hop-by-hop, routing and destination-options extension headers,
// at most kMaxIp6ExtHeaders of them), not a fragment, carrying GRE; GRE version 0 with K set, R and
// the reserved flag bits clear, protocol 0x6558, C and S either way; inner Ethernet untagged;
// inner IPv4 (options too) or IPv6 (the same extension headers), not a fragment, carrying TCP
// (options too) or UDP; and the outer IP, inner IP and UDP lengths ending exactly at the frame's
// end. For those the full parser's result is determined by a few fields, so the layout is written
// from them directly; anything else (fragment, AH/ESP or more than kMaxIp6ExtHeaders extension
// headers, padding, zero large-send lengths, any error) returns to the full parser, which then
// decides. Every read is preceded by a check that it lies inside [data, data+len).
#include <array>
#include <initializer_list>

#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"
#include "kernels/packet/parse.h"

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

// The next-header values the full parser walks as extension headers (hop-by-hop, routing,
// destination options): one table load instead of three compares.
constexpr std::array<bool, 256> kWalkedExt = [] {
  std::array<bool, 256> t{};
  t[kIp6HopByHop] = t[kIp6Routing] = t[kIp6DestOpts] = true;
  return t;
}();

// The extension headers of an IPv6 header at `off` whose first next header `nh` is walked, its
// packet ending at the frame's end `n` (so a header past `n` is an error the full parser reports).
// Returns the header length (40 + the extension headers), or 0 if the full parser must decide
// (a header past the frame, more than kMaxIp6ExtHeaders). Writes the walk's results (ext_count,
// the Home Address and type-2 routing address offsets) into `ip` directly, so the common shapes
// carry nothing extra; should the frame still go to the full parser, parse_nvgre clears them.
inline uint32_t fast_ip6_ext(const uint8_t* d, size_t n, uint32_t off, uint8_t nh, uint8_t& proto, IpLayout& ip) {
  size_t pos = off + 40;
  unsigned count = 0;
  do {
    if (count == kMaxIp6ExtHeaders || pos + 8 > n) return 0;
    const uint8_t* h = d + pos;
    const size_t hlen = (size_t{h[1]} + 1) * 8;
    if (pos + hlen > n) return 0;
    if (nh == kIp6Routing) {
      if (h[2] == 2 && hlen == 24) ip.ip6_rt2_addr_offset = static_cast<uint32_t>(pos + 8);
    } else if (nh == kIp6DestOpts) {
      // The full parser's TLV walk, for the Home Address option (type 0xC9, 16 bytes). (Skipping
      // it when no byte of the header is 0xC9, a word-at-a-time scan, cost more than the walk:
      // the options are few and long.)
      const size_t e = pos + hlen;
      size_t o = pos + 2;
      while (o < e) {
        const uint8_t type = d[o];
        if (type == 0) {  // Pad1
          ++o;
          continue;
        }
        if (o + 2 > e) break;
        const size_t olen = d[o + 1];
        if (o + 2 + olen > e) break;
        if (type == 0xC9 && olen == 16) ip.ip6_home_addr_offset = static_cast<uint32_t>(o + 2);
        o += 2 + olen;
      }
    }
    nh = h[0];
    pos += hlen;
    ++count;
  } while (kWalkedExt[nh]);
  ip.ext_count = static_cast<uint8_t>(count);
  proto = nh;
  return static_cast<uint32_t>(pos - off);
}

// One IP header (IPv4 with any options, IPv6 with the walked extension headers) at `off`, its
// packet ending exactly at `end`.
// Returns the header length, or 0 if the shape is not a fast one.
inline uint32_t fast_ip(const uint8_t* d, size_t n, uint16_t ethertype, uint32_t off, size_t end, uint8_t& proto,
                        IpVersion& v, IpLayout& ip) {
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
    v = IpVersion::v6;
    const uint8_t nh = p[6];
    if (!kWalkedExt[nh]) {  // no extension headers: a constant length, as for IPv4 above
      proto = nh;
      return 40;
    }
    return fast_ip6_ext(d, n, off, nh, proto, ip);
  }
  return 0;
}

// Writes `L` only once the frame is known to take the fast path (but for the extension-header
// walk's fields, see fast_ip6_ext), so on `false` the layout is value-initialised again after
// clear_walk() and the full parser can write into it directly.
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
  const uint32_t ohl = fast_ip(d, n, et, off, n, proto, ov, L.outer);
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
  const uint32_t ihl = fast_ip(d, n, load_be16(d + e + 12), io, n, proto, iv, L.inner);
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

// Undoes what the extension-header walks wrote into `L` (only on the way to the full parser).
inline void clear_walk(NvgreLayout& L) {
  for (IpLayout* ip : {&L.outer, &L.inner}) {
    ip->ext_count = 0;
    ip->ip6_home_addr_offset = ip->ip6_rt2_addr_offset = 0;
  }
}

}  // namespace

bool parse_nvgre_fast_path(const uint8_t* data, size_t len, NvgreLayout& out) {
  if (parse_fast(data, len, out)) return true;
  clear_walk(out);
  return false;
}

NvgreLayout parse_nvgre(const uint8_t* data, size_t len, const ParseOptions& opt) {
  // One layout, the return object itself (NRVO), on both paths: see parse_nvgre_full_into.
  NvgreLayout L;
  if (!parse_fast(data, len, L)) {
    clear_walk(L);
    parse_nvgre_full_into(data, len, opt, L);
  }
  return L;
}

}  // namespace eb
