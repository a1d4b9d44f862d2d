// The read-only pass in portable C++: 8-byte loads XOR-combined into four chains. The `read`
// record on architectures without a vector file of their own, and a baseline everywhere.
#include <cstring>

#include "kernels/limit/limit.h"

namespace eb::limit_detail {

uint64_t read_u64(uint8_t*, const uint8_t* p, size_t n) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (; n >= 32; n -= 32, p += 32) {
    uint64_t v[4];
    std::memcpy(v, p, 32);
    a0 ^= v[0], a1 ^= v[1], a2 ^= v[2], a3 ^= v[3];
  }
  for (; n >= 16; n -= 16, p += 16) {
    uint64_t v[2];
    std::memcpy(v, p, 16);
    a0 ^= v[0], a1 ^= v[1];
  }
  return a0 ^ a1 ^ a2 ^ a3 ^ xor_tail_u64(p, n);
}

}  // namespace eb::limit_detail
