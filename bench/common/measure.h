// The suite's timing discipline outside Google Benchmark, for commands that time a piece of work
// on the user's own data (`encapbench cost`): warm-up, a repetition long enough for the clock,
// repetitions until the last few agree, the median, and the spread reported with it.
//
//   1. Calibrate: run the work once, then double the number of passes per repetition until one
//      repetition lasts at least min_rep_seconds (so clock resolution and call overhead vanish).
//   2. Warm up: warmup_reps repetitions, discarded (caches, branch predictors, page faults).
//   3. Measure: repetitions until the last `window` of them have a coefficient of variation
//      (stddev / mean of the per-pass times) of at most max_cv, or max_reps repetitions, or
//      max_seconds of measuring. The figure is the median per-pass time of that final window;
//      its CV, the window and every sample are reported. The result is `stable` only when the
//      window's CV is within max_cv; a single repetition is never stable.
//
// Time is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): what one core spends on the
// work, which is the figure a cores-at-line-rate estimate needs. Time the thread waited while
// another process had the core is not counted (it is in wall time); the cache and TLB damage the
// other process leaves behind is.
//
// A sliding window (not every sample since the start) is deliberate: on a shared machine a
// burst of preemption in the first repetitions would otherwise keep the CV high for ever, while
// the question is what the code costs when it runs. The samples before the window stay in the
// result, so the choice is visible.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace eb::bench {

struct MeasureConfig {
  double min_rep_seconds = 0.005;  // a repetition runs the work this long at least
  int warmup_reps = 1;
  int window = 5;                  // repetitions that must agree (>= 2)
  int max_reps = 40;
  double max_cv = 0.05;            // the reports' noise threshold
  double max_seconds = 3.0;        // budget per measurement (calibration and warm-up excluded)
};

struct Summary {
  double median = 0, mean = 0, stddev = 0, cv = 0, min = 0, max = 0;
};
// Median, mean, sample standard deviation (n - 1), CV = stddev / mean (0 when mean is 0).
Summary summarize(const std::vector<double>& samples);

struct Measurement {
  std::vector<double> pass_ns;  // per-pass time of every repetition, in order
  int passes_per_rep = 0;
  int window = 0;               // how many of the last samples the figures describe
  double median_ns = 0;         // per pass, over the window
  double cv = 0;                // over the window
  bool stable = false;
  bool empty = false;           // nothing to run: zero by definition, nothing was timed
  std::string note;             // why not stable, when it is not
};

// Times `pass` (one run of the work) with the discipline above. `empty` work (a pass over zero
// packets) is not timed: the result is exactly 0, stable, with empty = true.
Measurement measure(const std::function<void()>& pass, const MeasureConfig& cfg = {});

// The stopping rule alone, over per-pass samples collected so far (tests drive it with
// synthetic sequences): true when the last cfg.window samples agree within cfg.max_cv.
bool window_stable(const std::vector<double>& samples, const MeasureConfig& cfg, Summary* window_summary);

// Checks a configuration; empty when fine, else a one-line reason.
std::string validate(const MeasureConfig& cfg);

}  // namespace eb::bench
