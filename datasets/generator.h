// Synthetic NVGRE corpora: deterministic, seeded, byte-identical on every platform.
//
// C++ API (benchmarks and tests build corpora in memory, no pcap needed):
//
//   eb::GeneratorConfig cfg;            // preset "default", seed 1
//   cfg.preset = "header-sweep";
//   eb::Corpus c = eb::generate_corpus(cfg);           // parsed, 64-byte aligned, labelled
//   auto frames = eb::generate_frames(cfg);            // bytes + label + expected result + spec
//   eb::generate(cfg, [](const eb::GeneratedFrame& f) { ... });  // streaming, constant memory
//
//   auto spec = eb::spec_for_header_size(IpVersion::v4, IpVersion::v6, L4Proto::tcp, 128);
//   if (spec) bytes = eb::build_nvgre(*spec);          // exactly 128 header bytes
//
// Presets (generator_presets() lists them with descriptions):
//   header-sweep  every reachable header size from each combination's minimum up to 256 in
//                 4-byte steps, 4 outer/inner IP combinations x TCP/UDP; labels hs-v4v6tcp-128
//   oversize      header sizes 264..320 (beyond the default MaxHeaderSizeSupported)
//   mixed         everything at random (versions, options, ext headers, VLAN, GRE C/S, sizes)
//   imix          outer IP packet sizes 64/576/1500 in the classic 7:4:1 mix
//   lso           large TCP sends up to 64 KiB for LSOv2 (large_send where lengths overflow)
//   uso           large UDP sends up to 64 KiB for USO: 4 IP combinations x minimal / GRE C /
//                 options and extension headers / 200- and 256-byte headers; MSS in the label
//   malformed     one or more broken frames per ParseError, labelled parse_error_name(e)
//                 (IP fragments included; not the two retired errors, whose frames are valid)
//   link          ARP, ICMP, ICMPv6, other EtherTypes and protocols, padded minimum-size frames,
//                 fragments, pseudo-header-only checksums (datasets/link_cases.h); labels link-*
//   default       the default run's corpus: a mix representative of the benchmarks
//
// Determinism: one explicit PRNG (SplitMix64-seeded xoshiro256**), bounded draws by Lemire's
// multiply-and-reject, Zipf weights from a hand-written log/exp using only IEEE +,-,*,/ (no libm,
// no std:: distributions), so one seed gives the same bytes with any compiler or library.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernels/packet/corpus.h"
#include "datasets/nvgre_build.h"

namespace eb {

// xoshiro256** seeded through SplitMix64. Fixed algorithm: the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed);  // state = four SplitMix64 outputs from `seed`
  static Rng from_state(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3);  // for reference vectors
  uint64_t next();
  uint64_t below(uint64_t n);                  // uniform in [0, n), n > 0 (exact, rejection)
  uint64_t range(uint64_t lo, uint64_t hi);    // uniform in [lo, hi]
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }
  double unit();                               // [0, 1), 53 bits
  void fill(uint8_t* p, size_t n);

 private:
  uint64_t s_[4];
};

enum class PayloadMode : uint8_t { preset, fixed, imix };

struct GeneratorConfig {
  std::string preset = "default";
  uint64_t packets = 0;      // 0: the preset's natural count (one sweep, one catalogue, ...)
  uint64_t seed = 1;
  uint32_t flows = 0;        // 0: the preset's default
  double zipf = -1;          // < 0: the preset's default; 0: uniform; > 0: Zipf exponent s
  std::optional<IpVersion> outer, inner;  // restrict the outer / inner IP version
  std::optional<L4Proto> l4;
  std::optional<uint32_t> header_size;    // exact header size for every packet
  PayloadMode payload_mode = PayloadMode::preset;
  uint32_t payload_len = 0;  // for PayloadMode::fixed
};

struct PresetInfo {
  std::string name;
  std::string description;
};
const std::vector<PresetInfo>& generator_presets();

// Offsets and lengths of every header of a spec, computed from the spec alone (not by parsing):
// what a correct parser must report for build_nvgre(spec).
struct NvgreOffsets {
  uint32_t outer_ip = 0, outer_ip_fixed = 0, outer_ip_len = 0;  // fixed: 20/IHL*4 (v4) or 40 (v6)
  uint32_t gre = 0, gre_len = 0;
  uint32_t inner_eth = 0, inner_ip = 0, inner_ip_fixed = 0, inner_ip_len = 0;
  uint32_t l4 = 0, l4_len = 0;
  uint32_t header_size = 0, total = 0;
};
NvgreOffsets spec_offsets(const NvgreSpec& spec);

struct GeneratedFrame {
  std::vector<uint8_t> bytes;
  std::string label;
  uint64_t timestamp_ns = 0;
  ParseOptions parse;                    // how to parse it (large_send for LSO super-packets)
  ParseError expected = ParseError::ok;  // what parse_nvgre must report
  bool from_spec = true;                 // false: bytes were altered after build_nvgre(spec)
  NvgreSpec spec;                        // the spec it was built from
};

// Calls `sink` once per frame, in order; memory use does not grow with the packet count.
// Throws std::invalid_argument (one-line message) for an unknown preset or an impossible request.
void generate(const GeneratorConfig& cfg, const std::function<void(const GeneratedFrame&)>& sink);
Corpus generate_corpus(const GeneratorConfig& cfg);
std::vector<GeneratedFrame> generate_frames(const GeneratorConfig& cfg);

// --- Exact header sizes ---------------------------------------------------------------------
// Header sizes grow in 4-byte steps from these components: outer 802.1Q tag (4), IPv4 options
// (0..40 each level), IPv6 extension headers (multiples of 8, at most kMaxGeneratedIp6ExtBytes
// per level), TCP options (0..40). GRE C/S bits are not used (NVGRE proper has C=S=0).
constexpr uint32_t kMaxGeneratedIp6ExtBytes = 1024;
uint32_t min_header_size(IpVersion outer, IpVersion inner, L4Proto l4);
uint32_t max_header_size(IpVersion outer, IpVersion inner, L4Proto l4);
// A spec whose nvgre_header_size() is exactly `header_size`, or nullopt with the reason in *why.
// `variant` picks among the compositions (VLAN or not, which extension-header layout, where the
// option bytes go); the result is deterministic for given arguments.
std::optional<NvgreSpec> spec_for_header_size(IpVersion outer, IpVersion inner, L4Proto l4, uint32_t header_size,
                                              std::string* why = nullptr, uint32_t variant = 0);
// Same, reshaping an existing spec's headers (addresses, ports, payload kept).
bool set_header_size(NvgreSpec& spec, uint32_t header_size, std::string* why = nullptr, uint32_t variant = 0);

// "v4v6tcp": outer, inner, L4, as used in labels and benchmark names.
std::string combo_name(IpVersion outer, IpVersion inner, L4Proto l4);

}  // namespace eb
