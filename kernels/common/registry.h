// One registry per kernel family, one record per implementation (simdutf style). The library,
// the CLI (`--impl NAME`, `list`), the tests and the benchmarks all iterate the same records.
#pragma once
#include <algorithm>
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

// The one way every family declares its records (checksum, rss, segment, limit alike). A family
// record is a struct whose first member is `ImplInfo info` and which has `int preferred_rank`,
// followed by its own entry points:
//
//   RecordList<ChecksumImpl> list("checksum");
//   list.add("avx512", ImplKind::implementation, 10, kAvx512Vnni, "AVX-512 VNNI ...").sum = sum_avx512;
//   for (const Row& row : rows)            // generated rows (e.g. one per Highway target) alike
//     list.add(row.name, ImplKind::implementation, row.rank, row.required, row.desc).sum = row.fn;
//   return std::move(list).ordered();
//
// add() returns the new record to fill in (valid until the next add). ordered() sorts once, at
// construction: kind (reference, implementation, peer, limit), then preferred_rank, lower first,
// stable. So every family's vector is "reference first, then ours best first, then peers", and
// the first supported implementation is the best one.
template <typename Record>
class RecordList {
 public:
  explicit RecordList(std::string family) : family_(std::move(family)) {}
  Record& add(std::string name, ImplKind kind, int rank, uint64_t required, std::string description,
              std::string unavailable_reason = {}) {
    Record& r = records_.emplace_back();
    r.info.family = family_;
    r.info.name = std::move(name);
    r.info.kind = kind;
    r.info.required = required;
    r.info.description = std::move(description);
    r.info.unavailable_reason = std::move(unavailable_reason);
    r.preferred_rank = rank;
    return r;
  }
  std::vector<Record> ordered() && {
    std::stable_sort(records_.begin(), records_.end(), [](const Record& a, const Record& b) {
      if (a.info.kind != b.info.kind) return a.info.kind < b.info.kind;
      return a.preferred_rank < b.preferred_rank;
    });
    return std::move(records_);
  }

 private:
  std::string family_;
  std::vector<Record> records_;
};

// Peers from DPDK, in every family: the records are listed whether or not DPDK was built in; the
// family's DPDK translation unit is compiled in both builds (stubs without DPDK) and says whether
// it was, and the record's unavailable_reason is this.
inline std::string dpdk_unavailable_reason(bool built_in) {
  return built_in ? std::string() : std::string("DPDK not built in (libdpdk not found at configure time)");
}

// Look up a record by name in a family's vector of records; nullptr if absent.
template <typename Record>
const Record* find_impl(const std::vector<Record>& records, std::string_view name) {
  for (const auto& r : records)
    if (r.info.name == name) return &r;
  return nullptr;
}

// The record a user asked for by name (`--impl NAME`), or the one-line reason it cannot be used:
// unknown (with the known names), or not runnable here (with why). An empty name means `fallback`.
template <typename Record>
struct Resolved {
  const Record* record = nullptr;
  std::string error;  // non-empty exactly when record is null
};
template <typename Record>
Resolved<Record> resolve_impl(const std::vector<Record>& records, std::string_view name, const Record& fallback) {
  if (name.empty()) return {&fallback, {}};
  const Record* r = find_impl(records, name);
  std::string family = records.empty() ? std::string() : records.front().info.family;
  if (!r) {
    std::string names;
    for (const auto& c : records) names += (names.empty() ? "" : ", ") + c.info.name;
    return {nullptr, "unknown " + family + " implementation '" + std::string(name) + "' (known: " + names + ")"};
  }
  if (!r->info.supported())
    return {nullptr, family + " implementation '" + std::string(name) + "' cannot run here: " + r->info.why_unsupported()};
  return {r, {}};
}

// The best supported implementation of a family: records are ordered best first (RecordList),
// so the first supported record of kind `implementation`. Falls back to the reference.
template <typename Record>
const Record* best_impl(const std::vector<Record>& records) {
  for (const auto& r : records)
    if (r.info.kind == ImplKind::implementation && r.info.supported()) return &r;
  for (const auto& r : records)
    if (r.info.kind == ImplKind::reference) return &r;
  return nullptr;
}

}  // namespace eb
