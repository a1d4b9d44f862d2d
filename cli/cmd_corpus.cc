// `encapbench corpus`: write a synthetic NVGRE corpus (datasets/generator.h) to a pcap file.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "datasets/generator.h"
#include "datasets/pcap_io.h"

namespace eb::cli {

namespace {

template <typename T>
bool parse_uint(const std::string& s, T& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

struct Opts {
  std::string preset = "default", packets, seed, flows, zipf, out, outer, inner, l4, header_size, payload;
  bool json = false, list_presets = false, usec = false;
};

// Turns the option strings into a GeneratorConfig; returns an error message or "".
std::string to_config(const Opts& o, GeneratorConfig& cfg) {
  cfg.preset = o.preset;
  if (!o.packets.empty() && (!parse_uint(o.packets, cfg.packets) || cfg.packets == 0))
    return "--packets: '" + o.packets + "' is not a positive integer";
  if (!o.seed.empty() && !parse_uint(o.seed, cfg.seed)) return "--seed: '" + o.seed + "' is not an unsigned 64-bit integer";
  if (!o.flows.empty() && (!parse_uint(o.flows, cfg.flows) || cfg.flows == 0))
    return "--flows: '" + o.flows + "' is not a positive integer";
  if (!o.zipf.empty()) {
    try {
      size_t used = 0;
      cfg.zipf = std::stod(o.zipf, &used);
      if (used != o.zipf.size() || !std::isfinite(cfg.zipf) || cfg.zipf < 0 || cfg.zipf > 100) throw std::invalid_argument("");
    } catch (const std::exception&) {
      return "--zipf: '" + o.zipf + "' is not a number in 0..100 (0 = uniform)";
    }
  }
  auto version = [](const std::string& s, std::optional<IpVersion>& v, const char* opt) -> std::string {
    if (s.empty()) return "";
    if (s == "ipv4" || s == "v4" || s == "4") v = IpVersion::v4;
    else if (s == "ipv6" || s == "v6" || s == "6") v = IpVersion::v6;
    else return std::string(opt) + ": '" + s + "' is not ipv4 or ipv6";
    return "";
  };
  if (auto e = version(o.outer, cfg.outer, "--outer"); !e.empty()) return e;
  if (auto e = version(o.inner, cfg.inner, "--inner"); !e.empty()) return e;
  if (!o.l4.empty()) {
    if (o.l4 == "tcp") cfg.l4 = L4Proto::tcp;
    else if (o.l4 == "udp") cfg.l4 = L4Proto::udp;
    else return "--l4: '" + o.l4 + "' is not tcp or udp";
  }
  if (!o.header_size.empty()) {
    uint32_t hs = 0;
    if (!parse_uint(o.header_size, hs) || hs == 0) return "--header-size: '" + o.header_size + "' is not a positive integer";
    cfg.header_size = hs;
  }
  if (!o.payload.empty()) {
    if (o.payload == "imix") {
      cfg.payload_mode = PayloadMode::imix;
    } else if (parse_uint(o.payload, cfg.payload_len)) {
      cfg.payload_mode = PayloadMode::fixed;
    } else {
      return "--payload: '" + o.payload + "' is neither a byte count nor 'imix'";
    }
  }
  return "";
}

}  // namespace

void add_corpus(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("corpus", "Generate a synthetic NVGRE corpus (deterministic for a seed) and write it as pcap");
  auto o = std::make_shared<Opts>();
  sub->add_option("--preset", o->preset, "Preset (see --list-presets); default: the default run's corpus");
  sub->add_option("--packets", o->packets, "Number of packets (default: the preset's natural count)");
  sub->add_option("--seed", o->seed, "Seed (default 1); the same seed gives a byte-identical file");
  sub->add_option("--flows", o->flows, "Number of flows: 5-tuples, VSID and FlowID per flow");
  sub->add_option("--zipf", o->zipf, "Zipf exponent of flow popularity (0 = uniform)");
  sub->add_option("--out", o->out, "Output pcap (default PRESET.pcap; '-' for stdout)");
  sub->add_option("--outer", o->outer, "Only this outer IP version: ipv4|ipv6");
  sub->add_option("--inner", o->inner, "Only this inner IP version: ipv4|ipv6");
  sub->add_option("--l4", o->l4, "Only this inner L4 protocol: tcp|udp");
  sub->add_option("--header-size", o->header_size, "Exact header size (first byte to the end of the inner TCP/UDP header)");
  sub->add_option("--payload", o->payload, "Payload bytes per packet, or 'imix' (7:4:1 of 64/576/1500-byte outer IP packets)");
  sub->add_flag("--usec", o->usec, "Microsecond pcap timestamps (default nanosecond)");
  sub->add_flag("--json", o->json, "Summary as one JSON object on stdout");
  sub->add_flag("--list-presets", o->list_presets, "List the presets and exit");
  sub->callback([o, exit_code] {
    if (o->list_presets) {
      if (o->json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& p : generator_presets()) arr.push_back({{"name", p.name}, {"description", p.description}});
        std::cout << arr.dump(2) << "\n";
      } else {
        for (const auto& p : generator_presets()) std::printf("%-13s %s\n", p.name.c_str(), p.description.c_str());
      }
      *exit_code = 0;
      return;
    }
    GeneratorConfig cfg;
    if (auto e = to_config(*o, cfg); !e.empty()) {
      *exit_code = input_error("corpus: " + e);
      return;
    }
    const std::string out = o->out.empty() ? cfg.preset + ".pcap" : o->out;
    if (out == "-" && o->json) {
      *exit_code = input_error("corpus: --json and --out - would both write to stdout");
      return;
    }
    if (cfg.preset == "malformed" && (cfg.outer || cfg.inner || cfg.l4 || cfg.header_size))
      std::cerr << "encapbench corpus: note: the malformed catalogue picks its own IP versions, L4 and header sizes; "
                   "--outer/--inner/--l4/--header-size are ignored\n";

    PcapWriter w;
    PcapWriteOptions wo;
    wo.nanosecond = !o->usec;
    uint64_t packets = 0, bytes = 0, parsed_ok = 0, mismatches = 0;
    uint32_t hs_min = UINT32_MAX, hs_max = 0;
    std::map<std::string, uint64_t> errors;
    std::set<std::string> labels;
    std::string first_mismatch;
    std::optional<std::string> werr;
    try {
      // Validate the whole request before creating the file: generate() throws on the first frame
      // for an impossible request, so run it into a sink that opens the file lazily.
      generate(cfg, [&](const GeneratedFrame& f) {
        if (werr) return;
        if (!packets) werr = w.open(out, wo);
        if (werr) return;
        werr = w.write(f.bytes, f.timestamp_ns);
        ++packets;
        bytes += f.bytes.size();
        labels.insert(f.label);
        const NvgreLayout L = parse_nvgre(f.bytes.data(), f.bytes.size(), f.parse);
        if (L.ok()) {
          ++parsed_ok;
          hs_min = std::min(hs_min, L.header_size);
          hs_max = std::max(hs_max, L.header_size);
        } else {
          ++errors[parse_error_name(L.error)];
        }
        if (L.error != f.expected) {
          ++mismatches;
          if (first_mismatch.empty())
            first_mismatch = f.label + " parsed as " + parse_error_name(L.error) + ", expected " + parse_error_name(f.expected);
        }
      });
    } catch (const std::invalid_argument& e) {
      *exit_code = input_error("corpus: " + std::string(e.what()));
      return;
    }
    if (!werr && !packets) werr = w.open(out, wo);  // an empty corpus is still a valid pcap
    if (!werr) werr = w.close();
    if (werr) {
      *exit_code = input_error("corpus: " + *werr);
      return;
    }
    const double zipf = cfg.zipf >= 0 ? cfg.zipf : (cfg.preset == "default" ? 1.0 : 0.0);
    const uint32_t flows = cfg.flows ? cfg.flows : (cfg.preset == "default" ? 512 : 64);
    if (o->json) {
      nlohmann::json j = {{"preset", cfg.preset}, {"seed", cfg.seed},      {"packets", packets},
                          {"bytes", bytes},       {"flows", flows},        {"zipf", zipf},
                          {"out", out},           {"parsed_ok", parsed_ok}, {"parse_errors", errors},
                          {"labels", labels.size()}, {"expected_mismatches", mismatches},
                          {"timestamps", o->usec ? "usec" : "nsec"}};
      if (parsed_ok) j["header_size"] = {{"min", hs_min}, {"max", hs_max}};
      std::cout << j.dump() << "\n";
    }
    std::fprintf(stderr, "encapbench corpus: preset %s, seed %llu: %llu packets, %llu bytes, %llu parsed as NVGRE",
                 cfg.preset.c_str(), static_cast<unsigned long long>(cfg.seed), static_cast<unsigned long long>(packets),
                 static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(parsed_ok));
    if (parsed_ok) std::fprintf(stderr, " (header sizes %u..%u)", hs_min, hs_max);
    if (packets > parsed_ok) std::fprintf(stderr, ", %llu with parse errors", static_cast<unsigned long long>(packets - parsed_ok));
    std::fprintf(stderr, ", %u flows %s -> %s\n", flows, zipf > 0 ? ("Zipf " + nlohmann::json(zipf).dump()).c_str() : "uniform",
                 out.c_str());
    if (mismatches) {
      std::fprintf(stderr, "encapbench corpus: %llu packet(s) did not parse as the generator intended, e.g. %s\n",
                   static_cast<unsigned long long>(mismatches), first_mismatch.c_str());
      *exit_code = 1;
      return;
    }
    *exit_code = 0;
  });
}

}  // namespace eb::cli
