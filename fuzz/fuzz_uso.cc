// Fuzz target: USO of NVGRE UDP sends. Every uso implementation this CPU supports, plus the
// scatter-gather path (describe + gather_segments), on fuzzer-shaped UDP sends or raw bytes.
//
// Input: [mode][outer opts][inner opts][udp][mss: 2][payload len: 2][max header][port]
// [ids: 4][vsid: 4] then payload bytes (repeated to the payload length). mode bits: 1 the bytes
// after the parameters are the frame itself (parsed with large_send), not a spec's payload;
// 2 outer IPv6; 4 inner IPv6; 8 outer 802.1Q; 16 GRE C; 32 GRE S; 64 large-send lengths;
// 128 UDP checksum seeded with the length-0 pseudo-header sum. udp bit 0: UDP length field 0.
// Checked:
//   - every implementation returns the same SegmentError as plan_uso; on success the datagrams
//     are byte-identical across implementations and to describe + gather;
//   - an output arena one byte too small is refused (output_too_small) with nothing written;
//   - independent checks of each datagram against the send: it parses as NVGRE UDP, every
//     header byte equals the send's except the fields USO rewrites (IP lengths, IPv4 IDs + i and
//     checksums, UDP length and checksum, GRE checksum), the UDP length is its own, its UDP
//     checksum is non-zero and verifies over its own pseudo-header, IP and GRE checksums verify
//     with the plain loop, and the payloads reassemble to the send's payload.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "kernels/common/ones_complement.h"
#include "kernels/common/byteorder.h"
#include "datasets/nvgre_build.h"
#include "kernels/packet/nvgre.h"
#include "kernels/uso/uso.h"

namespace {

using namespace eb;

struct Output {
  std::vector<uint8_t> bytes;
  std::vector<SegmentSlice> slices;
};

bool sum_ok(const uint8_t* p, size_t n, uint32_t initial = 0) { return fold16(ones_complement_sum_simple(p, n, initial)) == 0xFFFF; }

void patched(std::vector<bool>& mask, size_t off, size_t n) {
  for (size_t i = off; i < off + n && i < mask.size(); ++i) mask[i] = true;
}

void mark_ip(std::vector<bool>& mask, const IpLayout& ip) {
  if (ip.version == IpVersion::v4) patched(mask, ip.offset + 2, 4), patched(mask, ip.offset + 10, 2);
  else patched(mask, ip.offset + 4, 2);
}

void check_ip(const uint8_t* dg, const uint8_t* send, const IpLayout& sip, const IpLayout& ip, uint32_t i, uint32_t end,
              const char* level) {
  FUZZ_CHECK(ip.end() == end, "%s IP of datagram %u ends at %u, frame at %u", level, i, ip.end(), end);
  if (ip.version == IpVersion::v4) {
    FUZZ_CHECK(sum_ok(dg + ip.offset, ip.header_len), "%s IPv4 header checksum of datagram %u", level, i);
    const uint16_t id0 = load_be16(send + sip.offset + 4);
    FUZZ_CHECK(load_be16(dg + ip.offset + 4) == static_cast<uint16_t>(id0 + i), "%s IPv4 ID of datagram %u", level, i);
  }
}

void verify(const uint8_t* send, const NvgreLayout& S, const SegmentPlan& plan, const Output& out) {
  const uint32_t P = S.payload_len, M = plan.mss;
  const uint32_t n = P == 0 ? 1 : (P + M - 1) / M;
  FUZZ_CHECK(plan.segments == n, "plan says %u datagrams for %u bytes at MSS %u", plan.segments, P, M);
  FUZZ_CHECK(S.l4 == L4Proto::udp, "a non-UDP send was planned");
  std::vector<uint8_t> reassembled;
  for (uint32_t i = 0; i < n; ++i) {
    const SegmentSlice& sl = out.slices[i];
    FUZZ_CHECK(size_t{sl.offset} + sl.length <= out.bytes.size(), "datagram %u outside the arena", i);
    const uint8_t* dg = out.bytes.data() + sl.offset;
    const NvgreLayout L = parse_nvgre(dg, sl.length);
    FUZZ_CHECK(L.ok(), "datagram %u of %u does not parse: %s", i, n, parse_error_name(L.error));
    FUZZ_CHECK(L.l4 == L4Proto::udp && L.header_size == S.header_size && L.payload_len == (i + 1 < n ? M : P - (n - 1) * M),
               "datagram %u: header %u payload %u", i, L.header_size, L.payload_len);
    std::vector<bool> mask(S.header_size, false);
    mark_ip(mask, S.outer);
    mark_ip(mask, S.inner);
    patched(mask, S.l4_offset + 4, 4);  // UDP length, checksum
    if (S.gre_checksum_present) patched(mask, S.gre_checksum_offset, 2);
    for (uint32_t b = 0; b < S.header_size; ++b)
      FUZZ_CHECK(mask[b] || dg[b] == send[b], "datagram %u: header byte %u changed (%02x -> %02x)", i, b, send[b], dg[b]);
    check_ip(dg, send, S.outer, L.outer, i, sl.length, "outer");
    check_ip(dg, send, S.inner, L.inner, i, L.outer.end(), "inner");
    const uint32_t ulen = sl.length - L.l4_offset;
    FUZZ_CHECK(load_be16(dg + L.l4_offset + 4) == ulen, "datagram %u: UDP length", i);
    FUZZ_CHECK(load_be16(dg + L.l4_offset + 6) != 0, "datagram %u: UDP checksum 0 (must be sent as 0xFFFF)", i);
    uint32_t ph;
    if (L.inner.version == IpVersion::v4) {
      ph = pseudo_header_sum_v4(dg + L.inner.src_offset(), dg + L.inner.dst_offset(), kIpProtoUDP, ulen);
    } else {
      const uint8_t* src = dg + (L.inner.ip6_home_addr_offset ? L.inner.ip6_home_addr_offset : L.inner.src_offset());
      const uint8_t* dst = dg + (L.inner.ip6_rt2_addr_offset ? L.inner.ip6_rt2_addr_offset : L.inner.dst_offset());
      ph = pseudo_header_sum_v6(src, dst, kIpProtoUDP, ulen);
    }
    FUZZ_CHECK(sum_ok(dg + L.l4_offset, ulen, ph), "datagram %u: UDP checksum", i);
    if (L.gre_checksum_present)
      FUZZ_CHECK(sum_ok(dg + L.gre_offset, L.outer.end() - L.gre_offset), "datagram %u: GRE checksum", i);
    reassembled.insert(reassembled.end(), dg + L.payload_offset, dg + L.payload_offset + L.payload_len);
  }
  FUZZ_CHECK(reassembled.size() == P && (P == 0 || std::memcmp(reassembled.data(), send + S.payload_offset, P) == 0),
             "payloads do not reassemble to the send (%zu of %u bytes)", reassembled.size(), P);
}

SegmentError run_impl(const UsoImpl& impl, const SegmentInput& in, const SegmentPlan& plan, Output& out) {
  const size_t arena_n = plan.ok() ? plan.arena_bytes : 0;
  const size_t nseg = plan.ok() ? plan.segments : 0;
  if (plan.ok() && arena_n > 0) {
    fuzz::ExactBuffer small(arena_n - 1, 0);
    std::memset(small.data(), 0xEE, arena_n - 1);
    std::vector<SegmentSlice> sl(nseg);
    uint32_t count = 0xDEAD;
    const SegmentError e = impl.run(in, SegmentOutput{small.data(), arena_n - 1, sl.data(), sl.size()}, &count);
    FUZZ_CHECK(e == SegmentError::output_too_small, "%s: arena one byte short gives %s", impl.info.name.c_str(),
               segment_error_name(e));
    FUZZ_CHECK(count == 0xDEAD, "%s: count written on error", impl.info.name.c_str());
    for (size_t b = 0; b < arena_n - 1; ++b)
      FUZZ_CHECK(small.data()[b] == 0xEE, "%s: wrote into a too-small arena", impl.info.name.c_str());
  }
  fuzz::ExactBuffer arena(arena_n, 0);
  if (arena_n) std::memset(arena.data(), 0xEE, arena_n);
  std::vector<SegmentSlice> slices(nseg);
  uint32_t count = 0xDEAD;
  const SegmentError e = impl.run(in, SegmentOutput{arena.data(), arena_n, slices.data(), nseg}, &count);
  if (e != SegmentError::ok) {
    FUZZ_CHECK(count == 0xDEAD, "%s: count written on error %s", impl.info.name.c_str(), segment_error_name(e));
    return e;
  }
  FUZZ_CHECK(count == nseg, "%s: %u datagrams, plan %zu", impl.info.name.c_str(), count, nseg);
  out.bytes.assign(arena.data(), arena.data() + arena_n);
  out.slices = slices;
  return e;
}

void check_send(const uint8_t* frame_in, size_t frame_len, uint32_t mss, uint32_t max_header) {
  fuzz::ExactBuffer frame(frame_len, 0);  // the send ends at the end of an exact-size heap block
  if (frame_len) std::memcpy(frame.data(), frame_in, frame_len);
  const NvgreLayout layout = parse_nvgre(frame.data(), frame_len, ParseOptions{.large_send = true});
  const SegmentInput in = make_uso_input(frame.data(), frame_len, layout, mss, max_header);
  const SegmentPlan plan = plan_uso(in);
  if (std::getenv("EB_FUZZ_VERBOSE"))
    std::fprintf(stderr, "uso: frame %zu bytes (%s), mss %u, max header %u: %s, %u datagrams\n", frame_len,
                 parse_error_name(layout.error), mss, max_header, segment_error_name(plan.error), plan.segments);
  if (plan.ok() && plan.segments > 4096) return;  // keep one run short

  const UsoImpl* ref = find_impl(uso_impls(), "reference");
  FUZZ_CHECK(ref != nullptr, "no reference uso implementation");
  Output want;
  const SegmentError ref_err = run_impl(*ref, in, plan, want);
  FUZZ_CHECK(ref_err == plan.error, "reference returns %s, plan %s", segment_error_name(ref_err), segment_error_name(plan.error));
  if (plan.ok()) verify(frame.data(), layout, plan, want);

  for (const UsoImpl& impl : uso_impls()) {
    if (&impl == ref || !impl.info.supported()) continue;
    const char* name = impl.info.name.c_str();
    Output got;
    const SegmentError e = run_impl(impl, in, plan, got);
    FUZZ_CHECK(e == plan.error, "%s returns %s, plan %s", name, segment_error_name(e), segment_error_name(plan.error));
    if (!plan.ok()) continue;
    FUZZ_CHECK(got.bytes == want.bytes, "%s: datagrams differ from the reference (mss %u, payload %u, %u datagrams)",
               name, mss, plan.payload_len, plan.segments);
    if (!impl.describe) continue;
    fuzz::ExactBuffer headers(plan.header_bytes, 0);
    std::vector<SgEntry> entries(plan.segments);
    uint32_t count = 0;
    const SegmentError de = impl.run_sg(in, SgOutput{headers.data(), plan.header_bytes, entries.data(), plan.segments}, &count);
    FUZZ_CHECK(de == SegmentError::ok && count == plan.segments, "%s: describe gives %s, %u entries", name,
               segment_error_name(de), count);
    for (uint32_t s = 0; s < count; ++s)
      FUZZ_CHECK(size_t{entries[s].payload_offset} + entries[s].payload_len <= frame_len &&
                     size_t{entries[s].header_offset} + entries[s].header_len <= plan.header_bytes,
                 "%s: scatter-gather entry %u outside its buffers", name, s);
    fuzz::ExactBuffer arena(plan.arena_bytes, 0);
    if (plan.arena_bytes) std::memset(arena.data(), 0xEE, plan.arena_bytes);
    std::vector<SegmentSlice> sl(plan.segments);
    const SegmentError ge = gather_segments(in, entries.data(), count, headers.data(),
                                            SegmentOutput{arena.data(), plan.arena_bytes, sl.data(), sl.size()});
    FUZZ_CHECK(ge == SegmentError::ok, "%s: gather gives %s", name, segment_error_name(ge));
    FUZZ_CHECK(std::memcmp(arena.data(), want.bytes.data(), plan.arena_bytes) == 0, "%s: gathered datagrams differ", name);
  }
}

void add_ip6_ext(IpSpec& ip, uint8_t sel) {
  switch (sel % 4) {
    case 0: break;
    case 1: ip.ip6_ext.push_back(Ip6ExtSpec{kIp6HopByHop, 8}); break;
    case 2: {
      Ip6ExtSpec rt{.type = kIp6Routing, .len = 24, .routing_type = 2};
      rt.fill = sel;
      ip.ip6_ext.push_back(rt);
      break;
    }
    default: {
      Ip6ExtSpec d{.type = kIp6DestOpts, .len = 24, .home_address_option = true};
      for (int i = 0; i < 16; ++i) d.home_address[i] = static_cast<uint8_t>(sel * 7 + i);
      ip.ip6_ext.push_back(d);
      ip.ip6_ext.push_back(Ip6ExtSpec{kIp6DestOpts, 8u * (1u + sel % 8u)});
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reader rd(data, size);
  const uint8_t mode = rd.u8();
  const uint8_t oo = rd.u8(), io = rd.u8(), udp = rd.u8();
  uint32_t mss = rd.u16();
  uint32_t payload_len = rd.u16();
  const uint8_t mh = rd.u8();
  const uint8_t port = rd.u8();
  const uint32_t ids = rd.u32();
  const uint32_t vsid = rd.u32();
  const uint32_t max_header = mh < 200 ? kDefaultMaxHeaderSize : 64 + (mh - 200) * 4u;
  if (mode & 1) {
    check_send(rd.rest(), rd.remaining(), mss, max_header);
    return 0;
  }
  if (mss && payload_len / mss > 1024) mss = payload_len / 1024 + 1;  // at most ~1024 datagrams

  NvgreSpec s;
  s.l4 = L4Proto::udp;
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
  s.src_port = static_cast<uint16_t>(port * 257u);
  s.dst_port = static_cast<uint16_t>(ids >> 8);
  s.outer.ipv4_id = static_cast<uint16_t>(ids);
  s.inner.ipv4_id = static_cast<uint16_t>(ids >> 16);
  s.vsid = vsid & 0xFFFFFF;
  s.flow_id = static_cast<uint8_t>(vsid >> 24);
  s.gre_seq_number = vsid ^ ids;
  for (int i = 0; i < 16; ++i) {
    s.outer.src[i] = static_cast<uint8_t>(ids >> (i % 4) * 8) ^ static_cast<uint8_t>(i);
    s.outer.dst[i] = static_cast<uint8_t>(vsid >> (i % 4) * 8) ^ static_cast<uint8_t>(3 * i);
    s.inner.src[i] = static_cast<uint8_t>(i * 17 + mode);
    s.inner.dst[i] = static_cast<uint8_t>(i * 29 + port);
  }
  const uint8_t* src = rd.rest();
  const size_t src_n = rd.remaining();
  s.payload.resize(payload_len);
  for (uint32_t i = 0; i < payload_len; ++i) s.payload[i] = src_n ? src[i % src_n] : static_cast<uint8_t>(i);
  std::vector<uint8_t> frame;
  try {
    frame = build_nvgre(s);
  } catch (const std::invalid_argument&) {
    return 0;  // a spec the builder cannot encode (e.g. over 64 KiB without large_send)
  }
  if (udp & 1) {  // the UDP length left 0, as a stack may hand a USO send
    const NvgreLayout L = parse_nvgre(frame.data(), frame.size(), ParseOptions{.large_send = true});
    if (L.ok()) store_be16(frame.data() + L.l4_offset + 4, 0);
  }
  check_send(frame.data(), frame.size(), mss, max_header);
  return 0;
}
