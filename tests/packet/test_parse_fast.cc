// The fast path of parse_nvgre against the full parser (parse_nvgre_full): the same layout,
// field for field, on every frame of every corpus preset, at every truncation of those frames,
// with Ethernet padding appended, with both parse options, and on frames ending at an unmapped
// page (the fast path reads nothing past the frame either). Hand-made frames reach every branch of
// the fast path's IPv6 extension-header walk, at the outer and at the inner level, and check
// which of them the fast path takes itself (parse_nvgre_fast_path) and which it leaves to the
// full parser.
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <stdexcept>
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

// The whole frame, every truncation of it, and with Ethernet padding.
void expect_same_cuts(test::GuardedArena& arena, const std::vector<uint8_t>& b, const std::string& where) {
  expect_same(arena, b.data(), b.size(), where);
  for (size_t k = 0; k < b.size(); ++k) expect_same(arena, b.data(), k, where + " cut " + std::to_string(k));
  std::vector<uint8_t> padded = b;
  padded.resize(b.size() + 6, 0);
  expect_same(arena, padded.data(), padded.size(), where + " padded");
}

// One IPv6 extension header: its type (the next header of what precedes it) and its bytes, the
// first of which (its own next header) build() fills in; the length byte is the caller's.
struct Ext {
  uint8_t type;
  std::vector<uint8_t> bytes;
};
std::vector<uint8_t> ext_bytes(uint8_t len_byte, std::initializer_list<uint8_t> body, size_t total) {
  if (body.size() + 2 > total) throw std::logic_error("body longer than the header");
  std::vector<uint8_t> v(total, 0);
  v[1] = len_byte;
  size_t k = 2;
  for (uint8_t x : body) v[k++] = x;
  return v;
}
Ext hbh(size_t total) {  // PadN over the rest
  return {kIp6HopByHop, ext_bytes(static_cast<uint8_t>(total / 8 - 1), {1, static_cast<uint8_t>(total - 4)}, total)};
}
Ext dst(std::initializer_list<uint8_t> options, size_t total) {
  return {kIp6DestOpts, ext_bytes(static_cast<uint8_t>(total / 8 - 1), options, total)};
}
Ext routing(uint8_t type, size_t total) {
  return {kIp6Routing, ext_bytes(static_cast<uint8_t>(total / 8 - 1), {type, static_cast<uint8_t>(type == 2)}, total)};
}
// A Home Address option (type 0xC9, 16 bytes of address) with option length `olen`.
std::vector<uint8_t> hao(uint8_t olen = 16) {
  std::vector<uint8_t> v{0xC9, olen};
  for (uint8_t k = 0; k < 16; ++k) v.push_back(static_cast<uint8_t>(0xC0 + k));
  return v;
}
Ext dst_bytes(const std::vector<uint8_t>& options, size_t total) {
  if (options.size() + 2 > total) throw std::logic_error("options longer than the header");
  Ext e{kIp6DestOpts, std::vector<uint8_t>(total, 0)};
  e.bytes[1] = static_cast<uint8_t>(total / 8 - 1);
  for (size_t k = 0; k < options.size(); ++k) e.bytes[2 + k] = options[k];
  return e;
}

struct Level {
  bool v6 = true;
  std::vector<Ext> ext;
  uint8_t last = 0;  // the upper protocol after the chain: 0 = GRE (outer) / the L4 (inner)
};

// Ethernet | outer IP + extensions | GRE (K) | Ethernet | inner IP + extensions | TCP or UDP |
// payload, every length ending at the frame's end.
std::vector<uint8_t> build(const Level& outer, const Level& inner, bool udp, size_t payload = 20) {
  std::vector<uint8_t> f;
  auto u8 = [&f](unsigned v) { f.push_back(static_cast<uint8_t>(v)); };
  auto u16 = [&](unsigned v) { u8(v >> 8), u8(v & 0xFF); };
  auto ip = [&](const Level& l, uint8_t upper) {
    const uint8_t last = l.last ? l.last : upper;
    const uint8_t first = l.ext.empty() ? last : l.ext.front().type;
    const size_t at = f.size();
    if (!l.v6) {
      u8(0x45), u8(0), u16(0), u16(1), u16(0x4000), u8(64), u8(first), u16(0);
      for (int k = 0; k < 8; ++k) u8(10 + k);
    } else {
      u8(0x60), u8(0), u16(0), u16(0), u8(first), u8(64);
      for (int k = 0; k < 32; ++k) u8(0x20 + k);
    }
    for (size_t i = 0; i < l.ext.size(); ++i) {
      std::vector<uint8_t> b = l.ext[i].bytes;
      b[0] = i + 1 < l.ext.size() ? l.ext[i + 1].type : last;
      f.insert(f.end(), b.begin(), b.end());
    }
    return at;
  };
  auto eth = [&](unsigned type) {
    for (int k = 0; k < 12; ++k) u8(2);
    u16(type);
  };
  eth(outer.v6 ? 0x86DD : 0x0800);
  const size_t o = ip(outer, kIpProtoGRE);
  u8(0x20), u8(0), u16(kGreProtoTEB), u16(0x1234), u16(0x5601);
  eth(inner.v6 ? 0x86DD : 0x0800);
  const size_t i = ip(inner, udp ? kIpProtoUDP : kIpProtoTCP);
  const size_t l4 = f.size();
  if (udp) {
    u16(1000), u16(2000), u16(0), u16(0);
  } else {
    u16(1000), u16(2000);
    for (int k = 0; k < 8; ++k) u8(0);
    u8(0x50), u8(0x18), u16(0xFFFF), u16(0), u16(0);
  }
  f.resize(f.size() + payload, 0x5A);
  auto put16 = [&f](size_t at, size_t v) { f[at] = static_cast<uint8_t>(v >> 8), f[at + 1] = static_cast<uint8_t>(v); };
  const size_t end = f.size();
  if (udp) put16(l4 + 4, end - l4);
  put16(inner.v6 ? i + 4 : i + 2, end - i - (inner.v6 ? 40 : 0));
  put16(outer.v6 ? o + 4 : o + 2, end - o - (outer.v6 ? 40 : 0));
  return f;
}

bool fast_takes(const std::vector<uint8_t>& b) {
  NvgreLayout L;
  return parse_nvgre_fast_path(b.data(), b.size(), L);
}

// Every branch of the extension-header walk, at either level: the fast path takes the chains the
// full parser accepts and leaves the rest to it; both give the same layout at every cut.
TEST(ParseFast, Ip6ExtensionHeaderShapesAtBothLevels) {
  test::GuardedArena arena(1 << 14);
  std::vector<uint8_t> two_hao;  // HAO, HAO, Pad1 Pad1: the last HAO counts
  for (int k = 0; k < 2; ++k) {
    const auto o = hao();
    two_hao.insert(two_hao.end(), o.begin(), o.end());
  }
  two_hao.push_back(0), two_hao.push_back(0);
  std::vector<uint8_t> hao_at_6 = {1, 2, 0, 0};  // PadN(2) then HAO at offset 6 (RFC 6275 alignment)
  const auto h = hao();
  hao_at_6.insert(hao_at_6.end(), h.begin(), h.end());
  std::vector<uint8_t> short_hao = {1, 2, 0, 0};
  const auto s15 = hao(15);
  short_hao.insert(short_hao.end(), s15.begin(), s15.end());
  struct Case {
    const char* name;
    std::vector<Ext> chain;
    uint8_t last;  // 0: the expected upper protocol
    bool fast;     // the fast path takes it (else the full parser decides)
  };
  std::vector<Ext> eight, nine;
  for (int k = 0; k < 8; ++k) eight.push_back(dst({1, 4}, 8));
  nine = eight;
  nine.push_back(dst({1, 4}, 8));
  const std::vector<Case> cases = {
      {"hop-by-hop 8", {hbh(8)}, 0, true},
      {"hop-by-hop 16", {hbh(16)}, 0, true},
      {"destination Pad1 only", {dst({0, 0, 0, 0, 0, 0}, 8)}, 0, true},
      {"destination PadN", {dst({1, 4}, 8)}, 0, true},
      {"destination option past the header", {dst({1, 4, 0, 0, 0, 0x1E}, 8)}, 0, true},
      {"destination option length past the header", {dst({0x1E, 200}, 8)}, 0, true},
      {"destination Home Address", {dst_bytes(hao_at_6, 24)}, 0, true},
      {"destination Home Address length 15", {dst_bytes(short_hao, 24)}, 0, true},
      {"destination two Home Address options", {dst_bytes(two_hao, 40)}, 0, true},
      {"routing type 0", {routing(0, 24)}, 0, true},
      {"routing type 2", {routing(2, 24)}, 0, true},
      {"routing type 2 of 40 bytes", {routing(2, 40)}, 0, true},
      {"hop-by-hop, routing 2, Home Address", {hbh(8), routing(2, 24), dst_bytes(hao_at_6, 24)}, 0, true},
      {"eight headers", eight, 0, true},
      {"nine headers", nine, 0, false},
      {"fragment after hop-by-hop", {hbh(8)}, kIp6Fragment, false},
      {"AH after destination options", {dst({1, 4}, 8)}, kIp6AH, false},
      {"ESP after destination options", {dst({1, 4}, 8)}, kIp6ESP, false},
      {"header length past the frame", {{kIp6DestOpts, ext_bytes(200, {1, 4}, 8)}}, 0, false},
  };
  for (const Case& c : cases)
    for (bool at_outer : {true, false})
      for (bool udp : {false, true}) {
        Level ext{true, c.chain, c.last}, plain_v4{false, {}, 0};
        const std::vector<uint8_t> b = at_outer ? build(ext, plain_v4, udp) : build(plain_v4, ext, udp);
        const std::string where = std::string(c.name) + (at_outer ? " (outer)" : " (inner)") + (udp ? " udp" : " tcp");
        EXPECT_EQ(fast_takes(b), c.fast) << where;
        if (c.fast) {
          const NvgreLayout L = parse_nvgre_full(b.data(), b.size());
          EXPECT_TRUE(L.ok()) << where << ": " << parse_error_name(L.error);
          EXPECT_EQ((at_outer ? L.outer : L.inner).ext_count, c.chain.size()) << where;
        }
        expect_same_cuts(arena, b, where);
        if (::testing::Test::HasFatalFailure()) return;
      }
  // The layout fields the walk writes, checked against the full parser above and here by value.
  const std::vector<uint8_t> b = build({true, {hbh(8), routing(2, 24), dst_bytes(hao_at_6, 24)}, 0}, {false, {}, 0}, false);
  NvgreLayout L;
  ASSERT_TRUE(parse_nvgre_fast_path(b.data(), b.size(), L));
  EXPECT_EQ(L.outer.header_len, 40u + 8 + 24 + 24);
  EXPECT_EQ(L.outer.ip6_rt2_addr_offset, 14u + 40 + 8 + 8);
  EXPECT_EQ(L.outer.ip6_home_addr_offset, 14u + 40 + 8 + 24 + 8);
  EXPECT_EQ(L.outer.upper_proto, kIpProtoGRE);
  // Both levels at once, with a VLAN-free IPv6 inside IPv6.
  const std::vector<uint8_t> both = build({true, {hbh(8), dst({1, 4}, 8)}, 0}, {true, {routing(2, 24)}, 0}, true);
  EXPECT_TRUE(fast_takes(both));
  expect_same_cuts(arena, both, "extension headers at both levels");
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
