// The key table of the carry-less multiply formulation (toeplitz_clmul.cc explains the math),
// shared by every kernel that uses it on any architecture: PCLMULQDQ (clmul), PMULL (pmull) and
// Highway's CLMul (hwy-*).
#include "kernels/common/byteorder.h"
#include "kernels/rss/toeplitz_internal.h"

namespace eb::toeplitz_detail {
namespace {

inline uint64_t reverse_bits64(uint64_t x) {
  x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
  x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
  x = ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(x);
}

}  // namespace

bool clmul_prepare(PreparedKey& out, const uint8_t* key, size_t key_len) {
  if (!prepare_common(out, key, key_len, reinterpret_cast<const void*>(&clmul_prepare))) return false;
  // Chunk k needs key bits 32k .. 32k + 62: k <= 12 reads key bytes up to 55 (storage is 64).
  for (size_t k = 0; k < 16; ++k)
    out.tables.clmul.r[k] = k <= 13 ? reverse_bits64(load_be32(out.key + 4 * k) * (1ull << 32) |
                                                     load_be32(out.key + 4 * k + 4))
                                    : 0;
  return true;
}

}  // namespace eb::toeplitz_detail
