// The offload operations on whole NVGRE packets: transmit fill and receive verify with every
// implementation, against the packet builder (which computes its checksums independently with
// the plain byte loop), single-bit flips, every corpus preset, the capability model, and tshark
// as an outside judge of fill's output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/packet/corpus.h"
#include "datasets/generator.h"
#include "datasets/pcap_io.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/caps.h"
#include "kernels/packet/nvgre.h"

namespace eb {
namespace {

struct Case {
  std::string name;
  NvgreSpec spec;
};

void set_ip(IpSpec& ip, IpVersion v, uint8_t seed) {
  ip.version = v;
  for (int i = 0; i < 16; ++i) {
    ip.src[i] = static_cast<uint8_t>(seed * 17 + i * 3 + 1);
    ip.dst[i] = static_cast<uint8_t>(seed * 29 + i * 5 + 2);
  }
  ip.ipv4_id = static_cast<uint16_t>(0x1000 + seed);
}

NvgreSpec base_spec(IpVersion outer, IpVersion inner, L4Proto l4, size_t payload, uint8_t seed) {
  NvgreSpec s;
  set_ip(s.outer, outer, seed);
  set_ip(s.inner, inner, static_cast<uint8_t>(seed + 100));
  s.l4 = l4;
  s.payload.resize(payload);
  std::mt19937 rng(seed);
  for (auto& b : s.payload) b = static_cast<uint8_t>(rng());
  return s;
}

std::vector<Case> cases() {
  std::vector<Case> v;
  uint8_t seed = 1;
  const IpVersion vs[] = {IpVersion::v4, IpVersion::v6};
  for (IpVersion o : vs)
    for (IpVersion i : vs)
      for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp})
        for (bool c : {false, true}) {
          Case k;
          k.name = std::string(o == IpVersion::v4 ? "v4" : "v6") + (i == IpVersion::v4 ? "v4" : "v6") +
                   (l4 == L4Proto::tcp ? "tcp" : "udp") + (c ? "-grecsum" : "");
          k.spec = base_spec(o, i, l4, 37 + seed * 11, seed);
          k.spec.gre_checksum = c;
          ++seed;
          v.push_back(k);
        }
  {
    Case k{"v4v4tcp-options-vlan-seq", base_spec(IpVersion::v4, IpVersion::v4, L4Proto::tcp, 1000, 50)};
    k.spec.outer.ipv4_options_len = 12;
    k.spec.inner.ipv4_options_len = 40;
    k.spec.tcp_options_len = 20;
    k.spec.outer_vlan = true;
    k.spec.gre_seq = true;
    k.spec.gre_checksum = true;
    v.push_back(k);
  }
  {
    // IPv6 inner with a Home Address option and a type-2 routing header: the pseudo-header uses
    // the home address as source and the routing header's address as destination.
    Case k{"v4v6udp-hao-rt2", base_spec(IpVersion::v4, IpVersion::v6, L4Proto::udp, 101, 51)};
    Ip6ExtSpec dst_opts;
    dst_opts.type = kIp6DestOpts;
    dst_opts.len = 24;
    dst_opts.home_address_option = true;
    for (int i = 0; i < 16; ++i) dst_opts.home_address[i] = static_cast<uint8_t>(0xA0 + i);
    Ip6ExtSpec rt2;
    rt2.type = kIp6Routing;
    rt2.len = 24;
    rt2.routing_type = 2;
    for (int i = 0; i < 16; ++i) rt2.home_address[i] = static_cast<uint8_t>(0xC0 + i);
    k.spec.inner.ip6_ext = {rt2, dst_opts};
    v.push_back(k);
  }
  {
    Case k{"v6v6tcp-ext-empty-payload", base_spec(IpVersion::v6, IpVersion::v6, L4Proto::tcp, 0, 52)};
    Ip6ExtSpec hbh;
    hbh.type = kIp6HopByHop;
    hbh.len = 16;
    k.spec.outer.ip6_ext = {hbh};
    k.spec.inner.ip6_ext = {hbh};
    k.spec.gre_checksum = true;
    v.push_back(k);
  }
  for (size_t odd : {1, 2, 3, 1459}) {
    Case k{"v4v4udp-payload" + std::to_string(odd), base_spec(IpVersion::v4, IpVersion::v4, L4Proto::udp, odd, 60)};
    k.spec.gre_checksum = odd & 1;
    v.push_back(k);
  }
  return v;
}

std::vector<const ChecksumImpl*> internet_impls() {
  std::vector<const ChecksumImpl*> v;
  for (const auto& r : checksum_impls())
    if (r.internet_checksum && r.info.supported()) v.push_back(&r);
  return v;
}

void zero_checksums(std::vector<uint8_t>& f, const NvgreLayout& L) {
  if (L.outer_ipv4()) store_be16(f.data() + L.outer.offset + 10, 0);
  if (L.inner_ipv4()) store_be16(f.data() + L.inner.offset + 10, 0);
  store_be16(f.data() + L.l4_checksum_offset(), 0);
  if (L.gre_checksum_present) store_be16(f.data() + L.gre_offset + 4, 0);
}

CsumStatus expect_ip(bool v4) { return v4 ? CsumStatus::good : CsumStatus::not_applicable; }

// Fill on a frame whose checksum fields were zeroed reproduces the builder's bytes exactly, with
// every implementation; verify on the builder's bytes reports each applicable header good.
TEST(Offload, FillReproducesBuilderAndVerifiesGood) {
  for (const Case& c : cases()) {
    const std::vector<uint8_t> built = build_nvgre(c.spec);
    const NvgreLayout L = parse_nvgre(built.data(), built.size());
    ASSERT_TRUE(L.ok()) << c.name << ": " << parse_error_name(L.error);
    for (const ChecksumImpl* impl : internet_impls()) {
      const VerifyResult r = checksum_verify(built.data(), L, *impl);
      EXPECT_EQ(r.outer_ip, expect_ip(L.outer_ipv4())) << c.name << " " << impl->info.name;
      EXPECT_EQ(r.inner_ip, expect_ip(L.inner_ipv4())) << c.name << " " << impl->info.name;
      EXPECT_EQ(r.l4, CsumStatus::good) << c.name << " " << impl->info.name;
      EXPECT_EQ(r.gre, c.spec.gre_checksum ? CsumStatus::good : CsumStatus::not_applicable) << c.name;

      std::vector<uint8_t> f = built;
      zero_checksums(f, L);
      const uint8_t written = checksum_fill(f.data(), L, *impl);
      EXPECT_EQ(f, built) << c.name << " " << impl->info.name;
      EXPECT_EQ(written, (L.outer_ipv4() ? kCsumOuterIp : 0) | (L.inner_ipv4() ? kCsumInnerIp : 0) | kCsumL4 |
                             (c.spec.gre_checksum ? kCsumGre : 0))
          << c.name;
    }
  }
}

// A UDP checksum that computes to 0 is sent as 0xFFFF (RFC 768), and verifies good.
TEST(Offload, UdpZeroIsSentAsFFFF) {
  for (IpVersion inner : {IpVersion::v4, IpVersion::v6}) {
    NvgreSpec s = base_spec(IpVersion::v4, inner, L4Proto::udp, 64, 9);
    std::vector<uint8_t> f = build_nvgre(s);
    NvgreLayout L = parse_nvgre(f.data(), f.size());
    ASSERT_TRUE(L.ok());
    // Adjust the last payload word (even offset from the UDP header) so the sum over the
    // pseudo-header and datagram with a zero checksum field is exactly 0xFFFF (checksum 0).
    store_be16(f.data() + L.l4_checksum_offset(), 0);
    const uint16_t S = fold16(ones_complement_sum_simple(f.data() + L.l4_offset, L.l4_len,
                                                         l4_pseudo_header_sum(f.data(), L, L.l4_len)));
    const size_t w = L.l4_offset + L.l4_len - 2;
    const uint16_t old_word = load_be16(f.data() + w);
    const uint16_t new_word = fold16(uint32_t{old_word} + static_cast<uint16_t>(~S));  // w - S (mod 0xFFFF)
    s.payload[s.payload.size() - 2] = static_cast<uint8_t>(new_word >> 8);
    s.payload[s.payload.size() - 1] = static_cast<uint8_t>(new_word);
    const std::vector<uint8_t> built = build_nvgre(s);
    L = parse_nvgre(built.data(), built.size());
    EXPECT_EQ(load_be16(built.data() + L.l4_checksum_offset()), 0xFFFF) << "builder";
    for (const ChecksumImpl* impl : internet_impls()) {
      std::vector<uint8_t> g = built;
      store_be16(g.data() + L.l4_checksum_offset(), 0x1234);
      checksum_fill(g.data(), L, *impl);
      EXPECT_EQ(load_be16(g.data() + L.l4_checksum_offset()), 0xFFFF) << impl->info.name;
      EXPECT_EQ(checksum_verify(g.data(), L, *impl).l4, CsumStatus::good) << impl->info.name;
    }
  }
}

// The builder's corrupt switches make exactly that header bad; a zero UDP checksum is "absent"
// over IPv4 and bad over IPv6.
TEST(Offload, BuilderCorruptionsAreReportedPerHeader) {
  for (const ChecksumImpl* impl : {&best_checksum(), &reference_checksum()}) {
    NvgreSpec s = base_spec(IpVersion::v4, IpVersion::v4, L4Proto::tcp, 200, 3);
    s.gre_checksum = true;
    auto run = [&](NvgreSpec spec) {
      auto f = build_nvgre(spec);
      return checksum_verify(f.data(), parse_nvgre(f.data(), f.size()), *impl);
    };
    // The builder fills the GRE checksum last, over the finished bytes: each switch breaks its
    // own header and leaves the other three good.
    using Field = CsumStatus VerifyResult::*;
    const struct {
      bool NvgreSpec::*corrupt;
      Field field;
    } switches[] = {{&NvgreSpec::corrupt_outer_ip_checksum, &VerifyResult::outer_ip},
                    {&NvgreSpec::corrupt_inner_ip_checksum, &VerifyResult::inner_ip},
                    {&NvgreSpec::corrupt_l4_checksum, &VerifyResult::l4},
                    {&NvgreSpec::corrupt_gre_checksum, &VerifyResult::gre}};
    for (const auto& c : switches) {
      NvgreSpec x = s;
      x.*c.corrupt = true;
      const VerifyResult r = run(x);
      for (Field f : {&VerifyResult::outer_ip, &VerifyResult::inner_ip, &VerifyResult::l4, &VerifyResult::gre})
        EXPECT_EQ(r.*f, f == c.field ? CsumStatus::bad : CsumStatus::good) << impl->info.name;
      EXPECT_TRUE(r.any_bad());
    }

    NvgreSpec u = base_spec(IpVersion::v6, IpVersion::v4, L4Proto::udp, 20, 4);
    u.zero_udp_checksum = true;
    const VerifyResult r = run(u);
    EXPECT_EQ(r.l4, CsumStatus::absent);
    EXPECT_EQ(r.outer_ip, CsumStatus::not_applicable);
    EXPECT_FALSE(r.any_bad());
    NvgreSpec u6 = base_spec(IpVersion::v4, IpVersion::v6, L4Proto::udp, 20, 5);
    auto f = build_nvgre(u6);
    const NvgreLayout L = parse_nvgre(f.data(), f.size());
    store_be16(f.data() + L.l4_checksum_offset(), 0);
    EXPECT_EQ(checksum_verify(f.data(), L, *impl).l4, CsumStatus::bad);
  }
}

// Flipping any single bit in a covered region makes exactly the headers covering it bad (GRE's
// checksum covers the whole inner frame). Bits that change the parse (lengths, versions,
// protocols, flags) are skipped: they make a different packet, not a corrupted one.
TEST(Offload, SingleBitFlipsMarkExactlyTheCoveringHeaders) {
  const ChecksumImpl* impls[] = {&best_checksum(), &reference_checksum()};
  size_t flips_checked = 0;
  for (const Case& c : cases()) {
    const std::vector<uint8_t> built = build_nvgre(c.spec);
    const NvgreLayout L0 = parse_nvgre(built.data(), built.size());
    ASSERT_TRUE(L0.ok());
    auto in = [](uint32_t off, uint32_t start, uint32_t len) { return off >= start && off < start + len; };
    for (uint32_t off = 0; off < built.size(); ++off) {
      const bool outer = L0.outer_ipv4() && in(off, L0.outer.offset, L0.outer.header_len);
      const bool inner = L0.inner_ipv4() && in(off, L0.inner.offset, L0.inner.header_len);
      const IpLayout& ip = L0.inner;
      const uint32_t src = ip.version == IpVersion::v6 && ip.ip6_home_addr_offset ? ip.ip6_home_addr_offset : ip.src_offset();
      const uint32_t dst = ip.version == IpVersion::v6 && ip.ip6_rt2_addr_offset ? ip.ip6_rt2_addr_offset : ip.dst_offset();
      const bool l4 = in(off, L0.l4_offset, L0.l4_len) || in(off, src, ip.addr_len()) || in(off, dst, ip.addr_len());
      const bool gre = L0.gre_checksum_present && in(off, L0.gre_offset, L0.outer.end() - L0.gre_offset);
      for (int bit = 0; bit < 8; ++bit) {
        std::vector<uint8_t> f = built;
        f[off] ^= static_cast<uint8_t>(1 << bit);
        const NvgreLayout L = parse_nvgre(f.data(), f.size());
        if (!L.ok() || L.outer.offset != L0.outer.offset || L.outer.total_len != L0.outer.total_len ||
            L.outer.header_len != L0.outer.header_len || L.inner.offset != L0.inner.offset ||
            L.inner.header_len != L0.inner.header_len || L.inner.total_len != L0.inner.total_len ||
            L.l4 != L0.l4 || L.l4_offset != L0.l4_offset || L.l4_len != L0.l4_len ||
            L.gre_len != L0.gre_len || L.gre_checksum_present != L0.gre_checksum_present ||
            L.inner.ip6_home_addr_offset != L0.inner.ip6_home_addr_offset ||
            L.inner.ip6_rt2_addr_offset != L0.inner.ip6_rt2_addr_offset)
          continue;
        CsumStatus want_l4 = l4 ? CsumStatus::bad : CsumStatus::good;
        if (L.l4 == L4Proto::udp && L.inner_ipv4() && load_be16(f.data() + L.l4_checksum_offset()) == 0)
          want_l4 = CsumStatus::absent;  // the flip turned the UDP/IPv4 checksum into "none"
        for (const ChecksumImpl* impl : impls) {
          const VerifyResult r = checksum_verify(f.data(), L, *impl);
          const std::string where = c.name + " byte " + std::to_string(off) + " bit " + std::to_string(bit) + " " +
                                    impl->info.name;
          ASSERT_EQ(r.outer_ip, L.outer_ipv4() ? (outer ? CsumStatus::bad : CsumStatus::good) : CsumStatus::not_applicable) << where;
          ASSERT_EQ(r.inner_ip, L.inner_ipv4() ? (inner ? CsumStatus::bad : CsumStatus::good) : CsumStatus::not_applicable) << where;
          ASSERT_EQ(r.l4, want_l4) << where;
          ASSERT_EQ(r.gre, L.gre_checksum_present ? (gre ? CsumStatus::bad : CsumStatus::good) : CsumStatus::not_applicable) << where;
        }
        ++flips_checked;
      }
    }
  }
  EXPECT_GT(flips_checked, 10000u);
}

// Every corpus preset: fill then verify is good for every parsed packet, through the batch entry
// points, with every implementation; unparsed packets are left alone and reported n/a.
TEST(Offload, FillThenVerifyOnEveryPreset) {
  for (const auto& preset : generator_presets()) {
    GeneratorConfig cfg;
    cfg.preset = preset.name;
    cfg.seed = 3;
    Corpus corpus = generate_corpus(cfg);
    ASSERT_GT(corpus.size(), 0u) << preset.name;
    size_t parsed = 0;
    for (size_t i = 0; i < corpus.size(); ++i) parsed += corpus[i].layout.ok();
    std::vector<VerifyResult> out(corpus.size());
    for (const ChecksumImpl* impl : internet_impls()) {
      // Scramble every checksum field first so fill has to compute them all.
      for (size_t i = 0; i < corpus.size(); ++i) {
        const NvgreLayout& L = corpus[i].layout;
        if (!L.ok()) continue;
        uint8_t* f = corpus.mutable_data(i);
        store_be16(f + L.l4_checksum_offset(), 0xBEEF);
        if (L.outer_ipv4()) store_be16(f + L.outer.offset + 10, 0x1111);
        if (L.inner_ipv4()) store_be16(f + L.inner.offset + 10, 0x2222);
        if (L.gre_checksum_present) store_be16(f + L.gre_offset + 4, 0x3333);
      }
      EXPECT_EQ(checksum_fill_batch(corpus, *impl), parsed) << preset.name;
      EXPECT_EQ(checksum_verify_batch(corpus, *impl, out.data()), 0u) << preset.name << " " << impl->info.name;
      for (size_t i = 0; i < corpus.size(); ++i) {
        const NvgreLayout& L = corpus[i].layout;
        if (!L.ok()) {
          EXPECT_EQ(out[i].l4, CsumStatus::not_applicable);
          continue;
        }
        ASSERT_EQ(out[i].l4, CsumStatus::good) << preset.name << " #" << i << " " << impl->info.name;
        ASSERT_EQ(out[i].outer_ip, expect_ip(L.outer_ipv4()));
        ASSERT_EQ(out[i].inner_ip, expect_ip(L.inner_ipv4()));
      }
    }
  }
}

// The capability hook: the same kernels either way, the path follows offload_eligibility.
TEST(Offload, CapabilityModelChoosesNicOrSoftware) {
  std::string err;
  const auto ndis_caps = caps_from_string("ndis-example", &err);
  ASSERT_TRUE(ndis_caps) << err;
  const auto none = caps_from_string("none", &err);
  ASSERT_TRUE(none) << err;
  Corpus corpus;
  auto v4 = build_nvgre(base_spec(IpVersion::v4, IpVersion::v4, L4Proto::tcp, 100, 1));
  auto v6 = build_nvgre(base_spec(IpVersion::v4, IpVersion::v6, L4Proto::tcp, 100, 2));
  NvgreSpec big = base_spec(IpVersion::v6, IpVersion::v4, L4Proto::tcp, 100, 3);
  Ip6ExtSpec ext;
  ext.type = kIp6DestOpts;
  ext.len = 200;
  big.outer.ip6_ext = {ext};  // header size > 256
  auto bigf = build_nvgre(big);
  std::vector<uint8_t> junk(60, 0x42);
  corpus.add(v4);
  corpus.add(v6);
  corpus.add(bigf);
  corpus.add(junk);
  ASSERT_GT(corpus[2].layout.header_size, ndis_caps->max_header_size);
  std::vector<OffloadDecision> paths(corpus.size());
  std::vector<VerifyResult> out(corpus.size());
  OffloadBatchStats st = checksum_fill_offload(corpus, *ndis_caps, best_checksum(), paths.data());
  EXPECT_EQ(paths[0].path, CsumPath::nic);
  EXPECT_EQ(paths[1].path, CsumPath::software);  // inner IPv6 not in the ndis-example tx set
  EXPECT_EQ(paths[1].eligibility, Eligibility::inner_version);
  EXPECT_EQ(paths[2].path, CsumPath::software);
  EXPECT_EQ(paths[2].eligibility, Eligibility::header_too_large);
  EXPECT_EQ(paths[3].path, CsumPath::skipped);
  EXPECT_EQ(st.nic, 1u);
  EXPECT_EQ(st.software, 2u);
  EXPECT_EQ(st.skipped, 1u);
  st = checksum_verify_offload(corpus, *none, best_checksum(), out.data(), paths.data());
  EXPECT_EQ(st.nic, 0u);
  EXPECT_EQ(st.software, 3u);
  EXPECT_EQ(st.bad, 0u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(out[i].l4, CsumStatus::good) << i;
}

// ---- tshark as the outside judge ---------------------------------------------------------------

std::string run(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t k;
  while ((k = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), k);
  return out;
}

bool have_tshark() { return std::system("tshark --version >/dev/null 2>&1") == 0; }

// tshark's status codes: 0 bad, 1 good, 2 unverified, 3 not present.
std::vector<std::vector<std::string>> tshark_statuses(const std::string& pcap) {
  const std::string cmd = "tshark -r " + pcap +
                          " -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
                          " -T fields -E separator=/t -e ip.checksum.status -e tcp.checksum.status"
                          " -e udp.checksum.status -e gre.checksum.status 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(run(cmd));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::string field;
    std::istringstream ls(line);
    while (std::getline(ls, field, '\t')) {
      std::istringstream fs(field);
      std::string v;
      while (std::getline(fs, v, ',')) row.push_back(v);
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(Offload, TsharkAgreesWithFill) {
  if (!have_tshark()) GTEST_SKIP() << "tshark not installed: outside judge skipped";
  const auto dir = std::filesystem::temp_directory_path() / ("eb-csum-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Corpus corpus;
  std::vector<size_t> expected_statuses;
  for (const Case& c : cases()) {
    auto f = build_nvgre(c.spec);
    const NvgreLayout L = parse_nvgre(f.data(), f.size());
    zero_checksums(f, L);
    corpus.add(f);
    expected_statuses.push_back(L.outer_ipv4() + L.inner_ipv4() + 1 + L.gre_checksum_present);
  }
  ASSERT_EQ(checksum_fill_batch(corpus, best_checksum()), corpus.size());
  const std::string good = (dir / "filled.pcap").string();
  ASSERT_FALSE(write_pcap(good, corpus).has_value());
  const auto rows = tshark_statuses(good);
  ASSERT_EQ(rows.size(), corpus.size()) << "tshark output did not have one line per packet";
  for (size_t i = 0; i < rows.size(); ++i) {
    // One status per IPv4 header, one for TCP/UDP, one for GRE with C set; all 1 (good).
    EXPECT_EQ(rows[i].size(), expected_statuses[i]) << "packet " << i << " (" << cases()[i].name << ")";
    for (const auto& s : rows[i]) EXPECT_EQ(s, "1") << "packet " << i << " (" << cases()[i].name << ")";
  }

  // Negative control: the judge must see a corrupted L4 checksum.
  uint8_t* f0 = corpus.mutable_data(0);
  store_be16(f0 + corpus[0].layout.l4_checksum_offset(), load_be16(f0 + corpus[0].layout.l4_checksum_offset()) ^ 0x0101);
  const std::string bad = (dir / "corrupted.pcap").string();
  ASSERT_FALSE(write_pcap(bad, corpus).has_value());
  const auto bad_rows = tshark_statuses(bad);
  ASSERT_FALSE(bad_rows.empty());
  bool saw_bad = false;
  for (const auto& s : bad_rows[0]) saw_bad |= s == "0";
  EXPECT_TRUE(saw_bad) << "tshark did not flag a corrupted TCP checksum: the judge is not judging";
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace eb
