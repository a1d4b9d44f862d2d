// Architectures without a timer file of their own: CLOCK_MONOTONIC_RAW in nanoseconds.
#include <time.h>

#include "bench/common/timer_arch.h"

namespace eb::bench {

uint64_t timer_ticks() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void timer_enumerated_hz(double* hz, std::string* source) {
  *hz = 1e9;
  *source = "clock_monotonic_raw (nanoseconds)";
}

const char* timer_description() { return "CLOCK_MONOTONIC_RAW nanoseconds (no cycle counter used)"; }

}  // namespace eb::bench
