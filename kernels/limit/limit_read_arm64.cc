// The read-only pass on aarch64: LD1 {v0-v3} (64 bytes per instruction) twice per iteration,
// XOR-combined into eight 128-bit accumulators. Neoverse N1/N2/V1 and Cortex-A76 execute two
// 128-bit loads and two ASIMD logic operations per cycle (Arm's software optimization guides for
// those cores, "Instruction characteristics"), so one EOR per 16-byte load keeps the loop bound
// by the load pipes; EOR3 would only save issue slots the loop does not need. Eight independent
// accumulators cover the EOR latency (2 cycles) at that rate.
#include <arm_neon.h>

#include "kernels/limit/limit.h"

namespace eb::limit_detail {

uint64_t read_neon(uint8_t*, const uint8_t* p, size_t n) {
  uint8x16_t a0 = vdupq_n_u8(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (; n >= 128; n -= 128, p += 128) {
    const uint8x16x4_t x = vld1q_u8_x4(p);
    const uint8x16x4_t y = vld1q_u8_x4(p + 64);
    a0 = veorq_u8(a0, x.val[0]), a1 = veorq_u8(a1, x.val[1]), a2 = veorq_u8(a2, x.val[2]),
    a3 = veorq_u8(a3, x.val[3]);
    a4 = veorq_u8(a4, y.val[0]), a5 = veorq_u8(a5, y.val[1]), a6 = veorq_u8(a6, y.val[2]),
    a7 = veorq_u8(a7, y.val[3]);
  }
  for (; n >= 16; n -= 16, p += 16) a0 = veorq_u8(a0, vld1q_u8(p));
  const uint8x16_t a = veorq_u8(veorq_u8(veorq_u8(a0, a1), veorq_u8(a2, a3)),
                                veorq_u8(veorq_u8(a4, a5), veorq_u8(a6, a7)));
  const uint64x2_t w = vreinterpretq_u64_u8(a);
  return vgetq_lane_u64(w, 0) ^ vgetq_lane_u64(w, 1) ^ xor_tail_u64(p, n);
}

}  // namespace eb::limit_detail
