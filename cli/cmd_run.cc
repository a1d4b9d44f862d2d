// `encapbench run`: drives every eb-bench-* binary next to this executable and writes ONE Google
// Benchmark JSON file (context merged, `benchmarks` concatenated) that compare.py and dashboards
// read, with our context additions (machine identity from bench_main, run parameters, wall time).
//
// --instructions adds instruction counts per byte / per packet: from the PMU when the machine has
// one, else from valgrind's callgrind. Callgrind runs each row twice with a fixed iteration count
// (EB_FIXED_ITERATIONS=K and 2K; instrumentation only inside the row, see register_row) and takes
// the difference, so set-up and process start-up cancel and the figure is per iteration.
#include "eb_git_commit.h"
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include <sys/resource.h>

#include "cli/bench_runner.h"
#include "cli/commands.h"

namespace eb::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using runner::ProcResult;

struct RunOptions {
  std::string preset = "quick";
  std::string filter = ".";
  std::string out;
  int repetitions = 0;     // 0 = preset default
  double min_time = 0;     // 0 = preset default
  bool instructions = false;
  std::string instructions_source = "auto";
  std::string bench_dir;
  int jobs = 0;
};

constexpr double kQuickBudgetSeconds = 180;

std::string utc_stamp() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return s;
}

double to_seconds(double value, const std::string& unit) {
  if (unit == "ns") return value * 1e-9;
  if (unit == "us") return value * 1e-6;
  if (unit == "ms") return value * 1e-3;
  return value;
}

// "summary: N" or "totals: N" from a callgrind output file (first event is Ir).
bool callgrind_ir(const std::string& path, double* ir) {
  std::ifstream f(path);
  std::string line;
  double totals = -1, summary = -1;
  while (std::getline(f, line)) {
    if (line.rfind("summary:", 0) == 0) summary = std::strtod(line.c_str() + 8, nullptr);
    if (line.rfind("totals:", 0) == 0) totals = std::strtod(line.c_str() + 7, nullptr);
  }
  double v = totals >= 0 ? totals : summary;
  if (v < 0) return false;
  *ir = v;
  return true;
}

struct CgTask {
  std::string binary, run_name;
  json valgrind_context;  // the context the row saw under valgrind (its view of the CPU)
  int threads = 1;
  int64_t k = 0;  // iterations of the short run; the long run does 2k
  // results
  bool ok = false;
  std::string why;
  double ir_per_iteration = 0, bytes_per_iteration = 0, packets_per_iteration = 0;
};

// One callgrind run of one row with `iters` fixed iterations: Ir inside the row and its JSON row.
bool callgrind_once(CgTask& t, int64_t iters, const std::string& dir, const std::string& tag,
                    const std::map<std::string, std::string>& env, double* ir, json* row, std::string* why) {
  std::string cg = dir + "/" + tag + ".cg", js = dir + "/" + tag + ".json";
  auto e = env;
  e["EB_FIXED_ITERATIONS"] = std::to_string(iters);
  ProcResult r = runner::run_process({"valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=" + cg,
                                      t.binary, "--benchmark_filter=" + runner::exact_row_filter(t.run_name),
                                      "--benchmark_out=" + js, "--benchmark_out_format=json",
                                      "--benchmark_repetitions=1"},
                                     e, true, true);
  if (!r.ok()) {
    *why = "valgrind " + r.describe();
    return false;
  }
  json j;
  try {
    std::ifstream f(js);
    j = json::parse(f);
  } catch (const std::exception& ex) {
    *why = std::string("unreadable JSON from the callgrind run: ") + ex.what();
    return false;
  }
  t.valgrind_context = j.value("context", json::object());
  for (const auto& b : j.value("benchmarks", json::array()))
    if (b.value("run_type", "") == "iteration") {
      *row = b;
      break;
    }
  if (row->is_null()) {
    *why = "the callgrind run produced no row";
    return false;
  }
  if (row->value("error_occurred", false)) {
    *why = "skipped under valgrind: " + row->value("error_message", std::string("?")) +
           " (valgrind emulates no AVX-512/GFNI/VPCLMULQDQ)";
    return false;
  }
  if (!callgrind_ir(cg, ir)) {
    *why = "no totals in " + cg;
    return false;
  }
  return true;
}

void run_callgrind_task(CgTask& t, const std::string& dir, const std::map<std::string, std::string>& env) {
  double ir1 = 0, ir2 = 0;
  json row1, row2;
  std::string tag = sanitize(t.run_name);
  if (!callgrind_once(t, t.k, dir, tag + ".a", env, &ir1, &row1, &t.why)) return;
  if (!callgrind_once(t, 2 * t.k, dir, tag + ".b", env, &ir2, &row2, &t.why)) return;
  const json& c = row2;
  t.bytes_per_iteration = c.value("bytes_per_iteration", 0.0);
  t.packets_per_iteration = c.value("packets_per_iteration", 0.0);
  t.ir_per_iteration = (ir2 - ir1) / (static_cast<double>(t.k) * t.threads);
  if (t.ir_per_iteration <= 0) {
    t.why = "instruction count did not grow with iterations";
    return;
  }
  t.ok = true;
}

int do_run(const RunOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.preset != "quick" && o.preset != "full") return input_error("--preset must be quick or full");
  const int repetitions = o.repetitions > 0 ? o.repetitions : (o.preset == "quick" ? 3 : 5);
  // Quick: 3 x 0.03 s of CPU time per row keeps the whole suite (~380 rows) near one minute on
  // an idle 2-core VM, leaving room for a loaded machine (Google Benchmark's min_time counts CPU
  // time; a repetition stops at 5x min_time of wall time at the latest).
  // Full: every sweep point (~6,500 rows here), 5 x 0.1 s each: over an hour of CPU time.
  const double min_time = o.min_time > 0 ? o.min_time : (o.preset == "quick" ? 0.03 : 0.1);
  const std::string dir = o.bench_dir.empty() ? runner::self_dir() : o.bench_dir;
  auto binaries = runner::find_bench_binaries(dir);
  if (binaries.empty())
    return input_error("no eb-bench-* binaries in " + dir + " (build them: cmake --build build)");

  std::string err;
  if (!runner::valid_filter(o.filter, &err)) return input_error(err);
  std::map<std::string, std::string> env{{"EB_PRESET", o.preset}};
  std::vector<runner::Listing> listing;
  if (!runner::list_rows(binaries, o.filter, env, &listing, &err)) return input_error(err);
  size_t selected = 0;
  for (const auto& l : listing) selected += l.names.size();
  if (selected == 0) {
    std::vector<runner::Listing> all;
    size_t total = 0;
    if (runner::list_rows(binaries, ".", env, &all, &err))
      for (const auto& l : all) total += l.names.size();
    return input_error("filter '" + o.filter + "' matches no benchmark (" + std::to_string(total) + " rows in " +
                       std::to_string(binaries.size()) + " binaries under " + dir + ", preset " + o.preset + ")");
  }

  // Google Benchmark's iteration search costs about half again the timed part (measured: 1.55x).
  const double estimate = static_cast<double>(selected) * repetitions * min_time * 1.55;
  std::cerr << "encapbench run: " << selected << " rows x " << repetitions << " repetitions x " << min_time
            << " s (preset " << o.preset << "): about " << static_cast<long>(estimate / 60 + 0.5)
            << " min of CPU time\n";

  std::string tmp = runner::make_temp_dir("encapbench-run-");
  json merged;
  json benchmarks = json::array();
  json executables = json::array();
  std::vector<std::string> failures;
  int64_t family_offset = 0;
  for (const auto& l : listing) {
    if (l.names.empty()) continue;
    std::string name = fs::path(l.binary).filename().string();
    std::string out = tmp + "/" + name + ".json";
    std::cerr << "encapbench run: " << name << ": " << l.names.size() << " rows\n";
    ProcResult r = runner::run_process({l.binary, "--benchmark_filter=" + o.filter, "--benchmark_out=" + out,
                                        "--benchmark_out_format=json",
                                        "--benchmark_repetitions=" + std::to_string(repetitions),
                                        "--benchmark_enable_random_interleaving=true",
                                        "--benchmark_min_time=" + std::to_string(min_time)},
                                       env, false, false, /*out_to_err=*/true);
    json j;
    bool parsed = false;
    try {
      std::ifstream f(out);
      if (f) {
        j = json::parse(f);
        parsed = true;
      }
    } catch (const std::exception&) {
    }
    if (!r.ok()) failures.push_back(name + ": " + r.describe() + (parsed ? " (partial results kept)" : ""));
    else if (!parsed) failures.push_back(name + ": wrote no readable JSON");
    if (!parsed) continue;
    executables.push_back(name);
    const json& ctx = j.value("context", json::object());
    if (merged.is_null()) {
      merged["context"] = ctx;
    } else if (ctx.value("machine_class", "") != merged["context"].value("machine_class", "")) {
      failures.push_back(name + ": machine_class differs from the first binary's");
    }
    // Each row's implementation kind and description, from the binary's registry of rows.
    std::map<std::string, json> row_info;
    ProcResult rows = runner::run_process({l.binary, "--eb_rows_json"}, env, true, true);
    if (rows.ok()) {
      try {
        for (const auto& ri : json::parse(rows.out)) row_info[ri.value("name", std::string())] = ri;
      } catch (const std::exception&) {
      }
    }
    int64_t max_family = -1;
    for (auto b : j.value("benchmarks", json::array())) {
      auto info = row_info.find(runner::base_row_name(b.value("run_name", b.value("name", std::string()))));
      if (info != row_info.end()) {
        b["impl_kind"] = info->second.value("kind", std::string());
        b["impl_description"] = info->second.value("description", std::string());
      }
      // Family indices restart in every binary; keep them unique so compare.py's sort groups
      // each row with its own repetitions and aggregates.
      if (b.contains("family_index")) {
        int64_t fi = b["family_index"].get<int64_t>();
        max_family = std::max(max_family, fi);
        b["family_index"] = fi + family_offset;
      }
      b["executable"] = name;
      benchmarks.push_back(std::move(b));
    }
    family_offset += max_family + 1;
  }
  if (merged.is_null()) {
    for (const auto& f : failures) std::cerr << "encapbench: " << f << "\n";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    std::cerr << "encapbench: no benchmark binary produced results\n";
    return 1;
  }

  json& ctx = merged["context"];
  std::string instructions_note;
  if (o.instructions) {
    const bool pmu = ctx.value("pmu", "").rfind("available", 0) == 0;
    std::string source = o.instructions_source == "auto" ? (pmu ? "pmu" : "callgrind") : o.instructions_source;
    if (source == "pmu" && !pmu) {
      failures.push_back("--instructions-source pmu: " + ctx.value("pmu", std::string("no PMU")));
    } else if (source == "pmu") {
      for (auto& b : benchmarks)
        if (b.contains("instructions_per_byte") || b.contains("instructions_per_packet")) b["instructions_source"] = "pmu";
      ctx["instructions_source"] = "pmu (perf_event_open, user space, counted inside each row)";
    } else if (runner::which("valgrind").empty()) {
      failures.push_back("--instructions: valgrind not found (install the valgrind package)");
    } else {
      // One task per distinct timed row.
      std::vector<CgTask> tasks;
      std::set<std::string> seen;
      for (const auto& b : benchmarks) {
        if (b.value("run_type", "") != "iteration" || b.value("error_occurred", false)) continue;
        std::string rn = b.value("run_name", b.value("name", std::string()));
        if (!seen.insert(rn).second) continue;
        CgTask t;
        t.run_name = rn;
        t.binary = dir + "/" + b.value("executable", std::string());
        t.threads = b.value("threads", 1);
        // Enough iterations for ~2 ms of native work (about 0.1-0.2 s under callgrind).
        double per_iter = to_seconds(b.value("real_time", 0.0), b.value("time_unit", std::string("ns")));
        double k = per_iter > 0 ? 2e-3 / per_iter : 100;
        t.k = static_cast<int64_t>(std::clamp(k, 10.0, 1e6));
        tasks.push_back(std::move(t));
      }
      std::cerr << "encapbench run: counting instructions with callgrind for " << tasks.size() << " rows\n";
      std::atomic<size_t> next{0};
      int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
      std::vector<std::thread> pool;
      for (int w = 0; w < jobs; ++w)
        pool.emplace_back([&] {
          for (size_t i; (i = next.fetch_add(1)) < tasks.size();) run_callgrind_task(tasks[i], tmp, env);
        });
      for (auto& th : pool) th.join();
      std::map<std::string, const CgTask*> by_name;
      for (const auto& t : tasks) by_name[t.run_name] = &t;
      size_t counted = 0;
      for (auto& b : benchmarks) {
        auto it = by_name.find(b.value("run_name", b.value("name", std::string())));
        if (it == by_name.end()) continue;
        const CgTask& t = *it->second;
        if (!t.ok) {
          b["instructions_source"] = "unavailable: " + t.why;
          continue;
        }
        if (b.contains("instructions_per_byte")) b["pmu_instructions_per_byte"] = b["instructions_per_byte"];
        if (b.contains("instructions_per_packet")) b["pmu_instructions_per_packet"] = b["instructions_per_packet"];
        b.erase("instructions_per_byte");
        b.erase("instructions_per_packet");
        b["instructions_source"] = "callgrind";
        b["instructions_per_iteration"] = t.ir_per_iteration;
        if (t.bytes_per_iteration > 0) b["instructions_per_byte"] = t.ir_per_iteration / t.bytes_per_iteration;
        if (t.packets_per_iteration > 0) b["instructions_per_packet"] = t.ir_per_iteration / t.packets_per_iteration;
      }
      for (const auto& t : tasks) counted += t.ok;
      ProcResult v = runner::run_process({"valgrind", "--version"}, {}, true, true);
      std::string vv = v.out;
      while (!vv.empty() && vv.back() == '\n') vv.pop_back();
      ctx["instructions_source"] = "callgrind (" + vv +
                                   "; user-space instructions inside the row, difference of a K- and a "
                                   "2K-iteration run, per iteration per thread)";
      ctx["instructions_note"] =
          "valgrind emulates no AVX-512/GFNI/VPCLMULQDQ, so rows needing them are skipped under callgrind and "
          "carry instructions_source 'unavailable: ...'; code that dispatches at run time (Highway 'hwy') runs "
          "the best target valgrind shows (see instructions_valgrind_highway_target), not the one timed";
      for (const auto& t : tasks)
        if (!t.valgrind_context.is_null() && t.valgrind_context.contains("isa_flags")) {
          ctx["instructions_valgrind_isa_flags"] = t.valgrind_context.value("isa_flags", std::string("?"));
          ctx["instructions_valgrind_highway_target"] =
              t.valgrind_context.value("highway_target_chosen", std::string("?"));
          break;
        }
      instructions_note = std::to_string(counted) + "/" + std::to_string(tasks.size()) + " rows counted";
    }
  }

  std::error_code ec;
  fs::remove_all(tmp, ec);

  std::string exe_list;
  for (const auto& e : executables) exe_list += (exe_list.empty() ? "" : ",") + e.get<std::string>();
  ctx["executable"] = exe_list;
  ctx["executables"] = executables;
  ctx["run_preset"] = o.preset;
  ctx["run_filter"] = o.filter;
  ctx["run_repetitions"] = std::to_string(repetitions);
  ctx["run_min_time_seconds"] = std::to_string(min_time);
  ctx["run_random_interleaving"] = "true";
  ctx["run_instructions"] = o.instructions ? "true" : "false";
  ctx["encapbench_version"] = EB_VERSION " (" EB_GIT_COMMIT_LIVE ")";
  if (!failures.empty()) ctx["run_failures"] = failures;
  size_t iteration_rows = 0, aggregate_rows = 0, skipped = 0;
  std::set<std::string> skipped_names;
  for (const auto& b : benchmarks) {
    if (b.value("error_occurred", false)) skipped_names.insert(b.value("run_name", b.value("name", std::string())));
    (b.value("run_type", "") == "aggregate" ? aggregate_rows : iteration_rows)++;
  }
  skipped = skipped_names.size();
  merged["benchmarks"] = std::move(benchmarks);

  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char wall_s[32], cpu_s[32];
  std::snprintf(wall_s, sizeof wall_s, "%.2f", wall);
  ctx["run_wall_seconds"] = wall_s;
  // CPU time of every child (benchmarks, valgrind): wall much larger than this on a machine
  // with spare cores means the run competed with other load.
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  std::snprintf(cpu_s, sizeof cpu_s, "%.2f", cpu);
  ctx["run_children_cpu_seconds"] = cpu_s;
  if (o.preset == "quick") {
    ctx["run_budget_seconds"] = std::to_string(static_cast<int>(kQuickBudgetSeconds));
    ctx["run_within_budget"] = wall <= kQuickBudgetSeconds ? "yes" : "no";
  }

  std::string out = o.out;
  if (out.empty()) {
    std::string commit = ctx.value("suite_commit", std::string("unknown"));
    out = "results/" + sanitize(ctx.value("machine_class", std::string("unknown"))) + "-" + sanitize(commit) + "-" +
          utc_stamp() + ".json";
  }
  fs::path outp(out);
  if (outp.has_parent_path()) fs::create_directories(outp.parent_path(), ec);
  {
    std::ofstream f(out);
    if (!f) return input_error("cannot write " + out);
    f << merged.dump(2) << "\n";
    if (!f) return input_error("cannot write " + out);
  }
  std::cout << "wrote " << out << "\n"
            << "  machine_class " << ctx.value("machine_class", std::string("?")) << " ("
            << ctx.value("microarchitecture", std::string("?")) << ", confidence "
            << ctx.value("microarchitecture_confidence", std::string("?")) << ")\n"
            << "  rows: " << selected << " selected, " << iteration_rows << " iteration + " << aggregate_rows
            << " aggregate entries, " << skipped << " skipped (unsupported here)\n"
            << "  cycles: TSC ticks at " << ctx.value("tsc_hz", std::string("?")) << " Hz ("
            << ctx.value("tsc_source", std::string("?")) << "); pmu " << ctx.value("pmu", std::string("?")) << "\n";
  if (o.instructions && !instructions_note.empty()) std::cout << "  instructions: " << instructions_note << "\n";
  std::cout << "  wall " << wall_s << " s, benchmark processes' CPU " << cpu_s << " s";
  if (o.preset == "quick") std::cout << " (quick budget " << kQuickBudgetSeconds << " s)";
  std::cout << "\n";
  for (const auto& f : failures) std::cerr << "encapbench: " << f << "\n";
  return failures.empty() ? 0 : 1;
}

}  // namespace

void add_run(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Run the benchmark binaries and write one Google Benchmark JSON file");
  sub->add_option("--preset", opts->preset, "quick (< 3 min for the whole suite) or full (every sweep)")
      ->check(CLI::IsMember({"quick", "full"}));
  sub->add_option("--filter", opts->filter, "Regular expression over FAMILY/IMPL/INPUT names");
  sub->add_option("--out", opts->out, "Output file (default results/<machine_class>-<commit>-<UTC time>.json)");
  sub->add_option("--repetitions", opts->repetitions, "Repetitions per row (default 3 quick, 5 full)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--min-time", opts->min_time, "Minimum CPU seconds per repetition (default 0.03 quick, 0.1 full)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--instructions", opts->instructions,
                "Add instructions per byte/packet (PMU where present, else valgrind callgrind)");
  sub->add_option("--instructions-source", opts->instructions_source, "auto, pmu or callgrind")
      ->check(CLI::IsMember({"auto", "pmu", "callgrind"}));
  sub->add_option("--bench-dir", opts->bench_dir, "Directory holding eb-bench-* (default: next to encapbench)");
  sub->add_option("--jobs", opts->jobs, "Parallel callgrind runs (default: online CPUs)")->check(CLI::PositiveNumber);
  sub->callback([opts, exit_code] {
    try {
      *exit_code = do_run(*opts);
    } catch (const std::exception& e) {
      *exit_code = input_error(e.what());
    }
  });
}

}  // namespace eb::cli
