// Every checksum kernel against the RFC 1071 reference (and against arithmetic facts that do not
// depend on our code): known vectors, every length 0..4096 at every start alignment 0..63,
// buffers that end at a PROT_NONE page, carry edge cases, random data and initial values, the
// fused copy, partial-sum combination, and RFC 1624 incremental updates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kernels/checksum/checksum.h"
#include "kernels/common/arch.h"
#include "kernels/common/hwy_rows.h"
#include "kernels/common/ones_complement.h"
#include "kernels/limit/limit.h"
#include "testing/guard_page.h"

namespace eb {
namespace {

constexpr size_t kMaxLen = 4096;

std::vector<std::string> impl_names(bool internet_only, bool fused_only = false) {
  std::vector<std::string> v;
  for (const auto& r : checksum_impls()) {
    if (internet_only && !r.internet_checksum) continue;
    if (fused_only && !r.copy_and_sum) continue;
    v.push_back(r.info.name);
  }
  return v;
}

std::string param_name(const testing::TestParamInfo<std::string>& i) {
  std::string s = i.param;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

uint16_t ref_fold(const uint8_t* p, size_t n, uint32_t initial = 0) {
  return fold16(reference_checksum().sum(p, n, initial));
}

void fill_random(uint8_t* p, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng());
}

// ---- Facts that need no oracle --------------------------------------------------------------

// fold16 is the ones-complement residue: 0 only for 0, otherwise s mod 0xFFFF with 0xFFFF for a
// multiple of 0xFFFF. Checked by division (not by another fold) on the carry edges of every
// halving and on a million values of every width.
TEST(ChecksumVectors, Fold16IsTheResidueMod0xFFFF) {
  auto residue = [](uint64_t s) -> uint16_t {
    if (s == 0) return 0;
    const uint64_t r = s % 0xFFFF;
    return r ? static_cast<uint16_t>(r) : 0xFFFF;
  };
  for (uint64_t v : {0x0ull, 0x1ull, 0xFFFEull, 0xFFFFull, 0x10000ull, 0x1FFFEull, 0xFFFEFFFFull, 0xFFFFFFFFull,
                     0x100000000ull, 0x1FFFFFFFEull, 0xFFFFFFFF00000000ull, 0x8000000080000000ull, ~0ull, ~0ull - 1})
    EXPECT_EQ(fold16(v), residue(v)) << std::hex << v;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000000; ++i) {
    const uint64_t v = rng() >> (i % 64);
    ASSERT_EQ(fold16(v), residue(v)) << std::hex << v;
  }
}

// RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (folded).
TEST(ChecksumVectors, Rfc1071WorkedExampleAllImpls) {
  const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  const uint8_t swapped[] = {0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6};
  for (const auto& r : checksum_impls()) {
    if (!r.internet_checksum || !r.info.supported()) continue;
    EXPECT_EQ(fold16(r.sum(bytes, sizeof bytes, 0)), 0xddf2) << r.info.name;
    // §2(B) byte-order independence: swapping every byte pair swaps the sum.
    EXPECT_EQ(fold16(r.sum(swapped, sizeof swapped, 0)), 0xf2dd) << r.info.name;
  }
}

// A well-known IPv4 header (checksum field b861): its full sum is ffff, and with the field zeroed
// the checksum computes back to b861.
TEST(ChecksumVectors, KnownIpv4Header) {
  uint8_t h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  for (const auto& r : checksum_impls()) {
    if (!r.internet_checksum || !r.info.supported()) continue;
    EXPECT_EQ(fold16(r.sum(h, sizeof h, 0)), 0xffff) << r.info.name;
    uint8_t z[sizeof h];
    std::memcpy(z, h, sizeof h);
    z[10] = z[11] = 0;
    EXPECT_EQ(csum_finish(r.sum(z, sizeof z, 0)), 0xb861) << r.info.name;
  }
}

// Standard CRC check values for the ISA-L peers ("123456789").
TEST(ChecksumVectors, IsalPeersCheckValues) {
  const uint8_t s[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  const ChecksumImpl* crc32 = find_checksum("isal-crc32");
  const ChecksumImpl* crc32c = find_checksum("isal-crc32c");
  ASSERT_TRUE(crc32 && crc32c);
  EXPECT_FALSE(crc32->internet_checksum);
  EXPECT_EQ(crc32->sum(s, 9, 0), 0xCBF43926u);                  // CRC-32 (IEEE, reflected)
  EXPECT_EQ(~crc32c->sum(s, 9, 0xFFFFFFFFu), 0xE3069283u);     // CRC-32C (Castagnoli), raw form
}

// RFC 1624 §4's example: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000 (eqn. 3).
TEST(ChecksumVectors, Rfc1624Example) { EXPECT_EQ(csum_update16(0xDD2F, 0x5555, 0x3285), 0x0000); }

// ---- Registry --------------------------------------------------------------------------------

TEST(ChecksumRegistry, NamesUniqueAndBestIsSupported) {
  std::set<std::string> names;
  for (const auto& r : checksum_impls()) {
    EXPECT_TRUE(names.insert(r.info.name).second) << "duplicate " << r.info.name;
    EXPECT_EQ(r.info.family, "checksum");
    EXPECT_FALSE(r.info.description.empty()) << r.info.name;
    if (r.info.supported()) {
      EXPECT_NE(r.sum, nullptr) << r.info.name;
    } else {
      EXPECT_FALSE(r.info.why_unsupported().empty()) << r.info.name;
    }
  }
  std::vector<const char*> expected = {"reference", "adc64", "adc64x2", "hwy", "fused-adc64x2",
                                       "dpdk-raw", "dpdk-raw-ourflags", "isal-crc32", "isal-crc32c"};
#if EB_ARCH_X86_64
  for (const char* n : {"hwy-sse4", "hwy-avx2", "hwy-avx3", "hwy-avx3_dl", "avx512", "fused-avx512"}) expected.push_back(n);
#elif EB_ARCH_AARCH64
  for (const char* n : {"hwy-neon", "hwy-sve", "hwy-sve2", "neon", "sve", "fused-neon"}) expected.push_back(n);
#endif
  for (const char* n : expected) EXPECT_TRUE(names.count(n)) << n;
  const ChecksumImpl& best = best_checksum();
  EXPECT_TRUE(best.info.supported());
  EXPECT_EQ(best.info.kind, ImplKind::implementation);
  EXPECT_TRUE(best.internet_checksum);
  for (const auto& r : checksum_impls())
    if (r.info.supported() && r.info.kind == ImplKind::implementation) {
      EXPECT_LE(best.preferred_rank, r.preferred_rank) << r.info.name;
    }
  EXPECT_NE(best_fused_checksum().copy_and_sum, nullptr);
  EXPECT_EQ(reference_checksum().info.kind, ImplKind::reference);
}

// The Highway records are distinct entry points (one per compiled target), and `hwy` is one of
// them: every per-target function is then checked on its own by the parameterised tests below.
TEST(ChecksumRegistry, HighwayTargetsAreSeparateFunctions) {
  std::set<const void*> fns;
  std::set<std::string> rows;
  for (const auto& r : checksum_impls()) {
    if (r.info.name.rfind("hwy-", 0) != 0) continue;
    rows.insert(r.info.name);
    ASSERT_NE(r.sum, nullptr) << r.info.name << ": every listed target was compiled";
    EXPECT_TRUE(fns.insert(reinterpret_cast<const void*>(r.sum)).second) << r.info.name;
  }
  // Exactly one row per target Highway compiled, named after hwy::TargetName.
  std::set<std::string> compiled;
  for (int64_t t = HWY_TARGETS; t != 0; t &= t - 1) compiled.insert(hwy_row_name(t & ~(t - 1)));
  EXPECT_EQ(rows, compiled);
  EXPECT_GE(rows.size(), 2u) << "expected Highway to compile several targets";
  const ChecksumImpl* h = find_checksum("hwy");
  ASSERT_NE(h, nullptr);
  EXPECT_FALSE(h->info.description.empty());
  if (h->info.supported()) {
    EXPECT_TRUE(fns.count(reinterpret_cast<const void*>(h->sum)));
  }
}

// `hwy` is the best Highway row this CPU may run, also when EB_CPU_MASK hides features (ctest runs
// this again with AVX-512 / SVE hidden): the mask reaches Highway's own dispatch.
TEST(ChecksumRegistry, HighwayDispatchIsTheBestUsableTarget) {
  const ChecksumImpl* h = find_checksum("hwy");
  ASSERT_NE(h, nullptr);
  const ChecksumImpl* best = nullptr;
  for (const auto& r : checksum_impls())
    if (r.info.name.rfind("hwy-", 0) == 0 && r.info.supported() && (!best || r.preferred_rank < best->preferred_rank))
      best = &r;
  if (!best) {
    EXPECT_FALSE(h->info.supported());
    return;
  }
  ASSERT_TRUE(h->info.supported());
  EXPECT_EQ(reinterpret_cast<const void*>(h->sum), reinterpret_cast<const void*>(best->sum))
      << "hwy dispatches elsewhere than " << best->info.name << ": " << h->info.description;
}

// ---- Per-implementation sweeps ----------------------------------------------------------------

class Kernel : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    impl_ = find_checksum(GetParam());
    ASSERT_NE(impl_, nullptr);
    if (!impl_->info.supported()) GTEST_SKIP() << impl_->info.name << ": " << impl_->info.why_unsupported();
  }
  const ChecksumImpl* impl_ = nullptr;
};

// The reference sums of every (alignment, length) window of one random buffer that ends within 63
// bytes of a guard page, computed once and shared by every implementation.
struct SweepTable {
  test::GuardedArena arena{kMaxLen + 64};
  std::vector<uint16_t> ref;  // [align * (kMaxLen + 1) + len]
  SweepTable() {
    fill_random(arena.buffer().data(), arena.buffer().size(), 0x5EED);
    ref.resize(64 * (kMaxLen + 1));
    for (size_t a = 0; a < 64; ++a)
      for (size_t n = 0; n <= kMaxLen; ++n) ref[a * (kMaxLen + 1) + n] = ref_fold(arena.span_aligned(n, a), n);
  }
  static SweepTable& get() {
    static SweepTable t;
    return t;
  }
};

TEST_P(Kernel, EveryLengthEveryAlignment) {
  SweepTable& t = SweepTable::get();
  size_t failures = 0;
  for (size_t a = 0; a < 64; ++a) {
    for (size_t n = 0; n <= kMaxLen; ++n) {
      const uint8_t* p = t.arena.span_aligned(n, a);
      const uint16_t got = fold16(impl_->sum(p, n, 0));
      const uint16_t want = t.ref[a * (kMaxLen + 1) + n];
      if (got != want && ++failures <= 5)
        ADD_FAILURE() << impl_->info.name << " align " << a << " len " << n << ": got " << std::hex << got
                      << " want " << want;
    }
  }
  EXPECT_EQ(failures, 0u);
}

// Lengths 0..4096 each ending exactly at the PROT_NONE page (a read past the end faults).
TEST_P(Kernel, EndsAtGuardPage) {
  test::GuardedArena arena(kMaxLen);
  fill_random(arena.buffer().data(), arena.buffer().size(), 7);
  for (size_t n = 0; n <= kMaxLen; ++n) {
    const uint8_t* p = arena.span(n);
    ASSERT_EQ(fold16(impl_->sum(p, n, 0)), ref_fold(p, n)) << "len " << n;
  }
}

// Carry edge cases, with expected values from arithmetic alone: all-zero data sums to 0; n bytes of
// 0xFF are n/2 words of 0xFFFF (ones-complement -0, folds to 0xFFFF) plus 0xFF00 if n is odd.
TEST_P(Kernel, AllZeroAndAllOnes) {
  test::GuardedArena arena(kMaxLen);
  arena.buffer().fill(0);
  for (size_t n = 0; n <= kMaxLen; ++n) ASSERT_EQ(fold16(impl_->sum(arena.span(n), n, 0)), 0) << n;
  arena.buffer().fill(0xFF);
  for (size_t n = 0; n <= kMaxLen; ++n) {
    const uint16_t want = n == 0 ? 0 : n == 1 ? 0xFF00 : (n & 1) ? 0xFF00 : 0xFFFF;
    ASSERT_EQ(fold16(impl_->sum(arena.span(n), n, 0)), want) << n;
  }
}

// Past the 64 KiB blocks the vector kernels reduce in: long runs of the extreme words (0x0000 and
// 0xFFFF bias to -32768 and +32767) and random data. DPDK's 32-bit accumulator overflows beyond
// 128 KiB of 0xFF words (its own documented range is a packet), so peers stop at 64 KiB.
TEST_P(Kernel, LongBuffers) {
  const size_t max = impl_->info.kind == ImplKind::peer ? 65536 : 1 << 20;
  std::vector<uint8_t> buf(max + 1);
  for (uint8_t v : {uint8_t{0}, uint8_t{0xFF}}) {
    std::fill(buf.begin(), buf.end(), v);
    for (size_t n : {size_t{65535}, size_t{65536}, size_t{65537}, size_t{131072 + 63}, max})
      if (n <= max) {
        ASSERT_EQ(fold16(impl_->sum(buf.data(), n, 0)), ref_fold(buf.data(), n)) << int(v) << " " << n;
      }
  }
  fill_random(buf.data(), buf.size(), 99);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20; ++i) {
    const size_t off = rng() % 64, n = rng() % (max - 64);
    ASSERT_EQ(fold16(impl_->sum(buf.data() + off, n, 0)), ref_fold(buf.data() + off, n)) << off << " " << n;
  }
}

TEST_P(Kernel, RandomDataAndInitialValues) {
  std::vector<uint8_t> buf(kMaxLen + 64);
  std::mt19937_64 rng(1234);
  const uint32_t initials[] = {0, 1, 0xFFFF, 0x10000, 0xFFFFFFFF, 0xFFFF0000, 0x1234ABCD, 0x8000};
  for (int i = 0; i < 3000; ++i) {
    fill_random(buf.data(), buf.size(), rng());
    const size_t off = rng() % 64;
    const size_t n = (i % 3 == 0) ? rng() % 128 : rng() % kMaxLen;
    const uint32_t init = (i & 1) ? initials[rng() % 8] : static_cast<uint32_t>(rng());
    ASSERT_EQ(fold16(impl_->sum(buf.data() + off, n, init)), ref_fold(buf.data() + off, n, init))
        << "off " << off << " len " << n << " initial " << init;
  }
}

// Splitting a range at any offset (odd ones included) and combining the partial sums with
// csum_combine gives the whole; so do three-way splits.
TEST_P(Kernel, PartialSumsCombine) {
  std::vector<uint8_t> buf(700);
  fill_random(buf.data(), buf.size(), 42);
  const uint8_t* p = buf.data() + 3;
  const size_t n = 601;
  const uint16_t whole = ref_fold(p, n);
  for (size_t k = 0; k <= n; ++k) {
    const uint32_t a = impl_->sum(p, k, 0), b = impl_->sum(p + k, n - k, 0);
    ASSERT_EQ(fold16(csum_combine(a, b, k)), whole) << "split at " << k;
  }
  for (size_t k = 0; k <= n; k += 7)
    for (size_t j = k; j <= n; j += 13) {
      uint32_t s = impl_->sum(p, k, 0);
      s = csum_combine(s, impl_->sum(p + k, j - k, 0), k);
      s = csum_combine(s, impl_->sum(p + j, n - j, 0), j);
      ASSERT_EQ(fold16(s), whole) << k << " " << j;
    }
}

// RFC 1624: updating a header checksum for one changed 16- or 32-bit field equals recomputing it.
TEST_P(Kernel, IncrementalUpdateMatchesRecompute) {
  std::mt19937_64 rng(77);
  uint8_t h[60];
  for (int i = 0; i < 2000; ++i) {
    fill_random(h, sizeof h, rng());
    const size_t len = 20 + 4 * (rng() % 11);
    h[10] = h[11] = 0;
    const uint16_t hc = csum_finish(impl_->sum(h, len, 0));
    const size_t w = 2 * (rng() % (len / 2));
    if (w == 10) continue;  // the checksum field itself
    const uint16_t old_word = static_cast<uint16_t>((h[w] << 8) | h[w + 1]);
    const uint16_t new_word = (i % 5 == 0) ? static_cast<uint16_t>(~old_word) : static_cast<uint16_t>(rng());
    h[w] = static_cast<uint8_t>(new_word >> 8);
    h[w + 1] = static_cast<uint8_t>(new_word);
    const uint16_t recomputed = csum_finish(impl_->sum(h, len, 0));
    // Incremental and recomputed agree as ones-complement values (0x0000 and 0xFFFF are both zero).
    const uint16_t inc = csum_update16(hc, old_word, new_word);
    ASSERT_EQ(inc % 0xFFFF, recomputed % 0xFFFF) << "word " << w;
    if (w + 4 <= len && w != 8 && w != 10) {
      uint32_t old32 = (uint32_t{h[w]} << 24) | (uint32_t{h[w + 1]} << 16) | (uint32_t{h[w + 2]} << 8) | h[w + 3];
      uint32_t new32 = static_cast<uint32_t>(rng());
      for (int k = 0; k < 4; ++k) h[w + k] = static_cast<uint8_t>(new32 >> (24 - 8 * k));
      const uint16_t re32 = csum_finish(impl_->sum(h, len, 0));
      ASSERT_EQ(csum_update32(recomputed, old32, new32) % 0xFFFF, re32 % 0xFFFF);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Checksum, Kernel, testing::ValuesIn(impl_names(true)), param_name);

// ---- Fused copy + sum -------------------------------------------------------------------------

class Fused : public Kernel {};

// Output bytes identical to the input, nothing written outside [dst, dst+n) (dst ends at a guard
// page; the bytes before it are sentinels), sum equal to the reference; all lengths 0..4096 at
// several source and destination alignments.
TEST_P(Fused, CopyIsExactAndSumMatches) {
  ASSERT_NE(impl_->copy_and_sum, nullptr);
  test::GuardedArena src(kMaxLen + 64), dst(kMaxLen + 128);
  fill_random(src.buffer().data(), src.buffer().size(), 3);
  for (size_t sa : {0, 1, 31, 63})
    for (size_t n = 0; n <= kMaxLen; ++n) {
      const uint8_t* s = src.span_aligned(n, sa);
      uint8_t* d = dst.span(n);  // ends exactly at the guard page
      std::memset(dst.buffer().data(), 0xA5, dst.buffer().size());
      const uint32_t got = impl_->copy_and_sum(d, s, n, 0x1234);
      ASSERT_EQ(fold16(got), ref_fold(s, n, 0x1234)) << "src align " << sa << " len " << n;
      ASSERT_EQ(std::memcmp(d, s, n), 0) << "copy differs, len " << n;
      const uint8_t* base = dst.buffer().data();
      for (const uint8_t* q = base; q < d; ++q) ASSERT_EQ(*q, 0xA5) << "wrote before dst, len " << n;
    }
}

INSTANTIATE_TEST_SUITE_P(Checksum, Fused, testing::ValuesIn(impl_names(true, true)), param_name);

// ---- The limit family -----------------------------------------------------------------------

TEST(Limit, ReadTouchesEveryByteAndStaysInBounds) {
  const LimitImpl& read = limit_read();
  EXPECT_EQ(read.info.family, "limit");
  EXPECT_EQ(read.info.kind, ImplKind::limit);
  test::GuardedArena arena(kMaxLen);
  fill_random(arena.buffer().data(), arena.buffer().size(), 11);
  for (size_t n = 1; n <= kMaxLen; ++n) {
    uint8_t* p = arena.span(n);  // ends at the guard page
    const uint64_t base = read.run(nullptr, p, n);
    // A changed byte anywhere changes the result (XOR of all bytes in their lanes).
    const size_t i = (n * 7919) % n;
    p[i] ^= 0x40;
    ASSERT_NE(read.run(nullptr, p, n), base) << "len " << n << " byte " << i;
    p[i] ^= 0x40;
  }
}

TEST(Limit, MemcpyCopies) {
  const LimitImpl& mc = limit_memcpy();
  EXPECT_TRUE(mc.writes);
  std::vector<uint8_t> a(5000), b(5000);
  fill_random(a.data(), a.size(), 12);
  EXPECT_EQ(mc.run(b.data(), a.data(), a.size()), a.size());
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace eb
