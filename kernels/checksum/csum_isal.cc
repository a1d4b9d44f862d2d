// ISA-L bandwidth-class peers: a different function (CRC-32, CRC-32C) over the same bytes, to place
// the Internet checksum kernels against the fastest one-pass integrity check a NIC library ships.
// `initial` is passed as the CRC seed; the result is the raw CRC, not an Internet checksum.
#include <isa-l/crc.h>

#include "kernels/checksum/csum_internal.h"

namespace eb::csum {

uint32_t sum_isal_crc32(const uint8_t* p, size_t n, uint32_t initial) {
  return crc32_gzip_refl(initial, p, n);
}

uint32_t sum_isal_crc32c(const uint8_t* p, size_t n, uint32_t initial) {
  // crc32_iscsi takes a non-const buffer and an int length (it does not write the buffer).
  return crc32_iscsi(const_cast<uint8_t*>(p), static_cast<int>(n), initial);
}

}  // namespace eb::csum
