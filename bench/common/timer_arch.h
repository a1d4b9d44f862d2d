// Internal to bench/common: the run's tick source, one file per architecture (timer_x86.cc,
// timer_arm64.cc, timer_generic.cc; CMake compiles exactly one). bench_common.cc calibrates it
// against CLOCK_MONOTONIC_RAW and publishes it as tsc_hz()/rdtsc() (the counters keep their
// tsc_ticks_* names on every architecture; the context's `timer` says what ticks they are).
#pragma once
#include <cstdint>
#include <string>

namespace eb::bench {

uint64_t timer_ticks();
// The frequency the hardware or hypervisor states for the timer; leaves *hz at 0 when it states
// none (then calibration decides).
void timer_enumerated_hz(double* hz, std::string* source);
// What the ticks are, for the run context: e.g. "x86 TSC (invariant reference clock, not core
// cycles)", "CNTVCT_EL0 (Arm generic timer at CNTFRQ_EL0, not core cycles)".
const char* timer_description();

}  // namespace eb::bench
