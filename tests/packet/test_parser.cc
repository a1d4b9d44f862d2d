// Parser tests on frames assembled byte by byte here (not with our builder), so the parser is
// checked against the wire format itself.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "kernels/packet/nvgre.h"

namespace eb {
namespace {

struct Frame {
  std::vector<uint8_t> b;
  void u8(uint8_t v) { b.push_back(v); }
  void u16(uint16_t v) { u8(v >> 8), u8(v & 0xFF); }
  void u32(uint32_t v) { u16(v >> 16), u16(v & 0xFFFF); }
  void zeros(size_t n) { b.insert(b.end(), n, 0); }
  void set16(size_t off, uint16_t v) { b[off] = v >> 8, b[off + 1] = v & 0xFF; }
};

void eth(Frame& f, uint16_t type) {
  for (int i = 0; i < 12; ++i) f.u8(0x02);
  f.u16(type);
}
// IPv4 header with `opt` option bytes (NOPs + EOL); total length patched later.
size_t ipv4(Frame& f, uint8_t proto, size_t opt = 0) {
  size_t at = f.b.size();
  f.u8(0x40 | uint8_t((20 + opt) / 4));
  f.u8(0);
  f.u16(0);        // total length: patched
  f.u16(0x1234);   // id
  f.u16(0x4000);   // DF
  f.u8(64);
  f.u8(proto);
  f.u16(0);        // checksum (not checked by the parser)
  f.u32(0x0A000001);
  f.u32(0x0A000002);
  for (size_t i = 0; i + 1 < opt; ++i) f.u8(1);  // NOP
  if (opt) f.u8(0);                               // EOL
  return at;
}
size_t ipv6(Frame& f, uint8_t nh) {
  size_t at = f.b.size();
  f.u32(0x60000000);
  f.u16(0);  // payload length: patched
  f.u8(nh);
  f.u8(64);
  for (int i = 0; i < 32; ++i) f.u8(uint8_t(i));
  return at;
}
void gre(Frame& f, bool c, bool s, uint32_t vsid, uint8_t flow) {
  f.u8((c ? 0x80 : 0) | 0x20 | (s ? 0x10 : 0));
  f.u8(0);
  f.u16(0x6558);
  if (c) f.u32(0);
  f.u32(vsid << 8 | flow);
  if (s) f.u32(7);
}
void tcp(Frame& f, size_t opt = 0) {
  f.u16(1234), f.u16(80), f.u32(1), f.u32(1);
  f.u8(uint8_t(((20 + opt) / 4) << 4)), f.u8(0x18), f.u16(65535), f.u16(0), f.u16(0);
  for (size_t i = 0; i < opt; ++i) f.u8(1);
}
void udp(Frame& f, uint16_t len) { f.u16(1234), f.u16(4789), f.u16(len), f.u16(0); }
void patch_v4(Frame& f, size_t at) { f.set16(at + 2, uint16_t(f.b.size() - at)); }
void patch_v6(Frame& f, size_t at) { f.set16(at + 4, uint16_t(f.b.size() - at - 40)); }

// IPv4 outer / IPv4 inner with option-free headers around `l4` (which appends the L4 header and
// payload); both IPv4 lengths patched.
template <typename L4>
Frame v4v4(uint8_t proto, uint32_t vsid, uint8_t flow, L4 l4) {
  Frame f;
  eth(f, 0x0800);
  size_t o = ipv4(f, 47);
  gre(f, false, false, vsid, flow);
  eth(f, 0x0800);
  size_t i = ipv4(f, proto);
  l4(f);
  patch_v4(f, i);
  patch_v4(f, o);
  return f;
}

// IPv4 / IPv4 / UDP: the minimum header of the reference notes (84 bytes).
Frame v4v4udp(size_t payload = 10) {
  return v4v4(17, 0xABCDEF, 0x42, [payload](Frame& f) {
    udp(f, uint16_t(8 + payload));
    f.zeros(payload);
  });
}
// IPv4 / IPv4 / TCP without options or payload: 96 header bytes.
Frame v4v4tcp() { return v4v4(6, 1, 0, [](Frame& f) { tcp(f); }); }


TEST(Parser, MinimumIPv4IPv4UDP) {
  Frame f = v4v4udp();
  NvgreLayout L = parse_nvgre(f.b.data(), f.b.size());
  ASSERT_TRUE(L.ok()) << parse_error_message(L.error);
  EXPECT_EQ(L.header_size, 84u);
  EXPECT_EQ(L.outer.offset, 14u);
  EXPECT_EQ(L.gre_offset, 34u);
  EXPECT_EQ(L.gre_len, 8u);
  EXPECT_EQ(L.vsid, 0xABCDEFu);
  EXPECT_EQ(L.flow_id, 0x42);
  EXPECT_EQ(L.inner_eth_offset, 42u);
  EXPECT_EQ(L.inner.offset, 56u);
  EXPECT_EQ(L.l4, L4Proto::udp);
  EXPECT_EQ(L.l4_offset, 76u);
  EXPECT_EQ(L.payload_len, 10u);
}

TEST(Parser, MinimumIPv4IPv4TCPAndIPv6IPv6TCP) {
  Frame a = v4v4tcp();
  NvgreLayout L = parse_nvgre(a.b.data(), a.b.size());
  ASSERT_TRUE(L.ok()) << parse_error_message(L.error);
  EXPECT_EQ(L.header_size, 96u);
  EXPECT_EQ(L.payload_len, 0u);

  Frame b;
  eth(b, 0x86DD);
  size_t o6 = ipv6(b, 47);
  gre(b, false, false, 1, 0);
  eth(b, 0x86DD);
  size_t i6 = ipv6(b, 6);
  tcp(b);
  patch_v6(b, i6), patch_v6(b, o6);
  L = parse_nvgre(b.b.data(), b.b.size());
  ASSERT_TRUE(L.ok()) << parse_error_message(L.error);
  EXPECT_EQ(L.header_size, 136u);
  EXPECT_EQ(L.outer.version, IpVersion::v6);
  EXPECT_EQ(L.inner.version, IpVersion::v6);
}

TEST(Parser, OptionsVlanGreBitsAndIPv6ExtensionHeaders) {
  Frame f;
  for (int k = 0; k < 12; ++k) f.u8(0x02);
  f.u16(0x8100), f.u16(0x0064), f.u16(0x86DD);
  size_t o = ipv6(f, kIp6HopByHop);
  // hop-by-hop (8 bytes, PadN) -> destination options with Home Address (24 bytes) -> GRE
  f.u8(kIp6DestOpts), f.u8(0), f.u8(1), f.u8(4), f.zeros(4);
  size_t dst = f.b.size();
  f.u8(kIpProtoGRE), f.u8(2), f.u8(1), f.u8(2), f.zeros(2), f.u8(0xC9), f.u8(16);
  for (int k = 0; k < 16; ++k) f.u8(uint8_t(0xA0 + k));
  gre(f, true, true, 0x10, 0x20);
  eth(f, 0x0800);
  size_t i = ipv4(f, 6, 12);
  tcp(f, 40);
  f.zeros(100);
  patch_v4(f, i), patch_v6(f, o);
  NvgreLayout L = parse_nvgre(f.b.data(), f.b.size());
  ASSERT_TRUE(L.ok()) << parse_error_name(L.error);
  EXPECT_TRUE(L.outer_vlan);
  EXPECT_EQ(L.outer_vlan_tci, 100);
  EXPECT_EQ(L.outer.ext_count, 2);
  EXPECT_EQ(L.outer.header_len, 40u + 8 + 24);
  EXPECT_EQ(L.outer.ip6_home_addr_offset, dst + 8);
  EXPECT_TRUE(L.gre_checksum_present);
  EXPECT_TRUE(L.gre_seq_present);
  EXPECT_EQ(L.gre_len, 16u);
  EXPECT_EQ(L.gre_seq, 7u);
  EXPECT_EQ(L.inner.header_len, 32u);
  EXPECT_EQ(L.l4_header_len, 60u);
  EXPECT_EQ(L.header_size, 18u + 72 + 16 + 14 + 32 + 60);
  EXPECT_EQ(L.payload_len, 100u);
}

TEST(Parser, EthernetPaddingIsIgnored) {
  Frame f = v4v4udp(0);
  f.zeros(30);
  NvgreLayout L = parse_nvgre(f.b.data(), f.b.size());
  ASSERT_TRUE(L.ok());
  EXPECT_EQ(L.payload_len, 0u);
}

struct Case {
  const char* what;
  void (*mutate)(Frame&);
  ParseError expect;
};

TEST(Parser, SpecificErrors) {
  const Case cases[] = {
      {"ethertype ARP", [](Frame& f) { f.set16(12, 0x0806); }, ParseError::outer_not_ip},
      {"outer version 6 in IPv4", [](Frame& f) { f.b[14] = 0x65; }, ParseError::outer_ip_bad_version},
      {"outer IHL 4", [](Frame& f) { f.b[14] = 0x44; }, ParseError::outer_ipv4_bad_ihl},
      {"outer total length 10", [](Frame& f) { f.set16(16, 10); }, ParseError::outer_ip_length_mismatch},
      {"outer MF", [](Frame& f) { f.set16(20, 0x2000); }, ParseError::outer_ip_fragment},
      {"outer proto UDP", [](Frame& f) { f.b[23] = 17; }, ParseError::outer_not_gre},
      {"GRE version 1", [](Frame& f) { f.b[35] = 1; }, ParseError::gre_bad_version},
      {"GRE routing", [](Frame& f) { f.b[34] |= 0x40; }, ParseError::gre_routing_present},
      {"GRE proto IPv4", [](Frame& f) { f.set16(36, 0x0800); }, ParseError::gre_bad_protocol},
      {"GRE no key", [](Frame& f) { f.b[34] &= ~0x20; }, ParseError::gre_missing_key},
      {"inner VLAN", [](Frame& f) { f.set16(54, 0x8100); }, ParseError::inner_vlan_tagged},
      {"inner ARP", [](Frame& f) { f.set16(54, 0x0806); }, ParseError::inner_not_ip},
      {"inner version", [](Frame& f) { f.b[56] = 0x55; }, ParseError::inner_ip_bad_version},
      {"inner IHL", [](Frame& f) { f.b[56] = 0x43; }, ParseError::inner_ipv4_bad_ihl},
      {"inner length > outer", [](Frame& f) { f.set16(58, 2000); }, ParseError::inner_ip_length_mismatch},
      {"inner fragment", [](Frame& f) { f.set16(62, 0x0010); }, ParseError::inner_ip_fragment},
      {"inner ICMP", [](Frame& f) { f.b[65] = 1; }, ParseError::unknown_l4},
      {"UDP length 4", [](Frame& f) { f.set16(80, 4); }, ParseError::udp_length_mismatch},
      {"UDP length > IP", [](Frame& f) { f.set16(80, 200); }, ParseError::udp_length_mismatch},
  };
  for (const auto& c : cases) {
    Frame f = v4v4udp();
    c.mutate(f);
    NvgreLayout L = parse_nvgre(f.b.data(), f.b.size());
    EXPECT_EQ(L.error, c.expect) << c.what << ": got " << parse_error_name(L.error);
  }
}

TEST(Parser, TcpDataOffset) {
  Frame f = v4v4tcp();
  Frame g = f;
  g.b[76 + 12] = 0x40;  // data offset 4
  EXPECT_EQ(parse_nvgre(g.b.data(), g.b.size()).error, ParseError::tcp_bad_data_offset);
  g = f;
  g.b[76 + 12] = 0xF0;  // 60 bytes, beyond the IP packet
  EXPECT_EQ(parse_nvgre(g.b.data(), g.b.size()).error, ParseError::tcp_bad_data_offset);
}

TEST(Parser, DoubleVlanAndFragmentHeaderAndLongChain) {
  Frame f = v4v4udp();
  std::vector<uint8_t> tags = {0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02};
  f.b.insert(f.b.begin() + 12, tags.begin(), tags.end());
  EXPECT_EQ(parse_nvgre(f.b.data(), f.b.size()).error, ParseError::outer_double_vlan);

  // IPv6 outer with a fragment header, then 9 destination-options headers.
  for (int variant = 0; variant < 2; ++variant) {
    Frame g;
    eth(g, 0x86DD);
    size_t o = ipv6(g, variant == 0 ? kIp6Fragment : kIp6DestOpts);
    if (variant == 0) {
      g.u8(kIpProtoGRE), g.zeros(7);
    } else {
      for (int k = 0; k < 9; ++k) g.u8(k == 8 ? kIpProtoGRE : kIp6DestOpts), g.u8(0), g.u8(1), g.u8(4), g.zeros(4);
    }
    gre(g, false, false, 1, 0);
    g.zeros(80);
    patch_v6(g, o);
    EXPECT_EQ(parse_nvgre(g.b.data(), g.b.size()).error,
              variant == 0 ? ParseError::outer_ip_fragment : ParseError::ip6_ext_chain_too_long);
  }
}

// Cutting a valid packet at every byte gives the truncation error of the header that byte
// belongs to; each cut copy lives in an exactly-sized heap buffer (ASan catches overreads).
// What parsing the first n bytes of a v4v4udp() frame must report: the truncation error of the
// header byte n falls in, or `past_headers` once every header is whole.
ParseError v4v4udp_cut_error(size_t n, ParseError past_headers) {
  if (n < 14) return ParseError::truncated_outer_ethernet;
  if (n < 34) return ParseError::truncated_outer_ip;
  if (n < 42) return ParseError::truncated_gre;
  if (n < 56) return ParseError::truncated_inner_ethernet;
  if (n < 76) return ParseError::truncated_inner_ip;
  if (n < 84) return ParseError::truncated_l4;
  return past_headers;
}

TEST(Parser, TruncationAtEveryOffset) {
  Frame f = v4v4udp(20);
  for (size_t n = 0; n < f.b.size(); ++n) {
    std::unique_ptr<uint8_t[]> cut(new uint8_t[n ? n : 1]);
    std::memcpy(cut.get(), f.b.data(), n);
    NvgreLayout L = parse_nvgre(cut.get(), n);
    EXPECT_EQ(L.error, v4v4udp_cut_error(n, ParseError::truncated_payload))
        << "cut at " << n << ": " << parse_error_name(L.error);
  }
  EXPECT_TRUE(parse_nvgre(f.b.data(), f.b.size()).ok());
}

TEST(Parser, LargeSendZeroLengths) {
  Frame f = v4v4udp(100);
  f.set16(16, 0);  // outer total length 0
  f.set16(58, 0);  // inner total length 0
  EXPECT_EQ(parse_nvgre(f.b.data(), f.b.size()).error, ParseError::outer_ip_length_mismatch);
  ParseOptions lso;
  lso.large_send = true;
  NvgreLayout L = parse_nvgre(f.b.data(), f.b.size(), lso);
  ASSERT_TRUE(L.ok()) << parse_error_name(L.error);
  EXPECT_TRUE(L.outer.length_from_frame);
  EXPECT_TRUE(L.inner.length_from_frame);
  EXPECT_EQ(L.payload_len, 100u);

  // A derived length is bounded only by the capture: cutting such a frame inside its headers is
  // truncation of that header, and a cut in the payload still parses (the lengths say nothing).
  f.set16(80, 0);  // UDP length 0: derived too (USO super-packet)
  for (size_t n = 0; n <= f.b.size(); ++n) {
    std::unique_ptr<uint8_t[]> cut(new uint8_t[n ? n : 1]);
    std::memcpy(cut.get(), f.b.data(), n);
    NvgreLayout C = parse_nvgre(cut.get(), n, lso);
    EXPECT_EQ(C.error, v4v4udp_cut_error(n, ParseError::ok)) << "cut at " << n << ": " << parse_error_name(C.error);
    if (C.ok()) EXPECT_EQ(C.payload_len, n - 84) << n;
  }

  // A derived outer length no longer bounds the inner one: an inner length the capture does not
  // hold is still truncation (found by the parser fuzzer).
  Frame g = v4v4udp(100);
  g.set16(16, 0);
  g.set16(58, uint16_t(20 + 8 + 100 + 40));  // inner IP claims 40 bytes more than captured
  g.set16(80, 8 + 100);
  EXPECT_EQ(parse_nvgre(g.b.data(), g.b.size(), lso).error, ParseError::truncated_payload);
}

TEST(Parser, EveryErrorHasANameAndMessage) {
  for (int e = 0; e < static_cast<int>(ParseError::count_); ++e) {
    std::string name = parse_error_name(static_cast<ParseError>(e));
    EXPECT_NE(name, "unknown_error") << e;
    EXPECT_NE(std::string(parse_error_message(static_cast<ParseError>(e))), "unknown parse error") << e;
  }
}

}  // namespace
}  // namespace eb
