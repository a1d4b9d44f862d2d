// The Arm generic timer: CNTVCT_EL0 (the virtual count, readable at EL0 on Linux) ticking at
// CNTFRQ_EL0. It is a system counter (typically 25 MHz to 1 GHz), not the core clock: per-byte
// figures in its ticks are time, never cycles. Core cycles come only from the PMU (pmu.cc).
#include "bench/common/timer_arch.h"

namespace eb::bench {

uint64_t timer_ticks() {
  uint64_t v;
  // ISB first, so the read is not hoisted above earlier instructions (Arm ARM, D11.2.2).
  __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
  return v;
}

void timer_enumerated_hz(double* hz, std::string* source) {
  uint64_t f;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
  if (f != 0) {
    *hz = static_cast<double>(f);
    *source = "cntfrq_el0";
  }
}

const char* timer_description() {
  return "Arm generic timer CNTVCT_EL0 at CNTFRQ_EL0 (a system counter, not core cycles)";
}

}  // namespace eb::bench
