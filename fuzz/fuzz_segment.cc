// Fuzz target: LSOv2 segmentation. Every materialising implementation this CPU supports (peers
// excluded: dpdk-gso needs the DPDK EAL started), plus the scatter-gather path (describe +
// gather_segments), on fuzzer-shaped NVGRE sends or on raw bytes.
//
// Input: [mode][outer opts][inner opts][tcp opts][mss: 2][payload len: 2][max header][tcp flags]
// [tcp seq: 4][ids: 4] then payload bytes (repeated to the payload length). mode bit 0: the bytes
// after the parameters are the frame itself (parsed with large_send), not a spec's payload.
// Checked:
//   - every implementation returns the same SegmentError as plan_segments; on success the
//     segments are byte-identical across implementations and to describe + gather;
//   - an output arena one byte too small is refused (output_too_small) with nothing written;
//   - independent checks of each segment against the send: it parses as NVGRE, every header
//     byte equals the send's except the fields LSOv2 rewrites (IP lengths, IPv4 IDs + i and
//     checksums, TCP sequence, flags, checksum, GRE checksum), the IDs, sequence and flags
//     follow the rules, every checksum verifies with the plain loop, and the payloads
//     reassemble to the send's payload.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_segmentation.h"

namespace {

using namespace eb;
using namespace eb::fuzz;

constexpr const char* kUnit = "segment";

// TCP: sequence numbers advance by the MSS; FIN and PSH on the last segment only, CWR on the
// first only; the TCP checksum verifies over each segment's own pseudo-header.
void verify(const uint8_t* send, const NvgreLayout& S, const SegmentPlan& plan, const SegmentationOutput& out) {
  const uint8_t tflags = send[S.l4_offset + 13];
  const uint32_t seq0 = load_be32(send + S.l4_offset + 4), M = plan.mss;
  // The rewritten TCP fields: sequence, flags, checksum.
  verify_split(send, S, plan, out, {{4, 4}, {13, 1}, {16, 2}}, kUnit,
               [&](uint32_t i, uint32_t nseg, const uint8_t* seg, const NvgreLayout& L) {
                 FUZZ_CHECK(load_be32(seg + L.l4_offset + 4) == seq0 + i * M, "segment %u: TCP sequence", i);
                 uint8_t f = tflags;
                 if (i + 1 < nseg) f &= static_cast<uint8_t>(~0x09);  // FIN, PSH: last segment only
                 if (i > 0) f &= static_cast<uint8_t>(~0x80);         // CWR: first segment only
                 FUZZ_CHECK(seg[L.l4_offset + 13] == f, "segment %u: TCP flags %02x, want %02x", i,
                            seg[L.l4_offset + 13], f);
                 FUZZ_CHECK(sum_ok(seg + L.l4_offset, L.l4_len, inner_pseudo_sum(seg, L, kIpProtoTCP, L.l4_len)),
                            "segment %u: TCP checksum", i);
               });
}

void check_send(const uint8_t* frame, size_t frame_len, uint32_t mss, uint32_t max_header) {
  fuzz::check_send(frame, frame_len, mss, max_header, L4Proto::tcp, plan_segments, segment_impls(), verify, kUnit);
}

void add_ip6_ext(IpSpec& ip, uint8_t sel) { add_ip6_ext_kind(ip, sel % 5, sel); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader rd(data, size);
  const SendParams p = read_send_params(rd);  // l4 opts: TCP options; byte: TCP flags; words: seq, ids
  const uint32_t seq = p.word0, ids = p.word1;
  if (p.raw_frame()) {
    check_send(rd.rest(), rd.remaining(), p.mss, p.max_header);
    return 0;
  }
  NvgreSpec s;
  shape_ip(s, p.mode, p.outer_opts, p.inner_opts, add_ip6_ext);
  s.l4 = L4Proto::tcp;
  s.tcp_options_len = (p.l4_opts % 11) * 4;
  s.tcp_flags = p.byte;
  s.tcp_seq = seq;
  shape_ids(s, ids, seq, p.mode, p.byte);
  s.vsid = ids & 0xFFFFFF;
  s.flow_id = static_cast<uint8_t>(seq);
  const auto frame = build_send(s, rd, p.payload_len);
  if (!frame) return 0;
  check_send(frame->data(), frame->size(), p.mss, p.max_header);
  return 0;
}
