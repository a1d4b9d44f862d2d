// x86 CPU features: CPUID and XGETBV (OS-enabled register state), Highway's x86 requirements,
// and the build's x86 floor.
#include <cpuid.h>
#include <hwy/targets.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/common/cpu_features.h"
#include "kernels/common/cpu_features_arch.h"

namespace eb {
namespace {

struct Regs {
  uint32_t a = 0, b = 0, c = 0, d = 0;
};
Regs cpuid(uint32_t leaf, uint32_t sub = 0) {
  Regs r;
  __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
  return r;
}
uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t{hi} << 32) | lo;
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  if (b == std::string::npos) return {};
  return s.substr(b, e - b + 1);
}

}  // namespace

CpuInfo detail::detect_arch() {
  CpuInfo info;
  info.arch = "x86_64";
  Regs r0 = cpuid(0);
  char vendor[13] = {};
  std::memcpy(vendor + 0, &r0.b, 4);
  std::memcpy(vendor + 4, &r0.d, 4);
  std::memcpy(vendor + 8, &r0.c, 4);
  info.vendor = vendor;
  uint32_t max_leaf = r0.a;

  Regs r1 = cpuid(1);
  uint32_t base_family = (r1.a >> 8) & 0xF, base_model = (r1.a >> 4) & 0xF;
  uint32_t ext_family = (r1.a >> 20) & 0xFF, ext_model = (r1.a >> 16) & 0xF;
  info.family = base_family == 0xF ? base_family + ext_family : base_family;
  info.model = (base_family == 0x6 || base_family == 0xF) ? (ext_model << 4) | base_model : base_model;
  info.stepping = r1.a & 0xF;

  uint64_t f = 0;
  if (r1.c & (1u << 20)) f |= kCpuSSE42;
  if (r1.c & (1u << 9)) f |= kCpuSSSE3;
  if (r1.c & (1u << 1)) f |= kCpuPCLMUL;
  if (r1.c & (1u << 25)) f |= kCpuAES;
  if (r1.c & (1u << 23)) f |= kCpuPOPCNT;
  if (r1.c & (1u << 31)) f |= kCpuHypervisor;
  bool osxsave = r1.c & (1u << 27);
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  bool os_avx = (xcr0 & 0x6) == 0x6;
  bool os_avx512 = (xcr0 & 0xE6) == 0xE6;
  if (os_avx && (r1.c & (1u << 28))) f |= kCpuAVX;
  if (os_avx && (r1.c & (1u << 12))) f |= kCpuFMA;

  if (max_leaf >= 7) {
    Regs r7 = cpuid(7, 0);
    Regs r71 = cpuid(7, 1);
    if (os_avx && (r7.b & (1u << 5))) f |= kCpuAVX2;
    if (r7.b & (1u << 8)) f |= kCpuBMI2;
    if (r7.b & (1u << 19)) f |= kCpuADX;
    if (os_avx512) {
      if (r7.b & (1u << 16)) f |= kCpuAVX512F;
      if (r7.b & (1u << 17)) f |= kCpuAVX512DQ;
      if (r7.b & (1u << 21)) f |= kCpuAVX512IFMA;
      if (r7.b & (1u << 30)) f |= kCpuAVX512BW;
      if (r7.b & (1u << 31)) f |= kCpuAVX512VL;
      if (r7.c & (1u << 1)) f |= kCpuAVX512VBMI;
      if (r7.c & (1u << 6)) f |= kCpuAVX512VBMI2;
      if (r7.c & (1u << 11)) f |= kCpuAVX512VNNI;
      if (r7.c & (1u << 12)) f |= kCpuAVX512BITALG;
      if (r7.c & (1u << 14)) f |= kCpuAVX512VPOPCNTDQ;
    }
    // GFNI's SSE form needs no OS state; its VEX/EVEX forms do, and kernels that use it
    // also ask for AVX2/AVX-512, which carry the OS check.
    if (r7.c & (1u << 8)) f |= kCpuGFNI;
    if (os_avx && (r7.c & (1u << 9))) f |= kCpuVAES;
    if (os_avx && (r7.c & (1u << 10))) f |= kCpuVPCLMULQDQ;
    if (os_avx && (r71.a & (1u << 4))) f |= kCpuAVXVNNI;
  }

  Regs e0 = cpuid(0x80000000);
  if (e0.a >= 0x80000004) {
    char brand[49] = {};
    for (uint32_t i = 0; i < 3; ++i) {
      Regs b = cpuid(0x80000002 + i);
      std::memcpy(brand + 16 * i + 0, &b.a, 4);
      std::memcpy(brand + 16 * i + 4, &b.b, 4);
      std::memcpy(brand + 16 * i + 8, &b.c, 4);
      std::memcpy(brand + 16 * i + 12, &b.d, 4);
    }
    info.brand = trim(brand);
  }
  if (e0.a >= 0x80000007) {
    Regs e7 = cpuid(0x80000007);
    if (e7.d & (1u << 8)) f |= kCpuInvariantTSC;
  }
  if (f & kCpuHypervisor) {
    Regs h = cpuid(0x40000000);
    char hv[13] = {};
    std::memcpy(hv + 0, &h.b, 4);
    std::memcpy(hv + 4, &h.c, 4);
    std::memcpy(hv + 8, &h.d, 4);
    info.hypervisor_vendor = trim(hv);
    if (info.hypervisor_vendor.empty()) info.hypervisor_vendor = "unknown";
  }
  info.features = f;
  return info;
}

// What Highway 1.0.3 checks for each x86 target (hwy/targets.cc), in our feature bits.
uint64_t hwy_target_required(int64_t target) {
  constexpr uint64_t kSse4 = kCpuSSSE3 | kCpuSSE42 | kCpuPCLMUL | kCpuAES;
  constexpr uint64_t kAvx2 = kSse4 | kCpuAVX | kCpuAVX2 | kCpuBMI2 | kCpuFMA;
  constexpr uint64_t kAvx3 = kAvx2 | kCpuAVX512Core;
  constexpr uint64_t kAvx3Dl = kAvx3 | kCpuAVX512VNNI | kCpuVPCLMULQDQ | kCpuAVX512VBMI | kCpuAVX512VBMI2 |
                               kCpuVAES | kCpuAVX512BITALG | kCpuAVX512VPOPCNTDQ | kCpuGFNI;
  switch (target) {
    case HWY_SSSE3: return kCpuSSSE3;
    case HWY_SSE4: return kSse4;
    case HWY_AVX2: return kAvx2;
    case HWY_AVX3: return kAvx3;
    case HWY_AVX3_DL: return kAvx3Dl;
    default: return 0;  // EMU128 / SCALAR
  }
}

// The floor: every translation unit is compiled with -march=x86-64-v2 -mpclmul -maes
// (CMakeLists.txt), so the compiler may use any of these anywhere. x86-64-v2 is CMPXCHG16B,
// LAHF/SAHF in 64-bit mode, POPCNT, SSE3, SSSE3, SSE4.1, SSE4.2.
const char* cpu_floor_name() { return "x86-64-v2 + PCLMULQDQ + AES-NI"; }

namespace {
// Plain cpuid and bit tests into a C buffer, compiled for the original x86-64 so that the check
// itself runs on any 64-bit x86 CPU (no std::string code inlined under the higher baseline).
__attribute__((target("arch=x86-64"))) void floor_missing(char* out, size_t cap) {
  uint32_t a, b, c, d;
  __cpuid(1, a, b, c, d);
  const uint32_t ecx1 = c;
  __cpuid(0x80000001, a, b, c, d);
  const uint32_t ecx81 = c;
  static const struct {
    uint32_t reg, bit;
    const char* name;
  } kFloor[] = {{1, 0, "sse3"},   {1, 9, "ssse3"},  {1, 13, "cmpxchg16b"}, {1, 19, "sse4_1"}, {1, 20, "sse4_2"},
                {1, 23, "popcnt"}, {1, 1, "pclmulqdq"}, {1, 25, "aes"},     {0x81, 0, "lahf_lm"}};
  out[0] = 0;
  for (const auto& f : kFloor) {
    const uint32_t reg = f.reg == 1 ? ecx1 : ecx81;
    if (reg & (1u << f.bit)) continue;
    if (out[0]) std::strncat(out, " ", cap - std::strlen(out) - 1);
    std::strncat(out, f.name, cap - std::strlen(out) - 1);
  }
}
}  // namespace

std::string cpu_floor_missing() {
  char buf[128];
  floor_missing(buf, sizeof buf);
  return buf;
}

namespace {
// Runs before any C++ static initialiser of the program (priority 101), so a CPU below the floor
// gets one line and exit status 2 instead of SIGILL somewhere later.
__attribute__((constructor(101), target("arch=x86-64"))) void refuse_below_floor() {
  char missing[128];
  floor_missing(missing, sizeof missing);
  if (!missing[0]) return;
  std::fprintf(stderr, "encapbench: this CPU lacks %s; the build requires %s (rebuild with a lower -march to run here)\n",
               missing, "x86-64-v2 + PCLMULQDQ + AES-NI");
  std::_Exit(2);
}
}  // namespace

}  // namespace eb
