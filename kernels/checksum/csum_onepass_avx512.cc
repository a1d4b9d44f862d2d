// Hand-tuned AVX-512 one-pass packet checksums (see onepass.h for the method and its scope).
//
// The region is at most four zmm registers, loaded with zero-masked byte loads (no byte past the
// outer IP packet is read, so a frame ending at an unmapped page is safe), and a second time two
// bytes further on: in the frame's own view the inner IP header, the pseudo-header addresses and
// the L4 range start on a 4-byte boundary, in the shifted view the outer IP header and GRE do
// (Ethernet is 14 or 18 bytes). So every checksum is one zero-masked vpmaddwd per register on
// whole dword lanes, the mask built with two BZHI per range (the L4 mask is the OR of the
// pseudo-header's and the segment's). Words are biased by 0x8000 so the signed multiply-add is
// exact; each covered lane adds 65536 back (vpmaddwd per register, not a vpdpwssd
// chain: see lane_sums). The four sums are reduced together (one hadd tree),
// folded in one xmm, and fill and verify work on native words throughout: a checksum field is
// stored as the native word it was loaded as, so no byte swaps are needed but for the constants
// (pseudo-header protocol/length, payload past the region). Only as many registers as the region
// needs are touched (a template per register count).
#include "kernels/common/x86_intrinsics.h"

#include <cstring>

#include "kernels/checksum/onepass.h"

namespace eb::csum {

namespace {

#define EB_T __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2,popcnt")))
#define EB_INLINE inline __attribute__((always_inline))

// Lanes [b, e) of the 64-lane region. BZHI keeps every bit for an index of 64 or more (the
// index is at most 65 here).
EB_T EB_INLINE uint64_t lane_mask(uint32_t b, uint32_t e) { return _bzhi_u64(~0ull, e) & ~_bzhi_u64(~0ull, b); }

EB_T EB_INLINE __m256i fold256(__m512i a) {
  return _mm256_add_epi32(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
}

// The four sums as dword-lane masks (OnePassLanes): outer IPv4 and GRE in the shifted view,
// inner IPv4 and L4 (a union of two ranges is the OR of their masks) in the frame's own view.
struct Masks {
  uint64_t outer_ip = 0, inner_ip = 0, l4 = 0, gre = 0;
};

EB_T EB_INLINE Masks masks_of(const OnePassLanes& q) {
  Masks m;
  m.outer_ip = lane_mask(q.outer_b, q.outer_e);
  m.inner_ip = lane_mask(q.inner_b, q.inner_e);
  m.l4 = lane_mask(q.pseudo_b, q.pseudo_e) | lane_mask(q.l4_b, q.l4_e);
  m.gre = lane_mask(q.gre_b, q.gre_e);
  return m;
}

// Exact sums of the biased native words of each mask's lanes, as int32 lanes [outer, inner, l4, gre].
// Latency matters more than throughput here (a packet is a few hundred instructions, so only one
// or two are in flight): every register's products are independent zero-masked vpmaddwd, added
// in a tree, rather than one vpdpwssd chain per sum.
template <int N>
EB_T EB_INLINE __m256i tree(__m512i* p) {
  if constexpr (N >= 2) p[0] = _mm512_add_epi32(p[0], p[1]);
  if constexpr (N >= 4) p[2] = _mm512_add_epi32(p[2], p[3]);
  if constexpr (N >= 3) p[0] = _mm512_add_epi32(p[0], p[2]);
  return fold256(p[0]);
}

// Registers that lie wholly inside the region get plain loads, the rest zero-masked ones
// (`plain` is a compile-time constant once the loop is unrolled): in the frame's view every
// register but the last, in the shifted view every one but the last two (two bytes further on,
// the last but one may end past the region).
EB_T EB_INLINE __m512i load_view(bool plain, const uint8_t* p, uint32_t left) {
  if (plain) return _mm512_loadu_si512(p);
  return _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, left < 64 ? left : 64), p);
}

// kShifted: the outer IPv4 or GRE sum is wanted (else the shifted view is not loaded at all).
template <int N, bool kShifted>
EB_T EB_INLINE __m128i lane_sums(const uint8_t* frame, uint32_t region, const Masks& m) {
  const __m512i bias = _mm512_set1_epi16(static_cast<short>(0x8000));
  const __m512i ones = _mm512_set1_epi16(1);
  __m512i p_out[N], p_in[N], p_l4[N], p_gre[N];
#pragma GCC unroll 4
  for (int k = 0; k < N; ++k) {
    const uint32_t left = region - 64u * k;  // > 0 for k < N
    const unsigned sh = 16u * k;
    const __m512i v = _mm512_xor_si512(load_view(k < N - 1, frame + 64 * k, left), bias);
    p_in[k] = _mm512_maskz_madd_epi16(static_cast<__mmask16>(m.inner_ip >> sh), v, ones);
    p_l4[k] = _mm512_maskz_madd_epi16(static_cast<__mmask16>(m.l4 >> sh), v, ones);
    if constexpr (kShifted) {
      const __m512i w = _mm512_xor_si512(load_view(k < N - 2, frame + 2 + 64 * k, left > 2 ? left - 2 : 0), bias);
      p_out[k] = _mm512_maskz_madd_epi16(static_cast<__mmask16>(m.outer_ip >> sh), w, ones);
      p_gre[k] = _mm512_maskz_madd_epi16(static_cast<__mmask16>(m.gre >> sh), w, ones);
    } else {
      p_out[k] = p_gre[k] = _mm512_setzero_si512();
    }
  }
  const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(tree<N>(p_out), tree<N>(p_in)),
                                      _mm256_hadd_epi32(tree<N>(p_l4), tree<N>(p_gre)));
  return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

template <bool kShifted>
EB_T EB_INLINE __m128i region_lane_sums_of(const uint8_t* frame, uint32_t region, const Masks& m) {
  switch ((region + 63) / 64) {
    case 1: return lane_sums<1, kShifted>(frame, region, m);
    case 2: return lane_sums<2, kShifted>(frame, region, m);
    case 3: return lane_sums<3, kShifted>(frame, region, m);
    default: return lane_sums<4, kShifted>(frame, region, m);
  }
}

EB_T EB_INLINE __m128i region_lane_sums(const uint8_t* frame, uint32_t region, const Masks& m) {
  return (m.outer_ip | m.gre) ? region_lane_sums_of<true>(frame, region, m) : region_lane_sums_of<false>(frame, region, m);
}

// Native sums folded to 16 bits, lanes [outer, inner, l4, gre]: the biased lane sums plus 65536
// per lane a mask covered, plus `extra` (native values added to each sum).
EB_T EB_INLINE __m128i folded(const uint8_t* frame, const OnePassPlan& p, const Masks& m, const uint32_t extra[4]) {
  const __m128i s = region_lane_sums(frame, p.region, m);
  auto corr = [](uint64_t mask) { return static_cast<int>(uint32_t(_mm_popcnt_u64(mask)) << 16); };
  const __m128i c = _mm_setr_epi32(corr(m.outer_ip) + static_cast<int>(extra[0]), corr(m.inner_ip) + static_cast<int>(extra[1]),
                                   corr(m.l4) + static_cast<int>(extra[2]), corr(m.gre) + static_cast<int>(extra[3]));
  __m128i x = _mm_add_epi32(s, c);  // exact, non-negative, below 2^25
  const __m128i lo16 = _mm_set1_epi32(0xFFFF);
  x = _mm_add_epi32(_mm_and_si128(x, lo16), _mm_srli_epi32(x, 16));
  return _mm_add_epi32(_mm_and_si128(x, lo16), _mm_srli_epi32(x, 16));
}

#undef EB_T
#undef EB_INLINE

// The per-header path these kernels defer to: the same AVX-512 sum kernel.
const ChecksumImpl& per_header() {
  static const ChecksumImpl& r = *find_checksum("avx512");
  return r;
}

}  // namespace

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2,popcnt")))
uint8_t fill_onepass_avx512(uint8_t* frame, const NvgreLayout& L) {
  OnePassPlan p;
  OnePassLanes q;
  if (!onepass_plan(L, p) || !onepass_lanes(L, p, q)) return checksum_fill(frame, L, per_header());
  uint32_t extra[kSumCount];
  onepass_outside(frame, L, p, sum_avx512, extra);
  onepass_fill_extra(frame, L, extra);
  alignas(16) uint32_t t[kSumCount];
  _mm_store_si128(reinterpret_cast<__m128i*>(t), folded(frame, p, masks_of(q), extra));
  return onepass_store(frame, L, t);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2,popcnt")))
VerifyResult verify_onepass_avx512(const uint8_t* frame, const NvgreLayout& L) {
  OnePassPlan p;
  OnePassLanes q;
  VerifyResult r;
  if (onepass_plan(L, p) && onepass_lanes(L, p, q) && !onepass_udp_zero(frame, L)) {
    uint32_t extra[kSumCount];
    onepass_outside(frame, L, p, sum_avx512, extra);
    const __mmask8 good = _mm_cmpeq_epi32_mask(folded(frame, p, masks_of(q), extra), _mm_set1_epi32(0xFFFF));
    if (onepass_all_good(L, good, r)) return r;
  }
  return checksum_verify(frame, L, per_header());
}

}  // namespace eb::csum
