// The checksum family's registry: one record per implementation, entry points resolved once
// when the table is built (no per-call dispatch anywhere).
#include <hwy/targets.h>

#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/checksum/csum_internal.h"

namespace eb {

namespace {

using namespace eb::csum;

#ifdef EB_HAVE_DPDK
constexpr bool kDpdkBuiltIn = true;
inline uint32_t from_dpdk(uint16_t native, uint32_t initial) {
  // rte_raw_cksum sums native (little-endian) words: swap into the big-endian convention.
  return csum_add(initial, bswap16(native));
}
uint32_t sum_dpdk_raw(const uint8_t* p, size_t n, uint32_t initial) {
  return from_dpdk(eb_dpdk_raw_cksum(p, n), initial);
}
uint32_t sum_dpdk_raw_ourflags(const uint8_t* p, size_t n, uint32_t initial) {
  return from_dpdk(eb_dpdk_raw_cksum_ourflags(p, n), initial);
}
#else
constexpr bool kDpdkBuiltIn = false;
constexpr SumFn sum_dpdk_raw = nullptr, sum_dpdk_raw_ourflags = nullptr;
#endif

constexpr uint64_t kAvx512Vnni = kCpuAVX512Core | kCpuAVX512VNNI | kCpuBMI2;
constexpr uint64_t kAvx512Bw = kCpuAVX512Core | kCpuBMI2;
constexpr uint64_t kAvx2 = kCpuAVX | kCpuAVX2 | kCpuBMI2;
// What Highway 1.0.3 checks for each x86 target (hwy/targets.cc), in our feature bits.
constexpr uint64_t kHwySse4 = kCpuSSSE3 | kCpuSSE42 | kCpuPCLMUL | kCpuAES;
constexpr uint64_t kHwyAvx2 = kHwySse4 | kCpuAVX | kCpuAVX2 | kCpuBMI2 | kCpuFMA;
constexpr uint64_t kHwyAvx3 = kHwyAvx2 | kCpuAVX512Core;
constexpr uint64_t kHwyAvx3Dl = kHwyAvx3 | kCpuAVX512VNNI | kCpuVPCLMULQDQ | kCpuAVX512VBMI | kCpuAVX512VBMI2 |
                                kCpuVAES | kCpuAVX512BITALG | kCpuAVX512VPOPCNTDQ | kCpuGFNI;

std::vector<ChecksumImpl> make_registry() {
  RecordList<ChecksumImpl> list("checksum");
  constexpr auto impl = ImplKind::implementation;
  auto add = [&](const char* name, ImplKind kind, int rank, uint64_t required, std::string description, SumFn sum,
                 CopySumFn copy = nullptr) -> ChecksumImpl& {
    ChecksumImpl& r = list.add(name, kind, rank, required, std::move(description));
    r.sum = sum;
    r.copy_and_sum = copy;
    return r;
  };
  add("reference", ImplKind::reference, 0, 0,
      "RFC 1071 big-endian word loop, compiled without auto-vectorisation (the oracle)", sum_reference);
  add("avx512", impl, 10, kAvx512Vnni,
      "AVX-512 VNNI: 0x8000 bias + vpdpwssd into 32-bit lanes, 4x64B unrolled, masked tail; scalar below 192 B",
      sum_avx512);
  add("avx512-aligned", impl, 15, kCsumAlignedAvx512Cpu,
      "AVX-512 VNNI over 64-byte-ALIGNED blocks only, masked at both ends: no load split across cache "
      "lines wherever the range starts (the segment family's zero-copy sum)",
      sum_avx512_aligned);
  add("avx512bw", impl, 20, kAvx512Bw,
      "AVX-512BW: 0x8000 bias + vpmaddwd/vpaddd, 4x64B unrolled, masked tail; scalar below 192 B", sum_avx512bw);
  // No plain `avx2` record: the hand-written AVX2 sum did not beat Highway's AVX2 target
  // (hwy-avx2) at 1500 or 65536 bytes; it remains as the sum of fused-avx2, whose fused copy
  // Highway has no twin for.
  add("adc64x2", impl, 80, 0, "64-bit add-with-carry, two chains (Linux csum_partial design)", sum_adc64x2);
  add("adc64", impl, 90, 0, "64-bit add-with-carry, one chain", sum_adc64);

  // Highway: one record per compiled target, and the dispatched entry.
  const HwyTargets ht = hwy_targets();
  struct HwyRow {
    const char* name;
    SumFn fn;
    int64_t bit;
    uint64_t required;
    int rank;
  };
  const HwyRow rows[] = {
      {"hwy-avx3_dl", ht.avx3_dl, hwy_bit_avx3_dl(), kHwyAvx3Dl, 61},
      {"hwy-avx3", ht.avx3, hwy_bit_avx3(), kHwyAvx3, 62},
      {"hwy-avx2", ht.avx2, hwy_bit_avx2(), kHwyAvx2, 63},
      {"hwy-sse4", ht.sse4, hwy_bit_sse4(), kHwySse4, 64},
  };
  const HwyRow* dispatched_row = nullptr;  // the row HWY_DYNAMIC_DISPATCH chose, if usable
  const HwyRow* first_supported = nullptr;
  for (const auto& r : rows) {
    ChecksumImpl& rec = add(r.name, impl, r.rank, r.required,
                            std::string("Highway ") + hwy::TargetName(r.bit) +
                                " target called directly: 0x8000 bias + ReorderWidenMulAccumulate",
                            r.fn);
    if (!r.fn)
      rec.info.unavailable_reason = "target not compiled by this Highway build";
    else if (cpu_has(r.required) && !(ht.supported & r.bit))
      rec.info.unavailable_reason = "Highway reports the target unsupported on this CPU";
    if (!rec.info.supported()) continue;
    if (r.bit == ht.dispatched_bit) dispatched_row = &r;
    if (!first_supported) first_supported = &r;
  }
  // `hwy`: what HWY_DYNAMIC_DISPATCH calls on this CPU, resolved once. If EB_CPU_MASK hides
  // features Highway cannot know about, take the best per-target row that is still supported.
  {
    ChecksumImpl& rec = add("hwy", impl, 50, 0, "", ht.dispatched);
    if (dispatched_row) {
      rec.info.required = dispatched_row->required;
      rec.info.description = std::string("Highway dynamic dispatch (chose ") + ht.dispatched_name + "), resolved once";
    } else if (first_supported) {
      rec.sum = first_supported->fn;
      rec.info.required = first_supported->required;
      rec.info.description = std::string("Highway dispatch restricted by EB_CPU_MASK to ") + first_supported->name;
    } else {
      rec.info.unavailable_reason = "no Highway target is usable";
    }
  }

  // Fused copy + sum: the same kernels with a store per load (segmentation's copy).
  add("fused-avx512", impl, 110, kAvx512Vnni, "AVX-512 VNNI copy and checksum in one pass (masked tail load and store)",
      sum_avx512, copy_sum_avx512);
  add("fused-avx512bw", impl, 120, kAvx512Bw, "AVX-512BW copy and checksum in one pass", sum_avx512bw,
      copy_sum_avx512bw);
  add("fused-avx2", impl, 140, kAvx2,
      "AVX2 copy and checksum in one pass (0x8000 bias + vpmaddwd/vpaddd, scalar tail)", sum_avx2, copy_sum_avx2);
  add("fused-adc64x2", impl, 180, 0, "scalar copy and 64-bit add-with-carry in one pass", sum_adc64x2,
      copy_sum_adc64x2);

  // Peers.
  add("dpdk-raw", ImplKind::peer, 500, 0,
      "DPDK rte_raw_cksum compiled with pkg-config libdpdk cflags (-march=corei7)", sum_dpdk_raw)
      .info.unavailable_reason = dpdk_unavailable_reason(kDpdkBuiltIn);
  add("dpdk-raw-ourflags", ImplKind::peer, 501, 0, "DPDK rte_raw_cksum source compiled with encapbench's flags",
      sum_dpdk_raw_ourflags)
      .info.unavailable_reason = dpdk_unavailable_reason(kDpdkBuiltIn);
  add("isal-crc32", ImplKind::peer, 600, 0,
      "ISA-L crc32_gzip_refl (CRC-32, a different function: bandwidth baseline)", sum_isal_crc32)
      .internet_checksum = false;
  add("isal-crc32c", ImplKind::peer, 601, 0,
      "ISA-L crc32_iscsi (CRC-32C, a different function: bandwidth baseline)", sum_isal_crc32c)
      .internet_checksum = false;
  return std::move(list).ordered();
}

}  // namespace

const std::vector<ChecksumImpl>& checksum_impls() {
  static const std::vector<ChecksumImpl> impls = make_registry();
  return impls;
}

const ChecksumImpl& best_checksum() {
  static const ChecksumImpl& best = *best_impl(checksum_impls());
  return best;
}

const ChecksumImpl& best_fused_checksum() {
  static const ChecksumImpl& best = [] () -> const ChecksumImpl& {
    for (const auto& r : checksum_impls())  // best first
      if (r.copy_and_sum && r.info.kind == ImplKind::implementation && r.info.supported()) return r;
    return *find_checksum("fused-adc64x2");  // needs nothing, so it is always supported
  }();
  return best;
}

const ChecksumImpl& reference_checksum() {
  static const ChecksumImpl& ref = *find_impl(checksum_impls(), "reference");
  return ref;
}

const ChecksumImpl* find_checksum(std::string_view name) { return find_impl(checksum_impls(), name); }

}  // namespace eb
