// The read-only pass on x86: every byte loaded once, combined with XOR (the cheapest operation that
// keeps each load live). Two loads per ALU operation where the ISA allows (vpternlogd), so the
// loop is bound by the load ports, not by arithmetic: this is the ceiling for a one-pass kernel.
// ISA levels are raised per function with target attributes; the baseline TU flags stay generic.
#include "kernels/common/x86_intrinsics.h"

#include <cstring>

#include "kernels/limit/limit.h"

namespace eb::limit_detail {


uint64_t read_sse(uint8_t*, const uint8_t* p, size_t n) {
  __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
  for (; n >= 64; n -= 64, p += 64) {
    a0 = _mm_xor_si128(a0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    a1 = _mm_xor_si128(a1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)));
    a2 = _mm_xor_si128(a2, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)));
    a3 = _mm_xor_si128(a3, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48)));
  }
  for (; n >= 16; n -= 16, p += 16) a0 = _mm_xor_si128(a0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  __m128i a = _mm_xor_si128(_mm_xor_si128(a0, a1), _mm_xor_si128(a2, a3));
  uint64_t r = static_cast<uint64_t>(_mm_cvtsi128_si64(a)) ^ static_cast<uint64_t>(_mm_extract_epi64(a, 1));
  return r ^ xor_tail_u64(p, n);
}

__attribute__((target("avx2"))) uint64_t read_avx2(uint8_t*, const uint8_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (; n >= 128; n -= 128, p += 128) {
    a0 = _mm256_xor_si256(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    a1 = _mm256_xor_si256(a1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)));
    a2 = _mm256_xor_si256(a2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64)));
    a3 = _mm256_xor_si256(a3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 96)));
  }
  for (; n >= 32; n -= 32, p += 32) a0 = _mm256_xor_si256(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  __m256i a = _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3));
  __m128i h = _mm_xor_si128(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  if (n >= 16) {
    h = _mm_xor_si128(h, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    p += 16, n -= 16;
  }
  uint64_t r = static_cast<uint64_t>(_mm_cvtsi128_si64(h)) ^ static_cast<uint64_t>(_mm_extract_epi64(h, 1));
  return r ^ xor_tail_u64(p, n);
}

// 512 bytes per iteration: four accumulators, each vpternlogd XORs two fresh 64-byte loads
// into it (one ALU op per two loads). The tail is one masked load (no byte past the end).
__attribute__((target("avx512f,avx512bw,bmi2"))) uint64_t read_avx512(uint8_t*, const uint8_t* p, size_t n) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  for (; n >= 512; n -= 512, p += 512) {
    a0 = _mm512_ternarylogic_epi32(a0, _mm512_loadu_si512(p), _mm512_loadu_si512(p + 64), 0x96);
    a1 = _mm512_ternarylogic_epi32(a1, _mm512_loadu_si512(p + 128), _mm512_loadu_si512(p + 192), 0x96);
    a2 = _mm512_ternarylogic_epi32(a2, _mm512_loadu_si512(p + 256), _mm512_loadu_si512(p + 320), 0x96);
    a3 = _mm512_ternarylogic_epi32(a3, _mm512_loadu_si512(p + 384), _mm512_loadu_si512(p + 448), 0x96);
  }
  for (; n >= 128; n -= 128, p += 128)
    a0 = _mm512_ternarylogic_epi32(a0, _mm512_loadu_si512(p), _mm512_loadu_si512(p + 64), 0x96);
  if (n >= 64) {
    a1 = _mm512_xor_si512(a1, _mm512_loadu_si512(p));
    p += 64, n -= 64;
  }
  if (n) a2 = _mm512_xor_si512(a2, _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, static_cast<unsigned>(n)), p));
  __m512i a = _mm512_ternarylogic_epi32(a0, a1, _mm512_xor_si512(a2, a3), 0x96);
  a = _mm512_xor_si512(a, _mm512_shuffle_i64x2(a, a, 0x4E));  // (extracti64x4 warns under g++ 12)
  const __m256i y = _mm512_castsi512_si256(a);
  __m128i h = _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(h)) ^ static_cast<uint64_t>(_mm_extract_epi64(h, 1));
}

}  // namespace eb::limit_detail
