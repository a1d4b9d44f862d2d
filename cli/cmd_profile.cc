// `encapbench profile FILTER`: records one benchmark row with `perf record` and writes the
// hottest functions (perf report) and the annotated hottest symbol (perf annotate), so an
// engineer sees where a kernel spends its time. Where the machine has no PMU (most VMs) it
// samples the software event cpu-clock instead of cycles and says so.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "cli/bench_runner.h"
#include "cli/commands.h"

namespace eb::cli {
namespace {

namespace fs = std::filesystem;
using runner::ProcResult;

struct ProfileOptions {
  std::string filter;
  std::string out;
  std::string bench_dir;
  std::string preset = "quick";
  double min_time = 2.0;
  std::string event;  // empty = auto
};

struct HotSymbol {
  double percent = 0;
  std::string space;  // "[.]" user, "[k]" kernel
  std::string name;
};

// Lines like "    99.29%  [.] symbol name      -      -   " from perf report --sort symbol.
std::vector<HotSymbol> parse_report(const std::string& text) {
  static const std::regex line_re(R"(^\s*([0-9.]+)%\s+(\[.\])\s+(.*?)\s*$)");
  std::vector<HotSymbol> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.empty() || line[0] == '#' || !std::regex_match(line, m, line_re)) continue;
    HotSymbol h;
    h.percent = std::stod(m[1]);
    h.space = m[2];
    std::string sym = m[3];
    // perf pads the symbol column and appends IPC columns ("  -      -"): cut at the padding
    // (symbol names do not contain two spaces in a row).
    if (auto pad = sym.find("  "); pad != std::string::npos) sym = sym.substr(0, pad);
    h.name = sym;
    out.push_back(h);
  }
  return out;
}

std::string first_line(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  return l;
}

int do_profile(const ProfileOptions& o) {
  std::string perf = runner::which("perf");
  if (perf.empty()) return input_error("perf not found in PATH (install the linux-perf package)");
  ProcResult pv = runner::run_process({perf, "--version"}, {}, true, true);
  if (!pv.ok()) return input_error("perf does not run (" + pv.describe() + "): " + first_line(pv.err));

  std::string err;
  if (!runner::valid_filter(o.filter, &err)) return input_error(err);
  const std::string dir = o.bench_dir.empty() ? runner::self_dir() : o.bench_dir;
  auto binaries = runner::find_bench_binaries(dir);
  if (binaries.empty()) return input_error("no eb-bench-* binaries in " + dir + " (build them: cmake --build build)");
  std::map<std::string, std::string> env{{"EB_PRESET", o.preset}};
  std::vector<runner::Listing> listing;
  if (!runner::list_rows(binaries, o.filter, env, &listing, &err)) return input_error(err);
  std::string binary, row;
  size_t matches = 0;
  for (const auto& l : listing)
    for (const auto& n : l.names) {
      if (matches++ == 0) {
        binary = l.binary;
        row = n;
      }
    }
  if (matches == 0) return input_error("filter '" + o.filter + "' matches no benchmark (preset " + o.preset + ")");
  if (matches > 1)
    std::cerr << "encapbench profile: " << matches << " rows match; profiling the first, " << row
              << " (narrow the filter to pick another)\n";

  // Hardware cycles where the PMU exists, else the software clock.
  std::string event = o.event;
  std::string event_note;
  if (event.empty()) {
    ProcResult st = runner::run_process({perf, "stat", "-x,", "-e", "cycles", "true"}, {}, true, true);
    bool hw = st.ok() && st.err.find("<not supported>") == std::string::npos &&
              st.err.find("<not counted>") == std::string::npos;
    event = hw ? "cycles" : "cpu-clock";
    event_note = hw ? "hardware cycles (PMU present)"
                    : "software cpu-clock sampling: no hardware PMU here (perf stat -e cycles: not supported)";
  } else {
    event_note = "as requested";
  }

  std::string safe = row;
  for (char& c : safe)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  fs::path out = o.out.empty() ? fs::path("out/profile") / safe : fs::path(o.out);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return input_error("cannot create " + out.string() + ": " + ec.message());
  const std::string data = (out / "perf.data").string();

  std::cerr << "encapbench profile: recording " << row << " with perf (" << event << ")\n";
  ProcResult rec = runner::run_process(
      {perf, "record", "-e", event, "-o", data, "--", binary, "--benchmark_filter=" + runner::exact_row_filter(row),
       "--benchmark_min_time=" + std::to_string(o.min_time), "--benchmark_repetitions=1",
       "--benchmark_out=" + (out / "benchmark.json").string(), "--benchmark_out_format=json"},
      env, true, true);
  {
    std::ofstream(out / "benchmark.txt") << rec.out;
    std::ofstream(out / "record.log") << rec.err;
  }
  if (!rec.ok()) {
    std::string last = rec.err;
    while (!last.empty() && last.back() == '\n') last.pop_back();
    if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
    std::cerr << "encapbench: perf record failed (" << rec.describe() << "): " << last << "\n";
    return 1;
  }

  ProcResult rep = runner::run_process(
      {perf, "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol", "--percent-limit", "0.5"}, {}, true,
      true);
  if (!rep.ok()) {
    std::cerr << "encapbench: perf report failed (" << rep.describe() << "): " << first_line(rep.err) << "\n";
    return 1;
  }
  std::ofstream(out / "report.txt") << rep.out;
  auto hot = parse_report(rep.out);
  std::sort(hot.begin(), hot.end(), [](const HotSymbol& a, const HotSymbol& b) { return a.percent > b.percent; });
  std::string samples;
  {
    std::istringstream in(rep.out);
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("# Samples:", 0) == 0) samples = line.substr(2);
  }

  std::vector<std::string> hot_lines;
  if (!hot.empty()) {
    ProcResult ann = runner::run_process({perf, "annotate", "-i", data, "--stdio", hot[0].name}, {}, true, true);
    std::ofstream(out / "annotate.txt") << ann.out;
    // The hottest instructions of the hottest symbol: "   12.34 :   86e0:   vpaddq ...".
    static const std::regex ins_re(R"(^\s*([0-9.]+)\s*:\s+([0-9a-f]+):\s+(.*)$)");
    std::vector<std::pair<double, std::string>> ins;
    std::istringstream in(ann.out);
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_match(line, m, ins_re) && std::stod(m[1]) >= 1.0)
        ins.emplace_back(std::stod(m[1]), std::string(m[2]) + ": " + std::string(m[3]));
    }
    std::stable_sort(ins.begin(), ins.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < ins.size() && i < 12; ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%6.2f%%  ", ins[i].first);
      hot_lines.push_back(buf + ins[i].second);
    }
  }

  std::ostringstream summary;
  summary << "profile of " << row << " (" << fs::path(binary).filename().string() << ")\n"
          << "  event: " << event << ": " << event_note << "\n";
  if (!samples.empty()) summary << "  " << samples << "\n";
  summary << "  hottest functions:\n";
  for (size_t i = 0; i < hot.size() && i < 10; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "    %6.2f%%  %s ", hot[i].percent, hot[i].space.c_str());
    std::string name = hot[i].name.size() > 140 ? hot[i].name.substr(0, 137) + "..." : hot[i].name;
    summary << buf << name << "\n";
  }
  if (!hot_lines.empty()) {
    summary << "  hottest instructions of the top function (>= 1% of its samples):\n";
    for (const auto& l : hot_lines) summary << "    " << l << "\n";
  }
  summary << "  files: " << (out / "report.txt").string() << ", " << (out / "annotate.txt").string() << ", " << data
          << ", " << (out / "benchmark.json").string() << "\n";
  std::ofstream(out / "summary.txt") << summary.str();
  std::cout << summary.str();
  return 0;
}

}  // namespace

void add_profile(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<ProfileOptions>();
  auto* sub = app.add_subcommand("profile", "Record one benchmark row with perf: hottest functions and annotated hot loop");
  sub->add_option("filter", opts->filter, "Regular expression selecting the row (the first match is profiled)")->required();
  sub->add_option("--out", opts->out, "Directory for perf.data, report.txt, annotate.txt (default out/profile/<row>)");
  sub->add_option("--bench-dir", opts->bench_dir, "Directory holding eb-bench-* (default: next to encapbench)");
  sub->add_option("--preset", opts->preset, "Preset the rows are registered under (quick or full)")
      ->check(CLI::IsMember({"quick", "full"}));
  sub->add_option("--min-time", opts->min_time, "Seconds to run the row while sampling (default 2)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--event", opts->event, "perf event to sample (default: cycles with a PMU, else cpu-clock)");
  sub->callback([opts, exit_code] {
    try {
      *exit_code = do_profile(*opts);
    } catch (const std::exception& e) {
      *exit_code = input_error(e.what());
    }
  });
}

}  // namespace eb::cli
