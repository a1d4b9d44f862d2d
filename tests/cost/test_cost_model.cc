// The cost model's properties, with a deterministic measurer where timing would only add noise:
// the sets priced are the classifier's, the packets timed are exactly those bytes, nothing left
// to software costs exactly zero without being timed, `none` prices the whole capture through
// every software path, and cores follow the stated line-rate formula (linear in the rate).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "bench/cost/cost_model.h"
#include "datasets/generator.h"

namespace eb::cost {
namespace {

const Corpus& default_corpus() {
  static const Corpus c = [] {
    GeneratorConfig cfg;  // the main job's corpus: every header size, v4/v6, TCP/UDP, malformed
    return generate_corpus(cfg);
  }();
  return c;
}

OffloadCaps profile(const char* spec) {
  std::string err;
  auto c = caps_from_string(spec, &err);
  EXPECT_TRUE(c) << err;
  return *c;
}

PathImpls impls(const char* sel) {
  std::string err;
  auto p = resolve_impls(sel, &err);
  EXPECT_TRUE(p) << err;
  return *p;
}

// A measurer that runs the pass once (so a path that cannot run would fail here) and reports a
// fixed time, counting its calls.
struct FakeMeasurer {
  double ns = 1000;
  int* calls;
  bench::Measurement operator()(const std::function<void()>& pass) const {
    ++*calls;
    pass();
    bench::Measurement m;
    m.pass_ns = {ns, ns, ns};
    m.window = 3;
    m.passes_per_rep = 1;
    m.median_ns = ns;
    m.stable = true;
    return m;
  }
};

TEST(CostModel, SetsAreTheClassifiersSoftwareAnswers) {
  const Corpus& c = default_corpus();
  for (const char* spec : {"full", "none", "ndis-example", "ipv4-only", "tx=outer4|inner6,rss=all,lso=all,max=128"}) {
    for (uint32_t mh : {64u, 128u, 200u, 256u, 320u}) {
      OffloadCaps caps = profile(spec);
      caps.max_header_size = mh;
      auto sets = software_sets(c, caps);
      OffloadCaps everything = profile("full");
      everything.max_header_size = 65535;
      for (int k = 0; k < kOffloadCount; ++k) {
        std::vector<uint32_t> want;
        uint64_t bytes = 0;
        for (size_t i = 0; i < c.size(); ++i) {
          const Offload o = static_cast<Offload>(k);
          Eligibility e = offload_eligibility(caps, o, c[i].layout);
          // "Not supported" work that does not exist (LSOv2 of a UDP packet) is no software work.
          const bool no_work = offload_eligibility(everything, o, c[i].layout) == Eligibility::not_applicable;
          if (e != Eligibility::offload && e != Eligibility::not_applicable && !(e == Eligibility::not_supported && no_work)) {
            want.push_back(static_cast<uint32_t>(i));
            bytes += c[i].length;
          }
        }
        EXPECT_EQ(sets[k].indices, want) << spec << " max " << mh << " " << offload_name(static_cast<Offload>(k));
        EXPECT_EQ(sets[k].bytes, bytes);
        uint64_t counted = 0;
        for (int e = 0; e < kEligibilityCount; ++e) counted += sets[k].packets_by[e];
        EXPECT_EQ(counted, want.size());
        EXPECT_EQ(counted + sets[k].nic_packets + sets[k].no_work_packets, c.size());
      }
    }
  }
}

TEST(CostModel, NotApplicableIsNeverSoftwareWork) {
  // LSOv2 on a parsed UDP packet and USO on TCP do not exist as work, whatever the profile.
  const Corpus& c = default_corpus();
  auto sets = software_sets(c, profile("none"));
  size_t tcp_or_unparsed = 0, udp_or_unparsed = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    const NvgreLayout& L = c[i].layout;
    tcp_or_unparsed += !L.ok() || L.l4 == L4Proto::tcp;
    udp_or_unparsed += !L.ok() || L.l4 == L4Proto::udp;
  }
  EXPECT_EQ(sets[static_cast<int>(Offload::lso_v2)].indices.size(), tcp_or_unparsed);
  EXPECT_EQ(sets[static_cast<int>(Offload::uso)].indices.size(), udp_or_unparsed);
  EXPECT_GT(tcp_or_unparsed, 0u);
  EXPECT_LT(tcp_or_unparsed, c.size());
}

TEST(CostModel, PathTimesExactlyThoseBytes) {
  const Corpus& c = default_corpus();
  OffloadCaps caps = profile("ndis-example");
  caps.max_header_size = 128;
  auto sets = software_sets(c, caps);
  for (const char* sel : {"best", "reference"}) {
    for (Offload o : {Offload::tx_checksum, Offload::rx_checksum, Offload::lso_v2, Offload::rss, Offload::vmq,
                      Offload::uso}) {
      const auto& idx = sets[static_cast<int>(o)].indices;
      ASSERT_FALSE(idx.empty()) << offload_name(o);
      std::string err;
      auto path = SoftwarePath::create(o, c, idx, impls(sel), {}, &err);
      ASSERT_TRUE(path) << err;
      ASSERT_EQ(path->packets().size(), idx.size());
      for (size_t j = 0; j < idx.size(); ++j) {
        ASSERT_EQ(path->packets()[j].length, c[idx[j]].length);
        ASSERT_EQ(0, std::memcmp(path->packets().data(j), c.data(idx[j]), c[idx[j]].length)) << j;
        ASSERT_EQ(path->packets()[j].layout.error, c[idx[j]].layout.error);
      }
      path->run_pass();
      // Every parsed packet gets the work; unparsed ones are offered and refused.
      size_t parsed = 0, inner_mac = 0;
      for (uint32_t i : idx) {
        const NvgreLayout& L = c[i].layout;
        parsed += L.well_formed();  // what the checksum kernels work on (a cut-short payload too)
        inner_mac += L.inner_eth_offset != 0 && L.inner_eth_offset + 6 <= L.frame_len;
      }
      if (o == Offload::tx_checksum || o == Offload::rx_checksum) EXPECT_EQ(path->last_pass_processed(), parsed);
      if (o == Offload::rss) EXPECT_EQ(path->last_pass_processed(), idx.size());
      // VMQ needs only the inner destination MAC and the VSID (also of frames broken further in);
      // the table holds every VM of the capture, so every such lookup matches.
      if (o == Offload::vmq) EXPECT_EQ(path->last_pass_processed(), inner_mac);
      EXPECT_GE(inner_mac, parsed);
      if (o == Offload::lso_v2 || o == Offload::uso) {
        // Every segmented send is a parsed TCP (UDP) frame of the set, and nearly every one is.
        size_t sends = 0;
        for (uint32_t i : idx) sends += c[i].layout.ok() && c[i].layout.l4 == (o == Offload::uso ? L4Proto::udp : L4Proto::tcp);
        EXPECT_LE(path->last_pass_processed(), sends) << offload_name(o);
        EXPECT_GT(path->last_pass_processed(), sends * 9 / 10) << offload_name(o) << ": nearly every one is one segment";
      }
    }
  }
  for (int k = 0; k < kOffloadCount; ++k) EXPECT_TRUE(has_software_path(static_cast<Offload>(k))) << k;
}

TEST(CostModel, NothingLeftToSoftwareCostsZeroUntimed) {
  GeneratorConfig cfg;
  cfg.preset = "imix";
  cfg.outer = IpVersion::v4;
  cfg.inner = IpVersion::v4;
  Corpus c = generate_corpus(cfg);
  ASSERT_GT(c.size(), 0u);
  int calls = 0;
  CostModel m(c, impls("best"), impls("reference"), FakeMeasurer{1000, &calls});
  std::string err;
  auto pc = m.price(profile("full"), &err);
  ASSERT_TRUE(pc) << err;
  for (Offload o : {Offload::tx_checksum, Offload::rx_checksum, Offload::lso_v2, Offload::rss, Offload::vmq}) {
    const OffloadCost& oc = pc->offloads[static_cast<int>(o)];
    EXPECT_TRUE(oc.set.indices.empty()) << offload_name(o);
    EXPECT_TRUE(oc.chosen.m.empty);
    EXPECT_EQ(oc.chosen.m.median_ns, 0.0);
    EXPECT_EQ(oc.reference.m.median_ns, 0.0);
    EXPECT_TRUE(oc.chosen.m.stable);
    EXPECT_EQ(cores_at(oc.chosen.m.median_ns, 400e9, m.facts().line_bytes), 0.0);
  }
  EXPECT_EQ(calls, 0);
}

TEST(CostModel, NonePricesTheWholeCaptureThroughEachPath) {
  const Corpus& c = default_corpus();
  int calls = 0;
  CostModel m(c, impls("best"), impls("reference"), FakeMeasurer{1000, &calls});
  std::string err;
  auto pc = m.price(profile("none"), &err);
  ASSERT_TRUE(pc) << err;
  std::vector<uint32_t> all(c.size());
  std::iota(all.begin(), all.end(), 0u);
  for (Offload o : {Offload::tx_checksum, Offload::rx_checksum, Offload::rss, Offload::vmq})
    EXPECT_EQ(pc->offloads[static_cast<int>(o)].set.indices, all) << offload_name(o);
  const int after_none = calls;
  EXPECT_GT(after_none, 0);
  // A profile that leaves every packet to software for another reason (no outer version at all
  // in the set) prices the same packets: the same measurements, not timed again.
  auto pc2 = m.price(profile("tx=inner4|inner6,rx=inner4|inner6,lso=inner4|inner6,rss=inner4|inner6,vmq=inner4|inner6"), &err);
  ASSERT_TRUE(pc2) << err;
  for (Offload o : {Offload::tx_checksum, Offload::rx_checksum, Offload::lso_v2, Offload::rss, Offload::vmq})
    EXPECT_EQ(pc2->offloads[static_cast<int>(o)].set.indices, pc->offloads[static_cast<int>(o)].set.indices);
  EXPECT_EQ(calls, after_none);
}

TEST(CostModel, LineBytesFollowTheStatedFraming) {
  WireModel no_fcs, fcs;
  fcs.fcs_in_capture = true;
  EXPECT_EQ(line_bytes(1514, no_fcs), 1514u + 4 + 20);  // a full-size frame: 1538 B per frame on the line
  EXPECT_EQ(line_bytes(1518, fcs), 1518u + 20);
  EXPECT_EQ(line_bytes(42, no_fcs), 64u + 20);           // padded to the 64-byte minimum
  EXPECT_EQ(line_bytes(60, no_fcs), 64u + 20);
  EXPECT_EQ(line_bytes(61, no_fcs), 65u + 20);

  const Corpus& c = default_corpus();
  uint64_t want = 0;
  for (size_t i = 0; i < c.size(); ++i) want += std::max<uint64_t>(std::max(c[i].length, c[i].wire_length) + 4, 64) + 20;
  EXPECT_EQ(capture_facts(c, no_fcs).line_bytes, want);
}

TEST(CostModel, CoresAreLinearInTheLineRate) {
  // 1000 frames of 1538 B on the line at 100 Gb/s take 123.04 us; 61.52 us of software is half a core.
  const uint64_t lb = 1000 * 1538;
  EXPECT_NEAR(cores_at(61520, 100e9, lb), 0.5, 1e-12);
  for (double ns : {1.0, 123.0, 4.5e6})
    for (double r : {1e9, 10e9, 25e9, 100e9, 400e9}) {
      EXPECT_NEAR(cores_at(ns, 4 * r, lb), 4 * cores_at(ns, r, lb), 1e-12 * cores_at(ns, 4 * r, lb));
      EXPECT_NEAR(cores_at(2 * ns, r, lb), 2 * cores_at(ns, r, lb), 1e-12 * cores_at(2 * ns, r, lb));
    }
  EXPECT_EQ(cores_at(0, 400e9, lb), 0.0);
  EXPECT_FALSE(cores_at_capture_rate(100, 0));
  EXPECT_DOUBLE_EQ(*cores_at_capture_rate(250, 1000), 0.25);
}

TEST(CostModel, ResolveImplementations) {
  std::string err;
  auto best = resolve_impls("best", &err);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->checksum, &best_packet_checksum());  // the software path is per packet
  auto ref = resolve_impls("reference", &err);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->checksum->info.kind, ImplKind::reference);
  EXPECT_EQ(ref->toeplitz->info.kind, ImplKind::reference);
  EXPECT_EQ(ref->segment->info.kind, ImplKind::reference);
  EXPECT_FALSE(resolve_impls("no-such-impl", &err));
  EXPECT_NE(err.find("unknown implementation"), std::string::npos);
  auto lut = resolve_impls("lut", &err);  // a Toeplitz name: the other families keep their best
  ASSERT_TRUE(lut) << err;
  EXPECT_EQ(lut->toeplitz->info.name, "lut");
  EXPECT_EQ(lut->checksum, &best_packet_checksum());
}

}  // namespace
}  // namespace eb::cost
