// The checksum family's aligned-load AVX-512 sum (record `avx512-aligned`), header-only so the
// segment family can inline it into its zero-copy loops (kernels/segment/segment_avx512.cc).
//
// Why aligned loads: a range that starts wherever k*MSS lands (a segment payload) splits nearly
// every 64-byte load of a kernel that loads from the range start across two cache lines. Here
// every load is of an aligned 64-byte block, masked at both ends of the range (masked-out bytes
// are neither read nor faulted on; an aligned block never crosses a page), so each byte is loaded
// once and no load is split. Measured on the 64 KiB / MSS 1418 send: 47 such sums take about the
// time of one unaligned read-only pass over the payload (bench_segment, segment/zerocopy-avx512).
//
// Words are summed as they sit at even addresses; a range starting at an odd address has its
// words in the other byte lanes, so its folded sum is byte-swapped (RFC 1071 §2(B)).
//
// Method (as the `avx512` record, csum_avx512.inc): XOR each 16-bit word with 0x8000 and
// vpdpwssd it with ones into 32-bit lanes (the exact sum of v - 32768); add back 32768 per word
// at the end. Masked-out bytes load as 0, counted as words of value 0 like any other.
// x86-64 only; callers carry EB_CSUM_ALIGNED_T (or a superset) and check the record's
// required features (kCsumAlignedAvx512Cpu, csum_internal.h).
#pragma once
#include "kernels/common/x86_intrinsics.h"

#include <cstddef>
#include <cstdint>

#include "kernels/common/byteorder.h"
#include "kernels/common/ones_complement.h"

#define EB_CSUM_ALIGNED_T __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2")))

namespace eb::csum::aligned {

EB_CSUM_ALIGNED_T inline __m512i step(__m512i acc, __m512i x) {
  const __m512i bias = _mm512_set1_epi16(static_cast<short>(0x8000));
  return _mm512_dpwssd_epi32(acc, _mm512_xor_si512(x, bias), _mm512_set1_epi16(1));
}

EB_CSUM_ALIGNED_T inline int64_t hsum(__m512i a) {
  a = _mm512_add_epi32(a, _mm512_shuffle_i64x2(a, a, 0x4E));
  const __m256i y = _mm512_castsi512_si256(a);
  __m128i x = _mm_add_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4E));
  x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xB1));
  return _mm_cvtsi128_si32(x);
}

// Exact sum of the little-endian 16-bit words at even addresses over the bytes of [s, e)
// (bytes outside counted as 0), e > s, at most 1024 blocks of 64 bytes (so the 32-bit lanes
// cannot overflow: each block moves a lane by at most 2 * 32768).
EB_CSUM_ALIGNED_T inline int64_t aligned_block_sum(const uint8_t* s, const uint8_t* e) {
  const uint8_t* a = reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(s) & ~uintptr_t{63});
  const uint8_t* last = reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(e - 1) & ~uintptr_t{63});
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  const __mmask64 head = ~_bzhi_u64(~0ull, static_cast<unsigned>(s - a));
  const __mmask64 tail = _bzhi_u64(~0ull, static_cast<unsigned>(e - last));  // e - last in 1..64
  int64_t blocks = (last - a) / 64 + 1;
  if (a == last) {
    a0 = step(a0, _mm512_maskz_loadu_epi8(head & tail, a));
  } else {
    a0 = step(a0, _mm512_maskz_loadu_epi8(head, a));
    a3 = step(a3, _mm512_maskz_loadu_epi8(tail, last));
    const uint8_t* p = a + 64;
    for (; p + 256 <= last; p += 256) {
      a0 = step(a0, _mm512_load_si512(p));
      a1 = step(a1, _mm512_load_si512(p + 64));
      a2 = step(a2, _mm512_load_si512(p + 128));
      a3 = step(a3, _mm512_load_si512(p + 192));
    }
    for (; p < last; p += 64) a1 = step(a1, _mm512_load_si512(p));
  }
  return hsum(_mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3))) + blocks * 32 * 32768;
}

EB_CSUM_ALIGNED_T inline uint32_t sum_aligned_inline(const uint8_t* p, size_t n, uint32_t initial) {
  if (n == 0) return csum_add(initial, 0);
  constexpr size_t kSpan = 1023 * 64;  // whole 64-byte blocks per pass, 1024 blocks at most
  uint64_t total = 0;
  const uint8_t* s = p;
  const uint8_t* const end = p + n;
  while (s < end) {
    // Pass boundaries on 64-byte boundaries so words keep their even-address alignment.
    const uint8_t* base = reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(s) & ~uintptr_t{63});
    const uint8_t* e = static_cast<size_t>(end - base) > kSpan ? base + kSpan : end;
    total += static_cast<uint64_t>(aligned_block_sum(s, e));
    s = e;
  }
  // Little-endian words at even addresses -> big-endian words at even addresses -> words
  // starting at p (swap back when p is odd).
  uint16_t f = fold16(total);
  if (!(reinterpret_cast<uintptr_t>(p) & 1)) f = bswap16(f);
  return csum_add(initial, f);
}

}  // namespace eb::csum::aligned
