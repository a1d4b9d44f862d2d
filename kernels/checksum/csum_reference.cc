// The oracle: the reference sum of kernels/common/ones_complement.h, one big-endian 16-bit word
// at a time. This file is compiled without auto-vectorisation (see CMakeLists.txt) so that it
// stays the scalar loop it reads as.
#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

uint32_t sum_reference(const uint8_t* p, size_t n, uint32_t initial) { return ones_complement_sum_simple(p, n, initial); }

}  // namespace eb::csum
