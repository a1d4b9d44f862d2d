// The NVGRE packet model (RFC 7637 over RFC 2784/2890 GRE): one parser used by every family.
// The builder that writes such packets (for corpora and tests) is datasets/nvgre_build.h.
//
//   outer Ethernet [802.1Q] | outer IPv4 [options] or IPv6 [ext headers] | GRE (C,K,S) |
//   inner Ethernet | inner IPv4 [options] or IPv6 [ext headers] | TCP [options] or UDP | payload
//
// Every inner frame is valid NVGRE, not only TCP/UDP: ARP, LLDP or any other EtherType (the
// layout stops after the inner Ethernet header, inner.version none), and IP of any protocol
// (ICMP, ICMPv6, IPv6 "no next header", ESP...: l4 is other or none, the "L4" range is the rest
// of the inner IP packet). IP fragments, outer or inner, are packets too, though not offloadable:
// the parse stops at the fragmented IP header with error *_ip_fragment and `fragment` set, and
// the headers up to it (addresses included) are valid. Ethernet padding after the IP packet, at
// either level, is legal and ignored.
//
// Wire bytes are network order and are only touched through kernels/common/byteorder.h;
// every field of NvgreLayout is host order. The parser never reads outside [data, data+len).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kernels/common/enum_names.h"

namespace eb {

enum class IpVersion : uint8_t { none = 0, v4 = 4, v6 = 6 };
// none: no upper-layer header (inner frame not IP, IPv6 next header 59, or not parsed);
// other: an IP protocol other than TCP/UDP (its number is inner.upper_proto).
enum class L4Proto : uint8_t { none = 0, tcp = 6, udp = 17, other = 255 };
// Which IP header, if any, is a fragment (IPv4 MF or offset, or an IPv6 fragment header).
enum class Fragment : uint8_t { none = 0, outer, inner };

constexpr uint16_t kEtherTypeIPv4 = 0x0800;
constexpr uint16_t kEtherTypeIPv6 = 0x86DD;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88A8;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint16_t kGreProtoTEB = 0x6558;  // Transparent Ethernet Bridging: NVGRE
constexpr uint8_t kIpProtoGRE = 47;
constexpr uint8_t kIpProtoTCP = 6;
constexpr uint8_t kIpProtoUDP = 17;
constexpr uint8_t kIpProtoICMP = 1;
constexpr uint8_t kIpProtoICMPv6 = 58;
constexpr uint8_t kIp6HopByHop = 0, kIp6Routing = 43, kIp6Fragment = 44, kIp6DestOpts = 60,
                  kIp6NoNext = 59, kIp6AH = 51, kIp6ESP = 50;
constexpr size_t kMaxIp6ExtHeaders = 8;        // longer chains are refused (ext_chain_too_long)
constexpr uint32_t kDefaultMaxHeaderSize = 256;  // NDIS MaxHeaderSizeSupported suggested default

// Every way a frame can fail to be a well-formed, offloadable NVGRE packet. Each has one
// specific message (parse_error_message), and parse_error_detail() adds what was found.
// Order is part of the JSON output: append only. Two entries are fragments, not malformations
// (outer_ip_fragment, inner_ip_fragment: NvgreLayout::fragment says which); two are no longer
// reported, because such frames are valid NVGRE (inner_not_ip, unknown_l4).
//
// Truncation versus length errors: a header that runs past the captured bytes, while the
// enclosing IP length says the packet goes on, is `truncated_<header>` (the capture was cut);
// a header that runs past the enclosing IP packet's own declared end, or an IP length that is
// smaller than its header or larger than the packet carrying it, is `<level>_ip_length_mismatch`
// (the length fields are inconsistent). Cutting a valid packet at any byte therefore gives the
// truncated_* error of the header that byte belongs to, or truncated_payload past the headers.
// Trailing bytes beyond the IP length (Ethernet padding) are allowed and ignored.
// X(id, sentence): the stable snake_case id (e.g. "gre_missing_key") and one human sentence.
#define EB_PARSE_ERROR_VALUES(X)                                                                                    \
  X(ok, "parsed as NVGRE")                                                                                          \
  X(truncated_outer_ethernet, "frame ends inside the outer Ethernet header (< 14 bytes)")                           \
  X(truncated_outer_vlan, "frame ends inside the outer 802.1Q tag")                                                 \
  /* more than one 802.1Q/802.1ad tag */                                                                            \
  X(outer_double_vlan, "outer frame carries more than one VLAN tag (QinQ is not supported)")                        \
  /* outer EtherType is neither IPv4 nor IPv6 */                                                                    \
  X(outer_not_ip, "outer EtherType is neither IPv4 (0x0800) nor IPv6 (0x86DD)")                                     \
  X(truncated_outer_ip, "frame ends inside the outer IP header")                                                    \
  /* version nibble disagrees with EtherType */                                                                     \
  X(outer_ip_bad_version, "outer IP version field disagrees with the EtherType")                                    \
  /* IHL < 5 */                                                                                                     \
  X(outer_ipv4_bad_ihl, "outer IPv4 IHL is below 5 (20 bytes)")                                                     \
  /* total/payload length beyond the frame or below the header */                                                   \
  X(outer_ip_length_mismatch, "outer IP length is inconsistent: smaller than its headers, or a header runs past it") \
  /* IPv4 MF/offset or IPv6 fragment header: not offloadable */                                                     \
  X(outer_ip_fragment,                                                                                              \
    "outer IP packet is a fragment (MF/offset or IPv6 fragment header): a packet, not offloadable")                 \
  /* final protocol/next header is not 47 */                                                                        \
  X(outer_not_gre, "outer IP does not carry GRE (protocol 47)")                                                     \
  /* more than kMaxIp6ExtHeaders extension headers */                                                               \
  X(ip6_ext_chain_too_long, "IPv6 extension header chain is longer than 8 headers")                                 \
  X(truncated_ip6_ext_header, "frame ends inside an IPv6 extension header")                                         \
  /* AH/ESP/unknown extension header before GRE or L4 */                                                            \
  X(ip6_ext_unsupported, "IPv6 AH/ESP header before the upper layer: not offloadable")                              \
  X(truncated_gre, "frame ends inside the GRE header")                                                              \
  /* version != 0 */                                                                                                \
  X(gre_bad_version, "GRE version is not 0")                                                                        \
  /* protocol type != 0x6558 */                                                                                     \
  X(gre_bad_protocol, "GRE protocol type is not 0x6558 (Transparent Ethernet Bridging): not NVGRE")                 \
  /* K bit clear: no VSID */                                                                                        \
  X(gre_missing_key, "GRE key bit is clear: NVGRE needs the key (VSID + FlowID)")                                   \
  /* R bit (RFC 1701) set: not valid GRE per RFC 2784 */                                                            \
  X(gre_routing_present, "GRE routing bit is set (RFC 1701 routing is not valid in RFC 2784 GRE)")                  \
  X(truncated_inner_ethernet, "frame ends inside the inner Ethernet header")                                        \
  /* RFC 7637: inner frame must not carry 802.1Q */                                                                 \
  X(inner_vlan_tagged, "inner Ethernet frame carries an 802.1Q tag (forbidden by RFC 7637)")                        \
  /* not reported: a non-IP inner frame is valid NVGRE */                                                           \
  X(inner_not_ip, "inner EtherType is neither IPv4 nor IPv6 (not an error: reported as valid NVGRE)")               \
  X(truncated_inner_ip, "frame ends inside the inner IP header")                                                    \
  X(inner_ip_bad_version, "inner IP version field disagrees with the inner EtherType")                              \
  X(inner_ipv4_bad_ihl, "inner IPv4 IHL is below 5 (20 bytes)")                                                     \
  X(inner_ip_length_mismatch,                                                                                       \
    "inner IP length is inconsistent: smaller than its headers, larger than the outer packet, or a header runs past it") \
  X(inner_ip_fragment, "inner IP packet is a fragment: a packet, not offloadable")                                  \
  /* not reported: inner IP of any protocol is valid NVGRE */                                                       \
  X(unknown_l4, "inner protocol is neither TCP (6) nor UDP (17) (not an error: reported as valid NVGRE)")           \
  X(truncated_l4, "frame ends inside the inner TCP/UDP header")                                                     \
  /* data offset < 5 or beyond the segment */                                                                       \
  X(tcp_bad_data_offset, "TCP data offset is below 5 or runs past the inner IP packet")                             \
  /* UDP length < 8 or beyond the inner IP payload */                                                               \
  X(udp_length_mismatch, "UDP length is below 8 or runs past the inner IP packet")                                  \
  /* every header is whole, but the capture ends before the IP length says */                                       \
  X(truncated_payload, "frame ends before the payload the IP length promises")
enum class ParseError : uint8_t { EB_PARSE_ERROR_VALUES(EB_ENUM_ID) count_ };
const char* parse_error_name(ParseError e);     // stable snake_case id, e.g. "gre_missing_key"
const char* parse_error_message(ParseError e);  // one human sentence

// One IP header (with its options or extension headers).
struct IpLayout {
  IpVersion version = IpVersion::none;
  uint32_t offset = 0;       // first byte of the IP header
  uint32_t header_len = 0;   // IPv4: IHL*4; IPv6: 40 + all extension headers before the upper layer
  uint32_t total_len = 0;    // bytes from `offset` to the end of this IP packet (from the length field)
  uint8_t upper_proto = 0;   // protocol / final next header
  uint8_t ext_count = 0;     // IPv6 extension headers walked
  bool length_from_frame = false;  // length field was 0 in large-send mode: derived from the frame
  // IPv6 "EX" hash-type addresses (NDIS): offsets of the home-address option's address and
  // the type-2 routing header's address, 0 if absent.
  uint32_t ip6_home_addr_offset = 0;
  uint32_t ip6_rt2_addr_offset = 0;
  uint32_t src_offset() const { return offset + (version == IpVersion::v4 ? 12 : 8); }
  uint32_t dst_offset() const { return offset + (version == IpVersion::v4 ? 16 : 24); }
  uint32_t addr_len() const { return version == IpVersion::v4 ? 4 : 16; }
  // The addresses the upper-layer pseudo-header uses (RFC 8200 §8.1, RFC 6275 §6.3/§6.4;
  // docs/nvgre-offload.md, "Pseudo-header addresses"): the Home Address option's address for the
  // source and the type-2 routing header's address for the destination, when present.
  uint32_t pseudo_src_offset() const { return ip6_home_addr_offset ? ip6_home_addr_offset : src_offset(); }
  uint32_t pseudo_dst_offset() const { return ip6_rt2_addr_offset ? ip6_rt2_addr_offset : dst_offset(); }
  uint32_t end() const { return offset + total_len; }
  bool operator==(const IpLayout&) const = default;
};

struct NvgreLayout {
  ParseError error = ParseError::ok;
  uint32_t error_offset = 0;  // where the parser stopped (the header that failed)
  uint32_t error_value = 0;   // what was found there (protocol, EtherType, length...): parse_error_detail
  uint32_t frame_len = 0;     // bytes captured

  bool outer_vlan = false;
  uint16_t outer_vlan_tci = 0;
  uint32_t outer_eth_len = 14;  // 14 or 18

  IpLayout outer;

  uint32_t gre_offset = 0;
  uint32_t gre_len = 0;          // 4 + 4*(C) + 4*(K) + 4*(S)
  bool gre_checksum_present = false;  // C bit
  bool gre_key_present = false;       // K bit
  bool gre_seq_present = false;       // S bit
  uint32_t gre_checksum_offset = 0;   // when C: offset of the checksum field
  uint32_t vsid = 0;                  // 24 bits
  uint8_t flow_id = 0;
  uint32_t gre_seq = 0;

  uint32_t inner_eth_offset = 0;
  uint16_t inner_ethertype = 0;  // once the inner Ethernet header is whole
  IpLayout inner;

  L4Proto l4 = L4Proto::none;
  uint32_t l4_offset = 0;
  uint32_t l4_header_len = 0;   // TCP: data offset * 4; UDP: 8
  uint32_t l4_len = 0;          // header + payload (inner IP end - l4_offset, or UDP length)
  uint32_t payload_offset = 0;
  uint32_t payload_len = 0;

  // NDIS MaxHeaderSizeSupported measure: first byte of the frame to the last byte of the inner
  // TCP/UDP header (docs/nvgre-offload.md, "Header size"). Without TCP/UDP: to the end of the last
  // header parsed (inner IP header, inner Ethernet header for a non-IP inner frame, the
  // fragmented IP header for a fragment).
  uint32_t header_size = 0;

  Fragment fragment = Fragment::none;

  // A complete NVGRE parse, whatever the inner frame carries.
  bool ok() const { return error == ParseError::ok; }
  bool is_fragment() const { return fragment != Fragment::none; }
  // A packet every offload must handle as a NIC would (NVGRE of any inner kind, or a fragment),
  // as opposed to a malformed or non-NVGRE frame.
  bool well_formed() const { return ok() || is_fragment(); }
  // Inner TCP or UDP, the only upper layers the checksum, LSO/USO and 4-tuple RSS offloads touch.
  bool inner_tcp_udp() const { return ok() && (l4 == L4Proto::tcp || l4 == L4Proto::udp); }
  bool inner_ip() const { return inner.version != IpVersion::none; }
  bool outer_ipv4() const { return outer.version == IpVersion::v4; }
  bool inner_ipv4() const { return inner.version == IpVersion::v4; }
  uint32_t l4_checksum_offset() const { return l4_offset + (l4 == L4Proto::tcp ? 16 : 6); }
  bool operator==(const NvgreLayout&) const = default;  // every field (the fast-path differential)
};

// The checksums of a packet that NVGRE checksum offload covers (kernels/checksum/offload.h).
enum CsumField : uint8_t { kCsumOuterIp = 1, kCsumInnerIp = 2, kCsumL4 = 4, kCsumGre = 8 };
// Which of them this packet has: outer/inner IPv4 header checksums for any well-formed packet
// (a fragment included, up to the fragmented header), the L4 checksum only for inner TCP/UDP,
// the GRE checksum when the C bit is set and the outer packet is whole in the capture.
inline uint8_t checksum_fields(const NvgreLayout& L) {
  if (!L.well_formed()) return 0;
  uint8_t m = 0;
  if (L.outer.version == IpVersion::v4) m |= kCsumOuterIp;
  if (L.fragment != Fragment::outer && L.inner.version == IpVersion::v4) m |= kCsumInnerIp;
  if (L.inner_tcp_udp()) m |= kCsumL4;
  if (L.gre_checksum_present && L.outer.end() <= L.frame_len) m |= kCsumGre;
  return m;
}

// Which header NDIS RSS hashes for this frame (before the enabled hash types are applied):
//   inner_l4  inner TCP/UDP header whole (the payload may be cut short by the capture);
//   inner_ip  inner IP of any other protocol, or an inner fragment: the inner IP 2-tuple;
//   outer_ip  inner frame not IP (ARP, ...), an outer fragment, or a frame that is NVGRE up to
//             GRE but broken inside: the outer IP 2-tuple;
//   none      not NVGRE, or broken before GRE: not hashed (queue 0).
enum class RssSource : uint8_t { none, outer_ip, inner_ip, inner_l4 };
inline RssSource rss_source(const NvgreLayout& L) {
  const bool whole = L.error == ParseError::ok || L.error == ParseError::truncated_payload;
  if (whole && (L.l4 == L4Proto::tcp || L.l4 == L4Proto::udp)) return RssSource::inner_l4;
  if ((whole || L.fragment == Fragment::inner) && L.inner.version != IpVersion::none) return RssSource::inner_ip;
  if ((L.inner_eth_offset != 0 || L.fragment == Fragment::outer) && L.outer.version != IpVersion::none)
    return RssSource::outer_ip;
  return RssSource::none;
}
// VMQ's key (inner destination MAC + VSID) is in the frame: every NVGRE frame past GRE.
inline bool vmq_key_present(const NvgreLayout& L) {
  return L.inner_eth_offset != 0 && L.inner_eth_offset + 6 <= L.frame_len;
}

struct ParseOptions {
  // LSOv2 super-packets: an IP length field of 0 means "to the end of the frame / outer IP"
  // (NDIS large-send convention for sends over 64 KiB). Off for normal traffic, where 0 is an error.
  bool large_send = false;
};

// Parses as much as it can. On error, fields of the headers parsed so far are valid, the rest
// are zero. Never reads outside [data, data+len). A branch-light fast path takes the common
// shapes (at most one 802.1Q tag, no IPv4 options, no IPv6 extension headers, every length
// field matching the frame exactly) and gives the full parser's result for them; every other
// frame goes to the full parser.
NvgreLayout parse_nvgre(const uint8_t* data, size_t len, const ParseOptions& opt = {});
// The full parser alone (what parse_nvgre falls back to): for differential tests and benchmarks.
NvgreLayout parse_nvgre_full(const uint8_t* data, size_t len, const ParseOptions& opt = {});
// The same into `out`, which must be value-initialised (NvgreLayout{}).
void parse_nvgre_full_into(const uint8_t* data, size_t len, const ParseOptions& opt, NvgreLayout& out);
inline NvgreLayout parse_nvgre(std::span<const uint8_t> frame, const ParseOptions& opt = {}) {
  return parse_nvgre(frame.data(), frame.size(), opt);
}

// One line naming what was found, e.g. "outer IPv4 protocol 6, not GRE (47)"; for a valid
// layout "NVGRE", for a fragment which header is fragmented.
std::string parse_error_detail(const NvgreLayout& layout);
// What the frame is, for every report: "nvgre", "outer_fragment", "inner_fragment",
// "not_nvgre" (well-formed up to a header that says it is other traffic: not IP, not GRE, GRE of
// another version or protocol, GRE without a key) or "malformed".
const char* frame_kind_name(const NvgreLayout& layout);
bool is_not_nvgre(const NvgreLayout& layout);
// The inner upper layer: "tcp", "udp", "icmp", "icmpv6", "ipv6-no-next", "ip-proto-N", "arp",
// "ethertype-0xNNNN", or "-" when the inner frame was not reached.
std::string inner_kind_name(const NvgreLayout& layout);

}  // namespace eb
