#include "kernels/packet/caps.h"

#include <algorithm>
#include <iterator>
#include <sstream>

namespace eb {

namespace {
constexpr FlagName kEncapFlagNames[] = {EB_ENCAP_FLAGS(EB_FLAG_ENTRY)};
}  // namespace

const char* offload_name(Offload o) { return EB_ENUM_LOOKUP(EB_OFFLOAD_VALUES, EB_ENUM_TEXT, o, "?"); }

const char* eligibility_name(Eligibility e) { return EB_ENUM_LOOKUP(EB_ELIGIBILITY_VALUES, EB_ENUM_NAME, e, "?"); }

std::string caps_flags_to_string(uint32_t flags) {
  if (flags == 0) return "none";
  std::string s;
  for (const FlagName& f : kEncapFlagNames)
    if (flags & f.bit) s += (s.empty() ? "" : "|") + std::string(f.name);
  return s;
}

namespace {

OffloadCaps uniform(const char* name, uint32_t flags) {
  OffloadCaps c;
  c.name = name;
  for (auto& f : c.flags) f = flags;
  return c;
}

bool parse_flags(const std::string& v, uint32_t* out, std::string* error) {
  uint32_t f = 0;
  std::stringstream ss(v);
  std::string tok;
  while (std::getline(ss, tok, '|')) {
    if (tok == "none" || tok == "0") continue;
    if (tok == "all") {
      f |= kEncapAll;
      continue;
    }
    const auto* flag = std::find_if(std::begin(kEncapFlagNames), std::end(kEncapFlagNames),
                                    [&](const FlagName& n) { return tok == n.name; });
    if (flag == std::end(kEncapFlagNames)) {
      *error = "unknown capability flag '" + tok + "' (use " + flag_names_list(kEncapFlagNames) + "all, none)";
      return false;
    }
    f |= flag->bit;
  }
  *out = f;
  return true;
}

}  // namespace

std::vector<std::string> caps_profile_names() { return {"full", "none", "ndis-example", "ipv4-only"}; }

std::optional<OffloadCaps> caps_from_string(const std::string& spec, std::string* error) {
  std::string dummy;
  if (!error) error = &dummy;
  if (spec == "full") return uniform("full", kEncapAll);
  if (spec == "none") return uniform("none", kEncapNotSupported);
  // The example NIC of the NDIS documentation: outer IPv4 and IPv6, inner IPv4 only.
  if (spec == "ndis-example") return uniform("ndis-example", kEncapInnerIPv4 | kEncapOuterIPv4 | kEncapOuterIPv6);
  if (spec == "ipv4-only") return uniform("ipv4-only", kEncapInnerIPv4 | kEncapOuterIPv4);
  if (spec.find('=') == std::string::npos) {
    *error = "unknown capability profile '" + spec + "' (profiles: full, none, ndis-example, ipv4-only, or key=flags,...)";
    return std::nullopt;
  }
  OffloadCaps c = uniform("custom", kEncapNotSupported);
  c.name = spec;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      *error = "capability item '" + item + "' is not key=value";
      return std::nullopt;
    }
    std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    if (bool ok = true; parse_uso_param(k, v, c, &ok, error)) {
      if (!ok) return std::nullopt;
      continue;
    }
    if (k == "max") {
      try {
        size_t used = 0;
        unsigned long n = std::stoul(v, &used);
        if (used != v.size() || n == 0 || n > 65535) throw std::out_of_range("max");
        c.max_header_size = static_cast<uint32_t>(n);
      } catch (const std::exception&) {
        *error = "max header size '" + v + "' is not a number in 1..65535";
        return std::nullopt;
      }
      continue;
    }
    Offload o;
    if (k == "tx") o = Offload::tx_checksum;
    else if (k == "rx") o = Offload::rx_checksum;
    else if (k == "lso") o = Offload::lso_v2;
    else if (k == "rss") o = Offload::rss;
    else if (k == "vmq") o = Offload::vmq;
    else if (k == "uso") o = Offload::uso;
    else {
      *error = "unknown offload '" + k + "' (use tx, rx, lso, rss, vmq, uso, max, uso_max, uso_min, uso_submss, uso_ext)";
      return std::nullopt;
    }
    if (!parse_flags(v, &c[o], error)) return std::nullopt;
  }
  return c;
}

Eligibility offload_eligibility(const OffloadCaps& caps, Offload o, const NvgreLayout& L) {
  const uint32_t f = caps[o];
  if (f == kEncapNotSupported) return Eligibility::not_supported;
  // Which IP headers the offload works on, once the packet is known to have what it needs.
  bool needs_inner = L.inner_ip();
  switch (o) {
    case Offload::rss: {
      const RssSource src = rss_source(L);
      if (src == RssSource::none) return Eligibility::not_parseable;
      needs_inner = src != RssSource::outer_ip;
      break;
    }
    case Offload::vmq:
      if (L.fragment == Fragment::outer) return Eligibility::fragment;
      if (!vmq_key_present(L)) return Eligibility::not_parseable;
      break;
    case Offload::tx_checksum:
    case Offload::rx_checksum:
    case Offload::lso_v2:
    case Offload::uso: {
      if (!L.well_formed()) return Eligibility::not_parseable;
      if (L.is_fragment()) return Eligibility::fragment;
      const bool applies = o == Offload::lso_v2 ? L.l4 == L4Proto::tcp
                           : o == Offload::uso  ? L.l4 == L4Proto::udp
                                                : checksum_fields(L) != 0;
      if (!applies) return Eligibility::not_applicable;
      break;
    }
    case Offload::count_: return Eligibility::not_applicable;
  }
  const uint32_t outer_bit = L.outer_ipv4() ? kEncapOuterIPv4 : kEncapOuterIPv6;
  const uint32_t inner_bit = L.inner_ipv4() ? kEncapInnerIPv4 : kEncapInnerIPv6;
  if (!(f & outer_bit)) return Eligibility::outer_version;
  if (needs_inner && !(f & inner_bit)) return Eligibility::inner_version;
  if (L.header_size > caps.max_header_size) return Eligibility::header_too_large;
  return Eligibility::offload;
}

bool offload_applies(Offload o, const NvgreLayout& layout) {
  static const OffloadCaps everything = [] {
    OffloadCaps c = uniform("everything", kEncapAll);
    c.max_header_size = 65535;
    return c;
  }();
  return offload_eligibility(everything, o, layout) != Eligibility::not_applicable;
}

bool left_to_software(Offload o, Eligibility e, const NvgreLayout& layout) {
  if (e == Eligibility::offload || e == Eligibility::not_applicable) return false;
  return e != Eligibility::not_supported || offload_applies(o, layout);
}

std::array<Eligibility, kOffloadCount> OffloadCensus::add(const OffloadCaps& caps, const NvgreLayout& layout,
                                                         uint64_t n) {
  std::array<Eligibility, kOffloadCount> answers{};
  for (int k = 0; k < kOffloadCount; ++k) {
    const Offload o = static_cast<Offload>(k);
    const int e = static_cast<int>(answers[k] = offload_eligibility(caps, o, layout));
    ++packets[k][e];
    bytes[k][e] += n;
    if (left_to_software(o, answers[k], layout)) {
      ++software_packets_by[k][e];
      software_bytes_by[k][e] += n;
    }
  }
  ++total_packets;
  total_bytes += n;
  return answers;
}

uint64_t OffloadCensus::software_packets(Offload o) const {
  uint64_t n = 0;
  for (uint64_t v : software_packets_by[static_cast<int>(o)]) n += v;
  return n;
}

uint64_t OffloadCensus::software_bytes(Offload o) const {
  uint64_t n = 0;
  for (uint64_t v : software_bytes_by[static_cast<int>(o)]) n += v;
  return n;
}

}  // namespace eb
