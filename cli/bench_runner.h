// What `encapbench run` and `encapbench profile` share: finding the eb-bench-* binaries,
// listing the rows a filter selects, and running child processes.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eb::cli::runner {

struct ProcResult {
  int status = -1;        // exit status when !signaled
  bool signaled = false;  // killed by a signal
  int signal = 0;
  std::string out, err;   // captured streams (empty when not captured)
  bool ok() const { return !signaled && status == 0; }
  std::string describe() const;  // "exit 3" / "killed by signal 11 (Segmentation fault)"
};

// Runs argv (argv[0] a path or a name looked up in PATH) with the current environment plus
// `env` overrides. Streams not captured are inherited (stderr may be sent to our stderr with
// capture_err=false). `out_to_err` sends the child's stdout to our stderr.
ProcResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                       bool capture_out, bool capture_err, bool out_to_err = false);

// Runs argv with the child's stdout and stderr merged into one pipe; every chunk read is
// handed to `on_output` as it arrives (for a log file and progress lines). Nothing reaches our
// own streams.
ProcResult run_process_streaming(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                 const std::function<void(std::string_view)>& on_output);

// Directory of the running executable (build/bin for encapbench).
std::string self_dir();
// Full path of `name` in PATH, or "" when absent.
std::string which(const std::string& name);

// eb-bench-* executables in `dir`, sorted by name.
std::vector<std::string> find_bench_binaries(const std::string& dir);

struct Listing {
  std::string binary;
  std::vector<std::string> names;
};
// Rows of each binary that `filter` selects (--benchmark_list_tests). Returns false and sets
// *error when a binary fails to list (e.g. an invalid regular expression).
bool list_rows(const std::vector<std::string>& binaries, const std::string& filter,
               const std::map<std::string, std::string>& env, std::vector<Listing>* out, std::string* error);

// Google Benchmark compiles --benchmark_filter as a POSIX extended regular expression and
// silently matches nothing when it does not compile: check it first. Sets *why on failure.
bool valid_filter(const std::string& filter, std::string* why);

// ECMAScript/POSIX-ERE-safe escape of a literal benchmark name.
std::string regex_escape(const std::string& s);
// A filter that selects exactly the row named `run_name` from a timing run, also when the
// binary appends "/iterations:N" (EB_FIXED_ITERATIONS) before the threads/time-type suffixes.
std::string exact_row_filter(const std::string& run_name);

// A row's registered name: run_name without Google Benchmark's suffixes (/threads:N,
// /real_time, /iterations:N, /repeats:N, /min_time:X, ...).
std::string base_row_name(const std::string& run_name);

// A fresh private directory under $TMPDIR (or /tmp).
std::string make_temp_dir(const std::string& prefix);

}  // namespace eb::cli::runner
