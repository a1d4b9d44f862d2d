// What the segment and uso fuzz targets share. Both split one NVGRE send into many frames through
// SegmentImpl records (LSOv2: TCP segments; USO: UDP datagrams), build their sends from the same
// mode and option bytes, and check every record the same way; only the L4 rules differ. `unit`
// names one output frame in the messages ("segment", "datagram").
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <utility>
#include <stdexcept>
#include <vector>

#include "datasets/nvgre_build.h"
#include "fuzz/fuzz_util.h"
#include "kernels/common/byteorder.h"
#include "kernels/common/ones_complement.h"
#include "kernels/packet/nvgre.h"
#include "kernels/segment/segment.h"

namespace eb::fuzz {

struct SegmentationOutput {
  std::vector<uint8_t> bytes;  // the arena, as written
  std::vector<SegmentSlice> slices;
};

inline bool sum_ok(const uint8_t* p, size_t n, uint32_t initial = 0) {
  return fold16(ones_complement_sum_simple(p, n, initial)) == 0xFFFF;
}

inline void patched(std::vector<bool>& mask, size_t off, size_t n) {
  for (size_t i = off; i < off + n && i < mask.size(); ++i) mask[i] = true;
}

// The header bytes of send S that every output frame may change: the IP lengths, the IPv4 IDs and
// header checksums (outer and inner) and the GRE checksum. The caller adds its L4 fields.
inline std::vector<bool> rewritten_fields(const NvgreLayout& S) {
  std::vector<bool> mask(S.header_size, false);
  for (const IpLayout* ip : {&S.outer, &S.inner}) {
    if (ip->version == IpVersion::v4) {
      patched(mask, ip->offset + 2, 2);   // total length
      patched(mask, ip->offset + 4, 2);   // ID
      patched(mask, ip->offset + 10, 2);  // header checksum
    } else {
      patched(mask, ip->offset + 4, 2);  // payload length
    }
  }
  if (S.gre_checksum_present) patched(mask, S.gre_checksum_offset, 2);
  return mask;
}

inline void check_ip(const uint8_t* seg, const uint8_t* send, const IpLayout& sip, const IpLayout& ip, uint32_t i,
                     uint32_t end, const char* level, const char* unit) {
  FUZZ_CHECK(ip.end() == end, "%s IP of %s %u ends at %u, frame at %u", level, unit, i, ip.end(), end);
  if (ip.version == IpVersion::v4) {
    FUZZ_CHECK(sum_ok(seg + ip.offset, ip.header_len), "%s IPv4 header checksum of %s %u", level, unit, i);
    const uint16_t id0 = load_be16(send + sip.offset + 4);
    FUZZ_CHECK(load_be16(seg + ip.offset + 4) == static_cast<uint16_t>(id0 + i), "%s IPv4 ID of %s %u", level, unit, i);
  }
}

// Output frame i (layout L, `length` bytes) of send S: every header byte but those in `mask` is the
// send's; both IP headers end where they must, with valid IPv4 checksums and IDs + i; the GRE
// checksum verifies.
inline void check_headers(const uint8_t* seg, uint32_t length, const NvgreLayout& L, const uint8_t* send,
                          const NvgreLayout& S, const std::vector<bool>& mask, uint32_t i, const char* unit) {
  for (uint32_t b = 0; b < S.header_size; ++b)
    FUZZ_CHECK(mask[b] || seg[b] == send[b], "%s %u: header byte %u changed (%02x -> %02x)", unit, i, b, send[b], seg[b]);
  check_ip(seg, send, S.outer, L.outer, i, length, "outer", unit);
  check_ip(seg, send, S.inner, L.inner, i, L.outer.end(), "inner", unit);
  if (L.gre_checksum_present)
    FUZZ_CHECK(sum_ok(seg + L.gre_offset, L.outer.end() - L.gre_offset), "%s %u: GRE checksum", unit, i);
}

// The pseudo-header sum of the inner L4 header of frame p (the mobile IPv6 addresses where present).
inline uint32_t inner_pseudo_sum(const uint8_t* p, const NvgreLayout& L, uint8_t proto, uint32_t l4_len) {
  if (L.inner.version == IpVersion::v4)
    return pseudo_header_sum_v4(p + L.inner.src_offset(), p + L.inner.dst_offset(), proto, l4_len);
  return pseudo_header_sum_v6(p + L.inner.pseudo_src_offset(), p + L.inner.pseudo_dst_offset(), proto, l4_len);
}

// The checks of a split of send S (the reference's frames `out`) that hold for every transport:
// as many frames as the plan, each in the arena where the plan puts it, parsing with the send's
// header size and transport, the payload length the plan gives it, its headers as
// check_headers() wants them (the transport's rewritten fields `l4_fields`: offset from the L4
// header, length), both IP packets ending together; then `check_l4(i, n, frame, L)` checks the
// transport's rules; last, the payloads reassemble to the send's.
template <typename L4Check>
void verify_split(const uint8_t* send, const NvgreLayout& S, const SegmentPlan& plan, const SegmentationOutput& out,
                  std::initializer_list<std::pair<uint32_t, uint32_t>> l4_fields, const char* unit,
                  const L4Check& check_l4) {
  const uint32_t P = S.payload_len, M = plan.mss;
  const uint32_t n = P == 0 ? 1 : (P + M - 1) / M;
  FUZZ_CHECK(plan.segments == n, "plan says %u %ss for %u bytes at MSS %u", plan.segments, unit, P, M);
  FUZZ_CHECK(plan.header_len == S.header_size, "plan header_len %u vs header size %u", plan.header_len, S.header_size);
  std::vector<bool> mask = rewritten_fields(S);
  for (const auto& [off, len] : l4_fields) patched(mask, S.l4_offset + off, len);
  std::vector<uint8_t> reassembled;
  for (uint32_t i = 0; i < n; ++i) {
    const SegmentSlice& sl = out.slices[i];
    FUZZ_CHECK(sl.offset == plan.segment_offset(i) && sl.length == plan.segment_len(i), "%s %u slice", unit, i);
    FUZZ_CHECK(size_t{sl.offset} + sl.length <= out.bytes.size(), "%s %u outside the arena", unit, i);
    const uint8_t* seg = out.bytes.data() + sl.offset;
    const NvgreLayout L = parse_nvgre(seg, sl.length);
    FUZZ_CHECK(L.ok(), "%s %u of %u does not parse: %s", unit, i, n, parse_error_name(L.error));
    FUZZ_CHECK(L.l4 == S.l4 && L.header_size == S.header_size && L.payload_len == plan.segment_payload_len(i),
               "%s %u: header %u payload %u", unit, i, L.header_size, L.payload_len);
    check_headers(seg, sl.length, L, send, S, mask, i, unit);
    FUZZ_CHECK(L.inner.end() == L.outer.end(), "%s %u: inner and outer IP end differently", unit, i);
    check_l4(i, n, seg, L);
    reassembled.insert(reassembled.end(), seg + L.payload_offset, seg + L.payload_offset + L.payload_len);
  }
  FUZZ_CHECK(reassembled.size() == P && (P == 0 || std::memcmp(reassembled.data(), send + S.payload_offset, P) == 0),
             "payloads do not reassemble to the send (%zu of %u bytes)", reassembled.size(), P);
}

// Runs one implementation; returns its error and fills `out` on success. First with an arena one
// byte short: refused (output_too_small), nothing written, no count.
inline SegmentError run_impl(const SegmentImpl& impl, const SegmentInput& in, const SegmentPlan& plan,
                             SegmentationOutput& out, const char* unit) {
  const char* name = impl.info.name.c_str();
  const size_t arena_n = plan.ok() ? plan.arena_bytes : 0;
  const size_t nseg = plan.ok() ? plan.segments : 0;
  if (plan.ok() && arena_n > 0) {
    ExactBuffer small(arena_n - 1, 0);
    std::memset(small.data(), 0xEE, arena_n - 1);
    std::vector<SegmentSlice> sl(nseg);
    uint32_t count = 0xDEAD;
    const SegmentError e = impl.run(in, SegmentOutput{small.data(), arena_n - 1, sl.data(), sl.size()}, &count);
    FUZZ_CHECK(e == SegmentError::output_too_small, "%s: arena one byte short gives %s", name, segment_error_name(e));
    FUZZ_CHECK(count == 0xDEAD, "%s: count written on error", name);
    for (size_t b = 0; b < arena_n - 1; ++b) FUZZ_CHECK(small.data()[b] == 0xEE, "%s: wrote into a too-small arena", name);
  }
  ExactBuffer arena(arena_n, 0);
  if (arena_n) std::memset(arena.data(), 0xEE, arena_n);
  ExactBuffer slices_buf(nseg * sizeof(SegmentSlice), 0);
  auto* slices = reinterpret_cast<SegmentSlice*>(slices_buf.data());
  for (size_t s = 0; s < nseg; ++s) slices[s] = SegmentSlice{};
  uint32_t count = 0xDEAD;
  const SegmentError e = impl.run(in, SegmentOutput{arena.data(), arena_n, slices, nseg}, &count);
  if (e != SegmentError::ok) {
    FUZZ_CHECK(count == 0xDEAD, "%s: count written on error %s", name, segment_error_name(e));
    return e;
  }
  FUZZ_CHECK(count == nseg, "%s: %u %ss, plan %zu", name, count, unit, nseg);
  out.bytes.assign(arena.data(), arena.data() + arena_n);
  out.slices.assign(slices, slices + nseg);
  return e;
}

// Every supported record of `impls` but `ref` and the peers (dpdk-gso needs the DPDK EAL started)
// returns the plan's error and, on success, the reference's bytes `want`, materialised and through
// describe + gather_segments.
inline void check_against_reference(const std::vector<SegmentImpl>& impls, const SegmentImpl& ref,
                                    const SegmentInput& in, const SegmentPlan& plan, const SegmentationOutput& want,
                                    const char* unit) {
  for (const SegmentImpl& impl : impls) {
    if (&impl == &ref || !impl.info.supported() || impl.info.kind == ImplKind::peer) continue;
    const char* name = impl.info.name.c_str();
    SegmentationOutput got;
    const SegmentError e = run_impl(impl, in, plan, got, unit);
    FUZZ_CHECK(e == plan.error, "%s returns %s, plan %s", name, segment_error_name(e), segment_error_name(plan.error));
    if (!plan.ok()) continue;
    FUZZ_CHECK(got.bytes == want.bytes, "%s: %ss differ from the reference (mss %u, payload %u, %u %ss)", name, unit,
               plan.mss, plan.payload_len, plan.segments, unit);
    if (!impl.describe) continue;
    ExactBuffer headers(plan.header_bytes, 0);
    ExactBuffer entries_buf(plan.segments * sizeof(SgEntry), 0);
    auto* entries = reinterpret_cast<SgEntry*>(entries_buf.data());
    for (uint32_t s = 0; s < plan.segments; ++s) entries[s] = SgEntry{};
    uint32_t count = 0;
    const SegmentError de = impl.run_sg(in, SgOutput{headers.data(), plan.header_bytes, entries, plan.segments}, &count);
    FUZZ_CHECK(de == SegmentError::ok && count == plan.segments, "%s: describe gives %s, %u entries", name,
               segment_error_name(de), count);
    for (uint32_t s = 0; s < count; ++s)
      FUZZ_CHECK(size_t{entries[s].payload_offset} + entries[s].payload_len <= in.frame_len &&
                     size_t{entries[s].header_offset} + entries[s].header_len <= plan.header_bytes,
                 "%s: scatter-gather entry %u outside its buffers", name, s);
    ExactBuffer arena(plan.arena_bytes, 0);
    if (plan.arena_bytes) std::memset(arena.data(), 0xEE, plan.arena_bytes);
    std::vector<SegmentSlice> sl(plan.segments);
    const SegmentError ge = gather_segments(in, entries, count, headers.data(),
                                            SegmentOutput{arena.data(), plan.arena_bytes, sl.data(), sl.size()});
    FUZZ_CHECK(ge == SegmentError::ok, "%s: gather gives %s", name, segment_error_name(ge));
    FUZZ_CHECK(std::memcmp(arena.data(), want.bytes.data(), plan.arena_bytes) == 0, "%s: gathered %ss differ", name,
               unit);
  }
}

using VerifyFn = void (*)(const uint8_t* send, const NvgreLayout& S, const SegmentPlan& plan,
                          const SegmentationOutput& out);

// One send (copied to end at the end of an exact-size heap block, parsed as a large send) through
// every record: the reference returns the plan's error and, on success, frames that pass
// `verify`; every other record is checked against it (check_against_reference).
inline void check_send(const uint8_t* frame_in, size_t frame_len, uint32_t mss, uint32_t max_header, L4Proto l4,
                       SegmentPlan (*plan_fn)(const SegmentInput&), const std::vector<SegmentImpl>& impls,
                       VerifyFn verify, const char* unit) {
  ExactBuffer frame(frame_len, 0);
  if (frame_len) std::memcpy(frame.data(), frame_in, frame_len);
  const NvgreLayout layout = parse_nvgre(frame.data(), frame_len, ParseOptions{.large_send = true});
  const SegmentInput in{frame.data(), frame_len, &layout, mss, max_header, l4};
  const SegmentPlan plan = plan_fn(in);
  if (std::getenv("EB_FUZZ_VERBOSE"))
    std::fprintf(stderr, "%s: frame %zu bytes (%s), mss %u, max header %u: %s, %u %ss\n", impls.front().info.family.c_str(),
                 frame_len, parse_error_name(layout.error), mss, max_header, segment_error_name(plan.error),
                 plan.segments, unit);
  if (plan.ok() && plan.segments > 4096) return;  // keep one run short
  const SegmentImpl* ref = nullptr;
  for (const SegmentImpl& s : impls)
    if (!ref && s.info.kind == ImplKind::reference) ref = &s;
  FUZZ_CHECK(ref != nullptr, "no reference implementation");
  SegmentationOutput want;
  const SegmentError ref_err = run_impl(*ref, in, plan, want, unit);
  FUZZ_CHECK(ref_err == plan.error, "reference returns %s, plan %s", segment_error_name(ref_err), segment_error_name(plan.error));
  if (plan.ok()) verify(frame.data(), layout, plan, want);
  check_against_reference(impls, *ref, in, plan, want, unit);
}

// [mode][outer opts][inner opts][l4 opts][mss: 2][payload len: 2][max header][byte][word0: 4]
// [word1: 4]: how both targets' inputs begin (what l4 opts, byte and the words mean is each
// target's). A max header byte below 200 is the default MaxHeaderSize, else 64 + 4 * (byte - 200).
struct SendParams {
  uint8_t mode = 0, outer_opts = 0, inner_opts = 0, l4_opts = 0;
  uint32_t mss = 0, payload_len = 0, max_header = 0;
  uint8_t byte = 0;
  uint32_t word0 = 0, word1 = 0;
  bool raw_frame() const { return mode & 1; }  // the rest of the input is the frame itself
};

inline SendParams read_send_params(Reader& rd) {
  SendParams p;
  p.mode = rd.u8();
  p.outer_opts = rd.u8();
  p.inner_opts = rd.u8();
  p.l4_opts = rd.u8();
  p.mss = rd.u16();
  p.payload_len = rd.u16();
  const uint8_t mh = rd.u8();
  p.max_header = mh < 200 ? kDefaultMaxHeaderSize : 64 + (mh - 200) * 4u;
  p.byte = rd.u8();
  p.word0 = rd.u32();
  p.word1 = rd.u32();
  // A built send: keep a run short, at most ~1024 output frames.
  if (!p.raw_frame() && p.mss && p.payload_len / p.mss > 1024) p.mss = p.payload_len / 1024 + 1;
  return p;
}

// IPv6 extension headers of one kind (`sel` varies their contents): 0 none; 1 hop-by-hop;
// 2 a type-2 routing header; 3 destination options with a Home Address option; 4 destination
// options then hop-by-hop; 5 a Home Address option then destination options of 8..64 bytes.
inline void add_ip6_ext_kind(IpSpec& ip, int kind, uint8_t sel) {
  switch (kind) {
    case 0: break;
    case 1: ip.ip6_ext.push_back(Ip6ExtSpec{kIp6HopByHop, 8}); break;
    case 2: {
      Ip6ExtSpec rt{.type = kIp6Routing, .len = 24, .routing_type = 2};
      rt.fill = sel;
      ip.ip6_ext.push_back(rt);
      break;
    }
    case 3:
    case 5: {
      Ip6ExtSpec d{.type = kIp6DestOpts, .len = 24, .home_address_option = true};
      for (int i = 0; i < 16; ++i) d.home_address[i] = static_cast<uint8_t>(sel * 7 + i);
      ip.ip6_ext.push_back(d);
      if (kind == 5) ip.ip6_ext.push_back(Ip6ExtSpec{kIp6DestOpts, 8u * (1u + sel % 8u)});
      break;
    }
    default:
      ip.ip6_ext.push_back(Ip6ExtSpec{kIp6DestOpts, 16});
      ip.ip6_ext.push_back(Ip6ExtSpec{kIp6HopByHop, 8});
      break;
  }
}

// The part of a fuzzer-shaped send both targets read alike. mode bits: 2 outer IPv6, 4 inner
// IPv6, 8 outer 802.1Q, 16 GRE C, 32 GRE S, 64 large-send lengths, 128 L4 checksum seeded with
// the pseudo-header sum. An option byte: its low bits the IPv4 options length (x4, up to 40) or,
// for IPv6, the extension headers `add_ip6_ext` adds; bits 4-5 the option style.
inline void shape_ip(NvgreSpec& s, uint8_t mode, uint8_t oo, uint8_t io, void (*add_ip6_ext)(IpSpec&, uint8_t)) {
  s.outer.version = (mode & 2) ? IpVersion::v6 : IpVersion::v4;
  s.inner.version = (mode & 4) ? IpVersion::v6 : IpVersion::v4;
  s.outer_vlan = mode & 8;
  s.gre_checksum = mode & 16;
  s.gre_seq = mode & 32;
  s.large_send = mode & 64;
  s.l4_checksum_pseudo_seed = mode & 128;
  if (s.outer.version == IpVersion::v4) s.outer.ipv4_options_len = (oo % 11) * 4;
  else add_ip6_ext(s.outer, oo);
  if (s.inner.version == IpVersion::v4) s.inner.ipv4_options_len = (io % 11) * 4;
  else add_ip6_ext(s.inner, io);
  s.outer.option_style = static_cast<OptionStyle>((oo >> 4) % 3);
  s.inner.option_style = static_cast<OptionStyle>((io >> 4) % 3);
}

// The IPv4 IDs, the GRE sequence number and the addresses, from the input's `ids` and `word`
// (each target's other 32-bit parameter) and two of its bytes.
inline void shape_ids(NvgreSpec& s, uint32_t ids, uint32_t word, uint8_t mode, uint8_t byte) {
  s.outer.ipv4_id = static_cast<uint16_t>(ids);
  s.inner.ipv4_id = static_cast<uint16_t>(ids >> 16);
  s.gre_seq_number = word ^ ids;
  for (int i = 0; i < 16; ++i) {
    s.outer.src[i] = static_cast<uint8_t>(ids >> (i % 4) * 8) ^ static_cast<uint8_t>(i);
    s.outer.dst[i] = static_cast<uint8_t>(word >> (i % 4) * 8) ^ static_cast<uint8_t>(3 * i);
    s.inner.src[i] = static_cast<uint8_t>(i * 17 + mode);
    s.inner.dst[i] = static_cast<uint8_t>(i * 29 + byte);
  }
}

// The send of spec s with `payload_len` payload bytes, the rest of the input repeated; nullopt for
// a spec the builder cannot encode (e.g. over 64 KiB without large_send).
inline std::optional<std::vector<uint8_t>> build_send(NvgreSpec& s, const Reader& rd, uint32_t payload_len) {
  const uint8_t* src = rd.rest();
  const size_t src_n = rd.remaining();
  s.payload.resize(payload_len);
  for (uint32_t i = 0; i < payload_len; ++i) s.payload[i] = src_n ? src[i % src_n] : static_cast<uint8_t>(i);
  try {
    return build_nvgre(s);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace eb::fuzz
