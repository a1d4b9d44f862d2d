// `encapbench checksum`: NVGRE checksum offload in software over a capture.
//   --mode fill    computes and inserts every checksum (outer IPv4, inner IPv4, inner TCP/UDP with
//                  its pseudo-header, GRE when the C bit is set) and writes the packets to --out;
//                  unparseable packets are written unchanged and reported.
//   --mode verify  reports, per packet, the status of the outer IPv4, inner IPv4, L4 and GRE
//                  checksums (good, bad, absent for a zero UDP/IPv4 checksum, n/a).
// Exit: 0 all good; 1 a finding (a bad checksum, or a packet that does not parse as NVGRE);
// 2 usage or input error (unknown implementation, unreadable capture, write failure).
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "kernels/packet/caps.h"

namespace eb::cli {

namespace {

struct Opts {
  std::string in;
  std::string out;
  std::string mode = "verify";
  std::string impl;
  std::string caps;
  bool json = false;
  bool large_send = false;
};

// The implementation to run, or an error message.
const ChecksumImpl* choose_impl(const std::string& name, std::string* error) {
  const auto r = resolve_impl(checksum_impls(), name, best_checksum());
  if (r.record && !r.record->internet_checksum) {
    *error = "'" + name + "' computes a CRC, not the Internet checksum: it cannot fill or verify packets";
    return nullptr;
  }
  if (!r.record) *error = r.error;
  return r.record;
}

std::string fields_written(uint8_t mask) {
  std::string s;
  auto add = [&](uint8_t bit, const char* name) {
    if (mask & bit) s += (s.empty() ? "" : ",") + std::string(name);
  };
  add(kCsumOuterIp, "outer-ip");
  add(kCsumInnerIp, "inner-ip");
  add(kCsumL4, "l4");
  add(kCsumGre, "gre");
  return s.empty() ? "-" : s;
}

nlohmann::json parse_error_json(const CorpusPacket& p) {
  return {{"ok", false},
          {"error", parse_error_name(p.layout.error)},
          {"error_message", parse_error_message(p.layout.error)},
          {"error_offset", p.layout.error_offset}};
}

void print_parse_error(FILE* f, size_t i, const CorpusPacket& p) {
  std::fprintf(f, "%6zu %6u  %s at byte %u: %s\n", i, p.length, parse_error_name(p.layout.error), p.layout.error_offset,
               parse_error_message(p.layout.error));
}

void run(const Opts& o, int* exit_code) {
  if (o.mode != "fill" && o.mode != "verify") {
    *exit_code = input_error("--mode must be 'fill' or 'verify', not '" + o.mode + "'");
    return;
  }
  if (o.mode == "fill" && o.out.empty()) {
    *exit_code = input_error("--mode fill needs --out OUT.pcap");
    return;
  }
  std::string err;
  const ChecksumImpl* impl = choose_impl(o.impl, &err);
  if (!impl) {
    *exit_code = input_error(err);
    return;
  }
  std::optional<OffloadCaps> caps;
  if (!o.caps.empty()) {
    caps = caps_from_string(o.caps, &err);
    if (!caps) {
      *exit_code = input_error("--caps: " + err);
      return;
    }
  }
  ParseOptions parse;
  parse.large_send = o.large_send;
  LoadedInput in = load_capture(o.in, parse);
  if (!in.opened) {
    *exit_code = input_error(*in.error);
    return;
  }

  const bool fill = o.mode == "fill";
  // With the packets going to stdout, the per-packet report goes to stderr.
  FILE* table = fill && o.out == "-" ? stderr : stdout;
  std::ostream& jout = table == stderr ? std::cerr : std::cout;
  if (!o.json) {
    if (fill)
      std::fprintf(table, "%6s %6s  %-26s%s\n", "#", "len", "filled", caps ? "  path (why)" : "");
    else
      std::fprintf(table, "%6s %6s  %-8s %-8s %-8s %-8s%s\n", "#", "len", "outer-ip", "inner-ip", "l4", "gre",
                   caps ? "  path (why)" : "");
  }
  size_t unparsed = 0, bad_packets = 0;
  for (size_t i = 0; i < in.corpus.size(); ++i) {
    const CorpusPacket& p = in.corpus[i];
    const NvgreLayout& L = p.layout;
    std::optional<OffloadDecision> d;
    if (caps) d = checksum_decide(*caps, fill, L);
    if (!L.ok()) {
      ++unparsed;
      if (o.json) {
        nlohmann::json j = {{"index", i}, {"length", p.length}};
        j.update(parse_error_json(p));
        if (d) j["path"] = csum_path_name(d->path);
        jout << j.dump() << "\n";
      } else {
        print_parse_error(table, i, p);
      }
      continue;
    }
    std::string path_col;
    if (d) path_col = std::string("  ") + csum_path_name(d->path) + " (" + eligibility_name(d->eligibility) + ")";
    if (fill) {
      const uint8_t written = checksum_fill(in.corpus.mutable_data(i), L, *impl);
      if (o.json) {
        nlohmann::json j = {{"index", i}, {"length", p.length}, {"ok", true}, {"filled", nlohmann::json::array()}};
        for (auto [bit, name] : {std::pair{kCsumOuterIp, "outer_ip"}, std::pair{kCsumInnerIp, "inner_ip"},
                                 std::pair{kCsumL4, "l4"}, std::pair{kCsumGre, "gre"}})
          if (written & bit) j["filled"].push_back(name);
        if (d) j["path"] = csum_path_name(d->path), j["eligibility"] = eligibility_name(d->eligibility);
        jout << j.dump() << "\n";
      } else {
        std::fprintf(table, "%6zu %6u  %-26s%s\n", i, p.length, fields_written(written).c_str(), path_col.c_str());
      }
      continue;
    }
    const VerifyResult r = checksum_verify(in.corpus.data(i), L, *impl);
    bad_packets += r.any_bad();
    if (o.json) {
      nlohmann::json j = {{"index", i},
                          {"length", p.length},
                          {"ok", true},
                          {"outer_ip", csum_status_name(r.outer_ip)},
                          {"inner_ip", csum_status_name(r.inner_ip)},
                          {"l4", csum_status_name(r.l4)},
                          {"gre", csum_status_name(r.gre)},
                          {"bad", r.any_bad()}};
      if (d) j["path"] = csum_path_name(d->path), j["eligibility"] = eligibility_name(d->eligibility);
      jout << j.dump() << "\n";
    } else {
      std::fprintf(table, "%6zu %6u  %-8s %-8s %-8s %-8s%s\n", i, p.length, csum_status_name(r.outer_ip),
                   csum_status_name(r.inner_ip), csum_status_name(r.l4), csum_status_name(r.gre), path_col.c_str());
    }
  }
  jout.flush();
  std::fflush(table);

  if (fill) {
    if (auto werr = write_pcap(o.out, in.corpus)) {
      *exit_code = input_error(*werr);
      return;
    }
  }
  if (!o.json) {
    if (fill)
      std::fprintf(stderr, "checksum fill (%s): %zu packets, %zu filled, %zu unparseable (written unchanged)\n",
                   impl->info.name.c_str(), in.corpus.size(), in.corpus.size() - unparsed, unparsed);
    else
      std::fprintf(stderr, "checksum verify (%s): %zu packets, %zu all good, %zu with a bad checksum, %zu unparseable\n",
                   impl->info.name.c_str(), in.corpus.size(), in.corpus.size() - unparsed - bad_packets, bad_packets,
                   unparsed);
  }
  report_read_problem(in);
  *exit_code = in.read_exit_code() ? in.read_exit_code() : (bad_packets || unparsed ? 1 : 0);
}

}  // namespace

void add_checksum(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand(
      "checksum", "NVGRE checksum offload in software: fill (transmit) or verify (receive) every checksum per packet");
  auto o = std::make_shared<Opts>();
  sub->add_option("--in", o->in, "Capture to read (pcap or pcapng; - for stdin)")->required();
  sub->add_option("--mode", o->mode, "fill: compute and insert; verify: report per header (default verify)");
  sub->add_option("--out", o->out, "Where fill writes the packets (pcap; - for stdout)");
  sub->add_option("--impl", o->impl, "Checksum implementation (see `encapbench list`; default: the best this CPU runs)");
  sub->add_option("--caps", o->caps,
                  "Capability profile (full, none, ndis-example, ipv4-only, or a custom spec): report per packet "
                  "whether the NIC or the software fallback would do it");
  sub->add_flag("--json", o->json, "JSON Lines: one object per packet");
  sub->add_flag("--large-send", o->large_send, "Accept IP length 0 as 'to the end of the frame' (LSOv2 super-packets)");
  sub->callback([o, exit_code] { run(*o, exit_code); });
}

}  // namespace eb::cli
