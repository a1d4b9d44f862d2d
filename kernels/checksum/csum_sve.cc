// Ones-complement sum with SVE (aarch64), vector-length agnostic: the same binary runs at every
// SVE vector length (128 to 2048 bits) and asks the hardware for it (CNTB) at run time.
//
// The widening accumulation is UDOT (svdot_u64): each 64-bit lane adds the products of four
// adjacent unsigned 16-bit words with a vector of ones, i.e. the plain sum of those four words,
// in one instruction per vector. It is in base SVE (FEAT_SVE), so it runs on every SVE core,
// SVE-only ones (Neoverse V1, A64FX) included; SVE's UADALP, the NEON kernel's instruction, needs
// SVE2. The lanes are unsigned and 64 bits wide, so there is neither x86's 0x8000 bias nor
// csum_neon.cc's periodic fold of 32-bit lanes: a lane gains at most 4 * 0xFFFF per step, and the
// sum of all lanes stays below 2^64 for any input under 2^48 bytes.
//
// Four accumulators per 4-vector block (LD1B with an all-true predicate) hide the UDOT latency.
// The rest of the input, under four vectors, is summed with WHILELT-predicated loads: inactive
// bytes are not accessed at all (so nothing past the end is read, whatever the vector length)
// and read as zero; an odd last byte thus becomes the native word 0x00bb, which is what it
// contributes. Inputs below 64 bytes take the shared scalar path, as the NEON kernel does.
//
// Only the functions marked EB_SVE_TARGET are compiled for SVE (a function attribute, not a
// per-file -march), so no inline helper compiled here with SVE can be picked by the linker for
// a caller on a NEON-only CPU; the registry lists the record only where HWCAP says SVE.
#include <arm_sve.h>

#include "kernels/checksum/csum_internal.h"

#define EB_SVE_TARGET __attribute__((target("+sve")))

namespace eb::csum {
namespace {

EB_SVE_TARGET uint64_t native_sum_sve(const uint8_t* p, size_t n) {
  const svbool_t all = svptrue_b8();
  const svuint16_t ones = svdup_n_u16(1);
  const uint64_t vl = svcntb();
  svuint64_t a0 = svdup_n_u64(0), a1 = a0, a2 = a0, a3 = a0;
  uint64_t i = 0;
  for (; i + 4 * vl <= n; i += 4 * vl) {
    const uint8_t* q = p + i;
    a0 = svdot_u64(a0, svreinterpret_u16_u8(svld1_vnum_u8(all, q, 0)), ones);
    a1 = svdot_u64(a1, svreinterpret_u16_u8(svld1_vnum_u8(all, q, 1)), ones);
    a2 = svdot_u64(a2, svreinterpret_u16_u8(svld1_vnum_u8(all, q, 2)), ones);
    a3 = svdot_u64(a3, svreinterpret_u16_u8(svld1_vnum_u8(all, q, 3)), ones);
  }
  for (; i < n; i += vl) {
    const svbool_t pg = svwhilelt_b8_u64(i, n);  // the bytes i .. min(i + vl, n) - 1
    a0 = svdot_u64(a0, svreinterpret_u16_u8(svld1_u8(pg, p + i)), ones);
  }
  const svbool_t all64 = svptrue_b64();
  const svuint64_t s = svadd_u64_x(all64, svadd_u64_x(all64, a0, a1), svadd_u64_x(all64, a2, a3));
  return svaddv_u64(all64, s);
}

}  // namespace

EB_SVE_TARGET uint32_t sum_sve(const uint8_t* p, size_t n, uint32_t initial) {
  if (n < 64) return to_partial(native_sum_scalar(p, n), initial);
  return to_partial(native_sum_sve(p, n), initial);
}

}  // namespace eb::csum
