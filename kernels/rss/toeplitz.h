// The Toeplitz hash family (Microsoft RSS): interchangeable implementations, one registry.
//
// Definition (the `reference` record is this, literally): for every set bit i of the input (bit 0
// is the most significant bit of byte 0), XOR in the 32-bit window of the key that starts at key
// bit i (bit 0 = most significant bit of key byte 0). Inputs are wire bytes (network order):
// source address, destination address, source port, destination port.
//
// Lengths. A key of K bytes covers inputs of up to K - 4 bytes the way a NIC does (40-byte key:
// 36 bytes, an IPv6 4-tuple; 52-byte key: 48 bytes). Every implementation accepts any input of
// 0..kToeplitzMaxInput bytes with any key of 1..kToeplitzMaxKey bytes: key bits past the end of
// the key are zero, so inputs longer than K - 4 are hashed as if the key were zero-extended (the
// hash of the leading K - 4 bytes is unchanged by this rule). prepare() rejects empty or
// over-long keys; toeplitz_nic_max_input(K) tells callers how long a NIC-compatible input may be.
//
// Key preparation is a separate, timed step: a key changes rarely, so each implementation keeps
// its own precomputed tables in PreparedKey (per-byte lookup tables, GFNI matrices, carry-less
// multiply constants, DPDK's matrices). A PreparedKey is only valid for the implementation whose
// prepare() filled it (`owner`); hashing never allocates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/common/registry.h"

namespace eb {

constexpr size_t kToeplitzMaxInput = 52;   // longest input any implementation accepts (bytes)
constexpr size_t kToeplitzMaxKey = 52;     // longest key accepted (bytes)
constexpr size_t kToeplitzKeyStorage = 64; // the key, zero-extended, as every table builder sees it

// Inputs up to this many bytes are hashed exactly as a NIC with a `key_len`-byte key would.
constexpr size_t toeplitz_nic_max_input(size_t key_len) { return key_len >= 4 ? key_len - 4 : 0; }

// The key in Microsoft's RSS verification suite (40 bytes), and the symmetric key (0x6d5a
// repeated): with a 16-bit period, swapping source and destination (addresses and ports) moves
// every input bit by a multiple of 16 and leaves the hash unchanged.
extern const uint8_t kMicrosoftRssKey[40];
extern const uint8_t kSymmetricRssKey[40];

// Per-implementation tables. One of these lives in PreparedKey::tables, chosen by the preparer.
struct ToeplitzLutTables {
  // lut[p][b]: the hash contribution of byte value b at input byte position p.
  uint32_t lut[kToeplitzMaxInput][256];
};
struct ToeplitzGfniTables {
  // m[s]: the 8x8 GF(2) matrix (GF2P8AFFINEQB layout: qword byte c = the 8 key bits starting at
  // bit 8s + c) that maps an input byte at position p to the hash byte o with p + o = s.
  alignas(64) uint64_t m[64];
  // m[s] broadcast to a whole 512-bit vector, s < 56: the batched kernels use it as a plain
  // memory operand (one load, no broadcast shuffle per product).
  alignas(64) uint64_t wide[56][8];
};
struct ToeplitzClmulTables {
  // r[k]: the 64 key bits starting at bit 32k, bit-reflected (key bit 32k + u at degree u), so
  // that clmul(be32(input chunk k), r[k]) carries the chunk's hash contribution, bit-reflected,
  // in degrees 31..62.
  alignas(64) uint64_t r[16];
};
struct ToeplitzDpdkTables {
  alignas(64) uint64_t matrices[64];  // rte_thash_complete_matrix over the 56-byte key
  uint32_t key_be_words[16];          // rte_convert_rss_key(key) for rte_softrss_be
  alignas(8) uint8_t key56[64];       // the key zero-extended to 56 bytes (+ padding)
};

struct alignas(64) PreparedKey {
  uint8_t key[kToeplitzKeyStorage] = {};  // zero-extended
  uint32_t key_len = 0;
  const void* owner = nullptr;  // the ToeplitzImpl::prepare that filled `tables`
  union Tables {
    ToeplitzLutTables lut;
    ToeplitzGfniTables gfni;
    ToeplitzClmulTables clmul;
    ToeplitzDpdkTables dpdk;
  } tables{};
};

// Entry points. `len` <= kToeplitzMaxInput everywhere. No entry point reads outside
// [input, input + len) of any tuple.
using ToeplitzPrepareFn = bool (*)(PreparedKey& out, const uint8_t* key, size_t key_len);
using ToeplitzHashFn = uint32_t (*)(const PreparedKey& key, const uint8_t* input, size_t len);
// `count` tuples of `len` bytes, tuple i at base + i * stride; out[i] = hash of tuple i.
using ToeplitzBatchFn = void (*)(const PreparedKey& key, const uint8_t* base, size_t stride, size_t len,
                                 size_t count, uint32_t* out);
// The same over an array of tuple pointers (DPDK's bulk interface).
using ToeplitzPtrsFn = void (*)(const PreparedKey& key, const uint8_t* const* tuples, size_t len, size_t count,
                                uint32_t* out);

struct ToeplitzImpl {
  ImplInfo info;           // family "rss"
  int preferred_rank = 0;  // lower is better (for batched use; best_impl picks the best supported)
  unsigned batch_width = 1;  // tuples one step of hash_batch works on (1: a loop of single hashes)
  ToeplitzPrepareFn prepare = nullptr;
  ToeplitzHashFn hash = nullptr;
  ToeplitzBatchFn hash_batch = nullptr;
  ToeplitzPtrsFn hash_ptrs = nullptr;
};

// All records, ordered at construction (RecordList): reference first, then ours best first,
// then peers. Records for CPU features this machine lacks, or for peers not built in, are
// present with info.supported() == false.
const std::vector<ToeplitzImpl>& toeplitz_impls();
const ToeplitzImpl& reference_toeplitz();
const ToeplitzImpl& best_toeplitz();  // the best supported kind=implementation record
const ToeplitzImpl* find_toeplitz(std::string_view name);

// The reference definition as a free function (no preparation), for tests and documentation.
uint32_t toeplitz_hash_reference(const uint8_t* key, size_t key_len, const uint8_t* input, size_t len);

// Parses a key given as hex ("6d5a56da...", optional "0x", ':' / '-' / ' ' separators allowed).
// Returns false (with *error) unless it is 1..kToeplitzMaxKey whole bytes.
bool parse_toeplitz_key(std::string_view hex, std::vector<uint8_t>* key, std::string* error);

}  // namespace eb
