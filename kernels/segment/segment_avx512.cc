// The segment family's AVX-512 zero-copy loops: per-segment payload sums with 64-byte-ALIGNED
// loads only, from the checksum family's `avx512-aligned` kernel
// (kernels/checksum/csum_avx512_aligned.h, inlined here: no indirect call per segment), and the
// one-pass sums of consecutive segments below.
#include "kernels/common/x86_intrinsics.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/checksum/csum_avx512_aligned.h"
#include "kernels/common/ones_complement.h"
#include "kernels/segment/segment_impls.h"
#include "kernels/segment/segment_template.h"

namespace eb::segment_detail {

#define EB_SEG_T EB_CSUM_ALIGNED_T
using namespace eb::csum::aligned;

// The sums of consecutive segment payloads [b, b + cnt) of a payload cut at every `mss` bytes, in
// ONE pass of aligned blocks: a block holding a segment boundary is split by mask between the
// two segments, so no block is loaded twice and the per-segment cost is one boundary split and
// one horizontal reduction. Needs 64 <= mss <= kMultiMaxMss (one boundary per block at most, and
// at most 1024 blocks per segment for the 32-bit lanes).
constexpr uint32_t kMultiMaxMss = 65000;

EB_SEG_T inline uint32_t finish_chunk(__m512i a0, __m512i a1, __m512i a2, __m512i a3, int64_t blocks,
                                      const uint8_t* start) {
  const int64_t t = hsum(_mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3))) + blocks * 32 * 32768;
  uint16_t f = fold16(static_cast<uint64_t>(t));
  if (!(reinterpret_cast<uintptr_t>(start) & 1)) f = bswap16(f);
  return f;
}

EB_SEG_T inline void multi_sums_inline(const uint8_t* payload, uint32_t payload_len, uint32_t mss, uint32_t b,
                                       uint32_t cnt, uint32_t* out) {
  const uint8_t* const S = payload + size_t{b} * mss;
  const uint8_t* const E = payload + std::min<size_t>(size_t{b + cnt} * mss, payload_len);
  if (E == S) {  // an empty payload: its one segment sums to 0, and there is no byte to load
    for (uint32_t k = 0; k < cnt; ++k) out[k] = 0;
    return;
  }
  const uint8_t* a = reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(S) & ~uintptr_t{63});
  const uint8_t* const last = reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(E - 1) & ~uintptr_t{63});
  const __mmask64 head = ~_bzhi_u64(~0ull, static_cast<unsigned>(S - a));
  const __mmask64 tail = _bzhi_u64(~0ull, static_cast<unsigned>(E - last));
  const __m512i zero = _mm512_setzero_si512();
  __m512i a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  int64_t nb = 0;
  uint32_t c = 0;
  const uint8_t* cstart = S;
  const uint8_t* cend = std::min(S + mss, E);
  for (;;) {
    // Whole blocks inside the current segment, past the first block, leaving the block that
    // holds the segment's last byte to the path below (strict <: it must see the boundary).
    for (; a >= S && a + 256 < cend; a += 256, nb += 4) {
      a0 = step(a0, _mm512_load_si512(a));
      a1 = step(a1, _mm512_load_si512(a + 64));
      a2 = step(a2, _mm512_load_si512(a + 128));
      a3 = step(a3, _mm512_load_si512(a + 192));
    }
    __mmask64 m = ~0ull;
    if (a < S) m &= head;
    if (a == last) m &= tail;
    const __m512i x = m == ~0ull ? _mm512_load_si512(a) : _mm512_maskz_loadu_epi8(m, a);
    if (a + 64 < cend) {  // inside the segment, which goes on
      a1 = step(a1, x);
      ++nb;
      a += 64;
      continue;
    }
    // The segment ends in this block (at its last byte or before).
    const __mmask64 mine = _bzhi_u64(~0ull, static_cast<unsigned>(cend - a));
    a0 = step(a0, _mm512_maskz_mov_epi8(mine, x));
    out[c] = finish_chunk(a0, a1, a2, a3, nb + 1, cstart);
    if (++c == cnt) return;
    cstart = cend;
    cend = std::min(cend + mss, E);
    a0 = a1 = a2 = a3 = zero;
    nb = 0;
    if (cstart < a + 64) {  // the next segment starts inside this block
      a0 = step(a0, _mm512_maskz_mov_epi8(~mine, x));
      nb = 1;
      if (cend <= a + 64) {  // and ends in it too (a short last segment)
        out[c] = finish_chunk(a0, a1, a2, a3, nb, cstart);
        return;
      }
    }
    a += 64;
  }
}

EB_SEG_T void multi_sums_aligned_avx512(const uint8_t* payload, uint32_t payload_len, uint32_t mss, uint32_t b,
                                        uint32_t cnt, uint32_t* out) {
  if (mss < 64 || mss > kMultiMaxMss) {
    for (uint32_t k = 0; k < cnt; ++k) {
      const size_t off = size_t{b + k} * mss;
      out[k] = sum_aligned_inline(payload + off, std::min<size_t>(mss, payload_len - off), 0);
    }
    return;
  }
  multi_sums_inline(payload, payload_len, mss, b, cnt, out);
}

// zerocopy-avx512: the zero-copy loops with this sum inlined (no indirect call per segment).
namespace avx512 {
#define EB_SEG_LOOP_ATTR EB_SEG_T
#define EB_SEG_LOOP_SUM(p, n) sum_aligned_inline(p, n, 0)
#define EB_SEG_LOOP_BATCH_SUMS(payload, len, mss, b, cnt, out) \
  ((mss) >= 64 && (mss) <= kMultiMaxMss ? multi_sums_inline(payload, len, mss, b, cnt, out)   \
                                        : multi_sums_aligned_avx512(payload, len, mss, b, cnt, out))
#include "kernels/segment/segment_loops.inc"
#undef EB_SEG_LOOP_BATCH_SUMS
#undef EB_SEG_LOOP_SUM
#undef EB_SEG_LOOP_ATTR
}  // namespace avx512

EB_SEG_T SegmentError zerocopy_avx512_describe(const SegmentImpl& self, const SegmentInput& in, const SgOutput& out,
                                               uint32_t* count) {
  return avx512::describe_loop(self, in, out, count);
}
EB_SEG_T SegmentError zerocopy_avx512_segment(const SegmentImpl& self, const SegmentInput& in,
                                              const SegmentOutput& out, uint32_t* count) {
  return avx512::sum_then_copy_loop(self, in, out, count);
}

#undef EB_SEG_T

}  // namespace eb::segment_detail
