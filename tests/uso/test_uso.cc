// USO of NVGRE sends: every implementation against the rules (independent checker) and byte for
// byte against `reference`; edge cases (k*MSS+-1, MSS 1, 256-byte headers, GRE C, a computed
// UDP checksum of 0); errors; guard pages on every buffer.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>

#include "datasets/generator.h"

#include "kernels/checksum/checksum.h"
#include "kernels/registry_all.h"
#include "testing/guard_page.h"
#include "tests/uso/uso_test_util.h"

namespace eb {
namespace {

using segtest::add_options;
using segtest::make_send;
using segtest::Send;
using usotest::check_datagrams;
using usotest::run_uso;
using usotest::udp_spec;

using segtest::combo;
using segtest::kCombos;
using segtest::v4;
using segtest::v6;

const UsoImpl& reference_impl() { return *find_impl(uso_impls(), "reference"); }
std::vector<const UsoImpl*> runnable() { return segtest::runnable(uso_impls()); }

void check_all(const Send& s, uint32_t mss, uint32_t max_header = 256) {
  segtest::check_all(uso_impls(), L4Proto::udp, check_datagrams, s, mss, max_header);
}

TEST(UsoRegistry, ListsTheFamily) {
  const auto& v = uso_impls();
  for (const char* name : {"reference", "fused", "zerocopy"}) EXPECT_NE(find_impl(v, name), nullptr) << name;
  for (const auto& r : v) {
    EXPECT_EQ(r.info.family, "uso");
    EXPECT_NE(r.segment, nullptr) << r.info.name;
    EXPECT_FALSE(r.info.description.empty()) << r.info.name;
  }
  EXPECT_EQ(find_impl(v, "reference")->info.kind, ImplKind::reference);
  EXPECT_NE(find_impl(v, "zerocopy")->describe, nullptr);
  EXPECT_TRUE(best_uso().info.supported());
  EXPECT_EQ(best_uso().info.kind, ImplKind::implementation);
  // `encapbench list` sees every record.
  size_t listed = 0;
  for (const ImplInfo* i : all_implementations()) listed += i->family == "uso";
  EXPECT_EQ(listed, v.size());
}

TEST(Uso, LargeSendsAllCombos) {
  for (auto [o, i] : kCombos)
    for (uint32_t mss : {1418u, 8948u, 1472u}) check_all(make_send(udp_spec(o, i, 65536, 11 + mss), combo(o, i) + "-64k"), mss);
}

// k*MSS, k*MSS +- 1, one byte, MSS 1, payload equal to and just above the MSS, odd MSS.
TEST(Uso, PayloadEdges) {
  for (auto [o, i] : kCombos) {
    const uint32_t mss = 1000;
    for (uint32_t p : {3 * mss, 3 * mss + 1, 3 * mss - 1, 47 * mss, 47 * mss + 1, 47 * mss - 1, 1u, mss, mss + 1})
      check_all(make_send(udp_spec(o, i, p, p), combo(o, i) + "-p" + std::to_string(p)), mss);
    check_all(make_send(udp_spec(o, i, 777, 5), combo(o, i) + "-mss1"), 1);
    check_all(make_send(udp_spec(o, i, 2, 6), combo(o, i) + "-mss1-p2"), 1);
    check_all(make_send(udp_spec(o, i, 640, 7), combo(o, i) + "-mss63"), 63);
    check_all(make_send(udp_spec(o, i, 0, 8), combo(o, i) + "-empty"), 1000);
  }
}

// Not large-send: the super-packet's lengths are its true lengths (UDP length non-zero).
TEST(Uso, SendWithTrueLengths) {
  for (auto [o, i] : kCombos) {
    NvgreSpec spec = udp_spec(o, i, 30000, 9);
    spec.large_send = false;
    const Send s = make_send(spec, combo(o, i) + "-true-lengths");
    ASSERT_NE(load_be16(s.frame.data() + s.layout.l4_offset + 4), 0);
    check_all(s, 1418);
  }
}

TEST(Uso, HeaderSizesUpTo256WithOptions) {
  for (auto [o, i] : kCombos)
    for (uint32_t ipo : {0u, 4u, 24u, 40u})
      for (bool vlan : {false, true})
        for (bool grec : {false, true}) {
          NvgreSpec spec = udp_spec(o, i, 9000 + ipo, ipo * 10 + vlan + 2 * grec);
          add_options(spec, vlan, ipo, 0);
          spec.gre_checksum = grec;
          const Send s = make_send(spec, combo(o, i) + "-opts" + std::to_string(ipo) + (vlan ? "-vlan" : "") +
                                             (grec ? "-grec" : ""));
          if (s.layout.header_size > 256) continue;
          check_all(s, 1400);
        }
  // Exactly 256 bytes: VLAN, outer IPv6 with 3 extension headers, GRE C+S, inner IPv6 with a
  // Home Address option and a type-2 routing header, UDP.
  NvgreSpec spec = udp_spec(v6, v6, 20000, 99);
  spec.outer_vlan = true;
  spec.outer.ip6_ext = {Ip6ExtSpec{.type = kIp6HopByHop, .len = 16}, Ip6ExtSpec{.type = kIp6DestOpts, .len = 16}};
  spec.gre_checksum = spec.gre_seq = true;
  Ip6ExtSpec hao{.type = kIp6DestOpts, .len = 24, .home_address_option = true};
  for (int k = 0; k < 16; ++k) hao.home_address[k] = static_cast<uint8_t>(0x30 + k);
  Ip6ExtSpec rt2{.type = kIp6Routing, .len = 24, .routing_type = 2};
  for (int k = 0; k < 16; ++k) rt2.home_address[k] = static_cast<uint8_t>(0x50 + k);
  spec.inner.ip6_ext = {rt2, hao};
  const uint32_t hs = nvgre_header_size(spec);
  ASSERT_LE(hs, 256u);
  spec.outer.ip6_ext.push_back(Ip6ExtSpec{.type = kIp6DestOpts, .len = 256 - hs});
  const Send s = make_send(spec, "v6v6-256");
  ASSERT_TRUE(s.layout.ok()) << parse_error_name(s.layout.error);
  ASSERT_EQ(s.layout.header_size, 256u);
  check_all(s, 1418);
  check_all(s, 1);
  check_all(s, 1417);
  // IPv4 in both with 40 option bytes each, VLAN and GRE C+S.
  NvgreSpec s4 = udp_spec(v4, v4, 12345, 98);
  add_options(s4, true, 40, 0);
  s4.gre_checksum = s4.gre_seq = true;
  const Send b = make_send(s4, "v4v4-opts40");
  check_all(b, 1418);
  check_all(b, 1);
}

TEST(Uso, GreChecksumAndSequence) {
  for (auto [o, i] : kCombos)
    for (int cs = 1; cs < 4; ++cs) {
      NvgreSpec spec = udp_spec(o, i, 9001, 31 + cs);
      spec.gre_checksum = cs & 1;
      spec.gre_seq = cs & 2;
      spec.gre_seq_number = 0xDEADBEEF;
      check_all(make_send(spec, combo(o, i) + "-gre" + std::to_string(cs)), 1418);
    }
}

// A datagram whose UDP checksum computes to 0 must carry 0xFFFF: make the first, a middle and
// the last datagram's sum come out at 0 by choosing one payload word (the reference's checksum
// of the datagram with that word 0 is exactly the word that makes the full sum 0xFFFF).
TEST(Uso, ComputedZeroChecksumSentAsFFFF) {
  for (auto [o, i] : kCombos)
    for (bool grec : {false, true}) {
      const uint32_t mss = 1000, P = 5 * mss + 500;
      NvgreSpec spec = udp_spec(o, i, P, 61 + grec);
      spec.gre_checksum = grec;
      for (uint32_t d : {0u, 2u, 5u}) std::memset(&spec.payload[d * mss + 2], 0, 2);
      Send s = make_send(spec, combo(o, i) + "-zero-csum");
      const auto first = run_uso(reference_impl(), s, mss);
      ASSERT_EQ(first.error, SegmentError::ok);
      for (uint32_t d : {0u, 2u, 5u}) {
        const uint16_t c = load_be16(first.segments[d].data() + s.layout.l4_offset + 6);
        store_be16(s.frame.data() + s.layout.payload_offset + d * mss + 2, c);
      }
      s.layout = parse_nvgre(s.frame, ParseOptions{.large_send = true});
      const auto ref = run_uso(reference_impl(), s, mss);
      ASSERT_EQ(ref.error, SegmentError::ok);
      for (uint32_t d : {0u, 2u, 5u})
        EXPECT_EQ(load_be16(ref.segments[d].data() + s.layout.l4_offset + 6), 0xFFFF) << "datagram " << d;
      check_all(s, mss);
    }
}

// Random sends: versions, options, VLAN, GRE bits, payload and MSS.
TEST(Uso, Randomised) {
  std::mt19937_64 rng(17);
  for (int n = 0; n < 60; ++n) {
    const auto [o, i] = kCombos[rng() % 4];
    NvgreSpec spec = udp_spec(o, i, static_cast<uint32_t>(rng() % 70000), rng());
    add_options(spec, rng() & 1, static_cast<uint32_t>(rng() % 11) * 4, 0);
    spec.gre_checksum = rng() & 1;
    spec.gre_seq = rng() & 1;
    const Send s = make_send(spec, "random" + std::to_string(n));
    if (s.layout.header_size > 256) continue;
    const uint32_t mss = n % 4 == 0 ? 1 + static_cast<uint32_t>(rng() % 64) : 200 + static_cast<uint32_t>(rng() % 9000);
    check_all(s, mss);
  }
}

TEST(UsoErrors, RefusedWithTheirReason) {
  auto expect = [](const Send& s, uint32_t mss, SegmentError want, uint32_t max_header = 256) {
    SCOPED_TRACE(s.name);
    for (const UsoImpl* impl : runnable()) {
      const auto r = run_uso(*impl, s, mss, max_header);
      EXPECT_EQ(r.error, want) << impl->info.name << ": " << segment_error_name(r.error);
      EXPECT_TRUE(r.canary_intact) << impl->info.name;
      EXPECT_EQ(r.count, 0u) << impl->info.name;
    }
  };
  // A TCP send, whatever l4 the caller set: the family segments UDP only.
  const Send tcp = make_send(segtest::base_spec(v4, v4, 5000, 1), "tcp");
  expect(tcp, 1000, SegmentError::not_udp);
  for (const UsoImpl* impl : runnable())
    EXPECT_EQ(segtest::run_impl(*impl, tcp, 1000, 256, L4Proto::tcp).error, SegmentError::not_udp) << impl->info.name;
  const Send big = make_send(udp_spec(v6, v6, 5000, 2), "hs");
  expect(big, 1000, SegmentError::header_too_large, big.layout.header_size - 1);
  expect(make_send(udp_spec(v4, v4, 3000, 3), "mss0"), 0, SegmentError::mss_zero);
  expect(make_send(udp_spec(v4, v4, 70000, 4), "mss-too-large"), 65500, SegmentError::mss_too_large);
  // UDP length shorter than the IP packet says (bytes after the datagram inside inner IP).
  NvgreSpec short_udp = udp_spec(v4, v4, 3000, 5);
  short_udp.large_send = false;
  Send su = make_send(short_udp, "udp-length-short");
  store_be16(su.frame.data() + su.layout.l4_offset + 4, 1000);
  su.layout = parse_nvgre(su.frame, ParseOptions{.large_send = true});
  ASSERT_TRUE(su.layout.ok());
  expect(su, 500, SegmentError::l4_length_mismatch);
  EXPECT_STREQ(segment_error_name(SegmentError::not_udp), "not_udp");
  EXPECT_STRNE(segment_error_message(SegmentError::l4_length_mismatch), segment_error_message(SegmentError::count_));
}

// Ethernet padding after the outer IP packet is legal and is in no datagram.
TEST(Uso, PaddedFrame) {
  NvgreSpec tr = udp_spec(v4, v6, 3000, 6);
  tr.large_send = false;
  Send t = make_send(tr, "padded");
  t.frame.insert(t.frame.end(), 5, 0);
  t.layout = parse_nvgre(t.frame, ParseOptions{.large_send = true});
  ASSERT_TRUE(t.layout.ok());
  check_all(t, 1000);
}

TEST(UsoErrors, OutputTooSmall) {
  const Send s = make_send(udp_spec(v6, v4, 10000, 7), "small");
  const SegmentInput in = make_uso_input(s.frame.data(), s.frame.size(), s.layout, 1418);
  const SegmentPlan plan = plan_uso(in);
  ASSERT_TRUE(plan.ok());
  std::vector<uint8_t> arena(plan.arena_bytes);
  std::vector<SegmentSlice> slices(plan.segments);
  for (const UsoImpl* impl : runnable()) {
    SCOPED_TRACE(impl->info.name);
    EXPECT_EQ(impl->run(in, {arena.data(), arena.size() - 1, slices.data(), slices.size()}), SegmentError::output_too_small);
    EXPECT_EQ(impl->run(in, {arena.data(), arena.size(), slices.data(), slices.size() - 1}), SegmentError::output_too_small);
    if (impl->describe) {
      std::vector<uint8_t> h(plan.header_bytes);
      std::vector<SgEntry> e(plan.segments);
      EXPECT_EQ(impl->run_sg(in, {h.data(), h.size() - 1, e.data(), e.size()}), SegmentError::output_too_small);
      EXPECT_EQ(impl->run_sg(in, {h.data(), h.size(), e.data(), e.size() - 1}), SegmentError::output_too_small);
    }
  }
}

// Input frame, output arena and header arena each ending at a PROT_NONE page.
TEST(UsoGuard, BuffersEndingAtAGuardPage) {
  for (auto [o, i] : kCombos)
    for (uint32_t payload : {65536u, 65535u, 4001u, 1u}) {
      NvgreSpec spec = udp_spec(o, i, payload, payload + 3);
      spec.gre_checksum = payload == 4001;
      const Send s = make_send(spec, combo(o, i) + "-guard");
      for (uint32_t mss : {1418u, 1417u, 8948u, 1u})
        if (mss != 1 || payload <= 4001) segtest::check_guarded(uso_impls(), L4Proto::udp, s, mss);
    }
}

}  // namespace
}  // namespace eb

namespace eb {
namespace {

// The generator's uso preset: every send segments at the MSS its label names (and at 8948),
// every implementation byte-identical to the reference; the preset covers what it promises.
TEST(UsoPresets, UsoPreset) {
  GeneratorConfig cfg;
  cfg.preset = "uso";
  size_t sends = 0, grec = 0, opts = 0, hs256 = 0, whole = 0, partial = 0;
  std::set<std::string> combos;
  generate(cfg, [&](const GeneratedFrame& g) {
    const Send s = segtest::make_send_bytes(g.bytes, g.label);
    ASSERT_TRUE(s.layout.ok()) << g.label << ": " << parse_error_name(s.layout.error);
    ASSERT_EQ(s.layout.l4, L4Proto::udp) << g.label;
    const auto p = g.label.rfind("-mss");
    ASSERT_NE(p, std::string::npos) << g.label;
    const uint32_t mss = static_cast<uint32_t>(std::strtoul(g.label.c_str() + p + 4, nullptr, 10));
    ASSERT_GT(mss, 0u);
    // The label's MSS fills a 1500-byte outer IP packet exactly.
    EXPECT_EQ(mss + s.layout.header_size - s.layout.outer.offset, 1500u) << g.label;
    check_all(s, mss);
    check_all(s, 8948);
    ++sends;
    combos.insert(g.label.substr(4, 8));
    grec += s.layout.gre_checksum_present;
    opts += (s.layout.outer_ipv4() ? s.layout.outer.header_len > 20 : s.layout.outer.ext_count > 0) &&
            (s.layout.inner_ipv4() ? s.layout.inner.header_len > 20 : s.layout.inner.ext_count > 0);
    hs256 += s.layout.header_size == 256;
    (s.layout.payload_len % mss ? partial : whole) += 1;
  });
  EXPECT_EQ(sends, 48u);
  EXPECT_EQ(combos, (std::set<std::string>{"v4v4udp-", "v4v6udp-", "v6v4udp-", "v6v6udp-"}));
  EXPECT_GT(grec, 4u);
  EXPECT_GT(opts, 4u);
  EXPECT_GT(hs256, 0u);
  EXPECT_GT(whole, 4u);
  EXPECT_GT(partial, 4u);
}

}  // namespace
}  // namespace eb
