// The fast path of parse_nvgre against the full parser (parse_nvgre_full): the same layout,
// field for field, on every frame of every corpus preset, at every truncation of those frames,
// with Ethernet padding appended, with both parse options, and on frames ending at an unmapped
// page (the fast path reads nothing past the frame either).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "kernels/packet/nvgre.h"
#include "kernels/packet/parse.h"
#include "testing/guard_page.h"

namespace eb {
namespace {

void expect_same(test::GuardedArena& arena, const uint8_t* bytes, size_t n, const std::string& where) {
  uint8_t* f = arena.span(n);
  if (n) std::memcpy(f, bytes, n);
  for (bool lso : {false, true}) {
    ParseOptions opt;
    opt.large_send = lso;
    const NvgreLayout fast = parse_nvgre(f, n, opt);
    const NvgreLayout full = parse_nvgre_full(f, n, opt);
    ASSERT_TRUE(fast == full) << where << (lso ? " large_send" : "") << ": fast " << parse_error_name(fast.error)
                              << " full " << parse_error_name(full.error) << " header_size " << fast.header_size
                              << "/" << full.header_size;
  }
}

TEST(ParseFast, SameLayoutAsFullParserOnEveryPresetAndTruncation) {
  test::GuardedArena arena(1 << 17);
  size_t frames = 0;
  for (const auto& preset : generator_presets()) {
    GeneratorConfig cfg;
    cfg.preset = preset.name;
    cfg.seed = 21;
    if (preset.name == "lso") cfg.packets = 8;
    for (const GeneratedFrame& g : generate_frames(cfg)) {
      const std::vector<uint8_t>& b = g.bytes;
      expect_same(arena, b.data(), b.size(), preset.name + " " + g.label);
      // Every cut inside the headers and a sample of cuts in the payload.
      const NvgreLayout L = parse_nvgre_full(b.data(), b.size(), g.parse);
      const size_t dense = L.ok() ? L.header_size + 8 : b.size();
      for (size_t k = 0; k < b.size(); k += (k < dense ? 1 : 97))
        expect_same(arena, b.data(), k, preset.name + " " + g.label + " cut " + std::to_string(k));
      std::vector<uint8_t> padded = b;
      padded.resize(b.size() + 6, 0);
      expect_same(arena, padded.data(), padded.size(), preset.name + " " + g.label + " padded");
      if (::testing::Test::HasFatalFailure()) return;
      ++frames;
    }
  }
  EXPECT_GT(frames, 1000u);
}

// The parse family's records: fast and full agree on every frame (above, field for field); the
// DPDK peer, where it recognises NVGRE with TCP/UDP inside, finds the same header size on the
// plain shapes (it is a classifier: frames it does not recognise are not compared).
TEST(ParseFamily, RecordsAgreeOnHeaderSize) {
  const ParseImpl* fast = find_parse("fast");
  const ParseImpl* full = find_parse("full");
  const ParseImpl* dpdk = find_parse("dpdk-ptype");
  ASSERT_TRUE(fast && full && dpdk);
  EXPECT_EQ(full->info.kind, ImplKind::reference);
  GeneratorConfig cfg;
  cfg.preset = "header-sweep";
  size_t compared = 0, frames = 0;
  for (const GeneratedFrame& g : generate_frames(cfg)) {
    const uint32_t ours = fast->header_size(g.bytes.data(), g.bytes.size());
    ASSERT_EQ(ours, full->header_size(g.bytes.data(), g.bytes.size())) << g.label;
    ASSERT_GT(ours, 0u) << g.label;
    ++frames;
    if (!dpdk->info.supported()) continue;
    const NvgreLayout L = parse_nvgre(g.bytes.data(), g.bytes.size());
    if (L.outer.ext_count || L.inner.ext_count) continue;  // DPDK walks extension headers its own way
    const uint32_t theirs = dpdk->header_size(g.bytes.data(), g.bytes.size());
    if (!theirs) continue;
    EXPECT_EQ(theirs, ours) << g.label;
    ++compared;
  }
  EXPECT_GT(frames, 100u);
  if (dpdk->info.supported()) EXPECT_GT(compared, frames / 4) << "DPDK recognised too few NVGRE frames";
}

}  // namespace
}  // namespace eb
