// The oracle: one big-endian 16-bit word at a time, straight from RFC 1071. This file is compiled
// without auto-vectorisation (see CMakeLists.txt) so that it stays the scalar loop it reads as.
#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

uint32_t sum_reference(const uint8_t* p, size_t n, uint32_t initial) {
  uint64_t s = initial;
  size_t i = 0;
  for (; i + 1 < n; i += 2) s += (uint32_t{p[i]} << 8) | p[i + 1];
  if (i < n) s += uint32_t{p[i]} << 8;  // odd trailing byte, padded with zero
  return fold16(s);
}

}  // namespace eb::csum
