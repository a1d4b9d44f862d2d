// Internal to the checksum family: the kernel entry points the registry lists, and the small
// scalar helpers the vector kernels share for short inputs.
//
// Vector and 64-bit kernels sum *native* (little-endian) 16-bit words; by RFC 1071 §2(B) the
// ones-complement sum of byte-swapped words is the byte-swapped sum, so a kernel folds its native
// sum and swaps once at the end (to_partial). Sums of ranges that start at even offsets from the
// kernel's start add directly; that is what every tail below relies on.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/common/cpu_features.h"
#include "kernels/common/hwy_rows.h"
#include "kernels/common/ones_complement.h"

namespace eb::csum {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "native-word kernels assume little-endian");

// 64-bit add with end-around carry: the result is congruent to a + b modulo 2^64 - 1, which
// 0xFFFF divides, and is zero only when both are.
inline uint64_t addc(uint64_t a, uint64_t b) {
  a += b;
  return a + (a < b);
}

inline uint64_t ld64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t ld32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint16_t ld16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// The last n & 7 bytes at p (p at an even offset from the sum's start), never past p + (n & 7).
inline uint64_t native_tail7(const uint8_t* p, size_t n) {
  uint64_t t = 0;
  if (n & 4) t = ld32(p), p += 4;
  if (n & 2) t += ld16(p), p += 2;
  if (n & 1) t += *p;
  return t;  // at most 0xFFFFFFFF + 0xFFFF + 0xFF: no overflow
}

// Native sum of a short-to-medium range with two independent carry chains. The path every
// vector kernel takes below its threshold: no vector setup, no reduction.
inline uint64_t native_sum_scalar(const uint8_t* p, size_t n, uint64_t s = 0) {
  uint64_t s2 = 0;
  for (; n >= 16; n -= 16, p += 16) {
    s = addc(s, ld64(p));
    s2 = addc(s2, ld64(p + 8));
  }
  if (n & 8) s = addc(s, ld64(p)), p += 8;
  s2 = addc(s2, native_tail7(p, n));
  return addc(s, s2);
}

// Native 64-bit sum -> partial sum in the ones_complement.h convention, plus `initial`.
inline uint32_t to_partial(uint64_t native, uint32_t initial) {
  uint16_t f = fold16(native);
  return csum_add(initial, bswap16(f));
}

// ---- Kernel entry points (one per registry record) ----------------------------------------
uint32_t sum_reference(const uint8_t* p, size_t n, uint32_t initial);
uint32_t sum_adc64(const uint8_t* p, size_t n, uint32_t initial);
uint32_t sum_adc64x2(const uint8_t* p, size_t n, uint32_t initial);
uint32_t copy_sum_adc64x2(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial);
uint32_t sum_avx2(const uint8_t* p, size_t n, uint32_t initial);
uint32_t copy_sum_avx2(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial);
uint32_t sum_avx512(const uint8_t* p, size_t n, uint32_t initial);       // AVX-512 VNNI (vpdpwssd)
uint32_t copy_sum_avx512(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial);
// 64-byte-aligned loads only, masked at both ends (csum_avx512_aligned.h).
uint32_t sum_avx512_aligned(const uint8_t* p, size_t n, uint32_t initial);
constexpr uint64_t kCsumAlignedAvx512Cpu = kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VL | kCpuAVX512VNNI | kCpuBMI2;
uint32_t sum_avx512bw(const uint8_t* p, size_t n, uint32_t initial);     // AVX-512BW (vpmaddwd)
uint32_t copy_sum_avx512bw(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial);
uint32_t sum_neon(const uint8_t* p, size_t n, uint32_t initial);       // aarch64 only (csum_neon.cc)
uint32_t copy_sum_neon(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial);
uint32_t sum_sve(const uint8_t* p, size_t n, uint32_t initial);        // aarch64 SVE only (csum_sve.cc)
uint32_t sum_isal_crc32(const uint8_t* p, size_t n, uint32_t initial);
uint32_t sum_isal_crc32c(const uint8_t* p, size_t n, uint32_t initial);

// Highway (csum_hwy.cc): one entry per compiled target, best first.
using SumFn = uint32_t (*)(const uint8_t*, size_t, uint32_t);
using CopySumFn = uint32_t (*)(uint8_t*, const uint8_t*, size_t, uint32_t);
std::vector<HwyEntryOf<SumFn>> hwy_sum_targets();

}  // namespace eb::csum

// DPDK peers are C translation units (what a DPDK user compiles), so C linkage.
extern "C" {
// rte_raw_cksum compiled with pkg-config libdpdk's cflags / with encapbench's flags. Return the
// native-order 16-bit sum DPDK computes (not yet byte-swapped).
uint16_t eb_dpdk_raw_cksum(const void* buf, size_t len);
uint16_t eb_dpdk_raw_cksum_ourflags(const void* buf, size_t len);
}
