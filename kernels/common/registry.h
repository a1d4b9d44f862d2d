// One registry per kernel family, one record per implementation (simdutf style). The library,
// the CLI (`--impl NAME`, `list`), the tests and the benchmarks all iterate the same records.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/cpu_features.h"

namespace eb {

enum class ImplKind : uint8_t {
  reference,       // plain and obviously correct: the oracle every other row is checked against
  implementation,  // ours
  peer,            // someone else's code (DPDK, ISA-L) measured on the same bytes
  limit,           // physical limit (read-only pass, memcpy): the fastest anything could be
};
const char* to_string(ImplKind k);

// What every record in every family has. Family records embed this as their first member
// `info` and add their own entry points.
struct ImplInfo {
  std::string family;       // "checksum", "rss", "segment", "limit"
  std::string name;         // "reference", "adc64x2", "hwy-avx3", "dpdk-raw", ...
  ImplKind kind = ImplKind::implementation;
  uint64_t required = 0;    // CpuFeature bits needed to run it
  std::string description;  // one line
  // Why it cannot run here even though the CPU could (e.g. "DPDK not built in"); empty if fine.
  std::string unavailable_reason;

  bool supported() const { return unavailable_reason.empty() && cpu_has(required); }
  // Human-readable reason when !supported(): missing CPU features or unavailable_reason.
  std::string why_unsupported() const;
};

// Look up a record by name in a family's vector of records; nullptr if absent.
template <typename Record>
const Record* find_impl(const std::vector<Record>& records, std::string_view name) {
  for (const auto& r : records)
    if (r.info.name == name) return &r;
  return nullptr;
}

// The best supported implementation of a family: the first supported record of kind
// `implementation` in the family's preferred order (each family orders its vector best-first
// for dispatch purposes via `preferred_rank`; lower is better). Falls back to the reference.
template <typename Record>
const Record* best_impl(const std::vector<Record>& records) {
  const Record* best = nullptr;
  for (const auto& r : records) {
    if (!r.info.supported()) continue;
    if (r.info.kind == ImplKind::implementation && (!best || r.preferred_rank < best->preferred_rank)) best = &r;
  }
  if (best) return best;
  for (const auto& r : records)
    if (r.info.kind == ImplKind::reference) return &r;
  return nullptr;
}

}  // namespace eb
