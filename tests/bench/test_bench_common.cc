// Unit tests of the benchmark harness (bench/common): sweeps, TSC, PMU backends, the
// microarchitecture table, machine_class.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <cstdlib>
#include <regex>
#include <thread>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "bench/common/machine.h"
#include "kernels/common/arch.h"
#include "bench/common/pmu.h"

namespace eb::bench {
namespace {

class PresetEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* p = std::getenv("EB_PRESET");
    saved_ = p ? p : "";
    had_ = p != nullptr;
  }
  void TearDown() override {
    if (had_)
      setenv("EB_PRESET", saved_.c_str(), 1);
    else
      unsetenv("EB_PRESET");
  }
  std::string saved_;
  bool had_ = false;
};

TEST_F(PresetEnv, DefaultIsQuickAndEnvSelectsFull) {
  unsetenv("EB_PRESET");
  EXPECT_EQ(preset(), Preset::quick);
  setenv("EB_PRESET", "full", 1);
  EXPECT_EQ(preset(), Preset::full);
  EXPECT_STREQ(preset_name(), "full");
}

TEST_F(PresetEnv, FullHeaderSweepStepsAtMostEightUpTo256ThenFallbackRegion) {
  setenv("EB_PRESET", "full", 1);
  for (int min : {42, 50, 62, 78, 96}) {
    auto v = header_sizes(min);
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.front(), min);
    for (size_t i = 1; i < v.size(); ++i) {
      EXPECT_GT(v[i], v[i - 1]);
      if (v[i] <= 256) {
        EXPECT_LE(v[i] - v[i - 1], 8) << "min " << min << " at " << v[i];
      }
    }
    EXPECT_NE(std::find(v.begin(), v.end(), 256), v.end());
    for (int h = 264; h <= 320; h += 8) EXPECT_NE(std::find(v.begin(), v.end(), h), v.end()) << h;
    EXPECT_EQ(v.back(), 320);
  }
}

TEST_F(PresetEnv, QuickHeaderSweepIsASubsetOfFull) {
  setenv("EB_PRESET", "full", 1);
  auto full = header_sizes(54);
  setenv("EB_PRESET", "quick", 1);
  auto quick = header_sizes(54);
  EXPECT_LT(quick.size(), full.size());
  for (int h : quick) EXPECT_NE(std::find(full.begin(), full.end(), h), full.end()) << h;
}

TEST_F(PresetEnv, BufferSizesSpanL1ToDram) {
  setenv("EB_PRESET", "full", 1);
  auto v = buffer_sizes();
  EXPECT_EQ(v.front(), 16u << 10);
  EXPECT_EQ(v.back(), 256u << 20);
  for (size_t i = 1; i < v.size(); ++i) EXPECT_EQ(v[i], 2 * v[i - 1]);
  setenv("EB_PRESET", "quick", 1);
  EXPECT_LT(buffer_sizes().size(), v.size());
}

TEST_F(PresetEnv, ThreadCountsCoverOneToOnlineCpus) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  setenv("EB_PRESET", "full", 1);
  auto v = thread_counts();
  ASSERT_EQ(static_cast<long>(v.size()), cpus);
  for (long i = 0; i < cpus; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], i + 1);
}

// The cache-level corpora: each level's corpus fits that cache of cpu0 (as sysfs / CPUID report
// it) and not the level below, and `mem` is beyond every cache.
TEST(CacheCorpora, EachLevelFitsItsCacheAndNotTheOneBelow) {
  std::string source;
  std::map<int, uint64_t> level_bytes;  // data or unified caches of cpu0
  for (const CacheLevel& c : detect_caches(&source))
    if (c.type != "Instruction") level_bytes[c.level] = std::max(level_bytes[c.level], c.bytes);
  const std::vector<CacheCorpus> sizes = cache_corpus_sizes();
  ASSERT_GE(sizes.size(), 2u);
  EXPECT_EQ(sizes.back().level, "mem");
  for (size_t i = 1; i < sizes.size(); ++i) EXPECT_GT(sizes[i].bytes, sizes[i - 1].bytes) << sizes[i].level;
  uint64_t largest = 0;
  for (const auto& [lvl, bytes] : level_bytes) largest = std::max(largest, bytes);
  EXPECT_GE(sizes.back().bytes, std::max<uint64_t>(2 * largest, uint64_t{64} << 20));

  const CorpusInputs inputs = cache_level_inputs("imix", "imix");
  ASSERT_EQ(inputs.size(), sizes.size());
  for (size_t i = 0; i + 1 < inputs.size() && i < 2; ++i) {  // l1 and l2: small enough to generate here
    EXPECT_EQ(inputs[i]->label, "imix-" + sizes[i].level);
    const Corpus& c = inputs[i]->get();
    const double bytes = static_cast<double>(c.total_bytes());
    EXPECT_GT(bytes, 0.5 * static_cast<double>(sizes[i].bytes)) << inputs[i]->label;
    EXPECT_LT(bytes, 1.5 * static_cast<double>(sizes[i].bytes)) << inputs[i]->label;
    const int level = static_cast<int>(i) + 1;
    if (level_bytes.count(level)) EXPECT_LT(bytes, static_cast<double>(level_bytes[level])) << inputs[i]->label;
    if (level_bytes.count(level - 1)) EXPECT_GT(bytes, static_cast<double>(level_bytes[level - 1])) << inputs[i]->label;
  }
}

TEST(SizeLabel, Units) {
  EXPECT_EQ(size_label(16 << 10), "16k");
  EXPECT_EQ(size_label(256u << 20), "256m");
  EXPECT_EQ(size_label(1500), "1500");
  EXPECT_EQ(size_label(1536), "1536") << "not a multiple of 1024";
  EXPECT_EQ(size_label(3072), "3k");
}

// The timer's frequency agrees with steady_clock (CLOCK_MONOTONIC, not the RAW clock it was
// calibrated against) over a separate 200 ms interval. Lower bound: an x86 TSC runs at hundreds
// of MHz or more; Arm's generic timer at 1 MHz or more (commonly 25 MHz to 1 GHz; QEMU: 62.5 MHz).
TEST(Tsc, FrequencyMatchesSteadyClock) {
#if EB_ARCH_X86_64
  ASSERT_GT(tsc_hz(), 1e8);
#else
  ASSERT_GT(tsc_hz(), 1e6);
#endif
  EXPECT_FALSE(tsc_source().empty());
  auto c0 = std::chrono::steady_clock::now();
  uint64_t t0 = rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  uint64_t t1 = rdtsc();
  auto c1 = std::chrono::steady_clock::now();
  double measured = static_cast<double>(t1 - t0) / std::chrono::duration<double>(c1 - c0).count();
  EXPECT_NEAR(measured / tsc_hz(), 1.0, 0.01) << "tsc_hz " << tsc_hz() << " source " << tsc_source();
  EXPECT_NEAR(tsc_hz_calibrated() / tsc_hz(), 1.0, 0.02);
}

#if EB_ARCH_X86_64
// Family/model to microarchitecture, from Intel's and AMD's published family/model numbers.
TEST(Microarchitecture, KnownCpus) {
  struct Case {
    const char* vendor;
    uint32_t family, model, stepping;
    const char* name;
  } cases[] = {
      {"GenuineIntel", 6, 0x55, 4, "Skylake-SP"},      {"GenuineIntel", 6, 0x55, 7, "Cascade Lake"},
      {"GenuineIntel", 6, 0x55, 11, "Cooper Lake"},    {"GenuineIntel", 6, 0x6A, 6, "Ice Lake-SP"},
      {"GenuineIntel", 6, 0x8F, 8, "Sapphire Rapids"}, {"GenuineIntel", 6, 0xCF, 2, "Emerald Rapids"},
      {"GenuineIntel", 6, 0xAD, 1, "Granite Rapids"},  {"GenuineIntel", 6, 0xAF, 3, "Sierra Forest"},
      {"GenuineIntel", 6, 0xA7, 1, "Rocket Lake"},     {"GenuineIntel", 6, 0x8C, 1, "Tiger Lake"},
      {"GenuineIntel", 6, 0x97, 2, "Alder Lake"},      {"GenuineIntel", 6, 0xB7, 1, "Raptor Lake"},
      {"GenuineIntel", 6, 0x5E, 3, "Skylake"},         {"AuthenticAMD", 0x17, 0x01, 2, "Zen"},
      {"AuthenticAMD", 0x17, 0x08, 2, "Zen+"},         {"AuthenticAMD", 0x17, 0x31, 0, "Zen 2"},
      {"AuthenticAMD", 0x17, 0x71, 0, "Zen 2"},        {"AuthenticAMD", 0x19, 0x01, 1, "Zen 3"},
      {"AuthenticAMD", 0x19, 0x21, 0, "Zen 3"},        {"AuthenticAMD", 0x19, 0x11, 1, "Zen 4"},
      {"AuthenticAMD", 0x19, 0x61, 2, "Zen 4"},        {"AuthenticAMD", 0x1A, 0x02, 1, "Zen 5"},
      {"AuthenticAMD", 0x1A, 0x44, 0, "Zen 5"},
  };
  for (const auto& c : cases) {
    auto u = lookup_microarchitecture(c.vendor, c.family, c.model, c.stepping);
    EXPECT_EQ(u.name, c.name) << c.vendor << " " << c.family << "/" << c.model;
    EXPECT_EQ(u.confidence, "high");
  }
  auto unknown = lookup_microarchitecture("GenuineIntel", 6, 0x01, 0);
  EXPECT_EQ(unknown.name, "unknown");
  EXPECT_EQ(unknown.confidence, "none");
  EXPECT_EQ(lookup_microarchitecture("AuthenticAMD", 6, 0xA7, 1).name, "unknown") << "vendor matters";
}
#elif EB_ARCH_AARCH64
// MIDR implementer/part to core, from the cores' technical reference manuals (MIDR_EL1 values).
TEST(Microarchitecture, KnownCpus) {
  struct Case {
    uint32_t implementer, part;
    const char* name;
  } cases[] = {
      {0x41, 0xd0c, "Neoverse N1"}, {0x41, 0xd49, "Neoverse N2"}, {0x41, 0xd40, "Neoverse V1"},
      {0x41, 0xd4f, "Neoverse V2"}, {0x41, 0xd08, "Cortex-A72"},  {0x41, 0xd0b, "Cortex-A76"},
      {0xc0, 0xac3, "AmpereOne"},   {0x61, 0x023, "Apple M1 Firestorm"},
  };
  for (const auto& c : cases) {
    auto u = lookup_microarchitecture("", c.implementer, c.part, 0);
    EXPECT_EQ(u.name, c.name) << std::hex << c.implementer << "/" << c.part;
    EXPECT_EQ(u.confidence, "high");
  }
  EXPECT_EQ(lookup_microarchitecture("", 0x41, 0xfff, 0).confidence, "none");
  EXPECT_EQ(lookup_microarchitecture("", 0xc0, 0xd0c, 0).name, "unknown") << "implementer matters";
}
#endif

// (Independence from the hostname is checked end to end in test_run_cli.cc, under another
// hostname.)
TEST(MachineClass, StableAndWellFormed) {
  std::string a = machine_class();
  EXPECT_EQ(a, machine_class());
  EXPECT_TRUE(std::regex_match(a, std::regex("[a-z0-9_]+(-[a-z0-9_]+)*-[0-9a-f]{8}"))) << a;
}

TEST(RunContext, CarriesIdentityKeys) {
  auto kv = run_context();
  std::map<std::string, std::string> m(kv.begin(), kv.end());
  for (const char* k : {"machine_class", "cpu_vendor", "cpu_family", "cpu_model", "cpu_stepping", "cpu_brand",
                        "microarchitecture", "microarchitecture_confidence", "isa_flags", "hypervisor", "tsc_hz",
                        "tsc_source", "pmu", "cache_l1d", "cache_l2", "logical_cpus", "physical_cores", "kernel",
                        "compiler", "compiler_flags", "build_type", "highway_version", "isal_version",
                        "dpdk_version", "benchmark_version", "highway_targets_compiled", "highway_target_chosen",
                        "suite_commit", "utc_time"})
    EXPECT_TRUE(m.count(k) && !m[k].empty()) << k;
  // Under a hypervisor the table's answer is never reported with high confidence.
  if (m["hypervisor"] != "none" && m["microarchitecture"] != "unknown") {
    EXPECT_NE(m["microarchitecture_confidence"], "high");
  }
}

// ---- PMU backends ---------------------------------------------------------------------------

class ScriptedGroup : public PmuGroup {
 public:
  explicit ScriptedGroup(uint64_t* clock) : clock_(clock) {}
  bool read(PmuReading* out) override {
    *clock_ += 1000;
    out->value[kPmuCycles] = *clock_;
    out->value[kPmuInstructions] = 3 * *clock_;
    out->valid = (1u << kPmuCycles) | (1u << kPmuInstructions);
    return true;
  }
  uint64_t* clock_;
};

class ScriptedBackend : public PmuBackend {
 public:
  std::string name() const override { return "scripted"; }
  std::unique_ptr<PmuGroup> open_thread(std::string*) override { return std::make_unique<ScriptedGroup>(&clock); }
  uint64_t clock = 0;
};

class FailingBackend : public PmuBackend {
 public:
  std::string name() const override { return "failing"; }
  std::unique_ptr<PmuGroup> open_thread(std::string* why) override {
    *why = "EACCES (Permission denied) opening cycles";
    return nullptr;
  }
};

class PmuBackendTest : public ::testing::Test {
 protected:
  void TearDown() override { set_pmu_backend(make_perf_event_backend()); }
};

TEST_F(PmuBackendTest, AbsentPmuIsStatedWithItsReason) {
  set_pmu_backend(std::make_unique<FailingBackend>());
  EXPECT_FALSE(pmu_status().available);
  EXPECT_EQ(pmu_status().description, "unavailable: EACCES (Permission denied) opening cycles");
  PmuScope scope;
  EXPECT_FALSE(scope.active());
  PmuReading d;
  EXPECT_FALSE(scope.delta(&d));
}

TEST_F(PmuBackendTest, PresentPmuGivesDeltasFromTheBaseline) {
  auto b = std::make_unique<ScriptedBackend>();
  set_pmu_backend(std::move(b));
  ASSERT_TRUE(pmu_status().available);
  EXPECT_NE(pmu_status().description.find("cycles, instructions"), std::string::npos) << pmu_status().description;
  PmuScope scope;  // open + baseline read
  ASSERT_TRUE(scope.active());
  EXPECT_EQ(PmuScope::current(), &scope);
  PmuReading d;
  ASSERT_TRUE(scope.delta(&d));  // one more read: +1000 ticks since the baseline
  EXPECT_EQ(d.value[kPmuCycles], 1000u);
  EXPECT_EQ(d.value[kPmuInstructions], 3000u);
  EXPECT_EQ(d.valid, (1u << kPmuCycles) | (1u << kPmuInstructions));
  scope.restart();
  ASSERT_TRUE(scope.delta(&d));
  EXPECT_EQ(d.value[kPmuCycles], 1000u) << "restart() moves the baseline";
}

// The real backend on this machine: either it opens (and counts something) or it says why not.
TEST_F(PmuBackendTest, RealBackendEitherCountsOrExplains) {
  set_pmu_backend(make_perf_event_backend());
  const PmuStatus& st = pmu_status();
  if (st.available) {
    EXPECT_EQ(st.description.rfind("available: perf_event_open", 0), 0u) << st.description;
    EXPECT_TRUE(st.events & (1u << kPmuCycles));
  } else {
    EXPECT_TRUE(std::regex_search(st.description, std::regex("^unavailable: E[A-Z]+ \\(.+\\) opening cycles$")))
        << st.description;
  }
}

}  // namespace
}  // namespace eb::bench
