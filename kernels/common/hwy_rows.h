// One registry row per Highway target, from what Highway compiled (HWY_TARGETS) rather than from a
// list of names: a family's Highway translation unit (foreach_target.h) calls hwy_entries() on its
// HWY_EXPORT table in its HWY_ONCE section, and its registry turns each entry into a record named
// "hwy-" + lower-case hwy::TargetName. Usable on this CPU means in eb::hwy_supported_targets()
// (Highway's own check, narrowed by EB_CPU_MASK).
//
// Include only after <hwy/highway.h> in a translation unit that includes foreach_target.h: the
// table index arithmetic below uses that unit's HWY_TARGETS, like hwy::ChosenTarget::GetIndex.
#pragma once
#include <hwy/highway.h>
#include <hwy/targets.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/cpu_features.h"

namespace eb {

template <typename Fn>
struct HwyEntryOf {
  int64_t target = 0;  // one HWY_* bit
  std::string name;    // hwy::TargetName(target)
  Fn fn = nullptr;     // that target's instantiation
};

// "hwy-avx3_dl", "hwy-neon", "hwy-sve2_128": the registry name of a target's row.
inline std::string hwy_row_name(int64_t target) {
  std::string s = "hwy-";
  for (const char* p = hwy::TargetName(target); *p; ++p) s += static_cast<char>(std::tolower(*p));
  return s;
}

// Every compiled target's entry of an HWY_EXPORT table, best first (Highway's bit order).
template <typename Fn, size_t N>
std::vector<HwyEntryOf<Fn>> hwy_entries(Fn const (&table)[N]) {
  std::vector<HwyEntryOf<Fn>> out;
  for (int64_t t = HWY_TARGETS; t != 0; t &= t - 1) {
    const int64_t bit = t & ~(t - 1);
    size_t index = 0;
    if constexpr (N > 1) {
      const int64_t chosen = HWY_CHOSEN_TARGET_SHIFT(bit) & HWY_CHOSEN_TARGET_MASK_TARGETS;
      // EMU128/SCALAR are outside the dynamic range: they are the table's last (fallback) entry.
      index = chosen ? hwy::Num0BitsBelowLS1Bit_Nonzero64(static_cast<uint64_t>(chosen)) : N - 1;
    }
    out.push_back({bit, hwy::TargetName(bit), table[index]});
  }
  return out;
}

// The entry HWY_DYNAMIC_DISPATCH calls on this CPU (the best compiled target Highway supports,
// under EB_CPU_MASK too); nullptr when no compiled target is usable.
template <typename Fn>
const HwyEntryOf<Fn>* hwy_dispatched(const std::vector<HwyEntryOf<Fn>>& entries) {
  for (const auto& e : entries)
    if (hwy_supported_targets() & e.target) return &e;
  return nullptr;
}

}  // namespace eb

namespace eb {

// Why target's row cannot run on this CPU beyond its required features ("" when it can, or when
// the missing features already say why).
inline std::string hwy_target_unavailable(int64_t target) {
  if (hwy_supported_targets() & target) return {};
  if (!cpu_has(hwy_target_required(target))) return {};
  return "Highway does not enable this target on this CPU";
}

}  // namespace eb
