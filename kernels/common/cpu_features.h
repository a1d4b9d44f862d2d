// What the running CPU can do, read once with CPUID/XGETBV. Every registry record names the
// features it needs with these bits; nothing assumes the build machine.
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
};

// The common AVX-512 tiers our kernels ask for.
constexpr uint64_t kCpuAVX512Core = kCpuAVX512F | kCpuAVX512BW | kCpuAVX512DQ | kCpuAVX512VL;

struct CpuInfo {
  std::string vendor;          // "GenuineIntel", "AuthenticAMD", ...
  std::string brand;           // brand string, trimmed
  uint32_t family = 0, model = 0, stepping = 0;  // display family/model (extended fields folded in)
  uint64_t features = 0;       // CpuFeature bits, OS support (XCR0) included
  std::string hypervisor_vendor;  // empty when bare metal
};

// Detected once, cached. Honours EB_CPU_MASK (hex mask of CpuFeature bits to hide) so tests and
// benchmarks can pretend to be a smaller CPU.
const CpuInfo& cpu_info();
inline bool cpu_has(uint64_t required) { return (cpu_info().features & required) == required; }

// Names of the bits set in `mask`, e.g. {"avx512f", "gfni"}; stable, lower-case, /proc/cpuinfo style.
std::vector<std::string> cpu_feature_names(uint64_t mask);

}  // namespace eb
