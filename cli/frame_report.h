// How every subcommand reports what a frame is: valid NVGRE (with its inner kind), an IP
// fragment (a packet, not offloadable), or malformed (with what was found), in tables and in
// JSON Lines alike.
#pragma once
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "kernels/packet/nvgre.h"

namespace eb::cli {

std::string addr_text(const uint8_t* a, size_t len);  // IPv4 dotted quad or IPv6 text
std::string mac_text(const uint8_t* m);               // 02:00:00:00:01:02

// "kind" (frame_kind_name); for a malformed frame "error", "error_message" (what was found) and
// "error_offset"; for a fragment "fragment" ("outer"/"inner") and "note".
void add_frame_kind(nlohmann::json& j, const NvgreLayout& L);

// Counts of the three kinds, for the summaries.
struct KindCounts {
  size_t nvgre = 0, fragments = 0, not_nvgre = 0, malformed = 0;
  void add(const NvgreLayout& L) {
    L.ok() ? ++nvgre : L.is_fragment() ? ++fragments : is_not_nvgre(L) ? ++not_nvgre : ++malformed;
  }
  size_t unparsed() const { return not_nvgre + malformed; }
  std::string text() const;  // "12 NVGRE, 2 IP fragments, 1 not NVGRE, 1 malformed"
  void to_json(nlohmann::json& j) const;  // "nvgre", "fragments", "not_nvgre", "malformed"
};

// One table line for a frame that is not plain NVGRE: "fragment: ..." or
// "malformed: ERROR at byte N: what was found" (or "not NVGRE: ..."); "" for NVGRE.
std::string frame_note(const NvgreLayout& L);

}  // namespace eb::cli
