#include <gtest/gtest.h>

#include "kernels/packet/caps.h"

namespace eb {
namespace {

NvgreLayout layout(IpVersion outer, IpVersion inner, L4Proto l4, uint32_t header_size) {
  NvgreLayout L;
  L.outer.version = outer;
  L.inner.version = inner;
  L.l4 = l4;
  L.header_size = header_size;
  return L;
}

TEST(Caps, NdisExampleProfile) {
  std::string err;
  auto c = caps_from_string("ndis-example", &err);
  ASSERT_TRUE(c) << err;
  // Outer IPv4 and IPv6, inner IPv4 only (the ndis-example profile).
  EXPECT_EQ(offload_eligibility(*c, Offload::tx_checksum, layout(IpVersion::v6, IpVersion::v4, L4Proto::tcp, 120)),
            Eligibility::offload);
  EXPECT_EQ(offload_eligibility(*c, Offload::rss, layout(IpVersion::v4, IpVersion::v6, L4Proto::tcp, 120)),
            Eligibility::inner_version);
  EXPECT_EQ(offload_eligibility(*c, Offload::lso_v2, layout(IpVersion::v4, IpVersion::v4, L4Proto::tcp, 257)),
            Eligibility::header_too_large);
  EXPECT_EQ(offload_eligibility(*c, Offload::lso_v2, layout(IpVersion::v4, IpVersion::v4, L4Proto::tcp, 256)),
            Eligibility::offload);
  EXPECT_EQ(offload_eligibility(*c, Offload::lso_v2, layout(IpVersion::v4, IpVersion::v4, L4Proto::udp, 100)),
            Eligibility::not_applicable);
}

TEST(Caps, CustomSpecAndErrors) {
  std::string err;
  auto c = caps_from_string("tx=outer4|inner4|inner6,rss=all,max=128", &err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ((*c)[Offload::tx_checksum], kEncapOuterIPv4 | kEncapInnerIPv4 | kEncapInnerIPv6);
  EXPECT_EQ((*c)[Offload::lso_v2], 0u);
  EXPECT_EQ(c->max_header_size, 128u);
  EXPECT_EQ(offload_eligibility(*c, Offload::lso_v2, layout(IpVersion::v4, IpVersion::v4, L4Proto::tcp, 100)),
            Eligibility::not_supported);
  EXPECT_EQ(offload_eligibility(*c, Offload::tx_checksum, layout(IpVersion::v6, IpVersion::v4, L4Proto::tcp, 100)),
            Eligibility::outer_version);
  NvgreLayout bad;
  bad.error = ParseError::gre_missing_key;
  EXPECT_EQ(offload_eligibility(*c, Offload::rss, bad), Eligibility::not_parseable);

  EXPECT_FALSE(caps_from_string("fast", &err));
  EXPECT_NE(err.find("unknown capability profile"), std::string::npos);
  EXPECT_FALSE(caps_from_string("tx=outer5", &err));
  EXPECT_NE(err.find("outer5"), std::string::npos);
  EXPECT_FALSE(caps_from_string("max=0", &err));
  EXPECT_FALSE(caps_from_string("zz=all", &err));
  EXPECT_EQ(caps_flags_to_string(kEncapOuterIPv4 | kEncapInnerIPv6), "outer4|inner6");
  EXPECT_EQ(caps_flags_to_string(0), "none");
}

}  // namespace
}  // namespace eb
