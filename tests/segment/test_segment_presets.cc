// Every generator preset through every implementation: TCP sends that can be segmented obey the
// rules and match the reference byte for byte; everything else gets the specific error the
// layout implies (never a segment).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "datasets/generator.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "tests/segment/segment_test_util.h"

namespace eb {
namespace {

using segtest::check_segments;
using segtest::run_impl;
using segtest::Send;

// The lso preset names the MSS its sender would use: "...-mss1404".
uint32_t label_mss(const std::string& label) {
  const auto p = label.rfind("-mss");
  return p == std::string::npos ? 0 : static_cast<uint32_t>(std::strtoul(label.c_str() + p + 4, nullptr, 10));
}

SegmentError expected_error(const NvgreLayout& L, uint32_t max_header) {
  if (!L.ok()) return SegmentError::parse_error;
  if (L.l4 != L4Proto::tcp) return SegmentError::not_tcp;
  if (L.header_size > max_header) return SegmentError::header_too_large;
  return SegmentError::ok;
}

struct PresetStats {
  size_t segmented = 0, refused = 0, segments = 0;
};

void run_preset(const std::string& preset, size_t max_frames, PresetStats* st) {
  GeneratorConfig cfg;
  cfg.preset = preset;
  size_t seen = 0;
  generate(cfg, [&](const GeneratedFrame& g) {
    if (seen++ >= max_frames) return;
    Send s = segtest::make_send_bytes(g.bytes, preset + ":" + g.label);
    SCOPED_TRACE(s.name);
    const uint32_t lm = label_mss(g.label);
    const std::vector<uint32_t> msses = lm ? std::vector<uint32_t>{lm, 8948} : std::vector<uint32_t>{1418, 536};
    const SegmentError want = expected_error(s.layout, 256);
    for (uint32_t mss : msses) {
      const auto ref = run_impl(*find_impl(segment_impls(), "reference"), s, mss);
      if (want != SegmentError::ok) {
        EXPECT_EQ(ref.error, want) << segment_error_name(ref.error);
        EXPECT_TRUE(ref.segments.empty());
        ++st->refused;
        continue;
      }
      ASSERT_EQ(ref.error, SegmentError::ok) << segment_error_name(ref.error);
      ASSERT_EQ(check_segments(s, mss, ref.segments), "");
      // The checksum family's receive-side verify agrees, with its best kernel.
      for (const auto& seg : ref.segments) {
        const NvgreLayout sl = parse_nvgre(seg);
        const VerifyResult v = checksum_verify(seg.data(), sl, best_checksum());
        ASSERT_FALSE(v.any_bad());
        ASSERT_EQ(v.l4, CsumStatus::good);
      }
      for (const auto& impl : segment_impls()) {
        if (!impl.info.supported() || impl.info.kind == ImplKind::reference) continue;
        const auto got = run_impl(impl, s, mss);
        if (impl.info.kind == ImplKind::peer && got.error == SegmentError::unsupported) continue;
        ASSERT_EQ(got.error, SegmentError::ok) << impl.info.name << ": " << segment_error_name(got.error);
        ASSERT_TRUE(got.canary_intact) << impl.info.name;
        if (impl.info.kind == ImplKind::peer) {
          // Peers follow their own flag rules (see SegmentDpdk): they must verify, not match.
          ASSERT_EQ(got.segments.size(), ref.segments.size());
          for (const auto& seg : got.segments) ASSERT_FALSE(checksum_verify(seg.data(), parse_nvgre(seg), best_checksum()).any_bad());
          continue;
        }
        ASSERT_EQ(got.segments, ref.segments) << impl.info.name;
      }
      ++st->segmented;
      st->segments += ref.segments.size();
    }
  });
}

TEST(SegmentPresets, Lso) {
  segment_start_peers();
  PresetStats st;
  run_preset("lso", 1000, &st);
  EXPECT_GT(st.segmented, 20u);
  EXPECT_GT(st.segments, 1000u);
}

TEST(SegmentPresets, EveryOtherPreset) {
  for (const auto& p : generator_presets()) {
    if (p.name == "lso") continue;
    SCOPED_TRACE(p.name);
    PresetStats st;
    run_preset(p.name, 400, &st);
    EXPECT_GT(st.segmented + st.refused, 0u);
    if (p.name == "malformed" || p.name == "oversize") {
      EXPECT_GT(st.refused, 0u);
    }
  }
}

}  // namespace
}  // namespace eb
