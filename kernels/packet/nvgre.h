// The NVGRE packet model (RFC 7637 over RFC 2784/2890 GRE): one parser used by every family.
// The builder that writes such packets (for corpora and tests) is datasets/nvgre_build.h.
//
//   outer Ethernet [802.1Q] | outer IPv4 [options] or IPv6 [ext headers] | GRE (C,K,S) |
//   inner Ethernet | inner IPv4 [options] or IPv6 [ext headers] | TCP [options] or UDP | payload
//
// Wire bytes are network order and are only touched through kernels/common/byteorder.h;
// every field of NvgreLayout is host order. The parser never reads outside [data, data+len).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eb {

enum class IpVersion : uint8_t { none = 0, v4 = 4, v6 = 6 };
enum class L4Proto : uint8_t { none = 0, tcp = 6, udp = 17 };

constexpr uint16_t kEtherTypeIPv4 = 0x0800;
constexpr uint16_t kEtherTypeIPv6 = 0x86DD;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88A8;
constexpr uint16_t kGreProtoTEB = 0x6558;  // Transparent Ethernet Bridging: NVGRE
constexpr uint8_t kIpProtoGRE = 47;
constexpr uint8_t kIpProtoTCP = 6;
constexpr uint8_t kIpProtoUDP = 17;
constexpr uint8_t kIp6HopByHop = 0, kIp6Routing = 43, kIp6Fragment = 44, kIp6DestOpts = 60,
                  kIp6NoNext = 59, kIp6AH = 51, kIp6ESP = 50;
constexpr size_t kMaxIp6ExtHeaders = 8;        // longer chains are refused (ext_chain_too_long)
constexpr uint32_t kDefaultMaxHeaderSize = 256;  // NDIS MaxHeaderSizeSupported suggested default

// Every way a frame can fail to be a well-formed, offloadable NVGRE packet. Each has one
// specific message (parse_error_message). Order is part of the JSON output: append only.
//
// Truncation versus length errors: a header that runs past the captured bytes, while the
// enclosing IP length says the packet goes on, is `truncated_<header>` (the capture was cut);
// a header that runs past the enclosing IP packet's own declared end, or an IP length that is
// smaller than its header or larger than the packet carrying it, is `<level>_ip_length_mismatch`
// (the length fields are inconsistent). Cutting a valid packet at any byte therefore gives the
// truncated_* error of the header that byte belongs to, or truncated_payload past the headers.
// Trailing bytes beyond the IP length (Ethernet padding) are allowed and ignored.
enum class ParseError : uint8_t {
  ok = 0,
  truncated_outer_ethernet,
  truncated_outer_vlan,
  outer_double_vlan,            // more than one 802.1Q/802.1ad tag
  outer_not_ip,                 // outer EtherType is neither IPv4 nor IPv6
  truncated_outer_ip,
  outer_ip_bad_version,         // version nibble disagrees with EtherType
  outer_ipv4_bad_ihl,           // IHL < 5
  outer_ip_length_mismatch,     // total/payload length beyond the frame or below the header
  outer_ip_fragment,            // IPv4 MF/offset or IPv6 fragment header: not offloadable
  outer_not_gre,                // final protocol/next header is not 47
  ip6_ext_chain_too_long,       // more than kMaxIp6ExtHeaders extension headers
  truncated_ip6_ext_header,
  ip6_ext_unsupported,          // AH/ESP/unknown extension header before GRE or L4
  truncated_gre,
  gre_bad_version,              // version != 0
  gre_bad_protocol,             // protocol type != 0x6558
  gre_missing_key,              // K bit clear: no VSID
  gre_routing_present,          // R bit (RFC 1701) set: not valid GRE per RFC 2784
  truncated_inner_ethernet,
  inner_vlan_tagged,            // RFC 7637: inner frame must not carry 802.1Q
  inner_not_ip,
  truncated_inner_ip,
  inner_ip_bad_version,
  inner_ipv4_bad_ihl,
  inner_ip_length_mismatch,
  inner_ip_fragment,
  unknown_l4,                   // inner protocol is neither TCP nor UDP
  truncated_l4,
  tcp_bad_data_offset,          // data offset < 5 or beyond the segment
  udp_length_mismatch,          // UDP length < 8 or beyond the inner IP payload
  truncated_payload,            // every header is whole, but the capture ends before the IP length says
  count_
};
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
};

struct NvgreLayout {
  ParseError error = ParseError::ok;
  uint32_t error_offset = 0;  // where the parser stopped (the header that failed)
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
  IpLayout inner;

  L4Proto l4 = L4Proto::none;
  uint32_t l4_offset = 0;
  uint32_t l4_header_len = 0;   // TCP: data offset * 4; UDP: 8
  uint32_t l4_len = 0;          // header + payload (inner IP end - l4_offset, or UDP length)
  uint32_t payload_offset = 0;
  uint32_t payload_len = 0;

  // NDIS MaxHeaderSizeSupported measure: first byte of the frame to the last byte of the inner
  // TCP/UDP header (docs/nvgre-offload.md, "Header size").
  uint32_t header_size = 0;

  bool ok() const { return error == ParseError::ok; }
  bool outer_ipv4() const { return outer.version == IpVersion::v4; }
  bool inner_ipv4() const { return inner.version == IpVersion::v4; }
  uint32_t l4_checksum_offset() const { return l4_offset + (l4 == L4Proto::tcp ? 16 : 6); }
};

struct ParseOptions {
  // LSOv2 super-packets: an IP length field of 0 means "to the end of the frame / outer IP"
  // (NDIS large-send convention for sends over 64 KiB). Off for normal traffic, where 0 is an error.
  bool large_send = false;
};

// Parses as much as it can. On error, fields of the headers parsed so far are valid, the rest
// are zero. Never reads outside [data, data+len).
NvgreLayout parse_nvgre(const uint8_t* data, size_t len, const ParseOptions& opt = {});
inline NvgreLayout parse_nvgre(std::span<const uint8_t> frame, const ParseOptions& opt = {}) {
  return parse_nvgre(frame.data(), frame.size(), opt);
}

}  // namespace eb
