// The oracle: the Toeplitz definition, bit by bit, with a 32-bit window register sliding along the
// key. Compiled without auto-vectorisation (CMakeLists.txt) so it stays the plain loop it reads as.
#include "kernels/rss/toeplitz_internal.h"

namespace eb::toeplitz_detail {

bool prepare_common(PreparedKey& out, const uint8_t* key, size_t key_len, const void* owner) {
  if (key_len == 0 || key_len > kToeplitzMaxKey || key == nullptr) return false;
  for (size_t i = 0; i < kToeplitzKeyStorage; ++i) out.key[i] = i < key_len ? key[i] : 0;
  out.key_len = static_cast<uint32_t>(key_len);
  out.owner = owner;
  return true;
}

bool reference_prepare(PreparedKey& out, const uint8_t* key, size_t key_len) {
  return prepare_common(out, key, key_len, reinterpret_cast<const void*>(&reference_prepare));
}

uint32_t reference_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  return reference_hash_key64(k.key, in, len);
}

uint32_t reference_hash_key64(const uint8_t* key64, const uint8_t* in, size_t len) {
  // window = key bits i .. i+31 for the input bit i being looked at.
  uint32_t window = 0;
  for (size_t b = 0; b < 32; ++b) window = (window << 1) | key_bit(key64, b);
  uint32_t hash = 0;
  for (size_t i = 0; i < 8 * len; ++i) {
    const unsigned input_bit = (in[i >> 3] >> (7 - (i & 7))) & 1u;
    if (input_bit) hash ^= window;
    window = (window << 1) | key_bit(key64, i + 32);
  }
  return hash;
}

}  // namespace eb::toeplitz_detail
