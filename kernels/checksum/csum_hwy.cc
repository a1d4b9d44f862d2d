// The checksum family's Highway kernels, compiled once per Highway target (foreach_target.h):
// the ones-complement sum (`hwy` and its per-target rows) and the one-pass packet checksums
// (`onepass-hwy`). One translation unit, so one per-target compile of the family.
//
// The sum: the same method as the hand-tuned kernels: bias each 16-bit word by 0x8000 so the
// signed pairwise multiply-add (ReorderWidenMulAccumulate: vpmaddwd on x86) sums exact values
// into 32-bit lanes, then add 32768 per word at the end. The tail (< one vector) goes through the shared scalar path:
// Highway 1.0.3's MaskedLoad on SSE4/AVX2 reads the whole vector (docs/toolchain.md, "Highway
// 1.0.3"), and copying the tail to a stack buffer costs a store-forwarding stall per call
// (measured: 25.9 -> 14.6 ns at 1500 B with the scalar tail, hwy-avx3).
//
// The one-pass packet checksums (see onepass.h for the method and its scope;
// csum_onepass_avx512.cc is the hand-tuned twin).
//
// The same two views and dword lanes as the AVX-512 kernel: per vector, each lane's two native
// words are added in 32 bits (no bias needed), and each checksum adds the lanes FirstN masks
// select. Loads never pass the region's end: targets with a true masked load (AVX-512, SVE) use
// it; the others copy the region into a zero-padded buffer first (Highway 1.0.3's MaskedLoad on
// SSE4/AVX2 reads the whole vector). The scalar target sums the same byte ranges directly.
#include <cstring>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/checksum/csum_hwy.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "kernels/checksum/csum_internal.h"
#include "kernels/checksum/onepass.h"

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
  // ReorderWidenMulAccumulate may put part of the products into its second accumulator (NEON
  // does: the upper halves' products go there, x86's vpmaddwd leaves it zero): both are kept.
  using V32 = hn::Vec<decltype(d32)>;
  auto step = [&](V32 acc, V32& acc_hi, const uint8_t* q) {
    auto v = hn::Xor(hn::BitCast(d16, hn::LoadU(d8, q)), bias);
    return hn::ReorderWidenMulAccumulate(d32, v, ones, acc, acc_hi);
  };
  // Each vector adds at most (L/2) * 32768 in magnitude; 64 KiB blocks stay far below 2^31.
  constexpr size_t kBlock = 64 * 1024;
  int64_t total = 0;
  uint64_t vectors = 0;
  while (n >= L) {
    const size_t chunk = ((n < kBlock ? n : kBlock) / L) * L;
    auto a0 = hn::Zero(d32), a1 = a0, a2 = a0, a3 = a0;
    auto h0 = a0, h1 = a0, h2 = a0, h3 = a0;
    size_t i = 0;
    for (; i + 4 * L <= chunk; i += 4 * L) {
      a0 = step(a0, h0, p + i);
      a1 = step(a1, h1, p + i + L);
      a2 = step(a2, h2, p + i + 2 * L);
      a3 = step(a3, h3, p + i + 3 * L);
    }
    for (; i < chunk; i += L) a0 = step(a0, h0, p + i);
    const auto a = hn::Add(hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)), hn::Add(hn::Add(h0, h1), hn::Add(h2, h3)));
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

// The four native sums (OnePassSum order) of the region, exact.
void OnePassLaneSums(const uint8_t* HWY_RESTRICT frame, const OnePassPlan& p, const OnePassLanes& q,
                     uint64_t* HWY_RESTRICT sums) {
#if HWY_TARGET == HWY_SCALAR
  auto range = [&](uint32_t b, uint32_t e, uint32_t shift) -> uint64_t {
    // Lanes [b, e) of the view at frame + shift, clipped to the region (zero past it).
    const uint32_t lo = 4 * b + shift, hi = 4 * e + shift < p.region ? 4 * e + shift : p.region;
    return hi > lo ? native_sum_scalar(frame + lo, hi - lo) : 0;
  };
  sums[kSumOuterIp] = range(q.outer_b, q.outer_e, 2);
  sums[kSumInnerIp] = range(q.inner_b, q.inner_e, 0);
  sums[kSumL4] = range(q.pseudo_b, q.pseudo_e, 0) + range(q.l4_b, q.l4_e, 0);
  sums[kSumGre] = range(q.gre_b, q.gre_e, 2);
#else
  // MaskedLoad suppresses faults on masked-off lanes only where the hardware masks the load;
  // elsewhere the region is copied into a zero-padded buffer first.
  constexpr bool kMaskedLoad = HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_SVE ||
                               HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 || HWY_TARGET == HWY_SVE2_128;
  const hn::ScalableTag<uint8_t> d8;
  const hn::ScalableTag<uint32_t> d32;
  using V32 = hn::Vec<decltype(d32)>;
  const uint32_t lanes8 = static_cast<uint32_t>(hn::Lanes(d8)), lanes32 = lanes8 / 4;
  HWY_ALIGN uint8_t buf[kOnePassRegion + 2 * HWY_MAX_BYTES];
  const uint8_t* src = frame;
  if (!kMaskedLoad) {
    const uint32_t padded = (p.region + lanes8 - 1) / lanes8 * lanes8 + 4;
    std::memcpy(buf, frame, p.region);
    std::memset(buf + p.region, 0, padded - p.region);
    src = buf;
  }
  // Each lane's value: the sum of its two native words (exact in 32 bits).
  const auto lo16 = hn::Set(d32, 0xFFFFu);
  auto pair_sums = [&](hn::Vec<decltype(d8)> v) {
    const auto w = hn::BitCast(d32, v);
    return hn::Add(hn::And(w, lo16), hn::ShiftRight<16>(w));
  };
  auto load = [&](uint32_t off, uint32_t avail) {
    if constexpr (kMaskedLoad) return hn::MaskedLoad(hn::FirstN(d8, avail), d8, src + off);
    return hn::LoadU(d8, src + off);
  };
  // Lanes [b, e) of the vector whose first lane is `base`, as a mask.
  auto in = [&](uint32_t b, uint32_t e, uint32_t base) {
    const uint32_t lo = b > base ? (b - base < lanes32 ? b - base : lanes32) : 0;
    const uint32_t hi = e > base ? (e - base < lanes32 ? e - base : lanes32) : 0;
    return hn::AndNot(hn::FirstN(d32, lo), hn::FirstN(d32, hi));
  };
  V32 a_out = hn::Zero(d32), a_in = a_out, a_l4 = a_out, a_gre = a_out;
  for (uint32_t off = 0; off < p.region; off += lanes8) {
    const uint32_t left = p.region - off, base = off / 4;
    const auto s0 = pair_sums(load(off, left));                        // the frame's view
    const auto s1 = pair_sums(load(off + 2, left > 2 ? left - 2 : 0));  // two bytes on
    a_in = hn::Add(a_in, hn::IfThenElseZero(in(q.inner_b, q.inner_e, base), s0));
    a_l4 = hn::Add(a_l4, hn::IfThenElseZero(hn::Or(in(q.pseudo_b, q.pseudo_e, base), in(q.l4_b, q.l4_e, base)), s0));
    a_out = hn::Add(a_out, hn::IfThenElseZero(in(q.outer_b, q.outer_e, base), s1));
    a_gre = hn::Add(a_gre, hn::IfThenElseZero(in(q.gre_b, q.gre_e, base), s1));
  }
  sums[kSumOuterIp] = hn::GetLane(hn::SumOfLanes(d32, a_out));
  sums[kSumInnerIp] = hn::GetLane(hn::SumOfLanes(d32, a_in));
  sums[kSumL4] = hn::GetLane(hn::SumOfLanes(d32, a_l4));
  sums[kSumGre] = hn::GetLane(hn::SumOfLanes(d32, a_gre));
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace eb::csum
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace eb::csum {

HWY_EXPORT(HwySum);

std::vector<HwyEntryOf<SumFn>> hwy_sum_targets() { return hwy_entries(HWY_DISPATCH_TABLE(HwySum)); }

HWY_EXPORT(OnePassLaneSums);

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

// The four sums folded to 16 bits with `extra` added.
void folded(const uint8_t* frame, const OnePassPlan& p, const OnePassLanes& q, const uint32_t extra[kSumCount],
            uint32_t t[kSumCount]) {
  uint64_t s[kSumCount];
  HWY_DYNAMIC_DISPATCH(OnePassLaneSums)(frame, p, q, s);
  for (int r = 0; r < kSumCount; ++r) t[r] = fold16(s[r] + extra[r]);
}

}  // namespace

uint8_t fill_onepass_hwy(uint8_t* frame, const NvgreLayout& L) {
  const HwyOnePass& h = hwy_onepass();
  OnePassPlan p;
  OnePassLanes q;
  if (!onepass_plan(L, p) || !onepass_lanes(L, p, q)) return checksum_fill(frame, L, *h.per_header);
  uint32_t extra[kSumCount], t[kSumCount];
  onepass_outside(frame, L, p, h.bulk, extra);
  onepass_fill_extra(frame, L, extra);
  folded(frame, p, q, extra, t);
  return onepass_store(frame, L, t);
}

VerifyResult verify_onepass_hwy(const uint8_t* frame, const NvgreLayout& L) {
  const HwyOnePass& h = hwy_onepass();
  OnePassPlan p;
  OnePassLanes q;
  VerifyResult r;
  if (onepass_plan(L, p) && onepass_lanes(L, p, q) && !onepass_udp_zero(frame, L)) {
    uint32_t extra[kSumCount], t[kSumCount];
    onepass_outside(frame, L, p, h.bulk, extra);
    folded(frame, p, q, extra, t);
    unsigned good = 0;
    for (int k = 0; k < kSumCount; ++k) good |= (t[k] == 0xFFFF ? 1u : 0u) << k;
    if (onepass_all_good(L, good, r)) return r;
  }
  return checksum_verify(frame, L, *h.per_header);
}

}  // namespace eb::csum
#endif  // HWY_ONCE
