// The checksum family: interchangeable RFC 1071 ones-complement sum kernels, one registry.
//
// Every `internet_checksum` record computes a partial sum in the ones_complement.h convention:
// sum(p, n, initial) returns a host-order uint32 whose fold16 equals the ones-complement sum of
// `initial` and the big-endian 16-bit words of [p, p+n) (odd trailing byte padded with zero).
// Ranges starting at odd offsets are combined with csum_combine. copy_and_sum additionally copies
// [src, src+n) to dst (no overlap) and returns the same sum as sum(src, n, initial).
//
// Peers that compute a different function over the same bytes (ISA-L CRC-32 / CRC-32C) are
// listed with internet_checksum = false: they are bandwidth baselines, not substitutes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/common/ones_complement.h"
#include "kernels/common/registry.h"

namespace eb {

struct NvgreLayout;
struct VerifyResult;
class Corpus;

struct ChecksumImpl {
  ImplInfo info;           // family "checksum"
  int preferred_rank = 0;  // lower is better; best_checksum() picks the best supported
  bool internet_checksum = true;  // false for the ISA-L CRC peers
  uint32_t (*sum)(const uint8_t* p, size_t n, uint32_t initial) = nullptr;
  // Fused copy + sum; nullptr where the record does not provide it.
  uint32_t (*copy_and_sum)(uint8_t* dst, const uint8_t* src, size_t n, uint32_t initial) = nullptr;
  // Whole-packet one-pass kernels (onepass.h); checksum_fill / checksum_verify (offload.h) call
  // them when set, instead of one `sum` per header. nullptr: the per-header path.
  uint8_t (*fill_packet)(uint8_t* frame, const NvgreLayout& layout) = nullptr;
  VerifyResult (*verify_packet)(const uint8_t* frame, const NvgreLayout& layout) = nullptr;
  // The same over a whole corpus (checksum_fill_batch / checksum_verify_batch), for per-packet
  // kernels that loop themselves (no call per packet); nullptr: a loop of the above.
  size_t (*fill_batch)(Corpus& corpus) = nullptr;
  size_t (*verify_batch)(const Corpus& corpus, VerifyResult* out) = nullptr;
};

// All records, ordered at construction (RecordList): the reference, then ours best first, then
// peers. Records for features this CPU lacks are present with info.supported() == false.
const std::vector<ChecksumImpl>& checksum_impls();
// The best supported implementation (kind implementation), resolved once.
const ChecksumImpl& best_checksum();
// The best supported implementation for whole packets (checksum_fill / checksum_verify): the
// best-ranked one with a per-packet kernel (fill_packet), else best_checksum(). What the receive
// path, the cost model and the CLI's fill/verify use by default.
const ChecksumImpl& best_packet_checksum();
// The best supported implementation that has copy_and_sum (segmentation's fused copy).
const ChecksumImpl& best_fused_checksum();
// The `reference` record.
const ChecksumImpl& reference_checksum();
// By name; nullptr if unknown.
const ChecksumImpl* find_checksum(std::string_view name);

}  // namespace eb
