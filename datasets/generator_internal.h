// The generator's parts, shared by its files (datasets/generator*.cc); nothing outside datasets/
// includes this. generator_rng.cc: the Rng and the seed mixer; generator_flows.cc: the flow table
// and the spec of a flow's packet; generator_headers.cc: header-size composition;
// generator_shapes.cc: the presets' traffic (class Gen); generator_malformed.cc: the malformed
// catalogue; generator.cc: the preset table and generate(). Files with floating point (Zipf
// weights) are compiled with -ffp-contract=off: one seed gives one byte stream everywhere.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/generator.h"

namespace eb::gen_detail {

// --- Rng (generator_rng.cc) ---------------------------------------------------------------------

uint64_t mix(uint64_t a, uint64_t b);  // a seed for stream b of seed a

// --- Flows (generator_flows.cc) -----------------------------------------------------------------

struct Flow {
  uint8_t outer_src4[4], outer_dst4[4], outer_src6[16], outer_dst6[16];
  uint8_t inner_src4[4], inner_dst4[4], inner_src6[16], inner_dst6[16];
  uint8_t inner_smac[6], inner_dmac[6], outer_smac[6], outer_dmac[6];
  uint16_t sport, tcp_dport, udp_dport;
  uint32_t vsid;
  uint8_t flow_id;
  uint32_t seq0, ack0;
  uint32_t flow_label;
};

struct FlowState {
  uint32_t seq_advance = 0;
  uint16_t ip_id = 0;
};

class FlowTable {
 public:
  // n flows; Zipf exponent `zipf` for their popularity (0: uniform).
  FlowTable(uint64_t seed, uint32_t n, double zipf);
  uint32_t size() const { return n_; }
  uint32_t draw(Rng& rng) const;  // a flow index, by popularity
  Flow flow(uint32_t i) const;    // flow i's addresses, ports and ids (a function of the seed and i)
  FlowState& state(uint32_t i) { return state_[i]; }

 private:
  uint64_t seed_;
  uint32_t n_;
  std::vector<FlowState> state_;
  std::vector<double> cdf_;
};

// The spec of the next packet of flow f (its state advances: IPv4 IDs, TCP sequence).
NvgreSpec flow_spec(const Flow& f, FlowState& st, IpVersion ov, IpVersion iv, L4Proto l4);

constexpr IpVersion kVersions[2] = {IpVersion::v4, IpVersion::v6};
constexpr L4Proto kL4s[2] = {L4Proto::tcp, L4Proto::udp};

// --- Header sizes (generator_headers.cc) ----------------------------------------------------------

// Extension-header layouts for `bytes` (a multiple of 8) at one level.
void add_ext_chain(IpSpec& ip, uint32_t bytes, uint32_t layout);

// --- The presets' traffic (generator_shapes.cc, generator_malformed.cc) ---------------------------

constexpr uint64_t kEpochNs = 1704067200ull * 1000000000ull;  // 2024-01-01T00:00:00Z
constexpr uint32_t kMaxPayload = 258048;                         // keeps every frame under the pcap snaplen

struct Combo {
  IpVersion ov, iv;
  L4Proto l4;
};

class Gen {
 public:
  Gen(const GeneratorConfig& cfg, const std::function<void(const GeneratedFrame&)>& sink, uint32_t flows, double zipf)
      : cfg_(cfg), sink_(sink), rng_(mix(cfg.seed, 0x5EEDull)), flows_(cfg.seed, flows, zipf), ts_(kEpochNs) {
    for (IpVersion o : kVersions)
      for (IpVersion i : kVersions)
        for (L4Proto l : kL4s)
          if ((!cfg.outer || *cfg.outer == o) && (!cfg.inner || *cfg.inner == i) && (!cfg.l4 || *cfg.l4 == l))
            combos_.push_back({o, i, l});
  }

  void header_sweep(uint32_t lo, uint32_t hi, const char* preset);
  void mixed_one(uint64_t i);
  void imix_one(const char* prefix);
  void sweep_one_random(uint32_t lo, uint32_t hi, bool imix_payload);
  void lso();
  void uso();
  void malformed(uint64_t n);
  void malformed_one(uint64_t i);
  void link(uint64_t n);
  void dflt(uint64_t n);
  uint64_t packets(uint64_t natural) const { return cfg_.packets ? cfg_.packets : natural; }
  size_t malformed_catalogue_size() const;
  bool any_combo() const { return !combos_.empty(); }
  const std::vector<Combo>& combos() const { return combos_; }  // selected by the overrides

 private:
  NvgreSpec new_spec(const Combo& c, uint32_t* flow_index = nullptr) {
    const uint32_t fi = flows_.draw(rng_);
    if (flow_index) *flow_index = fi;
    last_flow_ = fi;
    return flow_spec(flows_.flow(fi), flows_.state(fi), c.ov, c.iv, c.l4);
  }
  // Payload: the config's fixed size or IMIX, else the preset's choice.
  void set_payload(NvgreSpec& s, uint32_t preset_len) {
    uint32_t n = preset_len;
    if (cfg_.payload_mode == PayloadMode::fixed) n = cfg_.payload_len;
    else if (cfg_.payload_mode == PayloadMode::imix) n = imix_payload(s, nullptr);
    s.payload.resize(n);
    rng_.fill(s.payload.data(), n);
  }
  // IMIX (7:4:1 of 64/576/1500-byte outer IP packets), clamped at the headers.
  uint32_t imix_payload(const NvgreSpec& s, uint32_t* cls) {
    const uint64_t d = rng_.below(12);
    const uint32_t target = d < 7 ? 64 : d < 11 ? 576 : 1500;
    if (cls) *cls = target;
    const uint32_t ip_hdrs = nvgre_header_size(s) - (s.outer_vlan ? 18 : 14);
    return target > ip_hdrs ? target - ip_hdrs : 0;
  }
  void emit(NvgreSpec& s, std::string label, ParseError expected = ParseError::ok) {
    if (s.l4 == L4Proto::tcp) flows_.state(last_flow_).seq_advance += static_cast<uint32_t>(s.payload.size());
    build_nvgre_into(s, frame_.bytes);
    frame_.from_spec = true;
    frame_.spec = s;
    finish(std::move(label), expected, s.large_send);
  }
  void emit_bytes(const NvgreSpec& s, std::vector<uint8_t> bytes, std::string label, ParseError expected) {
    frame_.bytes = std::move(bytes);
    frame_.from_spec = false;
    frame_.spec = s;
    finish(std::move(label), expected, s.large_send);
  }
  void finish(std::string label, ParseError expected, bool large_send) {
    frame_.label = std::move(label);
    frame_.expected = expected;
    frame_.parse = ParseOptions{};
    frame_.parse.large_send = large_send;
    ts_ += 1000 + rng_.below(9000);
    frame_.timestamp_ns = ts_;
    sink_(frame_);
  }
  uint32_t header_size_for(const Combo& c, uint32_t lo, uint32_t hi) {
    const uint32_t mn = std::max(min_header_size(c.ov, c.iv, c.l4), lo);
    const uint32_t mx = std::min(max_header_size(c.ov, c.iv, c.l4), hi);
    if (mn > mx) return 0;
    return mn + 4 * static_cast<uint32_t>(rng_.below((mx - mn) / 4 + 1));
  }
  std::vector<Combo> combos_reaching(uint32_t lo, uint32_t hi) const {
    std::vector<Combo> r;
    for (const auto& c : combos_) {
      const uint32_t mn = std::max(min_header_size(c.ov, c.iv, c.l4), lo);
      const uint32_t mx = std::min(max_header_size(c.ov, c.iv, c.l4), hi);
      if (mn <= mx) r.push_back(c);
    }
    return r;
  }
  Combo random_combo(const std::vector<Combo>& from) { return from[rng_.below(from.size())]; }
  // With --header-size: the combinations that can take it.
  std::vector<Combo> combos_for_fixed_size() const { return combos_reaching(*cfg_.header_size, *cfg_.header_size); }

  const GeneratorConfig& cfg_;
  const std::function<void(const GeneratedFrame&)>& sink_;
  Rng rng_;
  FlowTable flows_;
  uint64_t ts_;
  uint32_t last_flow_ = 0;
  std::vector<Combo> combos_;
  GeneratedFrame frame_;
};

}  // namespace eb::gen_detail
