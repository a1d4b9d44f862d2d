// GF2P8AFFINEQB formulation (GFNI + AVX-512).
//
// Split the hash into 4 output bytes o (o = 0 is the most significant). Input byte p contributes
// to output byte o through an 8x8 bit matrix that depends only on s = p + o: key bits 8s ..
// 8s + 14 (ToeplitzGfniTables::m[s]). One GF2P8AFFINEQB applies one matrix per 64-bit lane to
// each of the lane's 8 bytes, so a 32-bit lane whose little-endian bytes are x[s-3], x[s-2],
// x[s-1], x[s] multiplied by m[s] yields, in place, the contribution of those bytes to output
// bytes 3, 2, 1, 0 of the hash: exactly that lane's hash bytes in little-endian order. Summing
// (XOR) over s = 0 .. len + 2 gives the hash in the lane with no horizontal reduction.
//
//  - gfni (single tuple): lane s of the vector holds the 4-byte window ending at x[s], built with
//    one VPERMB per 8 windows; the 8 partial hashes are XOR-reduced at the end (like DPDK's
//    rte_thash_gfni, from which the matrix layout is taken).
//  - gfni-x8 / gfni-x16 (batches): 8 or 16 tuples side by side, one tuple per 32-bit lane. The
//    tuples are transposed into Q[k] (chunk k = bytes 4k..4k+3 of every tuple); the window ending
//    at byte 4k + r is a funnel shift (VPSHRDD) of Q[k-1]:Q[k], and the matrix is broadcast. The
//    result vector is the 8/16 hashes, stored directly. len + 3 affine products per 8/16 tuples.
//
// Every load is byte-masked to the tuple's own bytes (fault suppression): nothing past a tuple is
// read, and partial batches mask both loads and stores.
#include <immintrin.h>

#include <cstring>

#include "kernels/common/byteorder.h"
#include "kernels/rss/toeplitz_internal.h"

// GCC 12's AVX-512 headers build "undefined" pass-through operands from self-initialised locals
// (_mm512_undefined_epi32) and then warn about them under -Wmaybe-uninitialized when inlined
// into target-attribute functions. The warning is about the header, not this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#define EB_TARGET_GFNI                                                                          \
  __attribute__((target("avx2,bmi,bmi2,fma,avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi,"     \
                        "avx512vbmi2,gfni")))

namespace eb::toeplitz_detail {

bool gfni_prepare(PreparedKey& out, const uint8_t* key, size_t key_len) {
  if (!prepare_common(out, key, key_len, reinterpret_cast<const void*>(&gfni_prepare))) return false;
  uint8_t k[kToeplitzKeyStorage + 1] = {};
  std::memcpy(k, out.key, kToeplitzKeyStorage);
  for (size_t s = 0; s < 64; ++s) {
    const unsigned w = (unsigned{k[s]} << 8) | k[s + 1];
    uint64_t m = 0;
    for (unsigned c = 0; c < 8; ++c) m |= uint64_t{static_cast<uint8_t>((w << c) >> 8)} << (8 * c);
    out.tables.gfni.m[s] = m;
    if (s < 56)
      for (auto& lane : out.tables.gfni.wide[s]) lane = m;
  }
  return true;
}

namespace {

inline const void* minus(const uint8_t* p, size_t n) {
  // Masked loads start before the tuple; the masked-off bytes are never accessed.
  return reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) - n);
}

}  // namespace

namespace {

// VPERMB indices for step i: 64-bit lane L takes bytes 8i+L .. 8i+L+3 of the shifted input (the
// window ending at x[8i+L]); the upper 4 bytes repeat them (their products are ignored).
struct WindowIndex {
  alignas(64) uint8_t idx[7][64];
  constexpr WindowIndex() : idx{} {
    for (int i = 0; i < 7; ++i)
      for (int lane = 0; lane < 8; ++lane)
        for (int b = 0; b < 8; ++b) idx[i][8 * lane + b] = static_cast<uint8_t>(8 * i + lane + (b & 3));
  }
};
constexpr WindowIndex kWindowIndex{};

template <int kSteps>
EB_TARGET_GFNI inline uint32_t gfni_hash_steps(const PreparedKey& k, const uint8_t* in, size_t len) {
  // z byte b = x[b - 3] (zero outside the input): the window for s is z bytes s .. s+3.
  const __m512i z = _mm512_maskz_loadu_epi8(((1ull << len) - 1) << 3, minus(in, 3));  // len <= 52
  const __m512i* mats = reinterpret_cast<const __m512i*>(k.tables.gfni.m);
  const __m512i* idx = reinterpret_cast<const __m512i*>(kWindowIndex.idx);
  __m512i acc[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
#pragma GCC unroll 7
  for (int i = 0; i < kSteps; ++i)
    acc[i & 1] = _mm512_xor_si512(
        acc[i & 1], _mm512_gf2p8affine_epi64_epi8(_mm512_permutexvar_epi8(_mm512_load_si512(idx + i), z),
                                                  _mm512_load_si512(mats + i), 0));
  const __m512i a = _mm512_xor_si512(acc[0], acc[1]);
  const __m256i y = _mm256_xor_si256(_mm512_castsi512_si256(a), _mm512_extracti64x4_epi64(a, 1));
  const __m128i x = _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
  return static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_xor_si128(x, _mm_unpackhi_epi64(x, x))));
}

}  // namespace

EB_TARGET_GFNI uint32_t gfni_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  // Windows s = 0 .. len + 2, eight per step; straight-line code per step count.
  switch ((len + 10) / 8) {
    case 1: return gfni_hash_steps<1>(k, in, len);
    case 2: return gfni_hash_steps<2>(k, in, len);
    case 3: return gfni_hash_steps<3>(k, in, len);
    case 4: return gfni_hash_steps<4>(k, in, len);
    case 5: return gfni_hash_steps<5>(k, in, len);
    case 6: return gfni_hash_steps<6>(k, in, len);
    default: return gfni_hash_steps<7>(k, in, len);
  }
}

namespace {

// 512-bit: 16 tuples per step, 4 per 128-bit block.
struct V512 {
  using vec = __m512i;
  static constexpr unsigned kTuples = 16;
  static EB_TARGET_GFNI inline vec zero() { return _mm512_setzero_si512(); }
  // w[a][b]: 128-bit block l = block b (bytes 16b..16b+15) of tuple 4l + a. One byte-masked
  // load per tuple, then a 4x4 transpose of 128-bit blocks per residue a.
  template <int kBlocks>
  static EB_TARGET_GFNI inline void load_w(const uint8_t* const* p, unsigned n, uint64_t mask, vec (&w)[4][4]) {
    vec t[16];
#pragma GCC unroll 16
    for (unsigned i = 0; i < 16; ++i) t[i] = _mm512_maskz_loadu_epi8(i < n ? mask : 0, p[i]);
#pragma GCC unroll 4
    for (unsigned a = 0; a < 4; ++a) {
      const vec u0 = _mm512_shuffle_i64x2(t[a], t[4 + a], 0x44), u2 = _mm512_shuffle_i64x2(t[8 + a], t[12 + a], 0x44);
      w[a][0] = _mm512_shuffle_i64x2(u0, u2, 0x88);
      if (kBlocks > 1) w[a][1] = _mm512_shuffle_i64x2(u0, u2, 0xDD);
      if (kBlocks > 2) {
        const vec u1 = _mm512_shuffle_i64x2(t[a], t[4 + a], 0xEE), u3 = _mm512_shuffle_i64x2(t[8 + a], t[12 + a], 0xEE);
        w[a][2] = _mm512_shuffle_i64x2(u1, u3, 0x88);
        if (kBlocks > 3) w[a][3] = _mm512_shuffle_i64x2(u1, u3, 0xDD);
      }
    }
  }
  static EB_TARGET_GFNI inline vec lo32(vec a, vec b) { return _mm512_unpacklo_epi32(a, b); }
  static EB_TARGET_GFNI inline vec hi32(vec a, vec b) { return _mm512_unpackhi_epi32(a, b); }
  static EB_TARGET_GFNI inline vec lo64(vec a, vec b) { return _mm512_unpacklo_epi64(a, b); }
  static EB_TARGET_GFNI inline vec hi64(vec a, vec b) { return _mm512_unpackhi_epi64(a, b); }
  template <int kBits>
  static EB_TARGET_GFNI inline vec shrd(vec lo, vec hi) { return _mm512_shrdi_epi32(lo, hi, kBits); }
  static EB_TARGET_GFNI inline vec affine(vec x, const uint64_t* wide) {
    return _mm512_gf2p8affine_epi64_epi8(x, _mm512_load_si512(wide), 0);
  }
  static EB_TARGET_GFNI inline vec xor3(vec a, vec b, vec c) { return _mm512_ternarylogic_epi32(a, b, c, 0x96); }
  static EB_TARGET_GFNI inline vec vxor(vec a, vec b) { return _mm512_xor_si512(a, b); }
  static EB_TARGET_GFNI inline void store(uint32_t* out, unsigned n, vec v) {
    if (n == kTuples)
      _mm512_storeu_si512(out, v);
    else
      _mm512_mask_storeu_epi32(out, static_cast<__mmask16>((1u << n) - 1), v);
  }
};

// 256-bit: 8 tuples per step.
struct V256 {
  using vec = __m256i;
  static constexpr unsigned kTuples = 8;
  static EB_TARGET_GFNI inline vec zero() { return _mm256_setzero_si256(); }
  // w[a][b]: 128-bit lane l = block b of tuple 4l + a (l = 0, 1).
  template <int kBlocks>
  static EB_TARGET_GFNI inline void load_w(const uint8_t* const* p, unsigned n, uint64_t mask, vec (&w)[4][4]) {
    vec lo[8], hi[8];
#pragma GCC unroll 8
    for (unsigned i = 0; i < 8; ++i) {
      lo[i] = _mm256_maskz_loadu_epi8(static_cast<__mmask32>(i < n ? mask : 0), p[i]);
      if (kBlocks > 2) hi[i] = _mm256_maskz_loadu_epi8(static_cast<__mmask32>(i < n ? mask >> 32 : 0), p[i] + 32);
    }
#pragma GCC unroll 4
    for (unsigned a = 0; a < 4; ++a) {
      w[a][0] = _mm256_permute2x128_si256(lo[a], lo[4 + a], 0x20);
      if (kBlocks > 1) w[a][1] = _mm256_permute2x128_si256(lo[a], lo[4 + a], 0x31);
      if (kBlocks > 2) w[a][2] = _mm256_permute2x128_si256(hi[a], hi[4 + a], 0x20);
      if (kBlocks > 3) w[a][3] = _mm256_permute2x128_si256(hi[a], hi[4 + a], 0x31);
    }
  }
  static EB_TARGET_GFNI inline vec lo32(vec a, vec b) { return _mm256_unpacklo_epi32(a, b); }
  static EB_TARGET_GFNI inline vec hi32(vec a, vec b) { return _mm256_unpackhi_epi32(a, b); }
  static EB_TARGET_GFNI inline vec lo64(vec a, vec b) { return _mm256_unpacklo_epi64(a, b); }
  static EB_TARGET_GFNI inline vec hi64(vec a, vec b) { return _mm256_unpackhi_epi64(a, b); }
  template <int kBits>
  static EB_TARGET_GFNI inline vec shrd(vec lo, vec hi) { return _mm256_shrdi_epi32(lo, hi, kBits); }
  static EB_TARGET_GFNI inline vec affine(vec x, const uint64_t* wide) {
    return _mm256_gf2p8affine_epi64_epi8(x, _mm256_load_si256(reinterpret_cast<const __m256i*>(wide)), 0);
  }
  static EB_TARGET_GFNI inline vec xor3(vec a, vec b, vec c) { return _mm256_ternarylogic_epi32(a, b, c, 0x96); }
  static EB_TARGET_GFNI inline vec vxor(vec a, vec b) { return _mm256_xor_si256(a, b); }
  static EB_TARGET_GFNI inline void store(uint32_t* out, unsigned n, vec v) {
    if (n == kTuples)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
    else
      _mm256_mask_storeu_epi32(out, static_cast<__mmask8>((1u << n) - 1), v);
  }
};


// K = number of 4-byte chunks (ceil(len / 4)), 1..13.
// One step: tuples first .. first + n - 1 (n == kTuples when kFull).
template <class V, int K, bool kFull, class Src>
EB_TARGET_GFNI inline void batch_step(const PreparedKey& key, Src src, size_t len, size_t first, unsigned n,
                                      uint32_t* out) {
  using vec = typename V::vec;
  constexpr int kBlocks = (K + 3) / 4;
  constexpr unsigned kT = V::kTuples;
  const auto& g = key.tables.gfni.wide;
  {
    if (kFull) n = kT;
    vec q[4 * kBlocks + 1];
    const uint8_t* p[kT];
#pragma GCC unroll 16
    for (unsigned t = 0; t < kT; ++t) p[t] = kFull || t < n ? src(first + t) : src(first);  // masked off when t >= n
    vec w[4][4];
    V::template load_w<kBlocks>(p, n, (1ull << len) - 1, w);
#pragma GCC unroll 4
    for (int b = 0; b < kBlocks; ++b) {
      // 4x4 transpose of 32-bit lanes within each 128-bit block: lane t of q[k] = chunk k of tuple t.
      const vec t0 = V::lo32(w[0][b], w[1][b]), t1 = V::hi32(w[0][b], w[1][b]);
      const vec t2 = V::lo32(w[2][b], w[3][b]), t3 = V::hi32(w[2][b], w[3][b]);
      q[4 * b + 0] = V::lo64(t0, t2);
      q[4 * b + 1] = V::hi64(t0, t2);
      q[4 * b + 2] = V::lo64(t1, t3);
      q[4 * b + 3] = V::hi64(t1, t3);
    }
    q[K] = V::zero();  // chunks past the tuple (and past len) are zero
    vec acc0 = V::zero(), acc1 = V::zero();
#pragma GCC unroll 16
    for (int c = 0; c <= K; ++c) {
      const vec prev = c ? q[c - 1] : V::zero();
      const vec a = V::affine(V::template shrd<8>(prev, q[c]), g[4 * c + 0]);
      const vec b = V::affine(V::template shrd<16>(prev, q[c]), g[4 * c + 1]);
      const vec d = V::affine(V::template shrd<24>(prev, q[c]), g[4 * c + 2]);
      if (c < K) {
        acc0 = V::xor3(acc0, a, b);
        acc1 = V::xor3(acc1, d, V::affine(q[c], g[4 * c + 3]));
      } else {
        acc0 = V::xor3(acc0, a, b);
        acc1 = V::vxor(acc1, d);
      }
    }
    V::store(out + first, n, V::vxor(acc0, acc1));
  }
}

template <class V, int K, class Src>
EB_TARGET_GFNI inline void batch_kernel(const PreparedKey& key, Src src, size_t len, size_t count, uint32_t* out) {
  constexpr unsigned kT = V::kTuples;
  size_t first = 0;
  for (; first + kT <= count; first += kT) batch_step<V, K, true>(key, src, len, first, kT, out);
  if (first < count) batch_step<V, K, false>(key, src, len, first, static_cast<unsigned>(count - first), out);
}

template <class V, class Src>
EB_TARGET_GFNI void batch_dispatch(const PreparedKey& key, Src src, size_t len, size_t count, uint32_t* out) {
  switch ((len + 3) / 4) {
    case 0:
      for (size_t i = 0; i < count; ++i) out[i] = 0;
      return;
    case 1: return batch_kernel<V, 1>(key, src, len, count, out);
    case 2: return batch_kernel<V, 2>(key, src, len, count, out);
    case 3: return batch_kernel<V, 3>(key, src, len, count, out);
    case 4: return batch_kernel<V, 4>(key, src, len, count, out);
    case 5: return batch_kernel<V, 5>(key, src, len, count, out);
    case 6: return batch_kernel<V, 6>(key, src, len, count, out);
    case 7: return batch_kernel<V, 7>(key, src, len, count, out);
    case 8: return batch_kernel<V, 8>(key, src, len, count, out);
    case 9: return batch_kernel<V, 9>(key, src, len, count, out);
    case 10: return batch_kernel<V, 10>(key, src, len, count, out);
    case 11: return batch_kernel<V, 11>(key, src, len, count, out);
    case 12: return batch_kernel<V, 12>(key, src, len, count, out);
    default: return batch_kernel<V, 13>(key, src, len, count, out);
  }
}

}  // namespace

void gfni_x16_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count, uint32_t* out) {
  batch_dispatch<V512>(k, Strided{base, stride}, len, count, out);
}
void gfni_x16_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  batch_dispatch<V512>(k, Pointers{tuples}, len, count, out);
}
void gfni_x8_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count, uint32_t* out) {
  batch_dispatch<V256>(k, Strided{base, stride}, len, count, out);
}
void gfni_x8_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  batch_dispatch<V256>(k, Pointers{tuples}, len, count, out);
}

}  // namespace eb::toeplitz_detail
