// Independent judge: tshark, with IP and TCP checksum validation on, must call every IPv4
// header checksum, every TCP checksum and every GRE checksum of our segments good, in all four
// outer/inner IP combinations, with options, VLAN, GRE C/S bits and IPv6 mobility headers.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "datasets/pcap_io.h"
#include "tests/segment/segment_test_util.h"

namespace eb {
namespace {

using segtest::add_options;
using segtest::base_spec;
using segtest::make_send;
using segtest::Send;

constexpr IpVersion v4 = IpVersion::v4, v6 = IpVersion::v6;

std::vector<Send> judge_sends() {
  std::vector<Send> v;
  int seed = 1;
  for (auto [o, i] : {std::pair{v4, v4}, std::pair{v4, v6}, std::pair{v6, v4}, std::pair{v6, v6}}) {
    for (int variant = 0; variant < 7; ++variant) {
      NvgreSpec s = base_spec(o, i, 6000 + 333 * variant, ++seed);
      s.dst_port = 5001;  // nothing tshark dissects further
      s.tcp_flags = variant % 2 ? 0x99 : 0x18;
      if (variant == 1) add_options(s, true, 40, 40);
      if (variant == 2) add_options(s, false, 8, 12), s.gre_checksum = true;
      if (variant == 3) s.gre_seq = true, s.gre_checksum = true;
      if (variant == 4 && i == v6) {
        Ip6ExtSpec rt2{.type = kIp6Routing, .len = 24, .routing_type = 2};
        for (int k = 0; k < 16; ++k) rt2.home_address[k] = static_cast<uint8_t>(0x20 + k);
        s.inner.ip6_ext = {rt2};
      }
      if (variant == 5) s.payload.resize(65536, 0x42);  // 64 KiB, large-send lengths
      if (variant == 6) s.payload.resize(1);
      v.push_back(make_send(s, "judge"));
      if (v.back().layout.header_size > 256) v.pop_back();
    }
  }
  return v;
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(SegmentJudges, TsharkValidatesEveryChecksum) {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  const auto dir = std::filesystem::temp_directory_path() / ("eb-seg-tshark-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string pcap = (dir / "segments.pcap").string();

  // What each written frame must show: number of IPv4 headers, GRE checksum present.
  struct Expect {
    int ipv4 = 0;
    bool gre_c = false;
  };
  std::vector<Expect> expect;
  PcapWriter w;
  ASSERT_FALSE(w.open(pcap).has_value());
  const SegmentImpl& impl = best_segment();
  for (const Send& s : judge_sends()) {
    for (uint32_t mss : {1418u, 8948u, 999u}) {
      const auto r = segtest::run_impl(impl, s, mss);
      ASSERT_EQ(r.error, SegmentError::ok) << segment_error_name(r.error);
      for (const auto& g : r.segments) {
        ASSERT_FALSE(w.write(g, 1'000'000'000ull * expect.size()).has_value());
        expect.push_back({int(s.layout.outer_ipv4()) + int(s.layout.inner_ipv4()), s.layout.gre_checksum_present});
      }
    }
  }
  ASSERT_FALSE(w.close().has_value());

  const std::string out = run_capture(
      "tshark -n -r '" + pcap +
      "' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -T fields -E separator=';' "
      "-e ip.checksum.status -e tcp.checksum.status -e gre.checksum.status 2>'" + (dir / "stderr").string() + "'");
  std::istringstream lines(out);
  std::string line;
  size_t k = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(k, expect.size()) << "extra tshark output: " << line;
    SCOPED_TRACE("frame " + std::to_string(k + 1) + ": " + line);
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string x;
    while (std::getline(ls, x, ';')) f.push_back(x);
    f.resize(3);
    // Good = 1 (Bad = 0, Unverified = 2).
    std::string ip_want;
    for (int j = 0; j < expect[k].ipv4; ++j) ip_want += j ? ",1" : "1";
    EXPECT_EQ(f[0], ip_want);
    EXPECT_EQ(f[1], "1");
    EXPECT_EQ(f[2], expect[k].gre_c ? "1" : "");
    ++k;
  }
  EXPECT_EQ(k, expect.size()) << out.substr(0, 400);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace eb
