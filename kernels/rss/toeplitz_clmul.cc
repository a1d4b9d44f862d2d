// Carry-less multiply formulation (PCLMULQDQ, SSE encoding: any x86-64 with PCLMUL).
//
// Input chunk k (bytes 4k..4k+3) read big-endian has input bit 32k + t at degree 31 - t. The
// table entry r[k] holds key bit 32k + u at degree u (64 key bits, reflected). In the product,
// the pair (t, u) lands at degree 31 - t + u, so every pair with u - t = b (the key window offset
// of hash bit b) lands at degree 31 + b: bits 31..62 of the XOR of all chunk products are the
// hash, bit-reflected. One product per 4 input bytes, one bit reversal per hash.
#include <immintrin.h>

#include "kernels/common/byteorder.h"
#include "kernels/rss/toeplitz_internal.h"

namespace eb::toeplitz_detail {
namespace {

inline uint32_t reverse_bits32(uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  return __builtin_bswap32(x);
}

}  // namespace

uint32_t clmul_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  const uint64_t* r = k.tables.clmul.r;
  // Byte order: each 4-byte chunk reversed into the low half of its own 64-bit lane.
  const __m128i bswap_pair = _mm_setr_epi8(3, 2, 1, 0, -1, -1, -1, -1, 7, 6, 5, 4, -1, -1, -1, -1);
  __m128i acc = _mm_setzero_si128();
  const size_t full = len / 4;
  size_t c = 0;
  for (; c + 2 <= full; c += 2) {
    const __m128i v = _mm_shuffle_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 4 * c)), bswap_pair);
    const __m128i rk = _mm_load_si128(reinterpret_cast<const __m128i*>(r + c));  // c even: aligned
    acc = _mm_xor_si128(acc, _mm_xor_si128(_mm_clmulepi64_si128(v, rk, 0x00), _mm_clmulepi64_si128(v, rk, 0x11)));
  }
  uint64_t last = 0;  // a lone full chunk and/or the partial tail chunk, each with its own r
  if (c < full) {
    const __m128i v = _mm_cvtsi32_si128(static_cast<int>(load_be32(in + 4 * c)));
    acc = _mm_xor_si128(acc, _mm_clmulepi64_si128(v, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(r + c)), 0x00));
    ++c;
  }
  if (const size_t rem = len & 3) {
    const uint8_t* p = in + 4 * c;
    last = uint64_t{p[0]} << 24;
    if (rem > 1) last |= uint64_t{p[1]} << 16;
    if (rem > 2) last |= uint64_t{p[2]} << 8;
    acc = _mm_xor_si128(acc, _mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<long long>(last)),
                                                  _mm_loadl_epi64(reinterpret_cast<const __m128i*>(r + c)), 0x00));
  }
  const uint64_t lo = static_cast<uint64_t>(_mm_cvtsi128_si64(acc));
  return reverse_bits32(static_cast<uint32_t>(lo >> 31));
}

}  // namespace eb::toeplitz_detail
