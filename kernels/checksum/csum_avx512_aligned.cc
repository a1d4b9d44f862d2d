// The `avx512-aligned` record: the aligned-load AVX-512 sum (csum_avx512_aligned.h) behind the
// family's function signature.
#include "kernels/checksum/csum_avx512_aligned.h"

#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

EB_CSUM_ALIGNED_T uint32_t sum_avx512_aligned(const uint8_t* p, size_t n, uint32_t initial) {
  return aligned::sum_aligned_inline(p, n, initial);
}

}  // namespace eb::csum
