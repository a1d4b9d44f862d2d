// Hand-tuned AVX2 ones-complement sum: the AVX-512 method (csum_avx512.inc) on 32-byte vectors,
// vpmaddwd + vpaddd after the 0x8000 bias. AVX2 has no byte-masked load, so the last < 32 bytes
// go through the scalar path (they start at an even offset, so native sums simply add).
#include "kernels/common/x86_intrinsics.h"

#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

namespace {

constexpr size_t kAvx2ScalarBelow = 64;

#define EB_T __attribute__((target("avx2,bmi,bmi2")))

EB_T inline __m256i step(__m256i acc, __m256i x) {
  const __m256i v = _mm256_xor_si256(x, _mm256_set1_epi16(static_cast<short>(0x8000)));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(v, _mm256_set1_epi16(1)));
}

template <bool kCopy>
EB_T inline __m256i load_copy(uint8_t* dst, const uint8_t* p) {
  __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  if constexpr (kCopy) _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), x);
  return x;
}

EB_T inline int32_t hsum(__m256i a) {
  __m128i x = _mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4E));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xB1));
  return _mm_cvtsi128_si32(x);
}

// Exact native sum; each 32-byte vector adds at most 2^19 in magnitude, so 64 KiB blocks
// (2048 vectors) reduce in 32-bit arithmetic.
template <bool kCopy>
EB_T uint64_t native_sum(uint8_t* dst, const uint8_t* p, size_t n) {
  constexpr size_t kBlock = 64 * 1024;
  int64_t total = 0;
  uint64_t vectors = 0;
  while (n >= 32) {
    const size_t chunk = (n < kBlock ? n : kBlock) & ~size_t{31};
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    const uint8_t* end = p + (chunk & ~size_t{127});
    for (; p != end; p += 128) {
      a0 = step(a0, load_copy<kCopy>(dst, p));
      a1 = step(a1, load_copy<kCopy>(dst + 32, p + 32));
      a2 = step(a2, load_copy<kCopy>(dst + 64, p + 64));
      a3 = step(a3, load_copy<kCopy>(dst + 96, p + 96));
      if constexpr (kCopy) dst += 128;
    }
    const size_t r = chunk & 127;
    if (r >= 32) {
      a0 = step(a0, load_copy<kCopy>(dst, p));
      if (r >= 64) {
        a1 = step(a1, load_copy<kCopy>(dst + 32, p + 32));
        if (r >= 96) a2 = step(a2, load_copy<kCopy>(dst + 64, p + 64));
      }
      p += r;
      if constexpr (kCopy) dst += r;
    }
    vectors += chunk / 32;
    total += hsum(_mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3)));
    n -= chunk;
  }
  uint64_t s = static_cast<uint64_t>(total + static_cast<int64_t>(vectors * 16 * 32768));
  if constexpr (kCopy) std::memcpy(dst, p, n);
  return native_sum_scalar(p, n, s);
}

#undef EB_T

}  // namespace

__attribute__((target("avx2,bmi,bmi2"))) uint32_t sum_avx2(const uint8_t* p, size_t n, uint32_t initial) {
  if (n < kAvx2ScalarBelow) return to_partial(native_sum_scalar(p, n), initial);
  return to_partial(native_sum<false>(const_cast<uint8_t*>(p), p, n), initial);
}
__attribute__((target("avx2,bmi,bmi2"))) uint32_t copy_sum_avx2(uint8_t* dst, const uint8_t* src, size_t n,
                                                               uint32_t initial) {
  return to_partial(native_sum<true>(dst, src, n), initial);
}

}  // namespace eb::csum
