// Fuzz target: differential test of every internet_checksum implementation this CPU supports
// against the `reference` record, on fuzzer-chosen lengths, alignments and initial values.
//
// Input: [src align][dst align][initial: 4 bytes][mode][length: 2 bytes] then the data. mode bit 0
// set: the data is repeated up to `length` bytes (long inputs and all-ones carry storms from a
// short fuzz input); clear: the data is used as is. mode bit 1: the source ends exactly at a
// PROT_NONE page (a fault on any overread, even by uninstrumented code such as the DPDK peer)
// instead of at the end of an exact-size heap block (a sanitizer report on any overread).
// Checked: fold16(sum) equals the reference's, for the initial value given and for 0;
// copy_and_sum returns the same sum, copies exactly n bytes, and writes nothing before dst or
// after dst + n.
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "kernels/checksum/checksum.h"
#include "testing/guard_page.h"

namespace {
constexpr size_t kMaxLen = 65536 + 64;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eb;
  static test::GuardedArena arena(kMaxLen + 64);
  fuzz::Reader rd(data, size);
  const size_t src_align = rd.u8() % 64, dst_align = rd.u8() % 64;
  const uint32_t initial = rd.u32();
  const uint8_t mode = rd.u8();
  const size_t want = rd.u16() + ((mode & 4) ? 1u : 0u);  // up to 65536
  size_t n = rd.remaining();
  std::vector<uint8_t> bytes(rd.rest(), rd.rest() + n);
  if ((mode & 1) && n > 0) {
    bytes.resize(want);
    for (size_t i = n; i < want; ++i) bytes[i] = bytes[i % n];
    n = want;
  }
  if (n > 65536) return 0;

  fuzz::ExactBuffer heap_src(n, src_align);
  uint8_t* src;
  if (mode & 2) {
    size_t slack = 0;
    src = arena.span_aligned(n, src_align, &slack);
    if (!(mode & 8)) src = arena.span(n);  // zero slack: ends exactly at the guard page
  } else {
    src = heap_src.data();
  }
  if (n) std::memcpy(src, bytes.data(), n);

  const ChecksumImpl& ref = reference_checksum();
  const uint16_t want_init = fold16(ref.sum(src, n, initial));
  const uint16_t want_zero = fold16(ref.sum(src, n, 0));
  FUZZ_CHECK(want_init == fold16(ones_complement_sum_simple(bytes.data(), n, initial)),
             "reference record differs from ones_complement_sum_simple, n=%zu", n);

  for (const ChecksumImpl& impl : checksum_impls()) {
    if (!impl.internet_checksum || !impl.info.supported()) continue;
    const char* name = impl.info.name.c_str();
    if (impl.sum) {
      const uint16_t got = fold16(impl.sum(src, n, initial));
      FUZZ_CHECK(got == want_init, "%s: sum n=%zu align=%zu initial=%08x: %04x, reference %04x", name, n, src_align, initial,
                 got, want_init);
      const uint16_t got0 = fold16(impl.sum(src, n, 0));
      FUZZ_CHECK(got0 == want_zero, "%s: sum n=%zu align=%zu initial=0: %04x, reference %04x", name, n, src_align, got0,
                 want_zero);
    }
    if (impl.copy_and_sum) {
      fuzz::ExactBuffer dst(n, dst_align, 0x5A);
      if (n) std::memset(dst.data(), 0xC3, n);
      const uint16_t got = fold16(impl.copy_and_sum(dst.data(), src, n, initial));
      FUZZ_CHECK(got == want_init, "%s: copy_and_sum n=%zu src align=%zu dst align=%zu: %04x, reference %04x", name, n,
                 src_align, dst_align, got, want_init);
      FUZZ_CHECK(n == 0 || std::memcmp(dst.data(), bytes.data(), n) == 0, "%s: copy_and_sum n=%zu copied wrong bytes", name,
                 n);
      FUZZ_CHECK(dst.front_intact(), "%s: copy_and_sum n=%zu wrote before dst", name, n);
    }
  }
  FUZZ_CHECK(n == 0 || std::memcmp(src, bytes.data(), n) == 0, "an implementation wrote into its source");
  return 0;
}
