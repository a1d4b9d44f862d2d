// The offload capability model: a mirror of NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/enum_names.h"
#include "kernels/packet/nvgre.h"

namespace eb {

// NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_* flags (bitwise OR; 0 = NOT_SUPPORTED): X(constant,
// value, name in capability specs), in the order specs are written out.
#define EB_ENCAP_FLAGS(X) \
  X(kEncapOuterIPv4, 0x2, "outer4") X(kEncapOuterIPv6, 0x8, "outer6") X(kEncapInnerIPv4, 0x1, "inner4") \
  X(kEncapInnerIPv6, 0x4, "inner6")
enum EncapFlags : uint32_t { kEncapNotSupported = 0, EB_ENCAP_FLAGS(EB_FLAG_CONSTANT) };
constexpr uint32_t kEncapAll = 0 EB_ENCAP_FLAGS(EB_FLAG_OR);

// X(id, name): the offloads and their names in output.
#define EB_OFFLOAD_VALUES(X) \
  X(tx_checksum, "tx_checksum") X(rx_checksum, "rx_checksum") X(lso_v2, "lsov2") X(rss, "rss") X(vmq, "vmq") \
  X(uso, "uso")
enum class Offload : uint8_t { EB_OFFLOAD_VALUES(EB_ENUM_ID) count_ };
const char* offload_name(Offload o);  // "tx_checksum", "rx_checksum", "lsov2", "rss", "vmq", "uso"
constexpr int kOffloadCount = static_cast<int>(Offload::count_);

// NDIS_UDP_SEGMENTATION_OFFLOAD: one block per IP version (IPv4 / IPv6); for an NVGRE send the
// block of the inner IP header, the one carrying UDP, applies. Classification: kernels/packet/uso_caps.h.
struct UsoParams {
  uint32_t max_offload_size = 262144;  // MaxOffLoadSize: most UDP payload bytes in one send
  uint32_t min_segment_count = 2;      // MinSegmentCount (6 bits): fewer datagrams are done in software
  bool sub_mss_final_segment = true;   // SubMssFinalSegmentSupported: else payload % MSS must be 0
  bool ip6_extension_headers = true;   // IPv6 block: IpExtensionHeadersSupported (any IPv6 header of the send)
};

struct OffloadCaps {
  std::string name = "custom";
  uint32_t flags[static_cast<int>(Offload::count_)] = {};
  uint32_t max_header_size = kDefaultMaxHeaderSize;
  UsoParams uso_ipv4, uso_ipv6;
  uint32_t& operator[](Offload o) { return flags[static_cast<int>(o)]; }
  uint32_t operator[](Offload o) const { return flags[static_cast<int>(o)]; }
};

// Named profiles: "full", "none", "ndis-example" (outer IPv4+IPv6, inner IPv4 only), "ipv4-only";
// or a custom spec "tx=outer4|inner4,rx=all,lso=none,rss=all,vmq=all,uso=none[,max=256]"; USO
// parameters (both IP versions) with uso_max=BYTES, uso_min=SEGMENTS, uso_submss=0|1, uso_ext=0|1.
// Returns nullopt and sets *error on a bad spec.
std::optional<OffloadCaps> caps_from_string(const std::string& spec, std::string* error);
std::vector<std::string> caps_profile_names();
std::string caps_flags_to_string(uint32_t flags);  // "outer4|inner4" / "none"

#define EB_ELIGIBILITY_VALUES(X)                                                                    \
  X(offload)          /* the NIC does it */                                                        \
  X(not_supported)    /* the offload is NOT_SUPPORTED in this profile */                           \
  X(outer_version)    /* outer IP version not in the offload's set */                              \
  X(inner_version)    /* inner IP version not in the offload's set */                              \
  X(header_too_large) /* header_size > MaxHeaderSizeSupported */                                   \
  X(not_parseable)    /* the frame did not parse as NVGRE */                                       \
  X(not_applicable)   /* nothing for this offload in the packet: LSOv2 on UDP, USO on TCP,         \
                         checksum of IPv6/ARP (no checksum), VMQ/RSS with nothing to classify */   \
  X(fragment)         /* an IP fragment: a packet, handled in software (RSS still hashes it) */
enum class Eligibility : uint8_t { EB_ELIGIBILITY_VALUES(EB_ENUM_ID) };
constexpr int kEligibilityCount = 0 EB_ELIGIBILITY_VALUES(EB_ENUM_COUNT);
const char* eligibility_name(Eligibility e);

// What a NIC with `caps` would do for this packet and offload. Software fallback otherwise.
// It agrees with what the kernels do for the same layout: not_parseable exactly when RSS does
// not hash (rss), there is no VMQ key (vmq), or the frame is malformed (the others);
// not_applicable exactly when checksum_fields() is 0 (checksums). Only the IP versions the
// offload works on are checked: the inner version is not asked of a non-IP inner frame, nor of
// an RSS hash of the outer header.
Eligibility offload_eligibility(const OffloadCaps& caps, Offload o, const NvgreLayout& layout);

// Whether the offload's work exists for this packet at all: what a NIC supporting every version
// and header size would answer is not `not_applicable` (LSOv2 applies to TCP, USO to UDP, ...).
bool offload_applies(Offload o, const NvgreLayout& layout);

// Whether software must do the offload's work for a packet the classifier answered `e` for:
// every answer but `offload` and `not_applicable`, except `not_supported` for work that does not
// exist (LSOv2 "not supported" on a UDP packet is no segmentation to do). Unparseable frames are
// left to software: the NIC cannot take them.
bool left_to_software(Offload o, Eligibility e, const NvgreLayout& layout);

// Packets and bytes per offload and per answer of offload_eligibility, over any sequence of
// packets (what `encapbench offload` summarises), and the same for the packets left to software
// (what `encapbench cost` prices).
struct OffloadCensus {
  uint64_t packets[kOffloadCount][kEligibilityCount] = {};
  uint64_t bytes[kOffloadCount][kEligibilityCount] = {};
  uint64_t software_packets_by[kOffloadCount][kEligibilityCount] = {};
  uint64_t software_bytes_by[kOffloadCount][kEligibilityCount] = {};
  uint64_t total_packets = 0, total_bytes = 0;

  // Classifies one packet of `bytes` bytes for every offload; returns the answers.
  std::array<Eligibility, kOffloadCount> add(const OffloadCaps& caps, const NvgreLayout& layout, uint64_t bytes);
  uint64_t software_packets(Offload o) const;
  uint64_t software_bytes(Offload o) const;
};

// A uso_* key of a custom spec (uso_caps.cc): true if `key` is one (then *error is set when the
// value is bad and false is returned through *ok).
bool parse_uso_param(const std::string& key, const std::string& value, OffloadCaps& caps, bool* ok, std::string* error);

}  // namespace eb
