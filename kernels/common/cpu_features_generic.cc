// CPU features on an architecture without its own cpu_features_<arch>.cc: nothing is detected,
// so only the portable records (reference, scalar kernels, Highway's baseline target) run.
#include "kernels/common/cpu_features.h"
#include "kernels/common/cpu_features_arch.h"

namespace eb {

CpuInfo detail::detect_arch() {
  CpuInfo info;
#if defined(__s390x__)
  info.arch = "s390x";
#elif defined(__powerpc64__)
  info.arch = "ppc64";
#elif defined(__riscv)
  info.arch = "riscv64";
#else
  info.arch = "unknown";
#endif
  info.vendor = "unknown";
  return info;
}

uint64_t hwy_target_required(int64_t) { return 0; }
const char* cpu_floor_name() { return "the compiler's default for this architecture"; }
std::string cpu_floor_missing() { return ""; }

}  // namespace eb
