// The per-packet kernels (every record with fill_packet: onepass-avx512, onepass-hwy,
// inline-avx512, inline) against the per-header path of the reference record, byte for byte and status for status: every corpus preset, every header size
// of the sweep with several payload lengths, frames that end exactly at an unmapped page (at the
// end of the header region and at the end of the payload), Ethernet padding after the IP packet,
// and random corruptions of every kind the per-header path reports.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "kernels/checksum/checksum.h"
#include "kernels/common/arch.h"
#include "kernels/checksum/offload.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"
#include "testing/guard_page.h"

namespace eb {
namespace {

std::vector<const ChecksumImpl*> onepass_impls() {
  std::vector<const ChecksumImpl*> v;
  for (const auto& r : checksum_impls())
    if (r.fill_packet && r.info.supported()) v.push_back(&r);
  return v;
}

bool same(const VerifyResult& a, const VerifyResult& b) {
  return a.outer_ip == b.outer_ip && a.inner_ip == b.inner_ip && a.l4 == b.l4 && a.gre == b.gre;
}
std::string str(const VerifyResult& r) {
  return std::string(csum_status_name(r.outer_ip)) + "/" + csum_status_name(r.inner_ip) + "/" +
         csum_status_name(r.l4) + "/" + csum_status_name(r.gre);
}

// Scrambles every checksum field the layout has, so fill must compute them all.
void scramble(uint8_t* f, const NvgreLayout& L, uint16_t salt) {
  if (!L.ok()) return;  // offsets past the failing header are not meaningful
  if (L.l4 == L4Proto::tcp || L.l4 == L4Proto::udp) store_be16(f + L.l4_checksum_offset(), 0xBEEF ^ salt);
  if (L.outer_ipv4()) store_be16(f + L.outer.offset + 10, 0x1111 ^ salt);
  if (L.inner_ipv4()) store_be16(f + L.inner.offset + 10, 0x2222 ^ salt);
  if (L.gre_checksum_present) store_be16(f + L.gre_offset + 4, 0x3333 ^ salt);
}

size_t g_checked = 0;

// `frame` (n bytes) is where the kernels run (a guarded span or a plain buffer). Checks verify
// on the frame as given, then fill from scrambled fields, then verify again, each against the
// reference per-header path on a copy.
void expect_same(uint8_t* frame, size_t n, const ParseOptions& opt, const std::string& where) {
  const NvgreLayout L = parse_nvgre(frame, n, opt);
  const std::vector<uint8_t> orig(frame, frame + n);
  const ChecksumImpl& ref = reference_checksum();
  for (const ChecksumImpl* impl : onepass_impls()) {
    std::memcpy(frame, orig.data(), n);
    const VerifyResult want = checksum_verify(orig.data(), L, ref);
    const VerifyResult got = checksum_verify(frame, L, *impl);
    ASSERT_TRUE(same(got, want)) << where << " " << impl->info.name << ": verify " << str(got) << " want " << str(want);

    std::vector<uint8_t> expect = orig;
    scramble(expect.data(), L, static_cast<uint16_t>(n));
    scramble(frame, L, static_cast<uint16_t>(n));
    const uint8_t w_ref = checksum_fill(expect.data(), L, ref);
    const uint8_t w_got = checksum_fill(frame, L, *impl);
    ASSERT_EQ(w_got, w_ref) << where << " " << impl->info.name;
    ASSERT_EQ(0, std::memcmp(frame, expect.data(), n)) << where << " " << impl->info.name << ": fill differs";
    const VerifyResult after = checksum_verify(frame, L, *impl);
    ASSERT_TRUE(same(after, checksum_verify(expect.data(), L, ref))) << where << " " << impl->info.name;
    ++g_checked;
  }
  std::memcpy(frame, orig.data(), n);
}

// A frame copied so that it ends exactly at an unmapped page.
void expect_same_guarded(test::GuardedArena& arena, const std::vector<uint8_t>& bytes, const ParseOptions& opt,
                         const std::string& where) {
  uint8_t* f = arena.span(bytes.size());
  std::memcpy(f, bytes.data(), bytes.size());
  expect_same(f, bytes.size(), opt, where);
}

TEST(OnePass, RecordsExistAndAreListed) {
#if EB_ARCH_X86_64
  const char* const names[] = {"onepass-avx512", "onepass-hwy", "inline-avx512", "inline"};
#else
  const char* const names[] = {"onepass-hwy", "inline"};  // the AVX-512 kernels are x86-64 only
#endif
  for (const char* name : names) {
    const ChecksumImpl* r = find_checksum(name);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_NE(r->fill_packet, nullptr);
    EXPECT_NE(r->verify_packet, nullptr);
    EXPECT_NE(r->sum, nullptr);
  }
  if (onepass_impls().empty()) GTEST_SKIP() << "no one-pass kernel runs on this CPU";
}

// best_packet_checksum() is a per-packet kernel that runs here (the portable `inline` runs on
// every CPU), best_checksum() stays a plain sum kernel, and the portable record's bulk sum is a
// per-header kernel's (never itself: no recursion through the fallback).
TEST(OnePass, BestPacketRecordIsAPerPacketKernel) {
  const ChecksumImpl& best = best_packet_checksum();
  EXPECT_NE(best.fill_packet, nullptr) << best.info.name;
  EXPECT_TRUE(best.info.supported());
  EXPECT_EQ(best.info.kind, ImplKind::implementation);
  EXPECT_EQ(best_checksum().fill_packet, nullptr) << best_checksum().info.name;
  for (const auto& r : checksum_impls())
    if (r.fill_packet && r.info.supported() && r.info.kind == ImplKind::implementation) {
      EXPECT_EQ(&r, &best) << "the first supported per-packet record in rank order";
      break;
    }
  const ChecksumImpl* portable = find_checksum("inline");
  ASSERT_NE(portable, nullptr);
  std::vector<uint8_t> data(3000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + 7);
  for (size_t n : {0, 1, 191, 192, 1500, 3000})
    EXPECT_EQ(fold16(portable->sum(data.data(), n, 0)), fold16(reference_checksum().sum(data.data(), n, 0))) << n;
}

TEST(OnePass, MatchesPerHeaderPathOnEveryPreset) {
  if (onepass_impls().empty()) GTEST_SKIP() << "no one-pass kernel runs on this CPU";
  test::GuardedArena arena(1 << 17);
  for (const auto& preset : generator_presets()) {
    GeneratorConfig cfg;
    cfg.preset = preset.name;
    cfg.seed = 11;
    if (preset.name == "lso") cfg.packets = 24;  // 64 KiB frames: a few are enough
    for (const GeneratedFrame& g : generate_frames(cfg))
      expect_same_guarded(arena, g.bytes, g.parse, preset.name + " " + g.label);
  }
}

// Every header size of the sweep, payloads from none to past the region, odd and even, with and
// without the GRE checksum and an outer VLAN; the frame ends at the guard page, so the header
// region (payload 0) and the frame end are both tested against an unmapped page.
// The corpus entry points (fill_batch / verify_batch, what the benchmarks time) give what a loop
// of checksum_fill / checksum_verify with the same record gives, on every preset, with every
// checksum field scrambled first (so fill writes) and with corruptions (so verify falls back).
TEST(OnePass, BatchEntryPointsMatchThePerPacketLoop) {
  size_t checked = 0;
  for (const auto& r : checksum_impls()) {
    if (!r.fill_batch || !r.verify_batch || !r.info.supported()) continue;
    for (const auto& preset : generator_presets()) {
      GeneratorConfig cfg;
      cfg.preset = preset.name;
      cfg.seed = 5;
      if (preset.name == "lso") cfg.packets = 8;
      Corpus a, b;
      uint16_t salt = 0;
      for (const GeneratedFrame& g : generate_frames(cfg)) {
        std::vector<uint8_t> bytes = g.bytes;
        const NvgreLayout L = parse_nvgre(bytes.data(), bytes.size(), g.parse);
        if (++salt % 3 == 0) scramble(bytes.data(), L, salt);  // a third with every field wrong
        a.add(bytes, g.label, 0, 0, g.parse);
        b.add(bytes, g.label, 0, 0, g.parse);
      }
      // Verify first (the scrambled fields and the generator's corruptions are bad or partial).
      std::vector<VerifyResult> got(a.size()), want(a.size());
      const size_t bad = r.verify_batch(a, got.data());
      size_t want_bad = 0;
      for (size_t i = 0; i < b.size(); ++i) {
        want[i] = checksum_verify(b.data(i), b[i].layout, r);
        want_bad += want[i].any_bad();
        ASSERT_TRUE(same(got[i], want[i])) << r.info.name << " " << preset.name << " #" << i << ": " << str(got[i])
                                           << " vs " << str(want[i]);
      }
      EXPECT_EQ(bad, want_bad) << r.info.name << " " << preset.name;
      // Then fill: same bytes, same count.
      size_t want_filled = 0;
      for (size_t i = 0; i < b.size(); ++i)
        if (checksum_fields(b[i].layout)) checksum_fill(b.mutable_data(i), b[i].layout, r), ++want_filled;
      EXPECT_EQ(r.fill_batch(a), want_filled) << r.info.name << " " << preset.name;
      for (size_t i = 0; i < a.size(); ++i)
        ASSERT_EQ(0, std::memcmp(a.data(i), b.data(i), a[i].length)) << r.info.name << " " << preset.name << " #" << i;
      checked += a.size();
    }
  }
  if (!checked) GTEST_SKIP() << "no record with batch entry points runs on this CPU";
}

TEST(OnePass, EveryHeaderSizeAndPayloadLength) {
  if (onepass_impls().empty()) GTEST_SKIP() << "no one-pass kernel runs on this CPU";
  test::GuardedArena arena(1 << 14);
  const IpVersion vs[] = {IpVersion::v4, IpVersion::v6};
  for (IpVersion o : vs)
    for (IpVersion i : vs)
      for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp}) {
        const uint32_t mn = min_header_size(o, i, l4), mx = max_header_size(o, i, l4);
        for (uint32_t hs = mn; hs <= mx && hs <= 264; hs += 4)
          for (uint32_t variant = 0; variant < 2; ++variant) {
            auto spec = spec_for_header_size(o, i, l4, hs, nullptr, variant);
            if (!spec) continue;
            for (size_t payload : std::initializer_list<size_t>{0, 1, 2, 63, 64, 255 - hs % 256, 256 - hs % 256, 1459})
              for (bool c : {false, true}) {
                NvgreSpec s = *spec;
                s.gre_checksum = c;
                s.payload.assign(payload, 0);
                for (size_t k = 0; k < payload; ++k) s.payload[k] = static_cast<uint8_t>(k * 7 + hs);
                const std::vector<uint8_t> b = build_nvgre(s);
                const std::string where = combo_name(o, i, l4) + " hs " + std::to_string(hs) + " v" +
                                          std::to_string(variant) + " payload " + std::to_string(payload) +
                                          (c ? " C" : "");
                expect_same_guarded(arena, b, {}, where);
                if (::testing::Test::HasFatalFailure()) return;
              }
          }
      }
  EXPECT_GT(g_checked, 1000u);
}

// Bytes after the outer IP packet (Ethernet padding) are not covered by any checksum.
TEST(OnePass, EthernetPaddingIsNotSummed) {
  if (onepass_impls().empty()) GTEST_SKIP() << "no one-pass kernel runs on this CPU";
  test::GuardedArena arena(1 << 12);
  for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp})
    for (size_t payload : {0, 1, 5, 6, 17}) {
      auto spec = spec_for_header_size(IpVersion::v4, IpVersion::v4, l4, min_header_size(IpVersion::v4, IpVersion::v4, l4));
      ASSERT_TRUE(spec);
      spec->payload.assign(payload, 0x5A);
      spec->gre_checksum = payload & 1;
      std::vector<uint8_t> b = build_nvgre(*spec);
      for (size_t pad = 1; pad <= 9; ++pad) {
        std::vector<uint8_t> p = b;
        p.resize(b.size() + pad, 0xA5);
        const NvgreLayout L = parse_nvgre(p.data(), p.size());
        if (!L.ok()) continue;  // the parser decides what padding it accepts
        expect_same_guarded(arena, p, {}, "padding " + std::to_string(pad) + " payload " + std::to_string(payload));
      }
    }
}

// Random corruption anywhere in the frame: every status (bad, absent, and whatever else the
// per-header path reports) must come out the same.
TEST(OnePass, CorruptionsReportTheSameStatuses) {
  if (onepass_impls().empty()) GTEST_SKIP() << "no one-pass kernel runs on this CPU";
  test::GuardedArena arena(1 << 14);
  GeneratorConfig cfg;
  cfg.preset = "mixed";
  cfg.seed = 5;
  cfg.packets = 300;
  Rng rng(99);
  for (const GeneratedFrame& g : generate_frames(cfg)) {
    for (int k = 0; k < 6; ++k) {
      std::vector<uint8_t> b = g.bytes;
      const size_t flips = 1 + rng.below(3);
      for (size_t j = 0; j < flips; ++j) b[rng.below(b.size() < 300 ? b.size() : 300)] ^= static_cast<uint8_t>(1 + rng.below(255));
      expect_same_guarded(arena, b, g.parse, g.label + " corrupted");
      if (::testing::Test::HasFatalFailure()) return;
    }
    // A zero UDP checksum (absent over IPv4, bad over IPv6).
    const NvgreLayout L = parse_nvgre(g.bytes.data(), g.bytes.size(), g.parse);
    if (L.ok() && L.l4 == L4Proto::udp) {
      std::vector<uint8_t> b = g.bytes;
      store_be16(b.data() + L.l4_checksum_offset(), 0);
      expect_same_guarded(arena, b, g.parse, g.label + " udp zero");
    }
  }
}

// onepass-hwy on every Highway target this CPU runs (the masked-load targets and the ones that
// copy the region first), chosen with Highway's own test hook.
TEST(OnePass, HighwayKernelOnEveryTarget) {
  const ChecksumImpl* hwy = find_checksum("onepass-hwy");
  if (!hwy || !hwy->info.supported()) GTEST_SKIP() << "onepass-hwy does not run here";
  test::GuardedArena arena(1 << 14);
  size_t targets = 0;
  // Every target Highway compiled and this CPU runs, on any architecture (read before the mock
  // below changes what Highway reports).
  const std::vector<int64_t> compiled_and_supported = hwy::SupportedAndGeneratedTargets();
  for (int64_t bit : compiled_and_supported) {
    hwy::SetSupportedTargetsForTest(bit);
    hwy::GetChosenTarget().Update(hwy::SupportedTargets());  // dynamic dispatch follows the mock
    ++targets;
    for (const char* preset : {"header-sweep", "mixed", "imix"}) {
      GeneratorConfig cfg;
      cfg.preset = preset;
      cfg.seed = 7;
      for (const GeneratedFrame& g : generate_frames(cfg)) {
        expect_same_guarded(arena, g.bytes, g.parse, std::string(hwy::TargetName(bit)) + " " + preset + " " + g.label);
        if (::testing::Test::HasFatalFailure()) break;
      }
      if (::testing::Test::HasFatalFailure()) break;
    }
    if (::testing::Test::HasFatalFailure()) break;
  }
  hwy::SetSupportedTargetsForTest(0);
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
  // At least one target ran (an x86 CPU at the floor has SSE4 only, aarch64 NEON at least).
  EXPECT_GE(targets, 1u);
}

}  // namespace
}  // namespace eb
