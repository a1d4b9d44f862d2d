#include "datasets/link_cases.h"

#include <stdexcept>

#include "kernels/common/byteorder.h"
#include "kernels/common/ones_complement.h"

namespace eb {

namespace {

constexpr IpVersion V4 = IpVersion::v4, V6 = IpVersion::v6;

void fix_ipv4_header(std::vector<uint8_t>& b, uint32_t off) {
  const uint32_t ihl = (b[off] & 0xF) * 4u;
  store_be16(&b[off + 10], 0);
  store_be16(&b[off + 10], csum_finish(ones_complement_sum_simple(&b[off], ihl)));
}

// Sets an IP header's length field to make the packet end at `end` (IPv4 checksum refreshed).
void set_ip_end(std::vector<uint8_t>& b, IpVersion v, uint32_t off, uint32_t end) {
  if (v == V4) {
    store_be16(&b[off + 2], static_cast<uint16_t>(end - off));
    fix_ipv4_header(b, off);
  } else {
    store_be16(&b[off + 4], static_cast<uint16_t>(end - off - 40));
  }
}

// Pads the inner Ethernet frame (from `inner_eth` to the end) to the 60-byte minimum; the outer
// IP packet grows to hold the padding, the inner IP length (if any) does not.
void pad_inner_frame(std::vector<uint8_t>& b, const NvgreSpec& s, const NvgreOffsets& o) {
  const size_t inner = b.size() - o.inner_eth;
  if (inner < 60) b.resize(o.inner_eth + 60, 0);
  set_ip_end(b, s.outer.version, o.outer_ip, static_cast<uint32_t>(b.size()));
}

// Replaces everything after the inner Ethernet header with `payload` under `ethertype`.
void reframe(std::vector<uint8_t>& b, const NvgreSpec& s, const NvgreOffsets& o, uint16_t ethertype,
             const std::vector<uint8_t>& payload) {
  b.resize(o.inner_eth + 14);
  store_be16(&b[o.inner_eth + 12], ethertype);
  b.insert(b.end(), payload.begin(), payload.end());
  pad_inner_frame(b, s, o);
}

// The pseudo-header sum of the inner L4 (not complemented) for a length.
uint16_t pseudo_sum(const std::vector<uint8_t>& b, const NvgreSpec& s, const NvgreOffsets& o, uint8_t proto, uint32_t len) {
  const uint8_t* ip = &b[o.inner_ip];
  const uint32_t v = s.inner.version == V4 ? pseudo_header_sum_v4(ip + 12, ip + 16, proto, len)
                                           : pseudo_header_sum_v6(ip + 8, ip + 24, proto, len);
  return fold16(v);
}

// ICMP (or ICMPv6, with the IPv6 pseudo-header) checksum over [l4, inner IP end).
void fill_icmp(std::vector<uint8_t>& b, const NvgreSpec& s, const NvgreOffsets& o, bool v6) {
  const uint32_t end = o.inner_ip + o.inner_ip_len + o.l4_len + static_cast<uint32_t>(s.payload.size());
  const uint32_t len = end - o.l4;
  store_be16(&b[o.l4 + 2], 0);
  uint32_t init = v6 ? pseudo_sum(b, s, o, kIpProtoICMPv6, len) : 0;
  store_be16(&b[o.l4 + 2], csum_finish(ones_complement_sum_simple(&b[o.l4], len, init)));
}

std::vector<uint8_t> arp(const NvgreSpec& s, bool reply) {
  std::vector<uint8_t> a(28);
  store_be16(&a[0], 1);       // Ethernet
  store_be16(&a[2], 0x0800);  // IPv4
  a[4] = 6, a[5] = 4;
  store_be16(&a[6], reply ? 2 : 1);
  for (int i = 0; i < 6; ++i) a[8 + i] = s.inner_src_mac[i];
  for (int i = 0; i < 4; ++i) a[14 + i] = s.inner.src[i];
  for (int i = 0; i < 6; ++i) a[18 + i] = reply ? s.inner_dst_mac[i] : 0;
  for (int i = 0; i < 4; ++i) a[24 + i] = s.inner.dst[i];
  return a;
}

struct Case {
  const char* name;
  void (*make)(const LinkSpecFactory&, Rng&, std::vector<LinkFrame>&);
};

LinkFrame frame(const NvgreSpec& s, std::vector<uint8_t> b, const char* label, ParseError e = ParseError::ok) {
  return LinkFrame{std::move(b), label, e, s};
}

NvgreSpec with_payload(NvgreSpec s, Rng& r, size_t n) {
  s.payload.resize(n);
  r.fill(s.payload.data(), n);
  return s;
}

// Inner ARP / other EtherTypes: the inner frame is reframed after building a UDP carrier.
void non_ip(const LinkSpecFactory& base, IpVersion ov, uint16_t ethertype, std::vector<uint8_t> payload, bool reply,
            const char* label, std::vector<LinkFrame>& out) {
  NvgreSpec s = base(ov, V4, L4Proto::udp);
  std::vector<uint8_t> b = build_nvgre(s);
  const NvgreOffsets o = spec_offsets(s);
  if (ethertype == kEtherTypeArp) payload = arp(s, reply);
  reframe(b, s, o, ethertype, payload);
  out.push_back(frame(s, std::move(b), label));
}

// Inner IP of another protocol: the spec is a UDP datagram whose header and payload become the
// other protocol's bytes; the IP protocol / next header is overridden.
void other_ip(const LinkSpecFactory& base, Rng& r, IpVersion ov, IpVersion iv, uint8_t proto, uint8_t icmp_type,
              size_t data_len, const char* label, std::vector<LinkFrame>& out) {
  NvgreSpec s = with_payload(base(ov, iv, L4Proto::udp), r, data_len);
  s.inner.protocol_override = proto;
  if (proto == kIpProtoICMPv6 && icmp_type == 135) s.inner.ttl = 255;  // NDP: hop limit 255
  std::vector<uint8_t> b = build_nvgre(s);
  const NvgreOffsets o = spec_offsets(s);
  if (proto == kIpProtoICMP || proto == kIpProtoICMPv6) {
    b[o.l4] = icmp_type;
    b[o.l4 + 1] = 0;
    if (icmp_type == 135) {
      store_be32(&b[o.l4 + 4], 0);  // reserved, then the target address
      for (int i = 0; i < 16; ++i) b[o.l4 + 8 + i] = s.inner.dst[i];
    } else {
      store_be16(&b[o.l4 + 4], static_cast<uint16_t>(r.below(65536)));  // identifier
      store_be16(&b[o.l4 + 6], 1);                                       // sequence
    }
    fill_icmp(b, s, o, proto == kIpProtoICMPv6);
  }
  if (iv == V4) fix_ipv4_header(b, o.inner_ip);
  out.push_back(frame(s, std::move(b), label));
}

// First and a later fragment of one outer packet (IPv4 flags/offset or an IPv6 fragment header).
void outer_fragments(const LinkSpecFactory& base, Rng& r, IpVersion ov, const char* l1, const char* l2,
                     std::vector<LinkFrame>& out) {
  NvgreSpec s = with_payload(base(ov, V4, L4Proto::udp), r, 1200);
  if (ov == V4) {
    s.outer.ipv4_dont_fragment = false;
    s.outer.ipv4_more_fragments = true;
  } else {
    s.outer.ip6_ext = {Ip6ExtSpec{kIp6Fragment, 8}};  // offset 0, M=1
  }
  std::vector<uint8_t> whole = build_nvgre(s);
  const NvgreOffsets o = spec_offsets(s);
  const uint32_t data_start = o.outer_ip + o.outer_ip_len;  // fragmentable part (after the fragment header)
  const uint32_t first_len = 512;                           // a multiple of 8
  std::vector<uint8_t> a(whole.begin(), whole.begin() + data_start + first_len);
  set_ip_end(a, ov, o.outer_ip, static_cast<uint32_t>(a.size()));
  std::vector<uint8_t> b(whole.begin(), whole.begin() + data_start);
  b.insert(b.end(), whole.begin() + data_start + first_len, whole.end());
  const uint16_t off_units = first_len / 8;
  if (ov == V4) {
    store_be16(&b[o.outer_ip + 6], off_units);  // MF clear: the last fragment
  } else {
    store_be16(&b[data_start - 6], static_cast<uint16_t>(off_units << 3));  // offset, M=0
  }
  set_ip_end(b, ov, o.outer_ip, static_cast<uint32_t>(b.size()));
  out.push_back(frame(s, std::move(a), l1, ParseError::outer_ip_fragment));
  out.push_back(frame(s, std::move(b), l2, ParseError::outer_ip_fragment));
}

void inner_fragment(const LinkSpecFactory& base, Rng& r, IpVersion ov, IpVersion iv, bool later, const char* label,
                    std::vector<LinkFrame>& out) {
  NvgreSpec s = with_payload(base(ov, iv, L4Proto::udp), r, 256);
  if (iv == V4) {
    s.inner.ipv4_dont_fragment = false;
    if (later) s.inner.ipv4_fragment_offset = 185;
    else s.inner.ipv4_more_fragments = true;
  } else {
    s.inner.ip6_ext = {Ip6ExtSpec{kIp6Fragment, 8}};
  }
  std::vector<uint8_t> b = build_nvgre(s);
  if (later && iv == V6) {
    const NvgreOffsets o = spec_offsets(s);
    store_be16(&b[o.inner_ip + 40 + 2], static_cast<uint16_t>(185 << 3));  // offset 185, M=0
  }
  out.push_back(frame(s, std::move(b), label, ParseError::inner_ip_fragment));
}

// The L4 field holds only the pseudo-header sum, with the L4 length (TX checksum offload) or
// with length 0 (LSO/USO seed).
void pseudo_only(const LinkSpecFactory& base, Rng& r, IpVersion ov, IpVersion iv, L4Proto l4, bool len0,
                 const char* label, std::vector<LinkFrame>& out) {
  NvgreSpec s = with_payload(base(ov, iv, l4), r, 100 + r.below(400));
  std::vector<uint8_t> b = build_nvgre(s);
  const NvgreOffsets o = spec_offsets(s);
  const uint32_t l4_len = o.l4_len + static_cast<uint32_t>(s.payload.size());
  const uint32_t field = o.l4 + (l4 == L4Proto::tcp ? 16 : 6);
  store_be16(&b[field], pseudo_sum(b, s, o, l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP, len0 ? 0 : l4_len));
  out.push_back(frame(s, std::move(b), label));
}

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"link-arp-request", [](const LinkSpecFactory& f, Rng&, std::vector<LinkFrame>& out) {
         non_ip(f, V4, kEtherTypeArp, {}, false, "link-arp-request", out);
       }},
      {"link-arp-reply", [](const LinkSpecFactory& f, Rng&, std::vector<LinkFrame>& out) {
         non_ip(f, V6, kEtherTypeArp, {}, true, "link-arp-reply", out);
       }},
      {"link-lldp", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         std::vector<uint8_t> tlv = {0x02, 0x07, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x04, 0x03, 0x05, 0x65, 0x74,
                                     0x68, 0x30, 0x06, 0x02, 0x00, 0x78, 0x00, 0x00};
         (void)r;
         non_ip(f, V4, 0x88CC, tlv, false, "link-lldp", out);
       }},
      {"link-ethertype-88b5", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         std::vector<uint8_t> p(64);
         r.fill(p.data(), p.size());
         non_ip(f, V6, 0x88B5, p, false, "link-ethertype-88b5", out);  // IEEE local experimental
       }},
      {"link-icmp-echo", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         other_ip(f, r, V4, V4, kIpProtoICMP, 8, 56, "link-icmp-echo", out);
       }},
      {"link-icmp-echo-reply", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         other_ip(f, r, V6, V4, kIpProtoICMP, 0, 56, "link-icmp-echo-reply", out);
       }},
      {"link-icmpv6-echo", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         other_ip(f, r, V4, V6, kIpProtoICMPv6, 128, 56, "link-icmpv6-echo", out);
       }},
      {"link-icmpv6-ns", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         other_ip(f, r, V6, V6, kIpProtoICMPv6, 135, 16, "link-icmpv6-ns", out);
       }},
      {"link-ipv6-no-next", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         // Next header 59 and nothing after the IPv6 header (the UDP carrier is cut away).
         NvgreSpec s = f(V4, V6, L4Proto::udp);
         s.inner.protocol_override = kIp6NoNext;
         std::vector<uint8_t> b = build_nvgre(s);
         const NvgreOffsets o = spec_offsets(s);
         b.resize(o.l4);
         set_ip_end(b, V6, o.inner_ip, o.l4);
         pad_inner_frame(b, s, o);  // 54 -> 60 bytes
         (void)r;
         out.push_back(frame(s, std::move(b), "link-ipv6-no-next"));
       }},
      {"link-esp", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         other_ip(f, r, V4, V4, 50, 0, 80, "link-esp", out);  // opaque ESP bytes
       }},
      {"link-tcp-pure-ack-padded", [](const LinkSpecFactory& f, Rng&, std::vector<LinkFrame>& out) {
         NvgreSpec s = f(V4, V4, L4Proto::tcp);
         s.tcp_flags = 0x10;
         std::vector<uint8_t> b = build_nvgre(s);
         pad_inner_frame(b, s, spec_offsets(s));  // 54 -> 60 bytes
         out.push_back(frame(s, std::move(b), "link-tcp-pure-ack-padded"));
       }},
      {"link-tcp-pure-ack-v6outer-padded", [](const LinkSpecFactory& f, Rng&, std::vector<LinkFrame>& out) {
         NvgreSpec s = f(V6, V4, L4Proto::tcp);
         s.tcp_flags = 0x11;  // FIN|ACK
         std::vector<uint8_t> b = build_nvgre(s);
         pad_inner_frame(b, s, spec_offsets(s));
         out.push_back(frame(s, std::move(b), "link-tcp-pure-ack-v6outer-padded"));
       }},
      {"link-udp-small-padded", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         NvgreSpec s = with_payload(f(V4, V4, L4Proto::udp), r, 4);
         std::vector<uint8_t> b = build_nvgre(s);
         pad_inner_frame(b, s, spec_offsets(s));  // 46 -> 60 bytes
         out.push_back(frame(s, std::move(b), "link-udp-small-padded"));
       }},
      {"link-tcp-ack-fcs-trailer", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         NvgreSpec s = f(V4, V6, L4Proto::tcp);
         s.tcp_flags = 0x10;
         std::vector<uint8_t> b = build_nvgre(s);
         for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(r.below(256)));  // captured FCS
         out.push_back(frame(s, std::move(b), "link-tcp-ack-fcs-trailer"));
       }},
      {"link-outer-fragments-v4", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         outer_fragments(f, r, V4, "link-outer-fragment-v4-first", "link-outer-fragment-v4-last", out);
       }},
      {"link-outer-fragments-v6", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         outer_fragments(f, r, V6, "link-outer-fragment-v6-first", "link-outer-fragment-v6-last", out);
       }},
      {"link-inner-fragment-v4-first", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         inner_fragment(f, r, V4, V4, false, "link-inner-fragment-v4-first", out);
       }},
      {"link-inner-fragment-v4-later", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         inner_fragment(f, r, V6, V4, true, "link-inner-fragment-v4-later", out);
       }},
      {"link-inner-fragment-v6", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         inner_fragment(f, r, V4, V6, true, "link-inner-fragment-v6", out);
       }},
      {"link-tcp-pseudo-only", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         pseudo_only(f, r, V4, V4, L4Proto::tcp, false, "link-tcp-pseudo-only", out);
       }},
      {"link-udp-pseudo-only-v6", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         pseudo_only(f, r, V6, V6, L4Proto::udp, false, "link-udp-pseudo-only-v6", out);
       }},
      {"link-tcp-pseudo-len0", [](const LinkSpecFactory& f, Rng& r, std::vector<LinkFrame>& out) {
         pseudo_only(f, r, V6, V4, L4Proto::tcp, true, "link-tcp-pseudo-len0", out);
       }},
  };
  return c;
}

}  // namespace

size_t link_case_count() { return cases().size(); }

void link_case(size_t k, const LinkSpecFactory& base, Rng& rng, std::vector<LinkFrame>& out) {
  if (k >= cases().size()) throw std::out_of_range("link case " + std::to_string(k));
  cases()[k].make(base, rng, out);
}

}  // namespace eb
