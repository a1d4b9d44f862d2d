// Entry points of each Toeplitz implementation, for the registry (toeplitz_registry.cc) only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/rss/toeplitz.h"

namespace eb::toeplitz_detail {

// Where tuple i of a batch starts: a strided array or an array of pointers (the two batch
// entry points share one kernel template through these).
struct Strided {
  const uint8_t* base;
  size_t stride;
  const uint8_t* operator()(size_t i) const { return base + i * stride; }
};
struct Pointers {
  const uint8_t* const* p;
  const uint8_t* operator()(size_t i) const { return p[i]; }
};

// Copies the key, zero-extends it to kToeplitzKeyStorage bytes and records the owner. False for
// an empty or over-long key.
bool prepare_common(PreparedKey& out, const uint8_t* key, size_t key_len, const void* owner);

// Key bit j (bit 0 = MSB of byte 0), zero past the key.
inline unsigned key_bit(const uint8_t* key64, size_t j) {
  return j < 8 * kToeplitzKeyStorage ? (key64[j >> 3] >> (7 - (j & 7))) & 1u : 0u;
}

// Batch and pointer-array drivers for single-tuple implementations.
template <uint32_t (*Hash)(const PreparedKey&, const uint8_t*, size_t)>
void batch_by_single(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count,
                     uint32_t* out) {
  for (size_t i = 0; i < count; ++i) out[i] = Hash(k, base + i * stride, len);
}
template <uint32_t (*Hash)(const PreparedKey&, const uint8_t*, size_t)>
void ptrs_by_single(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  for (size_t i = 0; i < count; ++i) out[i] = Hash(k, tuples[i], len);
}

// reference (toeplitz_reference.cc): bit-serial, straight from the definition.
bool reference_prepare(PreparedKey& out, const uint8_t* key, size_t key_len);
uint32_t reference_hash(const PreparedKey& k, const uint8_t* in, size_t len);
uint32_t reference_hash_key64(const uint8_t* key64, const uint8_t* in, size_t len);  // key zero-extended to 64

// lut (toeplitz_lut.cc): one 256-entry table per input byte position.
bool lut_prepare(PreparedKey& out, const uint8_t* key, size_t key_len);
uint32_t lut_hash(const PreparedKey& k, const uint8_t* in, size_t len);

// The carry-less multiply key table (toeplitz_clmul_key.cc), shared by clmul, pmull and hwy-*.
bool clmul_prepare(PreparedKey& out, const uint8_t* key, size_t key_len);
// clmul (toeplitz_clmul.cc, x86 only): PCLMULQDQ, one 64x64 product per 32-bit input chunk.
uint32_t clmul_hash(const PreparedKey& k, const uint8_t* in, size_t len);
// pmull (toeplitz_pmull.cc, aarch64 only): the same formulation with PMULL/PMULL2, one tuple, and
// pmull-x4: four tuples per step, their chunk products interleaved so the multiplier stays busy.
uint32_t pmull_hash(const PreparedKey& k, const uint8_t* in, size_t len);
void pmull_x4_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count, uint32_t* out);
void pmull_x4_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out);

// gfni (toeplitz_gfni.cc): GF2P8AFFINEQB. One tuple at a time, and 8 / 16 tuples per step.
bool gfni_prepare(PreparedKey& out, const uint8_t* key, size_t key_len);
uint32_t gfni_hash(const PreparedKey& k, const uint8_t* in, size_t len);
void gfni_x8_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count, uint32_t* out);
void gfni_x8_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out);
void gfni_x16_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count, uint32_t* out);
void gfni_x16_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out);

// hwy (toeplitz_hwy.cc): Highway carry-less multiply, batched across tuples in u64 lanes. One
// entry per compiled Highway target, best first.
struct HwyToeplitzTarget {
  int64_t target;  // HWY_* bit
  std::string name;  // hwy::TargetName
  uint32_t (*hash)(const PreparedKey&, const uint8_t*, size_t);
  void (*batch)(const PreparedKey&, const uint8_t*, size_t, size_t, size_t, uint32_t*);
  void (*ptrs)(const PreparedKey&, const uint8_t* const*, size_t, size_t, uint32_t*);
  unsigned batch_width;  // tuples per step (u64 lanes; 1 without carry-less multiply)
};
std::vector<HwyToeplitzTarget> hwy_toeplitz_targets();

// DPDK peers (toeplitz_dpdk.cc and its C translation units); prepare returns false when DPDK
// is not built in.
bool dpdk_prepare(PreparedKey& out, const uint8_t* key, size_t key_len);
uint32_t dpdk_softrss_hash(const PreparedKey& k, const uint8_t* in, size_t len);
uint32_t dpdk_softrss_be_hash(const PreparedKey& k, const uint8_t* in, size_t len);
uint32_t dpdk_gfni_hash(const PreparedKey& k, const uint8_t* in, size_t len);
void dpdk_gfni_bulk_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out);
void dpdk_gfni_bulk_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count,
                          uint32_t* out);
bool dpdk_built_in();
bool dpdk_gfni_compiled();  // the GFNI inlines were compiled (not DPDK's stubs)

}  // namespace eb::toeplitz_detail
