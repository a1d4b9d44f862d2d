// Hand-tuned AVX-512 ones-complement sums (see csum_avx512.inc for the method). Two copies:
// `avx512` with AVX-512 VNNI (vpdpwssd: one op per 64 bytes besides the XOR) and `avx512bw`
// for AVX-512 CPUs without VNNI. ISA is raised per function with target attributes only.
#include "kernels/common/x86_intrinsics.h"

#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

// Below this many bytes the scalar two-chain path wins: the vector path's fixed cost (constants,
// masked tail, 16-lane reduction) is about 5 ns here, which scalar add-with-carry only exceeds
// around 200 bytes (measured 64..256 B at a packet-like start offset of 14).
constexpr size_t kAvx512ScalarBelow = 192;

#define EB_AVX512_NS vnni
#define EB_AVX512_TARGET "avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2"
#define EB_AVX512_VNNI 1
#include "kernels/checksum/csum_avx512.inc"
#undef EB_AVX512_NS
#undef EB_AVX512_TARGET
#undef EB_AVX512_VNNI

#define EB_AVX512_NS bw
#define EB_AVX512_TARGET "avx512f,avx512bw,avx512vl,bmi,bmi2"
#define EB_AVX512_VNNI 0
#include "kernels/checksum/csum_avx512.inc"
#undef EB_AVX512_NS
#undef EB_AVX512_TARGET
#undef EB_AVX512_VNNI

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2")))
uint32_t sum_avx512(const uint8_t* p, size_t n, uint32_t initial) {
  if (n < kAvx512ScalarBelow) return to_partial(native_sum_scalar(p, n), initial);
  return to_partial(vnni::native_sum<false>(const_cast<uint8_t*>(p), p, n), initial);
}
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,bmi,bmi2")))
uint32_t copy_sum_avx512(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial) {
  if (n == 0) return csum_add(initial, 0);
  return to_partial(vnni::native_sum<true>(dst, src, n), initial);
}
__attribute__((target("avx512f,avx512bw,avx512vl,bmi,bmi2")))
uint32_t sum_avx512bw(const uint8_t* p, size_t n, uint32_t initial) {
  if (n < kAvx512ScalarBelow) return to_partial(native_sum_scalar(p, n), initial);
  return to_partial(bw::native_sum<false>(const_cast<uint8_t*>(p), p, n), initial);
}
__attribute__((target("avx512f,avx512bw,avx512vl,bmi,bmi2")))
uint32_t copy_sum_avx512bw(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial) {
  if (n == 0) return csum_add(initial, 0);
  return to_partial(bw::native_sum<true>(dst, src, n), initial);
}

}  // namespace eb::csum
