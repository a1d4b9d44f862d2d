#include "kernels/packet/uso_caps.h"

#include <stdexcept>
#include <string>

namespace eb {

const char* uso_eligibility_name(UsoEligibility e) {
  return EB_ENUM_LOOKUP(EB_USO_ELIGIBILITY_VALUES, EB_ENUM_NAME, e, "?");
}

const char* uso_eligibility_message(UsoEligibility e) {
  return EB_ENUM_LOOKUP(EB_USO_ELIGIBILITY_VALUES, EB_ENUM_TEXT, e, "unknown USO eligibility");
}

namespace {

UsoEligibility from_base(Eligibility e) {
  switch (e) {
    case Eligibility::offload: return UsoEligibility::offload;
    case Eligibility::not_supported: return UsoEligibility::not_supported;
    case Eligibility::outer_version: return UsoEligibility::outer_version;
    case Eligibility::inner_version: return UsoEligibility::inner_version;
    case Eligibility::header_too_large: return UsoEligibility::header_too_large;
    case Eligibility::not_parseable: return UsoEligibility::not_parseable;
    case Eligibility::not_applicable: return UsoEligibility::not_udp;
    case Eligibility::fragment: return UsoEligibility::fragment;
  }
  return UsoEligibility::not_parseable;
}

}  // namespace

UsoVerdict classify_uso(const OffloadCaps& caps, const NvgreLayout& L, uint32_t mss) {
  UsoVerdict v;
  const uint32_t P = L.payload_len;
  if (L.ok() && L.l4 == L4Proto::udp && mss != 0)
    v.segments = P == 0 ? 1 : static_cast<uint32_t>((uint64_t{P} + mss - 1) / mss);
  v.eligibility = from_base(offload_eligibility(caps, Offload::uso, L));
  if (v.eligibility != UsoEligibility::offload) return v;
  const UsoParams& u = L.inner_ipv4() ? caps.uso_ipv4 : caps.uso_ipv6;
  const bool ext = (L.outer.version == IpVersion::v6 && L.outer.ext_count) ||
                   (L.inner.version == IpVersion::v6 && L.inner.ext_count);
  if (mss == 0) v.eligibility = UsoEligibility::mss_zero;
  else if (ext && !caps.uso_ipv6.ip6_extension_headers) v.eligibility = UsoEligibility::ip6_extension_headers;
  else if (P > u.max_offload_size) v.eligibility = UsoEligibility::payload_too_large;
  else if (v.segments < u.min_segment_count) v.eligibility = UsoEligibility::too_few_segments;
  else if (P % mss != 0 && !u.sub_mss_final_segment) v.eligibility = UsoEligibility::sub_mss_final_segment;
  return v;
}

uint32_t uso_mss_for_mtu(const NvgreLayout& L, uint32_t mtu) {
  if (!L.ok()) return 0;
  const uint32_t headers = L.header_size - L.outer.offset;  // outer IP .. end of UDP
  return mtu > headers ? mtu - headers : 0;
}

bool parse_uso_param(const std::string& k, const std::string& v, OffloadCaps& c, bool* ok, std::string* error) {
  if (k != "uso_max" && k != "uso_min" && k != "uso_submss" && k != "uso_ext") return false;
  unsigned long n = 0;
  try {
    size_t used = 0;
    n = std::stoul(v, &used);
    if (used != v.size()) throw std::invalid_argument(k);
  } catch (const std::exception&) {
    n = ~0ul;
  }
  auto bad = [&](const char* what) {
    *error = k + " '" + v + "' is not " + what;
    *ok = false;
    return true;
  };
  if (k == "uso_max") {
    if (n == 0 || n > 0xFFFFFFFFul) return bad("a byte count in 1..4294967295 (MaxOffLoadSize)");
    c.uso_ipv4.max_offload_size = c.uso_ipv6.max_offload_size = static_cast<uint32_t>(n);
  } else if (k == "uso_min") {
    if (n > 63) return bad("a segment count in 0..63 (MinSegmentCount, 6 bits)");
    c.uso_ipv4.min_segment_count = c.uso_ipv6.min_segment_count = static_cast<uint32_t>(n);
  } else {
    if (n > 1) return bad("0 or 1");
    bool& a = k == "uso_submss" ? c.uso_ipv4.sub_mss_final_segment : c.uso_ipv4.ip6_extension_headers;
    bool& b = k == "uso_submss" ? c.uso_ipv6.sub_mss_final_segment : c.uso_ipv6.ip6_extension_headers;
    a = b = n == 1;
  }
  *ok = true;
  return true;
}

}  // namespace eb
