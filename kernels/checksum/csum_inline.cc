// Inline per-packet checksums (records inline-avx512, inline): every checksum of a parsed
// packet computed in one function from the parse's offsets, with no call per header.
//
// The per-header path (offload.cc) calls the record's sum kernel once per range: three or four
// indirect calls per packet, each paying its length dispatch, tail handling and fold, for ranges
// that are mostly 8 to 100 bytes. Here the short ranges are summed in line with 64-bit
// end-around-carry adds of native words: the IPv4 header (20 bytes without options) as two 8-byte
// and one 4-byte load, the IPv4 pseudo-header addresses as one 8-byte load, the IPv6 ones as four;
// the L4 segment (and the GRE range) by the scalar two-chain loop up to kInlineBelow bytes and by
// the record's bulk kernel beyond. All sums are taken before any field is stored (a narrow store
// followed by a wider load over it cannot be store-forwarded), with the old fields in place and
// taken out in ones-complement arithmetic, so the sums of one packet are independent and overlap.
//
// Native words: on this little-endian host a big-endian word v reads as bswap16(v), and by
// RFC 1071 §2(B) the native sum of a range is the byte-swapped big-endian sum. Every range here
// starts at an even offset from its own checksum's start, every field sits at an even offset in
// its range, so fields are loaded, patched and stored as native words; only the constants
// (pseudo-header protocol and length) are swapped.
//
// Receive returns all-good results itself; any other outcome (a bad or partial field, UDP with a
// zero field) is decided by the per-header path, so statuses keep that path's exact semantics.
#include <cstring>

#include "kernels/checksum/csum_internal.h"
#include "kernels/checksum/offload.h"
#include "kernels/checksum/onepass.h"
#include "kernels/common/byteorder.h"

namespace eb::csum {

namespace {

// The scalar copy: short ranges by the two-chain 64-bit loop. 192 B: below it the vector kernels
// themselves take this loop (kAvx512ScalarBelow).
#define EB_INLINE_SHORT native_sum_scalar
#define EB_INLINE_BELOW 192
#include "kernels/checksum/csum_inline.inc"
#undef EB_INLINE_SHORT
#undef EB_INLINE_BELOW

}  // namespace

// The best per-header record this CPU runs: the first supported implementation, in rank order,
// without a per-packet kernel of its own (best_checksum() unless that is a per-packet record, so
// neither the bulk sum nor the fallback can come back here). Its sum is the portable record's
// bulk kernel, so a long payload is summed as fast as by the per-header path, on every
// architecture; adc64x2 (needs nothing) if nothing else runs.
const ChecksumImpl& best_per_header() {
  static const ChecksumImpl& r = []() -> const ChecksumImpl& {
    for (const auto& c : checksum_impls())
      if (c.info.kind == ImplKind::implementation && c.info.supported() && !c.fill_packet && !c.copy_and_sum) return c;
    return *find_checksum("adc64x2");
  }();
  return r;
}

uint32_t sum_best(const uint8_t* p, size_t n, uint32_t initial) {
  static const SumFn best = best_per_header().sum;
  return best(p, n, initial);
}

constinit const PacketKernels kInlinePortableKernels = packet_kernels<sum_best, best_per_header>();

}  // namespace eb::csum
