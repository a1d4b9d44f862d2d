// The checksum family's registry: one record per implementation, entry points resolved once
// when the table is built (no per-call dispatch anywhere).
#include <hwy/targets.h>

#include <string>

#include "kernels/checksum/checksum.h"
#include "kernels/checksum/csum_internal.h"
#include "kernels/common/arch.h"
#include "kernels/checksum/onepass.h"

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

#if EB_ARCH_X86_64
constexpr uint64_t kAvx512Vnni = kCpuAVX512Core | kCpuAVX512VNNI | kCpuBMI2;
constexpr uint64_t kAvx512Bw = kCpuAVX512Core | kCpuBMI2;
constexpr uint64_t kAvx2 = kCpuAVX | kCpuAVX2 | kCpuBMI2;
#endif

void set_packet_kernels(ChecksumImpl& r, const PacketKernels& k) {
  r.fill_packet = k.fill;
  r.verify_packet = k.verify;
  r.fill_batch = k.fill_batch;
  r.verify_batch = k.verify_batch;
}

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
#if EB_ARCH_X86_64
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
#endif
#if EB_ARCH_AARCH64
  add("neon", impl, 30, kCpuASIMD,
      "NEON UADALP: pairwise widening add of 16-bit words into 32-bit lanes, 4x16B per LD1, folded to 64-bit lanes "
      "every 1 MiB; scalar below 64 B",
      sum_neon);
  // At 128 bits SVE loads and sums the same 16 bytes per instruction as NEON, so `sve` ranks
  // below `neon` there and above it on longer vectors (kernels/checksum/README.md).
  add("sve", impl, cpu_info().sve_vector_bytes > 16 ? 25 : 35, kCpuSVE,
      "SVE UDOT (16-bit words x ones into 64-bit lanes), vector-length agnostic, 4 vectors per step, "
      "WHILELT-predicated tail (no byte past the end is read); scalar below 64 B",
      sum_sve);
#endif
  add("adc64x2", impl, 80, 0, "64-bit add-with-carry, two chains (Linux csum_partial design)", sum_adc64x2);
  add("adc64", impl, 90, 0, "64-bit add-with-carry, one chain", sum_adc64);

  // Highway: the dispatched entry and one record per compiled target (hwy_rows.h).
  const auto entries = hwy_sum_targets();
  ChecksumImpl hwy;  // a copy of the `hwy` record, for onepass-hwy below
  {
    const auto* chosen = hwy_dispatched(entries);
    ChecksumImpl& rec = add("hwy", impl, 50, 0, "Highway dynamic dispatch, resolved once", chosen ? chosen->fn : nullptr);
    if (chosen) {
      rec.info.required = hwy_target_required(chosen->target);
      rec.info.description = "Highway dynamic dispatch (chose " + chosen->name + "), resolved once";
    } else {
      rec.info.unavailable_reason = "no compiled Highway target is usable on this CPU";
    }
    hwy = rec;
  }

  // One-pass packet kernels (onepass.h): every checksum of a packet whose headers fit 256 bytes
  // from one load of that region. `sum` is the kernel they continue the payload with, so the
  // records are also plain sum kernels; the per-header path of that kernel stays its own row.
  // Ranked below their per-header twins: on the Zen 5 VM they were measured (checksum-tx/rx)
  // faster only for IPv4 in IPv4 and slower for IPv6 and long regions, so dispatch keeps the
  // per-header path (kernels/checksum/README.md).
#if EB_ARCH_X86_64
  {
    ChecksumImpl& rec = add("onepass-avx512", impl, 17, kAvx512Vnni,
                            "AVX-512 one-pass packet checksums: the header region (<= 256 B) in masked zmm loads, "
                            "one masked vpmaddwd per checksum and register, payload by avx512",
                            sum_avx512);
    set_packet_kernels(rec, {fill_onepass_avx512, verify_onepass_avx512});
  }
#endif
  {
    // Runs where `hwy` runs (its sum continues the payload; its dispatch picks the target).
    ChecksumImpl& rec = add("onepass-hwy", impl, 55, hwy.info.required,
                            "Highway one-pass packet checksums (dynamic dispatch): the header region in "
                            "vectors, one dword-lane mask per checksum, payload by hwy",
                            hwy.sum);
    rec.info.unavailable_reason = hwy.info.unavailable_reason;
    set_packet_kernels(rec, {fill_onepass_hwy, verify_onepass_hwy});
  }
  // Inline per-packet kernels (csum_inline.cc): the short ranges of a packet summed in line from
  // the parse's offsets (no call per header), long ranges by a bulk kernel. Ranked after the sum
  // kernels (best_checksum() is the best *sum*), first among the per-packet kernels
  // (best_packet_checksum(): measured faster than onepass-* and the per-header path per packet,
  // kernels/checksum/README.md).
#if EB_ARCH_X86_64
  {
    ChecksumImpl& rec = add("inline-avx512", impl, 16, kAvx512Vnni,
                            "inline per-packet checksums, AVX-512: IPv4 headers and pseudo-header summed in line "
                            "with 64-bit carries from the parse's offsets, ranges below 256 B in one to four "
                            "zero-masked 64-byte loads (vpmaddwd), longer ranges by avx512",
                            sum_avx512);
    set_packet_kernels(rec, kInlineAvx512Kernels);
  }
#endif
  {
    // Rank 54: below hwy (50), so best_checksum() stays the best sum kernel; first among the
    // per-packet kernels where AVX-512 is missing (best_packet_checksum).
    ChecksumImpl& rec = add("inline", impl, 54, 0,
                            "inline per-packet checksums, portable: IPv4 headers, pseudo-header and ranges below "
                            "192 B summed in line with 64-bit carries; longer ranges by the best per-header sum "
                            "kernel this CPU runs",
                            sum_best);
    set_packet_kernels(rec, kInlinePortableKernels);
  }
  int rank = 61;
  for (const auto& e : entries)
    add(hwy_row_name(e.target).c_str(), impl, rank++, hwy_target_required(e.target),
        "Highway " + e.name + " target called directly: 0x8000 bias + ReorderWidenMulAccumulate", e.fn)
        .info.unavailable_reason = hwy_target_unavailable(e.target);

  // Fused copy + sum: the same kernels with a store per load (segmentation's copy).
#if EB_ARCH_X86_64
  add("fused-avx512", impl, 110, kAvx512Vnni, "AVX-512 VNNI copy and checksum in one pass (masked tail load and store)",
      sum_avx512, copy_sum_avx512);
  add("fused-avx512bw", impl, 120, kAvx512Bw, "AVX-512BW copy and checksum in one pass", sum_avx512bw,
      copy_sum_avx512bw);
  add("fused-avx2", impl, 140, kAvx2,
      "AVX2 copy and checksum in one pass (0x8000 bias + vpmaddwd/vpaddd, scalar tail)", sum_avx2, copy_sum_avx2);
#endif
#if EB_ARCH_AARCH64
  add("fused-neon", impl, 130, kCpuASIMD, "NEON copy and checksum in one pass (LD1/ST1 4x16B + UADALP)", sum_neon,
      copy_sum_neon);
#endif
  add("fused-adc64x2", impl, 180, 0, "scalar copy and 64-bit add-with-carry in one pass", sum_adc64x2,
      copy_sum_adc64x2);

  // Peers.
  add("dpdk-raw", ImplKind::peer, 500, 0,
      std::string("DPDK rte_raw_cksum compiled with pkg-config libdpdk cflags (") +
          (EB_ARCH_X86_64 ? "-march=corei7" : EB_ARCH_AARCH64 ? "-march=armv8-a+crc" : "DPDK's -march") + ")",
      sum_dpdk_raw)
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

const ChecksumImpl& best_packet_checksum() {
  static const ChecksumImpl& best = []() -> const ChecksumImpl& {
    for (const auto& r : checksum_impls())  // best first
      if (r.fill_packet && r.info.kind == ImplKind::implementation && r.info.supported()) return r;
    return best_checksum();
  }();
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
