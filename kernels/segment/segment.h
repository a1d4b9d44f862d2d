// LSOv2 / TSO segmentation of NVGRE sends (transmit side): one TCP super-packet in, wire-ready
// NVGRE segments out, as a NIC advertising NVGRE LSOv2 would put them on the wire.
//
// Segment rules (docs/nvgre-offload.md, "LSOv2"). For a payload of P bytes and an
// MSS of M there are ceil(P / M) segments, every one M bytes except at most the last. Segment i
// (0-based) carrying payload bytes [off, off + len) is:
//   - every header byte of the super-packet (outer Ethernet/802.1Q, outer IP with options or
//     extension headers, GRE, inner Ethernet, inner IP with options or extension headers, TCP
//     with options) copied, then patched:
//   - outer IPv4: total length = this segment's, ID = original + i (mod 2^16), header checksum
//     computed; outer IPv6: payload length = this segment's (extension headers counted);
//   - inner IPv4 / IPv6: the same (length, ID + i and checksum / payload length);
//   - TCP: sequence number = original + off (mod 2^32); FIN and PSH kept only on the last
//     segment, CWR only on the first, every other flag as in the super-packet; checksum over the
//     segment's own pseudo-header (IPv6: type-2 routing header address as destination and Home
//     Address option address as source when present, as the packet builder does), header and
//     payload. The TCP checksum field of the super-packet (often the length-0 pseudo-header seed
//     the stack leaves for the NIC) is ignored;
//   - GRE: copied unchanged (key/VSID, FlowID; a sequence number, S bit, is copied too, not
//     advanced); when the C bit is set its checksum is recomputed per segment over the GRE header
//     and everything after it.
// The input's IP checksum fields are ignored (recomputed). Lengths of 0 in the super-packet (NDIS
// large-send convention, ParseOptions{large_send = true}) are fine: every length is rewritten.
//
// A send whose payload is not larger than the MSS (including an empty payload) is NOT an error:
// it becomes exactly one segment, the packet itself with its lengths set and every checksum
// filled, flags untouched (it is both the first and the last segment). SegmentPlan::segments is
// then 1 and callers that want to report "passed through" can test passthrough().
//
// Inputs that cannot be segmented return a specific SegmentError and write nothing that could be
// mistaken for a segment (outputs are only filled on success): see the enum.
//
// Implementations (segment_impls(), best first by preferred_rank):
//   reference     copy each segment, then fill every checksum from scratch with the plain
//                 ones-complement loop; obviously correct, the oracle.
//   fused         header template built once per send (sums of the fixed header words), patched
//                 per segment; payload copied and summed in one pass by the best fused
//                 copy_and_sum of the checksum family. fused-NAME: the same with checksum kernel
//                 NAME's copy_and_sum.
//   zerocopy      scatter-gather: per segment a patched header buffer plus (offset, length) of
//                 its payload in the original frame, checksums from the best read-only sum
//                 kernel; `gather` materialises it. Its `segment` entry = describe + gather.
//   dpdk-gso      peer: DPDK rte_gso_segment (outer IPv4 + GRE + inner IPv4/TCP only) completed
//                 with DPDK's software checksums; see segment_dpdk.cc for every difference.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/enum_names.h"
#include "kernels/common/registry.h"
#include "kernels/packet/caps.h"
#include "kernels/packet/nvgre.h"

namespace eb {

// Why a super-packet cannot be segmented: X(id, sentence). Stable order (JSON output): append only.
#define EB_SEGMENT_ERROR_VALUES(X)                                                                                    \
  X(ok, "segmented")                                                                                                  \
  /* layout.error says why */                                                                                         \
  X(parse_error, "the frame does not parse as an NVGRE packet, so it cannot be segmented")                           \
  X(not_tcp, "the inner transport is not TCP; LSOv2 segments TCP sends only")                                        \
  X(header_too_large,                                                                                                 \
    "the header (frame start to the end of the TCP/UDP header) is larger than the profile's MaxHeaderSize")          \
  X(mss_zero, "the MSS is 0")                                                                                         \
  X(mss_too_large, "a segment of MSS payload bytes would not fit the 16-bit IP length fields")                       \
  X(trailing_bytes, "the frame has bytes after the end of the outer IP packet")                                      \
  X(inner_length_mismatch, "the inner IP packet does not end where the outer IP packet ends")                        \
  /* caller's arena / segment table / header arena smaller than the plan */                                           \
  X(output_too_small, "the output buffers are smaller than the segment plan needs")                                  \
  /* a peer's limits; see the implementation's message */                                                             \
  X(unsupported, "this implementation does not support this kind of packet")                                         \
  /* gather: the scatter-gather list does not describe this send's plan */                                            \
  X(sg_mismatch, "the scatter-gather list does not describe this send")                                              \
  /* USO (kernels/uso/) segments UDP only */                                                                          \
  X(not_udp, "the inner transport is not UDP; USO segments UDP sends only")                                          \
  X(l4_length_mismatch, "the UDP length is neither 0 nor the length to the end of the inner IP packet")
enum class SegmentError : uint8_t { EB_SEGMENT_ERROR_VALUES(EB_ENUM_ID) count_ };
const char* segment_error_name(SegmentError e);     // "header_too_large", ...
const char* segment_error_message(SegmentError e);  // one sentence

// One input send. `layout` must be the parse of exactly these bytes (parse_nvgre with
// ParseOptions{large_send = true}).
struct SegmentInput {
  const uint8_t* frame = nullptr;
  size_t frame_len = 0;
  const NvgreLayout* layout = nullptr;
  uint32_t mss = 0;                                   // payload bytes per segment
  uint32_t max_header_size = kDefaultMaxHeaderSize;   // OffloadCaps::max_header_size
  // The transport being segmented: tcp (LSOv2, this family) or udp (USO, kernels/uso/). The
  // plan refuses a send of the other kind; the uso family's entry points set udp themselves.
  L4Proto l4 = L4Proto::tcp;
};
inline SegmentInput make_segment_input(const uint8_t* frame, size_t len, const NvgreLayout& layout,
                                       uint32_t mss, const OffloadCaps& caps) {
  return SegmentInput{frame, len, &layout, mss, caps.max_header_size};
}

// Where segments go in a materialised output arena. Segment i starts at first_offset + i*stride:
// stride is a multiple of 64 and first_offset makes every segment's payload start 64-byte
// aligned relative to the arena start (headers are short; payload stores are the bulk).
struct SegmentPlan {
  SegmentError error = SegmentError::ok;
  uint32_t header_len = 0;    // bytes of headers copied into every segment (= payload offset)
  uint32_t payload_len = 0;   // of the super-packet
  uint32_t mss = 0;
  uint32_t segments = 0;      // >= 1 on success
  uint32_t stride = 0;
  uint32_t first_offset = 0;
  size_t arena_bytes = 0;     // bytes of output arena needed (last segment ends exactly there)
  size_t wire_bytes = 0;      // sum of segment frame lengths
  size_t header_bytes = 0;    // scatter-gather header arena needed: segments * header_len

  bool ok() const { return error == SegmentError::ok; }
  bool passthrough() const { return ok() && segments == 1; }
  uint32_t segment_payload_offset(uint32_t i) const { return i * mss; }  // into the payload
  uint32_t segment_payload_len(uint32_t i) const {
    return i + 1 < segments ? mss : payload_len - (segments - 1) * mss;
  }
  uint32_t segment_len(uint32_t i) const { return header_len + segment_payload_len(i); }
  size_t segment_offset(uint32_t i) const { return first_offset + size_t{i} * stride; }
};

// Validates the input and sizes the output. Cheap (no payload access); every entry point calls
// it first and fails with the same error.
SegmentPlan plan_segments(const SegmentInput& in);

// One materialised segment in the caller's arena.
struct SegmentSlice {
  uint32_t offset = 0;
  uint32_t length = 0;
};

// Caller-provided output. Nothing in an entry point allocates.
struct SegmentOutput {
  uint8_t* arena = nullptr;
  size_t arena_bytes = 0;          // >= plan.arena_bytes
  SegmentSlice* segments = nullptr;
  size_t max_segments = 0;         // >= plan.segments
};

// Scatter-gather: what a NIC DMA list would hold per segment, a header buffer and a reference
// into the original frame for the payload.
struct SgEntry {
  uint32_t header_offset = 0;   // into SgOutput::headers
  uint32_t header_len = 0;
  uint32_t payload_offset = 0;  // into the input frame
  uint32_t payload_len = 0;
};
struct SgOutput {
  uint8_t* headers = nullptr;
  size_t headers_bytes = 0;     // >= plan.header_bytes
  SgEntry* entries = nullptr;
  size_t max_entries = 0;       // >= plan.segments
};

// Materialises a scatter-gather list built by a `describe` entry for `in` into `out`, at the
// plan's offsets (the result is byte-identical to a materialising implementation's).
SegmentError gather_segments(const SegmentInput& in, const SgEntry* entries, uint32_t count,
                             const uint8_t* headers, const SegmentOutput& out);

struct SegmentImpl;
// Materialise: on success writes plan.segments frames into out.arena and out.segments[i], and
// sets *count (may be null). On error writes nothing to *count and leaves no segment described.
using SegmentFn = SegmentError (*)(const SegmentImpl& self, const SegmentInput& in,
                                   const SegmentOutput& out, uint32_t* count);
// Zero-copy: fills out.headers / out.entries; payload stays in the input frame.
using DescribeFn = SegmentError (*)(const SegmentImpl& self, const SegmentInput& in,
                                    const SgOutput& out, uint32_t* count);

// The ones-complement kernels an implementation is bound to (from the checksum family).
// Partial-sum convention of kernels/common/ones_complement.h.
struct SegmentSumKernels {
  uint32_t (*sum)(const uint8_t* p, size_t n, uint32_t initial) = nullptr;
  uint32_t (*copy_and_sum)(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial) = nullptr;
  std::string checksum_impl;  // which checksum record they came from ("avx512", "reference", ...)
};

struct SegmentImpl {
  ImplInfo info;
  int preferred_rank = 100;
  SegmentFn segment = nullptr;
  DescribeFn describe = nullptr;  // non-null for scatter-gather implementations only
  SegmentSumKernels kernels;

  SegmentError run(const SegmentInput& in, const SegmentOutput& out, uint32_t* count = nullptr) const {
    return segment(*this, in, out, count);
  }
  SegmentError run_sg(const SegmentInput& in, const SgOutput& out, uint32_t* count = nullptr) const {
    return describe ? describe(*this, in, out, count) : SegmentError::unsupported;
  }
};

// Every segmentation record, ordered at construction (RecordList): the reference, then ours best
// first, then peers. Records whose checksum kernel needs CPU features the
// machine lacks are listed with supported() false.
const std::vector<SegmentImpl>& segment_impls();
// The best supported materialising implementation (kind implementation), else the reference.
const SegmentImpl& best_segment();

// Peers that need a runtime start (DPDK EAL) start lazily on first use; this starts them now and
// records why one cannot run in its info.unavailable_reason. Idempotent. Benchmarks and tests
// call it before reading supported(); `list` does not (it would start DPDK).
void segment_start_peers();

}  // namespace eb
