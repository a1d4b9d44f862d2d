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
// shared by the L4 and GRE checksums. The sums are taken over whole dword lanes of two views of
// the region (OnePassLanes) in native words, exactly (never the ones-complement "-0" of an
// empty sum), so every field folds to the per-header path's value.
//
// The kernels cover exactly the shapes where this is provably the per-header path's result
// (onepass_plan); everything else, and every receive result that is not all-good, is handed to
// the per-header path (offload.cc), so statuses other than good keep that path's semantics.
#pragma once
#include <cstdint>
#include <cstring>

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

// ---- Dword lanes and native words (what both kernels compute on) --------------------------
// In the frame's own view the inner IP header, the pseudo-header addresses and the L4 range start
// on 4-byte boundaries; in the view two bytes further on (frame + 2) the outer IP header and GRE
// do (Ethernet is 14 or 18 bytes). So each checksum is a sum over whole dword lanes of one view,
// and the L4 checksum over two lane ranges (pseudo-header addresses and the L4 segment).
enum OnePassSum : int { kSumOuterIp = 0, kSumInnerIp, kSumL4, kSumGre, kSumCount };

struct OnePassLanes {
  // Lanes [b, e) (dword index in its view); empty: b == e. l4 has two ranges (pseudo, segment).
  uint32_t outer_b = 0, outer_e = 0, inner_b = 0, inner_e = 0, pseudo_b = 0, pseudo_e = 0, l4_b = 0, l4_e = 0,
           gre_b = 0, gre_e = 0;
};

// Extends onepass_plan with the dword alignment; false: defer. The views are zero past the
// region, so a range ending at the region's end may round up to a whole lane.
inline bool onepass_lanes(const NvgreLayout& L, const OnePassPlan& p, OnePassLanes& q) {
  const uint32_t l4_end = p.end[kRangeL4];
  if (l4_end < p.region && (l4_end & 3)) return false;
  if (((L.outer.offset + 2) | (L.gre_offset + 2) | L.inner.offset | L.l4_offset) & 3) return false;
  auto lanes = [](uint32_t b, uint32_t e, int shift, uint32_t& lb, uint32_t& le) {
    if (e > b) lb = (b - shift) >> 2, le = (e - shift + 3) >> 2;
  };
  lanes(p.begin[kRangeOuterIp], p.end[kRangeOuterIp], 2, q.outer_b, q.outer_e);
  lanes(p.begin[kRangeGre], p.end[kRangeGre], 2, q.gre_b, q.gre_e);
  lanes(p.begin[kRangeInnerIp], p.end[kRangeInnerIp], 0, q.inner_b, q.inner_e);
  lanes(p.begin[kRangePseudo], p.end[kRangePseudo], 0, q.pseudo_b, q.pseudo_e);
  lanes(p.begin[kRangeL4], l4_end, 0, q.l4_b, q.l4_e);
  return true;
}

inline uint16_t ld_native16(const uint8_t* p) { return load_native<uint16_t>(p); }
inline void st_native16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
// Native ones-complement subtraction of a field (adding its complement).
inline uint32_t not16(uint16_t v) { return static_cast<uint16_t>(~v); }

// What the L4 and GRE sums take from outside the region, as native values: the pseudo-header's
// protocol and length, and the payload past the region (summed once by `bulk`, a registry sum
// kernel, for both).
inline void onepass_outside(const uint8_t* frame, const NvgreLayout& L, const OnePassPlan& p, SumFn bulk,
                            uint32_t extra[kSumCount]) {
  const uint32_t proto = L.l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP;
  const uint32_t tail = p.l4_end > kOnePassRegion ? bulk(frame + kOnePassRegion, p.l4_end - kOnePassRegion, 0) : 0;
  extra[kSumOuterIp] = extra[kSumInnerIp] = 0;
  extra[kSumL4] = bswap16(fold16(csum_add(tail, proto + (L.l4_len & 0xFFFF) + (L.l4_len >> 16))));
  extra[kSumGre] = 0;
  if (L.gre_checksum_present) {
    uint32_t gre_tail = tail;
    if (p.outer_end != p.l4_end)
      gre_tail = p.outer_end > kOnePassRegion ? bulk(frame + kOnePassRegion, p.outer_end - kOnePassRegion, 0) : 0;
    extra[kSumGre] = bswap16(fold16(gre_tail));
  }
}

// Transmit, first half: fill sums each range with its old field in place and takes the field out
// (offload.cc: no store into a range before loading it), so the old fields join `extra`.
inline void onepass_fill_extra(const uint8_t* frame, const NvgreLayout& L, uint32_t extra[kSumCount]) {
  if (L.outer.version == IpVersion::v4) extra[kSumOuterIp] += not16(ld_native16(frame + L.outer.offset + 10));
  if (L.inner.version == IpVersion::v4) extra[kSumInnerIp] += not16(ld_native16(frame + L.inner.offset + 10));
  extra[kSumL4] += not16(ld_native16(frame + L.l4_checksum_offset()));
  if (L.gre_checksum_present) extra[kSumGre] += not16(ld_native16(frame + L.gre_offset + 4));
}

// Transmit, second half: t[] are the four native sums (with `extra`) folded to 16 bits. Writes
// every field in the per-header path's order and with its rules (UDP 0 is sent as 0xFFFF; GRE
// sees the new inner fields). A field is stored as the native word it was loaded as.
inline uint8_t onepass_store(uint8_t* frame, const NvgreLayout& L, const uint32_t t[kSumCount]) {
  uint8_t* f_l4 = frame + L.l4_checksum_offset();
  uint8_t* f_in = frame + L.inner.offset + 10;
  const bool in4 = L.inner.version == IpVersion::v4;
  const uint16_t old_l4 = ld_native16(f_l4), old_in = in4 ? ld_native16(f_in) : 0;
  uint16_t c_l4 = static_cast<uint16_t>(~t[kSumL4]);
  if (L.l4 == L4Proto::udp && c_l4 == 0) c_l4 = 0xFFFF;  // RFC 768: 0 would mean "no checksum"
  const uint16_t c_in = static_cast<uint16_t>(~t[kSumInnerIp]);
  uint8_t written = kCsumL4;
  st_native16(f_l4, c_l4);
  if (in4) st_native16(f_in, c_in), written |= kCsumInnerIp;
  if (L.outer.version == IpVersion::v4)
    st_native16(frame + L.outer.offset + 10, static_cast<uint16_t>(~t[kSumOuterIp])), written |= kCsumOuterIp;
  if (L.gre_checksum_present) {
    // GRE covers the new inner fields: replace the old ones in its sum.
    uint32_t g = t[kSumGre] + not16(old_l4) + c_l4;
    if (in4) g += not16(old_in) + c_in;
    st_native16(frame + L.gre_offset + 4, static_cast<uint16_t>(~fold16(g)));
    written |= kCsumGre;
  }
  return written;
}

// Receive: UDP with a zero field is the per-header path's to report (absent or bad).
inline bool onepass_udp_zero(const uint8_t* frame, const NvgreLayout& L) {
  return L.l4 == L4Proto::udp && ld_native16(frame + L.l4_checksum_offset()) == 0;
}
// Receive: `good` has bit r set when folded sum r is 0xFFFF. True, with `r` filled, when every
// applicable checksum is good; false sends the packet to the per-header path.
inline bool onepass_all_good(const NvgreLayout& L, unsigned good, VerifyResult& r) {
  const bool out4 = L.outer.version == IpVersion::v4, in4 = L.inner.version == IpVersion::v4;
  const unsigned need = (out4 ? 1u : 0u) | (in4 ? 2u : 0u) | 4u | (L.gre_checksum_present ? 8u : 0u);
  if ((good & need) != need) return false;
  r.l4 = CsumStatus::good;
  if (out4) r.outer_ip = CsumStatus::good;
  if (in4) r.inner_ip = CsumStatus::good;
  if (L.gre_checksum_present) r.gre = CsumStatus::good;
  return true;
}

// ---- Entry points of the per-packet records ----------------------------------------------
// A per-packet record's hooks (ChecksumImpl::fill_packet, verify_packet, fill_batch,
// verify_batch) as one value; the batch hooks may be null (a loop of the per-packet ones).
struct PacketKernels {
  uint8_t (*fill)(uint8_t* frame, const NvgreLayout& L) = nullptr;
  VerifyResult (*verify)(const uint8_t* frame, const NvgreLayout& L) = nullptr;
  size_t (*fill_batch)(Corpus& corpus) = nullptr;
  size_t (*verify_batch)(const Corpus& corpus, VerifyResult* out) = nullptr;
};

// Inline per-packet kernels (csum_inline.inc): records inline-avx512 (csum_inline_avx512.cc)
// and inline (csum_inline.cc), whose bulk sum is sum_best: best_per_header()'s sum.
extern const PacketKernels kInlineAvx512Kernels;
extern const PacketKernels kInlinePortableKernels;
uint32_t sum_best(const uint8_t* p, size_t n, uint32_t initial);

// One-pass kernels: records onepass-avx512 and onepass-hwy.
uint8_t fill_onepass_avx512(uint8_t* frame, const NvgreLayout& L);
VerifyResult verify_onepass_avx512(const uint8_t* frame, const NvgreLayout& L);
uint8_t fill_onepass_hwy(uint8_t* frame, const NvgreLayout& L);
VerifyResult verify_onepass_hwy(const uint8_t* frame, const NvgreLayout& L);

}  // namespace eb::csum
