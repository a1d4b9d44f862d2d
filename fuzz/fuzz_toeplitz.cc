// Fuzz target: differential test of every Toeplitz implementation this CPU supports (and the
// peers built in) against toeplitz_hash_reference, with fuzzer-chosen keys, tuple lengths,
// batch sizes and strides; plus the receive-steering pipeline on arbitrary frames.
//
// Input: [key_len][tuple len][count][stride pad][mode][align] [key bytes] [tuple bytes...]; the
// tuple bytes are repeated to fill the batch. Checked for every supported record:
//   - prepare() accepts keys of 1..kToeplitzMaxKey bytes and refuses 0 and longer ones;
//   - hash, hash_batch and hash_ptrs each equal the reference for every tuple; the tuples end at
//     the end of an exact-size heap block (a sanitizer sees any overread) and the output array is
//     exactly `count` words;
// mode bit 1: the bytes after the key are also a frame for RssPipeline::steer_one with every
// implementation: same result everywhere, the tuple read only inside the frame, and the hash
// equal to the reference over the tuple rss_select names; and for the receive-burst calls
// (burst_add / burst_end): a burst of 1 + (mode >> 4) copies of the frame (up to 16) gives
// steer_one's result, every field, for every copy.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "kernels/packet/nvgre.h"
#include "kernels/rss/pipeline.h"
#include "kernels/rss/toeplitz.h"

namespace {

using namespace eb;

bool same_result(const RssResult& a, const RssResult& b) {
  return a.hash == b.hash && a.queue == b.queue && a.type == b.type && a.flags == b.flags &&
         a.tuple_len == b.tuple_len && a.vmq_queue == b.vmq_queue;
}

void check_pipeline(const uint8_t* key, size_t key_len, uint32_t types, const uint8_t* frame_in, size_t frame_len,
                    size_t burst) {
  fuzz::ExactBuffer frame(frame_len, 0);
  if (frame_len) std::memcpy(frame.data(), frame_in, frame_len);
  const NvgreLayout L = parse_nvgre(frame.data(), frame_len);
  const RssTupleSpec spec = rss_select(L, types);
  if (spec.len) {
    FUZZ_CHECK(spec.len == 2 * spec.addr_len || spec.len == 2 * spec.addr_len + 4, "tuple len %u addr_len %u", spec.len,
               spec.addr_len);
    FUZZ_CHECK(spec.src_off + spec.addr_len <= frame_len && spec.dst_off + spec.addr_len <= frame_len,
               "address outside the frame (%s)", parse_error_name(L.error));
    if (spec.len > 2 * spec.addr_len) FUZZ_CHECK(spec.ports_off + 4 <= frame_len, "ports outside the frame");
  }
  uint8_t tuple[kRssMaxTuple] = {};
  rss_copy_tuple(frame.data(), spec, tuple);

  RssConfig cfg;
  cfg.key.assign(key, key + key_len);
  cfg.hash_types = types;
  bool have_first = false;
  RssResult first{};
  std::string first_name;
  for (const ToeplitzImpl& impl : toeplitz_impls()) {
    if (!impl.info.supported()) continue;
    cfg.impl = impl.info.name;
    std::string err;
    auto p = RssPipeline::create(cfg, &err);
    if (!p) {
      cfg.key.assign(kMicrosoftRssKey, kMicrosoftRssKey + 40);  // a key too short for the enabled types
      p = RssPipeline::create(cfg, &err);
    }
    FUZZ_CHECK(p != nullptr, "%s: pipeline refused: %s", impl.info.name.c_str(), err.c_str());
    const RssResult r = p->steer_one(frame.data(), L);
    std::vector<RssResult> staged(burst);
    for (size_t i = 0; i < burst; ++i) p->burst_add(frame.data(), L, &staged[i]);
    p->burst_end();
    for (size_t i = 0; i < burst; ++i)
      FUZZ_CHECK(same_result(staged[i], r), "%s: burst packet %zu of %zu steers differently from steer_one",
                 impl.info.name.c_str(), i, burst);
    FUZZ_CHECK(r.tuple_len == spec.len && r.type == spec.type, "%s: tuple %u/%u type %x/%x", impl.info.name.c_str(),
               r.tuple_len, spec.len, r.type, spec.type);
    if (spec.len) {
      const uint32_t want = toeplitz_hash_reference(cfg.key.data(), cfg.key.size(), tuple, spec.len);
      FUZZ_CHECK(r.hash == want, "%s: pipeline hash %08x, reference %08x", impl.info.name.c_str(), r.hash, want);
      FUZZ_CHECK(r.queue == p->queue_of(r.hash), "%s: queue", impl.info.name.c_str());
    } else {
      FUZZ_CHECK(r.queue == 0, "%s: unhashed packet on queue %u", impl.info.name.c_str(), r.queue);
    }
    if (!have_first) {
      first = r;
      first_name = impl.info.name;
      have_first = true;
    } else {
      FUZZ_CHECK(r.hash == first.hash && r.queue == first.queue && r.flags == first.flags && r.vmq_queue == first.vmq_queue,
                 "%s and %s steer differently", impl.info.name.c_str(), first_name.c_str());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& impls = toeplitz_impls();
  static std::vector<std::unique_ptr<PreparedKey>> keys = [&] {
    std::vector<std::unique_ptr<PreparedKey>> v;
    for (size_t i = 0; i < impls.size(); ++i) v.push_back(std::make_unique<PreparedKey>());
    return v;
  }();
  static bool refusals_checked = false;
  fuzz::Reader rd(data, size);
  const size_t key_len = 1 + rd.u8() % kToeplitzMaxKey;
  const size_t len = rd.u8() % (kToeplitzMaxInput + 1);
  const size_t count = 1 + rd.u8() % 64;
  const size_t stride = len + rd.u8() % 64;
  const uint8_t mode = rd.u8();
  const size_t align = rd.u8() % 64;
  uint8_t key[kToeplitzMaxKey + 8] = {};
  size_t got = 0;
  const uint8_t* k = rd.take(key_len, &got);
  std::memcpy(key, k, got);
  const uint8_t* src = rd.rest();
  const size_t src_n = rd.remaining();

  // The batch: tuple i at base + i * stride; the block ends right after the last tuple.
  const size_t span = (count - 1) * stride + len;
  fuzz::ExactBuffer batch(span, align);
  for (size_t i = 0; i < span; ++i) batch.data()[i] = src_n ? src[i % src_n] : static_cast<uint8_t>(i * 131 + 7);
  std::vector<uint32_t> want(count);
  for (size_t i = 0; i < count; ++i) want[i] = toeplitz_hash_reference(key, key_len, batch.data() + i * stride, len);
  std::vector<const uint8_t*> ptrs(count);
  for (size_t i = 0; i < count; ++i) ptrs[i] = batch.data() + i * stride;

  for (size_t ii = 0; ii < impls.size(); ++ii) {
    const ToeplitzImpl& impl = impls[ii];
    if (!impl.info.supported()) continue;
    const char* name = impl.info.name.c_str();
    PreparedKey& pk = *keys[ii];
    if (!refusals_checked) {  // the same answer every time: checked once per process
      uint8_t long_key[kToeplitzMaxKey + 1] = {};
      FUZZ_CHECK(!impl.prepare(pk, long_key, kToeplitzMaxKey + 1), "%s: prepare accepted a %zu-byte key", name,
                 kToeplitzMaxKey + 1);
      FUZZ_CHECK(!impl.prepare(pk, key, 0), "%s: prepare accepted an empty key", name);
    }
    FUZZ_CHECK(impl.prepare(pk, key, key_len), "%s: prepare refused a %zu-byte key", name, key_len);
    for (size_t i = 0; i < count; ++i) {
      const uint32_t h = impl.hash(pk, batch.data() + i * stride, len);
      FUZZ_CHECK(h == want[i], "%s: hash key_len=%zu len=%zu: %08x, reference %08x", name, key_len, len, h, want[i]);
    }
    if (impl.hash_batch) {
      fuzz::ExactBuffer out(count * sizeof(uint32_t), 0);
      auto* o = reinterpret_cast<uint32_t*>(out.data());
      impl.hash_batch(pk, batch.data(), stride, len, count, o);
      for (size_t i = 0; i < count; ++i)
        FUZZ_CHECK(o[i] == want[i], "%s: hash_batch key_len=%zu len=%zu count=%zu stride=%zu: tuple %zu %08x, reference %08x",
                   name, key_len, len, count, stride, i, o[i], want[i]);
    }
    if (impl.hash_ptrs) {
      fuzz::ExactBuffer out(count * sizeof(uint32_t), 0);
      auto* o = reinterpret_cast<uint32_t*>(out.data());
      impl.hash_ptrs(pk, ptrs.data(), len, count, o);
      for (size_t i = 0; i < count; ++i)
        FUZZ_CHECK(o[i] == want[i], "%s: hash_ptrs key_len=%zu len=%zu count=%zu: tuple %zu %08x, reference %08x", name,
                   key_len, len, count, i, o[i], want[i]);
    }
  }
  refusals_checked = true;
  if (mode & 2) {
    const uint32_t types = (mode & 4) ? kRssHashAll : (mode & 8) ? kRssHashDefault : (kRssHashIPv4 | kRssHashIPv6);
    check_pipeline(key, key_len, types, src, src_n, 1 + (mode >> 4));
  }
  return 0;
}
