#include "bench/common/machine.h"

#include <cpuid.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <hwy/highway.h>
#include <hwy/targets.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "bench/common/bench_common.h"
#include "eb_git_commit.h"
#include "bench/common/pmu.h"
#include "kernels/common/cpu_features.h"

#ifndef EB_VERSION
#define EB_VERSION "unknown"
#endif
#ifndef EB_BUILD_TYPE
#define EB_BUILD_TYPE "unknown"
#endif
#ifndef EB_CXX_COMPILER
#define EB_CXX_COMPILER "unknown"
#endif
#ifndef EB_CXX_FLAGS
#define EB_CXX_FLAGS "unknown"
#endif
#ifndef EB_ISAL_VERSION
#define EB_ISAL_VERSION "unknown"
#endif
#ifndef EB_DPDK_VERSION
#define EB_DPDK_VERSION "not built"
#endif
#ifndef EB_BENCHMARK_VERSION
#define EB_BENCHMARK_VERSION "unknown"
#endif

namespace eb::bench {
namespace {

struct UarchRow {
  const char* vendor;
  uint32_t family, model_lo, model_hi, stepping_lo, stepping_hi;
  const char* name;
  const char* slug;
  uint32_t l2_kib;  // per core, as shipped; 0 = hybrid or not recorded
};

// Family/model ranges from the vendors' programming references and the Linux kernel's
// intel-family.h / AMD's family-model tables. Ordered: the first match wins.
constexpr UarchRow kUarch[] = {
    // Intel server
    {"GenuineIntel", 6, 0x55, 0x55, 0, 4, "Skylake-SP", "skylakesp", 1024},
    {"GenuineIntel", 6, 0x55, 0x55, 5, 7, "Cascade Lake", "cascadelake", 1024},
    {"GenuineIntel", 6, 0x55, 0x55, 10, 11, "Cooper Lake", "cooperlake", 1024},
    {"GenuineIntel", 6, 0x6A, 0x6A, 0, 15, "Ice Lake-SP", "icelakesp", 1280},
    {"GenuineIntel", 6, 0x6C, 0x6C, 0, 15, "Ice Lake-D", "icelaked", 1280},
    {"GenuineIntel", 6, 0x8F, 0x8F, 0, 15, "Sapphire Rapids", "sapphirerapids", 2048},
    {"GenuineIntel", 6, 0xCF, 0xCF, 0, 15, "Emerald Rapids", "emeraldrapids", 2048},
    {"GenuineIntel", 6, 0xAD, 0xAE, 0, 15, "Granite Rapids", "graniterapids", 2048},
    {"GenuineIntel", 6, 0xAF, 0xAF, 0, 15, "Sierra Forest", "sierraforest", 0},
    {"GenuineIntel", 6, 0x3F, 0x3F, 0, 15, "Haswell-EP", "haswellep", 256},
    {"GenuineIntel", 6, 0x4F, 0x4F, 0, 15, "Broadwell-EP", "broadwellep", 256},
    {"GenuineIntel", 6, 0x56, 0x56, 0, 15, "Broadwell-DE", "broadwellde", 256},
    // Intel client
    {"GenuineIntel", 6, 0x3C, 0x3C, 0, 15, "Haswell", "haswell", 256},
    {"GenuineIntel", 6, 0x45, 0x46, 0, 15, "Haswell", "haswell", 256},
    {"GenuineIntel", 6, 0x3D, 0x3D, 0, 15, "Broadwell", "broadwell", 256},
    {"GenuineIntel", 6, 0x47, 0x47, 0, 15, "Broadwell", "broadwell", 256},
    {"GenuineIntel", 6, 0x4E, 0x4E, 0, 15, "Skylake", "skylake", 256},
    {"GenuineIntel", 6, 0x5E, 0x5E, 0, 15, "Skylake", "skylake", 256},
    {"GenuineIntel", 6, 0x8E, 0x8E, 0, 15, "Kaby Lake/Coffee Lake/Whiskey Lake", "kabylake", 256},
    {"GenuineIntel", 6, 0x9E, 0x9E, 0, 15, "Kaby Lake/Coffee Lake", "kabylake", 256},
    {"GenuineIntel", 6, 0xA5, 0xA6, 0, 15, "Comet Lake", "cometlake", 256},
    {"GenuineIntel", 6, 0x66, 0x66, 0, 15, "Cannon Lake", "cannonlake", 256},
    {"GenuineIntel", 6, 0x7D, 0x7E, 0, 15, "Ice Lake (client)", "icelake", 512},
    {"GenuineIntel", 6, 0x8C, 0x8D, 0, 15, "Tiger Lake", "tigerlake", 1280},
    {"GenuineIntel", 6, 0xA7, 0xA7, 0, 15, "Rocket Lake", "rocketlake", 512},
    {"GenuineIntel", 6, 0x97, 0x97, 0, 15, "Alder Lake", "alderlake", 0},
    {"GenuineIntel", 6, 0x9A, 0x9A, 0, 15, "Alder Lake", "alderlake", 0},
    {"GenuineIntel", 6, 0xBE, 0xBE, 0, 15, "Alder Lake-N", "alderlaken", 2048},
    {"GenuineIntel", 6, 0xB7, 0xB7, 0, 15, "Raptor Lake", "raptorlake", 0},
    {"GenuineIntel", 6, 0xBA, 0xBA, 0, 15, "Raptor Lake", "raptorlake", 0},
    {"GenuineIntel", 6, 0xBF, 0xBF, 0, 15, "Raptor Lake", "raptorlake", 0},
    {"GenuineIntel", 6, 0xAA, 0xAA, 0, 15, "Meteor Lake", "meteorlake", 0},
    {"GenuineIntel", 6, 0xAC, 0xAC, 0, 15, "Meteor Lake", "meteorlake", 0},
    {"GenuineIntel", 6, 0xC5, 0xC6, 0, 15, "Arrow Lake", "arrowlake", 0},
    {"GenuineIntel", 6, 0xBD, 0xBD, 0, 15, "Lunar Lake", "lunarlake", 0},
    // AMD family 17h
    {"AuthenticAMD", 0x17, 0x00, 0x07, 0, 15, "Zen", "zen1", 512},
    {"AuthenticAMD", 0x17, 0x08, 0x0F, 0, 15, "Zen+", "zenplus", 512},
    {"AuthenticAMD", 0x17, 0x10, 0x17, 0, 15, "Zen", "zen1", 512},
    {"AuthenticAMD", 0x17, 0x18, 0x1F, 0, 15, "Zen+", "zenplus", 512},
    {"AuthenticAMD", 0x17, 0x20, 0x2F, 0, 15, "Zen", "zen1", 512},
    {"AuthenticAMD", 0x17, 0x30, 0x4F, 0, 15, "Zen 2", "zen2", 512},
    {"AuthenticAMD", 0x17, 0x60, 0x7F, 0, 15, "Zen 2", "zen2", 512},
    {"AuthenticAMD", 0x17, 0x90, 0xAF, 0, 15, "Zen 2", "zen2", 512},
    {"HygonGenuine", 0x18, 0x00, 0xFF, 0, 15, "Zen (Hygon Dhyana)", "zen1", 512},
    // AMD family 19h
    {"AuthenticAMD", 0x19, 0x00, 0x0F, 0, 15, "Zen 3", "zen3", 512},
    {"AuthenticAMD", 0x19, 0x10, 0x1F, 0, 15, "Zen 4", "zen4", 1024},
    {"AuthenticAMD", 0x19, 0x20, 0x5F, 0, 15, "Zen 3", "zen3", 512},
    {"AuthenticAMD", 0x19, 0x60, 0x7F, 0, 15, "Zen 4", "zen4", 1024},
    {"AuthenticAMD", 0x19, 0xA0, 0xAF, 0, 15, "Zen 4c", "zen4c", 1024},
    // AMD family 1Ah
    {"AuthenticAMD", 0x1A, 0x00, 0x2F, 0, 15, "Zen 5", "zen5", 1024},
    {"AuthenticAMD", 0x1A, 0x40, 0x4F, 0, 15, "Zen 5", "zen5", 1024},
    {"AuthenticAMD", 0x1A, 0x60, 0x7F, 0, 15, "Zen 5", "zen5", 1024},
};

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

uint64_t parse_size(const std::string& s) {  // "48K", "2048K", "32M"
  if (s.empty()) return 0;
  uint64_t v = std::strtoull(s.c_str(), nullptr, 10);
  char unit = s.back();
  if (unit == 'K') v <<= 10;
  if (unit == 'M') v <<= 20;
  if (unit == 'G') v <<= 30;
  return v;
}

std::string kib(uint64_t bytes) { return std::to_string(bytes >> 10) + "k"; }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

uint64_t fnv1a64(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

const CacheLevel* find_cache(const std::vector<CacheLevel>& caches, int level, const char* type) {
  for (const auto& c : caches)
    if (c.level == level && (c.type == type || c.type == "Unified")) return &c;
  return nullptr;
}

struct Identity {
  CpuInfo cpu;
  Microarchitecture uarch;
  std::vector<CacheLevel> caches;
  std::string cache_source;
  std::string klass;
};

// Features that describe the ISA (not hypervisor/TSC properties).
uint64_t isa_mask(uint64_t features) { return features & ~(uint64_t{kCpuHypervisor} | kCpuInvariantTSC); }

Identity build_identity() {
  Identity id;
  id.cpu = cpu_info();
  id.caches = detect_caches(&id.cache_source);
  id.uarch = lookup_microarchitecture(id.cpu.vendor, id.cpu.family, id.cpu.model, id.cpu.stepping);
  if (id.uarch.confidence != "none" && !id.cpu.hypervisor_vendor.empty()) {
    // Under a hypervisor CPUID's family/model are whatever the VM configuration says. Check
    // them against something harder to fake: the per-core L2 size.
    const CacheLevel* l2 = find_cache(id.caches, 2, "Unified");
    std::ostringstream note;
    note << "hypervisor (" << id.cpu.hypervisor_vendor << ") present: family " << id.cpu.family << " model "
         << id.cpu.model << " may be synthetic";
    if (l2 && id.uarch.l2_kib != 0 && (l2->bytes >> 10) != id.uarch.l2_kib) {
      id.uarch.confidence = "low";
      note << "; L2 is " << (l2->bytes >> 10) << " KiB per core where " << id.uarch.name << " has "
           << id.uarch.l2_kib << " KiB, so the real CPU is probably something else";
    } else {
      id.uarch.confidence = "medium";
      if (l2 && id.uarch.l2_kib != 0) note << "; the L2 size (" << id.uarch.l2_kib << " KiB) is consistent";
    }
    id.uarch.note = note.str();
  }
  if (id.uarch.confidence != "none" && id.cpu.brand.find("Processor") != std::string::npos &&
      id.cpu.brand.find_first_of("0123456789") == std::string::npos)
    id.uarch.note += std::string(id.uarch.note.empty() ? "" : "; ") + "brand string is generic (\"" +
                     id.cpu.brand + "\"), no SKU to cross-check";

  // machine_class: readable part + hash of the full description (never the hostname).
  const uint64_t f = id.cpu.features;
  std::vector<std::string> parts;
  std::string vendor = id.cpu.vendor == "GenuineIntel"   ? "intel"
                       : id.cpu.vendor == "AuthenticAMD" ? "amd"
                       : id.cpu.vendor == "HygonGenuine" ? "hygon"
                                                         : "cpu";
  parts.push_back(vendor);
  parts.push_back(id.uarch.slug == "unknown" ? "f" + std::to_string(id.cpu.family) + "m" + std::to_string(id.cpu.model)
                                             : id.uarch.slug);
  if ((f & kCpuAVX512Core) == kCpuAVX512Core)
    parts.push_back("avx512");
  else if (f & kCpuAVX2)
    parts.push_back("avx2");
  else if (f & kCpuSSE42)
    parts.push_back("sse42");
  if (f & kCpuGFNI) parts.push_back("gfni");
  if (f & kCpuVPCLMULQDQ) parts.push_back("vpclmulqdq");
  const CacheLevel* l1d = find_cache(id.caches, 1, "Data");
  const CacheLevel* l2 = find_cache(id.caches, 2, "Unified");
  const CacheLevel* l3 = find_cache(id.caches, 3, "Unified");
  if (l1d) parts.push_back("l1d_" + kib(l1d->bytes));
  if (l2) parts.push_back("l2_" + kib(l2->bytes));
  if (l3) parts.push_back("l3_" + kib(l3->bytes));
  if (!id.cpu.hypervisor_vendor.empty()) parts.push_back("vm");
  std::ostringstream full;
  full << id.cpu.vendor << '|' << id.cpu.family << '|' << id.cpu.model << '|' << id.uarch.name << '|'
       << join(cpu_feature_names(isa_mask(f)), ",") << '|' << (id.cpu.hypervisor_vendor.empty() ? "metal" : "vm");
  for (const auto& c : id.caches) full << '|' << c.level << c.type << ':' << c.bytes;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(fnv1a64(full.str()) & 0xffffffffu));
  parts.push_back(hex);
  id.klass = join(parts, "-");
  return id;
}

const Identity& identity() {
  static const Identity id = build_identity();
  return id;
}

std::string kernel_flag(const char* flag) {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::string w;
    while (words >> w)
      if (w == flag) return "yes";
    return "no";
  }
  return "unknown";
}

int physical_cores() {
  std::set<std::pair<std::string, std::string>> cores;
  for (int cpu = 0;; ++cpu) {
    std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    if (!std::filesystem::exists(base)) break;
    cores.emplace(read_first_line(base + "physical_package_id"), read_first_line(base + "core_id"));
  }
  return static_cast<int>(cores.size());
}

std::string utc_now() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string fmt_hz(double hz) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", hz);
  return buf;
}

}  // namespace

Microarchitecture lookup_microarchitecture(const std::string& vendor, uint32_t family, uint32_t model,
                                           uint32_t stepping) {
  for (const auto& r : kUarch) {
    if (vendor == r.vendor && family == r.family && model >= r.model_lo && model <= r.model_hi &&
        stepping >= r.stepping_lo && stepping <= r.stepping_hi)
      return {r.name, r.slug, r.l2_kib, "high", ""};
  }
  return {"unknown", "unknown", 0, "none", "family/model not in encapbench's table"};
}

std::vector<CacheLevel> detect_caches(std::string* source) {
  std::vector<CacheLevel> out;
  for (int i = 0;; ++i) {
    std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    if (!std::filesystem::exists(base)) break;
    CacheLevel c;
    c.level = std::atoi(read_first_line(base + "level").c_str());
    c.type = read_first_line(base + "type");
    c.bytes = parse_size(read_first_line(base + "size"));
    // shared_cpu_list like "0-1" or "0,2": count the CPUs.
    std::string list = read_first_line(base + "shared_cpu_list");
    int n = 0;
    std::istringstream ranges(list);
    std::string r;
    while (std::getline(ranges, r, ',')) {
      auto dash = r.find('-');
      if (dash == std::string::npos)
        n += 1;
      else
        n += std::atoi(r.c_str() + dash + 1) - std::atoi(r.c_str()) + 1;
    }
    c.shared_cpus = n;
    if (c.bytes) out.push_back(c);
  }
  if (!out.empty()) {
    *source = "sysfs";
    return out;
  }
  // CPUID deterministic cache parameters: leaf 4 (Intel) or 0x8000001D (AMD), same layout.
  unsigned a, b, c, d;
  unsigned leaf = cpu_info().vendor == "GenuineIntel" ? 4u : 0x8000001Du;
  for (unsigned sub = 0; sub < 8; ++sub) {
    __cpuid_count(leaf, sub, a, b, c, d);
    unsigned type = a & 31;
    if (type == 0) break;
    CacheLevel cl;
    cl.level = static_cast<int>((a >> 5) & 7);
    cl.type = type == 1 ? "Data" : type == 2 ? "Instruction" : "Unified";
    cl.bytes = uint64_t{(b >> 22) + 1} * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) * (uint64_t{c} + 1);
    cl.shared_cpus = static_cast<int>(((a >> 14) & 0xfff) + 1);
    out.push_back(cl);
  }
  *source = leaf == 4 ? "cpuid-4" : "cpuid-0x8000001d";
  return out;
}

std::string machine_class() { return identity().klass; }

std::vector<std::pair<std::string, std::string>> run_context() {
  const Identity& id = identity();
  std::vector<std::pair<std::string, std::string>> kv;
  auto add = [&](const std::string& k, const std::string& v) { kv.emplace_back(k, v); };

  add("machine_class", id.klass);
  add("cpu_vendor", id.cpu.vendor);
  add("cpu_family", std::to_string(id.cpu.family));
  add("cpu_model", std::to_string(id.cpu.model));
  add("cpu_stepping", std::to_string(id.cpu.stepping));
  add("cpu_brand", id.cpu.brand);
  add("microarchitecture", id.uarch.name);
  add("microarchitecture_confidence", id.uarch.confidence);
  if (!id.uarch.note.empty()) add("microarchitecture_note", id.uarch.note);
  add("isa_flags", join(cpu_feature_names(isa_mask(id.cpu.features)), ","));
  if (const char* m = std::getenv("EB_CPU_MASK")) add("cpu_mask", std::string("EB_CPU_MASK=") + m + " (features hidden)");
  add("hypervisor", id.cpu.hypervisor_vendor.empty() ? "none" : id.cpu.hypervisor_vendor);

  add("tsc_hz", fmt_hz(tsc_hz()));
  add("tsc_source", tsc_source());
  add("tsc_hz_calibrated", fmt_hz(tsc_hz_calibrated()));
  add("tsc_invariant", (id.cpu.features & kCpuInvariantTSC) ? "yes" : "no");
  add("tsc_known_freq", kernel_flag("tsc_known_freq"));
  add("cycles_note",
      "tsc_ticks_per_* counters are invariant-TSC ticks (benchmark time x tsc_hz), not core cycles; "
      "core_cycles_per_* appear only when a PMU is available");
  const PmuStatus& pmu = pmu_status();
  add("pmu", pmu.description);
  // What the reports label cycle figures with: core cycles from the PMU, else TSC ticks.
  add("cycles_source", pmu.available && (pmu.events & (1u << kPmuCycles)) ? "pmu" : "tsc");

  for (const auto& c : id.caches) {
    std::string key = "cache_l" + std::to_string(c.level) +
                      (c.type == "Data" ? "d" : c.type == "Instruction" ? "i" : "");
    add(key, std::to_string(c.bytes) + " bytes, shared by " + std::to_string(c.shared_cpus) + " cpu(s)");
  }
  add("cache_source", id.cache_source);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  add("logical_cpus", std::to_string(online));
  add("physical_cores", std::to_string(physical_cores()));

  utsname u{};
  if (uname(&u) == 0)
    add("kernel", std::string(u.sysname) + " " + u.release + " " + u.version + " " + u.machine);
  add("compiler", EB_CXX_COMPILER " (" __VERSION__ ")");
  add("compiler_flags", EB_CXX_FLAGS);
  add("build_type", EB_BUILD_TYPE);
#ifdef NDEBUG
  add("suite_asserts", "off (NDEBUG)");
#else
  add("suite_asserts", "on");
#endif
  add("benchmark_library_build_type_note", "see library_build_type (Google Benchmark's own build, from the library)");
  add("highway_version", std::to_string(HWY_MAJOR) + "." + std::to_string(HWY_MINOR) + "." + std::to_string(HWY_PATCH));
  add("isal_version", EB_ISAL_VERSION);
  add("dpdk_version", EB_DPDK_VERSION);
  add("benchmark_version", EB_BENCHMARK_VERSION);
  std::vector<std::string> compiled, usable;
  for (int64_t t = HWY_TARGETS; t != 0; t &= t - 1) compiled.emplace_back(hwy::TargetName(t & ~(t - 1)));
  for (int64_t t : hwy::SupportedAndGeneratedTargets()) usable.emplace_back(hwy::TargetName(t));
  add("highway_targets_compiled", join(compiled, ","));
  add("highway_targets_usable", join(usable, ","));
  add("highway_target_chosen", usable.empty() ? "none" : usable.front());
  add("suite_commit", EB_GIT_COMMIT_LIVE);
  add("suite_version", EB_VERSION);
  add("preset", preset_name());
  if (fixed_iterations() > 0) add("fixed_iterations", std::to_string(fixed_iterations()));
  add("utc_time", utc_now());
  for (const auto& [k, v] : added_context()) add(k, v);
  return kv;
}

}  // namespace eb::bench
