// One-pass packet checksums: what the AVX-512 and Highway one-pass kernels share.
//
// A packet whose headers end within the first kOnePassRegion bytes (the NDIS MaxHeaderSize
// default) is loaded once into vector registers; every checksum of the packet is then a sum of
// one byte range of that region, selected by a per-word mask built from the parse's offsets:
//
//   outer IPv4 header, inner IPv4 header, the inner pseudo-header's addresses, inner TCP/UDP
//   (header and the payload inside the region), GRE (GRE header to the end of the region)
//
// Bytes past the region (the payload of a large packet) are summed once by the bulk kernel and
// shared by the L4 and GRE checksums. Every range starts at an even frame offset (Ethernet 14/18,
// IPv4 IHL*4, IPv6 40+8n, GRE 4n), so every range's sum is a sum of the same frame-aligned
// native words, and ranges combine by plain ones-complement addition.
//
// The kernels cover exactly the shapes where this is provably the per-header path's result
// (onepass_plan); everything else, and every receive result that is not all-good, is handed to
// the per-header path (offload.cc), so statuses other than good keep that path's semantics.
#pragma once
#include <cstdint>

#include "kernels/checksum/csum_internal.h"
#include "kernels/checksum/offload.h"
#include "kernels/common/byteorder.h"

namespace eb::csum {

constexpr uint32_t kOnePassRegion = 256;

enum OnePassRange : int { kRangeOuterIp = 0, kRangeInnerIp, kRangePseudo, kRangeL4, kRangeGre, kRangeCount };

struct OnePassPlan {
  uint32_t region = 0;                      // bytes [0, region) are loaded (never past the outer IP end)
  uint32_t begin[kRangeCount] = {}, end[kRangeCount] = {};  // byte ranges in the region; empty: begin == end
  uint32_t l4_end = 0, outer_end = 0;
};

// False for a shape the one-pass kernels do not cover: not parsed, no TCP/UDP, headers longer
// than the region, IPv6 pseudo-header addresses taken from extension headers, or an odd L4 end
// followed by more bytes inside the region (its last word would take a byte it does not own).
inline bool onepass_plan(const NvgreLayout& L, OnePassPlan& p) {
  if (!L.ok() || (L.l4 != L4Proto::tcp && L.l4 != L4Proto::udp) || L.header_size > kOnePassRegion) return false;
  const IpLayout& in = L.inner;
  const IpLayout& out = L.outer;
  if (in.version == IpVersion::v6 && (in.ip6_home_addr_offset | in.ip6_rt2_addr_offset)) return false;
  p.outer_end = out.end();
  p.l4_end = L.l4_offset + L.l4_len;
  if (p.l4_end > p.outer_end || in.end() > p.outer_end) return false;
  p.region = p.outer_end < kOnePassRegion ? p.outer_end : kOnePassRegion;
  if ((p.l4_end & 1) && p.l4_end < p.region) return false;
  if ((out.offset | in.offset | L.gre_offset | L.l4_offset) & 1) return false;
  auto set = [&](int r, uint32_t b, uint32_t e) { p.begin[r] = b, p.end[r] = e; };
  if (out.version == IpVersion::v4) set(kRangeOuterIp, out.offset, out.offset + out.header_len);
  if (in.version == IpVersion::v4) {
    set(kRangeInnerIp, in.offset, in.offset + in.header_len);
    set(kRangePseudo, in.offset + 12, in.offset + 20);  // source and destination, adjacent
  } else {
    set(kRangePseudo, in.offset + 8, in.offset + 40);
  }
  set(kRangeL4, L.l4_offset, p.l4_end < p.region ? p.l4_end : p.region);
  if (L.gre_checksum_present) set(kRangeGre, L.gre_offset, p.region);
  return true;
}

// The packet's partial sums (ones_complement.h convention), fields as they are in the frame.
struct OnePassSums {
  uint32_t outer_ip = 0, inner_ip = 0, l4 = 0, gre = 0;
};

// native[r]: the exact sum of the native (little-endian) 16-bit words of range r, a trailing odd
// byte padded with zero. `bulk` sums bytes past the region (a registry sum kernel).
inline OnePassSums onepass_combine(const uint8_t* frame, const NvgreLayout& L, const OnePassPlan& p,
                                   const uint64_t native[kRangeCount], SumFn bulk) {
  OnePassSums s;
  s.outer_ip = to_partial(native[kRangeOuterIp], 0);
  s.inner_ip = to_partial(native[kRangeInnerIp], 0);
  const uint32_t proto = L.l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP;
  const uint32_t tail = p.l4_end > kOnePassRegion ? bulk(frame + kOnePassRegion, p.l4_end - kOnePassRegion, 0) : 0;
  s.l4 = csum_add(to_partial(native[kRangeL4] + native[kRangePseudo], proto + (L.l4_len & 0xFFFF) + (L.l4_len >> 16)),
                  tail);
  if (L.gre_checksum_present) {
    uint32_t gre_tail = tail;
    if (p.outer_end != p.l4_end)
      gre_tail = p.outer_end > kOnePassRegion ? bulk(frame + kOnePassRegion, p.outer_end - kOnePassRegion, 0) : 0;
    s.gre = csum_add(to_partial(native[kRangeGre], 0), gre_tail);
  }
  return s;
}

// Ones-complement subtraction of a field's old value (offload.cc: fill sums with the old field
// in place and takes it out, rather than storing into a range before loading it).
inline uint32_t onepass_without(uint32_t sum, uint16_t old_field) {
  return csum_add(sum, static_cast<uint16_t>(~old_field));
}

// Transmit: writes every field from sums taken over the frame as it was, in the per-header
// path's order and with its rules (UDP 0 is sent as 0xFFFF; GRE sees the new inner fields).
inline uint8_t onepass_store(uint8_t* frame, const NvgreLayout& L, const OnePassSums& s) {
  uint8_t* l4_field = frame + L.l4_checksum_offset();
  const uint16_t old_l4 = load_be16(l4_field);
  uint16_t c_l4 = csum_finish(onepass_without(s.l4, old_l4));
  if (L.l4 == L4Proto::udp && c_l4 == 0) c_l4 = 0xFFFF;
  uint8_t written = kCsumL4;
  uint32_t gre = 0;
  uint8_t* gre_field = frame + L.gre_offset + 4;
  if (L.gre_checksum_present)
    gre = csum_add(onepass_without(onepass_without(s.gre, load_be16(gre_field)), old_l4), c_l4);
  store_be16(l4_field, c_l4);
  if (L.inner.version == IpVersion::v4) {
    uint8_t* f = frame + L.inner.offset + 10;
    const uint16_t old_ip = load_be16(f);
    const uint16_t c = csum_finish(onepass_without(s.inner_ip, old_ip));
    if (L.gre_checksum_present) gre = csum_add(onepass_without(gre, old_ip), c);
    store_be16(f, c);
    written |= kCsumInnerIp;
  }
  if (L.outer.version == IpVersion::v4) {
    uint8_t* f = frame + L.outer.offset + 10;
    store_be16(f, csum_finish(onepass_without(s.outer_ip, load_be16(f))));
    written |= kCsumOuterIp;
  }
  if (L.gre_checksum_present) {
    store_be16(gre_field, csum_finish(gre));
    written |= kCsumGre;
  }
  return written;
}

// Receive: true and `r` filled when every applicable checksum is good; false otherwise (a bad or
// absent checksum is reported by the per-header path, with its exact statuses).
inline bool onepass_all_good(const uint8_t* frame, const NvgreLayout& L, const OnePassSums& s, VerifyResult& r) {
  auto good = [](uint32_t x) { return fold16(x) == 0xFFFF; };
  bool ok = good(s.l4) && !(L.l4 == L4Proto::udp && load_be16(frame + L.l4_checksum_offset()) == 0);
  r.l4 = CsumStatus::good;
  if (L.outer.version == IpVersion::v4) ok &= good(s.outer_ip), r.outer_ip = CsumStatus::good;
  if (L.inner.version == IpVersion::v4) ok &= good(s.inner_ip), r.inner_ip = CsumStatus::good;
  if (L.gre_checksum_present) ok &= good(s.gre), r.gre = CsumStatus::good;
  return ok;
}

// ---- Entry points (registry records onepass-avx512 and onepass-hwy) ------------------------
uint8_t fill_onepass_avx512(uint8_t* frame, const NvgreLayout& L);
VerifyResult verify_onepass_avx512(const uint8_t* frame, const NvgreLayout& L);
uint8_t fill_onepass_hwy(uint8_t* frame, const NvgreLayout& L);
VerifyResult verify_onepass_hwy(const uint8_t* frame, const NvgreLayout& L);

}  // namespace eb::csum
