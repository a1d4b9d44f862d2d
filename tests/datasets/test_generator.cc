// The generator: presets, exact header sizes, the malformed catalogue, truncation at every byte
// (in guard-page buffers), determinism, flows and Zipf popularity, the PRNG's reference vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "datasets/generator.h"
#include "kernels/common/byteorder.h"
#include "tests/datasets/ds_test_util.h"
#include "testing/guard_page.h"

namespace eb {
namespace {

constexpr IpVersion kV[2] = {IpVersion::v4, IpVersion::v6};
constexpr L4Proto kL[2] = {L4Proto::tcp, L4Proto::udp};

std::vector<GeneratedFrame> frames(const std::string& preset, uint64_t seed = 1, uint64_t packets = 0) {
  GeneratorConfig c;
  c.preset = preset;
  c.seed = seed;
  c.packets = packets;
  return generate_frames(c);
}

// --- PRNG ---------------------------------------------------------------------------------------

TEST(Rng, MatchesTheXoshiro256StarStarReferenceVector) {
  // Published outputs of the reference xoshiro256** from state {1, 2, 3, 4}.
  Rng r = Rng::from_state(1, 2, 3, 4);
  const uint64_t want[] = {11520ull, 0ull, 1509978240ull, 1215971899390074240ull, 1216172134540287360ull,
                           607988272756665600ull, 16172922978634559625ull, 8476171486693032832ull,
                           10595114339597558777ull, 2904607092377533576ull};
  for (uint64_t w : want) EXPECT_EQ(r.next(), w);
}

TEST(Rng, SeedsThroughSplitMix64) {
  // SplitMix64 from 0 gives E220A8397B1DCDAF, 6E789E6AA1B965F4, 06C45D188009454F, F88BB8A8724C81EC.
  Rng a(0);
  Rng b = Rng::from_state(0xE220A8397B1DCDAFull, 0x6E789E6AA1B965F4ull, 0x06C45D188009454Full, 0xF88BB8A8724C81ECull);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(Rng, BoundedDrawsStayInRangeAndAreUniform) {
  Rng r(99);
  for (uint64_t n : {1ull, 2ull, 3ull, 7ull, 1000ull, (1ull << 63) + 5}) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(r.below(n), n);
  }
  // Chi-square over 10 buckets, 100000 draws: 9 degrees of freedom, 27.9 is the 0.1% point.
  std::vector<int> h(10);
  for (int i = 0; i < 100000; ++i) ++h[r.below(10)];
  double chi = 0;
  for (int x : h) chi += (x - 10000.0) * (x - 10000.0) / 10000.0;
  EXPECT_LT(chi, 27.9);
  for (int i = 0; i < 1000; ++i) {
    const double u = r.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const uint64_t v = r.range(5, 9);
    ASSERT_GE(v, 5u);
    ASSERT_LE(v, 9u);
  }
}

// --- Header sizes -------------------------------------------------------------------------------

TEST(HeaderSize, EveryReachableSizeIsExactForEveryComboAndVariant) {
  for (IpVersion o : kV)
    for (IpVersion i : kV)
      for (L4Proto l : kL) {
        const uint32_t mn = min_header_size(o, i, l), mx = max_header_size(o, i, l);
        for (uint32_t hs = mn >= 8 ? mn - 8 : 0; hs <= 420; ++hs) {
          for (uint32_t variant : {0u, 1u, 2u, 5u, 6u, 13u, 14u, 29u}) {
            std::string why;
            auto s = spec_for_header_size(o, i, l, hs, &why, variant);
            const bool reachable = hs >= mn && (hs - mn) % 4 == 0 && hs <= mx;
            ASSERT_EQ(s.has_value(), reachable) << combo_name(o, i, l) << " " << hs << ": " << why;
            if (!s) {
              EXPECT_FALSE(why.empty());
              continue;
            }
            ASSERT_EQ(nvgre_header_size(*s), hs);
            // Only the documented components: no GRE C/S, no inner tag.
            EXPECT_FALSE(s->gre_checksum || s->gre_seq || s->inner_vlan);
            s->payload.assign(10, 0x77);
            const auto b = build_nvgre(*s);
            const NvgreLayout L = parse_nvgre(b.data(), b.size());
            ASSERT_TRUE(L.ok()) << parse_error_name(L.error);
            ASSERT_EQ(L.header_size, hs);
            ASSERT_TRUE(test::l4_checksum_ok(b, *s));
          }
        }
      }
  // Known bounds: v4/v4 cannot reach 256 with these components (VLAN 4 + 3 x 40 of options).
  EXPECT_EQ(max_header_size(IpVersion::v4, IpVersion::v4, L4Proto::tcp), 96u + 4 + 120);
  EXPECT_EQ(max_header_size(IpVersion::v4, IpVersion::v4, L4Proto::udp), 84u + 4 + 80);
}

TEST(HeaderSize, VariantsChangeTheComposition) {
  std::set<std::string> layouts;  // (a set of byte vectors trips a GCC 12 -Wstringop-overread false positive)
  for (uint32_t v = 0; v < 32; ++v) {
    auto s = spec_for_header_size(IpVersion::v6, IpVersion::v6, L4Proto::tcp, 240, nullptr, v);
    ASSERT_TRUE(s);
    const auto b = build_nvgre(*s);
    layouts.insert(std::string(b.begin(), b.end()));
  }
  EXPECT_GE(layouts.size(), 8u);
}

// --- Presets ------------------------------------------------------------------------------------

TEST(Presets, EveryPresetParsesAsItsLabelSays) {
  for (const auto& p : generator_presets()) {
    SCOPED_TRACE(p.name);
    size_t n = 0;
    for (const auto& f : frames(p.name)) {
      const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size(), f.parse);
      ASSERT_EQ(L.error, f.expected) << f.label << ": " << parse_error_name(L.error);
      if (f.expected == ParseError::ok) {
        ASSERT_TRUE(f.from_spec);
        test::expect_layout_matches(L, f.spec, f.bytes.size(), f.label);
        if (!f.spec.corrupt_l4_checksum && !f.spec.zero_udp_checksum) ASSERT_TRUE(test::l4_checksum_ok(f.bytes, f.spec)) << f.label;
        const NvgreOffsets o = spec_offsets(f.spec);
        if (f.spec.outer.version == IpVersion::v4) ASSERT_TRUE(test::ipv4_header_ok(f.bytes, o.outer_ip)) << f.label;
        if (f.spec.inner.version == IpVersion::v4) ASSERT_TRUE(test::ipv4_header_ok(f.bytes, o.inner_ip)) << f.label;
        if (f.spec.gre_checksum) ASSERT_TRUE(test::gre_checksum_ok(f.bytes, f.spec)) << f.label;
      }
      ++n;
    }
    EXPECT_GT(n, 0u);
  }
}

TEST(Presets, HeaderSweepCoversEverySizeOfEveryCombination) {
  std::map<std::string, std::set<uint32_t>> seen;
  for (const auto& f : frames("header-sweep")) {
    const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size());
    ASSERT_TRUE(L.ok());
    const std::string combo = combo_name(L.outer.version, L.inner.version, L.l4);
    EXPECT_EQ(f.label, "hs-" + combo + "-" + std::to_string(L.header_size));
    EXPECT_FALSE(f.spec.gre_checksum || f.spec.gre_seq) << "NVGRE proper: C = S = 0";
    seen[combo].insert(L.header_size);
  }
  ASSERT_EQ(seen.size(), 8u);
  for (IpVersion o : kV)
    for (IpVersion i : kV)
      for (L4Proto l : kL) {
        const auto& sizes = seen[combo_name(o, i, l)];
        const uint32_t mn = min_header_size(o, i, l), top = std::min(256u, max_header_size(o, i, l));
        EXPECT_EQ(*sizes.begin(), mn);
        EXPECT_EQ(*sizes.rbegin(), top);
        uint32_t prev = 0;
        for (uint32_t hs : sizes) {
          if (prev) EXPECT_LE(hs - prev, 8u) << combo_name(o, i, l);
          prev = hs;
        }
        if (o == IpVersion::v6 || i == IpVersion::v6) EXPECT_EQ(top, 256u);
      }
}

TEST(Presets, OversizeIsBeyond256) {
  std::set<uint32_t> sizes;
  for (const auto& f : frames("oversize")) {
    const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size());
    ASSERT_TRUE(L.ok());
    EXPECT_GE(L.header_size, 264u);
    EXPECT_LE(L.header_size, 320u);
    sizes.insert(L.header_size);
  }
  EXPECT_EQ(sizes.size(), (320u - 264) / 4 + 1);
}

TEST(Presets, ImixFollowsSevenFourOne) {
  std::map<std::string, int> cls;
  const auto fs = frames("imix");
  for (const auto& f : fs) cls[f.label.substr(0, f.label.find('-', 5))]++;
  const double n = static_cast<double>(fs.size());
  EXPECT_NEAR(cls["imix-64"] / n, 7.0 / 12, 0.05);
  EXPECT_NEAR(cls["imix-576"] / n, 4.0 / 12, 0.05);
  EXPECT_NEAR(cls["imix-1500"] / n, 1.0 / 12, 0.03);
  for (const auto& f : fs) {
    const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size());
    const uint32_t ip_len = L.outer.total_len;
    if (f.label.rfind("imix-576-", 0) == 0) EXPECT_EQ(ip_len, 576u);
    if (f.label.rfind("imix-1500-", 0) == 0) EXPECT_EQ(ip_len, 1500u);
  }
}

TEST(Presets, LsoHasLargeSendsOverAllCombinations) {
  std::set<std::string> combos;
  int large = 0, max_payload = 0;
  for (const auto& f : frames("lso")) {
    ParseOptions o;
    o.large_send = true;
    const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size(), o);
    ASSERT_TRUE(L.ok()) << f.label << parse_error_name(L.error);
    EXPECT_EQ(L.l4, L4Proto::tcp);
    EXPECT_LE(L.payload_len, 65536u);
    EXPECT_GT(L.payload_len, 1400u);
    combos.insert(combo_name(L.outer.version, L.inner.version, L.l4));
    large += f.parse.large_send;
    max_payload = std::max<int>(max_payload, L.payload_len);
    if (f.parse.large_send) EXPECT_TRUE(L.outer.length_from_frame || L.inner.length_from_frame);
    else EXPECT_TRUE(parse_nvgre(f.bytes.data(), f.bytes.size()).ok()) << "no large_send needed: parses normally";
    EXPECT_NE(f.label.find("-mss"), std::string::npos);
  }
  EXPECT_EQ(combos.size(), 4u);
  EXPECT_GT(large, 0);
  EXPECT_EQ(max_payload, 65536);
}

TEST(Presets, MalformedCoversEveryParseError) {
  std::set<ParseError> covered;
  for (uint64_t packets : {0ull, 300ull}) {  // the catalogue, then several cycles of it
    for (const auto& f : frames("malformed", 3, packets)) {
      EXPECT_EQ(f.label, parse_error_name(f.expected));
      // Parse in an exactly-sized buffer ending at a PROT_NONE page.
      test::GuardedBuffer g(f.bytes.size());
      if (!f.bytes.empty()) g.copy_from(f.bytes.data(), f.bytes.size());
      const NvgreLayout L = parse_nvgre(g.data(), g.size(), f.parse);
      ASSERT_EQ(parse_error_name(L.error), f.label) << "frame of " << f.bytes.size() << " bytes";
      covered.insert(f.expected);
    }
  }
  for (int e = 1; e < static_cast<int>(ParseError::count_); ++e)
    EXPECT_TRUE(covered.count(static_cast<ParseError>(e))) << "no malformed case for " << parse_error_name(static_cast<ParseError>(e));
}

TEST(Presets, DefaultIsARepresentativeMix) {
  const auto fs = frames("default");
  EXPECT_EQ(fs.size(), 2048u);
  int over = 0, bad = 0, v6 = 0, udp = 0;
  for (const auto& f : fs) {
    const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size(), f.parse);
    ASSERT_EQ(L.error, f.expected);
    if (!L.ok()) {
      ++bad;
      continue;
    }
    over += L.header_size > 256;
    v6 += L.inner.version == IpVersion::v6;
    udp += L.l4 == L4Proto::udp;
  }
  EXPECT_GT(over, 50);
  EXPECT_GT(bad, 10);
  EXPECT_LT(bad, 200);
  EXPECT_GT(v6, 300);
  EXPECT_GT(udp, 300);
}

TEST(Presets, OverridesNarrowEveryPreset) {
  const std::pair<const char*, uint32_t> cases[] = {{"default", 288}, {"header-sweep", 200}, {"mixed", 288},
                                                    {"imix", 200},    {"lso", 288},          {"oversize", 288}};
  for (const auto& [p, hs] : cases) {
    GeneratorConfig c;
    c.preset = p;
    c.packets = 200;
    c.outer = IpVersion::v6;
    c.inner = IpVersion::v4;
    c.l4 = L4Proto::tcp;
    c.header_size = hs;
    c.payload_mode = PayloadMode::fixed;
    c.payload_len = 100;
    SCOPED_TRACE(p);
    for (const auto& f : generate_frames(c)) {
      if (f.expected != ParseError::ok) continue;  // the default mix keeps a few catalogue frames
      const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size(), f.parse);
      ASSERT_TRUE(L.ok());
      EXPECT_EQ(L.outer.version, IpVersion::v6);
      EXPECT_EQ(L.inner.version, IpVersion::v4);
      EXPECT_EQ(L.l4, L4Proto::tcp);
      EXPECT_EQ(L.header_size, hs);
      EXPECT_EQ(L.payload_len, 100u);
    }
  }
}

TEST(Presets, ImpossibleRequestsAreRefusedWithAReason) {
  GeneratorConfig c;
  c.preset = "nope";
  EXPECT_THROW(generate_frames(c), std::invalid_argument);
  c.preset = "header-sweep";
  c.outer = c.inner = IpVersion::v4;
  c.header_size = 240;  // above 220, the v4/v4 maximum
  try {
    generate_frames(c);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("220"), std::string::npos) << e.what();
  }
  c.header_size = 130;  // not a multiple of 4 above any minimum
  EXPECT_THROW(generate_frames(c), std::invalid_argument);
  c = GeneratorConfig{};
  c.preset = "oversize";
  c.outer = c.inner = IpVersion::v4;
  EXPECT_THROW(generate_frames(c), std::invalid_argument);
  c = GeneratorConfig{};
  c.packets = 100000001;
  EXPECT_THROW(generate_frames(c), std::invalid_argument);
}

// --- Truncation at every byte ------------------------------------------------------------------

ParseError expected_truncation(const NvgreSpec& s, uint32_t cut) {
  const NvgreOffsets o = spec_offsets(s);
  if (cut < 14) return ParseError::truncated_outer_ethernet;
  if (cut < o.outer_ip) return ParseError::truncated_outer_vlan;
  if (cut < o.outer_ip + o.outer_ip_fixed) return ParseError::truncated_outer_ip;
  if (cut < o.gre) return ParseError::truncated_ip6_ext_header;
  if (cut < o.inner_eth) return ParseError::truncated_gre;
  if (cut < o.inner_ip) return ParseError::truncated_inner_ethernet;
  if (cut < o.inner_ip + o.inner_ip_fixed) return ParseError::truncated_inner_ip;
  if (cut < o.l4) return ParseError::truncated_ip6_ext_header;
  if (cut < o.header_size) return ParseError::truncated_l4;
  if (cut < o.total) return ParseError::truncated_payload;
  return ParseError::ok;
}

TEST(Truncation, EveryByteOffsetGivesTheTruncationErrorOfItsHeader) {
  std::vector<GeneratedFrame> fs = frames("header-sweep");
  for (const char* p : {"oversize", "mixed", "lso"}) {
    auto more = frames(p, 5, std::string(p) == "mixed" ? 300 : 12);
    fs.insert(fs.end(), more.begin(), more.end());
  }
  size_t max_len = 0;
  for (const auto& f : fs) max_len = std::max(max_len, f.bytes.size());
  test::GuardedArena arena(max_len);
  std::map<ParseError, int> seen;
  uint64_t parses = 0, lso_cuts = 0;
  for (const auto& f : fs) {
    const NvgreOffsets o = spec_offsets(f.spec);
    const uint32_t n = static_cast<uint32_t>(f.bytes.size());
    // Large-send frames with a 0 length field: from the first byte after that IP header's fixed part.
    bool zero_len = false;
    uint32_t zero_len_from = 0;
    if (f.parse.large_send) {
      const uint32_t outer_len_off = o.outer_ip + (f.spec.outer.version == IpVersion::v4 ? 2 : 4);
      const uint32_t inner_len_off = o.inner_ip + (f.spec.inner.version == IpVersion::v4 ? 2 : 4);
      auto fixed = [](IpVersion v) { return v == IpVersion::v4 ? 20u : 40u; };
      if (load_be16(&f.bytes[outer_len_off]) == 0) zero_len = true, zero_len_from = o.outer_ip + fixed(f.spec.outer.version);
      else if (load_be16(&f.bytes[inner_len_off]) == 0) zero_len = true, zero_len_from = o.inner_ip + fixed(f.spec.inner.version);
    }
    for (uint32_t cut = 0; cut <= n; ++cut) {
      // Payload bytes: the first and last few cuts are enough.
      if (cut > o.header_size + 3 && cut + 3 < n) cut = n - 3;
      const ParseError want = expected_truncation(f.spec, cut);
      // Guard page right after the last byte...
      uint8_t* g = arena.span(cut);
      std::memcpy(g, f.bytes.data(), cut);
      const NvgreLayout L = parse_nvgre(g, cut, f.parse);
      // ...and an exactly-sized heap block for AddressSanitizer builds.
      std::unique_ptr<uint8_t[]> h(new uint8_t[cut ? cut : 1]);
      std::memcpy(h.get(), f.bytes.data(), cut);
      const ParseError heap = parse_nvgre(h.get(), cut, f.parse).error;
      ASSERT_EQ(heap, L.error);
      // An LSO super-packet whose IP length field is 0 takes its length from the captured
      // bytes (ParseOptions::large_send), so a cut inside its headers cannot be told from a
      // packet whose headers run past its own end: the parser reports a length mismatch there
      // (or a TCP data offset / UDP length beyond the derived end).
      if (zero_len && cut >= zero_len_from && want == ParseError::truncated_payload) {
        ASSERT_EQ(L.error, ParseError::ok) << "a shorter super-packet is still a whole one";
        ++lso_cuts;
        continue;
      }
      if (zero_len && cut >= zero_len_from && want != ParseError::ok) {
        ASSERT_TRUE(L.error == want || L.error == ParseError::outer_ip_length_mismatch ||
                    L.error == ParseError::inner_ip_length_mismatch || L.error == ParseError::tcp_bad_data_offset ||
                    L.error == ParseError::udp_length_mismatch)
            << f.label << " cut at " << cut << ": got " << parse_error_name(L.error);
        ++lso_cuts;
        continue;
      }
      ASSERT_EQ(L.error, want) << f.label << " cut at " << cut << " of " << n << ": got " << parse_error_name(L.error);
      ++seen[want];
      ++parses;
    }
  }
  for (ParseError e : {ParseError::truncated_outer_ethernet, ParseError::truncated_outer_vlan, ParseError::truncated_outer_ip,
                       ParseError::truncated_ip6_ext_header, ParseError::truncated_gre, ParseError::truncated_inner_ethernet,
                       ParseError::truncated_inner_ip, ParseError::truncated_l4, ParseError::truncated_payload})
    EXPECT_GT(seen[e], 100) << parse_error_name(e);
  EXPECT_GT(parses, 100000u);
  EXPECT_GT(lso_cuts, 0u);
}

// --- Determinism --------------------------------------------------------------------------------

TEST(Determinism, OneSeedOneByteStream) {
  for (const auto& p : generator_presets()) {
    SCOPED_TRACE(p.name);
    GeneratorConfig c;
    c.preset = p.name;
    c.seed = 42;
    c.packets = p.name == "lso" ? 16 : 400;
    c.flows = 100;
    c.zipf = 1.2;
    const auto a = generate_frames(c), b = generate_frames(c);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].bytes, b[i].bytes) << i;
      ASSERT_EQ(a[i].label, b[i].label);
      ASSERT_EQ(a[i].timestamp_ns, b[i].timestamp_ns);
    }
    c.seed = 43;
    const auto d = generate_frames(c);
    size_t differ = 0;
    for (size_t i = 0; i < std::min(a.size(), d.size()); ++i) differ += a[i].bytes != d[i].bytes;
    EXPECT_GT(differ, a.size() / 2) << "another seed gives other bytes";
  }
}

TEST(Determinism, CorpusArenaIsAlignedAndHoldsTheFrames) {
  GeneratorConfig c;
  c.preset = "mixed";
  const Corpus k = generate_corpus(c);
  const auto fs = generate_frames(c);
  ASSERT_EQ(k.size(), fs.size());
  uint64_t total = 0;
  for (size_t i = 0; i < k.size(); ++i) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(k.data(i)) % 64, 0u);
    EXPECT_EQ(k[i].offset % 64, 0u);
    ASSERT_EQ(k[i].length, fs[i].bytes.size());
    ASSERT_EQ(0, std::memcmp(k.data(i), fs[i].bytes.data(), k[i].length));
    EXPECT_EQ(k[i].label, fs[i].label);
    EXPECT_EQ(k[i].timestamp_ns, fs[i].timestamp_ns);
    EXPECT_EQ(k[i].wire_length, k[i].length);
    EXPECT_EQ(k[i].layout.error, fs[i].expected);
    if (i) EXPECT_GE(k[i].offset, k[i - 1].offset + k[i - 1].length);
    total += k[i].length;
  }
  EXPECT_EQ(k.total_bytes(), total);
  Corpus moved = std::move(const_cast<Corpus&>(k));
  EXPECT_EQ(moved.size(), fs.size());
  EXPECT_EQ(0, std::memcmp(moved.data(0), fs[0].bytes.data(), fs[0].bytes.size()));
}

// --- Flows ---------------------------------------------------------------------------------------

std::map<std::string, int> flow_counts(uint32_t flows, double zipf, uint64_t packets) {
  GeneratorConfig c;
  c.preset = "imix";
  c.flows = flows;
  c.zipf = zipf;
  c.packets = packets;
  c.outer = c.inner = IpVersion::v4;
  c.l4 = L4Proto::udp;
  std::map<std::string, int> m;
  generate(c, [&](const GeneratedFrame& f) {
    const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size());
    std::string key(reinterpret_cast<const char*>(f.bytes.data() + L.inner.src_offset()), 8);
    key.append(reinterpret_cast<const char*>(f.bytes.data() + L.l4_offset), 4);
    key += std::to_string(L.vsid) + "/" + std::to_string(L.flow_id);
    ++m[key];
  });
  return m;
}

TEST(Flows, UniformAndZipfPopularity) {
  {
    auto m = flow_counts(1, 0, 500);
    EXPECT_EQ(m.size(), 1u);
  }
  {
    auto m = flow_counts(50, 0, 20000);
    EXPECT_EQ(m.size(), 50u);
    for (const auto& [k, n] : m) EXPECT_NEAR(n, 400, 100);
  }
  {
    // Zipf s = 1 over 64 flows: the top flow carries 1/H(64) = 21.1% of packets, the second half that.
    auto m = flow_counts(64, 1.0, 40000);
    std::vector<int> v;
    for (const auto& [k, n] : m) v.push_back(n);
    std::sort(v.rbegin(), v.rend());
    double h = 0;
    for (int k = 1; k <= 64; ++k) h += 1.0 / k;
    EXPECT_NEAR(v[0] / 40000.0, 1.0 / h, 0.01);
    EXPECT_NEAR(static_cast<double>(v[0]) / v[1], 2.0, 0.15);
    EXPECT_NEAR(static_cast<double>(v[0]) / v[9], 10.0, 1.5);
  }
}

TEST(Flows, FlowDecidesTunnelAndKey) {
  // Every packet of one flow carries the same VSID, FlowID and inner 5-tuple.
  GeneratorConfig c;
  c.preset = "mixed";
  c.flows = 1;
  c.packets = 200;
  std::set<uint8_t> flow_ids;
  std::set<uint16_t> ports;
  for (const auto& f : generate_frames(c)) {
    flow_ids.insert(f.spec.flow_id);
    ports.insert(f.spec.src_port);
  }
  EXPECT_EQ(flow_ids.size(), 1u);
  EXPECT_EQ(ports.size(), 1u);
}

}  // namespace
}  // namespace eb
