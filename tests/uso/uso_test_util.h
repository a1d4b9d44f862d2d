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

// Checks every USO rule on `dgrams` made from UDP send `s` at `mss`: "" or the first violation.
inline std::string check_datagrams(const Send& s, uint32_t mss, const std::vector<std::vector<uint8_t>>& dgrams) {
  const NvgreLayout& L = s.layout;
  const uint32_t H = L.payload_offset, P = L.payload_len;
  const uint32_t n = P == 0 ? 1 : (P + mss - 1) / mss;
  auto at = [](uint32_t i, const std::string& what) { return "datagram " + std::to_string(i) + ": " + what; };
  if (L.l4 != L4Proto::udp) return "not a UDP send";
  if (dgrams.size() != n) return "expected " + std::to_string(n) + " datagrams, got " + std::to_string(dgrams.size());
  const uint8_t* f = s.frame.data();
  const uint16_t oid = L.outer_ipv4() ? load_be16(f + L.outer.offset + 4) : 0;
  const uint16_t iid = L.inner_ipv4() ? load_be16(f + L.inner.offset + 4) : 0;
  std::vector<bool> may_change(H, false);
  auto mark = [&](uint32_t off, uint32_t len) {
    for (uint32_t k = 0; k < len; ++k) may_change[off + k] = true;
  };
  for (const IpLayout* ip : {&L.outer, &L.inner}) {
    if (ip->version == IpVersion::v4) mark(ip->offset + 2, 4), mark(ip->offset + 10, 2);
    else mark(ip->offset + 4, 2);
  }
  mark(L.l4_offset + 4, 4);  // UDP length and checksum
  if (L.gre_checksum_present) mark(L.gre_checksum_offset, 2);

  std::vector<uint8_t> joined;
  for (uint32_t i = 0; i < n; ++i) {
    const std::vector<uint8_t>& g = dgrams[i];
    const uint32_t len = i + 1 < n ? mss : P - (n - 1) * mss;
    if (g.size() != H + len) return at(i, "length " + std::to_string(g.size()) + ", expected " + std::to_string(H + len));
    const NvgreLayout dl = parse_nvgre(g);
    if (!dl.ok()) return at(i, std::string("does not parse: ") + parse_error_name(dl.error));
    if (dl.header_size != L.header_size || dl.l4 != L4Proto::udp || dl.payload_len != len)
      return at(i, "parsed header size / L4 / payload length differ from the super-packet's");
    for (uint32_t k = 0; k < H; ++k)
      if (!may_change[k] && g[k] != f[k]) return at(i, "header byte " + std::to_string(k) + " changed");
    if (L.outer_ipv4()) {
      const uint8_t* ip = g.data() + L.outer.offset;
      if (load_be16(ip + 2) != g.size() - L.outer.offset) return at(i, "outer IPv4 total length");
      if (load_be16(ip + 4) != static_cast<uint16_t>(oid + i)) return at(i, "outer IPv4 ID");
      if (!segtest::sum_verifies(ip, L.outer.header_len)) return at(i, "outer IPv4 header checksum");
    } else if (load_be16(g.data() + L.outer.offset + 4) != g.size() - L.outer.offset - 40) {
      return at(i, "outer IPv6 payload length");
    }
    if (L.inner_ipv4()) {
      const uint8_t* ip = g.data() + L.inner.offset;
      if (load_be16(ip + 2) != g.size() - L.inner.offset) return at(i, "inner IPv4 total length");
      if (load_be16(ip + 4) != static_cast<uint16_t>(iid + i)) return at(i, "inner IPv4 ID");
      if (!segtest::sum_verifies(ip, L.inner.header_len)) return at(i, "inner IPv4 header checksum");
    } else if (load_be16(g.data() + L.inner.offset + 4) != g.size() - L.inner.offset - 40) {
      return at(i, "inner IPv6 payload length");
    }
    const uint8_t* udp = g.data() + L.l4_offset;
    const uint32_t udp_len = static_cast<uint32_t>(g.size()) - L.l4_offset;
    if (load_be16(udp + 4) != udp_len) return at(i, "UDP length");
    if (load_be16(udp + 6) == 0) return at(i, "UDP checksum 0 (a computed 0 must be sent as 0xFFFF)");
    if (!segtest::sum_verifies(udp, udp_len, segtest::pseudo_sum(g.data(), L, udp_len, kIpProtoUDP))) return at(i, "UDP checksum");
    if (L.gre_checksum_present && !segtest::sum_verifies(g.data() + L.gre_offset, g.size() - L.gre_offset))
      return at(i, "GRE checksum");
    const VerifyResult v = checksum_verify(g.data(), dl, reference_checksum());
    if (v.any_bad() || v.l4 != CsumStatus::good) return at(i, "checksum_verify reports a bad or missing checksum");
    joined.insert(joined.end(), g.begin() + H, g.end());
  }
  if (joined.size() != P || !std::equal(joined.begin(), joined.end(), s.frame.begin() + H))
    return "datagram payloads joined in order differ from the original payload";
  return {};
}

}  // namespace eb::usotest
