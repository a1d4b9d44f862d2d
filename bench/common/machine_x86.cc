// Machine identity on x86: the family/model table, CPUID cache leaves when sysfs has none, and
// the ISA tags of machine_class.
#include <cpuid.h>

#include "bench/common/machine_arch.h"
#include "kernels/common/cpu_features.h"

namespace eb::bench {
namespace {

struct UarchRow {
  const char* vendor;
  uint32_t family, model_lo, model_hi, stepping_lo, stepping_hi;
  const char* name;
  const char* slug;
  uint32_t l2_kib;  // per core, as shipped; 0 = hybrid or not recorded
};

// Family/model ranges from the vendors' programming references and the Linux kernel's
// intel-family.h / AMD's family-model tables. Ordered: the first match wins.
constexpr UarchRow kUarch[] = {
    // Intel server
    {"GenuineIntel", 6, 0x55, 0x55, 0, 4, "Skylake-SP", "skylakesp", 1024},
    {"GenuineIntel", 6, 0x55, 0x55, 5, 7, "Cascade Lake", "cascadelake", 1024},
    {"GenuineIntel", 6, 0x55, 0x55, 10, 11, "Cooper Lake", "cooperlake", 1024},
    {"GenuineIntel", 6, 0x6A, 0x6A, 0, 15, "Ice Lake-SP", "icelakesp", 1280},
    {"GenuineIntel", 6, 0x6C, 0x6C, 0, 15, "Ice Lake-D", "icelaked", 1280},
    {"GenuineIntel", 6, 0x8F, 0x8F, 0, 15, "Sapphire Rapids", "sapphirerapids", 2048},
    {"GenuineIntel", 6, 0xCF, 0xCF, 0, 15, "Emerald Rapids", "emeraldrapids", 2048},
    {"GenuineIntel", 6, 0xAD, 0xAE, 0, 15, "Granite Rapids", "graniterapids", 2048},
    {"GenuineIntel", 6, 0xAF, 0xAF, 0, 15, "Sierra Forest", "sierraforest", 0},
    {"GenuineIntel", 6, 0x3F, 0x3F, 0, 15, "Haswell-EP", "haswellep", 256},
    {"GenuineIntel", 6, 0x4F, 0x4F, 0, 15, "Broadwell-EP", "broadwellep", 256},
    {"GenuineIntel", 6, 0x56, 0x56, 0, 15, "Broadwell-DE", "broadwellde", 256},
    // Intel client
    {"GenuineIntel", 6, 0x3C, 0x3C, 0, 15, "Haswell", "haswell", 256},
    {"GenuineIntel", 6, 0x45, 0x46, 0, 15, "Haswell", "haswell", 256},
    {"GenuineIntel", 6, 0x3D, 0x3D, 0, 15, "Broadwell", "broadwell", 256},
    {"GenuineIntel", 6, 0x47, 0x47, 0, 15, "Broadwell", "broadwell", 256},
    {"GenuineIntel", 6, 0x4E, 0x4E, 0, 15, "Skylake", "skylake", 256},
    {"GenuineIntel", 6, 0x5E, 0x5E, 0, 15, "Skylake", "skylake", 256},
    {"GenuineIntel", 6, 0x8E, 0x8E, 0, 15, "Kaby Lake/Coffee Lake/Whiskey Lake", "kabylake", 256},
    {"GenuineIntel", 6, 0x9E, 0x9E, 0, 15, "Kaby Lake/Coffee Lake", "kabylake", 256},
    {"GenuineIntel", 6, 0xA5, 0xA6, 0, 15, "Comet Lake", "cometlake", 256},
    {"GenuineIntel", 6, 0x66, 0x66, 0, 15, "Cannon Lake", "cannonlake", 256},
    {"GenuineIntel", 6, 0x7D, 0x7E, 0, 15, "Ice Lake (client)", "icelake", 512},
    {"GenuineIntel", 6, 0x8C, 0x8D, 0, 15, "Tiger Lake", "tigerlake", 1280},
    {"GenuineIntel", 6, 0xA7, 0xA7, 0, 15, "Rocket Lake", "rocketlake", 512},
    {"GenuineIntel", 6, 0x97, 0x97, 0, 15, "Alder Lake", "alderlake", 0},
    {"GenuineIntel", 6, 0x9A, 0x9A, 0, 15, "Alder Lake", "alderlake", 0},
    {"GenuineIntel", 6, 0xBE, 0xBE, 0, 15, "Alder Lake-N", "alderlaken", 2048},
    {"GenuineIntel", 6, 0xB7, 0xB7, 0, 15, "Raptor Lake", "raptorlake", 0},
    {"GenuineIntel", 6, 0xBA, 0xBA, 0, 15, "Raptor Lake", "raptorlake", 0},
    {"GenuineIntel", 6, 0xBF, 0xBF, 0, 15, "Raptor Lake", "raptorlake", 0},
    {"GenuineIntel", 6, 0xAA, 0xAA, 0, 15, "Meteor Lake", "meteorlake", 0},
    {"GenuineIntel", 6, 0xAC, 0xAC, 0, 15, "Meteor Lake", "meteorlake", 0},
    {"GenuineIntel", 6, 0xC5, 0xC6, 0, 15, "Arrow Lake", "arrowlake", 0},
    {"GenuineIntel", 6, 0xBD, 0xBD, 0, 15, "Lunar Lake", "lunarlake", 0},
    // AMD family 17h
    {"AuthenticAMD", 0x17, 0x00, 0x07, 0, 15, "Zen", "zen1", 512},
    {"AuthenticAMD", 0x17, 0x08, 0x0F, 0, 15, "Zen+", "zenplus", 512},
    {"AuthenticAMD", 0x17, 0x10, 0x17, 0, 15, "Zen", "zen1", 512},
    {"AuthenticAMD", 0x17, 0x18, 0x1F, 0, 15, "Zen+", "zenplus", 512},
    {"AuthenticAMD", 0x17, 0x20, 0x2F, 0, 15, "Zen", "zen1", 512},
    {"AuthenticAMD", 0x17, 0x30, 0x4F, 0, 15, "Zen 2", "zen2", 512},
    {"AuthenticAMD", 0x17, 0x60, 0x7F, 0, 15, "Zen 2", "zen2", 512},
    {"AuthenticAMD", 0x17, 0x90, 0xAF, 0, 15, "Zen 2", "zen2", 512},
    {"HygonGenuine", 0x18, 0x00, 0xFF, 0, 15, "Zen (Hygon Dhyana)", "zen1", 512},
    // AMD family 19h
    {"AuthenticAMD", 0x19, 0x00, 0x0F, 0, 15, "Zen 3", "zen3", 512},
    {"AuthenticAMD", 0x19, 0x10, 0x1F, 0, 15, "Zen 4", "zen4", 1024},
    {"AuthenticAMD", 0x19, 0x20, 0x5F, 0, 15, "Zen 3", "zen3", 512},
    {"AuthenticAMD", 0x19, 0x60, 0x7F, 0, 15, "Zen 4", "zen4", 1024},
    {"AuthenticAMD", 0x19, 0xA0, 0xAF, 0, 15, "Zen 4c", "zen4c", 1024},
    // AMD family 1Ah
    {"AuthenticAMD", 0x1A, 0x00, 0x2F, 0, 15, "Zen 5", "zen5", 1024},
    {"AuthenticAMD", 0x1A, 0x40, 0x4F, 0, 15, "Zen 5", "zen5", 1024},
    {"AuthenticAMD", 0x1A, 0x60, 0x7F, 0, 15, "Zen 5", "zen5", 1024},
};

}  // namespace

Microarchitecture lookup_microarchitecture(const std::string& vendor, uint32_t family, uint32_t model,
                                           uint32_t stepping) {
  for (const auto& r : kUarch) {
    if (vendor == r.vendor && family == r.family && model >= r.model_lo && model <= r.model_hi &&
        stepping >= r.stepping_lo && stepping <= r.stepping_hi)
      return {r.name, r.slug, r.l2_kib, "high", ""};
  }
  return {"unknown", "unknown", 0, "none", "family/model not in encapbench's table"};
}

void arch_caches(std::vector<CacheLevel>* caches, std::string* source) {
  std::vector<CacheLevel>& out = *caches;
  // CPUID deterministic cache parameters: leaf 4 (Intel) or 0x8000001D (AMD), same layout.
  unsigned a, b, c, d;
  unsigned leaf = cpu_info().vendor == "GenuineIntel" ? 4u : 0x8000001Du;
  for (unsigned sub = 0; sub < 8; ++sub) {
    __cpuid_count(leaf, sub, a, b, c, d);
    unsigned type = a & 31;
    if (type == 0) break;
    CacheLevel cl;
    cl.level = static_cast<int>((a >> 5) & 7);
    cl.type = type == 1 ? "Data" : type == 2 ? "Instruction" : "Unified";
    cl.bytes = uint64_t{(b >> 22) + 1} * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) * (uint64_t{c} + 1);
    cl.shared_cpus = static_cast<int>(((a >> 14) & 0xfff) + 1);
    out.push_back(cl);
  }
  *source = leaf == 4 ? "cpuid-4" : "cpuid-0x8000001d";
}

std::string arch_vendor_slug(const CpuInfo& cpu) {
  return cpu.vendor == "GenuineIntel"   ? "intel"
         : cpu.vendor == "AuthenticAMD" ? "amd"
         : cpu.vendor == "HygonGenuine" ? "hygon"
                                        : "cpu";
}

std::vector<std::string> arch_isa_tags(uint64_t f) {
  std::vector<std::string> parts;
  if ((f & kCpuAVX512Core) == kCpuAVX512Core)
    parts.push_back("avx512");
  else if (f & kCpuAVX2)
    parts.push_back("avx2");
  else if (f & kCpuSSE42)
    parts.push_back("sse42");
  if (f & kCpuGFNI) parts.push_back("gfni");
  if (f & kCpuVPCLMULQDQ) parts.push_back("vpclmulqdq");
  return parts;
}

}  // namespace eb::bench
