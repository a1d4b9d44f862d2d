#include "kernels/common/cpu_features.h"

#include <cpuid.h>

#include <cstdlib>
#include <cstring>

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

CpuInfo detect() {
  CpuInfo info;
#if defined(__x86_64__) || defined(__i386__)
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
#endif
  // EB_CPU_MASK hides features (hex mask of CpuFeature bits), to test narrower-CPU paths.
  if (const char* m = std::getenv("EB_CPU_MASK")) info.features &= ~std::strtoull(m, nullptr, 16);
  return info;
}

}  // namespace

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

std::vector<std::string> cpu_feature_names(uint64_t mask) {
  static const struct {
    uint64_t bit;
    const char* name;
  } kNames[] = {
      {kCpuSSSE3, "ssse3"},       {kCpuSSE42, "sse4_2"},         {kCpuPOPCNT, "popcnt"},
      {kCpuPCLMUL, "pclmulqdq"},  {kCpuAES, "aes"},              {kCpuAVX, "avx"},
      {kCpuFMA, "fma"},           {kCpuAVX2, "avx2"},            {kCpuBMI2, "bmi2"},
      {kCpuADX, "adx"},           {kCpuAVX512F, "avx512f"},      {kCpuAVX512BW, "avx512bw"},
      {kCpuAVX512DQ, "avx512dq"}, {kCpuAVX512VL, "avx512vl"},    {kCpuAVX512IFMA, "avx512ifma"},
      {kCpuAVX512VBMI, "avx512vbmi"}, {kCpuAVX512VBMI2, "avx512_vbmi2"}, {kCpuAVX512VNNI, "avx512_vnni"},
      {kCpuAVX512BITALG, "avx512_bitalg"}, {kCpuAVX512VPOPCNTDQ, "avx512_vpopcntdq"},
      {kCpuVPCLMULQDQ, "vpclmulqdq"}, {kCpuGFNI, "gfni"},        {kCpuVAES, "vaes"},
      {kCpuAVXVNNI, "avx_vnni"},  {kCpuHypervisor, "hypervisor"}, {kCpuInvariantTSC, "invariant_tsc"},
  };
  std::vector<std::string> out;
  for (const auto& n : kNames)
    if (mask & n.bit) out.emplace_back(n.name);
  return out;
}

}  // namespace eb
