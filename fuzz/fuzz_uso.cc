// Fuzz target: USO of NVGRE UDP sends. Every uso implementation this CPU supports, plus the
// scatter-gather path (describe + gather_segments), on fuzzer-shaped UDP sends or raw bytes.
//
// Input: [mode][outer opts][inner opts][udp][mss: 2][payload len: 2][max header][port]
// [ids: 4][vsid: 4] then payload bytes (repeated to the payload length). mode bits: 1 the bytes
// after the parameters are the frame itself (parsed with large_send), not a spec's payload;
// 2 outer IPv6; 4 inner IPv6; 8 outer 802.1Q; 16 GRE C; 32 GRE S; 64 large-send lengths;
// 128 UDP checksum seeded with the length-0 pseudo-header sum. udp bit 0: UDP length field 0.
// Checked:
//   - every implementation returns the same SegmentError as plan_uso; on success the datagrams
//     are byte-identical across implementations and to describe + gather;
//   - an output arena one byte too small is refused (output_too_small) with nothing written;
//   - independent checks of each datagram against the send: it parses as NVGRE UDP, every
//     header byte equals the send's except the fields USO rewrites (IP lengths, IPv4 IDs + i and
//     checksums, UDP length and checksum, GRE checksum), the UDP length is its own, its UDP
//     checksum is non-zero and verifies over its own pseudo-header, IP and GRE checksums verify
//     with the plain loop, and the payloads reassemble to the send's payload.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_segmentation.h"
#include "kernels/uso/uso.h"

namespace {

using namespace eb;
using namespace eb::fuzz;

constexpr const char* kUnit = "datagram";

// UDP: each datagram's UDP length is its own, its checksum is not 0 and verifies over its own
// pseudo-header.
void verify(const uint8_t* send, const NvgreLayout& S, const SegmentPlan& plan, const SegmentationOutput& out) {
  verify_split(send, S, plan, out, {{4, 4}} /* UDP length, checksum */, kUnit,
               [](uint32_t i, uint32_t, const uint8_t* dg, const NvgreLayout& L) {
                 const uint32_t ulen = L.outer.end() - L.l4_offset;
                 FUZZ_CHECK(load_be16(dg + L.l4_offset + 4) == ulen, "datagram %u: UDP length", i);
                 FUZZ_CHECK(load_be16(dg + L.l4_offset + 6) != 0, "datagram %u: UDP checksum 0 (must be sent as 0xFFFF)",
                            i);
                 FUZZ_CHECK(sum_ok(dg + L.l4_offset, ulen, inner_pseudo_sum(dg, L, kIpProtoUDP, ulen)),
                            "datagram %u: UDP checksum", i);
               });
}

void check_send(const uint8_t* frame, size_t frame_len, uint32_t mss, uint32_t max_header) {
  auto plan = [](const SegmentInput& in) { return plan_uso(in); };
  fuzz::check_send(frame, frame_len, mss, max_header, L4Proto::udp, plan, uso_impls(), verify, kUnit);
}

void add_ip6_ext(IpSpec& ip, uint8_t sel) { add_ip6_ext_kind(ip, sel % 4 == 3 ? 5 : sel % 4, sel); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader rd(data, size);
  const SendParams p = read_send_params(rd);  // l4 opts: bit 0 UDP length 0; byte: port; words: ids, vsid
  const uint32_t ids = p.word0, vsid = p.word1;
  if (p.raw_frame()) {
    check_send(rd.rest(), rd.remaining(), p.mss, p.max_header);
    return 0;
  }
  NvgreSpec s;
  s.l4 = L4Proto::udp;
  shape_ip(s, p.mode, p.outer_opts, p.inner_opts, add_ip6_ext);
  s.src_port = static_cast<uint16_t>(p.byte * 257u);
  s.dst_port = static_cast<uint16_t>(ids >> 8);
  shape_ids(s, ids, vsid, p.mode, p.byte);
  s.vsid = vsid & 0xFFFFFF;
  s.flow_id = static_cast<uint8_t>(vsid >> 24);
  auto frame = build_send(s, rd, p.payload_len);
  if (!frame) return 0;
  if (p.l4_opts & 1) {  // the UDP length left 0, as a stack may hand a USO send
    const NvgreLayout L = parse_nvgre(frame->data(), frame->size(), ParseOptions{.large_send = true});
    if (L.ok()) store_be16(frame->data() + L.l4_offset + 4, 0);
  }
  check_send(frame->data(), frame->size(), p.mss, p.max_header);
  return 0;
}
