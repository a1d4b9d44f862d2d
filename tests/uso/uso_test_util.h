// Helpers for the uso tests: UDP sends and an independent checker of the USO datagram rules.
//
// The checker shares no code with the implementations: it compares each datagram with the
// super-packet field by field (which bytes may change and to what), recomputes every checksum
// over the finished datagram with the plain loop, re-parses it with our parser (as ordinary
// traffic, no large-send help), runs the checksum family's receive-side verify, and joins the
// payloads back together.
#pragma once
#include <string>
#include <vector>

#include "kernels/uso/uso.h"
#include "tests/segment/segment_test_util.h"

namespace eb::usotest {

using segtest::Send;

// A UDP send with distinct field values (segtest::base_spec with UDP as the transport): IP and
// UDP lengths 0 where they overflow (large send), UDP checksum seeded with the length-0
// pseudo-header sum as the stack hands it to a USO NIC.
inline NvgreSpec udp_spec(IpVersion outer, IpVersion inner, uint32_t payload_len, uint64_t seed) {
  NvgreSpec s = segtest::base_spec(outer, inner, payload_len, seed);
  s.l4 = L4Proto::udp;
  s.dst_port = 4433;
  return s;
}

inline segtest::Segmented run_uso(const UsoImpl& impl, const Send& s, uint32_t mss, uint32_t max_header = 256) {
  return segtest::run_impl(impl, s, mss, max_header, L4Proto::udp);
}

// Checks every USO rule on `dgrams` made from UDP send `s` at `mss` (segtest::check_split with
// UDP's: each datagram's UDP length is its own, its checksum is not 0 and verifies over its own
// pseudo-header): "" or the first violation.
inline std::string check_datagrams(const Send& s, uint32_t mss, const std::vector<std::vector<uint8_t>>& dgrams) {
  const NvgreLayout& L = s.layout;
  segtest::L4Rules udp{L4Proto::udp, "datagram", {{4, 4}}, nullptr};  // UDP length and checksum
  udp.check = [&](uint32_t, const std::vector<uint8_t>& g, uint32_t) -> std::string {
    const uint8_t* uh = g.data() + L.l4_offset;
    const uint32_t udp_len = static_cast<uint32_t>(g.size()) - L.l4_offset;
    if (load_be16(uh + 4) != udp_len) return "UDP length";
    if (load_be16(uh + 6) == 0) return "UDP checksum 0 (a computed 0 must be sent as 0xFFFF)";
    if (!segtest::sum_verifies(uh, udp_len, segtest::pseudo_sum(g.data(), L, udp_len, kIpProtoUDP))) return "UDP checksum";
    return "";
  };
  return segtest::check_split(s, mss, dgrams, udp);
}

}  // namespace eb::usotest
