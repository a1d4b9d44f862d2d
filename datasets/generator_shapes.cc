// The presets' traffic (class Gen, generator_internal.h): header sweeps, the mixed, IMIX, LSO and
// USO sends, the link catalogue and the default run's blend. The malformed catalogue is in
// generator_malformed.cc.
#include <algorithm>
#include <stdexcept>

#include "datasets/generator_internal.h"
#include "datasets/link_cases.h"

namespace eb::gen_detail {

void Gen::header_sweep(uint32_t lo, uint32_t hi, const char* preset) {
  struct Item {
    Combo c;
    uint32_t hs;
  };
  std::vector<Item> items;
  for (const auto& c : combos_) {
    uint32_t mn = min_header_size(c.ov, c.iv, c.l4), mx = std::min(max_header_size(c.ov, c.iv, c.l4), hi);
    for (uint32_t hs = mn; hs <= mx; hs += 4) {
      if (hs < lo) continue;
      if (cfg_.header_size && hs != *cfg_.header_size) continue;
      items.push_back({c, hs});
    }
  }
  if (items.empty())
    throw std::invalid_argument(std::string("preset ") + preset + ": no selected outer/inner/L4 combination has a header size in " +
                                (cfg_.header_size ? std::to_string(*cfg_.header_size) : std::to_string(lo) + ".." + std::to_string(hi)));
  const uint64_t n = packets(items.size());
  for (uint64_t i = 0; i < n; ++i) {
    const Item& it = items[i % items.size()];
    NvgreSpec s = new_spec(it.c);
    std::string why;
    if (!set_header_size(s, it.hs, &why, static_cast<uint32_t>(i))) throw std::logic_error(why);
    set_payload(s, 64);
    emit(s, "hs-" + combo_name(it.c.ov, it.c.iv, it.c.l4) + "-" + std::to_string(it.hs));
  }
}

void Gen::sweep_one_random(uint32_t lo, uint32_t hi, bool imix_payload_default) {
  const std::vector<Combo> cs = cfg_.header_size ? combos_for_fixed_size() : combos_reaching(lo, hi);
  if (cs.empty()) throw std::logic_error("no combination reaches the header size range");
  const Combo c = random_combo(cs);
  const uint32_t hs = cfg_.header_size ? *cfg_.header_size : header_size_for(c, lo, hi);
  NvgreSpec s = new_spec(c);
  std::string why;
  if (!set_header_size(s, hs, &why, static_cast<uint32_t>(rng_.below(1u << 16)))) throw std::logic_error(why);
  if (imix_payload_default && cfg_.payload_mode == PayloadMode::preset) {
    uint32_t n = imix_payload(s, nullptr);
    s.payload.resize(n);
    rng_.fill(s.payload.data(), n);
  } else {
    set_payload(s, 64);
  }
  emit(s, "hs-" + combo_name(c.ov, c.iv, c.l4) + "-" + std::to_string(hs));
}

void Gen::mixed_one(uint64_t) {
  const std::vector<Combo> cs = cfg_.header_size ? combos_for_fixed_size() : combos_;
  const Combo c = random_combo(cs);
  NvgreSpec s = new_spec(c);
  s.gre_checksum = rng_.chance(1, 8);
  s.gre_seq = rng_.chance(1, 8);
  s.gre_seq_number = static_cast<uint32_t>(rng_.next());
  const uint32_t extra = (s.gre_checksum ? 4 : 0) + (s.gre_seq ? 4 : 0);
  uint32_t hs;
  if (cfg_.header_size) {
    hs = *cfg_.header_size;
    if (hs < min_header_size(c.ov, c.iv, c.l4) + extra) s.gre_checksum = s.gre_seq = false;
  } else {
    const uint32_t mn = min_header_size(c.ov, c.iv, c.l4) + extra;
    const uint32_t mx = std::min<uint32_t>(max_header_size(c.ov, c.iv, c.l4) + extra, 320);
    hs = mn + 4 * static_cast<uint32_t>(rng_.below((mx - mn) / 4 + 1));
  }
  std::string why;
  if (!set_header_size(s, hs, &why, static_cast<uint32_t>(rng_.below(1u << 16)))) {
    s.gre_checksum = s.gre_seq = false;  // the size may need the GRE bytes elsewhere
    if (!set_header_size(s, hs, &why, 0)) throw std::logic_error(why);
  }
  s.outer.ipv4_dont_fragment = rng_.chance(3, 4);
  s.inner.ipv4_dont_fragment = rng_.chance(1, 2);
  s.outer.tos = static_cast<uint8_t>(rng_.below(4) << 2);
  s.inner.tos = static_cast<uint8_t>(rng_.below(64) << 2);
  s.outer.ttl = static_cast<uint8_t>(rng_.range(2, 255));
  s.inner.ttl = static_cast<uint8_t>(rng_.range(1, 255));
  static const uint8_t flags[] = {0x10, 0x18, 0x18, 0x11, 0x02, 0x12, 0x04, 0x19};
  s.tcp_flags = flags[rng_.below(8)];
  s.tcp_window = static_cast<uint16_t>(rng_.below(65536));
  const uint64_t pk = rng_.below(8);
  uint32_t plen = pk < 2 ? 0 : pk < 4 ? static_cast<uint32_t>(rng_.below(64)) : static_cast<uint32_t>(rng_.range(1, 1460));
  set_payload(s, plen);
  std::string label = "mx-" + combo_name(c.ov, c.iv, c.l4) + "-" + std::to_string(nvgre_header_size(s));
  if (s.l4 == L4Proto::udp && s.inner.version == IpVersion::v4 && rng_.chance(1, 16)) {
    s.zero_udp_checksum = true;  // UDP/IPv4 "no checksum": legal, and verifiers must accept it
    label += "-nocsum";
  }
  emit(s, label);
}

void Gen::imix_one(const char* prefix) {
  Combo c;
  if (cfg_.header_size) {
    c = random_combo(combos_for_fixed_size());
  } else {
    // Mostly IPv4 and TCP, as in data-centre traffic; overrides narrow the choice.
    const IpVersion ov = cfg_.outer ? *cfg_.outer : (rng_.chance(3, 4) ? IpVersion::v4 : IpVersion::v6);
    const IpVersion iv = cfg_.inner ? *cfg_.inner : (rng_.chance(3, 4) ? IpVersion::v4 : IpVersion::v6);
    const L4Proto l4 = cfg_.l4 ? *cfg_.l4 : (rng_.chance(3, 4) ? L4Proto::tcp : L4Proto::udp);
    c = {ov, iv, l4};
  }
  NvgreSpec s = new_spec(c);
  if (cfg_.header_size) {
    std::string why;
    if (!set_header_size(s, *cfg_.header_size, &why, static_cast<uint32_t>(rng_.below(1u << 16)))) throw std::logic_error(why);
  } else {
    s.outer_vlan = rng_.chance(1, 4);
    if (c.l4 == L4Proto::tcp && rng_.chance(3, 4)) s.tcp_options_len = 12;  // NOP NOP timestamps
  }
  uint32_t cls = 0;
  uint32_t n = imix_payload(s, &cls);
  if (cfg_.payload_mode == PayloadMode::fixed) n = cfg_.payload_len;
  s.payload.resize(n);
  rng_.fill(s.payload.data(), n);
  emit(s, std::string(prefix) + "-" + std::to_string(cls) + "-" + combo_name(c.ov, c.iv, c.l4));
}

void Gen::lso() {
  const uint64_t n = packets(32);
  static const uint32_t tcp_opts[] = {12, 0, 20, 40, 12, 32};
  const std::vector<Combo> cs = cfg_.header_size ? combos_for_fixed_size() : combos_;
  // TCP first unless --l4 udp (then UDP large sends: USO).
  std::vector<Combo> order;
  for (const auto& c : cs)
    if (c.l4 == L4Proto::tcp) order.push_back(c);
  if (order.empty()) order = cs;
  for (uint64_t i = 0; i < n; ++i) {
    const Combo c = order[i % order.size()];
    NvgreSpec s = new_spec(c);
    if (cfg_.header_size) {
      std::string why;
      if (!set_header_size(s, *cfg_.header_size, &why, static_cast<uint32_t>(i))) throw std::logic_error(why);
    } else {
      if (c.l4 == L4Proto::tcp) s.tcp_options_len = tcp_opts[i % 6];
      if (i % 5 == 3) {  // IP options / extension headers copied into every segment
        if (c.iv == IpVersion::v4) s.inner.ipv4_options_len = 8;
        else add_ext_chain(s.inner, 8, 0);
        if (c.ov == IpVersion::v4) s.outer.ipv4_options_len = 4;
        else add_ext_chain(s.outer, 8, 1);
      }
    }
    const NvgreOffsets o = spec_offsets(s);
    const uint32_t inner_hdrs = o.inner_ip_len + o.l4_len;
    const uint32_t encap = o.outer_ip_len + o.gre_len + 14;  // what the MSS must leave room for
    const uint32_t mss = 1500 > encap + inner_hdrs + 64 ? 1500 - encap - inner_hdrs : 536;
    // Largest payload whose IP lengths all fit in 16 bits.
    const uint32_t outer_room = 65535 + (c.ov == IpVersion::v6 ? 40 : 0) - (o.header_size - o.outer_ip);
    const uint32_t inner_room = 65535 + (c.iv == IpVersion::v6 ? 40 : 0) - inner_hdrs;
    const uint32_t fit = std::min(outer_room, inner_room);
    uint32_t plen;
    switch (i % 4) {
      case 0: plen = 65536; break;                                        // 64 KiB: overflows, large_send
      case 1: plen = fit; break;                                          // the largest without large_send
      case 2: plen = static_cast<uint32_t>(rng_.range(mss + 1, 65536)); break;
      default: plen = mss * (65536 / mss); break;                         // whole segments only
    }
    if (cfg_.payload_mode == PayloadMode::fixed) plen = cfg_.payload_len;
    else if (cfg_.payload_mode == PayloadMode::imix) plen = imix_payload(s, nullptr);
    s.payload.resize(plen);
    rng_.fill(s.payload.data(), plen);
    s.large_send = plen > fit || (c.l4 == L4Proto::udp && plen + 8 > 65535);
    s.tcp_flags = 0x18;
    emit(s, std::string(c.l4 == L4Proto::tcp ? "lso-" : "uso-") + combo_name(c.ov, c.iv, c.l4) + "-" +
                std::to_string(plen) + "-mss" + std::to_string(mss));
  }
}

// USO sends: cycle the UDP combinations; each cycle a different header shape and payload.
void Gen::uso() {
  const uint64_t n = packets(48);
  std::vector<Combo> order;
  for (const auto& c : combos_)
    if (c.l4 == L4Proto::udp) order.push_back(c);
  if (order.empty()) throw std::invalid_argument("preset uso makes UDP sends: --l4 tcp leaves nothing to generate");
  for (uint64_t i = 0; i < n; ++i) {
    const Combo c = order[i % order.size()];
    const uint64_t shape = (i / order.size()) % 6;
    NvgreSpec s = new_spec(c);
    std::string tag;
    if (cfg_.header_size) {
      std::string why;
      if (!set_header_size(s, *cfg_.header_size, &why, static_cast<uint32_t>(i))) throw std::logic_error(why);
    } else if (shape == 1 || shape == 5) {
      s.gre_checksum = true, tag = "-grec";
      s.gre_seq = shape == 5;
      s.outer_vlan = shape == 5;
    } else if (shape == 2) {  // options / extension headers copied into every datagram
      if (c.iv == IpVersion::v4) s.inner.ipv4_options_len = 12;
      else add_ext_chain(s.inner, 16, 0);
      if (c.ov == IpVersion::v4) s.outer.ipv4_options_len = 8;
      else add_ext_chain(s.outer, 8, 1);
      tag = "-opts";
    } else if (shape == 3) {
      // 200 or 256 bytes, or the largest this combination reaches (IPv4/IPv4/UDP: 168).
      const uint32_t hs = std::min<uint32_t>(i % 2 ? 256 : 200, max_header_size(c.ov, c.iv, c.l4));
      std::string why;
      if (!set_header_size(s, hs, &why, static_cast<uint32_t>(i)))
        throw std::logic_error(why);
      tag = "-hs" + std::to_string(nvgre_header_size(s));
    }
    const NvgreOffsets o = spec_offsets(s);
    const uint32_t below_outer_eth = o.header_size - o.outer_ip;  // outer IP .. end of UDP
    const uint32_t mss = 1500 > below_outer_eth + 64 ? 1500 - below_outer_eth : 536;
    uint32_t plen;
    switch (i % 4) {
      case 0: plen = 65536; break;                                          // 64 KiB: lengths overflow, large_send
      case 1: plen = mss * (65000 / mss); break;                            // whole datagrams only
      case 2: plen = mss * (40000 / mss) + 1; break;                        // k * MSS + 1
      default: plen = static_cast<uint32_t>(rng_.range(mss + 1, 65000)); break;
    }
    if (cfg_.payload_mode == PayloadMode::fixed) plen = cfg_.payload_len;
    else if (cfg_.payload_mode == PayloadMode::imix) plen = imix_payload(s, nullptr);
    s.payload.resize(plen);
    rng_.fill(s.payload.data(), plen);
    // Any length that overflows 16 bits is written 0 (the outer IP length is the largest).
    const uint64_t outer_len = uint64_t{o.header_size} - o.outer_ip - (c.ov == IpVersion::v6 ? 40 : 0) + plen;
    s.large_send = outer_len > 0xFFFF;
    emit(s, "uso-" + combo_name(c.ov, c.iv, c.l4) + "-" + std::to_string(plen) + "-mss" + std::to_string(mss) + tag);
  }
}

// The link catalogue, once (n == 0) or for exactly n frames, cycling with new flows.
void Gen::link(uint64_t n) {
  const LinkSpecFactory base = [this](IpVersion ov, IpVersion iv, L4Proto l4) { return new_spec({ov, iv, l4}); };
  std::vector<LinkFrame> out;
  uint64_t emitted = 0;
  for (uint64_t k = 0; n ? emitted < n : k < link_case_count(); ++k) {
    out.clear();
    link_case(k % link_case_count(), base, rng_, out);
    for (auto& f : out)
      if (!n || emitted < n) emit_bytes(f.spec, std::move(f.bytes), std::move(f.label), f.expected), ++emitted;
  }
}

void Gen::dflt(uint64_t n) {
  const auto big = combos_reaching(264, 320);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t k = rng_.below(64);
    if (k < 32) imix_one("imix");
    else if (k < 52 || (k < 58 && (big.empty() || cfg_.header_size))) sweep_one_random(0, 256, true);
    else if (k < 58) sweep_one_random(264, 320, true);
    else if (k < 62) mixed_one(i);
    else malformed_one(rng_.below(malformed_catalogue_size()));
  }
}

}  // namespace eb::gen_detail
