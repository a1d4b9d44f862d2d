// The uso family's entry points: the segment family's loops (segment_loops.inc) compiled with
// the UDP send template, bound to the checksum family's kernels like segment/fused and
// segment/zerocopy; the reference is segment's reference run on a UDP send.
#include "kernels/segment/segment_impls.h"
#include "kernels/segment/segment_template.h"
#include "kernels/common/arch.h"
#include "kernels/uso/uso_impls.h"

namespace eb::segment_detail {

namespace uso_generic {
#define EB_SEG_LOOP_ATTR
#define EB_SEG_LOOP_TEMPLATE UdpSendTemplate
#define EB_SEG_LOOP_SUM(p, n) self.kernels.sum(p, n, 0)
#define EB_SEG_LOOP_COPY_SUM(d, s, n) self.kernels.copy_and_sum(d, s, n, 0)
#include "kernels/segment/segment_loops.inc"
#undef EB_SEG_LOOP_COPY_SUM
#undef EB_SEG_LOOP_SUM
#undef EB_SEG_LOOP_ATTR
}  // namespace uso_generic

namespace {
SegmentInput as_udp(const SegmentInput& in) {
  SegmentInput u = in;
  u.l4 = L4Proto::udp;
  return u;
}
}  // namespace

SegmentError uso_reference(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out, uint32_t* count) {
  return reference_segment(self, as_udp(in), out, count);
}

SegmentError uso_fused(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out, uint32_t* count) {
  return uso_generic::fused_loop(self, in, out, count);
}

SegmentError uso_zerocopy_describe(const SegmentImpl& self, const SegmentInput& in, const SgOutput& out,
                                   uint32_t* count) {
  return uso_generic::describe_loop(self, in, out, count);
}

SegmentError uso_zerocopy(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out, uint32_t* count) {
  return uso_generic::sum_then_copy_loop(self, in, out, count);
}

}  // namespace eb::segment_detail

#if EB_ARCH_X86_64
namespace eb::segment_detail {

// zerocopy-avx512: the zero-copy loops with the aligned-load AVX-512 sums (checksum/avx512-aligned
// per datagram, the segment family's one-pass multi_sums_aligned_avx512 per batch).
namespace uso_avx512 {
#define EB_SEG_LOOP_ATTR
#define EB_SEG_LOOP_TEMPLATE UdpSendTemplate
#define EB_SEG_LOOP_SUM(p, n) self.kernels.sum(p, n, 0)
#define EB_SEG_LOOP_BATCH_SUMS(payload, len, mss, b, cnt, out) multi_sums_aligned_avx512(payload, len, mss, b, cnt, out)
#include "kernels/segment/segment_loops.inc"
#undef EB_SEG_LOOP_BATCH_SUMS
#undef EB_SEG_LOOP_SUM
#undef EB_SEG_LOOP_ATTR
}  // namespace uso_avx512

SegmentError uso_zerocopy_avx512_describe(const SegmentImpl& self, const SegmentInput& in, const SgOutput& out,
                                          uint32_t* count) {
  return uso_avx512::describe_loop(self, in, out, count);
}

SegmentError uso_zerocopy_avx512(const SegmentImpl& self, const SegmentInput& in, const SegmentOutput& out,
                                 uint32_t* count) {
  return uso_avx512::sum_then_copy_loop(self, in, out, count);
}

}  // namespace eb::segment_detail
#endif  // EB_ARCH_X86_64
