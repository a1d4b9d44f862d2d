// Fuzz target: LSOv2 segmentation. Every materialising implementation this CPU supports (peers
// excluded: dpdk-gso needs the DPDK EAL started), plus the scatter-gather path (describe +
// gather_segments), on fuzzer-shaped NVGRE sends or on raw bytes.
//
// Input: [mode][outer opts][inner opts][tcp opts][mss: 2][payload len: 2][max header][tcp flags]
// [tcp seq: 4][ids: 4] then payload bytes (repeated to the payload length). mode bit 0: the bytes
// after the parameters are the frame itself (parsed with large_send), not a spec's payload.
// Checked:
//   - every implementation returns the same SegmentError as plan_segments; on success the
//     segments are byte-identical across implementations and to describe + gather;
//   - an output arena one byte too small is refused (output_too_small) with nothing written;
//   - independent checks of each segment against the send: it parses as NVGRE, every header
//     byte equals the send's except the fields LSOv2 rewrites (IP lengths, IPv4 IDs + i and
//     checksums, TCP sequence, flags, checksum, GRE checksum), the IDs, sequence and flags
//     follow the rules, every checksum verifies with the plain loop, and the payloads
//     reassemble to the send's payload.
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
#include "kernels/segment/segment.h"

namespace {

using namespace eb;

struct Output {
  std::vector<uint8_t> bytes;  // the arena, as written
  std::vector<SegmentSlice> slices;
};

bool sum_ok(const uint8_t* p, size_t n, uint32_t initial = 0) { return fold16(ones_complement_sum_simple(p, n, initial)) == 0xFFFF; }

void patched(std::vector<bool>& mask, size_t off, size_t n) {
  for (size_t i = off; i < off + n && i < mask.size(); ++i) mask[i] = true;
}

void mark_ip(std::vector<bool>& mask, const IpLayout& ip) {
  if (ip.version == IpVersion::v4) {
    patched(mask, ip.offset + 2, 2);   // total length
    patched(mask, ip.offset + 4, 2);   // ID
    patched(mask, ip.offset + 10, 2);  // header checksum
  } else {
    patched(mask, ip.offset + 4, 2);   // payload length
  }
}

void check_ip(const uint8_t* seg, const uint8_t* send, const IpLayout& sip, const IpLayout& ip, uint32_t i, uint32_t end,
              const char* level) {
  FUZZ_CHECK(ip.end() == end, "%s IP of segment %u ends at %u, frame at %u", level, i, ip.end(), end);
  if (ip.version == IpVersion::v4) {
    FUZZ_CHECK(sum_ok(seg + ip.offset, ip.header_len), "%s IPv4 header checksum of segment %u", level, i);
    const uint16_t id0 = load_be16(send + sip.offset + 4);
    FUZZ_CHECK(load_be16(seg + ip.offset + 4) == static_cast<uint16_t>(id0 + i), "%s IPv4 ID of segment %u", level, i);
  }
}

void verify(const uint8_t* send, size_t send_len, const NvgreLayout& S, const SegmentPlan& plan, const Output& out) {
  const uint32_t P = S.payload_len, M = plan.mss;
  const uint32_t nseg = P == 0 ? 1 : (P + M - 1) / M;
  FUZZ_CHECK(plan.segments == nseg, "plan says %u segments for %u bytes at MSS %u", plan.segments, P, M);
  FUZZ_CHECK(plan.header_len == S.header_size, "plan header_len %u vs header size %u", plan.header_len, S.header_size);
  const uint8_t tflags = send[S.l4_offset + 13];
  const uint32_t seq0 = load_be32(send + S.l4_offset + 4);
  std::vector<uint8_t> reassembled;
  for (uint32_t i = 0; i < nseg; ++i) {
    const SegmentSlice& sl = out.slices[i];
    FUZZ_CHECK(sl.offset == plan.segment_offset(i) && sl.length == plan.segment_len(i), "segment %u slice", i);
    FUZZ_CHECK(size_t{sl.offset} + sl.length <= out.bytes.size(), "segment %u outside the arena", i);
    const uint8_t* seg = out.bytes.data() + sl.offset;
    const NvgreLayout L = parse_nvgre(seg, sl.length);
    FUZZ_CHECK(L.ok(), "segment %u of %u does not parse: %s", i, nseg, parse_error_name(L.error));
    FUZZ_CHECK(L.header_size == S.header_size && L.payload_len == plan.segment_payload_len(i),
               "segment %u: header %u payload %u", i, L.header_size, L.payload_len);
    // Header bytes: equal to the send's except the rewritten fields.
    std::vector<bool> mask(S.header_size, false);
    mark_ip(mask, S.outer);
    mark_ip(mask, S.inner);
    patched(mask, S.l4_offset + 4, 4);   // sequence
    patched(mask, S.l4_offset + 13, 1);  // flags
    patched(mask, S.l4_offset + 16, 2);  // checksum
    if (S.gre_checksum_present) patched(mask, S.gre_checksum_offset, 2);
    for (uint32_t b = 0; b < S.header_size; ++b)
      FUZZ_CHECK(mask[b] || seg[b] == send[b], "segment %u: header byte %u changed (%02x -> %02x)", i, b, send[b], seg[b]);
    check_ip(seg, send, S.outer, L.outer, i, sl.length, "outer");
    check_ip(seg, send, S.inner, L.inner, i, L.outer.end(), "inner");
    FUZZ_CHECK(L.inner.end() == L.outer.end(), "segment %u: inner and outer IP end differently", i);
    FUZZ_CHECK(load_be32(seg + L.l4_offset + 4) == seq0 + i * M, "segment %u: TCP sequence", i);
    uint8_t f = tflags;
    if (i + 1 < nseg) f &= static_cast<uint8_t>(~0x09);  // FIN, PSH: last segment only
    if (i > 0) f &= static_cast<uint8_t>(~0x80);         // CWR: first segment only
    FUZZ_CHECK(seg[L.l4_offset + 13] == f, "segment %u: TCP flags %02x, want %02x", i, seg[L.l4_offset + 13], f);
    // TCP checksum over the pseudo-header (mobile IPv6 addresses where present).
    const uint32_t l4_len = L.l4_len;
    uint32_t ph;
    if (L.inner.version == IpVersion::v4) {
      ph = pseudo_header_sum_v4(seg + L.inner.src_offset(), seg + L.inner.dst_offset(), kIpProtoTCP, l4_len);
    } else {
      ph = pseudo_header_sum_v6(seg + L.inner.pseudo_src_offset(), seg + L.inner.pseudo_dst_offset(), kIpProtoTCP, l4_len);
    }
    FUZZ_CHECK(sum_ok(seg + L.l4_offset, l4_len, ph), "segment %u: TCP checksum", i);
    if (L.gre_checksum_present)
      FUZZ_CHECK(sum_ok(seg + L.gre_offset, L.outer.end() - L.gre_offset), "segment %u: GRE checksum", i);
    reassembled.insert(reassembled.end(), seg + L.payload_offset, seg + L.payload_offset + L.payload_len);
  }
  FUZZ_CHECK(reassembled.size() == P && (P == 0 || std::memcmp(reassembled.data(), send + S.payload_offset, P) == 0),
             "payloads do not reassemble to the send (%zu of %u bytes)", reassembled.size(), P);
  (void)send_len;
}

// Runs one implementation; returns its error and fills `out` on success.
SegmentError run_impl(const SegmentImpl& impl, const SegmentInput& in, const SegmentPlan& plan, Output& out) {
  const size_t arena_n = plan.ok() ? plan.arena_bytes : 0;
  const size_t nseg = plan.ok() ? plan.segments : 0;
  // Too small by one byte first: refused, nothing written.
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
  fuzz::ExactBuffer slices_buf(nseg * sizeof(SegmentSlice), 0);
  auto* slices = reinterpret_cast<SegmentSlice*>(slices_buf.data());
  for (size_t s = 0; s < nseg; ++s) slices[s] = SegmentSlice{};
  uint32_t count = 0xDEAD;
  const SegmentError e = impl.run(in, SegmentOutput{arena.data(), arena_n, slices, nseg}, &count);
  if (e != SegmentError::ok) {
    FUZZ_CHECK(count == 0xDEAD, "%s: count written on error %s", impl.info.name.c_str(), segment_error_name(e));
    return e;
  }
  FUZZ_CHECK(count == nseg, "%s: %u segments, plan %zu", impl.info.name.c_str(), count, nseg);
  out.bytes.assign(arena.data(), arena.data() + arena_n);
  out.slices.assign(slices, slices + nseg);
  return e;
}

void check_send(const uint8_t* frame_in, size_t frame_len, uint32_t mss, uint32_t max_header) {
  // The send ends at the end of an exact-size heap block.
  fuzz::ExactBuffer frame(frame_len, 0);
  if (frame_len) std::memcpy(frame.data(), frame_in, frame_len);
  ParseOptions lso;
  lso.large_send = true;
  const NvgreLayout layout = parse_nvgre(frame.data(), frame_len, lso);
  SegmentInput in{frame.data(), frame_len, &layout, mss, max_header};
  const SegmentPlan plan = plan_segments(in);
  if (std::getenv("EB_FUZZ_VERBOSE"))
    std::fprintf(stderr, "segment: frame %zu bytes (%s), mss %u, max header %u: %s, %u segments\n", frame_len,
                 parse_error_name(layout.error), mss, max_header, segment_error_name(plan.error), plan.segments);
  if (plan.ok() && plan.segments > 4096) return;  // keep one run short

  const SegmentImpl* ref = nullptr;
  for (const SegmentImpl& s : segment_impls())
    if (s.info.kind == ImplKind::reference) ref = &s;
  FUZZ_CHECK(ref != nullptr, "no reference segment implementation");
  Output want;
  const SegmentError ref_err = run_impl(*ref, in, plan, want);
  FUZZ_CHECK(ref_err == plan.error, "reference returns %s, plan %s", segment_error_name(ref_err), segment_error_name(plan.error));
  if (plan.ok()) verify(frame.data(), frame_len, layout, plan, want);

  for (const SegmentImpl& impl : segment_impls()) {
    if (&impl == ref || !impl.info.supported() || impl.info.kind == ImplKind::peer) continue;
    const char* name = impl.info.name.c_str();
    Output got;
    const SegmentError e = run_impl(impl, in, plan, got);
    FUZZ_CHECK(e == plan.error, "%s returns %s, plan %s", name, segment_error_name(e), segment_error_name(plan.error));
    if (!plan.ok()) continue;
    FUZZ_CHECK(got.bytes == want.bytes, "%s: segments differ from the reference (mss %u, payload %u, %u segments)", name,
               mss, plan.payload_len, plan.segments);
    if (impl.describe) {
      fuzz::ExactBuffer headers(plan.header_bytes, 0);
      fuzz::ExactBuffer entries_buf(plan.segments * sizeof(SgEntry), 0);
      auto* entries = reinterpret_cast<SgEntry*>(entries_buf.data());
      for (uint32_t s = 0; s < plan.segments; ++s) entries[s] = SgEntry{};
      uint32_t count = 0;
      const SegmentError de = impl.run_sg(in, SgOutput{headers.data(), plan.header_bytes, entries, plan.segments}, &count);
      FUZZ_CHECK(de == SegmentError::ok && count == plan.segments, "%s: describe gives %s, %u entries", name,
                 segment_error_name(de), count);
      for (uint32_t s = 0; s < count; ++s)
        FUZZ_CHECK(size_t{entries[s].payload_offset} + entries[s].payload_len <= frame_len &&
                       size_t{entries[s].header_offset} + entries[s].header_len <= plan.header_bytes,
                   "%s: scatter-gather entry %u outside its buffers", name, s);
      fuzz::ExactBuffer arena(plan.arena_bytes, 0);
      if (plan.arena_bytes) std::memset(arena.data(), 0xEE, plan.arena_bytes);
      std::vector<SegmentSlice> sl(plan.segments);
      const SegmentError ge = gather_segments(in, entries, count, headers.data(),
                                              SegmentOutput{arena.data(), plan.arena_bytes, sl.data(), sl.size()});
      FUZZ_CHECK(ge == SegmentError::ok, "%s: gather gives %s", name, segment_error_name(ge));
      FUZZ_CHECK(std::memcmp(arena.data(), want.bytes.data(), plan.arena_bytes) == 0, "%s: gathered segments differ", name);
    }
  }
}

void add_ip6_ext(IpSpec& ip, uint8_t sel) {
  switch (sel % 5) {
    case 0: break;
    case 1: ip.ip6_ext.push_back(Ip6ExtSpec{kIp6HopByHop, 8}); break;
    case 2: {
      Ip6ExtSpec rt;
      rt.type = kIp6Routing;
      rt.len = 24;
      rt.routing_type = 2;
      rt.fill = sel;
      ip.ip6_ext.push_back(rt);
      break;
    }
    case 3: {
      Ip6ExtSpec d;
      d.type = kIp6DestOpts;
      d.len = 24;
      d.home_address_option = true;
      for (int i = 0; i < 16; ++i) d.home_address[i] = static_cast<uint8_t>(sel * 7 + i);
      ip.ip6_ext.push_back(d);
      break;
    }
    default:
      ip.ip6_ext.push_back(Ip6ExtSpec{kIp6DestOpts, 16});
      ip.ip6_ext.push_back(Ip6ExtSpec{kIp6HopByHop, 8});
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Reader rd(data, size);
  const uint8_t mode = rd.u8();
  const uint8_t oo = rd.u8(), io = rd.u8(), to = rd.u8();
  uint32_t mss = rd.u16();
  uint32_t payload_len = rd.u16();
  const uint8_t mh = rd.u8();
  const uint8_t tflags = rd.u8();
  const uint32_t seq = rd.u32();
  const uint32_t ids = rd.u32();
  const uint32_t max_header = mh < 200 ? kDefaultMaxHeaderSize : 64 + (mh - 200) * 4u;
  if (mode & 1) {
    check_send(rd.rest(), rd.remaining(), mss, max_header);
    return 0;
  }
  // Keep a run short: at most ~1024 segments.
  if (mss && payload_len / mss > 1024) mss = payload_len / 1024 + 1;

  NvgreSpec s;
  s.outer.version = (mode & 2) ? IpVersion::v6 : IpVersion::v4;
  s.inner.version = (mode & 4) ? IpVersion::v6 : IpVersion::v4;
  s.outer_vlan = mode & 8;
  s.gre_checksum = mode & 16;
  s.gre_seq = mode & 32;
  s.large_send = mode & 64;
  s.l4_checksum_pseudo_seed = mode & 128;
  s.l4 = L4Proto::tcp;
  if (s.outer.version == IpVersion::v4) s.outer.ipv4_options_len = (oo % 11) * 4;
  else add_ip6_ext(s.outer, oo);
  if (s.inner.version == IpVersion::v4) s.inner.ipv4_options_len = (io % 11) * 4;
  else add_ip6_ext(s.inner, io);
  s.outer.option_style = static_cast<OptionStyle>((oo >> 4) % 3);
  s.inner.option_style = static_cast<OptionStyle>((io >> 4) % 3);
  s.tcp_options_len = (to % 11) * 4;
  s.tcp_flags = tflags;
  s.tcp_seq = seq;
  s.outer.ipv4_id = static_cast<uint16_t>(ids);
  s.inner.ipv4_id = static_cast<uint16_t>(ids >> 16);
  s.vsid = ids & 0xFFFFFF;
  s.flow_id = static_cast<uint8_t>(seq);
  s.gre_seq_number = seq ^ ids;
  for (int i = 0; i < 16; ++i) {
    s.outer.src[i] = static_cast<uint8_t>(ids >> (i % 4) * 8) ^ static_cast<uint8_t>(i);
    s.outer.dst[i] = static_cast<uint8_t>(seq >> (i % 4) * 8) ^ static_cast<uint8_t>(3 * i);
    s.inner.src[i] = static_cast<uint8_t>(i * 17 + mode);
    s.inner.dst[i] = static_cast<uint8_t>(i * 29 + tflags);
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
  check_send(frame.data(), frame.size(), mss, max_header);
  return 0;
}
