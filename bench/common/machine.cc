#include "bench/common/machine.h"

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
#include "bench/common/machine_arch.h"
#include "bench/common/pmu.h"
#include "bench/common/timer_arch.h"
#include "kernels/common/arch.h"
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

struct Emulation {
  bool emulated = false;
  std::string emulator;  // "" when not emulated
};

// Whether this process runs under an instruction-set emulator. EB_EMULATED (set by the CI script
// or `encapbench run --emulated`) wins: "0"/"false" = native, "1"/"true" = emulated by an unnamed
// emulator, anything else = emulated, and the value names the emulator ("qemu-aarch64 -cpu max").
// Otherwise qemu-user is recognised by the host's /proc/cpuinfo, which it passes through: an
// x86 "vendor_id" seen by an aarch64 process, or a vendor different from the one CPUID reports.
Emulation detect_emulation(const CpuInfo& cpu) {
  Emulation e;
  if (const char* v = std::getenv("EB_EMULATED"); v && *v) {
    const std::string s = v;
    if (s == "0" || s == "false" || s == "no") return e;
    e.emulated = true;
    e.emulator = (s == "1" || s == "true" || s == "yes") ? "unnamed (EB_EMULATED)" : s;
    return e;
  }
  std::ifstream f("/proc/cpuinfo");
  std::string line, vendor;
  while (std::getline(f, line))
    if (line.rfind("vendor_id", 0) == 0) {
      vendor = line.substr(line.find(':') + 1);
      vendor.erase(0, vendor.find_first_not_of(" \t"));
      break;
    }
  if (cpu.arch != "x86_64" && !vendor.empty()) {
    e.emulated = true;
    e.emulator = "qemu-user (detected: an " + cpu.arch + " process sees an x86 host's /proc/cpuinfo)";
  } else if (cpu.arch == "x86_64" && !vendor.empty() && vendor != cpu.vendor) {
    e.emulated = true;
    e.emulator = "qemu-user or similar (detected: CPUID vendor " + cpu.vendor + ", host /proc/cpuinfo " + vendor + ")";
  }
  return e;
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
  if (const Emulation emu = detect_emulation(id.cpu); emu.emulated && id.uarch.confidence != "none") {
    // An emulator reports the CPU model it was told to emulate, not the host.
    id.uarch.confidence = "low";
    id.uarch.note += std::string(id.uarch.note.empty() ? "" : "; ") + "emulated (" + emu.emulator +
                     "): the identity is the emulated model's, not the machine's";
  }
  if (id.uarch.confidence != "none" && id.cpu.brand.find("Processor") != std::string::npos &&
      id.cpu.brand.find_first_of("0123456789") == std::string::npos)
    id.uarch.note += std::string(id.uarch.note.empty() ? "" : "; ") + "brand string is generic (\"" +
                     id.cpu.brand + "\"), no SKU to cross-check";

  // machine_class: readable part + hash of the full description (never the hostname).
  const uint64_t f = id.cpu.features;
  std::vector<std::string> parts;
  parts.push_back(arch_vendor_slug(id.cpu));
  parts.push_back(id.uarch.slug == "unknown" ? "f" + std::to_string(id.cpu.family) + "m" + std::to_string(id.cpu.model)
                                             : id.uarch.slug);
  for (auto& tag : arch_isa_tags(f)) parts.push_back(tag);
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

#if EB_ARCH_X86_64
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
#endif

int physical_cores() {
  std::set<std::pair<std::string, std::string>> cores;
  for (int cpu = 0;; ++cpu) {
    std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    if (!std::filesystem::exists(base)) break;
    cores.emplace(read_first_line(base + "physical_package_id"), read_first_line(base + "core_id"));
  }
  return static_cast<int>(cores.size());
}

std::string fmt_hz(double hz) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", hz);
  return buf;
}

}  // namespace

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
  arch_caches(&out, source);
  return out;
}

std::string machine_class() { return identity().klass; }

std::vector<std::pair<std::string, std::string>> run_context() {
  const Identity& id = identity();
  std::vector<std::pair<std::string, std::string>> kv;
  auto add = [&](const std::string& k, const std::string& v) { kv.emplace_back(k, v); };

  add("machine_class", id.klass);
  add("cpu_arch", id.cpu.arch);
  if (id.cpu.midr) {
    char midr[24];
    std::snprintf(midr, sizeof midr, "0x%08llx", static_cast<unsigned long long>(id.cpu.midr));
    add("cpu_midr", std::string(midr) + " (from " + id.cpu.midr_source + ")");
  }
  if (id.cpu.sve_vector_bytes) add("sve_vector_bits", std::to_string(id.cpu.sve_vector_bytes * 8));
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

  const Emulation emu = detect_emulation(id.cpu);
  add("emulated", emu.emulated ? "true" : "false");
  add("emulator", emu.emulator);

  add("timer", timer_description());
  add("tsc_hz", fmt_hz(tsc_hz()));
  add("tsc_source", tsc_source());
  add("tsc_hz_calibrated", fmt_hz(tsc_hz_calibrated()));
#if EB_ARCH_X86_64
  add("tsc_invariant", (id.cpu.features & kCpuInvariantTSC) ? "yes" : "no");
  add("tsc_known_freq", kernel_flag("tsc_known_freq"));
#endif
  add("cycles_note",
      std::string("tsc_ticks_per_* counters are ticks of the ") + timer_description() +
          " (benchmark time x tsc_hz), not core cycles; core_cycles_per_* appear only when a PMU is available");
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
  add("utc_time", utc_time("%Y-%m-%dT%H:%M:%SZ"));
  for (const auto& [k, v] : added_context()) add(k, v);
  return kv;
}

std::string utc_time(const char* format) {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace eb::bench
