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
#define EB_AVX512_SUM sum_avx512
#define EB_AVX512_COPY_SUM copy_sum_avx512
#include "kernels/checksum/csum_avx512.inc"
#undef EB_AVX512_NS
#undef EB_AVX512_TARGET
#undef EB_AVX512_VNNI
#undef EB_AVX512_SUM
#undef EB_AVX512_COPY_SUM

#define EB_AVX512_NS bw
#define EB_AVX512_TARGET "avx512f,avx512bw,avx512vl,bmi,bmi2"
#define EB_AVX512_VNNI 0
#define EB_AVX512_SUM sum_avx512bw
#define EB_AVX512_COPY_SUM copy_sum_avx512bw
#include "kernels/checksum/csum_avx512.inc"
#undef EB_AVX512_NS
#undef EB_AVX512_TARGET
#undef EB_AVX512_VNNI
#undef EB_AVX512_SUM
#undef EB_AVX512_COPY_SUM

}  // namespace eb::csum
