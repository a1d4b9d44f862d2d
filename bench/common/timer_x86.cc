// The x86 time-stamp counter: RDTSC, with its frequency from CPUID leaf 0x15 or the hypervisor's
// timing leaf 0x40000010 (VMware/KVM) when either states it.
#include <cpuid.h>
#include <x86intrin.h>

#include "bench/common/timer_arch.h"

namespace eb::bench {

uint64_t timer_ticks() { return __rdtsc(); }

void timer_enumerated_hz(double* hz, std::string* source) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  unsigned max_leaf = __get_cpuid_max(0, nullptr);
  if (max_leaf >= 0x15) {
    __cpuid_count(0x15, 0, a, b, c, d);
    // EAX/EBX = TSC / crystal ratio, ECX = crystal Hz (0 when not enumerated).
    if (a != 0 && b != 0 && c != 0) {
      *hz = static_cast<double>(c) * b / a;
      *source = "cpuid-0x15";
      return;
    }
  }
  __cpuid(1, a, b, c, d);
  if (c & (1u << 31)) {  // hypervisor: VMware/KVM timing leaf, EAX = TSC kHz
    __cpuid(0x40000000, a, b, c, d);
    if (a >= 0x40000010) {
      __cpuid(0x40000010, a, b, c, d);
      if (a != 0) {
        *hz = static_cast<double>(a) * 1e3;
        *source = "hypervisor-cpuid-0x40000010";
      }
    }
  }
}

const char* timer_description() { return "x86 TSC via RDTSC (invariant reference clock, not core cycles)"; }

}  // namespace eb::bench
