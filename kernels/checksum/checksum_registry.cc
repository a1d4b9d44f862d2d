// The checksum family's registry: one record per implementation, entry points resolved once
// when the table is built (no per-call dispatch anywhere).
#include <hwy/targets.h>

#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/checksum/csum_internal.h"
#include "kernels/common/arch.h"

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

#if EB_ARCH_X86_64
constexpr uint64_t kAvx512Vnni = kCpuAVX512Core | kCpuAVX512VNNI | kCpuBMI2;
constexpr uint64_t kAvx512Bw = kCpuAVX512Core | kCpuBMI2;
constexpr uint64_t kAvx2 = kCpuAVX | kCpuAVX2 | kCpuBMI2;
#endif

std::vector<ChecksumImpl> make_registry() {
  std::vector<ChecksumImpl> v;
  v.push_back(make("reference", ImplKind::reference, 1000, 0,
                   "RFC 1071 big-endian word loop, compiled without auto-vectorisation (the oracle)",
                   sum_reference));
#if EB_ARCH_X86_64
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
#endif
#if EB_ARCH_AARCH64
  v.push_back(make("neon", ImplKind::implementation, 30, kCpuASIMD,
                   "NEON UADALP: pairwise widening add of 16-bit words into 32-bit lanes, 4x16B per LD1, "
                   "folded to 64-bit lanes every 1 MiB; scalar below 64 B",
                   sum_neon));
#endif
  v.push_back(make("adc64x2", ImplKind::implementation, 80, 0,
                   "64-bit add-with-carry, two chains (Linux csum_partial design)", sum_adc64x2));
  v.push_back(make("adc64", ImplKind::implementation, 90, 0, "64-bit add-with-carry, one chain", sum_adc64));

  // Highway: the dispatched entry and one record per compiled target (hwy_rows.h).
  const auto entries = hwy_sum_targets();
  {
    const auto* chosen = hwy_dispatched(entries);
    ChecksumImpl rec = make("hwy", ImplKind::implementation, 50, 0, "Highway dynamic dispatch, resolved once",
                            chosen ? chosen->fn : nullptr);
    if (chosen) {
      rec.info.required = hwy_target_required(chosen->target);
      rec.info.description = "Highway dynamic dispatch (chose " + chosen->name + "), resolved once";
    } else {
      rec.info.unavailable_reason = "no compiled Highway target is usable on this CPU";
    }
    v.push_back(rec);
  }
  int rank = 61;
  for (const auto& e : entries) {
    const std::string desc = "Highway " + e.name + " target called directly: 0x8000 bias + ReorderWidenMulAccumulate";
    ChecksumImpl rec = make(hwy_row_name(e.target).c_str(), ImplKind::implementation, rank++,
                            hwy_target_required(e.target), desc.c_str(), e.fn);
    rec.info.unavailable_reason = hwy_target_unavailable(e.target);
    v.push_back(rec);
  }

  // Fused copy + sum: the same kernels with a store per load (segmentation's copy).
#if EB_ARCH_X86_64
  v.push_back(make("fused-avx512", ImplKind::implementation, 110, kAvx512Vnni,
                   "AVX-512 VNNI copy and checksum in one pass (masked tail load and store)", sum_avx512,
                   copy_sum_avx512));
  v.push_back(make("fused-avx512bw", ImplKind::implementation, 120, kAvx512Bw,
                   "AVX-512BW copy and checksum in one pass", sum_avx512bw, copy_sum_avx512bw));
  v.push_back(make("fused-avx2", ImplKind::implementation, 140, kAvx2,
                   "AVX2 copy and checksum in one pass (0x8000 bias + vpmaddwd/vpaddd, scalar tail)",
                   sum_avx2, copy_sum_avx2));
#endif
#if EB_ARCH_AARCH64
  v.push_back(make("fused-neon", ImplKind::implementation, 130, kCpuASIMD,
                   "NEON copy and checksum in one pass (LD1/ST1 4x16B + UADALP)", sum_neon, copy_sum_neon));
#endif
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
