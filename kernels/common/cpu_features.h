// What the running CPU can do, read once per process: CPUID/XGETBV on x86 (cpu_features_x86.cc),
// getauxval(AT_HWCAP/AT_HWCAP2) and MIDR_EL1 on aarch64 (cpu_features_arm64.cc), nothing on other
// architectures (cpu_features_generic.cc). Every registry record names the features it needs with
// these bits; nothing assumes the build machine. Only those per-architecture files include
// architecture headers (<cpuid.h>, <sys/auxv.h>).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace eb {

enum CpuFeature : uint64_t {
  kCpuNone = 0,
  kCpuSSE42 = 1ull << 0,
  kCpuPCLMUL = 1ull << 1,
  kCpuAES = 1ull << 2,
  kCpuAVX = 1ull << 3,
  kCpuAVX2 = 1ull << 4,
  kCpuBMI2 = 1ull << 5,
  kCpuADX = 1ull << 6,
  kCpuAVX512F = 1ull << 7,
  kCpuAVX512BW = 1ull << 8,
  kCpuAVX512DQ = 1ull << 9,
  kCpuAVX512VL = 1ull << 10,
  kCpuAVX512VBMI = 1ull << 11,
  kCpuAVX512VBMI2 = 1ull << 12,
  kCpuAVX512VNNI = 1ull << 13,
  kCpuAVX512BITALG = 1ull << 14,
  kCpuAVX512VPOPCNTDQ = 1ull << 15,
  kCpuVPCLMULQDQ = 1ull << 16,
  kCpuGFNI = 1ull << 17,
  kCpuVAES = 1ull << 18,
  kCpuAVX512IFMA = 1ull << 19,
  kCpuAVXVNNI = 1ull << 20,
  kCpuFMA = 1ull << 21,
  kCpuSSSE3 = 1ull << 22,
  kCpuPOPCNT = 1ull << 23,
  kCpuHypervisor = 1ull << 24,   // not an ISA feature: CPUID says we run under a hypervisor
  kCpuInvariantTSC = 1ull << 25,
  // aarch64 (Linux HWCAP / HWCAP2 bits).
  kCpuASIMD = 1ull << 32,    // Advanced SIMD (NEON): architectural on every Linux aarch64 CPU
  kCpuPMULL = 1ull << 33,    // PMULL/PMULL2 64x64 -> 128 carry-less multiply (FEAT_PMULL)
  kCpuArmAES = 1ull << 34,   // AESE/AESD/AESMC (FEAT_AES); Highway's NEON target requires it
  kCpuCRC32 = 1ull << 35,    // CRC32B/H/W/X, CRC32C* (FEAT_CRC32)
  kCpuSHA3 = 1ull << 36,     // EOR3/RAX1/XAR/BCAX (FEAT_SHA3)
  kCpuSVE = 1ull << 37,      // Scalable Vector Extension
  kCpuSVE2 = 1ull << 38,     // SVE2
  kCpuSVEAES = 1ull << 39,   // SVE2 AES/PMULL128 (FEAT_SVE_AES); Highway's SVE2 target requires it
  kCpuArmASIMDDP = 1ull << 40,  // UDOT/SDOT (FEAT_DotProd)
};

// The common AVX-512 tiers our kernels ask for.
constexpr uint64_t kCpuAVX512Core = kCpuAVX512F | kCpuAVX512BW | kCpuAVX512DQ | kCpuAVX512VL;

struct CpuInfo {
  std::string arch;            // "x86_64", "aarch64", or the compiler's name for another one
  // x86: CPUID vendor ("GenuineIntel", "AuthenticAMD", ...), brand string, display family/model/
  // stepping (extended fields folded in). aarch64: the MIDR_EL1 implementer's name ("ARM",
  // "Ampere", "Apple", ...), brand = "<implementer> part 0x<part>", family = implementer code,
  // model = part number, stepping = (variant << 4) | revision.
  std::string vendor;
  std::string brand;
  uint32_t family = 0, model = 0, stepping = 0;
  uint64_t midr = 0;           // aarch64: MIDR_EL1 of cpu0 as the kernel reports it (0 elsewhere)
  std::string midr_source;     // aarch64: "sysfs", "/proc/cpuinfo" or "none"
  uint32_t sve_vector_bytes = 0;  // aarch64 with SVE: the vector length in bytes (prctl), else 0
  uint64_t features = 0;       // CpuFeature bits, OS support (XCR0) included
  std::string hypervisor_vendor;  // empty when bare metal
};

// Detected once, cached. Honours EB_CPU_MASK (hex mask of CpuFeature bits to hide) so tests and
// benchmarks can pretend to be a smaller CPU.
const CpuInfo& cpu_info();
inline bool cpu_has(uint64_t required) { return (cpu_info().features & required) == required; }

// Names of the bits set in `mask`, e.g. {"avx512f", "gfni"}; stable, lower-case, /proc/cpuinfo style.
std::vector<std::string> cpu_feature_names(uint64_t mask);

// Highway's targets seen through the same lens. hwy_target_required(t): the CpuFeature bits
// Highway itself checks before it enables target t on this architecture (one table per
// architecture, in the cpu_features_<arch>.cc file). hwy_supported_targets(): Highway's own
// hwy::SupportedTargets(), with every target whose requirement EB_CPU_MASK hides removed (applied
// to Highway through SetSupportedTargetsForTest before anything dispatches, so HWY_DYNAMIC_DISPATCH
// obeys the mask too).
uint64_t hwy_target_required(int64_t target);
int64_t hwy_supported_targets();

// The build's floor: the instruction-set level every translation unit may assume (x86: x86-64-v2
// plus PCLMULQDQ and AES-NI). Empty when this CPU meets it, else a one-line description of what is
// missing. Programs call eb::require_cpu_floor() first; it prints that line and exits with status 2.
std::string cpu_floor_missing();
const char* cpu_floor_name();

}  // namespace eb
