// The Toeplitz registry: one record per implementation, ordered at construction (RecordList).
#include <hwy/targets.h>

#include <cctype>
#include <cstring>
#include <string>

#include "kernels/rss/toeplitz.h"
#include "kernels/rss/toeplitz_internal.h"

namespace eb {

const uint8_t kMicrosoftRssKey[40] = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
                                      0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
                                      0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
                                      0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
const uint8_t kSymmetricRssKey[40] = {0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
                                      0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
                                      0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
                                      0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a};

namespace {
using namespace toeplitz_detail;

constexpr uint64_t kGfniFeatures = kCpuGFNI | kCpuAVX512Core | kCpuAVX512VBMI;
constexpr uint64_t kGfniBatchFeatures = kGfniFeatures | kCpuAVX512VBMI2;
constexpr uint64_t kDpdkGfniFeatures = kCpuGFNI | kCpuAVX512Core | kCpuAVX512VBMI;
constexpr uint64_t kHwySse4 = kCpuSSSE3 | kCpuSSE42 | kCpuPCLMUL | kCpuAES;
constexpr uint64_t kHwyAvx2 = kHwySse4 | kCpuAVX | kCpuAVX2 | kCpuBMI2 | kCpuFMA;
constexpr uint64_t kHwyAvx3 = kHwyAvx2 | kCpuAVX512Core;
constexpr uint64_t kHwyAvx3Dl = kHwyAvx3 | kCpuAVX512VNNI | kCpuAVX512VBMI | kCpuAVX512VBMI2 | kCpuVPCLMULQDQ |
                                kCpuVAES | kCpuAVX512VPOPCNTDQ | kCpuAVX512BITALG;

std::vector<ToeplitzImpl> build() {
  RecordList<ToeplitzImpl> list("rss");
  constexpr auto impl = ImplKind::implementation;
  // One record: its ISA-independent fields, then its entry points.
  auto add = [&](const char* name, ImplKind kind, int rank, uint64_t required, const char* desc, unsigned width,
                 ToeplitzPrepareFn prep, ToeplitzHashFn h, ToeplitzBatchFn b, ToeplitzPtrsFn p,
                 std::string why = {}) -> ToeplitzImpl& {
    ToeplitzImpl& r = list.add(name, kind, rank, required, desc, std::move(why));
    r.batch_width = width;
    r.prepare = prep;
    r.hash = h;
    r.hash_batch = b;
    r.hash_ptrs = p;
    return r;
  };
  // A Highway record: target 0 is the dynamic dispatch.
  auto add_hwy = [&](const char* name, int64_t target, uint64_t req, int rank, const char* desc) {
    const HwyEntry e = hwy_entry(target);
    std::string why;
    if (!e.compiled)
      why = "Highway target not compiled into this build";
    else if (target != 0 && (hwy::SupportedTargets() & target) == 0 && cpu_has(req))
      why = "Highway does not enable this target on this CPU";
    const unsigned width = target == HWY_SSE4 ? 2 : target == HWY_AVX2 ? 4 : 8;
    add(name, impl, rank, req, desc, width, &clmul_prepare, e.compiled ? e.hash : nullptr,
        e.compiled ? e.batch : nullptr, e.compiled ? e.ptrs : nullptr, std::move(why));
  };
  add("reference", ImplKind::reference, 0, 0, "bit-serial Toeplitz: a 32-bit key window slid one bit per input bit", 1,
      &reference_prepare, &reference_hash, &batch_by_single<reference_hash>, &ptrs_by_single<reference_hash>);
  add("gfni-x16", impl, 0, kGfniBatchFeatures,
      "GF2P8AFFINEQB on 512-bit vectors, 16 tuples per step (transposed, funnel-shifted windows)", 16, &gfni_prepare,
      &gfni_hash, &gfni_x16_batch, &gfni_x16_ptrs);
  add("gfni-x8", impl, 1, kGfniBatchFeatures, "GF2P8AFFINEQB on 256-bit vectors, 8 tuples per step", 8,
      &gfni_prepare, &gfni_hash, &gfni_x8_batch, &gfni_x8_ptrs);
  add("gfni", impl, 2, kGfniFeatures,
      "GF2P8AFFINEQB, one tuple: VPERMB windows, 8 matrices per 512-bit step, XOR-reduced", 1, &gfni_prepare,
      &gfni_hash, &batch_by_single<gfni_hash>, &ptrs_by_single<gfni_hash>);
  add_hwy("hwy", 0, kHwySse4, 3, "Highway carry-less multiply, tuples across u64 lanes (dynamic dispatch)");
  add_hwy("hwy-avx3_dl", HWY_AVX3_DL, kHwyAvx3Dl, 4, "Highway CLMul on AVX3_DL (512-bit VPCLMULQDQ)");
  add_hwy("hwy-avx3", HWY_AVX3, kHwyAvx3, 6, "Highway CLMul on AVX3 (PCLMULQDQ per 128-bit block)");
  add_hwy("hwy-avx2", HWY_AVX2, kHwyAvx2, 7, "Highway CLMul on AVX2 (PCLMULQDQ per 128-bit block)");
  add_hwy("hwy-sse4", HWY_SSE4, kHwySse4, 8, "Highway CLMul on SSE4 (PCLMULQDQ)");
  add("clmul", impl, 5, kCpuSSSE3 | kCpuPCLMUL,
      "PCLMULQDQ: one 64x64 carry-less product per 4 input bytes against the reflected key", 1, &clmul_prepare,
      &clmul_hash, &batch_by_single<clmul_hash>, &ptrs_by_single<clmul_hash>);
  add("lut", impl, 9, 0, "per-byte-position lookup tables (52 x 256 x 32 bit) built from the key", 1, &lut_prepare,
      &lut_hash, &batch_by_single<lut_hash>, &ptrs_by_single<lut_hash>);

  const std::string no_dpdk = dpdk_unavailable_reason(dpdk_built_in());
  std::string no_gfni = no_dpdk;
  if (no_gfni.empty() && !dpdk_gfni_compiled()) no_gfni = "DPDK's GFNI inlines were not compiled (stub build)";
  add("dpdk-softrss", ImplKind::peer, 100, 0, "DPDK rte_softrss (bit-serial over host-order words; input converted)",
      1, &dpdk_prepare, &dpdk_softrss_hash, &batch_by_single<dpdk_softrss_hash>, &ptrs_by_single<dpdk_softrss_hash>,
      no_dpdk);
  add("dpdk-softrss-be", ImplKind::peer, 101, 0, "DPDK rte_softrss_be with a rte_convert_rss_key key", 1,
      &dpdk_prepare, &dpdk_softrss_be_hash, &batch_by_single<dpdk_softrss_be_hash>,
      &ptrs_by_single<dpdk_softrss_be_hash>, no_dpdk);
  add("dpdk-gfni", ImplKind::peer, 102, kDpdkGfniFeatures, "DPDK rte_thash_gfni, one tuple", 1, &dpdk_prepare,
      &dpdk_gfni_hash, &batch_by_single<dpdk_gfni_hash>, &ptrs_by_single<dpdk_gfni_hash>, no_gfni);
  add("dpdk-gfni-bulk", ImplKind::peer, 103, kDpdkGfniFeatures,
      "DPDK rte_thash_gfni_bulk, two tuples per pass over pointer arrays", 2, &dpdk_prepare, &dpdk_gfni_hash,
      &dpdk_gfni_bulk_batch, &dpdk_gfni_bulk_ptrs, no_gfni);
  return std::move(list).ordered();
}

}  // namespace

const std::vector<ToeplitzImpl>& toeplitz_impls() {
  static const std::vector<ToeplitzImpl> v = build();
  return v;
}
const ToeplitzImpl& reference_toeplitz() { return toeplitz_impls().front(); }
const ToeplitzImpl& best_toeplitz() {
  static const ToeplitzImpl* best = best_impl(toeplitz_impls());
  return *best;
}
const ToeplitzImpl* find_toeplitz(std::string_view name) { return find_impl(toeplitz_impls(), name); }

uint32_t toeplitz_hash_reference(const uint8_t* key, size_t key_len, const uint8_t* input, size_t len) {
  uint8_t k[kToeplitzKeyStorage] = {};
  std::memcpy(k, key, key_len < kToeplitzMaxKey ? key_len : kToeplitzMaxKey);
  return reference_hash_key64(k, input, len);
}

bool parse_toeplitz_key(std::string_view hex, std::vector<uint8_t>* key, std::string* error) {
  key->clear();
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  int nibble = -1;
  for (char ch : hex) {
    if (ch == ':' || ch == '-' || ch == ' ' || ch == '_') {
      if (nibble >= 0) {
        *error = "RSS key: separator inside a byte (give two hex digits per byte)";
        return false;
      }
      continue;
    }
    int v;
    if (ch >= '0' && ch <= '9') v = ch - '0';
    else if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
    else {
      *error = std::string("RSS key: '") + ch + "' is not a hex digit";
      return false;
    }
    if (nibble < 0) {
      nibble = v;
    } else {
      key->push_back(static_cast<uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  if (nibble >= 0) {
    *error = "RSS key: odd number of hex digits";
    return false;
  }
  if (key->empty() || key->size() > kToeplitzMaxKey) {
    *error = "RSS key: " + std::to_string(key->size()) + " bytes; 1.." + std::to_string(kToeplitzMaxKey) +
             " bytes are accepted (40 is the NDIS size)";
    return false;
  }
  return true;
}

}  // namespace eb
