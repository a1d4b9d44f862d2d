// `encapbench checksum`: NVGRE checksum offload in software over a capture.
//   --mode fill    computes and inserts every checksum (outer IPv4, inner IPv4, inner TCP/UDP with
//                  its pseudo-header, GRE when the C bit is set) and writes the packets to --out;
//                  inner frames that are not TCP/UDP get their IPv4 header checksums, fragments
//                  the IPv4 header checksums up to the fragmented header; pseudo-header-only L4
//                  fields (a capture taken before TX offload) are completed; malformed frames
//                  are written unchanged and reported.
//   --mode verify  reports, per packet, one status (good, partial, bad, unparsed) and the status
//                  of the outer IPv4, inner IPv4, L4 and GRE checksums (good, bad, partial for a
//                  field holding only the pseudo-header sum, absent for a zero UDP/IPv4 checksum,
//                  n/a).
// Exit: 0 no finding (partial checksums are counted, not findings); 1 a finding (a bad checksum,
// or a malformed frame); 2 usage or input error (unknown implementation, unreadable capture,
// write failure).
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/frame_report.h"
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
  const auto r = resolve_impl(checksum_impls(), name, best_packet_checksum());
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

// One verdict per packet: any bad field wins, then any partial one.
const char* verdict(const VerifyResult& r) { return r.any_bad() ? "bad" : r.any_partial() ? "partial" : "good"; }

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
  LoadedInput in;
  if (!load_capture_or_report(o.in, {.large_send = o.large_send}, &in, exit_code)) return;

  const bool fill = o.mode == "fill";
  // With the packets going to stdout, the per-packet report goes to stderr.
  FILE* table = fill && o.out == "-" ? stderr : stdout;
  std::ostream& jout = table == stderr ? std::cerr : std::cout;
  if (!o.json) {
    if (fill)
      std::fprintf(table, "%6s %6s  %-16s %-26s%s\n", "#", "len", "inner", "filled", caps ? "  path (why)" : "");
    else
      std::fprintf(table, "%6s %6s  %-16s %-8s %-8s %-8s %-8s %-8s%s\n", "#", "len", "inner", "status", "outer-ip", "inner-ip",
                   "l4", "gre", caps ? "  path (why)" : "");
  }
  size_t unparsed = 0, bad_packets = 0, partial_packets = 0, nothing = 0;
  KindCounts kinds;
  for (size_t i = 0; i < in.corpus.size(); ++i) {
    const CorpusPacket& p = in.corpus[i];
    const NvgreLayout& L = p.layout;
    std::optional<OffloadDecision> d;
    if (caps) d = checksum_decide(*caps, fill, L);
    kinds.add(L);
    nlohmann::json j = {{"index", i}, {"length", p.length}};
    add_frame_kind(j, L);
    if (d) j["path"] = csum_path_name(d->path), j["eligibility"] = eligibility_name(d->eligibility);
    if (!L.well_formed()) {
      ++unparsed;
      if (o.json) {
        j["status"] = "unparsed";
        jout << j.dump() << "\n";
      } else {
        std::fprintf(table, "%6zu %6u  %s\n", i, p.length, frame_note(L).c_str());
      }
      continue;
    }
    const std::string kind = L.is_fragment() ? frame_kind_name(L) : inner_kind_name(L);
    j["inner"] = inner_kind_name(L);
    std::string path_col;
    if (d) path_col = std::string("  ") + csum_path_name(d->path) + " (" + eligibility_name(d->eligibility) + ")";
    // What the packet held, before a fill changes it: partial L4 fields are counted as completed.
    const VerifyResult r = checksum_verify(in.corpus.data(i), L, *impl);
    partial_packets += r.any_partial() && (fill || !r.any_bad());  // verify: a bad field makes it bad
    if (fill) {
      const uint8_t written = checksum_fill(in.corpus.mutable_data(i), L, *impl);
      nothing += written == 0;
      if (o.json) {
        j["status"] = written ? "filled" : "nothing_to_fill";
        j["filled"] = nlohmann::json::array();
        for (auto [bit, name] : {std::pair{kCsumOuterIp, "outer_ip"}, std::pair{kCsumInnerIp, "inner_ip"},
                                 std::pair{kCsumL4, "l4"}, std::pair{kCsumGre, "gre"}})
          if (written & bit) j["filled"].push_back(name);
        j["completed_partial"] = r.any_partial();
        jout << j.dump() << "\n";
      } else {
        std::fprintf(table, "%6zu %6u  %-16s %-26s%s\n", i, p.length, kind.c_str(),
                     (fields_written(written) + (r.any_partial() ? " (l4 was partial)" : "")).c_str(), path_col.c_str());
      }
      continue;
    }
    bad_packets += r.any_bad();
    if (o.json) {
      j.update({{"status", verdict(r)},
                {"outer_ip", csum_status_name(r.outer_ip)},
                {"inner_ip", csum_status_name(r.inner_ip)},
                {"l4", csum_status_name(r.l4)},
                {"gre", csum_status_name(r.gre)}});
      jout << j.dump() << "\n";
    } else {
      std::fprintf(table, "%6zu %6u  %-16s %-8s %-8s %-8s %-8s %-8s%s\n", i, p.length, kind.c_str(), verdict(r),
                   csum_status_name(r.outer_ip), csum_status_name(r.inner_ip), csum_status_name(r.l4),
                   csum_status_name(r.gre), path_col.c_str());
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
  const size_t checked = in.corpus.size() - unparsed;
  if (o.json) {
    nlohmann::json s = {{"summary", true}, {"mode", o.mode}, {"impl", impl->info.name}, {"packets", in.corpus.size()},
                        {"partial", partial_packets}};
    kinds.to_json(s);
    if (fill) s.update({{"filled", checked - nothing}, {"nothing_to_fill", nothing}, {"unchanged_malformed", unparsed}});
    else s.update({{"good", checked - bad_packets - partial_packets}, {"bad", bad_packets}});
    jout << s.dump() << "\n";
  } else if (fill) {
    std::fprintf(stderr,
                 "checksum fill (%s): %zu packets (%s): %zu filled (%zu had a partial L4 checksum, completed), %zu with no "
                 "checksum to fill, %zu not NVGRE or malformed (written unchanged)\n",
                 impl->info.name.c_str(), in.corpus.size(), kinds.text().c_str(), checked - nothing, partial_packets, nothing,
                 unparsed);
  } else {
    std::fprintf(stderr,
                 "checksum verify (%s): %zu packets (%s): %zu all good, %zu partial (L4 holds only the pseudo-header sum: "
                 "captured before TX offload), %zu with a bad checksum, %zu not NVGRE or malformed (not checked)\n",
                 impl->info.name.c_str(), in.corpus.size(), kinds.text().c_str(), checked - bad_packets - partial_packets,
                 partial_packets, bad_packets, unparsed);
  }
  report_read_problem(in);
  *exit_code = in.read_exit_code() ? in.read_exit_code() : (bad_packets || unparsed ? 1 : 0);
}

}  // namespace

void add_checksum(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand(
      "checksum", "NVGRE checksum offload in software: fill (transmit) or verify (receive) every checksum per packet");
  auto o = std::make_shared<Opts>();
  add_capture_options(sub, &o->in, &o->large_send);
  sub->add_option("--mode", o->mode, "fill: compute and insert; verify: report per header (default verify)");
  sub->add_option("--out", o->out, "Where fill writes the packets (pcap; - for stdout)");
  sub->add_option("--impl", o->impl, "Checksum implementation (see `encapbench list`; default: the best this CPU runs)");
  sub->add_option("--caps", o->caps,
                  "Capability profile (full, none, ndis-example, ipv4-only, or a custom spec): report per packet "
                  "whether the NIC or the software fallback would do it");
  sub->add_flag("--json", o->json, "JSON Lines: one object per packet");
  sub->callback([o, exit_code] { run(*o, exit_code); });
}

}  // namespace eb::cli
