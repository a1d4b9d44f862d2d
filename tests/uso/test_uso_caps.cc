// USO eligibility (kernels/packet/uso_caps.h): each NDIS_UDP_SEGMENTATION_OFFLOAD rule decides
// on sends built to sit on either side of it.
#include <gtest/gtest.h>

#include "kernels/packet/uso_caps.h"
#include "tests/uso/uso_test_util.h"

namespace eb {
namespace {

using segtest::make_send;
using usotest::udp_spec;
constexpr IpVersion v4 = IpVersion::v4, v6 = IpVersion::v6;

OffloadCaps caps(const std::string& spec) {
  std::string err;
  auto c = caps_from_string(spec, &err);
  EXPECT_TRUE(c.has_value()) << spec << ": " << err;
  return c.value_or(OffloadCaps{});
}

UsoEligibility verdict(const std::string& spec, const NvgreSpec& s, uint32_t mss) {
  const auto send = make_send(s, "caps");
  EXPECT_TRUE(send.layout.ok());
  return classify_uso(caps(spec), send.layout, mss).eligibility;
}

TEST(UsoCaps, FlagsAndHeaderSize) {
  const NvgreSpec s = udp_spec(v4, v6, 14180, 1);
  EXPECT_EQ(verdict("full", s, 1418), UsoEligibility::offload);
  EXPECT_EQ(verdict("none", s, 1418), UsoEligibility::not_supported);
  EXPECT_EQ(verdict("uso=outer6|inner6", s, 1418), UsoEligibility::outer_version);
  EXPECT_EQ(verdict("uso=outer4|inner4", s, 1418), UsoEligibility::inner_version);
  EXPECT_EQ(verdict("uso=all,max=100", s, 1418), UsoEligibility::header_too_large);
  EXPECT_EQ(verdict("uso=all", segtest::base_spec(v4, v4, 14180, 2), 1418), UsoEligibility::not_udp);
  EXPECT_EQ(verdict("uso=all", s, 0), UsoEligibility::mss_zero);
  // LSOv2 flags do not matter to USO, and the other way round.
  EXPECT_EQ(verdict("lso=none,uso=all", s, 1418), UsoEligibility::offload);
}

TEST(UsoCaps, SegmentationParameters) {
  const uint32_t mss = 1000;
  // MaxOffLoadSize bounds the UDP payload.
  EXPECT_EQ(verdict("uso=all,uso_max=5000", udp_spec(v4, v4, 5000, 3), mss), UsoEligibility::offload);
  EXPECT_EQ(verdict("uso=all,uso_max=5000", udp_spec(v4, v4, 5001, 3), mss), UsoEligibility::payload_too_large);
  // MinSegmentCount: 3 datagrams needed; 2001 bytes make 3, 2000 make 2.
  EXPECT_EQ(verdict("uso=all,uso_min=3", udp_spec(v6, v4, 2001, 4), mss), UsoEligibility::offload);
  EXPECT_EQ(verdict("uso=all,uso_min=3", udp_spec(v6, v4, 2000, 4), mss), UsoEligibility::too_few_segments);
  // The default (2): a send that fits one datagram is left to software.
  EXPECT_EQ(verdict("uso=all", udp_spec(v4, v4, 1000, 5), mss), UsoEligibility::too_few_segments);
  EXPECT_EQ(verdict("uso=all,uso_min=1", udp_spec(v4, v4, 1000, 5), mss), UsoEligibility::offload);
  // SubMssFinalSegmentSupported: without it only whole multiples of the MSS.
  EXPECT_EQ(verdict("uso=all,uso_submss=0", udp_spec(v6, v6, 47000, 6), mss), UsoEligibility::offload);
  EXPECT_EQ(verdict("uso=all,uso_submss=0", udp_spec(v6, v6, 47001, 6), mss), UsoEligibility::sub_mss_final_segment);
  EXPECT_EQ(verdict("uso=all,uso_submss=0", udp_spec(v6, v6, 46999, 6), mss), UsoEligibility::sub_mss_final_segment);
  EXPECT_EQ(verdict("uso=all,uso_submss=1", udp_spec(v6, v6, 47001, 6), mss), UsoEligibility::offload);
  // IPv6 extension headers, inner or outer, need IpExtensionHeadersSupported.
  for (bool inner : {false, true}) {
    NvgreSpec s = udp_spec(v6, v6, 5000, 7);
    (inner ? s.inner : s.outer).ip6_ext = {Ip6ExtSpec{.type = kIp6DestOpts, .len = 8}};
    EXPECT_EQ(verdict("uso=all,uso_ext=0", s, mss), UsoEligibility::ip6_extension_headers);
    EXPECT_EQ(verdict("uso=all,uso_ext=1", s, mss), UsoEligibility::offload);
  }
  EXPECT_EQ(verdict("uso=all,uso_ext=0", udp_spec(v6, v6, 5000, 8), mss), UsoEligibility::offload);
  // IPv4 options do not depend on the IPv6 flag.
  NvgreSpec o = udp_spec(v4, v4, 5000, 9);
  o.inner.ipv4_options_len = 8;
  EXPECT_EQ(verdict("uso=all,uso_ext=0", o, mss), UsoEligibility::offload);
}

TEST(UsoCaps, ParametersFollowTheInnerIpVersion) {
  OffloadCaps c = caps("uso=all");
  c.uso_ipv4.max_offload_size = 100000;
  c.uso_ipv6.max_offload_size = 1000;
  const auto a = make_send(udp_spec(v6, v4, 5000, 10), "inner4");
  const auto b = make_send(udp_spec(v4, v6, 5000, 11), "inner6");
  EXPECT_EQ(classify_uso(c, a.layout, 1000).eligibility, UsoEligibility::offload);
  EXPECT_EQ(classify_uso(c, b.layout, 1000).eligibility, UsoEligibility::payload_too_large);
  EXPECT_EQ(classify_uso(c, b.layout, 1000).segments, 5u);
}

TEST(UsoCaps, BadSpecsAreRefusedWithAReason) {
  for (const char* bad : {"uso=all,uso_min=64", "uso=all,uso_max=0", "uso=all,uso_submss=2", "uso=all,uso_ext=x",
                          "uso=all,uso_max=12k"}) {
    std::string err;
    EXPECT_FALSE(caps_from_string(bad, &err).has_value()) << bad;
    EXPECT_NE(err.find("uso_"), std::string::npos) << err;
  }
  for (int e = 0; e < static_cast<int>(UsoEligibility::count_); ++e) {
    EXPECT_STRNE(uso_eligibility_name(static_cast<UsoEligibility>(e)), "?");
    EXPECT_STRNE(uso_eligibility_message(static_cast<UsoEligibility>(e)), "unknown USO eligibility");
  }
}

TEST(UsoCaps, MssForMtu) {
  const auto s = make_send(udp_spec(v4, v4, 100, 12), "mtu");
  // 1500 - (outer IPv4 20 + GRE 8 + inner Ethernet 14 + inner IPv4 20 + UDP 8) = 1430.
  EXPECT_EQ(uso_mss_for_mtu(s.layout, 1500), 1430u);
  EXPECT_EQ(uso_mss_for_mtu(s.layout, 50), 0u);
}

}  // namespace
}  // namespace eb
