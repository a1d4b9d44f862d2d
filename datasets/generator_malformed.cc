// The malformed catalogue: one or more broken frames per parse error, each built from a valid
// spec and broken byte by byte, labelled with the error parse_nvgre must report.
#include <algorithm>
#include <stdexcept>

#include "datasets/generator_internal.h"
#include "kernels/common/byteorder.h"
#include "kernels/common/ones_complement.h"

namespace eb::gen_detail {

namespace {

void fix_ipv4_checksum(std::vector<uint8_t>& b, uint32_t off) {
  if (off + 20 > b.size()) return;
  const uint32_t ihl = (b[off] & 0xF) * 4u;
  if ((b[off] >> 4) != 4 || ihl < 20 || off + ihl > b.size()) return;
  store_be16(&b[off + 10], 0);
  store_be16(&b[off + 10], csum_finish(ones_complement_sum_simple(&b[off], ihl)));
}

struct MalformedCase {
  ParseError expected;
  int variants;
};

const std::vector<MalformedCase>& catalogue() {
  using E = ParseError;
  static const std::vector<MalformedCase> c = {
      {E::truncated_outer_ethernet, 2}, {E::truncated_outer_vlan, 2}, {E::outer_double_vlan, 2},
      {E::outer_not_ip, 2}, {E::truncated_outer_ip, 2}, {E::outer_ip_bad_version, 2},
      {E::outer_ipv4_bad_ihl, 2}, {E::outer_ip_length_mismatch, 4}, {E::outer_ip_fragment, 3},
      {E::outer_not_gre, 4}, {E::ip6_ext_chain_too_long, 2}, {E::truncated_ip6_ext_header, 2},
      {E::ip6_ext_unsupported, 3}, {E::truncated_gre, 2}, {E::gre_bad_version, 2},
      {E::gre_bad_protocol, 3}, {E::gre_missing_key, 2}, {E::gre_routing_present, 2},
      {E::truncated_inner_ethernet, 2}, {E::inner_vlan_tagged, 3},
      {E::truncated_inner_ip, 2}, {E::inner_ip_bad_version, 2}, {E::inner_ipv4_bad_ihl, 2},
      {E::inner_ip_length_mismatch, 4}, {E::inner_ip_fragment, 2},
      {E::truncated_l4, 3}, {E::tcp_bad_data_offset, 2}, {E::udp_length_mismatch, 3},
      {E::truncated_payload, 2},
  };
  return c;
}

}  // namespace

size_t Gen::malformed_catalogue_size() const {
  size_t n = 0;
  for (const auto& c : catalogue()) n += c.variants;
  return n;
}

void Gen::malformed(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) malformed_one(i);
}

// Entry i of the catalogue (cycling; later cycles draw other flows and the other L4).
void Gen::malformed_one(uint64_t i) {
  using E = ParseError;
  const auto& cat = catalogue();
  const size_t total = malformed_catalogue_size();
  uint64_t k = i % total;
  const uint64_t cycle = i / total;
  size_t ci = 0;
  while (k >= static_cast<uint64_t>(cat[ci].variants)) k -= cat[ci].variants, ++ci;
  const E e = cat[ci].expected;
  const int v = static_cast<int>(k);
  const IpVersion V4 = IpVersion::v4, V6 = IpVersion::v6;
  const L4Proto l4 = (cycle & 1) ? L4Proto::udp : L4Proto::tcp;
  auto base = [&](IpVersion ov, IpVersion iv, L4Proto p) {
    NvgreSpec s = new_spec({ov, iv, p});
    s.payload.resize(64);
    rng_.fill(s.payload.data(), 64);
    return s;
  };
  const std::string label = parse_error_name(e);
  NvgreSpec s;
  std::vector<uint8_t> b;
  auto built = [&] {
    b = build_nvgre(s);
    return spec_offsets(s);
  };
  auto cut = [&](uint32_t len) { b.resize(std::min<size_t>(len, b.size())); };
  switch (e) {
    case E::truncated_outer_ethernet:
      s = base(V4, V4, l4), built(), cut(v == 0 ? 6 : 13);
      break;
    case E::truncated_outer_vlan:
      s = base(V4, V6, l4), s.outer_vlan = true, built(), cut(v == 0 ? 14 : 17);
      break;
    case E::outer_double_vlan: {
      s = base(V6, V4, l4), s.outer_vlan = true, built();
      const uint8_t tag[4] = {static_cast<uint8_t>(v == 0 ? 0x88 : 0x81), static_cast<uint8_t>(v == 0 ? 0xA8 : 0x00), 0x00, 0x0A};
      b.insert(b.begin() + 12, tag, tag + 4);
      break;
    }
    case E::outer_not_ip:
      s = base(V4, V4, l4), s.outer_vlan = v == 1, built();
      store_be16(&b[v == 1 ? 16 : 12], v == 0 ? 0x0806 : 0x8847);  // ARP, MPLS
      break;
    case E::truncated_outer_ip: {
      s = base(v == 0 ? V4 : V6, V4, l4);
      if (v == 0) s.outer.ipv4_options_len = 8;
      auto o = built();
      cut(v == 0 ? o.outer_ip + 23 : o.outer_ip + 17);
      break;
    }
    case E::outer_ip_bad_version: {
      s = base(v == 0 ? V4 : V6, V4, l4);
      auto o = built();
      b[o.outer_ip] = static_cast<uint8_t>((v == 0 ? 0x60 : 0x40) | (b[o.outer_ip] & 0x0F));
      if (v == 0) fix_ipv4_checksum(b, o.outer_ip);
      break;
    }
    case E::outer_ipv4_bad_ihl: {
      s = base(V4, v == 0 ? V4 : V6, l4);
      auto o = built();
      b[o.outer_ip] = static_cast<uint8_t>(0x40 | (v == 0 ? 4 : 0));
      break;
    }
    case E::outer_ip_length_mismatch: {
      s = base(v == 2 ? V6 : V4, V4, l4);
      auto o = built();
      uint8_t* ip = &b[o.outer_ip];
      if (v == 0) store_be16(ip + 2, 19);                                   // below the header
      else if (v == 1) store_be16(ip + 2, static_cast<uint16_t>(o.outer_ip_len + 4));  // GRE runs past it
      else if (v == 2) store_be16(ip + 4, 2);                               // IPv6: GRE runs past it
      else store_be16(ip + 2, 0);                                           // 0 without large_send
      if (v != 2) fix_ipv4_checksum(b, o.outer_ip);
      break;
    }
    case E::outer_ip_fragment:
      if (v < 2) {
        s = base(V4, V6, l4);
        s.outer.ipv4_dont_fragment = false;
        if (v == 0) s.outer.ipv4_more_fragments = true;
        else s.outer.ipv4_fragment_offset = 185;
      } else {
        s = base(V6, V4, l4);
        s.outer.ip6_ext = {Ip6ExtSpec{kIp6Fragment, 8}};
      }
      built();
      break;
    case E::outer_not_gre:
      if (v == 0) s = base(V4, V4, l4), s.outer.protocol_override = kIpProtoUDP;
      else if (v == 1) s = base(V6, V4, l4), s.outer.protocol_override = 4;  // IP in IP
      else if (v == 3) s = base(V4, V6, l4), s.outer.protocol_override = kIp6ESP;  // IPsec ESP
      else s = base(V6, V6, l4), s.outer.ip6_ext = {Ip6ExtSpec{kIp6DestOpts, 16}}, s.outer.protocol_override = kIpProtoTCP;
      built();
      break;
    case E::ip6_ext_chain_too_long:
      if (v == 0) {
        s = base(V6, V4, l4);
        s.outer.ip6_ext.assign(kMaxIp6ExtHeaders + 1, Ip6ExtSpec{kIp6DestOpts, 8});
      } else {
        s = base(V4, V6, l4);
        s.inner.ip6_ext.assign(kMaxIp6ExtHeaders + 1, Ip6ExtSpec{kIp6DestOpts, 8});
        s.inner.ip6_ext[0].type = kIp6HopByHop;
      }
      built();
      break;
    case E::truncated_ip6_ext_header: {
      if (v == 0) s = base(V6, V4, l4), s.outer.ip6_ext = {Ip6ExtSpec{kIp6HopByHop, 8}, Ip6ExtSpec{kIp6DestOpts, 24}};
      else s = base(V4, V6, l4), s.inner.ip6_ext = {Ip6ExtSpec{kIp6DestOpts, 16}};
      auto o = built();
      cut(v == 0 ? o.outer_ip + 40 + 8 + 5 : o.inner_ip + 40 + 11);
      break;
    }
    case E::ip6_ext_unsupported:
      if (v == 0) s = base(V6, V4, l4), s.outer.ip6_ext = {Ip6ExtSpec{kIp6AH, 24}};
      else if (v == 2) s = base(V6, V4, l4), s.outer.ip6_ext = {Ip6ExtSpec{kIp6DestOpts, 8}, Ip6ExtSpec{kIp6AH, 16}};
      else s = base(V6, V6, l4), s.outer.ip6_ext = {Ip6ExtSpec{kIp6HopByHop, 8}, Ip6ExtSpec{kIp6ESP, 16}};  // before GRE
      built();
      break;
    case E::truncated_gre: {
      s = base(V4, V4, l4);
      if (v == 1) s.gre_checksum = s.gre_seq = true;
      auto o = built();
      cut(v == 0 ? o.gre + 2 : o.gre + 13);
      break;
    }
    case E::gre_bad_version:
      s = base(V4, V6, l4), s.gre_version = v == 0 ? 1 : 7, built();
      break;
    case E::gre_bad_protocol:
      s = base(V6, V6, l4), s.gre_protocol = v == 0 ? 0x0800 : v == 1 ? 0x88BE : 0x86DD, built();  // IPv4, ERSPAN, IPv6
      break;
    case E::gre_missing_key:
      s = base(V4, V4, l4), s.gre_key_present = false, s.gre_checksum = v == 1, built();
      break;
    case E::gre_routing_present: {
      s = base(V6, V4, l4), s.gre_checksum = v == 1;
      auto o = built();
      b[o.gre] |= 0x40;
      break;
    }
    case E::truncated_inner_ethernet: {
      s = base(V4, V4, l4);
      auto o = built();
      cut(o.inner_eth + (v == 0 ? 5 : 13));
      break;
    }
    case E::inner_vlan_tagged: {
      s = base(v == 1 ? V6 : V4, V4, l4), s.inner_vlan = true, s.inner_vlan_tci = static_cast<uint16_t>(v == 2 ? 4095 : v * 100);
      auto o = built();
      if (v == 1) store_be16(&b[o.inner_eth + 12], kEtherTypeQinQ);
      break;
    }
    case E::truncated_inner_ip: {
      s = base(V4, v == 0 ? V4 : V6, l4);
      if (v == 0) s.inner.ipv4_options_len = 12;
      auto o = built();
      cut(v == 0 ? o.inner_ip + 26 : o.inner_ip + 30);
      break;
    }
    case E::inner_ip_bad_version: {
      s = base(V4, v == 0 ? V4 : V6, l4);
      auto o = built();
      b[o.inner_ip] = static_cast<uint8_t>((v == 0 ? 0x60 : 0x40) | (b[o.inner_ip] & 0x0F));
      if (v == 0) fix_ipv4_checksum(b, o.inner_ip);
      break;
    }
    case E::inner_ipv4_bad_ihl: {
      s = base(V6, V4, l4);
      auto o = built();
      b[o.inner_ip] = static_cast<uint8_t>(0x40 | (v == 0 ? 3 : 4));
      break;
    }
    case E::inner_ip_length_mismatch: {
      s = base(V4, v == 2 ? V6 : V4, L4Proto::tcp);
      auto o = built();
      uint8_t* ip = &b[o.inner_ip];
      const uint32_t room = o.total - o.inner_ip;
      if (v == 0) store_be16(ip + 2, 15);                                     // below the header
      else if (v == 1) store_be16(ip + 2, static_cast<uint16_t>(room + 4));   // beyond the outer packet
      else if (v == 2) store_be16(ip + 4, 4);                                 // TCP header runs past it
      else store_be16(ip + 2, 0);                                             // 0 without large_send
      if (v != 2) fix_ipv4_checksum(b, o.inner_ip);
      break;
    }
    case E::inner_ip_fragment:
      if (v == 0) s = base(V6, V4, l4), s.inner.ipv4_dont_fragment = false, s.inner.ipv4_more_fragments = true;
      else s = base(V4, V6, l4), s.inner.ip6_ext = {Ip6ExtSpec{kIp6Fragment, 8}};
      built();
      break;
    case E::truncated_l4: {
      s = base(V4, V6, v == 1 ? L4Proto::udp : L4Proto::tcp);
      if (v == 0) s.tcp_options_len = 20;
      auto o = built();
      cut(o.l4 + (v == 0 ? 25 : v == 1 ? 5 : 19));
      break;
    }
    case E::tcp_bad_data_offset: {
      s = base(V6, V4, L4Proto::tcp);
      if (v == 1) s.payload.resize(16);
      auto o = built();
      b[o.l4 + 12] = static_cast<uint8_t>((v == 0 ? 4 : 15) << 4);
      break;
    }
    case E::udp_length_mismatch: {
      s = base(V4, v == 1 ? V6 : V4, L4Proto::udp);
      auto o = built();
      if (v == 0) store_be16(&b[o.l4 + 4], 7);
      else if (v == 1) store_be16(&b[o.l4 + 4], static_cast<uint16_t>(o.total - o.l4 + 8));
      else store_be16(&b[o.l4 + 4], 0);  // 0 without large_send
      break;
    }
    case E::truncated_payload: {
      s = base(v == 0 ? V4 : V6, v == 0 ? V6 : V4, l4);
      auto o = built();
      cut(v == 0 ? o.total - 1 : o.header_size + 1);
      break;
    }
    case E::inner_not_ip:  // retired: a non-IP inner frame is valid NVGRE (the link preset)
    case E::unknown_l4:    // retired: inner IP of any protocol is valid NVGRE (the link preset)
    case E::ok:
    case E::count_:
      throw std::logic_error("malformed catalogue: no case for this error");
  }
  emit_bytes(s, std::move(b), label, e);
}

}  // namespace eb::gen_detail
