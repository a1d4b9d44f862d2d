// Deterministic synthetic NVGRE corpora (see generator.h). Everything random goes through one
// Rng whose algorithm is fixed here; floating point is limited to IEEE +,-,*,/ and exact
// frexp/ldexp/floor (compiled with -ffp-contract=off), so one seed gives one byte stream.
#include "datasets/generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "datasets/link_cases.h"
#include "kernels/common/ones_complement.h"
#include "kernels/common/byteorder.h"

namespace eb {

// --- Rng -------------------------------------------------------------------------------------

namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b * 0xD6E8FEB86659FD93ull);
  return splitmix64(x);
}
}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

Rng Rng::from_state(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3) {
  Rng r(0);
  r.s_[0] = s0, r.s_[1] = s1, r.s_[2] = s2, r.s_[3] = s3;
  return r;
}

uint64_t Rng::next() {  // xoshiro256** (Blackman & Vigna)
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Rng::below(uint64_t n) {
  if (n <= 1) return 0;
  // Reject the 2^64 mod n smallest values: what remains is a whole number of copies of [0, n).
  const uint64_t threshold = (0 - n) % n;
  for (;;) {
    const uint64_t x = next();
    if (x >= threshold) return x % n;
  }
}

uint64_t Rng::range(uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  if (lo == 0 && hi == UINT64_MAX) return next();
  return lo + below(hi - lo + 1);
}

double Rng::unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

void Rng::fill(uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint64_t x = next();
    for (int k = 0; k < 8 && i < n; ++k, ++i) p[i] = static_cast<uint8_t>(x >> (8 * k));
  }
}

namespace {

// --- Deterministic log/exp for Zipf weights --------------------------------------------------
constexpr double kLn2 = 0.69314718055994530942;
double det_log(double x) {  // x >= 1
  int e = 0;
  const double m = std::frexp(x, &e);  // exact: x = m * 2^e, m in [0.5, 1)
  const double z = (m - 1.0) / (m + 1.0), z2 = z * z;
  double term = z, sum = 0.0;
  for (int k = 0; k < 40; ++k) {  // 2*atanh(z), |z| <= 1/3
    sum += term / (2 * k + 1);
    term *= z2;
  }
  return 2.0 * sum + e * kLn2;
}
double det_exp(double y) {  // y <= 0
  const double n = std::floor(y / kLn2);
  if (n < -1100) return 0.0;
  const double r = y - n * kLn2;  // [0, ln 2)
  double term = 1.0, sum = 1.0;
  for (int k = 1; k <= 30; ++k) {
    term *= r / k;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(n));
}

// --- Flows -------------------------------------------------------------------------------------

struct Flow {
  uint8_t outer_src4[4], outer_dst4[4], outer_src6[16], outer_dst6[16];
  uint8_t inner_src4[4], inner_dst4[4], inner_src6[16], inner_dst6[16];
  uint8_t inner_smac[6], inner_dmac[6], outer_smac[6], outer_dmac[6];
  uint16_t sport, tcp_dport, udp_dport;
  uint32_t vsid;
  uint8_t flow_id;
  uint32_t seq0, ack0;
  uint32_t flow_label;
};

struct FlowState {
  uint32_t seq_advance = 0;
  uint16_t ip_id = 0;
};

class FlowTable {
 public:
  FlowTable(uint64_t seed, uint32_t n, double zipf) : seed_(seed), n_(n), state_(n) {
    if (zipf > 0 && n > 1) {
      cdf_.resize(n);
      double total = 0;
      for (uint32_t k = 0; k < n; ++k) {
        total += det_exp(-zipf * det_log(static_cast<double>(k) + 1.0));
        cdf_[k] = total;
      }
    }
  }
  uint32_t size() const { return n_; }
  uint32_t draw(Rng& rng) const {
    if (cdf_.empty()) return static_cast<uint32_t>(rng.below(n_));
    const double u = rng.unit() * cdf_.back();
    auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
    return static_cast<uint32_t>(std::min<size_t>(it - cdf_.begin(), n_ - 1));
  }
  Flow flow(uint32_t i) const {
    Rng r(mix(seed_ ^ 0xF10E5EEDull, i));
    Flow f{};
    // Tunnel endpoints: 64 hypervisor hosts; tenants (VSIDs): one per 8 flows, at most 4096.
    const uint32_t hosts = 64, tenants = std::clamp<uint32_t>(n_ / 8, 1, 4096);
    const uint32_t hs = static_cast<uint32_t>(r.below(hosts));
    uint32_t hd = static_cast<uint32_t>(r.below(hosts - 1));
    if (hd >= hs) ++hd;
    const uint32_t tenant = static_cast<uint32_t>(r.below(tenants));
    auto v4 = [](uint8_t* a, uint8_t b0, uint8_t b1, uint32_t lo) {
      a[0] = b0, a[1] = b1, a[2] = static_cast<uint8_t>(lo >> 8), a[3] = static_cast<uint8_t>(lo);
    };
    auto v6 = [](uint8_t* a, uint16_t w0, uint16_t w1, uint16_t w2, uint64_t lo) {
      store_be16(a, w0), store_be16(a + 2, w1), store_be16(a + 4, w2), store_be16(a + 6, 0);
      store_be32(a + 8, static_cast<uint32_t>(lo >> 32)), store_be32(a + 12, static_cast<uint32_t>(lo));
    };
    v4(f.outer_src4, 172, 16, hs + 1);
    v4(f.outer_dst4, 172, 16, hd + 1);
    v6(f.outer_src6, 0x2001, 0x0db8, 0xffff, hs + 1);
    v6(f.outer_dst6, 0x2001, 0x0db8, 0xffff, hd + 1);
    const uint32_t a = static_cast<uint32_t>(r.below(65534)) + 1, b = static_cast<uint32_t>(r.below(65534)) + 1;
    v4(f.inner_src4, 10, static_cast<uint8_t>(tenant % 200 + 1), a);
    v4(f.inner_dst4, 10, static_cast<uint8_t>(tenant % 200 + 1), b);
    v6(f.inner_src6, 0xfd00, static_cast<uint16_t>(tenant), 0x0001, r.next() | 1);
    v6(f.inner_dst6, 0xfd00, static_cast<uint16_t>(tenant), 0x0002, r.next() | 1);
    const uint8_t mac_o[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x00};
    for (int k = 0; k < 6; ++k) f.outer_smac[k] = f.outer_dmac[k] = mac_o[k];
    f.outer_smac[5] = static_cast<uint8_t>(hs + 1), f.outer_dmac[5] = static_cast<uint8_t>(hd + 1);
    f.inner_smac[0] = 0x02, f.inner_dmac[0] = 0x02;
    f.inner_smac[1] = f.inner_dmac[1] = 0x15;
    store_be16(f.inner_smac + 2, static_cast<uint16_t>(tenant)), store_be16(f.inner_dmac + 2, static_cast<uint16_t>(tenant));
    store_be16(f.inner_smac + 4, static_cast<uint16_t>(a)), store_be16(f.inner_dmac + 4, static_cast<uint16_t>(b));
    f.sport = static_cast<uint16_t>(1024 + r.below(64512));
    static const uint16_t tcp_ports[] = {80, 443, 443, 8080, 5201, 22, 3306, 6379};
    static const uint16_t udp_ports[] = {53, 443, 443, 123, 5201, 4791, 514, 161};
    f.tcp_dport = tcp_ports[r.below(8)];
    f.udp_dport = udp_ports[r.below(8)];
    f.vsid = (0x1000 + tenant * 0x101) & 0xFFFFFF;
    f.flow_id = static_cast<uint8_t>(r.below(256));  // RFC 7637 FlowID: per-flow entropy
    f.seq0 = static_cast<uint32_t>(r.next());
    f.ack0 = static_cast<uint32_t>(r.next());
    f.flow_label = static_cast<uint32_t>(r.below(1u << 20));
    return f;
  }
  FlowState& state(uint32_t i) { return state_[i]; }

 private:
  uint64_t seed_;
  uint32_t n_;
  std::vector<FlowState> state_;
  std::vector<double> cdf_;
};

NvgreSpec flow_spec(const Flow& f, FlowState& st, IpVersion ov, IpVersion iv, L4Proto l4) {
  NvgreSpec s;
  std::copy(f.outer_dmac, f.outer_dmac + 6, s.outer_dst_mac);
  std::copy(f.outer_smac, f.outer_smac + 6, s.outer_src_mac);
  std::copy(f.inner_dmac, f.inner_dmac + 6, s.inner_dst_mac);
  std::copy(f.inner_smac, f.inner_smac + 6, s.inner_src_mac);
  s.outer.version = ov;
  s.inner.version = iv;
  if (ov == IpVersion::v4) {
    std::copy(f.outer_src4, f.outer_src4 + 4, s.outer.src), std::copy(f.outer_dst4, f.outer_dst4 + 4, s.outer.dst);
  } else {
    std::copy(f.outer_src6, f.outer_src6 + 16, s.outer.src), std::copy(f.outer_dst6, f.outer_dst6 + 16, s.outer.dst);
  }
  if (iv == IpVersion::v4) {
    std::copy(f.inner_src4, f.inner_src4 + 4, s.inner.src), std::copy(f.inner_dst4, f.inner_dst4 + 4, s.inner.dst);
  } else {
    std::copy(f.inner_src6, f.inner_src6 + 16, s.inner.src), std::copy(f.inner_dst6, f.inner_dst6 + 16, s.inner.dst);
  }
  s.outer.ttl = 64, s.inner.ttl = 64;
  s.outer.ipv4_id = static_cast<uint16_t>(st.ip_id * 7 + f.flow_id);
  s.inner.ipv4_id = st.ip_id++;
  s.outer.ipv6_flow_label = f.flow_label ^ f.flow_id;  // RFC 6438: entropy for the tunnel
  s.inner.ipv6_flow_label = f.flow_label;
  s.vsid = f.vsid;
  s.flow_id = f.flow_id;
  s.l4 = l4;
  s.src_port = f.sport;
  s.dst_port = l4 == L4Proto::tcp ? f.tcp_dport : f.udp_dport;
  s.tcp_seq = f.seq0 + st.seq_advance;
  s.tcp_ack = f.ack0;
  s.tcp_flags = 0x18;
  s.tcp_window = 502;
  return s;
}

constexpr IpVersion kVersions[2] = {IpVersion::v4, IpVersion::v6};
constexpr L4Proto kL4s[2] = {L4Proto::tcp, L4Proto::udp};

const char* vname(IpVersion v) { return v == IpVersion::v4 ? "v4" : "v6"; }

uint32_t fixed_ip(IpVersion v) { return v == IpVersion::v4 ? 20 : 40; }

// Extension-header layouts for `bytes` (a multiple of 8) at one level.
void add_ext_chain(IpSpec& ip, uint32_t bytes, uint32_t layout) {
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

}  // namespace

// --- Header sizes ------------------------------------------------------------------------------

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

// --- Presets ----------------------------------------------------------------------------------

const std::vector<PresetInfo>& generator_presets() {
  static const std::vector<PresetInfo> p = {
      {"default", "the default run's corpus: imix-sized common packets, header sizes up to 256, some oversize, "
                  "mixed and malformed; 2048 packets, 512 flows, Zipf 1.0"},
      {"header-sweep", "every header size from each combination's minimum to 256 in 4-byte steps, "
                       "v4/v6 outer x v4/v6 inner x TCP/UDP; 64-byte payload; labels hs-v4v6tcp-128"},
      {"oversize", "header sizes 264..320 (beyond MaxHeaderSizeSupported 256) for every combination that reaches them"},
      {"mixed", "everything at random: versions, IPv4 options, IPv6 extension headers, TCP options, VLAN, "
                "GRE C/S bits, payload sizes; 1024 packets"},
      {"imix", "outer IP packet sizes 64/576/1500 in the classic 7:4:1 mix, mostly minimal headers; 1200 packets"},
      {"lso", "large TCP sends (payloads up to 64 KiB) for LSOv2 over all four IP combinations, TCP options; "
              "IP lengths that overflow 16 bits are 0 (large_send); 32 packets"},
      {"uso", "large UDP sends (payloads up to 64 KiB) for USO over all four IP combinations: minimal headers, "
              "GRE C bit, IPv4 options / IPv6 extension headers, 256-byte headers, whole and partial last "
              "datagrams; labels uso-v4v6udp-PAYLOAD-mssN[-grec|-opts|-hsN]; 48 packets"},
      {"malformed", "a catalogue of broken frames covering every parse error; each labelled with the error name "
                    "parse_nvgre must report"},
      {"link", "the rest of an ordinary NVGRE link: ARP, LLDP, an unknown EtherType, ICMP, ICMPv6, IPv6 no next "
               "header and ESP inside NVGRE; pure ACKs and small datagrams padded to 60 bytes, a captured FCS "
               "trailer; outer and inner IP fragments; TCP/UDP checksums holding only the pseudo-header sum "
               "(captured before TX offload); labels link-*"},
  };
  return p;
}

namespace {

constexpr uint64_t kEpochNs = 1704067200ull * 1000000000ull;  // 2024-01-01T00:00:00Z
constexpr uint32_t kMaxPayload = 258048;                         // keeps every frame under the pcap snaplen

struct Combo {
  IpVersion ov, iv;
  L4Proto l4;
};

class Gen {
 public:
  Gen(const GeneratorConfig& cfg, const std::function<void(const GeneratedFrame&)>& sink, uint32_t flows, double zipf)
      : cfg_(cfg), sink_(sink), rng_(mix(cfg.seed, 0x5EEDull)), flows_(cfg.seed, flows, zipf), ts_(kEpochNs) {
    for (IpVersion o : kVersions)
      for (IpVersion i : kVersions)
        for (L4Proto l : kL4s)
          if ((!cfg.outer || *cfg.outer == o) && (!cfg.inner || *cfg.inner == i) && (!cfg.l4 || *cfg.l4 == l))
            combos_.push_back({o, i, l});
  }

  void header_sweep(uint32_t lo, uint32_t hi, const char* preset);
  void mixed_one(uint64_t i);
  void imix_one(const char* prefix);
  void sweep_one_random(uint32_t lo, uint32_t hi, bool imix_payload);
  void lso();
  void uso();
  void malformed(uint64_t n);
  void malformed_one(uint64_t i);
  void link(uint64_t n);
  void dflt(uint64_t n);
  uint64_t packets(uint64_t natural) const { return cfg_.packets ? cfg_.packets : natural; }
  size_t malformed_catalogue_size() const;
  bool any_combo() const { return !combos_.empty(); }

 private:
  NvgreSpec new_spec(const Combo& c, uint32_t* flow_index = nullptr) {
    const uint32_t fi = flows_.draw(rng_);
    if (flow_index) *flow_index = fi;
    last_flow_ = fi;
    return flow_spec(flows_.flow(fi), flows_.state(fi), c.ov, c.iv, c.l4);
  }
  // Payload: the config's fixed size or IMIX, else the preset's choice.
  void set_payload(NvgreSpec& s, uint32_t preset_len) {
    uint32_t n = preset_len;
    if (cfg_.payload_mode == PayloadMode::fixed) n = cfg_.payload_len;
    else if (cfg_.payload_mode == PayloadMode::imix) n = imix_payload(s, nullptr);
    s.payload.resize(n);
    rng_.fill(s.payload.data(), n);
  }
  // IMIX (7:4:1 of 64/576/1500-byte outer IP packets), clamped at the headers.
  uint32_t imix_payload(const NvgreSpec& s, uint32_t* cls) {
    const uint64_t d = rng_.below(12);
    const uint32_t target = d < 7 ? 64 : d < 11 ? 576 : 1500;
    if (cls) *cls = target;
    const uint32_t ip_hdrs = nvgre_header_size(s) - (s.outer_vlan ? 18 : 14);
    return target > ip_hdrs ? target - ip_hdrs : 0;
  }
  void emit(NvgreSpec& s, std::string label, ParseError expected = ParseError::ok) {
    if (s.l4 == L4Proto::tcp) flows_.state(last_flow_).seq_advance += static_cast<uint32_t>(s.payload.size());
    build_nvgre_into(s, frame_.bytes);
    frame_.from_spec = true;
    frame_.spec = s;
    finish(std::move(label), expected, s.large_send);
  }
  void emit_bytes(const NvgreSpec& s, std::vector<uint8_t> bytes, std::string label, ParseError expected) {
    frame_.bytes = std::move(bytes);
    frame_.from_spec = false;
    frame_.spec = s;
    finish(std::move(label), expected, s.large_send);
  }
  void finish(std::string label, ParseError expected, bool large_send) {
    frame_.label = std::move(label);
    frame_.expected = expected;
    frame_.parse = ParseOptions{};
    frame_.parse.large_send = large_send;
    ts_ += 1000 + rng_.below(9000);
    frame_.timestamp_ns = ts_;
    sink_(frame_);
  }
  uint32_t header_size_for(const Combo& c, uint32_t lo, uint32_t hi) {
    const uint32_t mn = std::max(min_header_size(c.ov, c.iv, c.l4), lo);
    const uint32_t mx = std::min(max_header_size(c.ov, c.iv, c.l4), hi);
    if (mn > mx) return 0;
    return mn + 4 * static_cast<uint32_t>(rng_.below((mx - mn) / 4 + 1));
  }
  std::vector<Combo> combos_reaching(uint32_t lo, uint32_t hi) const {
    std::vector<Combo> r;
    for (const auto& c : combos_) {
      const uint32_t mn = std::max(min_header_size(c.ov, c.iv, c.l4), lo);
      const uint32_t mx = std::min(max_header_size(c.ov, c.iv, c.l4), hi);
      if (mn <= mx) r.push_back(c);
    }
    return r;
  }
  Combo random_combo(const std::vector<Combo>& from) { return from[rng_.below(from.size())]; }
  // With --header-size: the combinations that can take it.
  std::vector<Combo> combos_for_fixed_size() const { return combos_reaching(*cfg_.header_size, *cfg_.header_size); }

  const GeneratorConfig& cfg_;
  const std::function<void(const GeneratedFrame&)>& sink_;
  Rng rng_;
  FlowTable flows_;
  uint64_t ts_;
  uint32_t last_flow_ = 0;
  std::vector<Combo> combos_;
  GeneratedFrame frame_;
};

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

// --- Malformed catalogue -------------------------------------------------------------------------

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

void generate(const GeneratorConfig& cfg, const std::function<void(const GeneratedFrame&)>& sink) {
  const auto& ps = generator_presets();
  if (std::none_of(ps.begin(), ps.end(), [&](const PresetInfo& p) { return p.name == cfg.preset; }))
    throw std::invalid_argument("unknown preset '" + cfg.preset + "' (see --list-presets)");
  if (cfg.packets > 100000000ull) throw std::invalid_argument("packet count " + std::to_string(cfg.packets) + " is above 100000000");
  if (cfg.flows > 1000000u) throw std::invalid_argument("flow count " + std::to_string(cfg.flows) + " is above 1000000");
  if (!(cfg.zipf < 0) && !(cfg.zipf >= 0 && cfg.zipf <= 100)) throw std::invalid_argument("Zipf exponent must be in 0..100");
  if (cfg.payload_mode == PayloadMode::fixed && cfg.payload_len > kMaxPayload)
    throw std::invalid_argument("payload " + std::to_string(cfg.payload_len) + " is above " + std::to_string(kMaxPayload) + " bytes");
  const bool is_default = cfg.preset == "default";
  const uint32_t flows = cfg.flows ? cfg.flows : (is_default ? 512 : 64);
  const double zipf = cfg.zipf >= 0 ? cfg.zipf : (is_default ? 1.0 : 0.0);
  Gen g(cfg, sink, flows, zipf);
  if (!g.any_combo()) throw std::invalid_argument("no outer/inner/L4 combination matches the overrides");
  if (cfg.header_size) {
    bool any = false;
    std::string why;
    for (IpVersion o : kVersions)
      for (IpVersion i : kVersions)
        for (L4Proto l : kL4s)
          if ((!cfg.outer || *cfg.outer == o) && (!cfg.inner || *cfg.inner == i) && (!cfg.l4 || *cfg.l4 == l)) {
            std::string w;
            if (spec_for_header_size(o, i, l, *cfg.header_size, &w)) any = true;
            else if (why.empty()) why = w;
          }
    if (!any && cfg.preset != "malformed" && cfg.preset != "link") throw std::invalid_argument(why);
  }
  if (cfg.preset == "header-sweep") g.header_sweep(0, 256, "header-sweep");
  else if (cfg.preset == "oversize") g.header_sweep(264, 320, "oversize");
  else if (cfg.preset == "mixed") {
    for (uint64_t i = 0, n = g.packets(1024); i < n; ++i) g.mixed_one(i);
  } else if (cfg.preset == "imix") {
    for (uint64_t i = 0, n = g.packets(1200); i < n; ++i) g.imix_one("imix");
  } else if (cfg.preset == "lso") g.lso();
  else if (cfg.preset == "uso") g.uso();
  else if (cfg.preset == "malformed") g.malformed(g.packets(g.malformed_catalogue_size()));
  else if (cfg.preset == "link") g.link(cfg.packets);
  else g.dflt(g.packets(2048));
}

Corpus generate_corpus(const GeneratorConfig& cfg) {
  Corpus c;
  generate(cfg, [&](const GeneratedFrame& f) { c.add(f.bytes, f.label, f.timestamp_ns, 0, f.parse); });
  return c;
}

std::vector<GeneratedFrame> generate_frames(const GeneratorConfig& cfg) {
  std::vector<GeneratedFrame> v;
  generate(cfg, [&](const GeneratedFrame& f) { v.push_back(f); });
  return v;
}

}  // namespace eb
