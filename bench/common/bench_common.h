// What every benchmark file shares: the counters every row carries and the naming rule
// FAMILY/IMPL/INPUT. Context (machine identity, cycle source, PMU) is added once by bench_main.
//
// How a family benchmark file is written (bench/bench_FAMILY.cc):
//
//   static void bm(benchmark::State& state, const XImpl& impl, size_t len) {
//     ... set-up (buffers, corpus) ...
//     eb::bench::timed_region_begins();     // optional, see below
//     for (auto _ : state) { ... benchmark::DoNotOptimize(...); }
//     eb::bench::set_counters(state, len, 1);
//   }
//   static const int registered = [] {
//     for (const auto& impl : x_impls())
//       for (size_t len : eb::bench::preset() == eb::bench::Preset::quick ? quick_sizes : all_sizes)
//         eb::bench::register_row("checksum", impl.info, std::to_string(len),
//                                 [&impl, len](benchmark::State& s) { bm(s, impl, len); });
//     return 0;
//   }();
//
// Rules the runner (`encapbench run`) relies on:
// - Do not call ->MinTime() or ->Iterations() on rows: the runner sets the minimum time globally
//   (--benchmark_min_time) and forces a fixed iteration count for `--instructions`
//   (EB_FIXED_ITERATIONS, applied by register_row). ->Threads()/->UseRealTime() are fine.
// - Registration may happen during static initialisation: preset() and the sweep helpers read
//   only the environment, so they work there.
// - set_counters() must be called after the timed loop in every row that is not skipped.
#pragma once
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kernels/common/registry.h"

namespace eb::bench {

// Register `fn` as FAMILY/IMPL/INPUT. If the implementation cannot run on this CPU the row is
// still registered and reports SkipWithError(reason), so the table shows why it is missing.
// Every row runs inside a wrapper that opens the PMU counters for the calling thread (when the
// machine has them) and, under `encapbench run --instructions`, switches callgrind's
// instrumentation on around the row.
benchmark::internal::Benchmark* register_row(const std::string& family, const ImplInfo& impl,
                                             const std::string& input,
                                             std::function<void(benchmark::State&)> fn);

// Every row register_row() has registered, for `eb-bench-X --eb_rows_json`, which
// `encapbench run` copies into each result row (operation, family, implementation, kind,
// input, description) so that readers never parse names: `operation` is FAMILY of the name
// (what is timed: "checksum-tx"), `family` the implementation's own family ("checksum").
struct RowInfo {
  std::string name, operation, family, impl, input;
  ImplKind kind;
  std::string description;
  bool supported;
  std::string why_unsupported;
};
std::vector<RowInfo> registered_rows();

// Set the standard counters after the timed loop: bytes and packets per second, ns and TSC ticks
// per byte and per packet, header size when known (0 = not applicable), and PMU counters when
// the machine has them. `bytes_per_iter` and `packets_per_iter` describe one iteration (pass 0
// for a quantity that does not apply).
//
// Counters written (all per thread-averaged where threads apply):
//   bytes_per_second, items_per_second (items = packets)        Google Benchmark's own rates
//   ns_per_byte, ns_per_packet                                   = 1 / rate, in nanoseconds
//   tsc_ticks_per_byte, tsc_ticks_per_packet                     invariant-TSC ticks (NOT core
//       cycles): benchmark time x tsc_hz(); the context's tsc_hz/tsc_source say where the
//       frequency came from
//   header_size                                                  when non-zero
//   core_cycles_per_byte|packet, instructions_per_byte|packet, ipc,
//   branch_misses_per_packet|byte, cache_misses_per_packet|byte  only when a PMU is present
//   bytes_per_iteration, packets_per_iteration                   only under EB_FIXED_ITERATIONS
//                                                                (the --instructions runner)
void set_counters(benchmark::State& state, double bytes_per_iter, double packets_per_iter,
                  double header_size = 0);

// Adds a key/value pair to the run's JSON context (e.g. which implementations a "best" row
// resolved to on this machine). Call during registration; bench_main adds them before running.
void add_context(const std::string& key, const std::string& value);
std::vector<std::pair<std::string, std::string>> added_context();

// Optional: call right before `for (auto _ : state)` when a row's set-up is heavy. PMU deltas
// are then taken from here instead of from the start of the row (set-up excluded). Without it
// the set-up is included, amortised over the iterations.
void timed_region_begins();

// ---- Presets and sweeps ---------------------------------------------------------------------
// `encapbench run --preset quick|full` exports EB_PRESET to every eb-bench-* binary; a binary
// run by hand defaults to quick. Families register fewer inputs in quick mode (the whole quick
// suite must finish in under 3 minutes on a 2-core VM) and every sweep point in full mode.
enum class Preset { quick, full };
Preset preset();
const char* preset_name();  // "quick" | "full"

// Buffer and corpus sizes from L1-resident to DRAM-resident. full: 16 KiB .. 256 MiB in powers
// of two; quick: 16 KiB, 1 MiB, 64 MiB.
std::vector<size_t> buffer_sizes();
// Thread counts for the whole-receive-path scaling rows (use ->Threads(n) per row). full: 1..N
// (N = online CPUs); quick: 1 and N.
std::vector<int> thread_counts();
// Header-size sweep for a combination whose smallest header is `min_header`: full: min, then
// every multiple of 8 above it up to 256 (steps of at most 8), then 264..320 by 8 (the software
// fallback region); quick: min, 128, 256 (clamped to >= min) and 320.
std::vector<int> header_sizes(int min_header);
// Batch sizes for batched kernels. full: 1, 2, 4 .. 256; quick: 1, 32.
std::vector<int> batch_sizes();
// "16k", "1m", "256m", or plain bytes when not a multiple of 1024: input labels for sizes.
std::string size_label(size_t bytes);

// ---- Time ---------------------------------------------------------------------------------
// Invariant-TSC frequency in Hz, determined once (CPUID 0x15, the hypervisor's timing leaf, or
// calibration against CLOCK_MONOTONIC_RAW over ~60 ms) and its source, e.g. "cpuid-0x15",
// "hypervisor-cpuid-0x40000010", "calibrated-clock_monotonic_raw".
double tsc_hz();
const std::string& tsc_source();
double tsc_hz_calibrated();  // always measured, to cross-check the reported frequency
uint64_t rdtsc();

// Forced iteration count from EB_FIXED_ITERATIONS (0 = not forced).
int64_t fixed_iterations();

// The records a family's benchmark picks for a set of rows, by role (bench_checksum.cc,
// bench_rss.cc): each record once, in the order the roles pick them.
template <typename Record>
class RolePicks {
 public:
  void take(const Record* r) {
    if (r && std::find(picked_.begin(), picked_.end(), r) == picked_.end()) picked_.push_back(r);
  }
  const std::vector<const Record*>& records() const { return picked_; }

 private:
  std::vector<const Record*> picked_;
};

// The library a peer record's name starts with ("dpdk-gfni-bulk" -> "dpdk").
inline std::string library_of(const std::string& name) { return name.substr(0, name.find('-')); }

}  // namespace eb::bench
