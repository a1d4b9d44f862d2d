// Internal to the segment family: the entry points the registry binds.
#pragma once
#include "kernels/segment/segment.h"

namespace eb::segment_detail {

SegmentError reference_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
SegmentError fused_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
SegmentError zerocopy_describe(const SegmentImpl&, const SegmentInput&, const SgOutput&, uint32_t*);
SegmentError zerocopy_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);

// One segment payload's partial sum with 64-byte-aligned loads only (segment_sum_avx512.cc);
// the checksum-family signature, so it binds like any sum kernel. Needs kSumAlignedAvx512Cpu.
uint32_t sum_aligned_avx512(const uint8_t* p, size_t n, uint32_t initial);
SegmentError zerocopy_avx512_describe(const SegmentImpl&, const SegmentInput&, const SgOutput&, uint32_t*);
SegmentError zerocopy_avx512_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
constexpr uint64_t kSumAlignedAvx512Cpu = kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VL | kCpuAVX512VNNI | kCpuBMI2;

// DPDK peer (segment_dpdk.cc). dpdk_gso_static_reason(): why it cannot run without trying
// (empty if it may); dpdk_gso_start(): starts the EAL once, returns the failure reason or "".
std::string dpdk_gso_static_reason();
std::string dpdk_gso_start();
SegmentError dpdk_gso_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*);
// For the benchmark: the input mbuf chain made once (prepare), then each run is exactly
// rte_gso_segment + DPDK checksums (+ copy-out into `out` when non-null) + freeing the segments.
struct DpdkGsoSession;
DpdkGsoSession* dpdk_gso_prepare(const SegmentInput& in, SegmentError* error);
SegmentError dpdk_gso_run(DpdkGsoSession* session, const SegmentOutput* out);
void dpdk_gso_release(DpdkGsoSession* session);

}  // namespace eb::segment_detail
