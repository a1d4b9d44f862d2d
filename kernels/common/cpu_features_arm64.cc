// aarch64 CPU features: Linux HWCAP/HWCAP2 (getauxval), the SVE vector length (prctl), MIDR_EL1
// for the implementer and part (sysfs, else /proc/cpuinfo), and Highway's aarch64 requirements.
// The floor is the architecture itself: the build assumes armv8-a with Advanced SIMD, which every
// Linux aarch64 system has, so there is nothing to refuse.
#include <sys/auxv.h>
#include <sys/prctl.h>

#include <hwy/targets.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "kernels/common/cpu_features.h"
#include "kernels/common/cpu_features_arch.h"

// The HWCAP bit values of the Linux arm64 ABI (arch/arm64/include/uapi/asm/hwcap.h); spelled out
// so that an older libc header does not silently drop a feature.
namespace {
constexpr unsigned long kHwcapAsimd = 1ul << 1;
constexpr unsigned long kHwcapAes = 1ul << 3;
constexpr unsigned long kHwcapPmull = 1ul << 4;
constexpr unsigned long kHwcapCrc32 = 1ul << 7;
constexpr unsigned long kHwcapSha3 = 1ul << 17;
constexpr unsigned long kHwcapCpuid = 1ul << 11;  // the kernel emulates MRS of ID registers at EL0
constexpr unsigned long kHwcapAsimdDp = 1ul << 20;
constexpr unsigned long kHwcapSve = 1ul << 22;
constexpr unsigned long kHwcap2Sve2 = 1ul << 1;
constexpr unsigned long kHwcap2SveAes = 1ul << 2;
constexpr int kPrSveGetVl = 51;         // PR_SVE_GET_VL
constexpr int kPrSveVlLenMask = 0xffff;  // PR_SVE_VL_LEN_MASK
}  // namespace

namespace eb {
namespace {

const char* implementer_name(uint32_t imp) {
  switch (imp) {
    case 0x41: return "ARM";
    case 0x42: return "Broadcom";
    case 0x43: return "Cavium";
    case 0x46: return "Fujitsu";
    case 0x48: return "HiSilicon";
    case 0x4e: return "NVIDIA";
    case 0x50: return "APM";
    case 0x51: return "Qualcomm";
    case 0x61: return "Apple";
    case 0x6d: return "Microsoft";
    case 0xc0: return "Ampere";
    default: return "unknown";
  }
}

// MIDR_EL1 as the kernel exports it for cpu0; else read with MRS where the kernel emulates it
// (HWCAP_CPUID; qemu-user does too); else rebuilt from /proc/cpuinfo's fields.
uint64_t read_midr(unsigned long hwcap, std::string* source) {
  {
    std::ifstream f("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1");
    std::string s;
    if (f && std::getline(f, s) && !s.empty()) {
      *source = "sysfs";
      return std::strtoull(s.c_str(), nullptr, 16);
    }
  }
  if (hwcap & kHwcapCpuid) {
    uint64_t v;
    __asm__ volatile("mrs %0, midr_el1" : "=r"(v));
    *source = "mrs midr_el1";
    return v;
  }
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  uint64_t imp = 0, var = 0, part = 0, rev = 0;
  bool any = false;
  auto value = [](const std::string& l) { return std::strtoull(l.c_str() + l.find(':') + 1, nullptr, 0); };
  while (std::getline(f, line)) {
    if (line.rfind("CPU implementer", 0) == 0) imp = value(line), any = true;
    else if (line.rfind("CPU variant", 0) == 0) var = value(line);
    else if (line.rfind("CPU part", 0) == 0) part = value(line);
    else if (line.rfind("CPU revision", 0) == 0) rev = value(line);
    else if (line.empty() && any) break;  // cpu0's block only
  }
  *source = any ? "/proc/cpuinfo" : "none";
  return any ? (imp << 24) | (var << 20) | (0xfull << 16) | (part << 4) | rev : 0;
}

}  // namespace

CpuInfo detail::detect_arch() {
  CpuInfo info;
  info.arch = "aarch64";
  const unsigned long hw = getauxval(AT_HWCAP);
  const unsigned long hw2 = getauxval(AT_HWCAP2);
  uint64_t f = 0;
  if (hw & kHwcapAsimd) f |= kCpuASIMD;
  if (hw & kHwcapAes) f |= kCpuArmAES;
  if (hw & kHwcapPmull) f |= kCpuPMULL;
  if (hw & kHwcapCrc32) f |= kCpuCRC32;
  if (hw & kHwcapSha3) f |= kCpuSHA3;
  if (hw & kHwcapAsimdDp) f |= kCpuArmASIMDDP;
  if (hw & kHwcapSve) f |= kCpuSVE;
  if (hw2 & kHwcap2Sve2) f |= kCpuSVE2;
  if (hw2 & kHwcap2SveAes) f |= kCpuSVEAES;
  info.features = f;
  if (f & kCpuSVE) {
    const int vl = prctl(kPrSveGetVl);
    if (vl > 0) info.sve_vector_bytes = static_cast<uint32_t>(vl & kPrSveVlLenMask);
  }
  info.midr = read_midr(hw, &info.midr_source);
  const uint32_t imp = static_cast<uint32_t>((info.midr >> 24) & 0xff);
  info.family = imp;
  info.model = static_cast<uint32_t>((info.midr >> 4) & 0xfff);
  info.stepping = static_cast<uint32_t>((((info.midr >> 20) & 0xf) << 4) | (info.midr & 0xf));
  info.vendor = implementer_name(imp);
  char brand[64];
  std::snprintf(brand, sizeof brand, "%s part 0x%03x r%up%u", info.vendor.c_str(), info.model,
                static_cast<unsigned>((info.midr >> 20) & 0xf), static_cast<unsigned>(info.midr & 0xf));
  info.brand = brand;
  return info;
}

// What Highway 1.0.3 checks for each aarch64 target (hwy/targets.cc): NEON needs AES, SVE2 needs
// SVE2 and SVE-AES; the fixed-length SVE targets additionally need their vector length, which
// Highway checks itself.
uint64_t hwy_target_required(int64_t target) {
  switch (target) {
    case HWY_NEON: return kCpuASIMD | kCpuArmAES;
    case HWY_SVE: return kCpuSVE;
    case HWY_SVE_256: return kCpuSVE;
    case HWY_SVE2: return kCpuSVE | kCpuSVE2 | kCpuSVEAES;
    case HWY_SVE2_128: return kCpuSVE | kCpuSVE2 | kCpuSVEAES;
    default: return 0;
  }
}

const char* cpu_floor_name() { return "armv8-a with Advanced SIMD"; }
std::string cpu_floor_missing() { return ""; }

}  // namespace eb
