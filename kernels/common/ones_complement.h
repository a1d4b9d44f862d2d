// RFC 1071 ones-complement arithmetic: the small, header-only core every family shares.
//
// Convention used across encapbench: a *partial sum* is a host-order uint32_t whose 16-bit fold
// (fold16) equals the ones-complement sum of the range read as big-endian 16-bit words, an odd
// trailing byte padded with zero. Implementations may return any such value; compare folds.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>

#include "kernels/common/byteorder.h"

namespace eb {

// End-around-carry fold of a 64- or 32-bit accumulator to 16 bits. Never turns a non-zero
// sum into 0 (ones-complement: a non-zero sum folds into 1..0xFFFF).
// Method: adding x to itself rotated by half its width leaves, in the upper half, the sum of the
// two halves with the carry out of the lower half added back: one end-around-carry step in a
// rotate, an add and a shift (three dependent operations per halving instead of five
// mask/shift/add steps; every per-packet checksum folds several times). The result is the same
// value as the step-by-step fold: the residue mod 0xFFFF in 1..0xFFFF, 0 only for 0.
constexpr uint16_t fold16(uint64_t s) {
  const uint32_t t = static_cast<uint32_t>((s + std::rotr(s, 32)) >> 32);
  return static_cast<uint16_t>((t + std::rotr(t, 16)) >> 16);
}

// Ones-complement addition of two partial sums.
constexpr uint32_t csum_add(uint32_t a, uint32_t b) {
  uint64_t s = uint64_t{a} + b;
  return static_cast<uint32_t>((s & 0xFFFFFFFFull) + (s >> 32));
}

// Combine a partial sum `b` of a range that starts `b_offset` bytes after the start of the range
// summed into `a`. A range starting at an odd offset has its bytes in the other half of each
// 16-bit word, so its folded sum is byte-swapped (RFC 1071 §2(B)).
constexpr uint32_t csum_combine(uint32_t a, uint32_t b, size_t b_offset) {
  if (b_offset & 1) {
    uint16_t f = fold16(b);
    b = bswap16(f);
  }
  return csum_add(a, b);
}

// The checksum field value for a range whose partial sum is `s`: ~fold16(s).
constexpr uint16_t csum_finish(uint32_t s) { return static_cast<uint16_t>(~fold16(s)); }

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit field changing from m to m'.
constexpr uint16_t csum_update16(uint16_t hc, uint16_t old_word, uint16_t new_word) {
  uint32_t s = uint32_t{static_cast<uint16_t>(~hc)} + static_cast<uint16_t>(~old_word) + new_word;
  return static_cast<uint16_t>(~fold16(s));
}
constexpr uint16_t csum_update32(uint16_t hc, uint32_t old_v, uint32_t new_v) {
  uint32_t s = uint32_t{static_cast<uint16_t>(~hc)} + static_cast<uint16_t>(~(old_v >> 16)) +
               static_cast<uint16_t>(~old_v) + (new_v >> 16) + (new_v & 0xFFFF);
  return static_cast<uint16_t>(~fold16(s));
}

// The reference sum: a plain byte-pair loop, straight from RFC 1071, and the one definition of
// the partial sum. The checksum family's `reference` record is this loop, instantiated in
// kernels/checksum/csum_reference.cc, which is compiled without auto-vectorisation (always
// inlined, so that instantiation is the one that runs there, not another TU's copy).
[[gnu::always_inline]] inline uint32_t ones_complement_sum_simple(const uint8_t* p, size_t n, uint32_t initial = 0) {
  uint64_t s = initial;
  size_t i = 0;
  for (; i + 1 < n; i += 2) s += (uint32_t{p[i]} << 8) | p[i + 1];
  if (i < n) s += uint32_t{p[i]} << 8;  // odd trailing byte, padded with zero
  return fold16(s);
}

// Pseudo-header partial sums (RFC 793/768, RFC 8200 §8.1). Addresses are wire bytes.
inline uint32_t pseudo_header_sum_v4(const uint8_t* src4, const uint8_t* dst4, uint8_t proto, uint32_t l4_len) {
  uint32_t s = ones_complement_sum_simple(src4, 4) + ones_complement_sum_simple(dst4, 4);
  return csum_add(s, uint32_t{proto} + (l4_len & 0xFFFF) + (l4_len >> 16));
}
inline uint32_t pseudo_header_sum_v6(const uint8_t* src16, const uint8_t* dst16, uint8_t proto, uint32_t l4_len) {
  uint32_t s = csum_add(ones_complement_sum_simple(src16, 16), ones_complement_sum_simple(dst16, 16));
  return csum_add(s, uint32_t{proto} + (l4_len & 0xFFFF) + (l4_len >> 16));
}

}  // namespace eb
