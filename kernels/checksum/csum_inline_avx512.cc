// Inline per-packet checksums with AVX-512 (record inline-avx512): csum_inline.inc compiled for
// AVX-512 VNNI, short ranges (below 256 bytes: the L4 segment of most packets, the GRE range of
// small ones) summed in line with one to four zero-masked 64-byte loads instead of the scalar
// loop, so a packet's L4 checksum costs the same few instructions whatever its length up to 256.
// Longer ranges go to sum_avx512 (a direct call).
//
// The sum: bytes outside [p, p+n) load as zero (a masked-out byte is never read, so a range
// ending at an unmapped page is safe); every word is biased by 0x8000 so vpmaddwd's signed
// pair sums are exact, and 32768 per word loaded is added back (the csum_avx512.inc method).
#include "kernels/common/x86_intrinsics.h"

#include <cstring>

#include "kernels/checksum/csum_internal.h"
#include "kernels/checksum/offload.h"
#include "kernels/checksum/onepass.h"
#include "kernels/common/byteorder.h"

// Every function from here to the end is compiled for AVX-512 VNNI (g++: target pragma; clang,
// the hardening build: the same target as a function attribute applied to the region).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2")
#endif

namespace eb::csum {

namespace {

inline __m512i biased_pairs(const uint8_t* p, uint32_t left) {
  const __m512i bias = _mm512_set1_epi16(static_cast<short>(0x8000));
  const __m512i ones = _mm512_set1_epi16(1);
  const __m512i x = _mm512_maskz_loadu_epi8(_bzhi_u64(~0ull, left < 64 ? left : 64), p);
  return _mm512_madd_epi16(_mm512_xor_si512(x, bias), ones);
}

// Native sum of [p, p+n), n < 256.
inline uint64_t short_native_avx512(const uint8_t* p, uint32_t n) {
  __m512i s = biased_pairs(p, n);
  uint64_t words = 32;
  if (n > 64) {
    s = _mm512_add_epi32(s, biased_pairs(p + 64, n - 64));
    words += 32;
    if (n > 128) {
      s = _mm512_add_epi32(s, biased_pairs(p + 128, n - 128));
      words += 32;
      if (n > 192) s = _mm512_add_epi32(s, biased_pairs(p + 192, n - 192)), words += 32;
    }
  }
  const __m256i y = _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
  __m128i x = _mm_add_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4E));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xB1));
  // The exact sum of the biased words plus 32768 per word: non-negative, below 2^24.
  return static_cast<uint64_t>(int64_t{_mm_cvtsi128_si32(x)} + static_cast<int64_t>(words * 32768));
}

#define EB_INLINE_SHORT short_native_avx512
#define EB_INLINE_BELOW 256
#include "kernels/checksum/csum_inline.inc"
#undef EB_INLINE_SHORT
#undef EB_INLINE_BELOW

const ChecksumImpl& avx512_record() {
  static const ChecksumImpl& r = *find_checksum("avx512");
  return r;
}

}  // namespace

constinit const PacketKernels kInlineAvx512Kernels = packet_kernels<sum_avx512, avx512_record>();

}  // namespace eb::csum

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
