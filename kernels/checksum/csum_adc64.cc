// 64-bit add-with-carry chains: the design of Linux's x86-64 csum_partial. One chain (adc64) is
// bound by the 1-cycle adc latency (8 bytes/cycle); two independent chains (adc64x2) let the
// core overlap them, since the carry flag is renamed per chain.
#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

namespace {

#if defined(__x86_64__)
inline uint64_t adc_chain64(uint64_t s, const uint8_t* p) {
  asm("addq 0*8(%[p]), %[s]\n\t"
      "adcq 1*8(%[p]), %[s]\n\t"
      "adcq 2*8(%[p]), %[s]\n\t"
      "adcq 3*8(%[p]), %[s]\n\t"
      "adcq 4*8(%[p]), %[s]\n\t"
      "adcq 5*8(%[p]), %[s]\n\t"
      "adcq 6*8(%[p]), %[s]\n\t"
      "adcq 7*8(%[p]), %[s]\n\t"
      "adcq $0, %[s]"
      : [s] "+r"(s)
      : [p] "r"(p), "m"(*reinterpret_cast<const uint8_t(*)[64]>(p))
      : "cc");
  return s;
}
// Two chains over one 64-byte block: a takes bytes 0..31, b bytes 32..63.
inline void adc_chain64x2(uint64_t& a, uint64_t& b, const uint8_t* p) {
  asm("addq 0*8(%[p]), %[a]\n\t"
      "adcq 1*8(%[p]), %[a]\n\t"
      "adcq 2*8(%[p]), %[a]\n\t"
      "adcq 3*8(%[p]), %[a]\n\t"
      "adcq $0, %[a]\n\t"
      "addq 4*8(%[p]), %[b]\n\t"
      "adcq 5*8(%[p]), %[b]\n\t"
      "adcq 6*8(%[p]), %[b]\n\t"
      "adcq 7*8(%[p]), %[b]\n\t"
      "adcq $0, %[b]"
      : [a] "+r"(a), [b] "+r"(b)
      : [p] "r"(p), "m"(*reinterpret_cast<const uint8_t(*)[64]>(p))
      : "cc");
}
#else
inline uint64_t adc_chain64(uint64_t s, const uint8_t* p) {
  for (int i = 0; i < 8; ++i) s = addc(s, ld64(p + 8 * i));
  return s;
}
inline void adc_chain64x2(uint64_t& a, uint64_t& b, const uint8_t* p) {
  for (int i = 0; i < 4; ++i) a = addc(a, ld64(p + 8 * i)), b = addc(b, ld64(p + 32 + 8 * i));
}
#endif

}  // namespace

uint32_t sum_adc64(const uint8_t* p, size_t n, uint32_t initial) {
  uint64_t s = 0;
  for (; n >= 64; n -= 64, p += 64) s = adc_chain64(s, p);
  for (; n >= 8; n -= 8, p += 8) s = addc(s, ld64(p));
  s = addc(s, native_tail7(p, n));
  return to_partial(s, initial);
}

uint32_t sum_adc64x2(const uint8_t* p, size_t n, uint32_t initial) {
  uint64_t a = 0, b = 0;
  for (; n >= 64; n -= 64, p += 64) adc_chain64x2(a, b, p);
  return to_partial(native_sum_scalar(p, n, addc(a, b)), initial);
}

// Fused scalar copy + sum: each word is loaded once, stored, and added.
uint32_t copy_sum_adc64x2(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial) {
  uint64_t a = 0, b = 0;
  for (; n >= 16; n -= 16, src += 16, dst += 16) {
    uint64_t x = ld64(src), y = ld64(src + 8);
    std::memcpy(dst, &x, 8);
    std::memcpy(dst + 8, &y, 8);
    a = addc(a, x);
    b = addc(b, y);
  }
  std::memcpy(dst, src, n);
  return to_partial(native_sum_scalar(src, n, addc(a, b)), initial);
}

}  // namespace eb::csum
