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
#include "tests/support/guard_page.h"

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

}  // namespace
}  // namespace eb
