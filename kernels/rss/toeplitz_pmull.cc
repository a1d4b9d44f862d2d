// Toeplitz with PMULL (aarch64 FEAT_PMULL): the carry-less multiply formulation of
// toeplitz_clmul.cc, whose comment explains the math. Input chunk k (bytes 4k..4k+3, big-endian)
// times the reflected key constant r[k]; bits 31..62 of the XOR of all products are the hash,
// bit-reflected, and RBIT reverses it in one instruction (x86 needs a shift/mask ladder).
//
// Why this design on Arm: PMULL/PMULL2 (64x64 -> 128) are fully pipelined on Neoverse N1, N2, V1
// and V2 (Arm's Software Optimization Guides for those cores list them at a throughput of one or
// more per cycle with a latency of 2-3 cycles), so a hash is ~len/4 products plus a short XOR
// tree, against len*8 conditional XORs for the bit-serial reference and len table loads for lut.
// One tuple leaves the multiplier idle during the dependent XOR chain; pmull-x4 hashes four tuples
// at once with independent accumulators, the batched form RSS over a receive burst uses.
#include <arm_neon.h>

#include "kernels/common/byteorder.h"
#include "kernels/rss/toeplitz_internal.h"

namespace eb::toeplitz_detail {
namespace {

// Big-endian chunk c of a `len`-byte tuple, zero-padded past the end (never reads past it).
inline uint64_t chunk(const uint8_t* p, size_t c, size_t len) {
  const size_t at = 4 * c;
  if (at + 4 <= len) return load_be32(p + at);
  uint32_t v = 0;
  for (size_t i = 0; at + i < len; ++i) v |= uint32_t{p[at + i]} << (24 - 8 * i);
  return v;
}

__attribute__((target("+crypto"))) inline uint64_t pmull_lo(uint64_t a, uint64_t b) {
  return vgetq_lane_u64(vreinterpretq_u64_p128(vmull_p64(a, b)), 0);
}

inline uint32_t finish(uint64_t acc) {
  uint32_t h;
  __asm__("rbit %w0, %w1" : "=r"(h) : "r"(static_cast<uint32_t>(acc >> 31)));
  return h;
}

template <class Src>
__attribute__((target("+crypto"))) void x4(const PreparedKey& k, Src src, size_t len, size_t count, uint32_t* out) {
  const uint64_t* r = k.tables.clmul.r;
  const size_t chunks = (len + 3) / 4;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const uint8_t* p0 = src(i);
    const uint8_t* p1 = src(i + 1);
    const uint8_t* p2 = src(i + 2);
    const uint8_t* p3 = src(i + 3);
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (size_t c = 0; c < chunks; ++c) {
      a0 ^= pmull_lo(chunk(p0, c, len), r[c]);
      a1 ^= pmull_lo(chunk(p1, c, len), r[c]);
      a2 ^= pmull_lo(chunk(p2, c, len), r[c]);
      a3 ^= pmull_lo(chunk(p3, c, len), r[c]);
    }
    out[i] = finish(a0), out[i + 1] = finish(a1), out[i + 2] = finish(a2), out[i + 3] = finish(a3);
  }
  for (; i < count; ++i) out[i] = pmull_hash(k, src(i), len);
}

}  // namespace

__attribute__((target("+crypto"))) uint32_t pmull_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  const uint64_t* r = k.tables.clmul.r;
  const size_t chunks = (len + 3) / 4;
  uint64_t a = 0, b = 0;  // two chains: even and odd chunks
  size_t c = 0;
  for (; c + 2 <= chunks; c += 2) {
    a ^= pmull_lo(chunk(in, c, len), r[c]);
    b ^= pmull_lo(chunk(in, c + 1, len), r[c + 1]);
  }
  if (c < chunks) a ^= pmull_lo(chunk(in, c, len), r[c]);
  return finish(a ^ b);
}

void pmull_x4_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count, uint32_t* out) {
  x4(k, Strided{base, stride}, len, count, out);
}
void pmull_x4_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  x4(k, Pointers{tuples}, len, count, out);
}

}  // namespace eb::toeplitz_detail
