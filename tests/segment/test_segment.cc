// Segmentation (LSOv2 of NVGRE sends): every implementation against the rules (independent
// checker) and byte for byte against `reference`; edge cases; errors; guard pages; DPDK peer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "kernels/common/arch.h"
#include "kernels/checksum/checksum.h"
#include "tests/segment/segment_test_util.h"
#include "kernels/segment/segment_impls.h"
#include "testing/guard_page.h"

namespace eb {
namespace {

using segtest::add_options;
using segtest::base_spec;
using segtest::check_segments;
using segtest::make_send;
using segtest::run_impl;
using segtest::Send;

using segtest::combo;
using segtest::kCombos;
using segtest::v4;
using segtest::v6;

const SegmentImpl& reference_impl() { return *find_impl(segment_impls(), "reference"); }
std::vector<const SegmentImpl*> runnable() { return segtest::runnable(segment_impls()); }

void check_all(const Send& s, uint32_t mss, uint32_t max_header = 256) {
  segtest::check_all(segment_impls(), L4Proto::tcp, check_segments, s, mss, max_header);
}

TEST(SegmentRegistry, ListsTheFamily) {
  const auto& v = segment_impls();
  for (const char* name : {"reference", "fused", "zerocopy", "dpdk-gso"}) EXPECT_NE(find_impl(v, name), nullptr) << name;
  for (const auto& r : v) {
    EXPECT_EQ(r.info.family, "segment");
    EXPECT_NE(r.segment, nullptr) << r.info.name;
  }
  EXPECT_EQ(find_impl(v, "reference")->info.kind, ImplKind::reference);
  EXPECT_EQ(find_impl(v, "dpdk-gso")->info.kind, ImplKind::peer);
  EXPECT_NE(find_impl(v, "zerocopy")->describe, nullptr);
  EXPECT_TRUE(best_segment().info.supported());
  // Every fused-NAME variant follows a checksum record with copy_and_sum (except the segment
  // family's own kernels, named "segment:...").
  for (const auto& r : v) {
    if (r.info.name.rfind("fused", 0) != 0 || r.kernels.checksum_impl.rfind("segment:", 0) == 0) continue;
    ASSERT_NE(r.kernels.copy_and_sum, nullptr) << r.info.name;
    const ChecksumImpl* c = find_checksum(r.kernels.checksum_impl);
    ASSERT_NE(c, nullptr) << r.kernels.checksum_impl;
    EXPECT_EQ(c->copy_and_sum, r.kernels.copy_and_sum);
  }
}

// 64 KiB sends at the two MTUs of the benchmarks, in all four IP combinations.
TEST(Segment, LargeSendsAllCombos) {
  for (auto [o, i] : kCombos)
    for (uint32_t mss : {1418u, 8948u, 1460u}) {
      const Send s = make_send(base_spec(o, i, 65536, 11 + mss), combo(o, i) + "-64k");
      check_all(s, mss);
    }
}

// Payload k*MSS, k*MSS+1, k*MSS-1, one byte, MSS 1, MSS above and equal to the payload.
TEST(Segment, PayloadEdges) {
  for (auto [o, i] : kCombos) {
    const uint32_t mss = 1000;
    for (uint32_t p : {3 * mss, 3 * mss + 1, 3 * mss - 1, 1u, mss, mss + 1, 2 * mss})
      check_all(make_send(base_spec(o, i, p, p), combo(o, i) + "-p" + std::to_string(p)), mss);
    check_all(make_send(base_spec(o, i, 777, 5), combo(o, i) + "-mss1"), 1);
    check_all(make_send(base_spec(o, i, 2, 6), combo(o, i) + "-mss1-p2"), 1);
    check_all(make_send(base_spec(o, i, 64, 7), combo(o, i) + "-mss63"), 63);  // odd MSS: odd-length middles
  }
}

// A send that fits one segment passes through as that segment with every checksum filled (the
// super-packet carries the length-0 pseudo-header seed, so the TCP checksum must change).
TEST(Segment, FitsOneSegmentPassesThroughFilled) {
  for (auto [o, i] : kCombos) {
    NvgreSpec spec = base_spec(o, i, 500, 21);
    spec.tcp_flags = 0x80 | 0x18 | 0x01;  // CWR PSH ACK FIN: all kept on the only segment
    const Send s = make_send(spec, combo(o, i) + "-fits");
    const auto r = run_impl(reference_impl(), s, 1460);
    ASSERT_EQ(r.error, SegmentError::ok);
    EXPECT_TRUE(r.plan.passthrough());
    ASSERT_EQ(r.segments.size(), 1u);
    EXPECT_EQ(check_segments(s, 1460, r.segments), "");
    EXPECT_EQ(r.segments[0][s.layout.l4_offset + 13], spec.tcp_flags);
    // An empty payload is one header-only segment too.
    check_all(make_send(base_spec(o, i, 0, 22), combo(o, i) + "-empty"), 1460);
    check_all(s, 1460);
  }
}

// Ethernet padding is not payload: after the outer IP packet (a captured FCS, or a frame padded to
// the minimum) or between the inner and the outer IP end (a padded inner frame), the segments
// are exactly those of the unpadded send, with every implementation.
TEST(Segment, EthernetPaddingIsNotPayload) {
  for (auto [o, i] : kCombos) {
    const Send plain = make_send(base_spec(o, i, 3000, 31), combo(o, i) + "-plain");
    const auto want = run_impl(reference_impl(), plain, 1000);
    ASSERT_EQ(want.error, SegmentError::ok);
    Send trailer = plain;
    trailer.name = combo(o, i) + "-trailer";
    for (uint8_t b : {0xde, 0xad, 0xbe, 0xef}) trailer.frame.push_back(b);
    trailer.layout = parse_nvgre(trailer.frame, ParseOptions{.large_send = true});
    ASSERT_TRUE(trailer.layout.ok());
    Send inner_pad = plain;
    inner_pad.name = combo(o, i) + "-inner-padding";
    inner_pad.frame.insert(inner_pad.frame.end(), 6, 0);
    uint8_t* oip = inner_pad.frame.data() + plain.layout.outer.offset;
    if (o == IpVersion::v4) store_be16(oip + 2, static_cast<uint16_t>(load_be16(oip + 2) + 6));
    else store_be16(oip + 4, static_cast<uint16_t>(load_be16(oip + 4) + 6));
    inner_pad.layout = parse_nvgre(inner_pad.frame, ParseOptions{.large_send = true});
    ASSERT_TRUE(inner_pad.layout.ok()) << parse_error_name(inner_pad.layout.error);
    ASSERT_LT(inner_pad.layout.inner.end(), inner_pad.layout.outer.end());
    for (const Send* s : {&trailer, &inner_pad}) {
      const auto got = run_impl(reference_impl(), *s, 1000);
      ASSERT_EQ(got.error, SegmentError::ok) << s->name << ": " << segment_error_name(got.error);
      EXPECT_EQ(got.segments, want.segments) << s->name;
      check_all(*s, 1000);
    }
  }
}

// The 256-byte maximum header with options everywhere, and the header-size sweep.
TEST(Segment, HeaderSizesUpTo256WithOptions) {
  for (auto [o, i] : kCombos) {
    for (uint32_t ipo : {0u, 4u, 12u, 24u, 40u})
      for (uint32_t tcpo : {0u, 12u, 40u})
        for (bool vlan : {false, true}) {
          NvgreSpec spec = base_spec(o, i, 5000 + ipo + tcpo, ipo * 100 + tcpo + vlan);
          add_options(spec, vlan, ipo, tcpo);
          const Send s = make_send(spec, combo(o, i) + "-opts" + std::to_string(ipo) + "-" + std::to_string(tcpo) +
                                             (vlan ? "-vlan" : ""));
          if (s.layout.header_size > 256) continue;
          check_all(s, 1400);
        }
  }
  // Options everywhere up to exactly 256: outer VLAN (18), outer IPv6 with extension headers,
  // GRE with C and S (16), inner Ethernet (14), inner IPv4 with 40 option bytes (60), TCP with
  // 40 option bytes (60).
  NvgreSpec spec = base_spec(v6, v4, 20000, 99);
  spec.outer_vlan = true;
  spec.outer.ip6_ext = {Ip6ExtSpec{.type = kIp6HopByHop, .len = 16}, Ip6ExtSpec{.type = kIp6DestOpts, .len = 16}};
  spec.inner.ipv4_options_len = 40;
  spec.tcp_options_len = 40;
  spec.gre_checksum = true;
  spec.gre_seq = true;
  const Send s = make_send(spec, "v6v4-256");
  ASSERT_EQ(s.layout.header_size, 18u + 40 + 32 + 16 + 14 + 60 + 60);
  ASSERT_EQ(s.layout.header_size, 240u);
  check_all(s, 1418);
  NvgreSpec spec2 = spec;
  spec2.outer.ip6_ext.push_back(Ip6ExtSpec{.type = kIp6DestOpts, .len = 16});
  const Send s2 = make_send(spec2, "v6v4-256b");
  ASSERT_EQ(s2.layout.header_size, 256u);
  check_all(s2, 1418);
  check_all(s2, 1);
}

// GRE checksum (C bit) recomputed per segment; GRE sequence (S bit) copied.
TEST(Segment, GreChecksumAndSequence) {
  for (auto [o, i] : kCombos)
    for (int cs = 1; cs < 4; ++cs) {
      NvgreSpec spec = base_spec(o, i, 9001, 31 + cs);
      spec.gre_checksum = cs & 1;
      spec.gre_seq = cs & 2;
      spec.gre_seq_number = 0xDEADBEEF;
      check_all(make_send(spec, combo(o, i) + "-gre" + std::to_string(cs)), 1418);
    }
}

// IPv6 type-2 routing header (final destination) and Home Address option in the pseudo-header.
TEST(Segment, Ipv6MobilityPseudoHeader) {
  for (IpVersion o : {v4, v6}) {
    NvgreSpec spec = base_spec(o, v6, 4000, 41);
    Ip6ExtSpec hao{.type = kIp6DestOpts, .len = 24, .home_address_option = true};
    Ip6ExtSpec rt2{.type = kIp6Routing, .len = 24, .routing_type = 2};
    for (int k = 0; k < 16; ++k) hao.home_address[k] = static_cast<uint8_t>(0xA0 + k), rt2.home_address[k] = static_cast<uint8_t>(0xC0 + k);
    spec.inner.ip6_ext = {rt2};
    const Send a = make_send(spec, combo(o, v6) + "-rt2");
    ASSERT_NE(a.layout.inner.ip6_rt2_addr_offset, 0u);
    check_all(a, 1000);
    spec.inner.ip6_ext = {hao};
    const Send b = make_send(spec, combo(o, v6) + "-hao");
    ASSERT_NE(b.layout.inner.ip6_home_addr_offset, 0u);
    check_all(b, 1000);
  }
}

// Flags: FIN/PSH only last, CWR only first, the others everywhere; IDs and seq wrap.
TEST(Segment, FlagsIdsAndSequenceWrap) {
  for (auto [o, i] : kCombos)
    for (uint8_t flags : {uint8_t{0x10}, uint8_t{0x19}, uint8_t{0x98}, uint8_t{0xD9}, uint8_t{0xFF}}) {
      NvgreSpec spec = base_spec(o, i, 7000, flags);
      spec.tcp_flags = flags;
      spec.outer.ipv4_id = 0xFFFE;
      spec.inner.ipv4_id = 0xFFFF;
      spec.tcp_seq = 0xFFFFF000;
      check_all(make_send(spec, combo(o, i) + "-flags" + std::to_string(flags)), 1000);
    }
}

// Randomised sends: versions, options, VLAN, GRE bits, flags, payload and MSS.
TEST(Segment, RandomSends) {
  std::mt19937_64 rng(20240611);
  for (int n = 0; n < 150; ++n) {
    const auto [o, i] = kCombos[rng() % 4];
    const uint32_t payload = static_cast<uint32_t>(rng() % 70000);
    NvgreSpec spec = base_spec(o, i, payload, rng());
    add_options(spec, rng() & 1, static_cast<uint32_t>(rng() % 11) * 4, static_cast<uint32_t>(rng() % 11) * 4);
    spec.gre_checksum = rng() % 4 == 0;
    spec.gre_seq = rng() % 4 == 0;
    spec.tcp_flags = static_cast<uint8_t>(rng());
    spec.l4_checksum_pseudo_seed = rng() & 1;
    const Send s = make_send(spec, "random" + std::to_string(n));
    if (s.layout.header_size > 256) continue;
    const uint32_t mss = rng() % 8 == 0 ? 1 + static_cast<uint32_t>(rng() % 64) : 500 + static_cast<uint32_t>(rng() % 9000);
    if (payload / mss > 20000) continue;
    check_all(s, mss);
  }
}

// --- Errors: a specific error, nothing written ---------------------------------------------
void expect_error(const Send& s, uint32_t mss, SegmentError want, uint32_t max_header = 256) {
  SCOPED_TRACE(s.name);
  for (const SegmentImpl* impl : runnable()) {
    SCOPED_TRACE(impl->info.name);
    const auto r = run_impl(*impl, s, mss, max_header);
    EXPECT_EQ(r.error, want) << segment_error_name(r.error);
    EXPECT_TRUE(r.canary_intact);
    EXPECT_TRUE(r.segments.empty());
  }
  EXPECT_STRNE(segment_error_message(want), segment_error_message(SegmentError::count_));
}

TEST(SegmentErrors, SpecificErrors) {
  NvgreSpec udp = base_spec(v4, v4, 3000, 1);
  udp.l4 = L4Proto::udp;
  expect_error(make_send(udp, "udp"), 1000, SegmentError::not_tcp);

  NvgreSpec big = base_spec(v4, v4, 3000, 2);
  add_options(big, true, 40, 40);
  const Send bs = make_send(big, "header-200");
  expect_error(bs, 1000, SegmentError::header_too_large, bs.layout.header_size - 1);
  check_all(bs, 1000, bs.layout.header_size);  // exactly at the limit is fine

  expect_error(make_send(base_spec(v4, v4, 3000, 3), "mss0"), 0, SegmentError::mss_zero);
  // MSS so large a full segment overflows the 16-bit IPv4 total length.
  expect_error(make_send(base_spec(v4, v4, 70000, 4), "mss-too-large"), 65500, SegmentError::mss_too_large);

  // Parse error: a truncated frame.
  Send t = make_send(base_spec(v4, v4, 3000, 5), "truncated");
  t.frame.resize(60);
  t.layout = parse_nvgre(t.frame, ParseOptions{.large_send = true});
  expect_error(t, 1000, SegmentError::parse_error);


  // A layout that is not this frame's.
  Send other = make_send(base_spec(v4, v4, 3000, 8), "stale-layout");
  other.layout.frame_len += 1;
  expect_error(other, 1000, SegmentError::parse_error);
}

TEST(SegmentErrors, OutputTooSmall) {
  const Send s = make_send(base_spec(v4, v6, 10000, 9), "small-out");
  const SegmentInput in{s.frame.data(), s.frame.size(), &s.layout, 1418, 256};
  const SegmentPlan plan = plan_segments(in);
  ASSERT_TRUE(plan.ok());
  for (const SegmentImpl* impl : runnable()) {
    SCOPED_TRACE(impl->info.name);
    std::vector<uint8_t> arena(plan.arena_bytes, segtest::kCanary);
    std::vector<SegmentSlice> slices(plan.segments);
    EXPECT_EQ(impl->run(in, {arena.data(), arena.size() - 1, slices.data(), slices.size()}), SegmentError::output_too_small);
    EXPECT_EQ(impl->run(in, {arena.data(), arena.size(), slices.data(), slices.size() - 1}), SegmentError::output_too_small);
    EXPECT_TRUE(std::all_of(arena.begin(), arena.end(), [](uint8_t b) { return b == segtest::kCanary; }));
    if (impl->describe) {
      std::vector<uint8_t> h(plan.header_bytes);
      std::vector<SgEntry> e(plan.segments);
      EXPECT_EQ(impl->run_sg(in, {h.data(), h.size() - 1, e.data(), e.size()}), SegmentError::output_too_small);
      EXPECT_EQ(impl->run_sg(in, {h.data(), h.size(), e.data(), e.size() - 1}), SegmentError::output_too_small);
    }
  }
}

TEST(SegmentErrors, GatherRefusesAForeignList) {
  const Send s = make_send(base_spec(v4, v4, 5000, 10), "sg");
  const SegmentInput in{s.frame.data(), s.frame.size(), &s.layout, 1000, 256};
  const SegmentPlan plan = plan_segments(in);
  const SegmentImpl& zc = *find_impl(segment_impls(), "zerocopy");
  std::vector<uint8_t> h(plan.header_bytes);
  std::vector<SgEntry> e(plan.segments);
  ASSERT_EQ(zc.run_sg(in, {h.data(), h.size(), e.data(), e.size()}), SegmentError::ok);
  std::vector<uint8_t> arena(plan.arena_bytes, segtest::kCanary);
  std::vector<SegmentSlice> slices(plan.segments);
  e.back().payload_len += 1;
  EXPECT_EQ(gather_segments(in, e.data(), plan.segments, h.data(), {arena.data(), arena.size(), slices.data(), slices.size()}),
            SegmentError::sg_mismatch);
  EXPECT_EQ(gather_segments(in, e.data(), plan.segments - 1, h.data(), {arena.data(), arena.size(), slices.data(), slices.size()}),
            SegmentError::sg_mismatch);
  EXPECT_TRUE(std::all_of(arena.begin(), arena.end(), [](uint8_t b) { return b == segtest::kCanary; }));
}

// --- Guard pages: input frame, output arena and header arena each ending at a PROT_NONE page.
TEST(SegmentGuard, BuffersEndingAtAGuardPage) {
  for (auto [o, i] : kCombos)
    for (uint32_t payload : {65536u, 65535u, 4001u, 1u}) {
      const Send s = make_send(base_spec(o, i, payload, payload + 3), combo(o, i) + "-guard");
      for (uint32_t mss : {1418u, 1417u, 8948u}) segtest::check_guarded(segment_impls(), L4Proto::tcp, s, mss);
    }
}

// --- DPDK peer: field by field where rte_gso should agree -------------------------------------
TEST(SegmentDpdk, AgreesWithReferenceWhereItShould) {
  segment_start_peers();
  const SegmentImpl& dpdk = *find_impl(segment_impls(), "dpdk-gso");
  if (!dpdk.info.supported()) GTEST_SKIP() << "dpdk-gso: " << dpdk.info.why_unsupported();
  std::mt19937_64 rng(7);
  int compared = 0;
  for (int n = 0; n < 40; ++n) {
    NvgreSpec spec = base_spec(v4, v4, n < 4 ? 65536 : static_cast<uint32_t>(rng() % 66000), rng());
    add_options(spec, rng() & 1, static_cast<uint32_t>(rng() % 11) * 4, static_cast<uint32_t>(rng() % 11) * 4);
    spec.tcp_flags = static_cast<uint8_t>(rng()) | 0x10;
    if (n % 3 == 0) spec.tcp_flags &= 0x7F;
    const Send s = make_send(spec, "dpdk" + std::to_string(n));
    const uint32_t mss = n % 2 ? 1418 : 500 + static_cast<uint32_t>(rng() % 8500);
    SCOPED_TRACE(s.name + " mss " + std::to_string(mss));
    const auto ref = run_impl(reference_impl(), s, mss);
    const auto got = run_impl(dpdk, s, mss);
    ASSERT_EQ(got.error, SegmentError::ok) << segment_error_name(got.error);
    ASSERT_EQ(got.count, ref.count);
    const bool cwr = spec.tcp_flags & 0x80;
    const uint32_t t = s.layout.l4_offset;
    for (uint32_t i = 0; i < got.count; ++i) {
      const auto& a = got.segments[i];
      const auto& b = ref.segments[i];
      ASSERT_EQ(a.size(), b.size());
      if (!cwr || i == 0) {
        // Identical when the CWR difference cannot arise.
        const auto d = std::mismatch(a.begin(), a.end(), b.begin());
        ASSERT_TRUE(d.first == a.end()) << "segment " << i << " first differs at byte " << (d.first - a.begin())
                                        << " (TCP header at " << t << ")";
        continue;
      }
      // DPDK keeps CWR on every segment: only the flags byte and the TCP checksum may differ,
      // and DPDK's own TCP checksum must verify over its own bytes.
      for (size_t k = 0; k < a.size(); ++k) {
        if (k == t + 13) {
          EXPECT_EQ(a[k], b[k] | 0x80);
        } else if (k != t + 16 && k != t + 17) {
          ASSERT_EQ(a[k], b[k]) << "segment " << i << " byte " << k;
        }
      }
      const uint32_t tl = static_cast<uint32_t>(a.size()) - t;
      EXPECT_TRUE(segtest::sum_verifies(a.data() + t, tl, segtest::pseudo_sum(a.data(), s.layout, tl)));
    }
    ++compared;
  }
  EXPECT_EQ(compared, 40);
}

TEST(SegmentDpdk, RefusesWhatRteGsoCannotDo) {
  segment_start_peers();
  const SegmentImpl& dpdk = *find_impl(segment_impls(), "dpdk-gso");
  if (!dpdk.info.supported()) GTEST_SKIP() << "dpdk-gso: " << dpdk.info.why_unsupported();
  for (auto [o, i] : {std::pair{v4, v6}, std::pair{v6, v4}, std::pair{v6, v6}})
    EXPECT_EQ(run_impl(dpdk, make_send(base_spec(o, i, 5000, 1), "v6"), 1000).error, SegmentError::unsupported);
  NvgreSpec c = base_spec(v4, v4, 5000, 2);
  c.gre_checksum = true;
  EXPECT_EQ(run_impl(dpdk, make_send(c, "grec"), 1000).error, SegmentError::unsupported);
}

}  // namespace
}  // namespace eb

namespace eb {
namespace {

// The segment family's own AVX-512 sums, against the plain loop: every start alignment, lengths
// around every block edge, segments cut at MSS values around 64, each range ending exactly at a
// PROT_NONE page (and starting right after one, for offsets < a page).
#if EB_ARCH_X86_64
TEST(SegmentKernels, AlignedSumsEveryAlignmentAtGuardPages) {
  const auto* zc = find_impl(segment_impls(), "zerocopy-avx512");
  ASSERT_NE(zc, nullptr);
  if (!zc->info.supported()) GTEST_SKIP() << zc->info.why_unsupported();
  test::GuardedArena arena(70000);
  std::mt19937_64 rng(3);
  auto fill = [&](uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng());
  };
  // One range: every length 1..300 and some long ones, every start alignment (ending at the page
  // or as close as the alignment allows).
  for (size_t n = 1; n <= 300; ++n)
    for (size_t al = 0; al < 64; ++al) {
      size_t slack = 0;
      uint8_t* p = arena.span_aligned(n, al, &slack);
      fill(p, n);
      ASSERT_EQ(fold16(zc->kernels.sum(p, n, 0)), fold16(ones_complement_sum_simple(p, n)))
          << "n " << n << " align " << al;
    }
  for (size_t n : {4096u, 65535u, 65536u, 69999u}) {
    uint8_t* p = arena.span(n);
    fill(p, n);
    ASSERT_EQ(fold16(zc->kernels.sum(p, n, 0x1234)),
              fold16(ones_complement_sum_simple(p, n, 0x1234)));
  }
  // Segment sums in one pass: payloads cut every MSS, batches as the zero-copy loop takes them.
  uint32_t out[64];
  out[0] = 0xDEAD;
  segment_detail::multi_sums_aligned_avx512(arena.span(0), 0, 1418, 0, 1, out);  // empty payload: one segment
  EXPECT_EQ(fold16(out[0]), 0);
  for (uint32_t P : {1u, 63u, 64u, 65u, 200u, 1418u, 5000u, 65536u})
    for (uint32_t mss : {1u, 63u, 64u, 65u, 100u, 1417u, 1418u})
      for (size_t al = 0; al < 64; al += (P > 5000 ? 7 : 1)) {
        size_t slack = 0;
        uint8_t* p = arena.span_aligned(P, al, &slack);
        fill(p, P);
        const uint32_t n = (P + mss - 1) / mss;
        for (uint32_t b = 0; b < n && b < 2048; b += 16) {
          const uint32_t cnt = std::min(16u, n - b);
          segment_detail::multi_sums_aligned_avx512(p, P, mss, b, cnt, out);
          for (uint32_t k = 0; k < cnt; ++k) {
            const size_t off = size_t{b + k} * mss;
            const size_t len = std::min<size_t>(mss, P - off);
            ASSERT_EQ(fold16(out[k]), fold16(ones_complement_sum_simple(p + off, len)))
                << "P " << P << " mss " << mss << " align " << al << " segment " << b + k;
          }
        }
      }
}
#endif  // EB_ARCH_X86_64

}  // namespace
}  // namespace eb
