// `encapbench cost`: what software fallback costs on this CPU, in cores at line rate, for the
// packets a capability profile leaves to software (bench/cost/cost_model.h, docs/cost.md).
// Exit 0 when priced, 2 for usage or input errors (a damaged capture is priced up to the damage,
// reported, and exits 2).
#include "eb_git_commit.h"
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/common/machine.h"
#include "bench/common/measure.h"
#include "bench/cost/cost_model.h"
#include "cli/commands.h"
#include "cli/input.h"

namespace eb::cli {

namespace {

using nlohmann::json;
using namespace eb::cost;

struct Opts {
  std::string in, caps = "ndis-example", impl = "best", line_rates = "10,25,100,400", sweep, out;
  int max_header = 0;
  bool json = false, fcs_included = false, with_indices = false;
  double max_cv_pct = 5, min_rep_ms = 5, max_seconds = 3;
  int max_reps = 40, window = 5;
};

// "full,none" -> two profiles; a custom spec (it has '=') is one profile even with commas.
std::vector<std::string> split_profiles(const std::string& s) {
  if (s.find('=') != std::string::npos) return {s};
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string t;
  while (std::getline(ss, t, ',')) out.push_back(t);
  return out;
}

bool parse_uint(const std::string& s, unsigned long lo, unsigned long hi, unsigned long* v) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) return false;
  *v = std::stoul(s);
  return *v >= lo && *v <= hi;
}

bool parse_sweep(const std::string& s, std::vector<uint32_t>* out, std::string* error) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string t;
  while (std::getline(ss, t, ':')) parts.push_back(t);
  unsigned long a = 0, b = 0, step = 0;
  if (parts.size() != 3 || !parse_uint(parts[0], 1, 65535, &a) || !parse_uint(parts[1], 1, 65535, &b) ||
      !parse_uint(parts[2], 1, 65535, &step) || a > b) {
    *error = "--sweep-max-header '" + s + "' is not FROM:TO:STEP with 1 <= FROM <= TO <= 65535 and STEP >= 1";
    return false;
  }
  for (unsigned long m = a; m <= b; m += step) out->push_back(static_cast<uint32_t>(m));
  if (out->size() > 1024) {
    *error = "--sweep-max-header '" + s + "' has " + std::to_string(out->size()) + " points (at most 1024)";
    return false;
  }
  return true;
}

bool parse_rates(const std::string& s, std::vector<double>* out, std::string* error) {
  std::stringstream ss(s);
  std::string t;
  while (std::getline(ss, t, ',')) {
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != 0 || !(v > 0) || v > 100000) {
      *error = "--line-rate '" + s + "': '" + t + "' is not a rate in Gb/s (0 < rate <= 100000)";
      return false;
    }
    out->push_back(v);
  }
  if (out->empty()) {
    *error = "--line-rate: give at least one rate in Gb/s";
    return false;
  }
  return true;
}

bool sha256_file(const std::string& path, std::string* hex, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = path + ": cannot read for its fingerprint";
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    *error = "SHA-256 unavailable (libcrypto)";
    return false;
  }
  std::vector<char> buf(1 << 16);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (f.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(f.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &n);
  static const char* digits = "0123456789abcdef";
  hex->clear();
  for (unsigned i = 0; i < n; ++i) {
    *hex += digits[md[i] >> 4];
    *hex += digits[md[i] & 15];
  }
  return true;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string rate_key(double gbps) { return fmt("%g", gbps); }

// Cores at each rate for a measured path, or null (JSON) when the figure is withheld.
json cores_json(const PathCost& p, const std::vector<double>& rates, const CaptureFacts& f) {
  json c = json::object();
  for (double r : rates)
    c[rate_key(r)] = p.m.stable ? json(cores_at(p.m.median_ns, r * 1e9, f.line_bytes)) : json(nullptr);
  return c;
}

json path_json(const PathCost& p, const SoftwareSet& s, const std::vector<double>& rates, const CaptureFacts& f) {
  json j = {{"impl", p.impl},
            {"family", p.family},
            {"pass_ns", p.m.median_ns},
            {"ns_per_packet", s.indices.empty() ? 0.0 : p.m.median_ns / static_cast<double>(s.indices.size())},
            {"ns_per_byte", s.bytes == 0 ? 0.0 : p.m.median_ns / static_cast<double>(s.bytes)},
            {"cv", p.m.cv},
            {"stable", p.m.stable},
            {"timed", !p.m.empty},
            {"repetitions", p.m.pass_ns.size()},
            {"window", p.m.window},
            {"passes_per_repetition", p.m.passes_per_rep},
            {"samples_pass_ns", p.m.pass_ns},
            {"cores", cores_json(p, rates, f)}};
  auto share = cores_at_capture_rate(p.m.median_ns, f.duration_ns);
  j["cores_at_capture_rate"] = p.m.stable && share ? json(*share) : json(nullptr);
  if (!p.m.note.empty()) j["note"] = p.m.note;
  return j;
}

struct Totals {
  std::vector<double> cores;  // per rate
  bool stable = true;
  double pass_ns = 0;
};

Totals total_of(const ProfileCost& pc, const std::vector<double>& rates, const CaptureFacts& f,
                const std::vector<Offload>& which) {
  Totals t;
  t.cores.assign(rates.size(), 0);
  for (Offload o : which) {
    const OffloadCost& oc = pc.offloads[static_cast<int>(o)];
    if (!oc.chosen.measured) continue;
    t.stable = t.stable && oc.chosen.m.stable;
    t.pass_ns += oc.chosen.m.median_ns;
  }
  for (size_t r = 0; r < rates.size(); ++r) t.cores[r] = cores_at(t.pass_ns, rates[r] * 1e9, f.line_bytes);
  return t;
}

const std::vector<Offload> kTransmit = {Offload::tx_checksum, Offload::lso_v2, Offload::uso};
const std::vector<Offload> kReceive = {Offload::rx_checksum, Offload::rss, Offload::vmq};
const std::vector<Offload> kAll = {Offload::tx_checksum, Offload::rx_checksum, Offload::lso_v2,
                                   Offload::rss,         Offload::vmq,         Offload::uso};

json point_json(const ProfileCost& pc, const std::vector<double>& rates, const CaptureFacts& f, bool with_indices) {
  json j = {{"max_header_size", pc.caps.max_header_size}};
  for (int k = 0; k < kOffloadCount; ++k) {
    const OffloadCost& oc = pc.offloads[k];
    const SoftwareSet& s = oc.set;
    json reasons = json::object();
    for (int e = 0; e < kEligibilityCount; ++e)
      if (s.packets_by[e])
        reasons[eligibility_name(static_cast<Eligibility>(e))] = {{"packets", s.packets_by[e]},
                                                                  {"bytes", s.bytes_by[e]}};
    json o = {{"flags", caps_flags_to_string(pc.caps[static_cast<Offload>(k)])},
              {"software_packets", s.indices.size()},
              {"software_bytes", s.bytes},
              {"software_line_bytes", s.line_bytes},
              {"nic_packets", s.nic_packets},
              {"no_work_packets", s.no_work_packets},
              {"why", reasons}};
    if (with_indices) o["software_indices"] = s.indices;
    if (oc.chosen.measured) {
      o["chosen"] = path_json(oc.chosen, s, rates, f);
      o["reference"] = path_json(oc.reference, s, rates, f);
    } else {
      o["not_measured"] = oc.why_not_measured;
    }
    j["offloads"][offload_name(static_cast<Offload>(k))] = o;
  }
  auto tot = [&](const std::vector<Offload>& which) {
    Totals t = total_of(pc, rates, f, which);
    json c = json::object();
    for (size_t r = 0; r < rates.size(); ++r) c[rate_key(rates[r])] = t.stable ? json(t.cores[r]) : json(nullptr);
    auto share = cores_at_capture_rate(t.pass_ns, f.duration_ns);
    return json{{"pass_ns", t.pass_ns}, {"stable", t.stable}, {"cores", c},
                {"cores_at_capture_rate", t.stable && share ? json(*share) : json(nullptr)}};
  };
  j["total"] = tot(kAll);
  j["transmit"] = tot(kTransmit);
  j["receive"] = tot(kReceive);
  return j;
}

// ---- Console --------------------------------------------------------------------------------

std::string short_reason(Eligibility e) {
  switch (e) {
    case Eligibility::not_supported: return "unsupported";
    case Eligibility::outer_version: return "outer-ver";
    case Eligibility::inner_version: return "inner-ver";
    case Eligibility::header_too_large: return "hdr>max";
    case Eligibility::not_parseable: return "unparsed";
    default: return eligibility_name(e);
  }
}

std::string why_text(const SoftwareSet& s) {
  std::string w;
  for (int e = 0; e < kEligibilityCount; ++e) {
    if (!s.packets_by[e]) continue;
    if (!w.empty()) w += ' ';
    w += short_reason(static_cast<Eligibility>(e)) + ":" + std::to_string(s.packets_by[e]);
  }
  return w.empty() ? "-" : w;
}

std::string bytes_text(uint64_t b) {
  if (b >= 10'000'000) return fmt("%.1fMB", static_cast<double>(b) / 1e6);
  if (b >= 10'000) return fmt("%.0fkB", static_cast<double>(b) / 1e3);
  return std::to_string(b) + "B";
}

std::string cores_text(double c) { return c < 0.0005 ? (c == 0 ? "0" : fmt("%.1e", c)) : fmt("%.3f", c); }

std::string ns_text(const PathCost& p, double n) {
  if (p.m.empty) return "-";
  return fmt(n < 10 ? "%.2f" : "%.1f", n);
}

void print_point(const ProfileCost& pc, const std::vector<double>& rates, const CaptureFacts& f, double cap_rate_gbps) {
  std::printf("%-11s %13s %8s %-44s %-12s %7s %6s %5s | %-10s %7s %6s |", "offload", "software pkts", "bytes",
              "why (packets)", "impl", "ns/pkt", "ns/B", "cv", "reference", "ns/pkt", "ns/B");
  for (double r : rates) std::printf(" %7s", (fmt("%g", r) + "G").c_str());
  std::printf(" %8s\n", cap_rate_gbps > 0 ? "capture" : "");
  for (Offload o : kAll) {
    const OffloadCost& oc = pc.offloads[static_cast<int>(o)];
    const SoftwareSet& s = oc.set;
    const double n = static_cast<double>(s.indices.size());
    std::string pct = f.packets ? fmt("%.0f%%", 100.0 * n / static_cast<double>(f.packets)) : "";
    std::printf("%-11s %7zu %5s %8s %-44s", offload_name(o), s.indices.size(), pct.c_str(), bytes_text(s.bytes).c_str(),
                why_text(s).c_str());
    if (!oc.chosen.measured) {
      std::printf(" not priced: %s\n", oc.why_not_measured.c_str());
      continue;
    }
    const PathCost& c = oc.chosen;
    const PathCost& r = oc.reference;
    auto per_pkt = [&](const PathCost& p) { return n ? p.m.median_ns / n : 0.0; };
    auto per_b = [&](const PathCost& p) { return s.bytes ? p.m.median_ns / static_cast<double>(s.bytes) : 0.0; };
    std::string cv = c.m.empty ? "-" : fmt("%.1f%%", 100 * c.m.cv) + (c.m.stable ? "" : "!");
    std::printf(" %-12s %7s %6s %5s | %-10s %7s %6s |", c.impl.c_str(), ns_text(c, per_pkt(c)).c_str(),
                c.m.empty ? "-" : fmt("%.3f", per_b(c)).c_str(), cv.c_str(), r.impl.c_str(),
                ns_text(r, per_pkt(r)).c_str(), r.m.empty ? "-" : fmt("%.3f", per_b(r)).c_str());
    for (double rate : rates)
      std::printf(" %7s", c.m.stable ? cores_text(cores_at(c.m.median_ns, rate * 1e9, f.line_bytes)).c_str() : "unstable");
    auto share = cores_at_capture_rate(c.m.median_ns, f.duration_ns);
    std::printf(" %8s\n", share ? (c.m.stable ? cores_text(*share).c_str() : "unstable") : "");
  }
  for (const auto& [label, which] : {std::pair<const char*, const std::vector<Offload>*>{"transmit", &kTransmit},
                                     {"receive", &kReceive}, {"total", &kAll}}) {
    Totals t = total_of(pc, rates, f, *which);
    std::printf("%-11s %-127s |", label,
                label == std::string("total") ? "(every offload's software path; transmit ones overlap on TCP: see docs)"
                                              : "");
    for (size_t i = 0; i < rates.size(); ++i) std::printf(" %7s", t.stable ? cores_text(t.cores[i]).c_str() : "unstable");
    auto share = cores_at_capture_rate(t.pass_ns, f.duration_ns);
    std::printf(" %8s\n", share ? (t.stable ? cores_text(*share).c_str() : "unstable") : "");
  }
}

void print_sweep(const std::vector<ProfileCost>& points, const std::vector<double>& rates, const CaptureFacts& f) {
  // Per offload at the headline rate (100 Gb/s when asked for, else the highest), total at every rate.
  double head = rates.back();
  for (double r : rates)
    if (r == 100) head = r;
  std::printf("%7s", "maxhdr");
  for (Offload o : kAll) std::printf(" %11s", offload_name(o));
  for (double r : rates) std::printf(" %9s", ("total@" + fmt("%g", r) + "G").c_str());
  std::printf("   (cores at %gG per offload; best implementation)\n", head);
  for (const ProfileCost& pc : points) {
    std::printf("%7u", pc.caps.max_header_size);
    for (Offload o : kAll) {
      const OffloadCost& oc = pc.offloads[static_cast<int>(o)];
      std::string cell = !oc.chosen.measured ? "-"
                         : oc.chosen.m.stable ? cores_text(cores_at(oc.chosen.m.median_ns, head * 1e9, f.line_bytes))
                                              : "unstable";
      std::printf(" %11s", cell.c_str());
    }
    Totals t = total_of(pc, rates, f, kAll);
    for (size_t i = 0; i < rates.size(); ++i) std::printf(" %9s", t.stable ? cores_text(t.cores[i]).c_str() : "unstable");
    std::printf("\n");
  }
}

json caches_json() {
  std::string src;
  json a = json::array();
  for (const auto& c : bench::detect_caches(&src))
    a.push_back({{"type", c.type}, {"level", c.level}, {"size", c.bytes}, {"num_sharing", c.shared_cpus}});
  return a;
}

int run(const Opts& o) {
  // ---- arguments, all checked before anything is read or timed
  std::vector<OffloadCaps> profiles;
  for (const std::string& name : split_profiles(o.caps)) {
    std::string err;
    auto c = caps_from_string(name, &err);
    if (!c) return input_error("--caps: " + err);
    profiles.push_back(*c);
  }
  if (profiles.empty()) return input_error("--caps: give at least one profile");
  std::string err;
  std::vector<uint32_t> max_headers;
  if (!o.sweep.empty()) {
    if (o.max_header) return input_error("--max-header and --sweep-max-header exclude each other");
    if (!parse_sweep(o.sweep, &max_headers, &err)) return input_error(err);
  } else if (o.max_header) {
    if (o.max_header < 1 || o.max_header > 65535) return input_error("--max-header must be in 1..65535");
    max_headers.push_back(static_cast<uint32_t>(o.max_header));
  }
  std::vector<double> rates;
  if (!parse_rates(o.line_rates, &rates, &err)) return input_error(err);
  bench::MeasureConfig mc;
  mc.max_cv = o.max_cv_pct / 100;
  mc.min_rep_seconds = o.min_rep_ms / 1000;
  mc.max_reps = o.max_reps;
  mc.window = o.window;
  mc.max_seconds = o.max_seconds;
  if (auto why = bench::validate(mc); !why.empty()) return input_error("timing: " + why);
  auto chosen = resolve_impls(o.impl, &err);
  if (!chosen) return input_error("--impl: " + err);
  auto reference = resolve_impls("reference", &err);
  if (!reference) return input_error(err);
  if (o.in == "-") return input_error("--in: cost needs a capture file (its SHA-256 goes into the result), not stdin");

  // ---- the capture
  LoadedInput in = load_capture(o.in);
  if (!in.opened) return input_error(*in.error);
  if (in.corpus.size() == 0) {
    report_read_problem(in);
    return input_error(o.in + ": the capture holds no packets: nothing to price");
  }
  std::string sha;
  if (!sha256_file(o.in, &sha, &err)) return input_error(err);

  WireModel wire;
  wire.fcs_in_capture = o.fcs_included;
  CostModel model(in.corpus, *chosen, *reference,
                  [mc](const std::function<void()>& pass) { return bench::measure(pass, mc); }, {}, wire);
  const CaptureFacts& f = model.facts();
  const double cap_rate_gbps =
      f.duration_ns ? 8.0 * static_cast<double>(f.line_bytes) / static_cast<double>(f.duration_ns) : 0;

  json doc;
  json& ctx = doc["context"];
  for (const auto& [k, v] : bench::run_context()) ctx[k] = v;
  ctx["date"] = ctx.value("utc_time", std::string());  // the key Google Benchmark's context uses
  ctx["num_cpus"] = std::atoi(ctx.value("logical_cpus", std::string("0")).c_str());
  ctx["caches"] = caches_json();
  ctx["executable"] = "encapbench cost";
  ctx["result_kind"] = "cost";
  ctx["encapbench_version"] = EB_VERSION " (" EB_GIT_COMMIT_LIVE ")";

  if (!o.json) {
    std::printf("capture %s: %zu packets, %s captured, sha256 %s\n", o.in.c_str(), f.packets, bytes_text(f.bytes).c_str(),
                sha.substr(0, 16).c_str());
    std::printf("  on the line %s: +%u B preamble/SFD/IFG per frame, FCS %s, frames padded to 64 B; mean %.0f B/frame\n",
                bytes_text(f.line_bytes).c_str(), WireModel::kPreambleSfdIfg,
                wire.fcs_in_capture ? "in the capture" : "+4 B (not in the capture)",
                static_cast<double>(f.line_bytes) / static_cast<double>(f.packets));
    if (cap_rate_gbps > 0)
      std::printf("  capture's own rate %.3g Gb/s over %.3g ms\n", cap_rate_gbps, static_cast<double>(f.duration_ns) / 1e6);
    std::printf("  CPU %s (%s), one core; %s vs reference; median of the last %d repetitions, CV <= %.1f%%\n",
                ctx.value("cpu_brand", std::string("?")).c_str(), ctx.value("machine_class", std::string("?")).c_str(),
                o.impl.c_str(), mc.window, 100 * mc.max_cv);
  }

  json jprofiles = json::array();
  bool any_unstable = false;
  for (const OffloadCaps& base : profiles) {
    std::vector<uint32_t> mh = max_headers.empty() ? std::vector<uint32_t>{base.max_header_size} : max_headers;
    std::vector<ProfileCost> points;
    json jp = {{"profile", base.name}, {"points", json::array()}};
    for (int k = 0; k < kOffloadCount; ++k)
      jp["flags"][offload_name(static_cast<Offload>(k))] = caps_flags_to_string(base[static_cast<Offload>(k)]);
    for (uint32_t m : mh) {
      OffloadCaps caps = base;
      caps.max_header_size = m;
      auto pc = model.price(caps, &err);
      if (!pc) return input_error(err);
      for (const auto& oc : pc->offloads) any_unstable = any_unstable || (oc.chosen.measured && !oc.chosen.m.stable);
      jp["points"].push_back(point_json(*pc, rates, f, o.with_indices));
      points.push_back(std::move(*pc));
    }
    if (!o.json) {
      std::printf("\nprofile %s, MaxHeaderSizeSupported %s: software fallback, cores of this CPU\n", base.name.c_str(),
                  mh.size() == 1 ? std::to_string(mh[0]).c_str() : o.sweep.c_str());
      if (points.size() == 1) print_point(points[0], rates, f, cap_rate_gbps);
      else print_sweep(points, rates, f);
    }
    jprofiles.push_back(std::move(jp));
  }
  if (!o.json && any_unstable)
    std::printf("\n'unstable': the repetitions did not agree within %.1f%%; no cores figure is printed from them "
                "(rerun on a quieter machine, or raise --max-cv / --max-reps)\n",
                100 * mc.max_cv);

  json cost = {{"capture",
                {{"path", o.in},
                 {"sha256", sha},
                 {"packets", f.packets},
                 {"bytes", f.bytes},
                 {"line_bytes", f.line_bytes},
                 {"duration_ns", f.duration_ns},
                 {"rate_gbps", cap_rate_gbps > 0 ? json(cap_rate_gbps) : json(nullptr)},
                 {"incomplete", in.error ? json(*in.error) : json(nullptr)}}},
               {"wire_model",
                {{"preamble_sfd_ifg_bytes", WireModel::kPreambleSfdIfg},
                 {"fcs_bytes_added", wire.fcs_in_capture ? 0 : WireModel::kFcs},
                 {"min_frame_bytes", WireModel::kMinFrame},
                 {"formula", "cores = pass_ns * 1e-9 * rate_bps / (8 * sum over frames of (max(len + fcs_bytes_added, 64) + 20))"}}},
               {"line_rates_gbps", rates},
               {"impl_selector", o.impl},
               {"timing",
                {{"clock", "thread CPU time (CLOCK_THREAD_CPUTIME_ID)"},
                 {"min_repetition_seconds", mc.min_rep_seconds},
                 {"warmup_repetitions", mc.warmup_reps},
                 {"window", mc.window},
                 {"max_repetitions", mc.max_reps},
                 {"max_cv", mc.max_cv},
                 {"max_seconds", mc.max_seconds}}},
               {"distinct_measurements", model.measurements()},
               {"profiles", jprofiles}};
  doc["encapbench_cost"] = cost;
  if (o.json) std::cout << doc.dump(1) << "\n";
  if (!o.out.empty()) {
    std::error_code ec;
    std::filesystem::path p(o.out);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    std::ofstream fo(o.out);
    fo << doc.dump(1) << "\n";
    if (!fo) return input_error("cannot write " + o.out);
    if (!o.json) std::printf("\nwrote %s\n", o.out.c_str());
  }
  std::cout.flush();
  std::fflush(stdout);
  report_read_problem(in);
  return in.read_exit_code();
}

}  // namespace

void add_cost(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand(
      "cost", "What software fallback costs on this CPU: cores at line rate for the packets a profile leaves to software");
  auto o = std::make_shared<Opts>();
  sub->add_option("--in", o->in, "Capture to price (pcap or pcapng file)")->required();
  sub->add_option("--caps", o->caps,
                  "Profile(s), comma-separated: full, none, ndis-example, ipv4-only; or one custom spec "
                  "tx=..,rx=..,lso=..,rss=..,vmq=..,uso=..,max=N")
      ->capture_default_str();
  sub->add_option("--max-header", o->max_header, "MaxHeaderSizeSupported (default: the profile's, 256)");
  sub->add_option("--sweep-max-header", o->sweep, "FROM:TO:STEP, e.g. 64:320:8: the cost curve against MaxHeaderSizeSupported");
  sub->add_option("--line-rate", o->line_rates, "Line rates in Gb/s, comma-separated")->capture_default_str();
  sub->add_option("--impl", o->impl, "best, reference, or an implementation name (`encapbench list`); the reference is always shown beside it")
      ->capture_default_str();
  sub->add_flag("--fcs-included", o->fcs_included, "The capture's frames include the 4-byte FCS (default: they do not)");
  sub->add_flag("--json", o->json, "Print the result document (JSON) instead of the tables");
  sub->add_flag("--with-indices", o->with_indices, "JSON: list the capture index of every packet left to software, per offload");
  sub->add_option("--out", o->out, "Also write the result document to this file (a result file `encapbench report` reads)");
  sub->add_option("--max-cv", o->max_cv_pct, "Stability: the last --window repetitions agree within this CV, in %")
      ->capture_default_str();
  sub->add_option("--window", o->window, "Repetitions that must agree")->capture_default_str();
  sub->add_option("--max-reps", o->max_reps, "Repetitions at most per measurement")->capture_default_str();
  sub->add_option("--rep-ms", o->min_rep_ms, "Minimum length of one repetition, ms")->capture_default_str();
  sub->add_option("--budget", o->max_seconds, "Seconds of repetitions at most per measurement")->capture_default_str();
  sub->callback([o, exit_code] {
    try {
      *exit_code = run(*o);
    } catch (const std::exception& e) {
      *exit_code = input_error(e.what());
    }
  });
}

}  // namespace eb::cli
