// Portable Highway one-pass packet checksums, compiled once per Highway target (see onepass.h for
// the method and its scope; csum_onepass_avx512.cc is the hand-tuned twin).
//
// Each vector of the region is biased by 0x8000 once; each range adds the words of a vector that
// fall in it (an index compare against the range's word bounds, IfThenElseZero, and the signed
// multiply-add ReorderWidenMulAccumulate, exact thanks to the bias). Every vector owns a window of
// words so that no word is counted twice. Loads never pass the region's end: targets with a true
// masked load (AVX-512, SVE) use it; the others load the last vector so that it ends at the
// region's end (overlapping the previous one) and handle an odd last byte in scalar code.
#include <cstring>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/checksum/csum_onepass_hwy.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "kernels/checksum/onepass.h"

HWY_BEFORE_NAMESPACE();
namespace eb::csum {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void OnePassRegionSums(const uint8_t* HWY_RESTRICT frame, const OnePassPlan& p, uint64_t* HWY_RESTRICT native) {
#if HWY_TARGET == HWY_SCALAR
  for (int r = 0; r < kRangeCount; ++r)
    native[r] = p.end[r] > p.begin[r] ? native_sum_scalar(frame + p.begin[r], p.end[r] - p.begin[r]) : 0;
#else
  // MaskedLoad suppresses faults on masked-off lanes only where the hardware masks the load.
  constexpr bool kMaskedLoad = HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_SVE ||
                               HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 || HWY_TARGET == HWY_SVE2_128;
  const hn::ScalableTag<uint8_t> d8;
  const hn::ScalableTag<int16_t> d16;
  const hn::ScalableTag<int32_t> d32;
  using V32 = hn::Vec<decltype(d32)>;
  const uint32_t lanes = static_cast<uint32_t>(hn::Lanes(d8));
  const uint32_t even = p.region & ~1u;  // vector lanes hold words [0, even / 2)

  int16_t wb[kRangeCount], we[kRangeCount];  // word bounds, clipped to the vector part
  for (int r = 0; r < kRangeCount; ++r) {
    const uint32_t e = (p.end[r] < even ? p.end[r] : even) / 2, b = p.begin[r] / 2;
    wb[r] = static_cast<int16_t>(b);
    we[r] = static_cast<int16_t>(e > b ? e : b);
  }
  // A region shorter than one vector on a target without a masked load: a zero-padded copy.
  HWY_ALIGN uint8_t small[HWY_MAX_BYTES];
  if (!kMaskedLoad && even < lanes) {
    std::memcpy(small, frame, even);
    std::memset(small + even, 0, lanes - even);
  }

  const auto bias = hn::Set(d16, static_cast<int16_t>(-32768));
  const auto ones = hn::Set(d16, 1);
  // Named accumulators, not an array: sizeless vector types (SVE) cannot form arrays.
  V32 a0 = hn::Zero(d32), a1 = a0, a2 = a0, a3 = a0, a4 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0;
  for (uint32_t off = 0; off < even; off += lanes) {
    uint32_t base = off;
    auto load = [&]() {
      if constexpr (kMaskedLoad) {
        return hn::MaskedLoad(hn::FirstN(d8, even - off), d8, frame + off);
      } else {
        if (off + lanes <= even) return hn::LoadU(d8, frame + off);
        if (even >= lanes) return base = even - lanes, hn::LoadU(d8, frame + base);
        return hn::Load(d8, small);
      }
    };
    const auto vb = hn::Xor(hn::BitCast(d16, load()), bias);
    const auto idx = hn::Iota(d16, static_cast<int16_t>(base / 2));
    const int16_t lo = static_cast<int16_t>(off / 2);
    const int16_t hi = static_cast<int16_t>((off + lanes < even ? off + lanes : even) / 2);
    auto add = [&](int r, V32& acc, V32& acc1) {
      const int16_t b = wb[r] > lo ? wb[r] : lo, e = we[r] < hi ? we[r] : hi;
      if (b >= e) return;
      const auto m = hn::And(hn::Gt(idx, hn::Set(d16, static_cast<int16_t>(b - 1))), hn::Lt(idx, hn::Set(d16, e)));
      acc = hn::ReorderWidenMulAccumulate(d32, hn::IfThenElseZero(m, vb), ones, acc, acc1);
    };
    add(0, a0, c0);
    add(1, a1, c1);
    add(2, a2, c2);
    add(3, a3, c3);
    add(4, a4, c4);
  }
  static_assert(kRangeCount == 5, "one accumulator pair per range");
  const int64_t s[kRangeCount] = {
      hn::GetLane(hn::SumOfLanes(d32, hn::Add(a0, c0))), hn::GetLane(hn::SumOfLanes(d32, hn::Add(a1, c1))),
      hn::GetLane(hn::SumOfLanes(d32, hn::Add(a2, c2))), hn::GetLane(hn::SumOfLanes(d32, hn::Add(a3, c3))),
      hn::GetLane(hn::SumOfLanes(d32, hn::Add(a4, c4)))};
  for (int r = 0; r < kRangeCount; ++r) {
    native[r] = static_cast<uint64_t>(s[r] + int64_t{32768} * (we[r] - wb[r]));
    // An odd region's last byte (an even frame offset: the low byte of a native word).
    if ((p.region & 1) && p.end[r] == p.region && p.begin[r] < p.end[r]) native[r] += frame[p.region - 1];
  }
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace eb::csum
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace eb::csum {

HWY_EXPORT(OnePassRegionSums);

namespace {

struct HwyOnePass {
  const ChecksumImpl* per_header;  // the `hwy` record: the path for everything else
  SumFn bulk;
};
const HwyOnePass& hwy_onepass() {
  static const HwyOnePass h = [] {
    const ChecksumImpl* r = find_checksum("hwy");
    return HwyOnePass{r, r->sum};
  }();
  return h;
}

}  // namespace

uint8_t fill_onepass_hwy(uint8_t* frame, const NvgreLayout& L) {
  const HwyOnePass& h = hwy_onepass();
  OnePassPlan p;
  if (!onepass_plan(L, p)) return checksum_fill(frame, L, *h.per_header);
  uint64_t native[kRangeCount];
  HWY_DYNAMIC_DISPATCH(OnePassRegionSums)(frame, p, native);
  return onepass_store(frame, L, onepass_combine(frame, L, p, native, h.bulk));
}

VerifyResult verify_onepass_hwy(const uint8_t* frame, const NvgreLayout& L) {
  const HwyOnePass& h = hwy_onepass();
  OnePassPlan p;
  VerifyResult r;
  if (onepass_plan(L, p)) {
    uint64_t native[kRangeCount];
    HWY_DYNAMIC_DISPATCH(OnePassRegionSums)(frame, p, native);
    if (onepass_all_good(frame, L, onepass_combine(frame, L, p, native, h.bulk), r)) return r;
  }
  return checksum_verify(frame, L, *h.per_header);
}

}  // namespace eb::csum
#endif  // HWY_ONCE
