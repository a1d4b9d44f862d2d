// Shared helpers for the segment tests: building sends, running an implementation into a
// canary-filled arena, and an independent checker of the LSOv2 rules.
//
// The checker does not reuse the implementations' code: it compares each segment with the
// super-packet field by field (what may change and how), recomputes every checksum over the
// finished segment bytes with the plain loop, and re-parses every segment with our parser.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/checksum/offload.h"
#include "kernels/common/ones_complement.h"
#include "kernels/common/byteorder.h"
#include "datasets/nvgre_build.h"
#include "kernels/segment/segment.h"
#include "testing/guard_page.h"

namespace eb::segtest {

struct Send {
  std::string name;
  std::vector<uint8_t> frame;
  NvgreLayout layout;
};

inline Send make_send(const NvgreSpec& spec, std::string name) {
  Send s;
  s.name = std::move(name);
  s.frame = build_nvgre(spec);
  s.layout = parse_nvgre(s.frame, ParseOptions{.large_send = true});
  return s;
}

inline Send make_send_bytes(std::vector<uint8_t> frame, std::string name) {
  Send s;
  s.name = std::move(name);
  s.frame = std::move(frame);
  s.layout = parse_nvgre(s.frame, ParseOptions{.large_send = true});
  return s;
}

// A spec with distinct, non-trivial field values; payload of `payload_len` random bytes.
inline NvgreSpec base_spec(IpVersion outer, IpVersion inner, uint32_t payload_len, uint64_t seed) {
  std::mt19937_64 rng(seed);
  NvgreSpec s;
  s.outer.version = outer;
  s.inner.version = inner;
  for (int i = 0; i < 16; ++i) {
    s.outer.src[i] = static_cast<uint8_t>(rng());
    s.outer.dst[i] = static_cast<uint8_t>(rng());
    s.inner.src[i] = static_cast<uint8_t>(rng());
    s.inner.dst[i] = static_cast<uint8_t>(rng());
  }
  s.outer.ipv4_id = static_cast<uint16_t>(rng());
  s.inner.ipv4_id = static_cast<uint16_t>(rng());
  s.vsid = static_cast<uint32_t>(rng()) & 0xFFFFFF;
  s.flow_id = static_cast<uint8_t>(rng());
  s.src_port = static_cast<uint16_t>(rng() | 1024);
  s.dst_port = 443;
  s.tcp_seq = static_cast<uint32_t>(rng());
  s.tcp_ack = static_cast<uint32_t>(rng());
  s.tcp_flags = 0x18;  // PSH|ACK
  s.payload.resize(payload_len);
  for (auto& b : s.payload) b = static_cast<uint8_t>(rng());
  s.large_send = true;
  s.l4_checksum_pseudo_seed = true;  // what the stack hands an LSOv2 NIC
  return s;
}

// Every option everywhere: the header grows to exactly `target` (<= 256) when it can.
inline void add_options(NvgreSpec& s, bool vlan, uint32_t ip_opts, uint32_t tcp_opts) {
  s.outer_vlan = vlan;
  if (s.outer.version == IpVersion::v4) s.outer.ipv4_options_len = ip_opts;
  else s.outer.ip6_ext = {Ip6ExtSpec{.type = kIp6DestOpts, .len = 8 + ip_opts / 8 * 8}};
  if (s.inner.version == IpVersion::v4) s.inner.ipv4_options_len = ip_opts;
  else s.inner.ip6_ext = {Ip6ExtSpec{.type = kIp6HopByHop, .len = 8 + ip_opts / 8 * 8}};
  s.tcp_options_len = tcp_opts;
}

struct Segmented {
  SegmentError error = SegmentError::ok;
  SegmentPlan plan;
  uint32_t count = 0;
  std::vector<uint8_t> arena;
  std::vector<SegmentSlice> slices;
  std::vector<std::vector<uint8_t>> segments;
  bool canary_intact = true;  // bytes of the arena outside every slice left untouched
};

constexpr uint8_t kCanary = 0xA5;

// l4: the transport of the send (udp for the uso family's records).
inline Segmented run_impl(const SegmentImpl& impl, const Send& s, uint32_t mss, uint32_t max_header = 256,
                          L4Proto l4 = L4Proto::tcp) {
  Segmented r;
  const SegmentInput in{s.frame.data(), s.frame.size(), &s.layout, mss, max_header, l4};
  r.plan = plan_segments(in);
  const size_t bytes = r.plan.ok() ? r.plan.arena_bytes : 4096;
  const size_t nseg = r.plan.ok() ? r.plan.segments : 4;
  r.arena.assign(bytes, kCanary);
  r.slices.assign(nseg, SegmentSlice{0xFFFFFFFF, 0xFFFFFFFF});
  const SegmentOutput out{r.arena.data(), r.arena.size(), r.slices.data(), r.slices.size()};
  r.error = impl.run(in, out, &r.count);
  if (r.error != SegmentError::ok) {
    for (uint8_t b : r.arena) r.canary_intact &= b == kCanary;
    return r;
  }
  std::vector<bool> covered(r.arena.size(), false);
  for (uint32_t i = 0; i < r.count; ++i) {
    const SegmentSlice sl = r.slices[i];
    r.segments.emplace_back(r.arena.begin() + sl.offset, r.arena.begin() + sl.offset + sl.length);
    for (uint32_t k = 0; k < sl.length; ++k) covered[sl.offset + k] = true;
  }
  for (size_t k = 0; k < r.arena.size(); ++k)
    if (!covered[k] && r.arena[k] != kCanary) r.canary_intact = false;
  return r;
}

// The ones-complement sum over a range must fold to 0xFFFF for a correct checksum (-0).
inline bool sum_verifies(const uint8_t* p, size_t n, uint32_t init = 0) {
  return fold16(ones_complement_sum_simple(p, n, init)) == 0xFFFF;
}

// The inner pseudo-header sum for an L4 length of `l4_len` (protocol `proto`: TCP, or UDP for
// the uso tests), with the IPv6 mobility addresses where present.
inline uint32_t pseudo_sum(const uint8_t* seg, const NvgreLayout& L, uint32_t l4_len, uint8_t proto = kIpProtoTCP) {
  const IpLayout& ip = L.inner;
  if (ip.version == IpVersion::v4)
    return pseudo_header_sum_v4(seg + ip.src_offset(), seg + ip.dst_offset(), proto, l4_len);
  return pseudo_header_sum_v6(seg + ip.pseudo_src_offset(), seg + ip.pseudo_dst_offset(), proto, l4_len);
}

// The transport's part of a split: the L4 header bytes (offset from the L4 header, length) a
// frame may change, and `check(i, frame, n)`: "" when frame i of n obeys the transport's rules,
// else what is wrong.
struct L4Rules {
  L4Proto l4 = L4Proto::tcp;
  const char* unit = "segment";  // one output frame, in messages
  std::vector<std::pair<uint32_t, uint32_t>> may_change;
  std::function<std::string(uint32_t i, const std::vector<uint8_t>& frame, uint32_t n)> check;
};

// Checks the rules every split of send `s` at `mss` obeys, LSOv2 and USO alike, on `frames`:
// each frame's length, that it parses (as ordinary traffic, no large-send help) with the send's
// header size, that every header byte but the rewritten ones (IP lengths, IPv4 IDs and
// checksums, GRE checksum, the transport's) is the send's, the IP lengths, IDs + i and checksums,
// the GRE checksum, the transport's rules, the checksum family's receive-side verify, and that
// the payloads join to the send's. Returns "" or the first violation found.
inline std::string check_split(const Send& s, uint32_t mss, const std::vector<std::vector<uint8_t>>& frames,
                               const L4Rules& rules) {
  const NvgreLayout& L = s.layout;
  const uint32_t H = L.payload_offset, P = L.payload_len;
  const uint32_t n = P == 0 ? 1 : (P + mss - 1) / mss;
  const std::string unit = rules.unit;
  auto at = [&](uint32_t i, const std::string& what) { return unit + " " + std::to_string(i) + ": " + what; };
  if (L.l4 != rules.l4) return "not a send of the transport the rules are for";
  if (frames.size() != n) return "expected " + std::to_string(n) + " " + unit + "s, got " + std::to_string(frames.size());
  const uint8_t* f = s.frame.data();
  const uint16_t oid = L.outer_ipv4() ? load_be16(f + L.outer.offset + 4) : 0;
  const uint16_t iid = L.inner_ipv4() ? load_be16(f + L.inner.offset + 4) : 0;
  // Header bytes a frame may change.
  std::vector<bool> may_change(H, false);
  auto mark = [&](uint32_t off, uint32_t len) {
    for (uint32_t k = 0; k < len; ++k) may_change[off + k] = true;
  };
  for (const IpLayout* ip : {&L.outer, &L.inner}) {
    if (ip->version == IpVersion::v4) mark(ip->offset + 2, 4), mark(ip->offset + 10, 2);
    else mark(ip->offset + 4, 2);
  }
  for (const auto& [off, len] : rules.may_change) mark(L.l4_offset + off, len);
  if (L.gre_checksum_present) mark(L.gre_checksum_offset, 2);

  std::vector<uint8_t> joined;
  for (uint32_t i = 0; i < n; ++i) {
    const std::vector<uint8_t>& g = frames[i];
    const uint32_t len = i + 1 < n ? mss : P - (n - 1) * mss;
    if (g.size() != H + len) return at(i, "length " + std::to_string(g.size()) + ", expected " + std::to_string(H + len));
    const NvgreLayout gl = parse_nvgre(g);  // a wire frame parses without large-send help
    if (!gl.ok()) return at(i, std::string("does not parse: ") + parse_error_name(gl.error));
    if (gl.header_size != L.header_size || gl.l4 != rules.l4 || gl.payload_len != len)
      return at(i, "parsed header size / L4 / payload length differ from the super-packet's");
    for (uint32_t k = 0; k < H; ++k)
      if (!may_change[k] && g[k] != f[k]) return at(i, "header byte " + std::to_string(k) + " changed");
    // IP lengths, IDs, checksums: "" when right, else what is wrong.
    auto ip_fields = [&](const IpLayout& l, uint16_t id0, const std::string& level) -> std::string {
      const uint8_t* ip = g.data() + l.offset;
      if (l.version != IpVersion::v4)
        return load_be16(ip + 4) != g.size() - l.offset - 40 ? level + " IPv6 payload length" : "";
      if (load_be16(ip + 2) != g.size() - l.offset) return level + " IPv4 total length";
      if (load_be16(ip + 4) != static_cast<uint16_t>(id0 + i)) return level + " IPv4 ID";
      if (!sum_verifies(ip, l.header_len)) return level + " IPv4 header checksum";
      return "";
    };
    if (auto e = ip_fields(L.outer, oid, "outer"); !e.empty()) return at(i, e);
    if (auto e = ip_fields(L.inner, iid, "inner"); !e.empty()) return at(i, e);
    if (auto e = rules.check(i, g, n); !e.empty()) return at(i, e);
    if (L.gre_checksum_present && !sum_verifies(g.data() + L.gre_offset, g.size() - L.gre_offset))
      return at(i, "GRE checksum");
    // The checksum family's receive-side verify (its reference kernel) must agree.
    const VerifyResult v = checksum_verify(g.data(), gl, reference_checksum());
    if (v.any_bad() || v.l4 != CsumStatus::good) return at(i, "checksum_verify reports a bad or missing checksum");
    joined.insert(joined.end(), g.begin() + H, g.end());
  }
  if (joined.size() != P || !std::equal(joined.begin(), joined.end(), s.frame.begin() + H))
    return unit + " payloads joined in order differ from the original payload";
  return {};
}

// Checks every LSOv2 rule on `segs` produced from send `s` at `mss` (check_split with TCP's:
// sequence numbers advance by the payload, CWR on the first segment only, FIN and PSH on the
// last only, the TCP checksum over each segment's own pseudo-header). "" or the first violation.
inline std::string check_segments(const Send& s, uint32_t mss, const std::vector<std::vector<uint8_t>>& segs) {
  const NvgreLayout& L = s.layout;
  const uint32_t seq0 = load_be32(s.frame.data() + L.l4_offset + 4);
  const uint8_t flags0 = s.frame[L.l4_offset + 13];
  L4Rules tcp{L4Proto::tcp, "segment", {{4, 4}, {13, 1}, {16, 2}}, nullptr};
  tcp.check = [&](uint32_t i, const std::vector<uint8_t>& g, uint32_t n) -> std::string {
    const uint8_t* th = g.data() + L.l4_offset;
    if (load_be32(th + 4) != static_cast<uint32_t>(seq0 + uint64_t{i} * mss)) return "TCP sequence number";
    uint8_t want = flags0;
    if (i > 0) want &= 0x7F;                // CWR only on the first
    if (i + 1 < n) want &= ~uint8_t{0x09};  // FIN, PSH only on the last
    if (th[13] != want) return "TCP flags";
    const uint32_t tcp_len = static_cast<uint32_t>(g.size()) - L.l4_offset;
    if (!sum_verifies(th, tcp_len, pseudo_sum(g.data(), L, tcp_len))) return "TCP checksum";
    return "";
  };
  return check_split(s, mss, segs, tcp);
}

constexpr IpVersion v4 = IpVersion::v4, v6 = IpVersion::v6;
inline constexpr std::pair<IpVersion, IpVersion> kCombos[] = {{v4, v4}, {v4, v6}, {v6, v4}, {v6, v6}};

inline std::string combo(IpVersion o, IpVersion i) {
  return std::string(o == v4 ? "v4" : "v6") + (i == v4 ? "v4" : "v6");
}

// Every record of `impls` this machine can run, peers excluded (they have their own tests).
inline std::vector<const SegmentImpl*> runnable(const std::vector<SegmentImpl>& impls) {
  std::vector<const SegmentImpl*> v;
  for (const auto& r : impls)
    if (r.info.supported() && r.info.kind != ImplKind::peer) v.push_back(&r);
  return v;
}

using SplitChecker = std::string (*)(const Send&, uint32_t mss, const std::vector<std::vector<uint8_t>>&);

// Runs every runnable record of `impls` on one send of transport `l4`: the reference must satisfy
// the rules (`check`), every other must produce exactly the reference's bytes and slice table,
// touching nothing else, and (scatter-gather) describe + gather the same frames, the payload
// referenced in place, not copied.
inline void check_all(const std::vector<SegmentImpl>& impls, L4Proto l4, SplitChecker check, const Send& s,
                      uint32_t mss, uint32_t max_header = 256) {
  SCOPED_TRACE(s.name + " mss " + std::to_string(mss));
  ASSERT_TRUE(s.layout.ok()) << parse_error_name(s.layout.error);
  const SegmentImpl& reference = *find_impl(impls, "reference");
  const auto ref = run_impl(reference, s, mss, max_header, l4);
  ASSERT_EQ(ref.error, SegmentError::ok) << segment_error_name(ref.error);
  EXPECT_EQ(ref.count, ref.plan.segments);
  EXPECT_TRUE(ref.canary_intact);
  EXPECT_EQ(check(s, mss, ref.segments), "");
  for (const SegmentImpl* impl : runnable(impls)) {
    if (impl == &reference) continue;
    SCOPED_TRACE(impl->info.name);
    const auto got = run_impl(*impl, s, mss, max_header, l4);
    ASSERT_EQ(got.error, SegmentError::ok) << segment_error_name(got.error);
    EXPECT_TRUE(got.canary_intact);
    ASSERT_EQ(got.count, ref.count);
    for (uint32_t i = 0; i < got.count; ++i) {
      EXPECT_EQ(got.slices[i].offset, ref.slices[i].offset);
      ASSERT_EQ(got.segments[i], ref.segments[i]) << "frame " << i;
    }
    if (!impl->describe) continue;
    const SegmentInput in{s.frame.data(), s.frame.size(), &s.layout, mss, max_header, l4};
    std::vector<uint8_t> headers(ref.plan.header_bytes, 0x5A);
    std::vector<SgEntry> entries(ref.plan.segments);
    uint32_t n = 0;
    ASSERT_EQ(impl->run_sg(in, SgOutput{headers.data(), headers.size(), entries.data(), entries.size()}, &n),
              SegmentError::ok);
    ASSERT_EQ(n, ref.count);
    for (uint32_t i = 0; i < n; ++i) {
      EXPECT_EQ(entries[i].payload_offset, ref.plan.header_len + i * mss);  // a reference, not a copy
      EXPECT_EQ(entries[i].payload_len, ref.plan.segment_payload_len(i));
    }
    std::vector<uint8_t> arena(ref.plan.arena_bytes, kCanary);
    std::vector<SegmentSlice> slices(n);
    ASSERT_EQ(gather_segments(in, entries.data(), n, headers.data(),
                              SegmentOutput{arena.data(), arena.size(), slices.data(), slices.size()}),
              SegmentError::ok);
    EXPECT_EQ(arena, ref.arena);
  }
}

// Every runnable record of `impls` on send `s` of transport `l4` at `mss`, with the input frame,
// the output arena and the header arena each ending at a PROT_NONE page: the reference's frames,
// materialised and (scatter-gather) through describe + gather.
inline void check_guarded(const std::vector<SegmentImpl>& impls, L4Proto l4, const Send& s, uint32_t mss) {
  SCOPED_TRACE(s.name + " mss " + std::to_string(mss));
  test::GuardedBuffer frame(s.frame.size());
  frame.copy_from(s.frame.data(), s.frame.size());
  const SegmentInput in{frame.data(), frame.size(), &s.layout, mss, 256, l4};
  const SegmentPlan plan = plan_segments(in);
  ASSERT_TRUE(plan.ok());
  const auto ref = run_impl(*find_impl(impls, "reference"), s, mss, 256, l4);
  for (const SegmentImpl* impl : runnable(impls)) {
    SCOPED_TRACE(impl->info.name);
    test::GuardedOutput arena(plan.arena_bytes);
    std::vector<SegmentSlice> slices(plan.segments);
    ASSERT_EQ(impl->run(in, {arena.data(), arena.size(), slices.data(), slices.size()}), SegmentError::ok);
    for (uint32_t k = 0; k < plan.segments; ++k)
      ASSERT_EQ(0, std::memcmp(arena.data() + slices[k].offset, ref.segments[k].data(), slices[k].length));
    if (!impl->describe) continue;
    test::GuardedOutput headers(plan.header_bytes);
    std::vector<SgEntry> e(plan.segments);
    ASSERT_EQ(impl->run_sg(in, {headers.data(), headers.size(), e.data(), e.size()}), SegmentError::ok);
    test::GuardedOutput arena2(plan.arena_bytes);
    ASSERT_EQ(gather_segments(in, e.data(), plan.segments, headers.data(),
                              {arena2.data(), arena2.size(), slices.data(), slices.size()}),
              SegmentError::ok);
    ASSERT_EQ(0, std::memcmp(arena.data(), arena2.data(), plan.arena_bytes));
  }
}

}  // namespace eb::segtest
