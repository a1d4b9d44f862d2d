// USO (UDP segmentation offload) of NVGRE sends, in software: one UDP super-packet in, the
// wire datagrams a NIC advertising UsoSupported would send out.
//
// Datagram rules (for a payload of P bytes and an MSS of M: ceil(P / M) datagrams of M payload
// bytes, the last one shorter when P % M != 0; a send with P <= M is one datagram). Datagram i
// (0-based) carrying payload bytes [i*M, i*M + len) is every header byte of the super-packet
// (outer Ethernet/802.1Q, outer IP with options or extension headers, GRE, inner Ethernet, inner
// IP with options or extension headers, UDP) copied, then:
//   - outer IPv4: total length = this datagram's, ID = original + i (mod 2^16), header checksum
//     computed (options kept); outer IPv6: payload length (extension headers counted);
//   - inner IPv4 / IPv6: the same;
//   - UDP: length = 8 + len; checksum over this datagram's pseudo-header (inner addresses,
//     protocol 17, its own UDP length; IPv6 type-2 routing / Home Address option addresses as
//     for TCP), header and payload; a computed 0 is sent as 0xFFFF (RFC 768, RFC 8200 §8.1);
//   - GRE: copied (key/VSID, FlowID, sequence number); with the C bit its checksum is recomputed
//     over the GRE header and everything after it.
// The super-packet's UDP length may be 0 or its true length (anything else: l4_length_mismatch);
// its UDP checksum and IP checksums are ignored; IP lengths of 0 follow the large-send convention.
//
// The family is the segment family's machinery with UDP as the transport (kernels/segment/):
// SegmentInput / SegmentPlan / SegmentOutput / SgOutput / gather_segments, the header template
// (SendTemplateFor<L4Proto::udp>), the batched fused and zero-copy loops, the reference. What is
// USO-only lives here: the records and this header. See README.md for why.
//
// Implementations (uso_impls(), best first by preferred_rank):
//   reference   copy each datagram, fill every checksum from scratch (the oracle)
//   fused       header template patched per datagram; payload copied and summed in one pass by
//               the best fused copy_and_sum of the checksum family; fused-NAME: that kernel's
//   zerocopy    scatter-gather: patched header buffers + payload references, payload summed in
//               place by the best sum kernel; its materialising entry = sum then copy
//   zerocopy-avx512  zerocopy with the segment family's aligned-load AVX-512 payload sums
#pragma once
#include <vector>

#include "kernels/packet/caps.h"
#include "kernels/packet/uso_caps.h"
#include "kernels/segment/segment.h"

namespace eb {

// The records are segment records (same entry-point types) of family "uso"; their entry points
// treat every input as a UDP send (SegmentInput::l4 = udp), whatever the caller set.
using UsoImpl = SegmentImpl;

inline SegmentInput make_uso_input(const uint8_t* frame, size_t len, const NvgreLayout& layout, uint32_t mss,
                                   const OffloadCaps& caps) {
  return SegmentInput{frame, len, &layout, mss, caps.max_header_size, L4Proto::udp};
}
inline SegmentInput make_uso_input(const uint8_t* frame, size_t len, const NvgreLayout& layout, uint32_t mss,
                                   uint32_t max_header_size = kDefaultMaxHeaderSize) {
  return SegmentInput{frame, len, &layout, mss, max_header_size, L4Proto::udp};
}

// Validation and sizing of a UDP send (plan_segments with l4 = udp).
SegmentPlan plan_uso(SegmentInput in);

// Every USO record, best first; records whose kernels need CPU features the machine lacks are
// listed with supported() false.
const std::vector<UsoImpl>& uso_impls();
// The best supported materialising implementation (kind implementation), else the reference.
const UsoImpl& best_uso();

}  // namespace eb
