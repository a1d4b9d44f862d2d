// What the NIC saves: the software-fallback cost of a capability profile on a capture, in CPU
// cores at line rate (`encapbench cost`, docs/cost.md).
//
//   1. Classify: per offload, the packets a NIC with the profile leaves to software and why
//      (OffloadCensus / offload_eligibility, the same code as `encapbench offload`).
//   2. Price: copy exactly those packets into their own corpus arena and time the offload's
//      software path over them with the suite's timing discipline (bench/common/measure.h):
//        tx_checksum  checksum_fill of every applicable checksum (checksum family)
//        rx_checksum  checksum_verify of every applicable checksum (checksum family)
//        lsov2        segmentation of each TCP packet as one send whose MSS is its own payload,
//                     i.e. the per-segment work of software LSO (segment family)
//        rss          tuple selection + Toeplitz hash + indirection (rss family, RssPipeline)
//        vmq          the VMQ classifier on inner destination MAC + VSID (one implementation)
//        uso          segmentation of each UDP packet as one send whose MSS is its own
//                     payload: the per-datagram work of software USO (uso family)
//   3. Convert: cores = (time of one pass over the software packets) x line rate / (bits the
//      whole capture occupies on the line), with Ethernet framing counted per frame (WireModel).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bench/common/measure.h"
#include "kernels/packet/corpus.h"
#include "kernels/checksum/checksum.h"
#include "kernels/packet/caps.h"
#include "kernels/rss/toeplitz.h"
#include "kernels/segment/segment.h"

namespace eb::cost {

// ---- The line-rate model -------------------------------------------------------------------
// A frame of L captured bytes occupies, on an Ethernet line,
//   max(L + fcs, 64) + 20 bytes
// where fcs is 4 when the capture does not include the frame check sequence (the usual case for
// pcap on Linux and Windows) and 0 when it does, 64 is the minimum frame (padding), and 20 is the
// preamble + start-of-frame delimiter (8) and the minimum inter-frame gap (12). The capture's
// wire length (pcap orig_len) is used when it is larger than the captured length (snapped
// captures).
struct WireModel {
  bool fcs_in_capture = false;
  static constexpr uint32_t kPreambleSfdIfg = 20;
  static constexpr uint32_t kFcs = 4;
  static constexpr uint32_t kMinFrame = 64;  // with FCS
};
uint64_t line_bytes(uint32_t frame_len, const WireModel& w);

struct CaptureFacts {
  size_t packets = 0;
  uint64_t bytes = 0;          // captured bytes
  uint64_t line_bytes = 0;     // sum of line_bytes() over every frame
  uint64_t duration_ns = 0;    // last timestamp - first (0: no usable timestamps)
};
CaptureFacts capture_facts(const Corpus& capture, const WireModel& w);

// Cores needed when the capture's packet mix arrives at `line_rate_bps`: the capture takes
// 8 * line_bytes / line_rate seconds on the line, software needs pass_ns for the same packets.
double cores_at(double pass_ns, double line_rate_bps, uint64_t capture_line_bytes);
// Share of one core at the capture's own pace (pass_ns / duration_ns); nullopt without duration.
std::optional<double> cores_at_capture_rate(double pass_ns, uint64_t duration_ns);

// ---- Which implementation runs each software path ------------------------------------------
struct PathImpls {
  std::string selector;  // "best", "reference" or the name asked for
  const ChecksumImpl* checksum = nullptr;
  const SegmentImpl* segment = nullptr;
  const ToeplitzImpl* toeplitz = nullptr;
  const SegmentImpl* uso = nullptr;  // a uso-family record (UsoImpl)
  // "avx512" etc.; for VMQ (one implementation, RssPipeline's exact-match table) "hash-table".
  std::string name(Offload o) const;
  std::string family(Offload o) const;  // "checksum", "segment", "rss", "vmq", "uso", ""
};
// "best", "reference" or an implementation name: a name is used in every family that has a
// record of that name, the best implementation elsewhere (a name no family has, or one that
// cannot run here, is an error). nullopt and *error on failure.
std::optional<PathImpls> resolve_impls(const std::string& selector, std::string* error);

// ---- Classification ------------------------------------------------------------------------
struct SoftwareSet {
  Offload offload = Offload::tx_checksum;
  std::vector<uint32_t> indices;  // into the capture, ascending: exactly the packets left to software
  uint64_t bytes = 0;             // their captured bytes
  uint64_t line_bytes = 0;        // their bytes on the line (WireModel)
  // The packets and bytes left to software per reason (offload_eligibility's answer).
  std::array<uint64_t, kEligibilityCount> packets_by = {}, bytes_by = {};
  uint64_t nic_packets = 0;      // the NIC does them
  uint64_t no_work_packets = 0;  // the offload's work does not exist for them (offload_applies)
};
std::array<SoftwareSet, kOffloadCount> software_sets(const Corpus& capture, const OffloadCaps& caps,
                                                     const WireModel& w = {});

// Whether the suite has a software path to price for the offload.
bool has_software_path(Offload o);

// ---- One software path, ready to time -------------------------------------------------------
// Holds a copy of exactly the chosen packets (their own corpus arena, parsed as the capture was)
// and every buffer the kernel writes, so that run_pass() does the offload's work and nothing
// else: no allocation, no parsing, no copying of the input.
class SoftwarePath {
 public:
  // nullptr and *error when the offload has no software path or the implementation cannot run.
  static std::unique_ptr<SoftwarePath> create(Offload o, const Corpus& capture, const std::vector<uint32_t>& indices,
                                              const PathImpls& impls, const ParseOptions& parse, std::string* error);
  ~SoftwarePath();
  void run_pass();
  const Corpus& packets() const { return packets_; }
  // Packets the last pass did the offload's work for (those a kernel accepted), for tests.
  size_t last_pass_processed() const { return processed_; }

 private:
  SoftwarePath() = default;
  struct State;
  Offload offload_ = Offload::tx_checksum;
  Corpus packets_;
  PathImpls impls_;
  std::unique_ptr<State> st_;
  size_t processed_ = 0;
};

// ---- Pricing a profile ----------------------------------------------------------------------
struct PathCost {
  std::string impl, family;
  bench::Measurement m;   // per pass over the set
  bool measured = false;  // false: no software path (why in OffloadCost::why_not_measured)
};

struct OffloadCost {
  SoftwareSet set;
  std::string why_not_measured;  // empty when priced
  PathCost chosen, reference;
};

struct ProfileCost {
  OffloadCaps caps;
  std::array<OffloadCost, kOffloadCount> offloads;
};

// Times a pass; the CLI gives bench::measure with its configuration, tests a deterministic fake.
using Measurer = std::function<bench::Measurement(const std::function<void()>& pass)>;

class CostModel {
 public:
  CostModel(const Corpus& capture, PathImpls chosen, PathImpls reference, Measurer measurer,
            ParseOptions parse = {}, WireModel wire = {});
  // Classifies and prices. A set that was already priced (same offload, implementation and
  // packets, e.g. at the next MaxHeaderSize of a sweep or under another profile) is not timed
  // again. Returns nullopt and *error when a path cannot be set up.
  std::optional<ProfileCost> price(const OffloadCaps& caps, std::string* error);
  const CaptureFacts& facts() const { return facts_; }
  const WireModel& wire() const { return wire_; }
  size_t measurements() const { return cache_.size(); }

 private:
  bool price_path(Offload o, const std::vector<uint32_t>& set, const PathImpls& impls, PathCost* out,
                  std::string* error);
  const Corpus& capture_;
  PathImpls chosen_, reference_;
  Measurer measurer_;
  ParseOptions parse_;
  WireModel wire_;
  CaptureFacts facts_;
  std::map<std::tuple<int, std::string, std::vector<uint32_t>>, bench::Measurement> cache_;
};

}  // namespace eb::cost
