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

#include "kernels/packet/caps.h"
#include "kernels/packet/nvgre.h"

namespace eb {

// Stable order (JSON output): append only.
enum class UsoEligibility : uint8_t {
  offload = 0,            // the NIC segments it
  not_supported,          // UsoSupported is NOT_SUPPORTED
  outer_version,          // outer IP version not in UsoSupported
  inner_version,          // inner IP version not in UsoSupported
  header_too_large,       // header_size > MaxHeaderSizeSupported
  not_parseable,          // not a well-formed NVGRE packet
  not_udp,                // inner transport is not UDP
  mss_zero,               // an MSS of 0 cannot be segmented
  ip6_extension_headers,  // IPv6 extension headers present, IpExtensionHeadersSupported clear
  payload_too_large,      // UDP payload > MaxOffLoadSize
  too_few_segments,       // fewer datagrams than MinSegmentCount (includes a payload <= MSS)
  sub_mss_final_segment,  // payload % MSS != 0 and SubMssFinalSegmentSupported clear
  fragment,               // an IP fragment (outer or inner): no send to segment
  count_
};
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
