// build_nvgre: wire bytes checked field by field against the spec, checksums verified with an
// independent sum, option/extension-header bytes walked as TLVs, and a build-then-parse round
// trip over thousands of random specifications.
#include <gtest/gtest.h>

#include <set>

#include "datasets/generator.h"
#include "kernels/common/byteorder.h"
#include "tests/datasets/ds_test_util.h"

namespace eb {
namespace {

using test::be_word_sum;

void random_addr(Rng& r, uint8_t* a, IpVersion v) {
  r.fill(a, 16);
  if (v == IpVersion::v4) {
    a[0] = static_cast<uint8_t>(1 + r.below(223));  // unicast-looking
    for (int k = 4; k < 16; ++k) a[k] = 0;
  } else {
    a[0] = 0x20, a[1] = 0x01;
  }
}

void random_ext_chain(Rng& r, IpSpec& ip) {
  const uint64_t n = r.below(5);
  bool rt2 = false, hao = false;
  for (uint64_t i = 0; i < n; ++i) {
    Ip6ExtSpec e;
    const uint64_t kind = r.below(5);
    if (i == 0 && kind == 0) {
      e.type = kIp6HopByHop, e.len = 8 * static_cast<uint32_t>(1 + r.below(12));
    } else if (kind == 1) {
      e.type = kIp6Routing, e.routing_type = 0, e.len = 8 + 16 * static_cast<uint32_t>(r.below(4));
    } else if (kind == 2 && !rt2) {
      e.type = kIp6Routing, e.routing_type = 2, e.len = 24, rt2 = true;
      r.fill(e.home_address, 16);
    } else if (kind == 3 && !hao) {
      e.type = kIp6DestOpts, e.home_address_option = true, e.len = 24 + 8 * static_cast<uint32_t>(r.below(4)), hao = true;
      r.fill(e.home_address, 16);
    } else {
      e.type = kIp6DestOpts, e.len = 8 * static_cast<uint32_t>(1 + r.below(40));
    }
    e.fill = static_cast<uint8_t>(r.next());
    ip.ip6_ext.push_back(e);
  }
}

void random_ip(Rng& r, IpSpec& ip) {
  ip.version = r.chance(1, 2) ? IpVersion::v4 : IpVersion::v6;
  random_addr(r, ip.src, ip.version);
  random_addr(r, ip.dst, ip.version);
  ip.ttl = static_cast<uint8_t>(r.range(1, 255));
  ip.tos = static_cast<uint8_t>(r.next());
  ip.ipv4_id = static_cast<uint16_t>(r.next());
  ip.ipv4_dont_fragment = r.chance(1, 2);
  ip.ipv6_flow_label = static_cast<uint32_t>(r.below(1u << 20));
  ip.option_style = static_cast<OptionStyle>(r.below(3));
  if (ip.version == IpVersion::v4) ip.ipv4_options_len = 4 * static_cast<uint32_t>(r.below(11));
  else random_ext_chain(r, ip);
}

NvgreSpec random_spec(Rng& r) {
  NvgreSpec s;
  r.fill(s.outer_dst_mac, 6), r.fill(s.outer_src_mac, 6), r.fill(s.inner_dst_mac, 6), r.fill(s.inner_src_mac, 6);
  s.outer_vlan = r.chance(1, 3);
  s.outer_vlan_tci = static_cast<uint16_t>(r.next());
  random_ip(r, s.outer);
  random_ip(r, s.inner);
  s.gre_checksum = r.chance(1, 4);
  s.gre_seq = r.chance(1, 4);
  s.gre_seq_number = static_cast<uint32_t>(r.next());
  s.vsid = static_cast<uint32_t>(r.below(1u << 24));
  s.flow_id = static_cast<uint8_t>(r.next());
  s.l4 = r.chance(1, 2) ? L4Proto::tcp : L4Proto::udp;
  s.src_port = static_cast<uint16_t>(r.next());
  s.dst_port = static_cast<uint16_t>(r.next());
  s.tcp_seq = static_cast<uint32_t>(r.next());
  s.tcp_ack = static_cast<uint32_t>(r.next());
  s.tcp_flags = static_cast<uint8_t>(r.next());
  s.tcp_window = static_cast<uint16_t>(r.next());
  s.tcp_options_len = 4 * static_cast<uint32_t>(r.below(11));
  const uint64_t p = r.below(4);
  s.payload.resize(p == 0 ? 0 : p == 1 ? r.below(8) : p == 2 ? r.below(256) : r.below(3000));
  r.fill(s.payload.data(), s.payload.size());
  return s;
}

// Wire fields checked directly from the bytes, without the parser.
void expect_wire_fields(const std::vector<uint8_t>& b, const NvgreSpec& s) {
  const NvgreOffsets o = spec_offsets(s);
  ASSERT_EQ(b.size(), o.total);
  EXPECT_EQ(0, std::memcmp(b.data(), s.outer_dst_mac, 6));
  EXPECT_EQ(0, std::memcmp(b.data() + 6, s.outer_src_mac, 6));
  if (s.outer_vlan) {
    EXPECT_EQ(load_be16(&b[12]), 0x8100);
    EXPECT_EQ(load_be16(&b[14]), s.outer_vlan_tci);
  }
  EXPECT_EQ(load_be16(&b[o.outer_ip - 2]), s.outer.version == IpVersion::v4 ? 0x0800 : 0x86DD);
  auto check_ip = [&](const IpSpec& ip, uint32_t off, uint32_t len_after, uint8_t proto) {
    if (ip.version == IpVersion::v4) {
      EXPECT_EQ(b[off] >> 4, 4);
      EXPECT_EQ((b[off] & 0xF) * 4u, 20 + ip.ipv4_options_len);
      EXPECT_EQ(load_be16(&b[off + 2]), len_after);
      EXPECT_EQ(b[off + 9], proto);
      EXPECT_EQ(b[off + 8], ip.ttl);
      EXPECT_EQ(load_be16(&b[off + 4]), ip.ipv4_id);
      EXPECT_EQ((load_be16(&b[off + 6]) & 0x4000) != 0, ip.ipv4_dont_fragment);
      EXPECT_EQ(0, std::memcmp(&b[off + 12], ip.src, 4));
      EXPECT_EQ(0, std::memcmp(&b[off + 16], ip.dst, 4));
      EXPECT_TRUE(test::ipv4_header_ok(b, off)) << "IPv4 header checksum at " << off;
    } else {
      EXPECT_EQ(b[off] >> 4, 6);
      EXPECT_EQ(load_be32(&b[off]) & 0xFFFFF, ip.ipv6_flow_label & 0xFFFFF);
      EXPECT_EQ(load_be16(&b[off + 4]), len_after - 40);
      EXPECT_EQ(b[off + 7], ip.ttl);
      EXPECT_EQ(0, std::memcmp(&b[off + 8], ip.src, 16));
      EXPECT_EQ(0, std::memcmp(&b[off + 24], ip.dst, 16));
      // Next-header chain ends in `proto`.
      uint8_t nh = b[off + 6];
      uint32_t pos = off + 40;
      for (const auto& e : ip.ip6_ext) {
        EXPECT_EQ(nh, e.type);
        nh = b[pos];
        if (e.type != kIp6Fragment && e.type != kIp6AH) EXPECT_EQ((b[pos + 1] + 1u) * 8, e.len);
        pos += e.len;
      }
      EXPECT_EQ(nh, proto);
    }
  };
  check_ip(s.outer, o.outer_ip, o.total - o.outer_ip, kIpProtoGRE);
  // GRE: C, K, S, version 0, protocol 0x6558, key = VSID << 8 | FlowID.
  const uint16_t flags = load_be16(&b[o.gre]);
  EXPECT_EQ((flags & 0x8000) != 0, s.gre_checksum);
  EXPECT_EQ((flags & 0x2000) != 0, true);
  EXPECT_EQ((flags & 0x1000) != 0, s.gre_seq);
  EXPECT_EQ(flags & 0x4FFF, 0);
  EXPECT_EQ(load_be16(&b[o.gre + 2]), 0x6558);
  const uint32_t key_off = o.gre + 4 + (s.gre_checksum ? 4 : 0);
  EXPECT_EQ(load_be32(&b[key_off]), (s.vsid << 8) | s.flow_id);
  if (s.gre_seq) EXPECT_EQ(load_be32(&b[key_off + 4]), s.gre_seq_number);
  if (s.gre_checksum) {
    EXPECT_TRUE(test::gre_checksum_ok(b, s));
    EXPECT_EQ(load_be16(&b[o.gre + 6]), 0);  // reserved1
  }
  EXPECT_EQ(0, std::memcmp(&b[o.inner_eth], s.inner_dst_mac, 6));
  EXPECT_EQ(0, std::memcmp(&b[o.inner_eth + 6], s.inner_src_mac, 6));
  EXPECT_EQ(load_be16(&b[o.inner_ip - 2]), s.inner.version == IpVersion::v4 ? 0x0800 : 0x86DD);
  check_ip(s.inner, o.inner_ip, o.total - o.inner_ip, s.l4 == L4Proto::tcp ? 6 : 17);
  EXPECT_EQ(load_be16(&b[o.l4]), s.src_port);
  EXPECT_EQ(load_be16(&b[o.l4 + 2]), s.dst_port);
  if (s.l4 == L4Proto::tcp) {
    EXPECT_EQ(load_be32(&b[o.l4 + 4]), s.tcp_seq);
    EXPECT_EQ(load_be32(&b[o.l4 + 8]), s.tcp_ack);
    EXPECT_EQ((b[o.l4 + 12] >> 4) * 4u, 20 + s.tcp_options_len);
    EXPECT_EQ(b[o.l4 + 13], s.tcp_flags);
    EXPECT_EQ(load_be16(&b[o.l4 + 14]), s.tcp_window);
  } else {
    EXPECT_EQ(load_be16(&b[o.l4 + 4]), o.total - o.l4);
    EXPECT_NE(load_be16(&b[o.l4 + 6]), 0);
  }
  EXPECT_TRUE(test::l4_checksum_ok(b, s)) << "L4 checksum";
  if (!s.payload.empty()) EXPECT_EQ(0, std::memcmp(&b[o.header_size], s.payload.data(), s.payload.size()));
}

TEST(Builder, MinimumHeaderSizesMatchTheReferenceNotes) {
  // docs/nvgre-offload.md, "Header size": IPv4/IPv4/UDP 84, IPv4/IPv4/TCP 96, IPv6/IPv6/TCP 136.
  NvgreSpec s;
  s.outer.version = s.inner.version = IpVersion::v4;
  s.l4 = L4Proto::udp;
  EXPECT_EQ(nvgre_header_size(s), 84u);
  s.l4 = L4Proto::tcp;
  EXPECT_EQ(nvgre_header_size(s), 96u);
  s.outer.version = s.inner.version = IpVersion::v6;
  EXPECT_EQ(nvgre_header_size(s), 136u);
  EXPECT_EQ(build_nvgre(s).size(), 136u);
  s.outer_vlan = true, s.gre_checksum = true, s.gre_seq = true, s.tcp_options_len = 12;
  EXPECT_EQ(nvgre_header_size(s), 136u + 4 + 8 + 12);
}

TEST(Builder, RandomSpecsRoundTripThroughTheParser) {
  Rng r(20240601);
  int hao = 0, rt2 = 0, gre_c = 0, v6v4 = 0;
  for (int i = 0; i < 4000; ++i) {
    const NvgreSpec s = random_spec(r);
    const auto b = build_nvgre(s);
    const std::string ctx = "spec #" + std::to_string(i);
    SCOPED_TRACE(ctx);
    ASSERT_EQ(b.size(), nvgre_header_size(s) + s.payload.size());
    expect_wire_fields(b, s);
    test::expect_layout_matches(parse_nvgre(b.data(), b.size()), s, b.size(), ctx);
    if (::testing::Test::HasFailure()) return;
    for (const auto& e : s.inner.ip6_ext) hao += e.home_address_option, rt2 += e.routing_type == 2 && e.type == kIp6Routing;
    gre_c += s.gre_checksum;
    v6v4 += s.outer.version == IpVersion::v6 && s.inner.version == IpVersion::v4;
  }
  // The random specs really exercised the rare paths.
  EXPECT_GT(hao, 100);
  EXPECT_GT(rt2, 100);
  EXPECT_GT(gre_c, 500);
  EXPECT_GT(v6v4, 500);
}

TEST(Builder, EachCorruptSwitchBreaksExactlyItsChecksum) {
  Rng r(7);
  for (int i = 0; i < 400; ++i) {
    NvgreSpec s = random_spec(r);
    s.outer.version = IpVersion::v4, s.outer.ip6_ext.clear();
    s.gre_checksum = true;
    const int which = i % 4;
    s.corrupt_outer_ip_checksum = which == 0;
    s.corrupt_inner_ip_checksum = which == 1 && s.inner.version == IpVersion::v4;
    s.corrupt_l4_checksum = which == 2;
    s.corrupt_gre_checksum = which == 3;
    const auto b = build_nvgre(s);
    const NvgreOffsets o = spec_offsets(s);
    EXPECT_EQ(test::ipv4_header_ok(b, o.outer_ip), !s.corrupt_outer_ip_checksum);
    if (s.inner.version == IpVersion::v4) EXPECT_EQ(test::ipv4_header_ok(b, o.inner_ip), !s.corrupt_inner_ip_checksum);
    EXPECT_EQ(test::l4_checksum_ok(b, s), !s.corrupt_l4_checksum);
    // The GRE checksum covers the inner frame: it stays valid over the corrupt inner bytes.
    EXPECT_EQ(test::gre_checksum_ok(b, s), !s.corrupt_gre_checksum);
    if (s.l4 == L4Proto::udp) EXPECT_NE(load_be16(&b[o.l4 + 6]), 0) << "a corrupt UDP checksum must not read as 'none'";
    // Corruption never changes what the parser sees.
    test::expect_layout_matches(parse_nvgre(b.data(), b.size()), s, b.size(), "corrupt");
  }
}

TEST(Builder, UdpChecksumThatComputesToZeroIsSentAsFFFF) {
  // Vary the last two payload bytes over all 65536 values: exactly the value that makes the
  // sum 0xFFFF (computed checksum 0) must be written as 0xFFFF, and 0 is never written.
  NvgreSpec s;
  s.l4 = L4Proto::udp;
  s.outer.src[0] = 10, s.inner.src[0] = 192, s.inner.dst[0] = 198;
  s.payload = {1, 2, 3, 4, 0, 0};
  int ffff = 0;
  for (uint32_t w = 0; w < 65536; ++w) {
    s.payload[4] = static_cast<uint8_t>(w >> 8), s.payload[5] = static_cast<uint8_t>(w);
    const auto b = build_nvgre(s);
    const uint32_t off = spec_offsets(s).l4;
    const uint16_t c = load_be16(&b[off + 6]);
    ASSERT_NE(c, 0) << w;
    ASSERT_TRUE(test::l4_checksum_ok(b, s)) << w;
    ffff += c == 0xFFFF;
  }
  EXPECT_GE(ffff, 1);
  s.zero_udp_checksum = true;
  const auto b = build_nvgre(s);
  EXPECT_EQ(load_be16(&b[spec_offsets(s).l4 + 6]), 0);
}

TEST(Builder, PseudoHeaderSeedIsTheLengthZeroPseudoSum) {
  NvgreSpec s;
  s.inner.version = IpVersion::v6;
  for (int k = 0; k < 16; ++k) s.inner.src[k] = static_cast<uint8_t>(k * 3), s.inner.dst[k] = static_cast<uint8_t>(200 - k);
  s.payload.assign(1000, 0xAB);
  s.l4_checksum_pseudo_seed = true;
  const auto b = build_nvgre(s);
  const uint32_t want = be_word_sum(s.inner.src, 16, be_word_sum(s.inner.dst, 16) + 6);
  EXPECT_EQ(load_be16(&b[spec_offsets(s).l4 + 16]), want);
}

TEST(Builder, LargeSendWritesZeroLengthsOnlyWhereTheyOverflow) {
  for (IpVersion ov : {IpVersion::v4, IpVersion::v6})
    for (IpVersion iv : {IpVersion::v4, IpVersion::v6}) {
      NvgreSpec s;
      s.outer.version = ov, s.inner.version = iv;
      s.tcp_options_len = 12;
      s.payload.assign(65536, 0x5A);
      EXPECT_THROW(build_nvgre(s), std::invalid_argument);
      s.large_send = true;
      const auto b = build_nvgre(s);
      const NvgreOffsets o = spec_offsets(s);
      EXPECT_EQ(load_be16(&b[o.outer_ip + (ov == IpVersion::v4 ? 2 : 4)]), 0);
      EXPECT_EQ(load_be16(&b[o.inner_ip + (iv == IpVersion::v4 ? 2 : 4)]), 0);
      EXPECT_TRUE(test::l4_checksum_ok(b, s));
      EXPECT_EQ(parse_nvgre(b.data(), b.size()).ok(), false) << "0 lengths are errors outside large-send mode";
      ParseOptions lso;
      lso.large_send = true;
      const NvgreLayout L = parse_nvgre(b.data(), b.size(), lso);
      test::expect_layout_matches(L, s, b.size(), "large send");
      EXPECT_TRUE(L.outer.length_from_frame);
      EXPECT_TRUE(L.inner.length_from_frame);
      // A payload that fits leaves the real lengths in place even with large_send set.
      s.payload.assign(60000, 1);
      const auto c = build_nvgre(s);
      EXPECT_EQ(load_be16(&c[o.inner_ip + (iv == IpVersion::v4 ? 2 : 4)]),
                (iv == IpVersion::v4 ? o.inner_ip_len : o.inner_ip_len - 40) + 32 + 60000);
    }
}

TEST(Builder, RejectsSpecsItCannotEncode) {
  auto expect_bad = [](auto mutate) {
    NvgreSpec s;
    mutate(s);
    EXPECT_THROW(build_nvgre(s), std::invalid_argument);
    EXPECT_THROW(nvgre_header_size(s), std::invalid_argument);
  };
  expect_bad([](NvgreSpec& s) { s.outer.ipv4_options_len = 6; });
  expect_bad([](NvgreSpec& s) { s.inner.ipv4_options_len = 44; });
  expect_bad([](NvgreSpec& s) { s.tcp_options_len = 41; });
  expect_bad([](NvgreSpec& s) { s.inner.version = IpVersion::v6, s.inner.ip6_ext = {Ip6ExtSpec{kIp6DestOpts, 12}}; });
  expect_bad([](NvgreSpec& s) { s.inner.version = IpVersion::v6, s.inner.ip6_ext = {Ip6ExtSpec{kIp6Routing, 16}}; });
  expect_bad([](NvgreSpec& s) {
    s.inner.version = IpVersion::v6;
    Ip6ExtSpec e{kIp6Routing, 32};
    e.routing_type = 2;
    s.inner.ip6_ext = {e};
  });
  expect_bad([](NvgreSpec& s) {
    s.outer.version = IpVersion::v6;
    Ip6ExtSpec e{kIp6DestOpts, 16};
    e.home_address_option = true;
    s.outer.ip6_ext = {e};
  });
  expect_bad([](NvgreSpec& s) { s.inner.version = IpVersion::none; });
  expect_bad([](NvgreSpec& s) { s.l4 = L4Proto::none; });
  NvgreSpec s;
  s.vsid = 1u << 24;
  EXPECT_THROW(build_nvgre(s), std::invalid_argument);
}

// An option area walked to exactly its end. IPv4 (RFC 791) and TCP (RFC 9293) share the
// format: kind 0 (EOL) ends it and the rest must be zero padding, kind 1 (NOP) is one byte,
// every other option is kind, length (>= 2), value. check(kind, length, offset) judges each.
template <typename Check>
void walk_options(const uint8_t* p, uint32_t len, std::multiset<int>& kinds, Check check) {
  uint32_t i = 0;
  while (i < len) {
    const uint8_t t = p[i];
    kinds.insert(t);
    if (t == 0) {
      for (uint32_t k = i; k < len; ++k) ASSERT_EQ(p[k], 0);
      return;
    }
    if (t == 1) {
      ++i;
      continue;
    }
    ASSERT_LE(i + 2, len);
    const uint8_t l = p[i + 1];
    ASSERT_GE(l, 2);
    ASSERT_LE(i + l, len);
    check(t, l, i);
    i += l;
  }
}

void walk_ipv4_options(const uint8_t* p, uint32_t len, std::multiset<int>& kinds) {
  walk_options(p, len, kinds, [p](uint8_t t, uint8_t l, uint32_t i) {
    if (t == 7) {  // Record Route, empty
      EXPECT_EQ((l - 3) % 4, 0);
      EXPECT_EQ(p[i + 2], 4);
    } else if (t == 0x44) {  // Timestamp, empty
      EXPECT_EQ(l % 4, 0);
      EXPECT_EQ(p[i + 2], 5);
    } else if (t == 0x94) {  // Router Alert
      EXPECT_EQ(l, 4);
    } else {
      ADD_FAILURE() << "unexpected IPv4 option " << int(t);
    }
  });
}

// TCP option kinds and lengths per RFC 9293 / 7323 / 2018.
void walk_tcp_options(const uint8_t* p, uint32_t len, std::multiset<int>& kinds) {
  walk_options(p, len, kinds, [](uint8_t k, uint8_t l, uint32_t i) {
    switch (k) {
      case 2: EXPECT_EQ(l, 4); break;
      case 3: EXPECT_EQ(l, 3); break;
      case 4: EXPECT_EQ(l, 2); break;
      case 5:
        EXPECT_EQ((l - 2) % 8, 0);
        EXPECT_GE(l, 10);
        break;
      case 8:
        EXPECT_EQ(l, 10);
        EXPECT_EQ(i % 4, 2u) << "timestamps are NOP-aligned";
        break;
      default: ADD_FAILURE() << "unexpected TCP option " << int(k);
    }
  });
}

TEST(Builder, OptionBytesAreWellFormedForEveryLengthAndStyle) {
  std::multiset<int> ip_kinds, tcp_kinds;
  for (uint32_t len = 0; len <= 40; len += 4)
    for (OptionStyle st : {OptionStyle::realistic, OptionStyle::nop, OptionStyle::timestamp}) {
      NvgreSpec s;
      s.outer.ipv4_options_len = s.inner.ipv4_options_len = s.tcp_options_len = len;
      s.outer.option_style = s.inner.option_style = st;
      const auto b = build_nvgre(s);
      const NvgreOffsets o = spec_offsets(s);
      SCOPED_TRACE("len " + std::to_string(len) + " style " + std::to_string(int(st)));
      walk_ipv4_options(&b[o.outer_ip + 20], len, ip_kinds);
      walk_ipv4_options(&b[o.inner_ip + 20], len, ip_kinds);
      walk_tcp_options(&b[o.l4 + 20], len, tcp_kinds);
    }
  for (int k : {0, 1, 7, 0x44, 0x94}) EXPECT_GT(ip_kinds.count(k), 0u) << "IPv4 option " << k;
  for (int k : {1, 2, 3, 4, 5, 8}) EXPECT_GT(tcp_kinds.count(k), 0u) << "TCP option " << k;
}

TEST(Builder, Ipv6ExtensionHeadersAreWellFormed) {
  // Options areas of hop-by-hop / destination options: a TLV walk that fills them exactly,
  // PadN never longer than 5 data bytes, the Home Address option at 8n+6 (RFC 6275 §6.3).
  int hao_seen = 0;
  for (uint32_t len = 8; len <= 1024; len += 8)
    for (bool hao : {false, true}) {
      if (hao && len < 24) continue;
      NvgreSpec s;
      s.inner.version = IpVersion::v6;
      Ip6ExtSpec e{hao ? kIp6DestOpts : (len % 16 ? kIp6HopByHop : kIp6DestOpts), len};
      e.home_address_option = hao;
      for (int k = 0; k < 16; ++k) e.home_address[k] = static_cast<uint8_t>(0xA0 + k);
      s.inner.ip6_ext = {e};
      const auto b = build_nvgre(s);
      const uint8_t* h = &b[spec_offsets(s).inner_ip + 40];
      ASSERT_EQ((h[1] + 1u) * 8, len);
      uint32_t i = 2;
      while (i < len) {
        const uint8_t t = h[i];
        if (t == 0) {
          ++i;
          continue;
        }
        ASSERT_LE(i + 2, len);
        const uint32_t l = h[i + 1];
        ASSERT_LE(i + 2 + l, len);
        if (t == 1) EXPECT_LE(l, 5u);
        else if (t == 0xC9) {
          EXPECT_EQ(l, 16u);
          EXPECT_EQ(i % 8, 6u);
          EXPECT_EQ(0, std::memcmp(h + i + 2, e.home_address, 16));
          ++hao_seen;
        } else EXPECT_EQ(t, 0x1E) << "only padding, the RFC 4727 experimental option or HAO";
        i += 2 + l;
      }
      EXPECT_EQ(i, len);
    }
  EXPECT_GT(hao_seen, 100);
}

TEST(Builder, RoutingHeadersCarryTheirAddresses) {
  NvgreSpec s;
  s.inner.version = IpVersion::v6;
  Ip6ExtSpec r0{kIp6Routing, 56};
  Ip6ExtSpec r2{kIp6Routing, 24};
  r2.routing_type = 2;
  for (int k = 0; k < 16; ++k) r2.home_address[k] = static_cast<uint8_t>(k + 1);
  s.inner.ip6_ext = {r0, r2};
  const auto b = build_nvgre(s);
  const uint8_t* h0 = &b[spec_offsets(s).inner_ip + 40];
  EXPECT_EQ(h0[0], kIp6Routing);
  EXPECT_EQ(h0[1], 6);  // 3 addresses
  EXPECT_EQ(h0[2], 0);
  EXPECT_EQ(h0[3], 0);  // segments left 0: the IPv6 destination is final
  const uint8_t* h2 = h0 + 56;
  EXPECT_EQ(h2[1], 2);
  EXPECT_EQ(h2[2], 2);
  EXPECT_EQ(h2[3], 1);  // RFC 6275 §6.4: segments left 1
  EXPECT_EQ(0, std::memcmp(h2 + 8, r2.home_address, 16));
  // And the TCP checksum is over the home address, not the IPv6 destination.
  EXPECT_TRUE(test::l4_checksum_ok(b, s));
  NvgreSpec plain = s;
  plain.inner.ip6_ext[1].routing_type = 0;  // not final any more
  plain.inner.ip6_ext[1].len = 24;
  EXPECT_FALSE(test::l4_checksum_ok(b, plain)) << "the pseudo-header destination must matter";
}

}  // namespace
}  // namespace eb
