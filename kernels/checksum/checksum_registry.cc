// The checksum family's registry: one record per implementation, entry points resolved once
// when the table is built (no per-call dispatch anywhere).
#include <hwy/targets.h>

#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/checksum/csum_internal.h"
#include "kernels/checksum/onepass.h"

namespace eb {

namespace {

using namespace eb::csum;

#ifdef EB_HAVE_DPDK
inline uint32_t from_dpdk(uint16_t native, uint32_t initial) {
  // rte_raw_cksum sums native (little-endian) words: swap into the big-endian convention.
  return csum_add(initial, static_cast<uint16_t>((native << 8) | (native >> 8)));
}
uint32_t sum_dpdk_raw(const uint8_t* p, size_t n, uint32_t initial) {
  return from_dpdk(eb_dpdk_raw_cksum(p, n), initial);
}
uint32_t sum_dpdk_raw_ourflags(const uint8_t* p, size_t n, uint32_t initial) {
  return from_dpdk(eb_dpdk_raw_cksum_ourflags(p, n), initial);
}
#endif

ChecksumImpl make(const char* name, ImplKind kind, int rank, uint64_t required, const char* description,
                  uint32_t (*sum)(const uint8_t*, size_t, uint32_t),
                  uint32_t (*copy)(uint8_t*, const uint8_t*, size_t, uint32_t) = nullptr) {
  ChecksumImpl r;
  r.info.family = "checksum";
  r.info.name = name;
  r.info.kind = kind;
  r.info.required = required;
  r.info.description = description;
  r.preferred_rank = rank;
  r.sum = sum;
  r.copy_and_sum = copy;
  return r;
}

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
  std::vector<ChecksumImpl> v;
  v.push_back(make("reference", ImplKind::reference, 1000, 0,
                   "RFC 1071 big-endian word loop, compiled without auto-vectorisation (the oracle)",
                   sum_reference));
  v.push_back(make("avx512", ImplKind::implementation, 10, kAvx512Vnni,
                   "AVX-512 VNNI: 0x8000 bias + vpdpwssd into 32-bit lanes, 4x64B unrolled, masked tail; "
                   "scalar below 192 B",
                   sum_avx512));
  v.push_back(make("avx512bw", ImplKind::implementation, 20, kAvx512Bw,
                   "AVX-512BW: 0x8000 bias + vpmaddwd/vpaddd, 4x64B unrolled, masked tail; scalar below 192 B",
                   sum_avx512bw));
  // No plain `avx2` record: the hand-written AVX2 sum did not beat Highway's AVX2 target
  // (hwy-avx2) at 1500 or 65536 bytes; it remains as the sum of fused-avx2, whose fused copy
  // Highway has no twin for.
  v.push_back(make("adc64x2", ImplKind::implementation, 80, 0,
                   "64-bit add-with-carry, two chains (Linux csum_partial design)", sum_adc64x2));
  v.push_back(make("adc64", ImplKind::implementation, 90, 0, "64-bit add-with-carry, one chain", sum_adc64));

  // Highway: the dispatched entry and one record per compiled target.
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
  std::vector<ChecksumImpl> hwy_rows;
  for (const auto& r : rows) {
    std::string desc = std::string("Highway ") + hwy::TargetName(r.bit) +
                       " target called directly: 0x8000 bias + ReorderWidenMulAccumulate";
    ChecksumImpl rec = make(r.name, ImplKind::implementation, r.rank, r.required, desc.c_str(), r.fn);
    if (!r.fn)
      rec.info.unavailable_reason = "target not compiled by this Highway build";
    else if (cpu_has(r.required) && !(ht.supported & r.bit))
      rec.info.unavailable_reason = "Highway reports the target unsupported on this CPU";
    hwy_rows.push_back(rec);
  }
  // `hwy`: what HWY_DYNAMIC_DISPATCH calls on this CPU, resolved once. If EB_CPU_MASK hides
  // features Highway cannot know about, take the best per-target row that is still supported.
  {
    ChecksumImpl rec = make("hwy", ImplKind::implementation, 50, 0, "", ht.dispatched);
    const ChecksumImpl* dispatched_row = nullptr;
    const ChecksumImpl* first_supported = nullptr;
    for (size_t i = 0; i < hwy_rows.size(); ++i) {
      if (rows[i].bit == ht.dispatched_bit) dispatched_row = &hwy_rows[i];
      if (!first_supported && hwy_rows[i].info.supported()) first_supported = &hwy_rows[i];
    }
    if (dispatched_row && dispatched_row->info.supported()) {
      rec.info.required = dispatched_row->info.required;
      rec.info.description = std::string("Highway dynamic dispatch (chose ") + ht.dispatched_name + "), resolved once";
    } else if (first_supported) {
      rec.sum = first_supported->sum;
      rec.info.required = first_supported->info.required;
      rec.info.description = "Highway dispatch restricted by EB_CPU_MASK to " + first_supported->info.name;
    } else {
      rec.info.unavailable_reason = "no Highway target is usable";
    }
    v.push_back(rec);
  }
  for (auto& r : hwy_rows) v.push_back(r);

  // One-pass packet kernels (onepass.h): every checksum of a packet whose headers fit 256 bytes
  // from one load of that region. `sum` is the kernel they continue the payload with, so the
  // records are also plain sum kernels; the per-header path of that kernel stays its own row.
  // Ranked below their per-header twins: on the Zen 5 VM they were measured (checksum-tx/rx)
  // no faster than avx512's per-header path, so dispatch keeps that one (kernels/checksum/README.md).
  {
    ChecksumImpl rec = make("onepass-avx512", ImplKind::implementation, 15, kAvx512Vnni,
                            "AVX-512 one-pass packet checksums: the header region (<= 256 B) in masked zmm loads, "
                            "one masked vpmaddwd per checksum and register, payload by avx512",
                            sum_avx512);
    rec.fill_packet = fill_onepass_avx512;
    rec.verify_packet = verify_onepass_avx512;
    v.push_back(rec);
  }
  {
    const ChecksumImpl& hwy = v[v.size() - hwy_rows.size() - 1];  // the `hwy` record above
    ChecksumImpl rec = make("onepass-hwy", ImplKind::implementation, 55, hwy.info.required,
                            "Highway one-pass packet checksums (dynamic dispatch): the header region in "
                            "vectors, one dword-lane mask per checksum, payload by hwy",
                            hwy.sum);
    rec.info.unavailable_reason = hwy.info.unavailable_reason;
    rec.fill_packet = fill_onepass_hwy;
    rec.verify_packet = verify_onepass_hwy;
    v.push_back(rec);
  }

  // Fused copy + sum: the same kernels with a store per load (segmentation's copy).
  v.push_back(make("fused-avx512", ImplKind::implementation, 110, kAvx512Vnni,
                   "AVX-512 VNNI copy and checksum in one pass (masked tail load and store)", sum_avx512,
                   copy_sum_avx512));
  v.push_back(make("fused-avx512bw", ImplKind::implementation, 120, kAvx512Bw,
                   "AVX-512BW copy and checksum in one pass", sum_avx512bw, copy_sum_avx512bw));
  v.push_back(make("fused-avx2", ImplKind::implementation, 140, kAvx2,
                   "AVX2 copy and checksum in one pass (0x8000 bias + vpmaddwd/vpaddd, scalar tail)",
                   sum_avx2, copy_sum_avx2));
  v.push_back(make("fused-adc64x2", ImplKind::implementation, 180, 0,
                   "scalar copy and 64-bit add-with-carry in one pass", sum_adc64x2, copy_sum_adc64x2));

  // Peers.
#ifdef EB_HAVE_DPDK
  v.push_back(make("dpdk-raw", ImplKind::peer, 500, 0,
                   "DPDK rte_raw_cksum compiled with pkg-config libdpdk cflags (-march=corei7)", sum_dpdk_raw));
  v.push_back(make("dpdk-raw-ourflags", ImplKind::peer, 501, 0,
                   "DPDK rte_raw_cksum source compiled with encapbench's flags", sum_dpdk_raw_ourflags));
#else
  for (const char* name : {"dpdk-raw", "dpdk-raw-ourflags"}) {
    ChecksumImpl rec = make(name, ImplKind::peer, 500, 0, "DPDK rte_raw_cksum", nullptr);
    rec.info.unavailable_reason = "built without DPDK";
    v.push_back(rec);
  }
#endif
  {
    ChecksumImpl crc = make("isal-crc32", ImplKind::peer, 600, 0,
                            "ISA-L crc32_gzip_refl (CRC-32, a different function: bandwidth baseline)",
                            sum_isal_crc32);
    crc.internet_checksum = false;
    v.push_back(crc);
    ChecksumImpl crcc = make("isal-crc32c", ImplKind::peer, 601, 0,
                             "ISA-L crc32_iscsi (CRC-32C, a different function: bandwidth baseline)",
                             sum_isal_crc32c);
    crcc.internet_checksum = false;
    v.push_back(crcc);
  }
  return v;
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
    const ChecksumImpl* b = nullptr;
    for (const auto& r : checksum_impls())
      if (r.copy_and_sum && r.info.kind == ImplKind::implementation && r.info.supported() &&
          (!b || r.preferred_rank < b->preferred_rank))
        b = &r;
    return *b;  // fused-adc64x2 needs nothing, so there is always one
  }();
  return best;
}

const ChecksumImpl& reference_checksum() {
  static const ChecksumImpl& ref = *find_impl(checksum_impls(), "reference");
  return ref;
}

const ChecksumImpl* find_checksum(std::string_view name) { return find_impl(checksum_impls(), name); }

}  // namespace eb
