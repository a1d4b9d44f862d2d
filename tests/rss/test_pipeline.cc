// The receive-steering pipeline: Microsoft's vectors through whole NVGRE packets (inner 4-tuple,
// inner 2-tuple, outer 2-tuple fallback, IPv6 EX addresses), hash type selection, indirection,
// VMQ, and the corpus batch paths and the receive-burst path against the one-packet path for every
// implementation and generator preset.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/caps.h"
#include "kernels/packet/nvgre.h"
#include "kernels/rss/pipeline.h"
#include "tests/rss/rss_test_util.h"

namespace eb {
namespace {

void set_addr(uint8_t* dst, const char* text, bool v6) {
  const auto b = test::addr_bytes(text, v6);
  std::memcpy(dst, b.data(), b.size());
}

// An NVGRE packet whose inner headers carry the vector's tuple.
NvgreSpec vector_spec(const test::RssVector& v, bool v6, IpVersion outer, L4Proto l4) {
  NvgreSpec s;
  s.outer.version = outer;
  set_addr(s.outer.src, outer == IpVersion::v6 ? "2001:db8::1" : "192.0.2.1", outer == IpVersion::v6);
  set_addr(s.outer.dst, outer == IpVersion::v6 ? "2001:db8::2" : "192.0.2.2", outer == IpVersion::v6);
  s.inner.version = v6 ? IpVersion::v6 : IpVersion::v4;
  set_addr(s.inner.src, v.src, v6);
  set_addr(s.inner.dst, v.dst, v6);
  s.l4 = l4;
  s.src_port = v.src_port;
  s.dst_port = v.dst_port;
  s.payload.assign(32, 0xab);
  return s;
}

std::unique_ptr<RssPipeline> make(uint32_t types, const std::string& impl = {}, const uint8_t* key = kMicrosoftRssKey) {
  RssConfig cfg;
  cfg.key.assign(key, key + 40);
  cfg.hash_types = types;
  cfg.impl = impl;
  std::string err;
  auto p = RssPipeline::create(cfg, &err);
  EXPECT_TRUE(p) << err;
  return p;
}

// Every field of two results (hash, type, queue, VMQ queue, flags, tuple length).
::testing::AssertionResult same_result(const RssResult& got, const RssResult& want) {
  if (got.hash == want.hash && got.type == want.type && got.queue == want.queue && got.vmq_queue == want.vmq_queue &&
      got.flags == want.flags && got.tuple_len == want.tuple_len)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got hash " << got.hash << " type " << got.type << " queue " << got.queue
                                       << " vmq " << got.vmq_queue << " flags " << int{got.flags} << " len "
                                       << int{got.tuple_len} << ", steer_one: hash " << want.hash << " type "
                                       << want.type << " queue " << want.queue << " vmq " << want.vmq_queue
                                       << " flags " << int{want.flags} << " len " << int{want.tuple_len};
}

// A receive burst as the rxpath benchmark runs it: each frame parsed into a temporary layout
// (gone before the burst is hashed) and staged with burst_add(), bursts of `burst` packets.
void steer_bursts(RssPipeline& p, const Corpus& c, size_t burst, RssResult* out) {
  for (size_t first = 0; first < c.size(); first += burst) {
    const size_t m = std::min(burst, c.size() - first);
    for (size_t k = 0; k < m; ++k) {
      const NvgreLayout layout = parse_nvgre(c.data(first + k), c[first + k].length);
      p.burst_add(c.data(first + k), layout, out + first + k);
    }
    p.burst_end();
  }
}

// Every entry point (one packet; corpus batch with stored layouts; corpus batch parsing; caller's
// layouts; receive bursts) against steer_one, every field.
std::vector<RssResult> steer_all_ways(RssPipeline& p, const std::vector<std::vector<uint8_t>>& frames) {
  Corpus c;
  for (const auto& f : frames) c.add(f);
  std::vector<RssResult> one, batch(c.size()), parsed(c.size()), given(c.size()), burst(c.size());
  std::vector<NvgreLayout> layouts;
  for (size_t i = 0; i < c.size(); ++i) {
    one.push_back(p.steer_one(c.data(i), c[i].layout));
    layouts.push_back(c[i].layout);
  }
  p.steer(c, 0, c.size(), batch.data());
  p.steer_parse(c, 0, c.size(), parsed.data());
  p.steer_layouts(c, 0, c.size(), layouts.data(), given.data());
  steer_bursts(p, c, 3, burst.data());
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_TRUE(same_result(batch[i], one[i])) << "steer, packet " << i;
    EXPECT_TRUE(same_result(parsed[i], one[i])) << "steer_parse, packet " << i;
    EXPECT_TRUE(same_result(given[i], one[i])) << "steer_layouts, packet " << i;
    EXPECT_TRUE(same_result(burst[i], one[i])) << "burst_add, packet " << i;
  }
  return one;
}

std::vector<std::string> supported_impls() {
  std::vector<std::string> n;
  for (const auto& r : toeplitz_impls())
    if (r.info.supported()) n.push_back(r.info.name);
  return n;
}

TEST(RssPipeline, MicrosoftVectorsInsideNvgreEveryImpl) {
  for (const auto& impl : supported_impls()) {
    SCOPED_TRACE(impl);
    for (bool v6 : {false, true}) {
      const auto& vs = v6 ? test::ipv6_vectors() : test::ipv4_vectors();
      for (IpVersion outer : {IpVersion::v4, IpVersion::v6})
        for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp}) {
          std::vector<std::vector<uint8_t>> frames;
          for (const auto& v : vs) frames.push_back(build_nvgre(vector_spec(v, v6, outer, l4)));
          // 4-tuple types (EX enabled too: no EX headers, so the header's own addresses).
          auto p4 = make(kRssHashAll, impl);
          auto r = steer_all_ways(*p4, frames);
          for (size_t i = 0; i < vs.size(); ++i) {
            EXPECT_EQ(r[i].hash, vs[i].hash_ports) << vs[i].src;
            EXPECT_EQ(r[i].type, v6 ? (l4 == L4Proto::tcp ? kRssHashTcpIPv6Ex : kRssHashUdpIPv6Ex)
                                    : (l4 == L4Proto::tcp ? kRssHashTcpIPv4 : kRssHashUdpIPv4));
            EXPECT_EQ(r[i].flags, 0);
            EXPECT_EQ(r[i].queue, p4->queue_of(vs[i].hash_ports));
          }
          // Only the 2-tuple types: the inner addresses.
          auto p2 = make(kRssHashIPv4 | kRssHashIPv6, impl);
          r = steer_all_ways(*p2, frames);
          for (size_t i = 0; i < vs.size(); ++i) {
            EXPECT_EQ(r[i].hash, vs[i].hash_ip) << vs[i].src;
            EXPECT_EQ(r[i].type, v6 ? kRssHashIPv6 : kRssHashIPv4);
          }
        }
    }
  }
}

// Inner L4 not parseable: the outer addresses are hashed. The vectors' addresses go in the outer
// header, so the expected hash is the published 2-tuple value.
TEST(RssPipeline, OuterTwoTupleFallback) {
  auto p = make(kRssHashAll);
  for (bool v6 : {false, true})
    for (const auto& v : v6 ? test::ipv6_vectors() : test::ipv4_vectors()) {
      NvgreSpec s;
      s.outer.version = v6 ? IpVersion::v6 : IpVersion::v4;
      set_addr(s.outer.src, v.src, v6);
      set_addr(s.outer.dst, v.dst, v6);
      s.inner.version = IpVersion::v4;
      set_addr(s.inner.src, "10.0.0.1", false);
      set_addr(s.inner.dst, "10.0.0.2", false);
      s.payload.assign(20, 1);
      const auto good = build_nvgre(s);
      const NvgreLayout gl = parse_nvgre(good);
      ASSERT_TRUE(gl.ok());
      std::vector<std::vector<uint8_t>> frames;
      // ARP inside: not IP, the outer pair.
      auto arp = good;
      store_be16(arp.data() + gl.inner_eth_offset + 12, 0x0806);
      frames.push_back(arp);
      // An outer fragment: the outer pair.
      if (!v6) {
        auto frag = good;
        store_be16(frag.data() + gl.outer.offset + 6, 0x2000);
        frames.push_back(frag);
      }
      // Cut inside the inner TCP header: truncated_l4.
      frames.emplace_back(good.begin(), good.begin() + gl.l4_offset + 10);
      auto r = steer_all_ways(*p, frames);
      for (size_t i = 0; i < r.size(); ++i) {
        EXPECT_EQ(r[i].hash, v.hash_ip) << v.src << " case " << i;
        EXPECT_EQ(r[i].type, v6 ? kRssHashIPv6Ex : kRssHashIPv4) << i;
        EXPECT_EQ(r[i].flags & kRssFromOuter, kRssFromOuter) << i;
      }
      // Outer-only configuration when the inner type is not enabled: inner IPv4/TCP with only IPv6
      // enabled falls back to the outer IPv6 pair.
      if (v6) {
        auto p6 = make(kRssHashIPv6);
        auto r6 = steer_all_ways(*p6, {good});
        EXPECT_EQ(r6[0].hash, v.hash_ip);
        EXPECT_EQ(r6[0].flags, kRssFromOuter);
      }
    }
}

// Inner IP that is not TCP/UDP (ICMP, ICMPv6, no next header) and inner fragments hash the
// inner IP 2-tuple (NDIS_HASH_IPV4 / IPV6), the published 2-tuple vectors.
TEST(RssPipeline, InnerTwoTupleForOtherProtocolsAndInnerFragments) {
  auto p = make(kRssHashDefault);
  for (bool v6 : {false, true})
    for (const auto& v : v6 ? test::ipv6_vectors() : test::ipv4_vectors()) {
      NvgreSpec s = vector_spec(v, v6, IpVersion::v4, L4Proto::udp);
      s.payload.assign(40, 3);
      const auto good = build_nvgre(s);
      const NvgreLayout gl = parse_nvgre(good);
      ASSERT_TRUE(gl.ok());
      std::vector<std::vector<uint8_t>> frames;
      auto other = good;  // ICMP / ICMPv6
      other[gl.inner.offset + (v6 ? 6 : 9)] = v6 ? kIpProtoICMPv6 : kIpProtoICMP;
      frames.push_back(other);
      if (v6) {
        auto none = good;  // no next header
        none[gl.inner.offset + 6] = kIp6NoNext;
        frames.push_back(none);
      } else {
        auto frag = good;  // inner IPv4 fragment (MF)
        store_be16(frag.data() + gl.inner.offset + 6, 0x2000);
        frames.push_back(frag);
      }
      auto r = steer_all_ways(*p, frames);
      for (size_t i = 0; i < r.size(); ++i) {
        EXPECT_EQ(r[i].hash, v.hash_ip) << v.src << " case " << i;
        EXPECT_EQ(r[i].type, v6 ? kRssHashIPv6 : kRssHashIPv4) << i;
        EXPECT_EQ(r[i].flags & kRssFromOuter, 0) << i;
      }
    }
}

// `offload` says what RSS and VMQ do: rss not_parseable exactly when the pipeline does not hash
// (with every hash type enabled), vmq unable exactly when there is no key to look up.
TEST(RssPipeline, OffloadEligibilityAgreesWithSteering) {
  std::string err;
  const auto full = caps_from_string("full", &err);
  ASSERT_TRUE(full) << err;
  RssConfig cfg;
  cfg.hash_types = kRssHashAll;
  cfg.vmq.push_back(VmqFilter{});  // any filter: the lookup happens whenever the key is there
  auto p = RssPipeline::create(cfg, &err);
  ASSERT_TRUE(p) << err;
  size_t n = 0;
  for (const char* preset : {"link", "malformed", "mixed"}) {
    GeneratorConfig g;
    g.preset = preset;
    g.packets = 200;
    const Corpus c = generate_corpus(g);
    for (size_t k = 0; k < c.size(); ++k, ++n) {
      const NvgreLayout& L = c[k].layout;
      const RssResult r = p->steer_one(c.data(k), L);
      const Eligibility rss = offload_eligibility(*full, Offload::rss, L);
      const Eligibility vmq = offload_eligibility(*full, Offload::vmq, L);
      EXPECT_EQ(rss == Eligibility::not_parseable, r.type == kRssHashNone) << preset << " " << c[k].label;
      // Without the key the NIC cannot classify (not_parseable, or an outer fragment); with it,
      // only the profile can say no (versions, header size).
      EXPECT_EQ(vmq == Eligibility::not_parseable || vmq == Eligibility::fragment, !vmq_key_present(L))
          << preset << " " << c[k].label;
      if (vmq_key_present(L) && L.header_size <= full->max_header_size) EXPECT_EQ(vmq, Eligibility::offload) << c[k].label;
      if (L.ok() && !L.inner_ip()) EXPECT_EQ(r.flags & kRssFromOuter, kRssFromOuter) << c[k].label;  // ARP, ...
    }
  }
  EXPECT_EQ(n, 600u);
}

TEST(RssPipeline, NotNvgreIsNotHashed) {
  auto p = make(kRssHashAll);
  NvgreSpec s = vector_spec(test::ipv4_vectors()[0], false, IpVersion::v4, L4Proto::tcp);
  auto f = build_nvgre(s);
  const NvgreLayout l = parse_nvgre(f);
  std::vector<std::vector<uint8_t>> frames;
  auto not_gre = f;
  not_gre[l.outer.offset + 9] = 6;  // outer protocol TCP: outer_not_gre
  frames.push_back(not_gre);
  auto bad_proto = f;
  store_be16(bad_proto.data() + l.gre_offset + 2, 0x0800);  // GRE carrying IPv4, not NVGRE
  frames.push_back(bad_proto);
  frames.emplace_back(f.begin(), f.begin() + 20);  // truncated in the outer IP header
  auto r = steer_all_ways(*p, frames);
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].type, kRssHashNone) << i;
    EXPECT_EQ(r[i].tuple_len, 0) << i;
    EXPECT_EQ(r[i].queue, 0) << i;
  }
  EXPECT_EQ(p->steer_one(f.data(), parse_nvgre(f)).type, kRssHashTcpIPv4);  // the unbroken one is
}

// IPv6 EX: the Home Address option's address replaces the source and the type-2 routing
// header's address the destination, only when an EX type is enabled.
TEST(RssPipeline, Ipv6ExAddresses) {
  for (const auto& v : test::ipv6_vectors())
    for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp}) {
      NvgreSpec s = vector_spec(v, true, IpVersion::v4, l4);
      // The header's own addresses are something else; the EX headers carry the vector's.
      set_addr(s.inner.src, "2001:db8:aaaa::1", true);
      set_addr(s.inner.dst, "2001:db8:bbbb::2", true);
      Ip6ExtSpec dopt;
      dopt.type = kIp6DestOpts;
      dopt.len = 24;
      dopt.home_address_option = true;
      set_addr(dopt.home_address, v.src, true);
      Ip6ExtSpec rt2;
      rt2.type = kIp6Routing;
      rt2.len = 24;
      rt2.routing_type = 2;
      set_addr(rt2.home_address, v.dst, true);
      s.inner.ip6_ext = {rt2, dopt};
      const auto f = build_nvgre(s);
      const NvgreLayout l = parse_nvgre(f);
      ASSERT_TRUE(l.ok()) << parse_error_name(l.error);
      ASSERT_NE(l.inner.ip6_home_addr_offset, 0u);
      ASSERT_NE(l.inner.ip6_rt2_addr_offset, 0u);
      const bool tcp = l4 == L4Proto::tcp;

      auto ex4 = make(kRssHashAll);
      auto r = steer_all_ways(*ex4, {f});
      EXPECT_EQ(r[0].hash, v.hash_ports);
      EXPECT_EQ(r[0].type, tcp ? kRssHashTcpIPv6Ex : kRssHashUdpIPv6Ex);
      EXPECT_EQ(r[0].flags, kRssExSrc | kRssExDst);

      auto ex2 = make(kRssHashIPv6Ex | kRssHashIPv6);
      r = steer_all_ways(*ex2, {f});
      EXPECT_EQ(r[0].hash, v.hash_ip);
      EXPECT_EQ(r[0].type, kRssHashIPv6Ex);

      // Without EX types the header's own addresses are hashed, not the vector's.
      auto plain = make(kRssHashDefault);
      r = steer_all_ways(*plain, {f});
      EXPECT_EQ(r[0].type, tcp ? kRssHashTcpIPv6 : kRssHashUdpIPv6);
      EXPECT_EQ(r[0].flags, 0);
      EXPECT_NE(r[0].hash, v.hash_ports);
      test::RssVector own = v;
      own.src = "2001:db8:aaaa::1";
      own.dst = "2001:db8:bbbb::2";
      const auto t = test::vector_tuple(own, true, true);
      EXPECT_EQ(r[0].hash, toeplitz_hash_reference(kMicrosoftRssKey, 40, t.data(), t.size()));
    }
}

TEST(RssPipeline, HashTypeSelection) {
  struct Case {
    uint32_t enabled;
    IpVersion inner;
    L4Proto l4;
    uint32_t want;
  };
  const Case cases[] = {
      {kRssHashAll, IpVersion::v4, L4Proto::tcp, kRssHashTcpIPv4},
      {kRssHashAll, IpVersion::v4, L4Proto::udp, kRssHashUdpIPv4},
      {kRssHashTcpIPv4 | kRssHashIPv4, IpVersion::v4, L4Proto::udp, kRssHashIPv4},
      {kRssHashUdpIPv4, IpVersion::v4, L4Proto::tcp, kRssHashNone},  // outer is IPv6 below, IPv6 not enabled
      {kRssHashAll, IpVersion::v6, L4Proto::tcp, kRssHashTcpIPv6Ex},
      {kRssHashDefault, IpVersion::v6, L4Proto::tcp, kRssHashTcpIPv6},
      {kRssHashDefault, IpVersion::v6, L4Proto::udp, kRssHashUdpIPv6},
      {kRssHashTcpIPv6 | kRssHashIPv6Ex, IpVersion::v6, L4Proto::udp, kRssHashIPv6Ex},
      {kRssHashIPv6, IpVersion::v6, L4Proto::udp, kRssHashIPv6},
      {kRssHashIPv4, IpVersion::v6, L4Proto::tcp, kRssHashNone},
      {0, IpVersion::v4, L4Proto::tcp, kRssHashNone},
  };
  for (const auto& c : cases) {
    NvgreSpec s;
    s.outer.version = IpVersion::v6;
    s.inner.version = c.inner;
    s.l4 = c.l4;
    const auto f = build_nvgre(s);
    RssConfig cfg;
    cfg.hash_types = c.enabled;
    std::string err;
    auto p = RssPipeline::create(cfg, &err);
    ASSERT_TRUE(p) << err;
    const RssResult r = p->steer_one(f.data(), parse_nvgre(f));
    EXPECT_EQ(r.type, c.want) << rss_hash_types_to_string(c.enabled) << " inner v" << int(c.inner) << " l4 "
                              << int(c.l4) << ": got " << rss_hash_type_name(r.type);
    EXPECT_EQ(r.tuple_len, c.want == kRssHashNone ? 0 : (c.want == kRssHashIPv4 ? 8
                                                        : (c.want == kRssHashIPv6 || c.want == kRssHashIPv6Ex) ? 32
                                                        : c.inner == IpVersion::v4 ? 12
                                                                                   : 36));
  }
  uint32_t t;
  std::string err;
  ASSERT_TRUE(parse_rss_hash_types("tcp-ipv4, ipv6-ex", &t, &err));
  EXPECT_EQ(t, kRssHashTcpIPv4 | kRssHashIPv6Ex);
  ASSERT_TRUE(parse_rss_hash_types("all", &t, &err));
  EXPECT_EQ(t, kRssHashAll);
  EXPECT_FALSE(parse_rss_hash_types("tcp-ipv5", &t, &err));
  EXPECT_NE(err.find("tcp-ipv5"), std::string::npos);
  EXPECT_EQ(rss_hash_types_to_string(kRssHashIPv4 | kRssHashUdpIPv6), "ipv4,udp-ipv6");
}

TEST(RssPipeline, IndirectionAndConfigErrors) {
  RssConfig cfg;
  cfg.queues = 4;
  cfg.indirection = {3, 2, 1, 0, 0, 1, 2, 3};
  std::string err;
  auto p = RssPipeline::create(cfg, &err);
  ASSERT_TRUE(p) << err;
  for (uint32_t h : {0u, 1u, 7u, 8u, 0xFFFFFFFFu, 0x12345675u}) EXPECT_EQ(p->queue_of(h), cfg.indirection[h & 7]);
  // Round robin by default.
  RssConfig rr;
  rr.queues = 3;
  rr.indirection_size = 16;
  auto q = RssPipeline::create(rr, &err);
  ASSERT_TRUE(q) << err;
  for (uint32_t h = 0; h < 64; ++h) EXPECT_EQ(q->queue_of(h), (h & 15) % 3);
  // Large software tables are fine.
  rr.indirection_size = 4096;
  EXPECT_TRUE(RssPipeline::create(rr, &err)) << err;

  RssConfig bad = cfg;
  bad.indirection = {0, 1, 2};
  EXPECT_FALSE(RssPipeline::create(bad, &err));
  EXPECT_NE(err.find("power of two"), std::string::npos);
  bad = cfg;
  bad.indirection[5] = 4;
  EXPECT_FALSE(RssPipeline::create(bad, &err));
  bad = RssConfig{};
  bad.key.assign(kMicrosoftRssKey, kMicrosoftRssKey + 16);
  EXPECT_FALSE(RssPipeline::create(bad, &err));  // IPv6 types need 36/40 bytes
  EXPECT_NE(err.find("too short"), std::string::npos);
  bad.hash_types = kRssHashIPv4 | kRssHashTcpIPv4 | kRssHashUdpIPv4;
  EXPECT_TRUE(RssPipeline::create(bad, &err)) << err;  // 16 bytes cover a 12-byte tuple
  bad = RssConfig{};
  bad.impl = "no-such-impl";
  EXPECT_FALSE(RssPipeline::create(bad, &err));
  bad = RssConfig{};
  bad.queues = 0;
  EXPECT_FALSE(RssPipeline::create(bad, &err));
}

TEST(RssPipeline, VmqByInnerMacAndVsid) {
  RssConfig cfg;
  cfg.queues = 4;
  cfg.vmq_default_queue = 9;
  VmqFilter a;
  const uint8_t mac_a[6] = {0x02, 0, 0, 0, 1, 0x02};
  std::memcpy(a.mac, mac_a, 6);
  a.vsid = 0x123456;
  a.queue = 5;
  VmqFilter b = a;
  b.vsid = 0x000777;
  b.queue = 6;
  cfg.vmq = {a, b};
  for (int i = 0; i < 40; ++i) {  // enough filters to exercise probing
    VmqFilter f;
    f.mac[5] = static_cast<uint8_t>(i);
    f.mac[0] = 0x0a;
    f.vsid = static_cast<uint32_t>(i);
    f.queue = static_cast<uint16_t>(100 + i);
    cfg.vmq.push_back(f);
  }
  std::string err;
  auto p = RssPipeline::create(cfg, &err);
  ASSERT_TRUE(p) << err;
  NvgreSpec s;
  std::memcpy(s.inner_dst_mac, mac_a, 6);
  s.vsid = 0x123456;
  std::vector<std::vector<uint8_t>> frames = {build_nvgre(s)};
  s.vsid = 0x000777;
  frames.push_back(build_nvgre(s));
  s.vsid = 0x000778;  // no such filter
  frames.push_back(build_nvgre(s));
  const uint8_t mac7[6] = {0x0a, 0, 0, 0, 0, 7};
  std::memcpy(s.inner_dst_mac, mac7, 6);
  s.vsid = 7;
  frames.push_back(build_nvgre(s));
  Corpus c;
  for (const auto& f : frames) c.add(f);
  std::vector<RssResult> r(c.size());
  p->steer(c, 0, c.size(), r.data());
  const uint16_t want[] = {5, 6, 9, 107};
  const bool matched[] = {true, true, false, true};
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(r[i].vmq_queue, want[i]) << i;
    EXPECT_EQ((r[i].flags & kRssVmqMatched) != 0, matched[i]) << i;
    EXPECT_EQ(p->steer_one(c.data(i), c[i].layout).vmq_queue, want[i]);
  }
  RssConfig dup = cfg;
  dup.vmq.push_back(a);
  EXPECT_FALSE(RssPipeline::create(dup, &err));
}

// The batch path over a generated mixed corpus, in odd-sized calls, matches the one-packet
// path, for every implementation; and with the symmetric key both directions of every hashed
// flow land on one queue.
TEST(RssPipeline, CorpusBatchMatchesOnePacketEveryImpl) {
  GeneratorConfig g;
  g.preset = "mixed";
  g.packets = 700;
  g.seed = 5;
  const Corpus c = generate_corpus(g);
  ASSERT_EQ(c.size(), 700u);
  auto ref = make(kRssHashAll, "reference");
  std::vector<RssResult> want;
  for (size_t i = 0; i < c.size(); ++i) want.push_back(ref->steer_one(c.data(i), c[i].layout));
  size_t hashed = 0;
  for (const auto& w : want) hashed += w.type != kRssHashNone;
  EXPECT_GT(hashed, 600u);
  for (const auto& impl : supported_impls()) {
    auto p = make(kRssHashAll, impl);
    std::vector<RssResult> got(c.size());
    for (size_t first = 0, step = 1; first < c.size(); first += step, step = step * 3 + 1)
      p->steer(c, first, std::min(step, c.size() - first), got.data() + first);
    for (size_t i = 0; i < c.size(); ++i) {
      ASSERT_EQ(got[i].hash, want[i].hash) << impl << " packet " << i;
      ASSERT_EQ(got[i].queue, want[i].queue) << impl << " packet " << i;
      ASSERT_EQ(got[i].type, want[i].type) << impl << " packet " << i;
    }
  }
}

// Every generator preset: the receive-burst path (burst_add / burst_end, temporary layouts; burst
// sizes 1, 7, 32 and 300, past the 256-packet workspace, so the automatic flush runs) and
// steer_layouts over bursts of 32 give what steer_one gives, every field, for every
// implementation, with VMQ filters on some of the corpus's inner (MAC, VSID) pairs. A burst left
// open is completed by the next steer() call.
TEST(RssPipeline, BurstPathsMatchOnePacketEveryPreset) {
  for (const auto& preset : generator_presets()) {
    SCOPED_TRACE(preset.name);
    GeneratorConfig g;
    g.preset = preset.name;
    g.packets = 600;
    g.seed = 11;
    const Corpus c = generate_corpus(g);
    ASSERT_GT(c.size(), 0u);
    RssConfig cfg;
    cfg.queues = 16;
    cfg.vmq_default_queue = 3;
    for (size_t i = 0; i < c.size() && cfg.vmq.size() < 8; i += 37) {
      const NvgreLayout& L = c[i].layout;
      if (!vmq_key_present(L)) continue;
      VmqFilter f;
      std::memcpy(f.mac, c.data(i) + L.inner_eth_offset, 6);
      f.vsid = L.vsid;
      f.queue = static_cast<uint16_t>(100 + cfg.vmq.size());
      bool dup = false;
      for (const auto& h : cfg.vmq) dup |= std::memcmp(h.mac, f.mac, 6) == 0 && h.vsid == f.vsid;
      if (!dup) cfg.vmq.push_back(f);
    }
    std::string err;
    cfg.impl = "reference";
    auto ref = RssPipeline::create(cfg, &err);
    ASSERT_TRUE(ref) << err;
    // The bursts parse each frame with default options; the corpus's stored layouts may have been
    // parsed with others (lso: large sends), so each path is held to steer_one on its own layouts.
    std::vector<RssResult> want, want_stored;
    for (size_t i = 0; i < c.size(); ++i) {
      want.push_back(ref->steer_one(c.data(i), parse_nvgre(c.data(i), c[i].length)));
      want_stored.push_back(ref->steer_one(c.data(i), c[i].layout));
    }
    for (const auto& impl : supported_impls()) {
      SCOPED_TRACE(impl);
      cfg.impl = impl;
      auto p = RssPipeline::create(cfg, &err);
      ASSERT_TRUE(p) << err;
      for (size_t burst : {size_t{1}, size_t{7}, size_t{32}, size_t{300}}) {
        std::vector<RssResult> got(c.size());
        steer_bursts(*p, c, burst, got.data());
        for (size_t i = 0; i < c.size(); ++i) ASSERT_TRUE(same_result(got[i], want[i])) << "burst " << burst << " packet " << i;
      }
      std::vector<RssResult> got(c.size());
      std::vector<NvgreLayout> layouts(32);
      for (size_t first = 0; first < c.size(); first += 32) {
        const size_t m = std::min<size_t>(32, c.size() - first);
        for (size_t k = 0; k < m; ++k) layouts[k] = parse_nvgre(c.data(first + k), c[first + k].length);
        p->steer_layouts(c, first, m, layouts.data(), got.data() + first);
      }
      for (size_t i = 0; i < c.size(); ++i) ASSERT_TRUE(same_result(got[i], want[i])) << "steer_layouts packet " << i;
      // An open burst, then a corpus call: the burst's results are complete after it.
      std::vector<RssResult> open(5), rest(c.size());
      for (size_t k = 0; k < open.size() && k < c.size(); ++k) p->burst_add(c.data(k), c[k].layout, &open[k]);
      p->steer(c, 0, c.size(), rest.data());
      for (size_t k = 0; k < open.size() && k < c.size(); ++k)
        EXPECT_TRUE(same_result(open[k], want_stored[k])) << "open burst " << k;
      for (size_t i = 0; i < c.size(); ++i) ASSERT_TRUE(same_result(rest[i], want_stored[i])) << "steer packet " << i;
    }
  }
}

TEST(RssPipeline, SymmetricKeyBothDirectionsOneQueue) {
  auto p = make(kRssHashAll, {}, kSymmetricRssKey);
  std::mt19937 rng(3);
  int checked = 0;
  for (IpVersion iv : {IpVersion::v4, IpVersion::v6})
    for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp})
      for (int i = 0; i < 50; ++i) {
        NvgreSpec s;
        s.inner.version = iv;
        s.l4 = l4;
        for (auto& b : s.inner.src) b = static_cast<uint8_t>(rng());
        for (auto& b : s.inner.dst) b = static_cast<uint8_t>(rng());
        s.src_port = static_cast<uint16_t>(rng());
        s.dst_port = static_cast<uint16_t>(rng());
        NvgreSpec back = s;
        std::memcpy(back.inner.src, s.inner.dst, 16);
        std::memcpy(back.inner.dst, s.inner.src, 16);
        std::swap(back.src_port, back.dst_port);
        auto r = steer_all_ways(*p, {build_nvgre(s), build_nvgre(back)});
        ASSERT_NE(r[0].type, kRssHashNone);
        EXPECT_EQ(r[0].hash, r[1].hash);
        EXPECT_EQ(r[0].queue, r[1].queue);
        ++checked;
      }
  EXPECT_EQ(checked, 200);
}

}  // namespace
}  // namespace eb
