// Ones-complement sum with Advanced SIMD (aarch64): UADALP (vpadalq_u16) adds each pair of
// adjacent 16-bit words into a 32-bit lane and accumulates, one instruction per 16 input bytes,
// with no bias trick (x86's vpmaddwd is signed; UADALP is unsigned). Four 32-bit accumulators
// per 64-byte LD1 {4 x 16B}; each lane gains at most 2 * 0xFFFF per step, so every 2^15 steps
// (2 MiB; we flush every 1 MiB) a second UADALP (vpadalq_u32) folds them into 64-bit lanes.
// Inputs below 64 bytes take the shared scalar path (no vector set-up or reduction).
//
// Why this design on Neoverse: UADALP is a single pipelined ASIMD instruction on N1, N2, V1 and
// V2 (Arm's Software Optimization Guides for those cores, ASIMD integer section), and LD1 of four
// registers keeps both load pipes busy, so the loop is 1 load + 1 UADALP per 16 bytes. A scalar
// design must serialise on the carry flag (ADDS/ADCS) or spend extra adds on a wider accumulator,
// as Linux's arm64 do_csum does with 128-bit arithmetic (arch/arm64/lib/csum.c): that scalar
// design is what adc64x2 stands for on Arm. This file is the NEON twin of hwy-neon, whose
// ReorderWidenMulAccumulate needs a multiply per vector.
//
// fused-neon: the same loop storing each 64-byte block to dst (ST1 {4 x 16B}) as it sums it.
#include <arm_neon.h>

#include "kernels/checksum/csum_internal.h"

namespace eb::csum {
namespace {

constexpr size_t kFlush = 1u << 20;  // bytes between folds of the 32-bit lanes (limit: 2 MiB)

template <bool kCopy>
inline uint32_t sum_impl(uint8_t* dst, const uint8_t* p, size_t n, uint32_t initial) {
  if (n < 64) {
    if constexpr (kCopy) if (n) std::memcpy(dst, p, n);
    return to_partial(native_sum_scalar(p, n), initial);
  }
  uint64x2_t total = vdupq_n_u64(0);
  while (n >= 64) {
    const size_t chunk = (n < kFlush ? n : kFlush) & ~size_t{63};
    uint32x4_t a0 = vdupq_n_u32(0), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i < chunk; i += 64) {
      const uint8x16x4_t v = vld1q_u8_x4(p + i);
      if constexpr (kCopy) vst1q_u8_x4(dst + i, v);
      a0 = vpadalq_u16(a0, vreinterpretq_u16_u8(v.val[0]));
      a1 = vpadalq_u16(a1, vreinterpretq_u16_u8(v.val[1]));
      a2 = vpadalq_u16(a2, vreinterpretq_u16_u8(v.val[2]));
      a3 = vpadalq_u16(a3, vreinterpretq_u16_u8(v.val[3]));
    }
    total = vpadalq_u32(total, a0);
    total = vpadalq_u32(total, a1);
    total = vpadalq_u32(total, a2);
    total = vpadalq_u32(total, a3);
    p += chunk, n -= chunk;
    if constexpr (kCopy) dst += chunk;
  }
  // The tail (< 64 bytes) starts at an even offset: its native sum adds directly.
  if constexpr (kCopy) if (n) std::memcpy(dst, p, n);
  const uint64_t s = addc(vgetq_lane_u64(total, 0), vgetq_lane_u64(total, 1));
  return to_partial(native_sum_scalar(p, n, s), initial);
}

}  // namespace

uint32_t sum_neon(const uint8_t* p, size_t n, uint32_t initial) { return sum_impl<false>(nullptr, p, n, initial); }
uint32_t copy_sum_neon(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial) {
  return sum_impl<true>(dst, src, n, initial);
}

}  // namespace eb::csum
