// Highway twin of the carry-less multiply formulation (toeplitz_clmul.cc explains the math),
// batched across tuples: tuple t sits in u64 lane t, holding its chunk k (bytes 4k..4k+3, big-
// endian) for step k; CLMulLower multiplies the even lanes and CLMulUpper the odd lanes by the
// broadcast key constant r[k]. On AVX3_DL that is VPCLMULQDQ on 512-bit vectors (4 products per
// instruction); on AVX2/AVX3 Highway splits it into 128-bit PCLMULQDQ. Targets without CLMul
// (SCALAR/EMU128/SSSE3, never chosen on x86-64-v2) use a shift-and-XOR product.
// Compiled once per target through foreach_target.h; see CMakeLists.txt for the GCC flags.
#include <cstddef>
#include <cstdint>

#include "kernels/common/byteorder.h"
#include "kernels/rss/toeplitz_internal.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/rss/toeplitz_hwy.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "kernels/common/hwy_rows.h"

#ifndef EB_TOEPLITZ_HWY_ONCE
#define EB_TOEPLITZ_HWY_ONCE
namespace eb::toeplitz_detail::hwy_common {

// Big-endian chunk c of a `len`-byte tuple, zero-padded past the end (never reads past it).
inline uint64_t chunk_be(const uint8_t* p, size_t c, size_t len) {
  const size_t at = 4 * c;
  if (at + 4 <= len) return load_be32(p + at);
  uint32_t v = 0;
  for (size_t i = 0; i < 4 && at + i < len; ++i) v |= uint32_t{p[at + i]} << (24 - 8 * i);
  return v;
}
inline uint64_t soft_clmul_lo(uint64_t x32, uint64_t r) {
  uint64_t acc = 0;
  for (unsigned t = 0; t < 32; ++t)
    if ((x32 >> t) & 1) acc ^= r << t;
  return acc;
}
inline uint32_t reverse_bits32(uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  return __builtin_bswap32(x);
}

}  // namespace eb::toeplitz_detail::hwy_common
#endif

HWY_BEFORE_NAMESPACE();
namespace eb::toeplitz_detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using namespace hwy_common;

#undef EB_HWY_NO_CLMUL
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128 || HWY_TARGET == HWY_SSSE3
#define EB_HWY_NO_CLMUL 1
#else
#define EB_HWY_NO_CLMUL 0
#endif

uint32_t HashOneHwy(const PreparedKey& key, const uint8_t* in, size_t len) {
  const uint64_t* r = key.tables.clmul.r;
  const size_t chunks = (len + 3) / 4;
#if EB_HWY_NO_CLMUL
  uint64_t acc = 0;
  for (size_t c = 0; c < chunks; ++c) acc ^= soft_clmul_lo(chunk_be(in, c, len), r[c]);
  return reverse_bits32(static_cast<uint32_t>(acc >> 31));
#else
  const hn::FixedTag<uint64_t, 2> d;
  auto acc = hn::Zero(d);
  for (size_t c = 0; c < chunks; c += 2) {
    // [chunk c, chunk c+1] built in registers (a store + wider reload would miss store forwarding).
    const auto x = hn::InterleaveLower(d, hn::Set(d, chunk_be(in, c, len)),
                                       hn::Set(d, c + 1 < chunks ? chunk_be(in, c + 1, len) : 0));
    const auto rk = hn::Load(d, r + c);
    acc = hn::Xor(acc, hn::Xor(hn::CLMulLower(x, rk), hn::CLMulUpper(x, rk)));
  }
  return reverse_bits32(static_cast<uint32_t>(hn::GetLane(acc) >> 31));
#endif
}

template <class Src>
HWY_INLINE void BatchImpl(const PreparedKey& key, Src src, size_t len, size_t count, uint32_t* out) {
  const uint64_t* r = key.tables.clmul.r;
  const size_t chunks = (len + 3) / 4;
#if EB_HWY_NO_CLMUL
  for (size_t i = 0; i < count; ++i) {
    uint64_t acc = 0;
    for (size_t c = 0; c < chunks; ++c) acc ^= soft_clmul_lo(chunk_be(src(i), c, len), r[c]);
    out[i] = reverse_bits32(static_cast<uint32_t>(acc >> 31));
  }
#else
  const hn::ScalableTag<uint64_t> d;
  constexpr size_t kMaxN = HWY_MAX_BYTES / sizeof(uint64_t);
  const size_t N = hn::Lanes(d);
  HWY_ALIGN uint64_t xs[13 * kMaxN];  // [chunk][lane]
  HWY_ALIGN uint64_t hs[kMaxN];
  const auto low32 = hn::Set(d, 0xFFFFFFFFull);
  const auto m1 = hn::Set(d, 0x55555555ull), m2 = hn::Set(d, 0x33333333ull), m4 = hn::Set(d, 0x0F0F0F0Full),
             m8 = hn::Set(d, 0x00FF00FFull), m16 = hn::Set(d, 0x0000FFFFull);
  for (size_t first = 0; first < count; first += N) {
    const size_t n = count - first < N ? count - first : N;
    for (size_t t = 0; t < N; ++t) {
      if (t < n) {
        const uint8_t* p = src(first + t);
        for (size_t c = 0; c < chunks; ++c) xs[c * N + t] = chunk_be(p, c, len);
      } else {
        for (size_t c = 0; c < chunks; ++c) xs[c * N + t] = 0;
      }
    }
    auto acc_even = hn::Zero(d), acc_odd = hn::Zero(d);
    for (size_t c = 0; c < chunks; ++c) {
      const auto x = hn::Load(d, xs + c * N);
      const auto rk = hn::Set(d, r[c]);
      acc_even = hn::Xor(acc_even, hn::CLMulLower(x, rk));
      acc_odd = hn::Xor(acc_odd, hn::CLMulUpper(x, rk));
    }
    // Each product's low 64 bits sit in the even lane of its block: gather them back in order.
    auto h = hn::And(hn::ShiftRight<31>(hn::InterleaveLower(d, acc_even, acc_odd)), low32);
    h = hn::Or(hn::And(hn::ShiftRight<1>(h), m1), hn::ShiftLeft<1>(hn::And(h, m1)));
    h = hn::Or(hn::And(hn::ShiftRight<2>(h), m2), hn::ShiftLeft<2>(hn::And(h, m2)));
    h = hn::Or(hn::And(hn::ShiftRight<4>(h), m4), hn::ShiftLeft<4>(hn::And(h, m4)));
    h = hn::Or(hn::And(hn::ShiftRight<8>(h), m8), hn::ShiftLeft<8>(hn::And(h, m8)));
    h = hn::Or(hn::And(hn::ShiftRight<16>(h), m16), hn::ShiftLeft<16>(hn::And(h, m16)));
    hn::Store(h, d, hs);
    for (size_t t = 0; t < n; ++t) out[first + t] = static_cast<uint32_t>(hs[t]);
  }
#endif
}

void HashBatchHwy(const PreparedKey& key, const uint8_t* base, size_t stride, size_t len, size_t count,
                  uint32_t* out) {
  BatchImpl(key, Strided{base, stride}, len, count, out);
}
void HashPtrsHwy(const PreparedKey& key, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  BatchImpl(key, Pointers{tuples}, len, count, out);
}
// Tuples one step of the batch works on: one per u64 lane.
size_t BatchWidthHwy() {
#if EB_HWY_NO_CLMUL
  return 1;
#else
  return hn::Lanes(hn::ScalableTag<uint64_t>());
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace eb::toeplitz_detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace eb::toeplitz_detail {

HWY_EXPORT(HashOneHwy);
HWY_EXPORT(HashBatchHwy);
HWY_EXPORT(HashPtrsHwy);
HWY_EXPORT(BatchWidthHwy);

std::vector<HwyToeplitzTarget> hwy_toeplitz_targets() {
  // The four tables list the same compiled targets in the same order.
  const auto one = hwy_entries(HWY_DISPATCH_TABLE(HashOneHwy));
  const auto batch = hwy_entries(HWY_DISPATCH_TABLE(HashBatchHwy));
  const auto ptrs = hwy_entries(HWY_DISPATCH_TABLE(HashPtrsHwy));
  const auto width = hwy_entries(HWY_DISPATCH_TABLE(BatchWidthHwy));
  std::vector<HwyToeplitzTarget> out;
  for (size_t i = 0; i < one.size(); ++i) {
    // The width is asked of the target itself (SVE's is the run-time vector length), so only of
    // targets this CPU runs: the others would raise SIGILL, and their rows say they cannot run.
    const bool runs = (hwy_supported_targets() & one[i].target) != 0;
    out.push_back({one[i].target, one[i].name, one[i].fn, batch[i].fn, ptrs[i].fn,
                   runs ? static_cast<unsigned>(width[i].fn()) : 1u});
  }
  return out;
}

}  // namespace eb::toeplitz_detail
#endif
