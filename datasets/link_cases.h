// The `link` preset's catalogue (used by generator_shapes.cc): the ordinary traffic an NVGRE link
// carries besides TCP/UDP data, which a NIC with NVGRE task offload must handle as valid
// packets. Every case is built from a normal spec (its addresses, MACs and VSID come from the
// generator's flows) and then shaped byte by byte, with every length and checksum a real sender
// would write:
//   ARP request/reply, LLDP and an unknown EtherType inside NVGRE (inner frames padded to the
//   60-byte Ethernet minimum as a vSwitch sends them); ICMP echo, ICMPv6 echo and neighbour
//   solicitation, IPv6 "no next header", ESP; pure TCP ACKs and a small UDP datagram padded to
//   60 bytes, and a frame with 4 trailing bytes after the outer IP packet (a captured FCS);
//   outer IPv4/IPv6 fragments (first and later) and inner IPv4/IPv6 fragments; TCP/UDP whose
//   checksum field holds only the pseudo-header sum, as a capture on the sending host shows
//   before TX checksum offload (with the L4 length) or LSO (with length 0).
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "datasets/nvgre_build.h"
#include "kernels/packet/nvgre.h"

namespace eb {

struct LinkFrame {
  std::vector<uint8_t> bytes;
  std::string label;                     // "link-arp-request", ...
  ParseError expected = ParseError::ok;  // ok, or the *_ip_fragment of a fragment
  NvgreSpec spec;                        // the spec it was shaped from
};

using LinkSpecFactory = std::function<NvgreSpec(IpVersion outer, IpVersion inner, L4Proto l4)>;

size_t link_case_count();
// Appends the frames of case k (0 <= k < link_case_count(); a fragment case gives two frames).
void link_case(size_t k, const LinkSpecFactory& base, Rng& rng, std::vector<LinkFrame>& out);

}  // namespace eb
