// The NVGRE packet builder: a declarative description of one packet (NvgreSpec) and
// build_nvgre(), which turns it into wire bytes. It serves the corpora (datasets/generator.h)
// and the tests; no kernel depends on it.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/packet/nvgre.h"

namespace eb {

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

// Header bytes the spec will produce before the payload: the NDIS header size (docs/nvgre-offload.md).
// build_nvgre throws std::invalid_argument for a spec it cannot encode (option length not a
// multiple of 4 or over 40, extension header length not a multiple of 8, routing type 0 length
// not 8+16n, routing type 2 / home address option too short, lengths over 16 bits without
// large_send).
uint32_t nvgre_header_size(const NvgreSpec& spec);
std::vector<uint8_t> build_nvgre(const NvgreSpec& spec);
// Writes the frame into `out` (resized to fit): lets generators reuse one buffer.
void build_nvgre_into(const NvgreSpec& spec, std::vector<uint8_t>& out);

}  // namespace eb
