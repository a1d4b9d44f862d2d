// Internal: what each cpu_features_<arch>.cc provides to cpu_features.cc. One of
// cpu_features_x86.cc, cpu_features_arm64.cc, cpu_features_generic.cc is compiled (CMake picks it
// by CMAKE_SYSTEM_PROCESSOR).
#pragma once
#include "kernels/common/cpu_features.h"

namespace eb::detail {

// Everything CpuInfo holds, from the hardware and the OS, before EB_CPU_MASK.
CpuInfo detect_arch();

}  // namespace eb::detail
