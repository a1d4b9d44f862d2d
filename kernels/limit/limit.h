// The physical-limit family: how fast anything touching the same bytes could possibly go on this
// machine, measured in the same run as the kernels it bounds.
//   read   : a read-only pass over the bytes (the fastest any one-pass checksum can be)
//   memcpy : the C library's memcpy (the fastest any segmentation that materialises copies can be)
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/common/registry.h"

namespace eb {

struct LimitImpl {
  ImplInfo info;  // family "limit", kind limit
  int preferred_rank = 0;
  // read:   returns a value that depends on every byte of [src, src+n) (so the pass cannot be
  //         optimised away); dst is ignored and may be null. Never reads outside the range.
  // memcpy: copies n bytes from src to dst (no overlap) and returns n.
  uint64_t (*run)(uint8_t* dst, const uint8_t* src, size_t n) = nullptr;
  bool writes = false;  // true when run() writes dst
};

const std::vector<LimitImpl>& limit_impls();
const LimitImpl& limit_read();
const LimitImpl& limit_memcpy();

namespace limit_detail {
// The read pass per ISA (the `read` record uses the widest this CPU has, chosen once); each is
// compiled only on its architecture (limit_read_<arch>.cc).
uint64_t read_sse(uint8_t* dst, const uint8_t* src, size_t n);
uint64_t read_avx2(uint8_t* dst, const uint8_t* src, size_t n);
uint64_t read_avx512(uint8_t* dst, const uint8_t* src, size_t n);
uint64_t read_neon(uint8_t* dst, const uint8_t* src, size_t n);
uint64_t read_u64(uint8_t* dst, const uint8_t* src, size_t n);  // any architecture

// The last n < 16 bytes XOR-folded to 64 bits: one 8-byte load if there is room, then a memcpy of
// the rest; never a byte past p + n.
inline uint64_t xor_tail_u64(const uint8_t* p, size_t n) {
  uint64_t r = 0, v = 0;
  if (n >= 8) {
    std::memcpy(&r, p, 8);
    p += 8, n -= 8;
  }
  std::memcpy(&v, p, n);
  return r ^ v;
}
}  // namespace limit_detail

}  // namespace eb
