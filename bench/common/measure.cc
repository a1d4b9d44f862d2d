#include "bench/common/measure.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace eb::bench {

Summary summarize(const std::vector<double>& v) {
  Summary s;
  if (v.empty()) return s;
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  s.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  s.min = sorted.front();
  s.max = sorted.back();
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(n);
  if (n > 1) {
    double sq = 0;
    for (double x : v) sq += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(sq / static_cast<double>(n - 1));
  }
  s.cv = s.mean != 0 ? s.stddev / s.mean : 0;
  return s;
}

bool window_stable(const std::vector<double>& samples, const MeasureConfig& cfg, Summary* out) {
  const size_t w = static_cast<size_t>(std::max(cfg.window, 2));
  if (samples.size() < w) {
    if (out) *out = summarize(samples);
    return false;
  }
  std::vector<double> last(samples.end() - static_cast<long>(w), samples.end());
  Summary s = summarize(last);
  if (out) *out = s;
  return s.cv <= cfg.max_cv;
}

std::string validate(const MeasureConfig& c) {
  if (!(c.min_rep_seconds > 0) || c.min_rep_seconds > 10) return "repetition time must be in (0, 10] s";
  if (c.warmup_reps < 0) return "warm-up repetitions must be >= 0";
  if (c.window < 2) return "the stability window must be at least 2 repetitions";
  if (c.max_reps < c.window) return "maximum repetitions must be at least the stability window";
  if (!(c.max_cv > 0) || c.max_cv >= 1) return "maximum CV must be in (0, 1)";
  if (!(c.max_seconds > 0)) return "measurement budget must be positive";
  return {};
}

namespace {

using Clock = std::chrono::steady_clock;

// Keeps the compiler from moving or dropping the work around the clock reads.
inline void barrier() { asm volatile("" ::: "memory"); }

double thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

double run_ns(const std::function<void()>& pass, int passes) {
  barrier();
  const double t0 = thread_cpu_ns();
  for (int i = 0; i < passes; ++i) {
    pass();
    barrier();
  }
  const double t1 = thread_cpu_ns();
  barrier();
  return t1 - t0;
}

}  // namespace

Measurement measure(const std::function<void()>& pass, const MeasureConfig& cfg) {
  Measurement m;
  if (!pass) {
    m.empty = true;
    m.stable = true;
    return m;
  }
  const double min_rep_ns = cfg.min_rep_seconds * 1e9;
  int passes = 1;
  double t = run_ns(pass, passes);
  while (t < min_rep_ns && passes < (1 << 30)) {
    passes = t <= 0 ? passes * 2 : std::max(passes * 2, static_cast<int>(std::min(1e9, passes * min_rep_ns / t * 1.2)));
    t = run_ns(pass, passes);
  }
  m.passes_per_rep = passes;
  for (int i = 0; i < cfg.warmup_reps; ++i) run_ns(pass, passes);

  const auto start = Clock::now();
  Summary w;
  for (int rep = 0; rep < cfg.max_reps; ++rep) {
    m.pass_ns.push_back(run_ns(pass, passes) / passes);
    if (window_stable(m.pass_ns, cfg, &w)) {
      m.stable = true;
      break;
    }
    if (std::chrono::duration<double>(Clock::now() - start).count() > cfg.max_seconds &&
        m.pass_ns.size() >= static_cast<size_t>(cfg.window))
      break;
  }
  m.window = static_cast<int>(std::min(m.pass_ns.size(), static_cast<size_t>(std::max(cfg.window, 2))));
  m.median_ns = w.median;
  m.cv = w.cv;
  if (!m.stable) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "CV %.1f%% over the last %d of %zu repetitions exceeds %.1f%%", 100 * w.cv,
                  m.window, m.pass_ns.size(), 100 * cfg.max_cv);
    m.note = buf;
  }
  return m;
}

}  // namespace eb::bench
