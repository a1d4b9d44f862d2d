// The offload capability model: a mirror of NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/packet/nvgre.h"

namespace eb {

// NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_* flags (bitwise OR; 0 = NOT_SUPPORTED).
enum EncapFlags : uint32_t {
  kEncapNotSupported = 0,
  kEncapInnerIPv4 = 0x1,
  kEncapOuterIPv4 = 0x2,
  kEncapInnerIPv6 = 0x4,
  kEncapOuterIPv6 = 0x8,
};
constexpr uint32_t kEncapAll = kEncapInnerIPv4 | kEncapOuterIPv4 | kEncapInnerIPv6 | kEncapOuterIPv6;

enum class Offload : uint8_t { tx_checksum, rx_checksum, lso_v2, rss, vmq, uso, count_ };
const char* offload_name(Offload o);  // "tx_checksum", "rx_checksum", "lsov2", "rss", "vmq", "uso"

struct OffloadCaps {
  std::string name = "custom";
  uint32_t flags[static_cast<int>(Offload::count_)] = {};
  uint32_t max_header_size = kDefaultMaxHeaderSize;
  uint32_t& operator[](Offload o) { return flags[static_cast<int>(o)]; }
  uint32_t operator[](Offload o) const { return flags[static_cast<int>(o)]; }
};

// Named profiles: "full", "none", "ndis-example" (outer IPv4+IPv6, inner IPv4 only), "ipv4-only";
// or a custom spec "tx=outer4|inner4,rx=all,lso=none,rss=all,vmq=all,uso=none[,max=256]".
// Returns nullopt and sets *error on a bad spec.
std::optional<OffloadCaps> caps_from_string(const std::string& spec, std::string* error);
std::vector<std::string> caps_profile_names();
std::string caps_flags_to_string(uint32_t flags);  // "outer4|inner4" / "none"

enum class Eligibility : uint8_t {
  offload,              // the NIC does it
  not_supported,        // the offload is NOT_SUPPORTED in this profile
  outer_version,        // outer IP version not in the offload's set
  inner_version,        // inner IP version not in the offload's set
  header_too_large,     // header_size > MaxHeaderSizeSupported
  not_parseable,        // the frame did not parse as NVGRE
  not_applicable,       // nothing for this offload in the packet: LSOv2 on UDP, USO on TCP,
                        // checksum of IPv6/ARP (no checksum), VMQ/RSS with nothing to classify
  fragment,             // an IP fragment: a packet, handled in software (RSS still hashes it)
};
constexpr int kEligibilityCount = static_cast<int>(Eligibility::fragment) + 1;
const char* eligibility_name(Eligibility e);

// What a NIC with `caps` would do for this packet and offload. Software fallback otherwise.
// It agrees with what the kernels do for the same layout: not_parseable exactly when RSS does
// not hash (rss), there is no VMQ key (vmq), or the frame is malformed (the others);
// not_applicable exactly when checksum_fields() is 0 (checksums). Only the IP versions the
// offload works on are checked: the inner version is not asked of a non-IP inner frame, nor of
// an RSS hash of the outer header.
Eligibility offload_eligibility(const OffloadCaps& caps, Offload o, const NvgreLayout& layout);

}  // namespace eb
