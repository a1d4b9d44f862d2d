// Header-size composition: the smallest and largest header of each outer/inner/L4 combination,
// the offsets of a spec's headers, and a spec grown to an exact header size from VLAN, IPv4
// options, IPv6 extension headers and TCP options.
#include <algorithm>

#include "datasets/generator_internal.h"

namespace eb {

namespace {

const char* vname(IpVersion v) { return v == IpVersion::v4 ? "v4" : "v6"; }

uint32_t fixed_ip(IpVersion v) { return v == IpVersion::v4 ? 20 : 40; }

}  // namespace

void gen_detail::add_ext_chain(IpSpec& ip, uint32_t bytes, uint32_t layout) {
  ip.ip6_ext.clear();
  if (bytes == 0) return;
  auto add = [&](uint8_t type, uint32_t len, uint8_t rt = 0, bool hao = false) {
    Ip6ExtSpec e;
    e.type = type;
    e.len = len;
    e.routing_type = rt;
    e.home_address_option = hao;
    e.fill = static_cast<uint8_t>(len + layout);
    if (type == kIp6Routing && rt == 2) {  // the destination's home address
      std::copy(ip.dst, ip.dst + 16, e.home_address);
      e.home_address[8] ^= 0x80;
    } else if (hao) {  // the source's home address
      std::copy(ip.src, ip.src + 16, e.home_address);
      e.home_address[8] ^= 0x80;
    }
    ip.ip6_ext.push_back(e);
  };
  switch (layout % 4) {
    case 0:
      add(kIp6DestOpts, bytes);
      break;
    case 1:
      add(kIp6HopByHop, 8);
      if (bytes > 8) add(kIp6DestOpts, bytes - 8);
      break;
    case 2:
      if (bytes >= 32) {
        add(kIp6HopByHop, 8);
        add(kIp6Routing, 24, 0);
        if (bytes > 32) add(kIp6DestOpts, bytes - 32);
      } else {
        add(kIp6HopByHop, bytes);
      }
      break;
    default:
      if (bytes >= 48) {
        add(kIp6Routing, 24, 2);  // RFC 6275 order: routing header, then the Home Address option
        add(kIp6DestOpts, bytes - 24, 0, true);
      } else if (bytes >= 24) {
        add(kIp6DestOpts, bytes, 0, true);
      } else {
        add(kIp6DestOpts, bytes);
      }
      break;
  }
}

using gen_detail::add_ext_chain;
using gen_detail::flow_spec;
using gen_detail::FlowState;
using gen_detail::FlowTable;

std::string combo_name(IpVersion outer, IpVersion inner, L4Proto l4) {
  return std::string(vname(outer)) + vname(inner) + (l4 == L4Proto::tcp ? "tcp" : "udp");
}

uint32_t min_header_size(IpVersion outer, IpVersion inner, L4Proto l4) {
  return 14 + fixed_ip(outer) + 8 + 14 + fixed_ip(inner) + (l4 == L4Proto::tcp ? 20 : 8);
}

uint32_t max_header_size(IpVersion outer, IpVersion inner, L4Proto l4) {
  auto level = [](IpVersion v) { return v == IpVersion::v4 ? 40u : kMaxGeneratedIp6ExtBytes; };
  return min_header_size(outer, inner, l4) + 4 + level(outer) + level(inner) + (l4 == L4Proto::tcp ? 40 : 0);
}

NvgreOffsets spec_offsets(const NvgreSpec& s) {
  NvgreOffsets o;
  auto ip_len = [](const IpSpec& ip) {
    if (ip.version == IpVersion::v4) return 20 + ip.ipv4_options_len;
    uint32_t n = 40;
    for (const auto& e : ip.ip6_ext) n += e.len;
    return n;
  };
  o.outer_ip = s.outer_vlan ? 18 : 14;
  o.outer_ip_fixed = s.outer.version == IpVersion::v4 ? 20 + s.outer.ipv4_options_len : 40;
  o.outer_ip_len = ip_len(s.outer);
  o.gre = o.outer_ip + o.outer_ip_len;
  o.gre_len = 4 + (s.gre_checksum ? 4 : 0) + (s.gre_key_present ? 4 : 0) + (s.gre_seq ? 4 : 0);
  o.inner_eth = o.gre + o.gre_len;
  o.inner_ip = o.inner_eth + (s.inner_vlan ? 18 : 14);
  o.inner_ip_fixed = s.inner.version == IpVersion::v4 ? 20 + s.inner.ipv4_options_len : 40;
  o.inner_ip_len = ip_len(s.inner);
  o.l4 = o.inner_ip + o.inner_ip_len;
  o.l4_len = s.l4 == L4Proto::tcp ? 20 + s.tcp_options_len : 8;
  o.header_size = o.l4 + o.l4_len;
  o.total = o.header_size + static_cast<uint32_t>(s.payload.size());
  return o;
}

bool set_header_size(NvgreSpec& s, uint32_t hs, std::string* why, uint32_t variant) {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  const IpVersion ov = s.outer.version, iv = s.inner.version;
  if ((ov != IpVersion::v4 && ov != IpVersion::v6) || (iv != IpVersion::v4 && iv != IpVersion::v6) ||
      (s.l4 != L4Proto::tcp && s.l4 != L4Proto::udp))
    return fail("spec has no IP versions / L4 protocol");
  s.outer_vlan = false;
  s.outer.ipv4_options_len = s.inner.ipv4_options_len = 0;
  s.outer.ip6_ext.clear();
  s.inner.ip6_ext.clear();
  s.tcp_options_len = 0;
  const uint32_t min = nvgre_header_size(s);
  const std::string combo = combo_name(ov, iv, s.l4);
  if (hs < min) return fail("header size " + std::to_string(hs) + " is below the minimum " + std::to_string(min) + " for " + combo);
  if ((hs - min) % 4) return fail("header size " + std::to_string(hs) + " is not reachable for " + combo + ": headers grow in 4-byte steps from " + std::to_string(min));
  const uint32_t E = hs - min;

  struct Comp {
    uint32_t* val;
    uint32_t cap, step;
  };
  uint32_t tcpv = 0, outv = 0, inv = 0;
  std::vector<Comp> comps;
  if (s.l4 == L4Proto::tcp) comps.push_back({&tcpv, 40, 4});
  comps.push_back({&outv, ov == IpVersion::v4 ? 40u : kMaxGeneratedIp6ExtBytes, ov == IpVersion::v4 ? 4u : 8u});
  comps.push_back({&inv, iv == IpVersion::v4 ? 40u : kMaxGeneratedIp6ExtBytes, iv == IpVersion::v4 ? 4u : 8u});
  uint32_t c4 = 0, c8 = 0;
  for (const auto& c : comps) (c.step == 4 ? c4 : c8) += c.cap;
  if (E > c4 + c8 + 4)
    return fail("header size " + std::to_string(hs) + " is above the largest " + combo + " header the generator builds (" +
                std::to_string(min + c4 + c8 + 4) + ": outer VLAN, IPv4 options <= 40, IPv6 extension headers <= " +
                std::to_string(kMaxGeneratedIp6ExtBytes) + ", TCP options <= 40)");
  bool vlan;
  if (c8 == 0) vlan = E > c4 || ((variant & 1) && E >= 4);
  else if (c4 == 0) vlan = E % 8 == 4;
  else vlan = (variant & 1) && E >= 4;
  uint32_t rem = E - (vlan ? 4 : 0);
  const size_t start = (variant >> 1) % comps.size();
  for (bool progress = true; rem && progress;) {
    progress = false;
    for (size_t k = 0; k < comps.size() && rem; ++k) {
      Comp& c = comps[(start + k) % comps.size()];
      if (*c.val + c.step <= c.cap && c.step <= rem) *c.val += c.step, rem -= c.step, progress = true;
    }
  }
  if (rem == 4) {  // only 8-byte steps have room left: trade 4 bytes of options for 8 of ext headers
    Comp* give = nullptr;
    Comp* take = nullptr;
    for (auto& c : comps) {
      if (c.step == 4 && *c.val >= 4 && !give) give = &c;
      if (c.step == 8 && *c.val + 8 <= c.cap && !take) take = &c;
    }
    if (give && take) *give->val -= 4, *take->val += 8, rem = 0;
    else if (!vlan) vlan = true, rem = 0;
  }
  if (rem) return fail("header size " + std::to_string(hs) + " cannot be composed for " + combo);

  s.outer_vlan = vlan;
  s.tcp_options_len = tcpv;
  static const OptionStyle styles[5] = {OptionStyle::realistic, OptionStyle::realistic, OptionStyle::timestamp,
                                        OptionStyle::realistic, OptionStyle::nop};
  s.outer.option_style = styles[variant % 5];
  s.inner.option_style = styles[(variant / 5) % 5];
  if (ov == IpVersion::v4) s.outer.ipv4_options_len = outv;
  else add_ext_chain(s.outer, outv, variant >> 2);
  if (iv == IpVersion::v4) s.inner.ipv4_options_len = inv;
  else add_ext_chain(s.inner, inv, (variant >> 2) + 3);
  if (nvgre_header_size(s) != hs) return fail("internal: composed header size differs");  // defensive
  return true;
}

std::optional<NvgreSpec> spec_for_header_size(IpVersion outer, IpVersion inner, L4Proto l4, uint32_t header_size,
                                              std::string* why, uint32_t variant) {
  FlowTable t(0, 1, 0);
  FlowState st;
  NvgreSpec s = flow_spec(t.flow(0), st, outer, inner, l4);
  if (!set_header_size(s, header_size, why, variant)) return std::nullopt;
  return s;
}

}  // namespace eb
