// One 256-entry table per input byte position: hash = XOR over positions of lut[p][input[p]].
// 52 x 256 x 4 bytes = 52 KiB, built from the key by linearity (an entry is the XOR of the
// entries of its single bits).
#include <cstring>

#include "kernels/common/byteorder.h"
#include "kernels/rss/toeplitz_internal.h"

namespace eb::toeplitz_detail {

bool lut_prepare(PreparedKey& out, const uint8_t* key, size_t key_len) {
  if (!prepare_common(out, key, key_len, reinterpret_cast<const void*>(&lut_prepare))) return false;
  auto& t = out.tables.lut;
  for (size_t p = 0; p < kToeplitzMaxInput; ++p) {
    // The key window at bit 8p + j: 64 key bits from byte p shifted by j, top 32 kept.
    const uint64_t k64 = (uint64_t{load_be32(out.key + p)} << 32) | load_be32(out.key + p + 4);
    uint32_t bit_window[8];
    for (unsigned j = 0; j < 8; ++j) bit_window[j] = static_cast<uint32_t>((k64 << j) >> 32);
    t.lut[p][0] = 0;
    for (unsigned v = 1; v < 256; ++v) {
      const unsigned low = static_cast<unsigned>(__builtin_ctz(v));  // bit (7 - j) of the byte: j = 7 - low
      t.lut[p][v] = t.lut[p][v & (v - 1)] ^ bit_window[7 - low];
    }
  }
  return true;
}

uint32_t lut_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  const auto& t = k.tables.lut.lut;
  uint32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0;  // four chains: the loads are independent
  size_t p = 0;
  for (; p + 4 <= len; p += 4) {
    h0 ^= t[p][in[p]];
    h1 ^= t[p + 1][in[p + 1]];
    h2 ^= t[p + 2][in[p + 2]];
    h3 ^= t[p + 3][in[p + 3]];
  }
  for (; p < len; ++p) h0 ^= t[p][in[p]];
  return (h0 ^ h1) ^ (h2 ^ h3);
}

}  // namespace eb::toeplitz_detail
