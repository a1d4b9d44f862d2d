// The generator's flows: a table of endpoints, ports and ids drawn by Zipf popularity, and the
// spec of a flow's next packet. The Zipf weights use a log and exp of fixed series (IEEE +,-,*,/
// and exact frexp/ldexp/floor; this file is compiled with -ffp-contract=off), so they are the
// same on every platform.
#include <algorithm>
#include <cmath>

#include "datasets/generator_internal.h"
#include "kernels/common/byteorder.h"

namespace eb::gen_detail {

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

}  // namespace

FlowTable::FlowTable(uint64_t seed, uint32_t n, double zipf) : seed_(seed), n_(n), state_(n) {
  if (zipf > 0 && n > 1) {
    cdf_.resize(n);
    double total = 0;
    for (uint32_t k = 0; k < n; ++k) {
      total += det_exp(-zipf * det_log(static_cast<double>(k) + 1.0));
      cdf_[k] = total;
    }
  }
}

uint32_t FlowTable::draw(Rng& rng) const {
  if (cdf_.empty()) return static_cast<uint32_t>(rng.below(n_));
  const double u = rng.unit() * cdf_.back();
  auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return static_cast<uint32_t>(std::min<size_t>(it - cdf_.begin(), n_ - 1));
}

Flow FlowTable::flow(uint32_t i) const {
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

}  // namespace eb::gen_detail
