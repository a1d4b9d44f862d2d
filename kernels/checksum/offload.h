// NVGRE checksum offload in software: what a NIC does on transmit (compute and insert) and on
// receive (verify and report per header), using any ChecksumImpl from the registry.
//
// Covered checksums (RFC 791, 793, 768, 8200 §8.1, 2784):
//   outer IPv4 header, inner IPv4 header, inner TCP/UDP with the inner pseudo-header (IPv4 or
//   IPv6; IPv6 uses the Home Address option as source and a type-2 routing header's address as
//   destination when present), and the GRE checksum when the C bit is set. The GRE checksum covers
//   the GRE header and everything after it up to the end of the outer IP packet, so it is filled
//   last. Inner frames that are not TCP/UDP (ARP, ICMP, ...) get their IPv4 header checksums
//   only; Ethernet padding after an IP packet is outside every sum. L4 length for the pseudo-header is layout.l4_len (inner IP end - L4 offset for TCP, the
//   UDP length field for UDP; large-send frames use the frame-derived lengths the parser reports).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/packet/corpus.h"
#include "kernels/checksum/checksum.h"
#include "kernels/common/enum_names.h"
#include "kernels/packet/caps.h"
#include "kernels/packet/nvgre.h"

namespace eb {

// Per-header receive status, as a NIC reports it.
// X(id, name in output).
#define EB_CSUM_STATUS_VALUES(X)                                                                    \
  X(not_applicable, "n/a") /* no such checksum (IPv6 header, GRE without C bit, unparsed packet) */ \
  X(good, "good")                                                                                    \
  X(bad, "bad")                                                                                      \
  X(absent, "absent")   /* UDP over IPv4 with checksum 0: the sender computed none */                \
  X(partial, "partial") /* TCP/UDP field holds only the pseudo-header sum: captured before TX offload */
enum class CsumStatus : uint8_t { EB_CSUM_STATUS_VALUES(EB_ENUM_ID) };
const char* csum_status_name(CsumStatus s);  // "n/a", "good", "bad", "absent", "partial"

struct VerifyResult {
  CsumStatus outer_ip = CsumStatus::not_applicable;
  CsumStatus inner_ip = CsumStatus::not_applicable;
  CsumStatus l4 = CsumStatus::not_applicable;
  CsumStatus gre = CsumStatus::not_applicable;
  bool any_bad() const {
    return outer_ip == CsumStatus::bad || inner_ip == CsumStatus::bad || l4 == CsumStatus::bad ||
           gre == CsumStatus::bad;
  }
  bool any_partial() const { return l4 == CsumStatus::partial; }
};

// Which checksums a fill wrote: a CsumField mask (kernels/packet/nvgre.h), always
// checksum_fields(layout).

// Transmit: computes and writes every applicable checksum of a parsed packet, in dependency order
// (L4, inner IPv4, outer IPv4, GRE last). A UDP checksum that computes to 0 is sent as 0xFFFF.
// Returns the CsumField mask written; 0 (and no write) if !layout.well_formed(). For a fragment
// only the IPv4 header checksums up to the fragmented header (the L4 checksum spans fragments).
uint8_t checksum_fill(uint8_t* frame, const NvgreLayout& layout, const ChecksumImpl& impl);

// Receive: verifies every applicable checksum (checksum_fields). All not_applicable if
// !layout.well_formed(). An L4 field that is wrong but equals the pseudo-header sum (with the L4
// length, or with length 0 as an LSO/USO send carries) is `partial`, not `bad`.
VerifyResult checksum_verify(const uint8_t* frame, const NvgreLayout& layout, const ChecksumImpl& impl);

// The inner L4 checksum's pseudo-header partial sum (for LSO seeding and tests).
uint32_t l4_pseudo_header_sum(const uint8_t* frame, const NvgreLayout& layout, uint32_t l4_len);

// --- Batch entry points over a corpus arena (what the benchmarks time) -----------------------
// Fill every parsed packet in place; returns how many were filled (unparsed ones are skipped).
size_t checksum_fill_batch(Corpus& corpus, const ChecksumImpl& impl);
// Verify every packet into out[0..corpus.size()); returns how many have any bad checksum.
size_t checksum_verify_batch(const Corpus& corpus, const ChecksumImpl& impl, VerifyResult* out);

// --- The capability model's hook -------------------------------------------------------------
// Who does the work for a packet: the NIC (eligible under the profile) or the driver's software
// fallback. Both run the same kernels here; the path is what the model reports and what the
// benchmarks split by.
#define EB_CSUM_PATH_VALUES(X) X(nic) X(software) X(skipped) /* unparseable: nobody can */
enum class CsumPath : uint8_t { EB_CSUM_PATH_VALUES(EB_ENUM_ID) };
const char* csum_path_name(CsumPath p);  // "nic", "software", "skipped"

struct OffloadDecision {
  CsumPath path = CsumPath::skipped;
  Eligibility eligibility = Eligibility::not_parseable;  // why (offload_eligibility's answer)
};
// Transmit uses Offload::tx_checksum, receive Offload::rx_checksum.
OffloadDecision checksum_decide(const OffloadCaps& caps, bool transmit, const NvgreLayout& layout);

struct OffloadBatchStats {
  size_t nic = 0, software = 0, skipped = 0, bad = 0;
};
// Batch fill / verify with the capability model: per packet decide NIC vs software, run the
// kernel either way, and record the decision in paths[i] (may be null).
OffloadBatchStats checksum_fill_offload(Corpus& corpus, const OffloadCaps& caps, const ChecksumImpl& impl,
                                        OffloadDecision* paths);
OffloadBatchStats checksum_verify_offload(const Corpus& corpus, const OffloadCaps& caps, const ChecksumImpl& impl,
                                          VerifyResult* out, OffloadDecision* paths);

}  // namespace eb
