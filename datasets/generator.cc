// Deterministic synthetic NVGRE corpora (see generator.h): the preset table and generate().
// Everything random goes through one Rng whose algorithm is fixed (generator_rng.cc); floating
// point is limited to IEEE +,-,*,/ and exact frexp/ldexp/floor (the generator's files are
// compiled with -ffp-contract=off), so one seed gives one byte stream. The parts:
// generator_internal.h.
#include "datasets/generator.h"

#include <algorithm>
#include <stdexcept>

#include "datasets/generator_internal.h"

namespace eb {

using gen_detail::Gen;
using gen_detail::kMaxPayload;

namespace {

// One preset: its name and description (`--list-presets`), what it generates, the flows and
// Zipf exponent it uses unless --flows / --zipf say otherwise, and whether --header-size shapes
// it (the malformed and link catalogues build their own headers).
struct Preset {
  PresetInfo info;
  void (*make)(Gen& g);
  uint32_t flows = 64;
  double zipf = 0.0;
  bool header_size_applies = true;
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> p = {
      {{"default",
        "the default run's corpus: imix-sized common packets, header sizes up to 256, some oversize, "
        "mixed and malformed; 2048 packets, 512 flows, Zipf 1.0"},
       [](Gen& g) { g.dflt(g.packets(2048)); }, 512, 1.0},
      {{"header-sweep",
        "every header size from each combination's minimum to 256 in 4-byte steps, "
        "v4/v6 outer x v4/v6 inner x TCP/UDP; 64-byte payload; labels hs-v4v6tcp-128"},
       [](Gen& g) { g.header_sweep(0, 256, "header-sweep"); }},
      {{"oversize",
        "header sizes 264..320 (beyond MaxHeaderSizeSupported 256) for every combination that reaches them"},
       [](Gen& g) { g.header_sweep(264, 320, "oversize"); }},
      {{"mixed",
        "everything at random: versions, IPv4 options, IPv6 extension headers, TCP options, VLAN, "
        "GRE C/S bits, payload sizes; 1024 packets"},
       [](Gen& g) {
         for (uint64_t i = 0, n = g.packets(1024); i < n; ++i) g.mixed_one(i);
       }},
      {{"imix",
        "outer IP packet sizes 64/576/1500 in the classic 7:4:1 mix, mostly minimal headers; 1200 packets"},
       [](Gen& g) {
         for (uint64_t i = 0, n = g.packets(1200); i < n; ++i) g.imix_one("imix");
       }},
      {{"lso",
        "large TCP sends (payloads up to 64 KiB) for LSOv2 over all four IP combinations, TCP options; "
        "IP lengths that overflow 16 bits are 0 (large_send); 32 packets"},
       [](Gen& g) { g.lso(); }},
      {{"uso",
        "large UDP sends (payloads up to 64 KiB) for USO over all four IP combinations: minimal headers, "
        "GRE C bit, IPv4 options / IPv6 extension headers, 256-byte headers, whole and partial last "
        "datagrams; labels uso-v4v6udp-PAYLOAD-mssN[-grec|-opts|-hsN]; 48 packets"},
       [](Gen& g) { g.uso(); }},
      {{"malformed",
        "a catalogue of broken frames covering every parse error; each labelled with the error name "
        "parse_nvgre must report"},
       [](Gen& g) { g.malformed(g.packets(g.malformed_catalogue_size())); }, 64, 0.0, false},
      {{"link",
        "the rest of an ordinary NVGRE link: ARP, LLDP, an unknown EtherType, ICMP, ICMPv6, IPv6 no next "
        "header and ESP inside NVGRE; pure ACKs and small datagrams padded to 60 bytes, a captured FCS "
        "trailer; outer and inner IP fragments; TCP/UDP checksums holding only the pseudo-header sum "
        "(captured before TX offload); labels link-*"},
       [](Gen& g) { g.link(g.packets(0)); }, 64, 0.0, false},
  };
  return p;
}

}  // namespace

const std::vector<PresetInfo>& generator_presets() {
  static const std::vector<PresetInfo> v = [] {
    std::vector<PresetInfo> r;
    for (const Preset& p : presets()) r.push_back(p.info);
    return r;
  }();
  return v;
}

void generate(const GeneratorConfig& cfg, const std::function<void(const GeneratedFrame&)>& sink) {
  const auto& ps = presets();
  const auto p = std::find_if(ps.begin(), ps.end(), [&](const Preset& q) { return q.info.name == cfg.preset; });
  if (p == ps.end()) throw std::invalid_argument("unknown preset '" + cfg.preset + "' (see --list-presets)");
  if (cfg.packets > 100000000ull) throw std::invalid_argument("packet count " + std::to_string(cfg.packets) + " is above 100000000");
  if (cfg.flows > 1000000u) throw std::invalid_argument("flow count " + std::to_string(cfg.flows) + " is above 1000000");
  if (!(cfg.zipf < 0) && !(cfg.zipf >= 0 && cfg.zipf <= 100)) throw std::invalid_argument("Zipf exponent must be in 0..100");
  if (cfg.payload_mode == PayloadMode::fixed && cfg.payload_len > kMaxPayload)
    throw std::invalid_argument("payload " + std::to_string(cfg.payload_len) + " is above " + std::to_string(kMaxPayload) + " bytes");
  const uint32_t flows = cfg.flows ? cfg.flows : p->flows;
  const double zipf = cfg.zipf >= 0 ? cfg.zipf : p->zipf;
  Gen g(cfg, sink, flows, zipf);
  if (!g.any_combo()) throw std::invalid_argument("no outer/inner/L4 combination matches the overrides");
  if (cfg.header_size) {
    bool any = false;
    std::string why;
    for (const auto& c : g.combos()) {  // the combinations the overrides select
      std::string w;
      if (spec_for_header_size(c.ov, c.iv, c.l4, *cfg.header_size, &w)) any = true;
      else if (why.empty()) why = w;
    }
    if (!any && p->header_size_applies) throw std::invalid_argument(why);
  }
  p->make(g);
}

Corpus generate_corpus(const GeneratorConfig& cfg) {
  Corpus c;
  generate(cfg, [&](const GeneratedFrame& f) { c.add(f.bytes, f.label, f.timestamp_ns, 0, f.parse); });
  return c;
}

std::vector<GeneratedFrame> generate_frames(const GeneratorConfig& cfg) {
  std::vector<GeneratedFrame> v;
  generate(cfg, [&](const GeneratedFrame& f) { v.push_back(f); });
  return v;
}

}  // namespace eb
