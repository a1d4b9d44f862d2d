#include "bench/common/bench_common.h"

#include <time.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "bench/common/pmu.h"
#include "bench/common/timer_arch.h"

namespace eb::bench {

// ---- Rows --------------------------------------------------------------------------------

namespace {
std::mutex g_rows_mu;
std::vector<RowInfo>& rows_store() {
  static std::vector<RowInfo> v;
  return v;
}
}  // namespace

std::vector<RowInfo> registered_rows() {
  std::lock_guard<std::mutex> lock(g_rows_mu);
  return rows_store();
}

benchmark::internal::Benchmark* register_row(const std::string& family, const ImplInfo& impl,
                                             const std::string& input,
                                             std::function<void(benchmark::State&)> fn) {
  std::string name = family + "/" + impl.name + "/" + input;
  {
    std::lock_guard<std::mutex> lock(g_rows_mu);
    rows_store().push_back(
        {name, family, impl.family, impl.name, input, impl.kind, impl.description, impl.supported(),
         impl.why_unsupported()});
  }
  benchmark::internal::Benchmark* b;
  if (!impl.supported()) {
    std::string why = impl.why_unsupported();
    b = benchmark::RegisterBenchmark(name.c_str(), [why](benchmark::State& state) {
      state.SkipWithError(why.c_str());
      for (auto _ : state) {
      }
    });
  } else {
    auto shared = std::make_shared<std::function<void(benchmark::State&)>>(std::move(fn));
    b = benchmark::RegisterBenchmark(name.c_str(), [shared](benchmark::State& state) {
      // Under `encapbench run --instructions` (valgrind --instr-atstart=no) only this region is
      // simulated; outside valgrind these are a few no-op instructions.
      CALLGRIND_START_INSTRUMENTATION;
      {
        PmuScope pmu;
        (*shared)(state);
      }
      CALLGRIND_STOP_INSTRUMENTATION;
    });
  }
  if (int64_t n = fixed_iterations(); n > 0) b->Iterations(n);
  return b;
}

namespace {
std::mutex g_context_mu;
std::vector<std::pair<std::string, std::string>>& context_store() {
  static std::vector<std::pair<std::string, std::string>> v;
  return v;
}
}  // namespace

void add_context(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(g_context_mu);
  context_store().emplace_back(key, value);
}

std::vector<std::pair<std::string, std::string>> added_context() {
  std::lock_guard<std::mutex> lock(g_context_mu);
  return context_store();
}

void timed_region_begins() {
  if (PmuScope* s = PmuScope::current()) s->restart();
}

void set_counters(benchmark::State& state, double bytes_per_iter, double packets_per_iter,
                  double header_size) {
  if (state.error_occurred()) return;
  const double iters = static_cast<double>(state.iterations());
  if (iters <= 0) return;
  using C = benchmark::Counter;
  const double bytes = bytes_per_iter * iters;
  const double packets = packets_per_iter * iters;
  const double hz = tsc_hz();
  // Counters with kIsRate are divided by the benchmark's time (the same time Google Benchmark
  // reports and uses for bytes_per_second); kInvert turns "per second" into "seconds per".
  if (bytes > 0) {
    state.SetBytesProcessed(static_cast<int64_t>(std::llround(bytes)));
    state.counters["ns_per_byte"] = C(bytes * 1e-9, C::kIsRate | C::kInvert);
    state.counters["tsc_ticks_per_byte"] = C(bytes / hz, C::kIsRate | C::kInvert);
  }
  if (packets > 0) {
    state.SetItemsProcessed(static_cast<int64_t>(std::llround(packets)));
    state.counters["ns_per_packet"] = C(packets * 1e-9, C::kIsRate | C::kInvert);
    state.counters["tsc_ticks_per_packet"] = C(packets / hz, C::kIsRate | C::kInvert);
  }
  if (header_size != 0) state.counters["header_size"] = C(header_size, C::kAvgThreads);
  if (fixed_iterations() > 0) {
    state.counters["bytes_per_iteration"] = C(bytes_per_iter, C::kAvgThreads);
    state.counters["packets_per_iteration"] = C(packets_per_iter, C::kAvgThreads);
  }

  PmuReading d;
  PmuScope* scope = PmuScope::current();
  if (!scope || !scope->delta(&d)) return;
  auto per = [&](int e, double denom, const char* name) {
    if ((d.valid & (1u << e)) && denom > 0)
      state.counters[name] = C(static_cast<double>(d.value[e]) / denom, C::kAvgThreads);
  };
  per(kPmuCycles, bytes, "core_cycles_per_byte");
  per(kPmuCycles, packets, "core_cycles_per_packet");
  per(kPmuInstructions, bytes, "instructions_per_byte");
  per(kPmuInstructions, packets, "instructions_per_packet");
  if (packets > 0) {
    per(kPmuBranchMisses, packets, "branch_misses_per_packet");
    per(kPmuCacheMisses, packets, "cache_misses_per_packet");
  } else {
    per(kPmuBranchMisses, bytes, "branch_misses_per_byte");
    per(kPmuCacheMisses, bytes, "cache_misses_per_byte");
  }
  const uint32_t ci = (1u << kPmuCycles) | (1u << kPmuInstructions);
  if ((d.valid & ci) == ci && d.value[kPmuCycles] > 0)
    state.counters["ipc"] = C(static_cast<double>(d.value[kPmuInstructions]) /
                                  static_cast<double>(d.value[kPmuCycles]),
                              C::kAvgThreads);
}

// ---- Presets and sweeps --------------------------------------------------------------------

Preset preset() {
  const char* p = std::getenv("EB_PRESET");
  return p && std::strcmp(p, "full") == 0 ? Preset::full : Preset::quick;
}

const char* preset_name() { return preset() == Preset::full ? "full" : "quick"; }

std::vector<size_t> buffer_sizes() {
  if (preset() == Preset::quick) return {16u << 10, 1u << 20, 64u << 20};
  std::vector<size_t> v;
  for (size_t s = 16u << 10; s <= (256u << 20); s *= 2) v.push_back(s);
  return v;
}

std::vector<int> thread_counts() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  int cpus = n > 0 ? static_cast<int>(n) : 1;
  if (preset() == Preset::quick) return cpus > 1 ? std::vector<int>{1, cpus} : std::vector<int>{1};
  std::vector<int> v;
  for (int t = 1; t <= cpus; ++t) v.push_back(t);
  return v;
}

std::vector<int> header_sizes(int min_header) {
  std::vector<int> v;
  if (preset() == Preset::quick) {
    for (int h : {min_header, 128, 256, 320})
      if (h >= min_header) v.push_back(h);
  } else {
    v.push_back(min_header);
    for (int h = (min_header / 8 + 1) * 8; h <= 256; h += 8) v.push_back(h);
    for (int h = 264; h <= 320; h += 8)
      if (h > min_header) v.push_back(h);
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<int> batch_sizes() {
  if (preset() == Preset::quick) return {1, 32};
  return {1, 2, 4, 8, 16, 32, 64, 128, 256};
}

std::string size_label(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "m";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + "k";
  return std::to_string(bytes);
}

int64_t fixed_iterations() {
  static const int64_t n = [] {
    const char* s = std::getenv("EB_FIXED_ITERATIONS");
    if (!s || !*s) return int64_t{0};
    long long v = std::strtoll(s, nullptr, 10);
    return v > 0 ? static_cast<int64_t>(v) : int64_t{0};
  }();
  return n;
}

// ---- Time ----------------------------------------------------------------------------------

uint64_t rdtsc() { return timer_ticks(); }

namespace {

double now_raw_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// The timer (timer_arch.h) against CLOCK_MONOTONIC_RAW over ~60 ms, bracketing each clock read with TSC reads and
// keeping the tightest bracket at both ends.
double calibrate() {
  auto sample = [](uint64_t* tsc, double* ns) {
    uint64_t best = ~0ull;
    for (int i = 0; i < 16; ++i) {
      uint64_t a = timer_ticks();
      double t = now_raw_ns();
      uint64_t b = timer_ticks();
      if (b - a < best) {
        best = b - a;
        *tsc = a + (b - a) / 2;
        *ns = t;
      }
    }
  };
  uint64_t t0 = 0, t1 = 0;
  double n0 = 0, n1 = 0;
  sample(&t0, &n0);
  timespec sleep{0, 60'000'000};
  nanosleep(&sleep, nullptr);
  sample(&t1, &n1);
  return static_cast<double>(t1 - t0) * 1e9 / (n1 - n0);
}

struct TscInfo {
  double hz = 0, calibrated = 0;
  std::string source;
};

const TscInfo& tsc_info() {
  static const TscInfo info = [] {
    TscInfo t;
    t.calibrated = calibrate();
    timer_enumerated_hz(&t.hz, &t.source);
    if (t.hz != 0 && std::fabs(t.hz - t.calibrated) > 0.02 * t.calibrated) {
      // The enumerated frequency disagrees with the clock (a VM scaling the TSC, or a wrong
      // leaf): trust the measurement and say so.
      t.source = "calibrated-clock_monotonic_raw (" + t.source + " said " +
                 std::to_string(static_cast<long long>(t.hz)) + " Hz, off by more than 2%)";
      t.hz = t.calibrated;
    } else if (t.hz == 0) {
      t.hz = t.calibrated;
      t.source = "calibrated-clock_monotonic_raw";
    }
    return t;
  }();
  return info;
}

}  // namespace

double tsc_hz() { return tsc_info().hz; }
const std::string& tsc_source() { return tsc_info().source; }
double tsc_hz_calibrated() { return tsc_info().calibrated; }

}  // namespace eb::bench
