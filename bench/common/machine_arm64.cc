// Machine identity on aarch64: MIDR_EL1's implementer and part mapped to a core, the ISA tags of
// machine_class. Part numbers are from the cores' technical reference manuals (MIDR_EL1 reset
// values) and the Linux kernel's arch/arm64/include/asm/cputype.h.
#include "bench/common/machine_arch.h"
#include "kernels/common/cpu_features.h"

namespace eb::bench {
namespace {

struct MidrRow {
  uint32_t implementer, part;
  const char* name;
  const char* slug;
  uint32_t l2_kib;  // private L2 per core as shipped in servers; 0 = configurable/varies by product
};

constexpr MidrRow kMidr[] = {
    // Arm Ltd. (implementer 0x41): also what Graviton, Altra, Cobalt, Grace, Yitian report.
    {0x41, 0xd03, "Cortex-A53", "cortexa53", 0},
    {0x41, 0xd07, "Cortex-A57", "cortexa57", 0},
    {0x41, 0xd08, "Cortex-A72", "cortexa72", 0},
    {0x41, 0xd09, "Cortex-A73", "cortexa73", 0},
    {0x41, 0xd05, "Cortex-A55", "cortexa55", 0},
    {0x41, 0xd0a, "Cortex-A75", "cortexa75", 0},
    {0x41, 0xd0b, "Cortex-A76", "cortexa76", 0},
    {0x41, 0xd0d, "Cortex-A77", "cortexa77", 0},
    {0x41, 0xd41, "Cortex-A78", "cortexa78", 0},
    {0x41, 0xd44, "Cortex-X1", "cortexx1", 0},
    {0x41, 0xd47, "Cortex-A710", "cortexa710", 0},
    {0x41, 0xd48, "Cortex-X2", "cortexx2", 0},
    {0x41, 0xd0c, "Neoverse N1", "neoversen1", 1024},  // Graviton2, Ampere Altra: 1 MiB
    {0x41, 0xd4a, "Neoverse E1", "neoversee1", 0},
    {0x41, 0xd40, "Neoverse V1", "neoversev1", 1024},  // Graviton3: 1 MiB
    {0x41, 0xd49, "Neoverse N2", "neoversen2", 0},     // 1 MiB (Yitian 710) or 2 MiB (Cobalt 100)
    {0x41, 0xd4f, "Neoverse V2", "neoversev2", 0},     // 1 MiB (Grace) or 2 MiB (Graviton4)
    {0x41, 0xd8e, "Neoverse N3", "neoversen3", 0},
    {0x41, 0xd84, "Neoverse V3", "neoversev3", 0},
    // Ampere's own cores (Altra is Neoverse N1, above).
    {0xc0, 0xac3, "AmpereOne", "ampereone", 2048},
    {0xc0, 0xac4, "AmpereOne", "ampereone", 2048},
    {0xc0, 0xac5, "AmpereOne", "ampereone", 2048},
    {0x50, 0x000, "X-Gene (eMAG)", "xgene", 0},
    // Apple (Linux on Apple silicon: Asahi).
    {0x61, 0x022, "Apple M1 Icestorm", "applem1", 0},
    {0x61, 0x023, "Apple M1 Firestorm", "applem1", 0},
    {0x61, 0x024, "Apple M1 Pro Icestorm", "applem1", 0},
    {0x61, 0x025, "Apple M1 Pro Firestorm", "applem1", 0},
    {0x61, 0x028, "Apple M1 Max Icestorm", "applem1", 0},
    {0x61, 0x029, "Apple M1 Max Firestorm", "applem1", 0},
    {0x61, 0x032, "Apple M2 Blizzard", "applem2", 0},
    {0x61, 0x033, "Apple M2 Avalanche", "applem2", 0},
    // Others seen in servers.
    {0x48, 0xd01, "HiSilicon TaiShan v110 (Kunpeng 920)", "taishanv110", 512},
    {0x46, 0x001, "Fujitsu A64FX", "a64fx", 0},
    {0x4e, 0x004, "NVIDIA Carmel", "carmel", 0},
};

}  // namespace

// vendor = implementer name, family = implementer code, model = part number (cpu_features.h).
Microarchitecture lookup_microarchitecture(const std::string&, uint32_t implementer, uint32_t part, uint32_t) {
  for (const auto& r : kMidr)
    if (r.implementer == implementer && r.part == part) return {r.name, r.slug, r.l2_kib, "high", ""};
  return {"unknown", "unknown", 0, "none", "MIDR implementer/part not in encapbench's table"};
}

void arch_caches(std::vector<CacheLevel>*, std::string* source) {
  // CCSIDR_EL1/CLIDR_EL1 are not readable from user space: sysfs is the only source.
  *source = "none (no sysfs cache entries; aarch64 cache ID registers are not readable from user space)";
}

std::string arch_vendor_slug(const CpuInfo& cpu) {
  std::string s = "aarch64-";
  for (char c : cpu.vendor) s += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::vector<std::string> arch_isa_tags(uint64_t f) {
  std::vector<std::string> parts;
  if (f & kCpuSVE2)
    parts.push_back("sve2");
  else if (f & kCpuSVE)
    parts.push_back("sve");
  else
    parts.push_back("neon");
  if (f & kCpuSVE) parts.push_back("vl" + std::to_string(cpu_info().sve_vector_bytes * 8));
  if (f & kCpuPMULL) parts.push_back("pmull");
  if (f & kCpuSHA3) parts.push_back("sha3");
  return parts;
}

}  // namespace eb::bench
