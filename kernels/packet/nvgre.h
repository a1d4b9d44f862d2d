// The NVGRE packet model (RFC 7637 over RFC 2784/2890 GRE): one parser used by every family,
// and a builder used by the corpora and the tests.
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
  uint32_t end() const { return offset + total_len; }
  bool operator==(const IpLayout&) const = default;
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

  // Seed definition: first byte of the frame to the last byte of the inner TCP/UDP header.
  uint32_t header_size = 0;

  bool ok() const { return error == ParseError::ok; }
  bool outer_ipv4() const { return outer.version == IpVersion::v4; }
  bool inner_ipv4() const { return inner.version == IpVersion::v4; }
  uint32_t l4_checksum_offset() const { return l4_offset + (l4 == L4Proto::tcp ? 16 : 6); }
  bool operator==(const NvgreLayout&) const = default;  // every field (the fast-path differential)
};

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
inline NvgreLayout parse_nvgre(std::span<const uint8_t> frame, const ParseOptions& opt = {}) {
  return parse_nvgre(frame.data(), frame.size(), opt);
}

// --- Builder -------------------------------------------------------------------------------
// A declarative description of one NVGRE packet; build_nvgre() turns it into wire bytes with
// every length and checksum correct (unless told to leave a checksum wrong or zero).
struct Ip6ExtSpec {
  uint8_t type = kIp6DestOpts;  // hop-by-hop, routing, destination options (fragment for tests)
  uint32_t len = 8;             // total bytes, a multiple of 8 (>= 8); routing type 2 needs 24
  uint8_t routing_type = 0;     // for kIp6Routing: 0 (deprecated) or 2 (mobile IPv6 home address)
  bool home_address_option = false;  // for kIp6DestOpts: include a Home Address option (needs len >= 24)
  uint8_t home_address[16] = {};
  // Additive (datasets): routing type 0 addresses are filled from this seed byte; segments left
  // is 0 for type 0 (already at the final destination) and 1 for type 2 (RFC 6275).
  uint8_t fill = 0;
};

// How build_nvgre fills IPv4 options and TCP options (additive, datasets).
//   realistic: IPv4 Router Alert (4 bytes) or Record Route padded with EOL; TCP MSS, NOP, window
//              scale, SACK-permitted, timestamps and SACK blocks, NOP-aligned.
//   nop:       NOP bytes ending in one EOL.
//   timestamp: IPv4 Timestamp option (flag 0) padded with EOL; TCP as realistic.
enum class OptionStyle : uint8_t { realistic = 0, nop = 1, timestamp = 2 };

struct IpSpec {
  IpVersion version = IpVersion::v4;
  uint8_t src[16] = {};  // IPv4 uses the first 4 bytes
  uint8_t dst[16] = {};
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint16_t ipv4_id = 0;
  bool ipv4_dont_fragment = true;
  uint32_t ipv4_options_len = 0;        // 0..40, multiple of 4 (NOP/timestamp-like filler)
  std::vector<Ip6ExtSpec> ip6_ext;      // in order
  uint32_t ipv6_flow_label = 0;
  // Additive (datasets): option filler style and IPv4 fragment fields (negative cases).
  OptionStyle option_style = OptionStyle::realistic;
  bool ipv4_more_fragments = false;
  uint16_t ipv4_fragment_offset = 0;  // in 8-byte units (13 bits)
  uint8_t protocol_override = 0;      // nonzero: written as the IPv4 protocol / last next header
};

struct NvgreSpec {
  uint8_t outer_dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
  uint8_t outer_src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
  bool outer_vlan = false;
  uint16_t outer_vlan_tci = 100;
  IpSpec outer;
  bool gre_checksum = false;  // C bit (+4 bytes)
  bool gre_seq = false;       // S bit (+4 bytes)
  uint32_t gre_seq_number = 0;
  uint32_t vsid = 0x123456;   // 24 bits
  uint8_t flow_id = 0;
  uint8_t inner_dst_mac[6] = {0x02, 0, 0, 0, 1, 0x02};
  uint8_t inner_src_mac[6] = {0x02, 0, 0, 0, 1, 0x01};
  IpSpec inner;
  L4Proto l4 = L4Proto::tcp;
  uint16_t src_port = 49152;
  uint16_t dst_port = 80;
  uint32_t tcp_seq = 1;
  uint32_t tcp_ack = 1;
  uint8_t tcp_flags = 0x18;         // PSH|ACK
  uint16_t tcp_window = 65535;
  uint32_t tcp_options_len = 0;     // 0..40, multiple of 4 (MSS, SACK-permitted, timestamps, NOPs)
  std::vector<uint8_t> payload;
  // Checksums: by default all are computed correctly. These leave one wrong on purpose.
  bool corrupt_outer_ip_checksum = false;
  bool corrupt_inner_ip_checksum = false;
  bool corrupt_l4_checksum = false;
  bool corrupt_gre_checksum = false;
  bool zero_udp_checksum = false;   // UDP/IPv4 "no checksum"
  // Large send: write 0 in IP length fields that would overflow 16 bits (see ParseOptions).
  bool large_send = false;
  // Additive (datasets): generic GRE fields for negative cases, an inner 802.1Q tag (malformed
  // NVGRE), and the LSO convention of seeding the TCP/UDP checksum with the pseudo-header sum
  // computed with length 0 (what the stack hands to an LSOv2 NIC) instead of the full checksum.
  bool gre_key_present = true;        // K bit; false leaves the key out (not NVGRE)
  uint8_t gre_version = 0;
  uint16_t gre_protocol = kGreProtoTEB;
  bool inner_vlan = false;
  uint16_t inner_vlan_tci = 0;
  bool l4_checksum_pseudo_seed = false;
};

// Header bytes the spec will produce before the payload: the seed's header size.
// build_nvgre throws std::invalid_argument for a spec it cannot encode (option length not a
// multiple of 4 or over 40, extension header length not a multiple of 8, routing type 0 length
// not 8+16n, routing type 2 / home address option too short, lengths over 16 bits without
// large_send).
uint32_t nvgre_header_size(const NvgreSpec& spec);
std::vector<uint8_t> build_nvgre(const NvgreSpec& spec);
// Writes the frame into `out` (resized to fit): lets generators reuse one buffer.
void build_nvgre_into(const NvgreSpec& spec, std::vector<uint8_t>& out);

}  // namespace eb
