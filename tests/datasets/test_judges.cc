// Independent judges of the generated packets: tshark (Wireshark's dissectors, with checksum
// validation on) and scapy. Each must decode every header-sweep packet as GRE 0x6558 with our
// key, find valid IPv4/TCP/UDP (and GRE) checksums, and put the inner TCP/UDP header at the
// offset we computed. A control set with deliberately broken checksums proves the judges can fail.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "datasets/generator.h"
#include "datasets/pcap_io.h"
#include "tests/datasets/ds_test_util.h"

namespace eb {
namespace {

struct Judged {
  std::vector<std::string> gre_proto, gre_key, ip_status, l4_status, gre_status;
  std::vector<uint32_t> l4_pos;
};

std::string attr(const std::string& line, const char* name) {
  const std::string key = std::string(" ") + name + "=\"";
  const size_t p = line.find(key);
  if (p == std::string::npos) return "";
  const size_t s = p + key.size(), e = line.find('"', s);
  return line.substr(s, e - s);
}

// tshark -T pdml: one <field .../> per line, with name, show and pos (frame offset).
std::vector<Judged> run_tshark(const std::string& pcap) {
  const std::string cmd = "/usr/bin/tshark -n -r '" + pcap +
                          "' -T pdml -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "
                          "-o tcp.analyze_sequence_numbers:FALSE 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::vector<Judged> out;
  if (!f) return out;
  std::string line;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) {
    line = buf;
    if (line.find("<packet>") != std::string::npos) {
      out.emplace_back();
      continue;
    }
    if (out.empty() || line.find("<field ") == std::string::npos) continue;
    const std::string name = attr(line, "name");
    Judged& j = out.back();
    if (name == "gre.proto") j.gre_proto.push_back(attr(line, "show"));
    else if (name == "gre.key") j.gre_key.push_back(attr(line, "show"));
    else if (name == "ip.checksum.status") j.ip_status.push_back(attr(line, "show"));
    else if (name == "tcp.checksum.status" || name == "udp.checksum.status") j.l4_status.push_back(attr(line, "show"));
    else if (name == "gre.checksum.status") j.gre_status.push_back(attr(line, "show"));
    else if (name == "tcp.srcport" || name == "udp.srcport") j.l4_pos.push_back(static_cast<uint32_t>(std::stoul(attr(line, "pos"))));
  }
  pclose(f);
  return out;
}

std::string hex_key(const NvgreSpec& s) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", (s.vsid << 8) | s.flow_id);
  return b;
}

void write_frames(const std::string& path, const std::vector<GeneratedFrame>& fs) {
  PcapWriter w;
  ASSERT_FALSE(w.open(path));
  for (const auto& f : fs) ASSERT_FALSE(w.write(f.bytes, f.timestamp_ns));
  ASSERT_FALSE(w.close());
}

// Every header-sweep packet, every oversize packet and a slice of mixed (GRE C/S, UDP without
// checksum). scapy is slow (~25 ms a packet): it gets the sweep and a smaller slice of mixed.
std::vector<GeneratedFrame> judged_set(bool scapy = false) {
  std::vector<GeneratedFrame> fs;
  for (const char* p : {"header-sweep", "oversize", "mixed"}) {
    if (scapy && std::string(p) == "oversize") continue;
    GeneratorConfig c;
    c.preset = p;
    c.seed = 11;
    if (std::string(p) == "mixed") c.packets = scapy ? 60 : 250;
    auto v = generate_frames(c);
    fs.insert(fs.end(), v.begin(), v.end());
  }
  return fs;
}

// Wireshark's checksum status values: 0 bad, 1 good, 2 unverified, 3 not present.
TEST(Judges, TsharkAgreesOnKeyChecksumsAndInnerL4Offset) {
  if (!test::have_program("/usr/bin/tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir d;
  const auto fs = judged_set();
  write_frames(d.file("j.pcap"), fs);
  const auto js = run_tshark(d.file("j.pcap"));
  ASSERT_EQ(js.size(), fs.size());
  int gre_csum = 0, hs_packets = 0;
  for (size_t i = 0; i < fs.size(); ++i) {
    const auto& f = fs[i];
    const auto& j = js[i];
    const NvgreOffsets o = spec_offsets(f.spec);
    SCOPED_TRACE(f.label + " (frame " + std::to_string(i + 1) + ")");
    ASSERT_EQ(j.gre_proto.size(), 1u);
    EXPECT_EQ(j.gre_proto[0], "0x6558");
    ASSERT_EQ(j.gre_key.size(), 1u);
    EXPECT_EQ(j.gre_key[0], hex_key(f.spec));
    const size_t v4 = (f.spec.outer.version == IpVersion::v4) + (f.spec.inner.version == IpVersion::v4);
    ASSERT_EQ(j.ip_status.size(), v4);
    for (const auto& s : j.ip_status) EXPECT_EQ(s, "1");
    ASSERT_GE(j.l4_status.size(), 1u);
    EXPECT_EQ(j.l4_status[0], f.spec.zero_udp_checksum ? "3" : "1");
    ASSERT_GE(j.l4_pos.size(), 1u);
    EXPECT_EQ(j.l4_pos[0], o.l4) << "inner L4 offset";
    if (f.spec.gre_checksum) {
      ASSERT_EQ(j.gre_status.size(), 1u);
      EXPECT_EQ(j.gre_status[0], "1");
      ++gre_csum;
    }
    hs_packets += f.label.rfind("hs-", 0) == 0;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(gre_csum, 10);
  EXPECT_GT(hs_packets, 300);
}

std::vector<GeneratedFrame> corrupt_set() {
  std::vector<GeneratedFrame> fs;
  int i = 0;
  for (IpVersion o : {IpVersion::v4, IpVersion::v6})
    for (IpVersion in : {IpVersion::v4, IpVersion::v6})
      for (L4Proto l : {L4Proto::tcp, L4Proto::udp})
        for (int which = 0; which < 4; ++which) {
          auto s = spec_for_header_size(o, in, l, min_header_size(o, in, l) + 24, nullptr, static_cast<uint32_t>(i++));
          s->payload.assign(33, 0x42);
          s->gre_checksum = true;
          s->corrupt_outer_ip_checksum = which == 0 && o == IpVersion::v4;
          s->corrupt_inner_ip_checksum = which == 1 && in == IpVersion::v4;
          s->corrupt_l4_checksum = which == 2;
          s->corrupt_gre_checksum = which == 3;
          GeneratedFrame f;
          f.bytes = build_nvgre(*s);
          f.spec = *s;
          fs.push_back(f);
        }
  return fs;
}

TEST(Judges, TsharkFlagsDeliberatelyBrokenChecksums) {
  if (!test::have_program("/usr/bin/tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir d;
  const auto fs = corrupt_set();
  write_frames(d.file("c.pcap"), fs);
  const auto js = run_tshark(d.file("c.pcap"));
  ASSERT_EQ(js.size(), fs.size());
  for (size_t i = 0; i < fs.size(); ++i) {
    const auto& s = fs[i].spec;
    const auto& j = js[i];
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    std::vector<std::string> want_ip;
    if (s.outer.version == IpVersion::v4) want_ip.push_back(s.corrupt_outer_ip_checksum ? "0" : "1");
    if (s.inner.version == IpVersion::v4) want_ip.push_back(s.corrupt_inner_ip_checksum ? "0" : "1");
    EXPECT_EQ(j.ip_status, want_ip);
    ASSERT_GE(j.l4_status.size(), 1u);
    EXPECT_EQ(j.l4_status[0], s.corrupt_l4_checksum ? "0" : "1");
    ASSERT_EQ(j.gre_status.size(), 1u);
    EXPECT_EQ(j.gre_status[0], s.corrupt_gre_checksum ? "0" : "1");
  }
}

struct ScapyLine {
  std::string key, proto, ipv4, l4, gre;
  long off = -1;
};

std::vector<ScapyLine> run_scapy(const std::string& pcap) {
  const std::string cmd = "/usr/bin/python3 '" EB_DATASETS_TEST_DIR "/scapy_judge.py' '" + pcap + "' 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  std::vector<ScapyLine> out;
  if (!f) return out;
  char buf[1024];
  while (fgets(buf, sizeof buf, f)) {
    std::istringstream in(buf);
    size_t idx;
    std::string off;
    ScapyLine l;
    if (!(in >> idx >> l.key >> off >> l.proto >> l.ipv4 >> l.l4 >> l.gre)) {
      ADD_FAILURE() << "scapy judge: " << buf;
      break;
    }
    l.off = off == "-" ? -1 : std::stol(off);
    out.push_back(l);
  }
  pclose(f);
  return out;
}

bool have_scapy() {
  return test::have_program("/usr/bin/python3") && std::system("/usr/bin/python3 -c 'import scapy.all' >/dev/null 2>&1") == 0;
}

TEST(Judges, ScapyAgreesOnKeyChecksumsAndInnerL4Offset) {
  if (!have_scapy()) GTEST_SKIP() << "python3-scapy not installed";
  test::TempDir d;
  const auto fs = judged_set(true);
  write_frames(d.file("s.pcap"), fs);
  const auto ls = run_scapy(d.file("s.pcap"));
  ASSERT_EQ(ls.size(), fs.size());
  int judged_l4 = 0;
  for (size_t i = 0; i < fs.size(); ++i) {
    const auto& s = fs[i].spec;
    const auto& l = ls[i];
    SCOPED_TRACE(fs[i].label + " (frame " + std::to_string(i + 1) + ")");
    EXPECT_EQ(l.key, hex_key(s));
    EXPECT_EQ(l.off, static_cast<long>(spec_offsets(s).l4));
    EXPECT_EQ(l.proto, s.l4 == L4Proto::tcp ? "tcp" : "udp");
    std::string want_ip = "IPV4=";
    if (s.outer.version == IpVersion::v4) want_ip += "ok";
    if (s.inner.version == IpVersion::v4) want_ip += s.outer.version == IpVersion::v4 ? ",ok" : "ok";
    EXPECT_EQ(l.ipv4, want_ip);
    if (s.zero_udp_checksum) EXPECT_EQ(l.l4, "L4=none");
    else if (l.l4 != "L4=hao") {
      EXPECT_EQ(l.l4, "L4=ok");
      ++judged_l4;
    }
    EXPECT_EQ(l.gre, s.gre_checksum ? "GRE=ok" : "GRE=-");
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(judged_l4, static_cast<int>(fs.size()) * 3 / 4) << "scapy judged most L4 checksums";
}

TEST(Judges, ScapyFlagsDeliberatelyBrokenChecksums) {
  if (!have_scapy()) GTEST_SKIP() << "python3-scapy not installed";
  test::TempDir d;
  const auto fs = corrupt_set();
  write_frames(d.file("c.pcap"), fs);
  const auto ls = run_scapy(d.file("c.pcap"));
  ASSERT_EQ(ls.size(), fs.size());
  for (size_t i = 0; i < fs.size(); ++i) {
    const auto& s = fs[i].spec;
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    std::string want_ip = "IPV4=";
    if (s.outer.version == IpVersion::v4) want_ip += s.corrupt_outer_ip_checksum ? "bad" : "ok";
    if (s.inner.version == IpVersion::v4)
      want_ip += std::string(s.outer.version == IpVersion::v4 ? "," : "") + (s.corrupt_inner_ip_checksum ? "bad" : "ok");
    EXPECT_EQ(ls[i].ipv4, want_ip);
    if (ls[i].l4 != "L4=hao") EXPECT_EQ(ls[i].l4, s.corrupt_l4_checksum ? "L4=bad" : "L4=ok");
    EXPECT_EQ(ls[i].gre, s.corrupt_gre_checksum ? "GRE=bad" : "GRE=ok");
  }
}

}  // namespace
}  // namespace eb
