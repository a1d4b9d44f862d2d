// Internal to bench/common: what machine.cc needs from each architecture (machine_x86.cc,
// machine_arm64.cc, machine_generic.cc; CMake compiles exactly one). lookup_microarchitecture
// (machine.h) is defined there too.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "bench/common/machine.h"
#include "kernels/common/cpu_features.h"

namespace eb::bench {

// Caches from the architecture's own registers when sysfs lists none (appends; sets *source).
void arch_caches(std::vector<CacheLevel>* caches, std::string* source);
// The first word of machine_class: "intel", "amd", "arm", "ampere", "apple", ...
std::string arch_vendor_slug(const CpuInfo& cpu);
// The ISA words of machine_class: "avx512", "gfni" / "sve2", "pmull", ...
std::vector<std::string> arch_isa_tags(uint64_t features);

}  // namespace eb::bench
