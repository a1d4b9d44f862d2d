// The full NVGRE parser (parse_nvgre_full; parse_nvgre in nvgre_parse_fast.cc takes the common
// shapes itself and hands everything else here). Every read is bounds-checked against the captured length first; every
// length field is checked against the packet that encloses it (see nvgre.h on truncation
// versus length errors).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"

namespace eb {

namespace {

struct ErrorSet {  // the outer and inner IP levels report the same faults under their own names
  ParseError truncated_ip, bad_version, bad_ihl, length_mismatch, fragment;
  Fragment level;
  bool ipsec_is_upper;  // AH/ESP end the IPv6 chain as the upper layer (inner: any protocol is valid)
};
constexpr ErrorSet kOuterErrors{ParseError::truncated_outer_ip, ParseError::outer_ip_bad_version,
                                ParseError::outer_ipv4_bad_ihl, ParseError::outer_ip_length_mismatch,
                                ParseError::outer_ip_fragment, Fragment::outer, false};
constexpr ErrorSet kInnerErrors{ParseError::truncated_inner_ip, ParseError::inner_ip_bad_version,
                                ParseError::inner_ipv4_bad_ihl, ParseError::inner_ip_length_mismatch,
                                ParseError::inner_ip_fragment, Fragment::inner, true};

class Parser {
 public:
  // Writes into `out`, which must be value-initialised: the caller's return object itself, so
  // the 148-byte layout is not copied out of the parser on every parse (kernels/packet/README.md,
  // "What a parse costs").
  Parser(const uint8_t* d, size_t n, const ParseOptions& o, NvgreLayout& out) : data_(d), len_(n), opt_(o), L(out) {
    L.frame_len = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
  }
  // False once an error is recorded in the layout (the layout says which).
  bool run();

 private:
  // Can [off, off+n) be read? `decl_end` is where the enclosing IP packet says it ends.
  // Returns ok, or the error to report: length mismatch when the enclosing packet's own length
  // excludes the bytes, truncation when only the capture does.
  ParseError need(size_t off, size_t n, size_t decl_end, ParseError truncated, ParseError mismatch) const {
    if (off + n <= decl_end && off + n <= len_) return ParseError::ok;
    if (off + n > decl_end && decl_end <= len_) return mismatch;
    return truncated;
  }
  bool fail(ParseError e, size_t off, uint32_t value = 0) {
    L.error = e;
    L.error_offset = static_cast<uint32_t>(off);
    L.error_value = value;
    return false;
  }
  // A fragment is a packet: the fragmented header is recorded, then the parse stops.
  bool fragment(const IpLayout& ip, const ErrorSet& err, size_t off) {
    L.fragment = err.level;
    L.header_size = ip.offset + ip.header_len;
    return fail(err.fragment, off);
  }
  // The rest of an inner frame that carries no TCP/UDP: [off, end) is its "L4" range.
  bool finish_other(L4Proto kind, size_t off, size_t end);
  // `decl_end`: where the enclosing packet ends (the capture at the outer level); `bound`: the
  // same when it is a declared length, SIZE_MAX when nothing declares it (outer level, or a
  // large-send length derived from the capture), so running past it is truncation.
  bool parse_ip(IpLayout& ip, IpVersion v, size_t off, size_t decl_end, size_t bound, ParseError enclosing_mismatch,
                const ErrorSet& err);
  bool walk_ip6_ext(IpLayout& ip, size_t end_bound, const ErrorSet& err);
  // The end of `ip` as a bound for need(): unknown when its length was derived from the capture.
  static size_t ip_bound(const IpLayout& ip, size_t enclosing_bound) {
    return ip.length_from_frame && enclosing_bound == SIZE_MAX ? SIZE_MAX : ip.end();
  }

  const uint8_t* data_;
  size_t len_;
  ParseOptions opt_;
  NvgreLayout& L;
};

bool Parser::parse_ip(IpLayout& ip, IpVersion v, size_t off, size_t decl_end, size_t bound,
                      ParseError enclosing_mismatch, const ErrorSet& err) {
  ip.offset = static_cast<uint32_t>(off);
  const size_t fixed = v == IpVersion::v4 ? 20 : 40;
  if (auto e = need(off, fixed, bound, err.truncated_ip, enclosing_mismatch); e != ParseError::ok)
    return fail(e, off);
  const uint8_t* p = data_ + off;
  if ((p[0] >> 4) != static_cast<uint8_t>(v))  // value: found nibble, and the version the EtherType says
    return fail(err.bad_version, off, (p[0] >> 4) | (uint32_t{static_cast<uint8_t>(v)} << 8));
  ip.version = v;
  // The end this IP packet may extend to: the enclosing packet's declared end. At the outer
  // level nothing encloses it: a length beyond the capture means the capture was cut, which the
  // header and payload checks below report as truncation.
  const size_t room = decl_end - off;
  const size_t limit = bound == SIZE_MAX ? SIZE_MAX : room;
  if (v == IpVersion::v4) {
    const uint32_t ihl = (p[0] & 0xF) * 4u;
    if (ihl < 20) return fail(err.bad_ihl, off, ihl / 4);
    uint32_t total = load_be16(p + 2);
    if (total == 0 && opt_.large_send) {
      total = static_cast<uint32_t>(room);
      ip.length_from_frame = true;
    }
    if (total < ihl || total > limit) return fail(err.length_mismatch, off, total);
    if (off + ihl > len_) return fail(err.truncated_ip, off);
    ip.header_len = ihl;
    ip.total_len = total;
    ip.upper_proto = p[9];
    const uint16_t frag = load_be16(p + 6);
    if ((frag & 0x2000) || (frag & 0x1FFF)) return fragment(ip, err, off);
    return true;
  }
  uint32_t total = 40u + load_be16(p + 4);
  if (total == 40 && opt_.large_send) {
    total = static_cast<uint32_t>(room);
    ip.length_from_frame = true;
  }
  if (total > limit) return fail(err.length_mismatch, off, total - 40);
  ip.total_len = total;
  ip.header_len = 40;
  ip.upper_proto = p[6];
  return walk_ip6_ext(ip, ip_bound(ip, bound), err);
}

// Hop-by-hop, routing and destination options are walked (up to kMaxIp6ExtHeaders); a fragment
// header makes the packet non-offloadable; AH/ESP and anything else unknown stop the walk with a
// specific error only if they sit where GRE/TCP/UDP should be (the caller checks upper_proto).
bool Parser::walk_ip6_ext(IpLayout& ip, size_t end_bound, const ErrorSet& err) {
  const ParseError mismatch = err.length_mismatch;
  size_t pos = ip.offset + 40;
  const size_t end = end_bound;
  uint8_t nh = ip.upper_proto;
  for (;;) {
    if (nh == kIp6Fragment) {
      ip.upper_proto = nh;
      ip.header_len = static_cast<uint32_t>(pos - ip.offset);
      return fragment(ip, err, pos);
    }
    if ((nh == kIp6AH || nh == kIp6ESP) && !err.ipsec_is_upper) return fail(ParseError::ip6_ext_unsupported, pos, nh);
    if (nh != kIp6HopByHop && nh != kIp6Routing && nh != kIp6DestOpts) break;
    if (ip.ext_count >= kMaxIp6ExtHeaders) return fail(ParseError::ip6_ext_chain_too_long, pos, ip.ext_count + 1u);
    if (auto e = need(pos, 8, end, ParseError::truncated_ip6_ext_header, mismatch); e != ParseError::ok)
      return fail(e, pos);
    const uint8_t* h = data_ + pos;
    const size_t hlen = (size_t{h[1]} + 1) * 8;
    if (auto e = need(pos, hlen, end, ParseError::truncated_ip6_ext_header, mismatch); e != ParseError::ok)
      return fail(e, pos);
    if (nh == kIp6Routing && h[2] == 2 && hlen == 24) {
      ip.ip6_rt2_addr_offset = static_cast<uint32_t>(pos + 8);
    } else if (nh == kIp6DestOpts) {
      // TLV options; Home Address (type 0xC9, 16 bytes of address).
      size_t o = pos + 2;
      while (o < pos + hlen) {
        const uint8_t type = data_[o];
        if (type == 0) {  // Pad1
          ++o;
          continue;
        }
        if (o + 2 > pos + hlen) break;
        const size_t olen = data_[o + 1];
        if (o + 2 + olen > pos + hlen) break;
        if (type == 0xC9 && olen == 16) ip.ip6_home_addr_offset = static_cast<uint32_t>(o + 2);
        o += 2 + olen;
      }
    }
    nh = h[0];
    pos += hlen;
    ++ip.ext_count;
  }
  ip.upper_proto = nh;
  ip.header_len = static_cast<uint32_t>(pos - ip.offset);
  return true;
}

bool Parser::run() {
  const size_t frame = len_;
  // Outer Ethernet, at most one tag.
  if (frame < 14) return fail(ParseError::truncated_outer_ethernet, 0);
  uint16_t etype = load_be16(data_ + 12);
  size_t off = 14;
  if (etype == kEtherTypeVlan || etype == kEtherTypeQinQ) {
    if (frame < 18) return fail(ParseError::truncated_outer_vlan, 14);
    L.outer_vlan = true;
    L.outer_vlan_tci = load_be16(data_ + 14);
    etype = load_be16(data_ + 16);
    off = 18;
    if (etype == kEtherTypeVlan || etype == kEtherTypeQinQ) return fail(ParseError::outer_double_vlan, 14, etype);
  }
  L.outer_eth_len = static_cast<uint32_t>(off);
  IpVersion ov;
  if (etype == kEtherTypeIPv4) ov = IpVersion::v4;
  else if (etype == kEtherTypeIPv6) ov = IpVersion::v6;
  else return fail(ParseError::outer_not_ip, off - 2, etype);

  // Outer IP: bounded by the capture only.
  if (!parse_ip(L.outer, ov, off, frame, SIZE_MAX, ParseError::truncated_outer_ip, kOuterErrors)) return false;
  if (L.outer.upper_proto != kIpProtoGRE) return fail(ParseError::outer_not_gre, off, L.outer.upper_proto);
  const size_t outer_end = L.outer.end();
  const size_t outer_bound = ip_bound(L.outer, SIZE_MAX);

  // GRE (RFC 2784/2890), NVGRE profile (RFC 7637).
  off = L.outer.offset + L.outer.header_len;
  L.gre_offset = static_cast<uint32_t>(off);
  if (auto e = need(off, 4, outer_bound, ParseError::truncated_gre, ParseError::outer_ip_length_mismatch);
      e != ParseError::ok)
    return fail(e, off);
  const uint8_t f0 = data_[off], f1 = data_[off + 1];
  if ((f1 & 0x07) != 0) return fail(ParseError::gre_bad_version, off, f1 & 0x07u);
  if (f0 & 0x40) return fail(ParseError::gre_routing_present, off);
  if (const uint16_t gp = load_be16(data_ + off + 2); gp != kGreProtoTEB) return fail(ParseError::gre_bad_protocol, off, gp);
  L.gre_checksum_present = f0 & 0x80;
  L.gre_key_present = f0 & 0x20;
  L.gre_seq_present = f0 & 0x10;
  if (!L.gre_key_present) return fail(ParseError::gre_missing_key, off);
  L.gre_len = 4 + 4 * (L.gre_checksum_present + L.gre_key_present + L.gre_seq_present);
  if (auto e = need(off, L.gre_len, outer_bound, ParseError::truncated_gre, ParseError::outer_ip_length_mismatch);
      e != ParseError::ok)
    return fail(e, off);
  size_t g = off + 4;
  if (L.gre_checksum_present) {
    L.gre_checksum_offset = static_cast<uint32_t>(g);
    g += 4;
  }
  const uint32_t key = load_be32(data_ + g);
  L.vsid = key >> 8;
  L.flow_id = static_cast<uint8_t>(key);
  g += 4;
  if (L.gre_seq_present) L.gre_seq = load_be32(data_ + g);
  off += L.gre_len;

  // Inner Ethernet: untagged (RFC 7637 §4).
  L.inner_eth_offset = static_cast<uint32_t>(off);
  if (auto e = need(off, 14, outer_bound, ParseError::truncated_inner_ethernet, ParseError::outer_ip_length_mismatch);
      e != ParseError::ok)
    return fail(e, off);
  const uint16_t ietype = load_be16(data_ + off + 12);
  L.inner_ethertype = ietype;
  if (ietype == kEtherTypeVlan || ietype == kEtherTypeQinQ) return fail(ParseError::inner_vlan_tagged, off, ietype);
  IpVersion iv;
  if (ietype == kEtherTypeIPv4) iv = IpVersion::v4;
  else if (ietype == kEtherTypeIPv6) iv = IpVersion::v6;
  else return finish_other(L4Proto::none, off + 14, outer_end);  // ARP, LLDP, ...: valid NVGRE
  off += 14;

  // Inner IP: bounded by the outer packet.
  if (!parse_ip(L.inner, iv, off, outer_end, outer_bound, ParseError::outer_ip_length_mismatch, kInnerErrors))
    return false;
  const size_t inner_end = L.inner.end();
  const size_t inner_bound = ip_bound(L.inner, outer_bound);
  off = L.inner.offset + L.inner.header_len;

  // TCP / UDP.
  L.l4_offset = static_cast<uint32_t>(off);
  if (L.inner.upper_proto == kIpProtoTCP) {
    L.l4 = L4Proto::tcp;
    if (auto e = need(off, 20, inner_bound, ParseError::truncated_l4, ParseError::inner_ip_length_mismatch);
        e != ParseError::ok)
      return fail(e, off);
    const uint32_t doff = (data_[off + 12] >> 4) * 4u;
    if (doff < 20 || off + doff > inner_bound) return fail(ParseError::tcp_bad_data_offset, off, doff / 4);
    if (off + doff > frame) return fail(ParseError::truncated_l4, off);
    L.l4_header_len = doff;
    L.l4_len = static_cast<uint32_t>(inner_end - off);
  } else if (L.inner.upper_proto == kIpProtoUDP) {
    L.l4 = L4Proto::udp;
    if (auto e = need(off, 8, inner_bound, ParseError::truncated_l4, ParseError::inner_ip_length_mismatch);
        e != ParseError::ok)
      return fail(e, off);
    uint32_t ulen = load_be16(data_ + off + 4);
    if (ulen == 0 && opt_.large_send) ulen = static_cast<uint32_t>(inner_end - off);  // USO super-packet
    if (ulen < 8 || off + ulen > inner_bound) return fail(ParseError::udp_length_mismatch, off, ulen);
    L.l4_header_len = 8;
    L.l4_len = ulen;
  } else {
    // ICMP, ICMPv6, ESP, ...: valid NVGRE with no TCP/UDP; IPv6 "no next header" carries nothing.
    return finish_other(L.inner.upper_proto == kIp6NoNext && L.inner.version == IpVersion::v6 ? L4Proto::none
                                                                                              : L4Proto::other,
                        off, inner_end);
  }
  L.header_size = static_cast<uint32_t>(off + L.l4_header_len);
  L.payload_offset = L.header_size;
  L.payload_len = L.l4_len - L.l4_header_len;
  // All headers are whole; the payload the lengths promise must be captured too.
  if (off + L.l4_len > frame || inner_end > frame || outer_end > frame) return fail(ParseError::truncated_payload, L.payload_offset);
  return true;
}

bool Parser::finish_other(L4Proto kind, size_t off, size_t end) {
  L.l4 = kind;
  L.l4_offset = static_cast<uint32_t>(off);
  L.l4_header_len = 0;
  L.l4_len = static_cast<uint32_t>(end - off);
  L.header_size = L.payload_offset = static_cast<uint32_t>(off);
  L.payload_len = L.l4_len;
  if (end > len_ || L.outer.end() > len_) return fail(ParseError::truncated_payload, off);
  return true;
}

}  // namespace

void parse_nvgre_full_into(const uint8_t* data, size_t len, const ParseOptions& opt, NvgreLayout& out) {
  Parser(data, len, opt, out).run();
}

NvgreLayout parse_nvgre_full(const uint8_t* data, size_t len, const ParseOptions& opt) {
  NvgreLayout L;  // returned in place (NRVO)
  parse_nvgre_full_into(data, len, opt, L);
  return L;
}

const char* parse_error_name(ParseError e) {
  return EB_ENUM_LOOKUP(EB_PARSE_ERROR_VALUES, EB_ENUM_NAME, e, "unknown_error");
}

const char* parse_error_message(ParseError e) {
  return EB_ENUM_LOOKUP(EB_PARSE_ERROR_VALUES, EB_ENUM_TEXT, e, "unknown parse error");
}

namespace {

__attribute__((format(printf, 1, 0))) std::string fmt(const char* f, unsigned a, unsigned b = 0, unsigned c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}
const char* ipv(IpVersion v) { return v == IpVersion::v4 ? "IPv4" : "IPv6"; }

}  // namespace

std::string parse_error_detail(const NvgreLayout& L) {
  using E = ParseError;
  const unsigned v = L.error_value, at = L.error_offset;
  switch (L.error) {
    case E::ok: return "NVGRE, inner " + inner_kind_name(L);
    case E::outer_double_vlan: return fmt("a second VLAN tag (TPID 0x%04x) at byte %u: QinQ is not supported", v, at);
    case E::outer_not_ip: return fmt("outer EtherType 0x%04x, neither IPv4 (0x0800) nor IPv6 (0x86dd)", v);
    case E::outer_ip_bad_version:
    case E::inner_ip_bad_version:
      return (L.error == E::outer_ip_bad_version ? "outer" : "inner") +
             fmt(" IP version field %u, but the EtherType says IPv%u", v & 0xF, v >> 8);
    case E::outer_ipv4_bad_ihl: return fmt("outer IPv4 IHL %u (%u bytes), below 5", v, v * 4);
    case E::inner_ipv4_bad_ihl: return fmt("inner IPv4 IHL %u (%u bytes), below 5", v, v * 4);
    case E::outer_ip_length_mismatch:
    case E::inner_ip_length_mismatch: {
      const char* lvl = L.error == E::outer_ip_length_mismatch ? "outer" : "inner";
      const IpLayout& x = L.error == E::outer_ip_length_mismatch ? L.outer : L.inner;
      if (x.version == IpVersion::none || x.total_len == 0) {
        if (x.version == IpVersion::v6 || (x.version == IpVersion::none && at >= L.inner_eth_offset && L.inner_ethertype == kEtherTypeIPv6))
          return std::string(lvl) + " IPv6 payload length " + std::to_string(v) + " does not fit the packet that carries it";
        return std::string(lvl) + " IPv4 total length " + std::to_string(v) +
               (v == 0 ? " (0 is only valid for large sends)" : ": below its header or beyond the packet that carries it");
      }
      return "a header at byte " + std::to_string(at) + " runs past the end of the " + lvl + " IP packet (byte " +
             std::to_string(x.end()) + ")";
    }
    case E::outer_ip_fragment:
    case E::inner_ip_fragment: {
      const IpLayout& x = L.fragment == Fragment::inner ? L.inner : L.outer;
      return std::string(L.fragment == Fragment::inner ? "inner " : "outer ") + ipv(x.version) +
             (x.upper_proto == kIp6Fragment && x.version == IpVersion::v6 ? " fragment header" : " fragment (MF or offset set)") +
             ": a packet, not offloadable; RSS hashes its 2-tuple";
    }
    case E::outer_not_gre:
      return std::string("outer ") + ipv(L.outer.version) + (L.outer.version == IpVersion::v4 ? " protocol " : " next header ") +
             std::to_string(v) + ", not GRE (47)";
    case E::ip6_ext_chain_too_long: return fmt("more than %u IPv6 extension headers", static_cast<unsigned>(kMaxIp6ExtHeaders));
    case E::ip6_ext_unsupported:
      return std::string(v == kIp6AH ? "IPv6 AH" : v == kIp6ESP ? "IPv6 ESP" : "an unsupported IPv6 extension") +
             " header before GRE: not offloadable";
    case E::gre_bad_version: return fmt("GRE version %u, not 0", v);
    case E::gre_bad_protocol: return fmt("GRE protocol type 0x%04x, not 0x6558 (Transparent Ethernet Bridging)", v);
    case E::inner_vlan_tagged: return fmt("inner frame tagged (TPID 0x%04x): RFC 7637 forbids inner 802.1Q", v);
    case E::tcp_bad_data_offset: return fmt("TCP data offset %u (%u bytes): below 5 or past the inner IP packet", v, v * 4);
    case E::udp_length_mismatch: return fmt("UDP length %u: below 8 or past the inner IP packet", v);
    case E::truncated_payload:
      return fmt("capture ends at byte %u, before the IP length's end (byte %u)", L.frame_len,
                 static_cast<unsigned>(std::max(L.outer.end(), L.inner.end())));
    default: break;
  }
  return std::string(parse_error_message(L.error)) + fmt(" (at byte %u of %u)", at, L.frame_len);
}

bool is_not_nvgre(const NvgreLayout& L) {
  switch (L.error) {
    case ParseError::outer_not_ip:
    case ParseError::outer_not_gre:
    case ParseError::gre_bad_version:
    case ParseError::gre_bad_protocol:
    case ParseError::gre_missing_key: return true;
    default: return false;
  }
}

const char* frame_kind_name(const NvgreLayout& L) {
  if (L.ok()) return "nvgre";
  if (L.fragment == Fragment::outer) return "outer_fragment";
  if (L.fragment == Fragment::inner) return "inner_fragment";
  return is_not_nvgre(L) ? "not_nvgre" : "malformed";
}

std::string inner_kind_name(const NvgreLayout& L) {
  if (L.fragment == Fragment::inner) return "fragment";
  if (!L.ok()) return "-";
  if (!L.inner_ip()) {
    if (L.inner_ethertype == kEtherTypeArp) return "arp";
    return fmt("ethertype-0x%04x", L.inner_ethertype);
  }
  switch (L.l4) {
    case L4Proto::tcp: return "tcp";
    case L4Proto::udp: return "udp";
    case L4Proto::none: return "ipv6-no-next";
    case L4Proto::other: break;
  }
  if (L.inner.upper_proto == kIpProtoICMP && L.inner.version == IpVersion::v4) return "icmp";
  if (L.inner.upper_proto == kIpProtoICMPv6 && L.inner.version == IpVersion::v6) return "icmpv6";
  return fmt("ip-proto-%u", L.inner.upper_proto);
}

}  // namespace eb
