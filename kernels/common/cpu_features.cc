// The architecture-independent half of cpu_features.h: the cached detection, EB_CPU_MASK, the
// feature names and the Highway view. The architecture files (cpu_features_<arch>.cc) provide
// detect_arch(), hwy_target_required() and the floor check.
#include "kernels/common/cpu_features.h"

#include <hwy/targets.h>

#include <cstdlib>

#include "kernels/common/cpu_features_arch.h"

namespace eb {

namespace {

uint64_t hidden_by_mask() {
  const char* m = std::getenv("EB_CPU_MASK");
  return m ? std::strtoull(m, nullptr, 16) : 0;
}

CpuInfo detect() {
  CpuInfo info = detail::detect_arch();
  // EB_CPU_MASK hides features (hex mask of CpuFeature bits), to test narrower-CPU paths.
  info.features &= ~hidden_by_mask();
  return info;
}

// Highway's own supported set, minus the targets whose requirement the mask hides; installed as
// Highway's mock once, before the first dispatch, so every Highway entry point sees it.
int64_t highway_view(const CpuInfo& info) {
  int64_t supported = hwy::SupportedTargets();
  if (hidden_by_mask() == 0) return supported;
  int64_t keep = 0;
  for (int64_t t = supported; t != 0; t &= t - 1) {
    const int64_t bit = t & ~(t - 1);
    const uint64_t req = hwy_target_required(bit);
    if ((info.features & req) == req) keep |= bit;
  }
  // With nothing left Highway still dispatches to its static (baseline) target; our rows then say
  // that no Highway target is usable.
  hwy::SetSupportedTargetsForTest(keep);
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
  return keep;
}

}  // namespace

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

int64_t hwy_supported_targets() {
  static const int64_t targets = highway_view(cpu_info());
  return targets;
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
      // aarch64, named as /proc/cpuinfo "Features" names them.
      {kCpuASIMD, "asimd"},       {kCpuArmAES, "aes"},           {kCpuPMULL, "pmull"},
      {kCpuCRC32, "crc32"},       {kCpuSHA3, "sha3"},            {kCpuArmASIMDDP, "asimddp"},
      {kCpuSVE, "sve"},           {kCpuSVE2, "sve2"},            {kCpuSVEAES, "sveaes"},
  };
  std::vector<std::string> out;
  for (const auto& n : kNames)
    if (mask & n.bit) out.emplace_back(n.name);
  return out;
}

}  // namespace eb
