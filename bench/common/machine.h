// Machine identity for the run context: what CPU, what caches, what build, which libraries, so
// that a result file can be compared with one from another machine. Nothing here uses the
// hostname: results group by `machine_class`, derived from the microarchitecture, ISA flags and
// cache sizes.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace eb::bench {

// A microarchitecture from our own family/model table.
struct Microarchitecture {
  std::string name;        // "Rocket Lake", "Zen 4", "unknown"
  std::string slug;        // "rocketlake", "zen4", "unknown": for machine_class
  uint32_t l2_kib = 0;     // L2 per core the table expects (0 = not recorded / varies)
  std::string confidence;  // "high" | "medium" | "low" | "none"
  std::string note;        // why the confidence is not high
};

// Table lookup only (no hypervisor or cache checks): vendor "GenuineIntel"/"AuthenticAMD"/...
Microarchitecture lookup_microarchitecture(const std::string& vendor, uint32_t family, uint32_t model,
                                           uint32_t stepping);

struct CacheLevel {
  int level = 0;
  std::string type;  // "Data", "Instruction", "Unified"
  uint64_t bytes = 0;
  int shared_cpus = 0;
};

// Caches of cpu0 from sysfs, or CPUID leaf 4 / 0x8000001D when sysfs has none. *source says which.
std::vector<CacheLevel> detect_caches(std::string* source);

// microarchitecture slug + ISA tags + cache sizes + 8 hex digits of a hash over the full
// description, e.g. "intel-rocketlake-avx512-gfni-vpclmulqdq-l1d_48k-l2_2048k-l3_491520k-vm-1a2b3c4d".
std::string machine_class();

// Every key/value pair bench_main adds with benchmark::AddCustomContext.
std::vector<std::pair<std::string, std::string>> run_context();

// The current time in UTC, formatted by strftime `format` ("%Y-%m-%dT%H:%M:%SZ" in the run
// context, a compact stamp in result file names).
std::string utc_time(const char* format);

}  // namespace eb::bench
