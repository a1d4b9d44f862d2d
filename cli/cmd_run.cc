// `encapbench run`: drives every eb-bench-* binary next to this executable and writes ONE Google
// Benchmark JSON file (context merged, `benchmarks` concatenated) that compare.py and dashboards
// read, with our context additions (machine identity from bench_main, run parameters, wall time)
// and, on each row, the fields the binary's registry states (operation, family, implementation,
// kind, input). The console shows one progress line per binary and a short summary; the
// binaries' own console goes to RESULT.log next to RESULT.json.
//
// Steps (one function each): make_plan (presets, binaries, rows), run_binaries (progress,
// log, merge, row fields), count_instructions (--instructions), add_run_context, print_summary.
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
#include <cstdlib>
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
#include <unistd.h>

#include "bench/common/machine.h"
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
  std::string emulated;  // --emulated[=EMULATOR]: "" = not given, "true" = given without a name
};

constexpr double kQuickBudgetSeconds = 180;

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

// ---- The run, step by step -------------------------------------------------------------------

// What the options resolve to: the binaries and the rows they will run.
struct Plan {
  int repetitions = 0;
  double min_time = 0;
  std::string dir;
  std::map<std::string, std::string> env;
  std::vector<runner::Listing> listing;
  size_t rows = 0;
  double estimate_seconds = 0;
};

// Presets, binaries, filter and row listing; returns 0 or an input error's exit code.
int make_plan(const RunOptions& o, Plan* p) {
  if (o.preset != "quick" && o.preset != "full") return input_error("--preset must be quick or full");
  p->repetitions = o.repetitions > 0 ? o.repetitions : (o.preset == "quick" ? 3 : 5);
  // Quick: 3 x 0.03 s of CPU time per row keeps the whole suite (~380 rows) near one minute on
  // an idle 2-core VM, leaving room for a loaded machine (Google Benchmark's min_time counts CPU
  // time; a repetition stops at 5x min_time of wall time at the latest).
  // Full: every sweep point (~6,500 rows here), 5 x 0.1 s each: over an hour of CPU time.
  p->min_time = o.min_time > 0 ? o.min_time : (o.preset == "quick" ? 0.03 : 0.1);
  p->dir = o.bench_dir.empty() ? runner::self_dir() : o.bench_dir;
  auto binaries = runner::find_bench_binaries(p->dir);
  if (binaries.empty())
    return input_error("no eb-bench-* binaries in " + p->dir + " (build them: cmake --build build)");
  std::string err;
  if (!runner::valid_filter(o.filter, &err)) return input_error(err);
  p->env = {{"EB_PRESET", o.preset}};
  // --emulated labels every row as emulated exactly as EB_EMULATED does (the binaries read it):
  // with a name, that name; without one, the emulator EB_EMULATED already names, if any.
  if (!o.emulated.empty()) {
    auto names_emulator = [](const std::string& v) {
      return !v.empty() && v != "0" && v != "false" && v != "no" && v != "1" && v != "true" && v != "yes";
    };
    const char* env = std::getenv("EB_EMULATED");
    const std::string prior = env ? env : "";
    p->env["EB_EMULATED"] = names_emulator(o.emulated) ? o.emulated : names_emulator(prior) ? prior : "true";
  }
  if (!runner::list_rows(binaries, o.filter, p->env, &p->listing, &err)) return input_error(err);
  for (const auto& l : p->listing) p->rows += l.names.size();
  if (p->rows == 0) {
    std::vector<runner::Listing> all;
    size_t total = 0;
    if (runner::list_rows(binaries, ".", p->env, &all, &err))
      for (const auto& l : all) total += l.names.size();
    return input_error("filter '" + o.filter + "' matches no benchmark (" + std::to_string(total) + " rows in " +
                       std::to_string(binaries.size()) + " binaries under " + p->dir + ", preset " + o.preset + ")");
  }
  // Google Benchmark's iteration search costs about half again the timed part (measured: 1.55x).
  p->estimate_seconds = static_cast<double>(p->rows) * p->repetitions * p->min_time * 1.55;
  return 0;
}

std::string mmss(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// One progress line per binary. On a terminal the line is redrawn as repetitions finish; in a
// log (CI) only the final line of each binary is printed, so the console stays short.
class Progress {
 public:
  Progress(size_t binaries, size_t rows, int repetitions, double estimate)
      : binaries_(binaries), rows_total_(rows), reps_(repetitions), estimate_(estimate),
        tty_(isatty(2) != 0), t0_(std::chrono::steady_clock::now()) {}

  void start(const std::string& name, const std::vector<std::string>& names) {
    ++index_;
    name_ = name;
    names_ = std::set<std::string>(names.begin(), names.end());
    rows_ = names.size();
    done_reps_ = 0;
    line_.clear();
    bin_t0_ = std::chrono::steady_clock::now();
    draw(false);
  }

  // A chunk of the binary's console output: each line naming one of its rows is one
  // repetition done (aggregates are named ROW_mean etc. and do not match).
  void feed(std::string_view chunk) {
    bool changed = false;
    for (char c : chunk) {
      if (c != '\n') {
        line_ += c;
        continue;
      }
      std::string first = line_.substr(0, line_.find_first_of(" \t"));
      if (names_.count(first) || names_.count(runner::base_row_name(first))) {
        ++done_reps_;
        changed = true;
      }
      line_.clear();
    }
    if (changed) draw(false);
  }

  // The binary ended: all its rows are done, or (failed) as many as its console showed.
  void finish(bool ok, const std::string& note) {
    rows_done_total_ += rows_;
    if (ok) done_reps_ = rows_ * static_cast<size_t>(reps_);
    draw(true, note);
  }

 private:
  void draw(bool final, const std::string& note = "") {
    if (!final && !tty_) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - t0_).count();
    const double bin_elapsed = std::chrono::duration<double>(now - bin_t0_).count();
    const size_t done_rows = std::min(rows_, done_reps_ / static_cast<size_t>(std::max(1, reps_)));
    // Remaining: this binary's pace once it has one repetition in, else the plan's estimate.
    const size_t overall_done = rows_done_total_ * static_cast<size_t>(reps_) + (final ? 0 : done_reps_);
    const size_t overall_total = rows_total_ * static_cast<size_t>(reps_);
    double left = estimate_ * (1.0 - static_cast<double>(overall_done) / static_cast<double>(overall_total));
    if (overall_done > 0 && elapsed > 1) left = elapsed / static_cast<double>(overall_done) *
                                                 static_cast<double>(overall_total - overall_done);
    char buf[256];
    std::snprintf(buf, sizeof buf, "[%zu/%zu] %-20s rows %zu/%zu  %s elapsed (%s this binary)  ~%s left%s%s",
                  index_, binaries_, name_.c_str(), done_rows, rows_, mmss(elapsed).c_str(),
                  mmss(bin_elapsed).c_str(), mmss(final && overall_done >= overall_total ? 0 : left).c_str(),
                  note.empty() ? "" : "  ", note.c_str());
    if (tty_) std::cerr << "\r\033[K" << buf << (final ? "\n" : "") << std::flush;
    else std::cerr << buf << "\n";
  }

  size_t binaries_, rows_total_;
  int reps_;
  double estimate_;
  bool tty_;
  std::chrono::steady_clock::time_point t0_, bin_t0_;
  size_t index_ = 0, rows_ = 0, done_reps_ = 0, rows_done_total_ = 0;
  std::string name_, line_;
  std::set<std::string> names_;
};

// What the binaries produced, merged.
struct Merged {
  json doc;                           // {"context": first binary's context}
  json benchmarks = json::array();
  json executables = json::array();
  std::vector<std::string> failures;
};

// The fields each row states about itself, from the binary's own registry of rows
// (`--eb_rows_json`): readers never need to parse names.
std::map<std::string, json> row_fields(const std::string& binary, const std::map<std::string, std::string>& env) {
  std::map<std::string, json> out;
  ProcResult rows = runner::run_process({binary, "--eb_rows_json"}, env, true, true);
  if (!rows.ok()) return out;
  try {
    for (const auto& ri : json::parse(rows.out)) {
      json f;
      for (const char* k : {"operation", "family", "implementation", "kind", "input", "description"})
        f[k] = ri.value(k, std::string());
      out[ri.value("name", std::string())] = f;
    }
  } catch (const std::exception&) {
  }
  return out;
}

// Runs every binary of the plan; Google Benchmark's console goes to `log`, progress to stderr.
Merged run_binaries(const RunOptions& o, const Plan& plan, const std::string& tmp, std::ostream& log) {
  Merged m;
  size_t active = 0;
  for (const auto& l : plan.listing) active += !l.names.empty();
  Progress progress(active, plan.rows, plan.repetitions, plan.estimate_seconds);
  int64_t family_offset = 0;
  for (const auto& l : plan.listing) {
    if (l.names.empty()) continue;
    std::string name = fs::path(l.binary).filename().string();
    std::string out = tmp + "/" + name + ".json";
    std::vector<std::string> argv = {l.binary, "--benchmark_filter=" + o.filter, "--benchmark_out=" + out,
                                     "--benchmark_out_format=json",
                                     "--benchmark_repetitions=" + std::to_string(plan.repetitions),
                                     "--benchmark_enable_random_interleaving=true",
                                     "--benchmark_min_time=" + std::to_string(plan.min_time)};
    log << "==== " << name << ": " << l.names.size() << " rows\n$";
    for (const auto& a : argv) log << " " << a;
    log << "\n" << std::flush;
    progress.start(name, l.names);
    ProcResult r = runner::run_process_streaming(argv, plan.env, [&](std::string_view chunk) {
      log << chunk;
      progress.feed(chunk);
    });
    log << "==== " << name << ": " << r.describe() << "\n" << std::flush;
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
    progress.finish(r.ok(), r.ok() ? "" : "FAILED: " + r.describe());
    if (!r.ok()) m.failures.push_back(name + ": " + r.describe() + (parsed ? " (partial results kept)" : ""));
    else if (!parsed) m.failures.push_back(name + ": wrote no readable JSON");
    if (!parsed) continue;
    m.executables.push_back(name);
    const json& ctx = j.value("context", json::object());
    if (m.doc.is_null()) {
      m.doc["context"] = ctx;
    } else if (ctx.value("machine_class", "") != m.doc["context"].value("machine_class", "")) {
      m.failures.push_back(name + ": machine_class differs from the first binary's");
    }
    const auto fields = row_fields(l.binary, plan.env);
    int64_t max_family = -1;
    for (auto b : j.value("benchmarks", json::array())) {
      auto info = fields.find(runner::base_row_name(b.value("run_name", b.value("name", std::string()))));
      if (info != fields.end())
        for (const auto& [k, v] : info->second.items()) b[k] = v;
      // Family indices restart in every binary; keep them unique so compare.py's sort groups
      // each row with its own repetitions and aggregates.
      if (b.contains("family_index")) {
        int64_t fi = b["family_index"].get<int64_t>();
        max_family = std::max(max_family, fi);
        b["family_index"] = fi + family_offset;
      }
      b["executable"] = name;
      m.benchmarks.push_back(std::move(b));
    }
    family_offset += max_family + 1;
  }
  return m;
}

// --instructions: from the PMU counters the rows already carry, or from callgrind (two runs
// per row, K and 2K iterations). Returns a one-line note for the summary.
std::string count_instructions(const RunOptions& o, const Plan& plan, const std::string& tmp, Merged& m) {
  json& ctx = m.doc["context"];
  json& benchmarks = m.benchmarks;
  const bool pmu = ctx.value("pmu", "").rfind("available", 0) == 0;
  std::string source = o.instructions_source == "auto" ? (pmu ? "pmu" : "callgrind") : o.instructions_source;
  if (source == "pmu" && !pmu) {
    m.failures.push_back("--instructions-source pmu: " + ctx.value("pmu", std::string("no PMU")));
    return "";
  }
  if (source == "pmu") {
    for (auto& b : benchmarks)
      if (b.contains("instructions_per_byte") || b.contains("instructions_per_packet")) b["instructions_source"] = "pmu";
    ctx["instructions_source"] = "pmu (perf_event_open, user space, counted inside each row)";
    return "from the PMU";
  }
  if (runner::which("valgrind").empty()) {
    m.failures.push_back("--instructions: valgrind not found (install the valgrind package)");
    return "";
  }
  // One task per distinct timed row.
  std::vector<CgTask> tasks;
  std::set<std::string> seen;
  for (const auto& b : benchmarks) {
    if (b.value("run_type", "") != "iteration" || b.value("error_occurred", false)) continue;
    std::string rn = b.value("run_name", b.value("name", std::string()));
    if (!seen.insert(rn).second) continue;
    CgTask t;
    t.run_name = rn;
    t.binary = plan.dir + "/" + b.value("executable", std::string());
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
      for (size_t i; (i = next.fetch_add(1)) < tasks.size();) run_callgrind_task(tasks[i], tmp, plan.env);
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
      ctx["instructions_valgrind_highway_target"] = t.valgrind_context.value("highway_target_chosen", std::string("?"));
      break;
    }
  return std::to_string(counted) + "/" + std::to_string(tasks.size()) + " rows counted with callgrind";
}

// The run's own context: parameters, commit order, wall and CPU time, budget.
void add_run_context(const RunOptions& o, const Plan& plan, double wall, Merged& m) {
  json& ctx = m.doc["context"];
  std::string exe_list;
  for (const auto& e : m.executables) exe_list += (exe_list.empty() ? "" : ",") + e.get<std::string>();
  ctx["executable"] = exe_list;
  ctx["executables"] = m.executables;
  ctx["run_preset"] = o.preset;
  ctx["run_filter"] = o.filter;
  ctx["run_repetitions"] = std::to_string(plan.repetitions);
  ctx["run_min_time_seconds"] = std::to_string(plan.min_time);
  ctx["run_random_interleaving"] = "true";
  ctx["run_instructions"] = o.instructions ? "true" : "false";
  ctx["encapbench_version"] = EB_VERSION " (" EB_GIT_COMMIT_LIVE ")";
  // Where this commit stands in history, for `encapbench history` without the repository.
  if (*EB_GIT_COMMIT_ORDER) ctx["git_commit_order"] = EB_GIT_COMMIT_ORDER;
  if (*EB_GIT_COMMIT_TIME) ctx["git_commit_time"] = EB_GIT_COMMIT_TIME;
  if (!m.failures.empty()) ctx["run_failures"] = m.failures;
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
}

std::string default_out(const json& ctx) {
  std::string commit = ctx.value("suite_commit", std::string("unknown"));
  return "results/" + sanitize(ctx.value("machine_class", std::string("unknown"))) + "-" + sanitize(commit) + "-" +
         bench::utc_time("%Y%m%dT%H%M%SZ") + ".json";
}

// RESULT.json -> RESULT.log (the raw console of every binary).
std::string log_path_for(const std::string& out) {
  fs::path p(out);
  return (p.parent_path() / (p.stem().string() + ".log")).string();
}

// The short summary: what ran, what was skipped, where the files are, what to do next.
void print_summary(const RunOptions& o, const Plan& plan, const Merged& m, const std::string& out,
                   const std::string& log_path, const std::string& instructions_note) {
  const json& ctx = m.doc["context"];
  size_t iteration_rows = 0, aggregate_rows = 0;
  std::set<std::string> skipped;
  for (const auto& b : m.benchmarks) {
    if (b.value("error_occurred", false)) skipped.insert(b.value("run_name", b.value("name", std::string())));
    (b.value("run_type", "") == "aggregate" ? aggregate_rows : iteration_rows)++;
  }
  std::cout << "wrote " << out << "\n"
            << "  machine_class " << ctx.value("machine_class", std::string("?")) << " ("
            << ctx.value("microarchitecture", std::string("?")) << ", confidence "
            << ctx.value("microarchitecture_confidence", std::string("?")) << ")\n"
            << "  rows: " << plan.rows << " run x " << plan.repetitions << " repetitions, " << skipped.size()
            << " skipped (unsupported here); " << iteration_rows << " iteration + " << aggregate_rows
            << " aggregate entries\n"
            << "  cycles: TSC ticks at " << ctx.value("tsc_hz", std::string("?")) << " Hz ("
            << ctx.value("tsc_source", std::string("?")) << "); pmu " << ctx.value("pmu", std::string("?")) << "\n";
  if (o.instructions && !instructions_note.empty()) std::cout << "  instructions: " << instructions_note << "\n";
  std::cout << "  wall " << ctx.value("run_wall_seconds", std::string("?")) << " s, benchmark processes' CPU "
            << ctx.value("run_children_cpu_seconds", std::string("?")) << " s";
  if (o.preset == "quick") std::cout << " (quick budget " << kQuickBudgetSeconds << " s)";
  std::cout << "\n";
  if (!log_path.empty()) std::cout << "  console of the benchmark binaries: " << log_path << "\n";
  std::cout << "  next: encapbench report " << out << " --out report/\n";
}

int do_run(const RunOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  Plan plan;
  if (int rc = make_plan(o, &plan)) return rc;
  std::cerr << "encapbench run: " << plan.rows << " rows x " << plan.repetitions << " repetitions x " << plan.min_time
            << " s (preset " << o.preset << "): about " << mmss(plan.estimate_seconds) << " of CPU time\n";

  std::string tmp = runner::make_temp_dir("encapbench-run-");
  const std::string tmp_log = tmp + "/console.log";
  Merged m;
  {
    std::ofstream log(tmp_log);
    m = run_binaries(o, plan, tmp, log);
  }
  std::error_code ec;
  if (m.doc.is_null()) {
    for (const auto& f : m.failures) std::cerr << "encapbench: " << f << "\n";
    // Nothing to write a result for: the temporary folder is kept for the console log.
    std::cerr << "encapbench: no benchmark binary produced results (their console: " << tmp_log << ")\n";
    return 1;
  }
  std::string instructions_note;
  if (o.instructions) instructions_note = count_instructions(o, plan, tmp, m);
  add_run_context(o, plan, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), m);

  m.doc["benchmarks"] = m.benchmarks;
  const std::string out = o.out.empty() ? default_out(m.doc["context"]) : o.out;
  fs::path outp(out);
  if (outp.has_parent_path()) fs::create_directories(outp.parent_path(), ec);
  {
    std::ofstream f(out);
    if (!f) return input_error("cannot write " + out);
    f << m.doc.dump(2) << "\n";
    if (!f) return input_error("cannot write " + out);
  }
  std::string log_path = log_path_for(out);
  fs::copy_file(tmp_log, log_path, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    std::cerr << "encapbench: cannot write " << log_path << ": " << ec.message() << "\n";
    log_path.clear();
  }
  fs::remove_all(tmp, ec);
  print_summary(o, plan, m, out, log_path, instructions_note);
  for (const auto& f : m.failures) std::cerr << "encapbench: " << f << "\n";
  return m.failures.empty() ? 0 : 1;
}

}  // namespace

void add_run(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run",
                                 "Run the benchmark binaries (one progress line each) and write one Google Benchmark "
                                 "JSON file, with their console in RESULT.log next to it");
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
  sub->add_flag("--emulated", opts->emulated,
                "Label the results as emulated (as EB_EMULATED does); --emulated=NAME names the emulator");
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
