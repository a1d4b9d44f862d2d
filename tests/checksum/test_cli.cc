// `encapbench checksum` end to end: a capture with good, corrupted, zero-checksum and unparseable
// packets; verify's per-packet report and exit codes; fill's output verified again; input errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/packet/corpus.h"
#include "datasets/pcap_io.h"
#include "kernels/common/byteorder.h"
#include "datasets/nvgre_build.h"

namespace eb {
namespace {

struct Result {
  int code = -1;
  std::string out;
};

Result run(const std::string& cmd) {
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t k;
  while ((k = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), k);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Cli : public testing::Test {
 protected:
  void SetUp() override {
    const char* b = std::getenv("EB_ENCAPBENCH");
    if (!b || !std::filesystem::exists(b)) GTEST_SKIP() << "EB_ENCAPBENCH not set: run through ctest";
    bin_ = b;
    dir_ = std::filesystem::temp_directory_path() / ("eb-csum-cli-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::string bin_;
  std::filesystem::path dir_;
};

NvgreSpec spec(IpVersion o, IpVersion i, L4Proto l4) {
  NvgreSpec s;
  s.outer.version = o;
  s.inner.version = i;
  for (int k = 0; k < 16; ++k) s.outer.src[k] = uint8_t(k), s.outer.dst[k] = uint8_t(k + 16), s.inner.src[k] = uint8_t(k + 32),
                                s.inner.dst[k] = uint8_t(k + 48);
  s.l4 = l4;
  s.payload.assign(77, 0x5A);
  return s;
}

TEST_F(Cli, VerifyReportsPerHeaderAndExitCodes) {
  Corpus c;
  NvgreSpec good = spec(IpVersion::v4, IpVersion::v4, L4Proto::tcp);
  good.gre_checksum = true;
  c.add(build_nvgre(good));                                     // 0: all good
  NvgreSpec bad = spec(IpVersion::v6, IpVersion::v4, L4Proto::udp);
  bad.corrupt_inner_ip_checksum = true;
  c.add(build_nvgre(bad));                                      // 1: inner IPv4 bad
  NvgreSpec zero = spec(IpVersion::v4, IpVersion::v4, L4Proto::udp);
  zero.zero_udp_checksum = true;
  c.add(build_nvgre(zero));                                     // 2: UDP checksum absent
  c.add(std::vector<uint8_t>(40, 0x11));                        // 3: not NVGRE
  ASSERT_FALSE(write_pcap(path("in.pcap"), c).has_value());

  Result r = run(bin_ + " checksum --in " + path("in.pcap") + " --mode verify --json 2>/dev/null");
  EXPECT_EQ(r.code, 1) << r.out;
  std::vector<nlohmann::json> rows;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 4u) << r.out;
  EXPECT_EQ(rows[0]["outer_ip"], "good");
  EXPECT_EQ(rows[0]["inner_ip"], "good");
  EXPECT_EQ(rows[0]["l4"], "good");
  EXPECT_EQ(rows[0]["gre"], "good");
  EXPECT_EQ(rows[1]["outer_ip"], "n/a");
  EXPECT_EQ(rows[1]["inner_ip"], "bad");
  EXPECT_EQ(rows[1]["l4"], "good");
  EXPECT_EQ(rows[1]["bad"], true);
  EXPECT_EQ(rows[2]["l4"], "absent");
  EXPECT_EQ(rows[2]["bad"], false);
  EXPECT_EQ(rows[3]["ok"], false);
  EXPECT_FALSE(rows[3]["error"].get<std::string>().empty());
  EXPECT_FALSE(rows[3]["error_message"].get<std::string>().empty());

  // Fill repairs the bad checksum; the unparseable packet is passed through (still exit 1).
  r = run(bin_ + " checksum --in " + path("in.pcap") + " --mode fill --out " + path("out.pcap") + " --impl reference 2>/dev/null");
  EXPECT_EQ(r.code, 1) << r.out;
  Corpus filled;
  ASSERT_TRUE(read_pcap(path("out.pcap"), filled).ok());
  ASSERT_EQ(filled.size(), 4u);
  EXPECT_EQ(std::vector<uint8_t>(filled.frame(3).begin(), filled.frame(3).end()),
            std::vector<uint8_t>(c.frame(3).begin(), c.frame(3).end()));
  // UDP zero: fill computes a real checksum (it is a transmit operation).
  EXPECT_NE(load_be16(filled.data(2) + filled[2].layout.l4_checksum_offset()), 0);

  Corpus only_parsed;
  for (size_t i = 0; i < 3; ++i) only_parsed.add(filled.frame(i));
  ASSERT_FALSE(write_pcap(path("good.pcap"), only_parsed).has_value());
  r = run(bin_ + " checksum --in " + path("good.pcap") + " 2>&1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("3 all good"), std::string::npos) << r.out;
}

TEST_F(Cli, InputErrorsExit2) {
  EXPECT_EQ(run(bin_ + " checksum --in " + path("missing.pcap") + " 2>/dev/null").code, 2);
  Corpus c;
  c.add(build_nvgre(spec(IpVersion::v4, IpVersion::v6, L4Proto::tcp)));
  ASSERT_FALSE(write_pcap(path("one.pcap"), c).has_value());
  EXPECT_EQ(run(bin_ + " checksum --in " + path("one.pcap") + " 2>/dev/null").code, 0);
  EXPECT_EQ(run(bin_ + " checksum --in " + path("one.pcap") + " --impl no-such 2>/dev/null").code, 2);
  EXPECT_EQ(run(bin_ + " checksum --in " + path("one.pcap") + " --impl isal-crc32 2>/dev/null").code, 2);
  EXPECT_EQ(run(bin_ + " checksum --in " + path("one.pcap") + " --mode fill 2>/dev/null").code, 2);
  EXPECT_EQ(run(bin_ + " checksum --in " + path("one.pcap") + " --mode sideways 2>/dev/null").code, 2);
  const Result r = run(bin_ + " checksum --in " + path("missing.pcap") + " 2>&1");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one-line error expected: " << r.out;
}

TEST_F(Cli, CapsReportsNicOrSoftware) {
  Corpus c;
  c.add(build_nvgre(spec(IpVersion::v4, IpVersion::v4, L4Proto::tcp)));
  c.add(build_nvgre(spec(IpVersion::v4, IpVersion::v6, L4Proto::tcp)));
  ASSERT_FALSE(write_pcap(path("caps.pcap"), c).has_value());
  const Result r = run(bin_ + " checksum --in " + path("caps.pcap") + " --caps ndis-example --json 2>/dev/null");
  EXPECT_EQ(r.code, 0) << r.out;
  std::istringstream in(r.out);
  std::string l0, l1;
  std::getline(in, l0);
  std::getline(in, l1);
  EXPECT_EQ(nlohmann::json::parse(l0)["path"], "nic");
  EXPECT_EQ(nlohmann::json::parse(l1)["path"], "software");
  EXPECT_EQ(run(bin_ + " checksum --in " + path("caps.pcap") + " --caps bogus=1 2>/dev/null").code, 2);
}

}  // namespace
}  // namespace eb
