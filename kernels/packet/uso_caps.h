// USO eligibility: would a NIC with this capability profile segment this NVGRE UDP send, or
// must the stack do it in software, and why. The rules of NDIS_UDP_SEGMENTATION_OFFLOAD on top
// of the encapsulated-offload flags (UsoSupported, MaxHeaderSizeSupported):
//   - the send must be UDP, both IP versions in the UsoSupported set, header <= MaxHeaderSize;
//   - the parameter block of the inner IP version (the header carrying UDP) applies:
//     payload <= MaxOffLoadSize; at least MinSegmentCount datagrams; without
//     SubMssFinalSegmentSupported the payload must be a multiple of the MSS; an IPv6 header with
//     extension headers (inner, or outer: the NIC walks both to reach GRE and UDP) needs
//     IpExtensionHeadersSupported of the IPv6 block.
// The first rule that fails is the reason. A library function so every consumer (the `offload`
// and `uso` commands, cost models) classifies the same way.
#pragma once
#include <cstdint>

#include "kernels/common/enum_names.h"
#include "kernels/packet/caps.h"
#include "kernels/packet/nvgre.h"

namespace eb {

// X(id, sentence). Stable order (JSON output): append only.
#define EB_USO_ELIGIBILITY_VALUES(X)                                                                                 \
  X(offload, "the NIC segments this send")                                                                           \
  X(not_supported, "the profile does not support USO for NVGRE")                                                     \
  X(outer_version, "the outer IP version is not in the profile's UsoSupported flags")                               \
  X(inner_version, "the inner IP version is not in the profile's UsoSupported flags")                               \
  X(header_too_large, "the header is larger than MaxHeaderSizeSupported")                                           \
  X(not_parseable, "the frame does not parse as an NVGRE packet")                                                   \
  X(not_udp, "the inner transport is not UDP")                                                                       \
  X(mss_zero, "the MSS is 0")                                                                                        \
  X(ip6_extension_headers,                                                                                           \
    "an IPv6 header carries extension headers and the profile lacks IpExtensionHeadersSupported")                   \
  X(payload_too_large, "the UDP payload is larger than MaxOffLoadSize")                                             \
  /* fewer datagrams than MinSegmentCount (includes a payload <= MSS) */                                             \
  X(too_few_segments, "the send makes fewer datagrams than MinSegmentCount")                                        \
  X(sub_mss_final_segment,                                                                                           \
    "the payload is not a multiple of the MSS and the profile lacks SubMssFinalSegmentSupported")                   \
  /* an IP fragment (outer or inner) */                                                                              \
  X(fragment, "the frame is an IP fragment: there is no whole send to segment")
enum class UsoEligibility : uint8_t { EB_USO_ELIGIBILITY_VALUES(EB_ENUM_ID) count_ };
const char* uso_eligibility_name(UsoEligibility e);     // "too_few_segments", ...
const char* uso_eligibility_message(UsoEligibility e);  // one sentence

struct UsoVerdict {
  UsoEligibility eligibility = UsoEligibility::not_parseable;
  uint32_t segments = 0;  // datagrams the send makes at this MSS (0 when not a parseable UDP send)
  bool offload() const { return eligibility == UsoEligibility::offload; }
};

// `layout` is the parse of the send (ParseOptions{large_send = true} for super-packets).
UsoVerdict classify_uso(const OffloadCaps& caps, const NvgreLayout& layout, uint32_t mss);

// The MSS a stack would choose for this send on a link whose outer IP MTU is `mtu`: the MTU less
// every header after the outer Ethernet header (0 if the headers alone exceed it).
uint32_t uso_mss_for_mtu(const NvgreLayout& layout, uint32_t mtu = 1500);

}  // namespace eb
