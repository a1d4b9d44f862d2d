#include "cli/frame_report.h"

#include <arpa/inet.h>

#include <cstdio>

namespace eb::cli {

std::string addr_text(const uint8_t* a, size_t len) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(len == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf);
  return buf;
}

std::string mac_text(const uint8_t* m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

void add_frame_kind(nlohmann::json& j, const NvgreLayout& L) {
  j["kind"] = frame_kind_name(L);
  if (L.is_fragment()) {
    j["fragment"] = L.fragment == Fragment::outer ? "outer" : "inner";
    j["note"] = parse_error_detail(L);
  } else if (!L.ok()) {
    j["error"] = parse_error_name(L.error);
    j["error_message"] = parse_error_detail(L);
    j["error_offset"] = L.error_offset;
  }
}

std::string KindCounts::text() const {
  return std::to_string(nvgre) + " NVGRE, " + std::to_string(fragments) + " IP fragments, " + std::to_string(not_nvgre) +
         " not NVGRE, " + std::to_string(malformed) + " malformed";
}

void KindCounts::to_json(nlohmann::json& j) const {
  j["nvgre"] = nvgre;
  j["fragments"] = fragments;
  j["not_nvgre"] = not_nvgre;
  j["malformed"] = malformed;
}

std::string frame_note(const NvgreLayout& L) {
  if (L.ok()) return "";
  if (L.is_fragment()) return "fragment: " + parse_error_detail(L);
  return std::string(is_not_nvgre(L) ? "not NVGRE: " : "malformed: ") + parse_error_name(L.error) + " at byte " +
         std::to_string(L.error_offset) + ": " + parse_error_detail(L);
}

}  // namespace eb::cli
