// Fuzz target: the one-pass packet checksum kernels (onepass-*) against the per-header path of
// the `reference` record. The input is the frame itself (seeded from the parser's corpus). For
// both parse options, the frame is placed so that it ends exactly at a PROT_NONE page, then, for
// every one-pass record this CPU supports:
//   - checksum_verify gives the same four statuses as the reference's per-header path;
//   - checksum_fill (with every checksum field first overwritten) writes the same bytes and
//     reports the same fields, and the frame verifies the same afterwards;
//   - the corpus entry points (fill_batch / verify_batch, where a record has them) on a one-packet
//     corpus give the same statuses, the same bytes and the same count;
// and the same again with the frame cut right after its headers (the header region ending at
// the page) when the cut still parses (the payload then is empty only if the lengths say so:
// otherwise the cut is a truncation and both paths must leave it alone).
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "kernels/checksum/checksum.h"
#include "kernels/checksum/offload.h"
#include "kernels/packet/corpus.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"
#include "testing/guard_page.h"

namespace {

using namespace eb;

constexpr size_t kMaxLen = 1 << 17;

bool same(const VerifyResult& a, const VerifyResult& b) {
  return a.outer_ip == b.outer_ip && a.inner_ip == b.inner_ip && a.l4 == b.l4 && a.gre == b.gre;
}

void scramble(uint8_t* f, const NvgreLayout& L) {
  if (!L.ok()) return;
  if (L.l4 == L4Proto::tcp || L.l4 == L4Proto::udp) store_be16(f + L.l4_checksum_offset(), 0xBEEF);
  if (L.outer_ipv4()) store_be16(f + L.outer.offset + 10, 0x1111);
  if (L.inner_ipv4()) store_be16(f + L.inner.offset + 10, 0x2222);
  if (L.gre_checksum_present) store_be16(f + L.gre_offset + 4, 0x3333);
}

void check(test::GuardedArena& arena, const uint8_t* bytes, size_t n, const ParseOptions& opt) {
  uint8_t* f = arena.span(n);
  if (n) std::memcpy(f, bytes, n);
  const NvgreLayout L = parse_nvgre(f, n, opt);
  const ChecksumImpl& ref = reference_checksum();
  const VerifyResult want = checksum_verify(bytes, L, ref);
  std::vector<uint8_t> expect(bytes, bytes + n);
  scramble(expect.data(), L);
  const uint8_t w_ref = checksum_fill(expect.data(), L, ref);
  const VerifyResult want_after = checksum_verify(expect.data(), L, ref);
  for (const ChecksumImpl& impl : checksum_impls()) {
    if (!impl.fill_packet || !impl.info.supported()) continue;
    const char* name = impl.info.name.c_str();
    if (n) std::memcpy(f, bytes, n);
    FUZZ_CHECK(same(checksum_verify(f, L, impl), want), "%s: verify differs (n=%zu, %s)", name, n,
               parse_error_name(L.error));
    scramble(f, L);
    const uint8_t w = checksum_fill(f, L, impl);
    FUZZ_CHECK(w == w_ref, "%s: fill wrote fields %x, reference %x (n=%zu)", name, w, w_ref, n);
    FUZZ_CHECK(n == 0 || std::memcmp(f, expect.data(), n) == 0, "%s: fill bytes differ (n=%zu)", name, n);
    FUZZ_CHECK(same(checksum_verify(f, L, impl), want_after), "%s: verify after fill differs (n=%zu)", name, n);
    if (impl.fill_batch && impl.verify_batch) {
      Corpus c;
      c.add(std::span<const uint8_t>(bytes, n), {}, 0, 0, opt);
      FUZZ_CHECK(c[0].layout == L, "%s: the corpus parsed the frame differently", name);
      VerifyResult got;
      const size_t bad = impl.verify_batch(c, &got);
      FUZZ_CHECK(same(got, want) && bad == size_t{want.any_bad()}, "%s: verify_batch differs (n=%zu)", name, n);
      scramble(c.mutable_data(0), L);
      const size_t filled = impl.fill_batch(c);
      FUZZ_CHECK(filled == size_t{checksum_fields(L) != 0}, "%s: fill_batch filled %zu (n=%zu)", name, filled, n);
      FUZZ_CHECK(n == 0 || std::memcmp(c.data(0), expect.data(), n) == 0, "%s: fill_batch bytes differ (n=%zu)", name, n);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxLen) return 0;
  static test::GuardedArena arena(kMaxLen);
  for (bool lso : {false, true}) {
    ParseOptions opt;
    opt.large_send = lso;
    check(arena, data, size, opt);
    const NvgreLayout L = parse_nvgre(data, size, opt);
    if (L.ok() && L.header_size < size) check(arena, data, L.header_size, opt);
  }
  return 0;
}
