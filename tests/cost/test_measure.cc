// The timing discipline's arithmetic and stopping rule on synthetic samples (no timed
// assertions: what a measurement *costs* is the benchmarks' business, not a test's).
#include <gtest/gtest.h>

#include <cmath>

#include "bench/common/measure.h"

namespace eb::bench {
namespace {

TEST(Measure, Summary) {
  Summary s = summarize({4, 1, 3, 2});
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 4);
  EXPECT_NEAR(s.stddev, std::sqrt(5.0 / 3.0), 1e-12);  // sample standard deviation (n - 1)
  EXPECT_NEAR(s.cv, std::sqrt(5.0 / 3.0) / 2.5, 1e-12);
  EXPECT_DOUBLE_EQ(summarize({7}).stddev, 0);
  EXPECT_DOUBLE_EQ(summarize({}).median, 0);
}

TEST(Measure, WindowRule) {
  MeasureConfig c;
  c.window = 3;
  c.max_cv = 0.05;
  Summary w;
  EXPECT_FALSE(window_stable({100, 100}, c, &w)) << "fewer samples than the window";
  EXPECT_FALSE(window_stable({100}, c, &w)) << "a single sample is never stable";
  EXPECT_TRUE(window_stable({100, 101, 99}, c, &w));
  EXPECT_DOUBLE_EQ(w.median, 100);
  // A burst of noise early on does not block stability once the last window agrees ...
  EXPECT_TRUE(window_stable({300, 250, 100, 101, 99}, c, &w));
  EXPECT_DOUBLE_EQ(w.median, 100);
  // ... but noise inside the window does.
  EXPECT_FALSE(window_stable({100, 101, 99, 150}, c, &w));
  EXPECT_GT(w.cv, 0.05);
}

TEST(Measure, EmptyWorkIsZeroAndUntimed) {
  Measurement m = measure(nullptr);
  EXPECT_TRUE(m.empty);
  EXPECT_TRUE(m.stable);
  EXPECT_EQ(m.median_ns, 0);
  EXPECT_TRUE(m.pass_ns.empty());
}

TEST(Measure, RealWorkFollowsTheConfiguration) {
  MeasureConfig c;
  c.min_rep_seconds = 0.0005;
  c.window = 3;
  c.max_reps = 7;
  c.max_cv = 0.5;
  volatile unsigned sink = 0;
  int passes = 0;
  Measurement m = measure(
      [&] {
        ++passes;
        for (unsigned i = 0; i < 2000; ++i) sink = sink + i;
      },
      c);
  EXPECT_FALSE(m.empty);
  EXPECT_GE(m.passes_per_rep, 1);
  EXPECT_GE(m.pass_ns.size(), 3u);
  EXPECT_LE(m.pass_ns.size(), 7u);
  EXPECT_EQ(m.window, 3);
  EXPECT_GT(m.median_ns, 0);
  // Calibration, warm-up and the repetitions all ran the work.
  EXPECT_GE(passes, m.passes_per_rep * static_cast<int>(m.pass_ns.size() + 1));
  EXPECT_EQ(m.stable, m.cv <= 0.5);
  if (!m.stable) EXPECT_FALSE(m.note.empty());
}

TEST(Measure, Validate) {
  MeasureConfig c;
  EXPECT_EQ(validate(c), "");
  c.window = 1;
  EXPECT_NE(validate(c), "");
  c = {};
  c.max_reps = 2;
  EXPECT_NE(validate(c), "");
  c = {};
  c.max_cv = 0;
  EXPECT_NE(validate(c), "");
  c = {};
  c.min_rep_seconds = -1;
  EXPECT_NE(validate(c), "");
}

}  // namespace
}  // namespace eb::bench
