// Machine identity on architectures without a table of their own: the architecture's name only.
#include "bench/common/machine_arch.h"

namespace eb::bench {

Microarchitecture lookup_microarchitecture(const std::string&, uint32_t, uint32_t, uint32_t) {
  return {"unknown", "unknown", 0, "none", "no microarchitecture table for this architecture"};
}
void arch_caches(std::vector<CacheLevel>*, std::string* source) { *source = "none (no sysfs cache entries)"; }
std::string arch_vendor_slug(const CpuInfo& cpu) { return cpu.arch; }
std::vector<std::string> arch_isa_tags(uint64_t) { return {}; }

}  // namespace eb::bench
