// Portable Highway ones-complement sum, compiled once per Highway target (foreach_target.h).
// Same method as the hand-tuned kernels: bias each 16-bit word by 0x8000 so the signed pairwise
// multiply-add (ReorderWidenMulAccumulate: vpmaddwd on x86) sums exact values into 32-bit lanes,
// then add 32768 per word at the end. The tail (< one vector) goes through the shared scalar path:
// Highway 1.0.3's MaskedLoad on SSE4/AVX2 reads the whole vector (docs/toolchain.md, "Highway
// 1.0.3"), and copying the tail to a stack buffer costs a store-forwarding stall per call
// (measured: 25.9 -> 14.6 ns at 1500 B with the scalar tail, hwy-avx3).
#include <cstring>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/checksum/csum_hwy.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "kernels/checksum/csum_internal.h"

HWY_BEFORE_NAMESPACE();
namespace eb::csum {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

uint32_t HwySum(const uint8_t* HWY_RESTRICT p, size_t n, uint32_t initial) {
#if HWY_TARGET == HWY_SCALAR
  return to_partial(native_sum_scalar(p, n), initial);
#else
  const hn::ScalableTag<uint8_t> d8;
  const hn::ScalableTag<int16_t> d16;
  const hn::ScalableTag<int32_t> d32;
  const size_t L = hn::Lanes(d8);
  if (n < 64 || n < 2 * L) return to_partial(native_sum_scalar(p, n), initial);

  const auto bias = hn::Set(d16, static_cast<int16_t>(-32768));  // XOR 0x8000
  const auto ones = hn::Set(d16, 1);
  auto step = [&](hn::Vec<decltype(d32)> acc, const uint8_t* q) {
    auto v = hn::Xor(hn::BitCast(d16, hn::LoadU(d8, q)), bias);
    auto unused = hn::Zero(d32);
    return hn::ReorderWidenMulAccumulate(d32, v, ones, acc, unused);
  };
  // Each vector adds at most (L/2) * 32768 in magnitude; 64 KiB blocks stay far below 2^31.
  constexpr size_t kBlock = 64 * 1024;
  int64_t total = 0;
  uint64_t vectors = 0;
  while (n >= L) {
    const size_t chunk = ((n < kBlock ? n : kBlock) / L) * L;
    auto a0 = hn::Zero(d32), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    for (; i + 4 * L <= chunk; i += 4 * L) {
      a0 = step(a0, p + i);
      a1 = step(a1, p + i + L);
      a2 = step(a2, p + i + 2 * L);
      a3 = step(a3, p + i + 3 * L);
    }
    for (; i < chunk; i += L) a0 = step(a0, p + i);
    const auto a = hn::Add(hn::Add(a0, a1), hn::Add(a2, a3));
    total += hn::GetLane(hn::SumOfLanes(d32, a));
    vectors += chunk / L;
    p += chunk;
    n -= chunk;
  }
  // The tail starts at an even offset (L is even), so its native sum adds directly.
  const uint64_t s = static_cast<uint64_t>(total + static_cast<int64_t>(vectors * (L / 2) * 32768));
  return to_partial(native_sum_scalar(p, n, s), initial);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace eb::csum
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace eb::csum {

HWY_EXPORT(HwySum);

HwyTargets hwy_targets() {
  HwyTargets t;
  t.supported = hwy::SupportedTargets();
  // Highway's dynamic-dispatch decision, taken once: the entry HWY_DYNAMIC_DISPATCH would call
  // after its first-call initialisation, so `hwy` pays no per-call dispatch.
  hwy::GetChosenTarget().Update(t.supported);
  t.dispatched = HWY_DISPATCH_TABLE(HwySum)[hwy::GetChosenTarget().GetIndex()];
  for (int64_t bit : {int64_t{HWY_AVX3_DL}, int64_t{HWY_AVX3}, int64_t{HWY_AVX2}, int64_t{HWY_SSE4}}) {
    if ((HWY_TARGETS & bit) && (t.supported & bit)) {
      t.dispatched_name = hwy::TargetName(bit);
      t.dispatched_bit = bit;
      break;
    }
  }
#if HWY_TARGETS & HWY_SSE4
  t.sse4 = &N_SSE4::HwySum;
#endif
#if HWY_TARGETS & HWY_AVX2
  t.avx2 = &N_AVX2::HwySum;
#endif
#if HWY_TARGETS & HWY_AVX3
  t.avx3 = &N_AVX3::HwySum;
#endif
#if HWY_TARGETS & HWY_AVX3_DL
  t.avx3_dl = &N_AVX3_DL::HwySum;
#endif
  return t;
}

int64_t hwy_bit_sse4() { return HWY_SSE4; }
int64_t hwy_bit_avx2() { return HWY_AVX2; }
int64_t hwy_bit_avx3() { return HWY_AVX3; }
int64_t hwy_bit_avx3_dl() { return HWY_AVX3_DL; }

}  // namespace eb::csum
#endif  // HWY_ONCE
