// Every Toeplitz implementation against Microsoft's verification vectors and against the
// reference on random keys, every input length 0..52, batches of 0..67 tuples, and inputs that
// end (or start) at a PROT_NONE page.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/rss/toeplitz.h"
#include "tests/rss/rss_test_util.h"
#include "testing/guard_page.h"

namespace eb {
namespace {

using test::prepared;

std::vector<std::string> impl_names() {
  std::vector<std::string> n;
  for (const auto& r : toeplitz_impls()) n.push_back(r.info.name);
  return n;
}
std::string param_name(const ::testing::TestParamInfo<std::string>& p) {
  std::string s = p.param;
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

class ToeplitzImplTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    impl_ = find_toeplitz(GetParam());
    ASSERT_NE(impl_, nullptr);
    if (!impl_->info.supported()) GTEST_SKIP() << impl_->info.name << ": " << impl_->info.why_unsupported();
  }
  const ToeplitzImpl* impl_ = nullptr;
};

// The reference itself, as a free function, on the published vectors: the independent anchor.
TEST(ToeplitzReference, MicrosoftVectors) {
  for (bool v6 : {false, true})
    for (const auto& v : v6 ? test::ipv6_vectors() : test::ipv4_vectors())
      for (bool ports : {false, true}) {
        const auto t = test::vector_tuple(v, v6, ports);
        EXPECT_EQ(toeplitz_hash_reference(kMicrosoftRssKey, 40, t.data(), t.size()), ports ? v.hash_ports : v.hash_ip)
            << v.src << " -> " << v.dst << (ports ? " with ports" : "");
      }
}

TEST_P(ToeplitzImplTest, MicrosoftVectorsSingleBatchAndPointers) {
  auto key = prepared(*impl_, kMicrosoftRssKey, 40);
  for (bool v6 : {false, true})
    for (bool ports : {false, true}) {
      const auto& vs = v6 ? test::ipv6_vectors() : test::ipv4_vectors();
      const size_t len = (v6 ? 32 : 8) + (ports ? 4 : 0);
      std::vector<uint8_t> packed;
      std::vector<const uint8_t*> ptrs;
      std::vector<uint32_t> want;
      for (const auto& v : vs) {
        const auto t = test::vector_tuple(v, v6, ports);
        ASSERT_EQ(t.size(), len);
        EXPECT_EQ(impl_->hash(*key, t.data(), t.size()), ports ? v.hash_ports : v.hash_ip)
            << v.src << " -> " << v.dst << (ports ? " with ports" : "");
        packed.insert(packed.end(), t.begin(), t.end());
        want.push_back(ports ? v.hash_ports : v.hash_ip);
      }
      for (size_t i = 0; i < vs.size(); ++i) ptrs.push_back(packed.data() + i * len);
      std::vector<uint32_t> got(vs.size() + 1, 0xDEADBEEF);
      impl_->hash_batch(*key, packed.data(), len, len, vs.size(), got.data());
      EXPECT_EQ(got[vs.size()], 0xDEADBEEFu) << "wrote past the batch";
      got.resize(vs.size());
      EXPECT_EQ(got, want) << "batch, len " << len;
      std::vector<uint32_t> got2(vs.size());
      impl_->hash_ptrs(*key, ptrs.data(), len, vs.size(), got2.data());
      EXPECT_EQ(got2, want) << "pointers, len " << len;
    }
}

// Random keys of several lengths (NIC sizes 40 and 52, and short ones where inputs run past the
// key), every input length 0..52, several random inputs each.
TEST_P(ToeplitzImplTest, RandomKeysEveryLength) {
  std::mt19937_64 rng(0x70e91172);
  for (size_t key_len : {40, 52, 1, 7, 16, 33}) {
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<uint8_t> key(key_len);
      for (auto& b : key) b = static_cast<uint8_t>(rng());
      auto k = prepared(*impl_, key.data(), key.size());
      for (size_t len = 0; len <= kToeplitzMaxInput; ++len)
        for (int i = 0; i < 8; ++i) {
          std::vector<uint8_t> in(len);
          for (auto& b : in) b = static_cast<uint8_t>(rng());
          if (i == 0) std::fill(in.begin(), in.end(), 0xFF);  // every bit set
          ASSERT_EQ(impl_->hash(*k, in.data(), len), toeplitz_hash_reference(key.data(), key_len, in.data(), len))
              << "key_len " << key_len << " len " << len << " case " << i;
        }
    }
  }
}

// Batches of every size 0..67 (never a multiple of the width only), for every length, both
// interfaces; nothing written past out[count).
TEST_P(ToeplitzImplTest, BatchesOfEverySize) {
  std::mt19937_64 rng(0xba7c4);
  std::vector<uint8_t> key(52);
  for (auto& b : key) b = static_cast<uint8_t>(rng());
  auto k = prepared(*impl_, key.data(), key.size());
  constexpr size_t kMax = 67;
  for (size_t len = 0; len <= kToeplitzMaxInput; ++len) {
    const size_t stride = len + 5;  // odd strides: tuples at every alignment
    std::vector<uint8_t> buf(stride * kMax + 1);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    std::vector<uint32_t> want(kMax);
    std::vector<const uint8_t*> ptrs(kMax);
    for (size_t i = 0; i < kMax; ++i) {
      want[i] = toeplitz_hash_reference(key.data(), key.size(), buf.data() + 1 + i * stride, len);
      ptrs[kMax - 1 - i] = buf.data() + 1 + i * stride;  // reversed order through the pointers
    }
    for (size_t count = 0; count <= kMax; ++count) {
      std::vector<uint32_t> got(count + 2, 0xA5A5A5A5);
      impl_->hash_batch(*k, buf.data() + 1, stride, len, count, got.data());
      for (size_t i = 0; i < count; ++i) ASSERT_EQ(got[i], want[i]) << "len " << len << " count " << count << " i " << i;
      ASSERT_EQ(got[count], 0xA5A5A5A5u) << "wrote past out[count], len " << len << " count " << count;
      std::vector<uint32_t> got2(count + 2, 0x5A5A5A5A);
      impl_->hash_ptrs(*k, ptrs.data() + (kMax - count), len, count, got2.data());
      for (size_t i = 0; i < count; ++i)
        ASSERT_EQ(got2[i], want[count - 1 - i]) << "ptrs len " << len << " count " << count << " i " << i;
      ASSERT_EQ(got2[count], 0x5A5A5A5Au);
    }
  }
}

// Inputs that end exactly at a PROT_NONE page, or start right after one: a kernel reading one
// byte outside its tuple faults. Batches: tuples packed back to back, the last one touching the
// guard page, results written into a buffer that ends at a guard page as well.
TEST_P(ToeplitzImplTest, GuardPages) {
  auto k = prepared(*impl_, kMicrosoftRssKey, 40);
  std::mt19937_64 rng(7);
  test::GuardedArena arena(4096);
  test::GuardedBuffer page(test::page_size());  // starts at a page boundary, guard page before it
  for (size_t len = 0; len <= kToeplitzMaxInput; ++len) {
    uint8_t* end_at_guard = arena.span(len);
    for (size_t i = 0; i < len; ++i) end_at_guard[i] = static_cast<uint8_t>(rng());
    EXPECT_EQ(impl_->hash(*k, end_at_guard, len), toeplitz_hash_reference(kMicrosoftRssKey, 40, end_at_guard, len));
    uint8_t* start_at_page = page.data();
    for (size_t i = 0; i < len; ++i) start_at_page[i] = static_cast<uint8_t>(rng());
    EXPECT_EQ(impl_->hash(*k, start_at_page, len), toeplitz_hash_reference(kMicrosoftRssKey, 40, start_at_page, len));
  }
  for (size_t len : {8, 12, 13, 32, 36, 52})
    for (size_t count : {1, 7, 16, 17, 33}) {
      test::GuardedBuffer in(len * count);
      for (size_t i = 0; i < len * count; ++i) in.data()[i] = static_cast<uint8_t>(rng());
      test::GuardedBuffer out(4 * count);
      auto* o = reinterpret_cast<uint32_t*>(out.data());
      impl_->hash_batch(*k, in.data(), len, len, count, o);
      std::vector<const uint8_t*> ptrs;
      for (size_t i = 0; i < count; ++i) {
        ASSERT_EQ(o[i], toeplitz_hash_reference(kMicrosoftRssKey, 40, in.data() + i * len, len)) << len << "/" << count;
        ptrs.push_back(in.data() + i * len);
      }
      impl_->hash_ptrs(*k, ptrs.data(), len, count, o);
      for (size_t i = 0; i < count; ++i)
        ASSERT_EQ(o[i], toeplitz_hash_reference(kMicrosoftRssKey, 40, in.data() + i * len, len)) << len << "/" << count;
      // A batch that starts right after a guard page.
      test::GuardedBuffer at_start(test::page_size());
      std::memcpy(at_start.data(), in.data(), len * count);
      impl_->hash_batch(*k, at_start.data(), len, len, count, o);
      for (size_t i = 0; i < count; ++i) ASSERT_EQ(o[i], toeplitz_hash_reference(kMicrosoftRssKey, 40, in.data() + i * len, len));
    }
}

// The symmetric key (0x6d5a repeated): swapping source and destination moves every input bit by a
// multiple of 16 bits, so both directions of a flow hash alike. The Microsoft key does not have
// this property, which shows the check can fail.
TEST_P(ToeplitzImplTest, SymmetricKey) {
  auto sym = prepared(*impl_, kSymmetricRssKey, 40);
  auto ms = prepared(*impl_, kMicrosoftRssKey, 40);
  std::mt19937_64 rng(99);
  int ms_asymmetric = 0;
  for (size_t alen : {4, 16})
    for (bool ports : {false, true})
      for (int i = 0; i < 200; ++i) {
        std::vector<uint8_t> fwd(2 * alen + (ports ? 4 : 0)), rev(fwd.size());
        for (auto& b : fwd) b = static_cast<uint8_t>(rng());
        std::memcpy(rev.data(), fwd.data() + alen, alen);
        std::memcpy(rev.data() + alen, fwd.data(), alen);
        if (ports) {
          std::memcpy(rev.data() + 2 * alen, fwd.data() + 2 * alen + 2, 2);
          std::memcpy(rev.data() + 2 * alen + 2, fwd.data() + 2 * alen, 2);
        }
        ASSERT_EQ(impl_->hash(*sym, fwd.data(), fwd.size()), impl_->hash(*sym, rev.data(), rev.size()));
        ms_asymmetric += impl_->hash(*ms, fwd.data(), fwd.size()) != impl_->hash(*ms, rev.data(), rev.size());
      }
  EXPECT_GT(ms_asymmetric, 700);  // of 800: the property belongs to the key, not to the kernel
}

INSTANTIATE_TEST_SUITE_P(All, ToeplitzImplTest, ::testing::ValuesIn(impl_names()), param_name);

TEST(ToeplitzRegistry, KeyLengthsAndRecords) {
  const uint8_t key[kToeplitzMaxKey + 1] = {1};
  for (const auto& r : toeplitz_impls()) {
    if (!r.info.supported()) continue;
    auto k = std::make_unique<PreparedKey>();
    EXPECT_FALSE(r.prepare(*k, key, 0)) << r.info.name;
    EXPECT_FALSE(r.prepare(*k, key, kToeplitzMaxKey + 1)) << r.info.name;
    EXPECT_TRUE(r.prepare(*k, key, kToeplitzMaxKey)) << r.info.name;
    EXPECT_TRUE(r.prepare(*k, key, 1)) << r.info.name;
    EXPECT_EQ(r.info.family, "rss");
    EXPECT_TRUE(r.hash && r.hash_batch && r.hash_ptrs) << r.info.name;
  }
  EXPECT_EQ(reference_toeplitz().info.kind, ImplKind::reference);
  EXPECT_TRUE(best_toeplitz().info.supported());
  EXPECT_EQ(toeplitz_nic_max_input(40), 36u);
  // Peers carry the reason they cannot run rather than disappearing.
  for (const char* n : {"dpdk-softrss", "dpdk-softrss-be", "dpdk-gfni", "dpdk-gfni-bulk"}) {
    const auto* r = find_toeplitz(n);
    ASSERT_NE(r, nullptr) << n;
    EXPECT_EQ(r->info.kind, ImplKind::peer);
    if (!r->info.supported()) {
      EXPECT_FALSE(r->info.why_unsupported().empty());
    }
  }
}

TEST(ToeplitzRegistry, ParseKey) {
  std::vector<uint8_t> k;
  std::string err;
  ASSERT_TRUE(parse_toeplitz_key("0x6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa", &k, &err));
  EXPECT_EQ(k, std::vector<uint8_t>(kMicrosoftRssKey, kMicrosoftRssKey + 40));
  ASSERT_TRUE(parse_toeplitz_key("6d:5a:6D:5A", &k, &err));
  EXPECT_EQ(k, (std::vector<uint8_t>{0x6d, 0x5a, 0x6d, 0x5a}));
  EXPECT_FALSE(parse_toeplitz_key("6d5", &k, &err));
  EXPECT_NE(err.find("odd"), std::string::npos);
  EXPECT_FALSE(parse_toeplitz_key("zz", &k, &err));
  EXPECT_FALSE(parse_toeplitz_key("", &k, &err));
  EXPECT_FALSE(parse_toeplitz_key(std::string(106, 'a'), &k, &err));  // 53 bytes
  EXPECT_FALSE(parse_toeplitz_key("6d5:a", &k, &err));
}

}  // namespace
}  // namespace eb
