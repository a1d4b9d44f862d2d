// DPDK peers: thin C++ entry points over the C translation units that include DPDK's headers
// (toeplitz_dpdk_soft.c with DPDK's own cflags; toeplitz_dpdk_gfni.c with those plus the AVX-512
// and GFNI flags its inline functions require). Without DPDK the records exist, unsupported.
#include <cstring>

#include "kernels/rss/toeplitz_internal.h"

#ifdef EB_HAVE_DPDK
extern "C" {
uint32_t eb_dpdk_softrss(const uint8_t* key56, const uint8_t* in, size_t len);
uint32_t eb_dpdk_softrss_be(const uint32_t* key_words, const uint8_t* in, size_t len);
void eb_dpdk_prepare(const uint8_t* key56, uint64_t* matrices56, uint32_t* key_words14);
int eb_dpdk_gfni_compiled(void);
uint32_t eb_dpdk_thash_gfni(const uint64_t* m, const uint8_t* in, size_t len);
void eb_dpdk_thash_gfni_bulk(const uint64_t* m, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out);
void eb_dpdk_thash_gfni_bulk_strided(const uint64_t* m, const uint8_t* base, size_t stride, size_t len, size_t count,
                                     uint32_t* out);
}
#endif

namespace eb::toeplitz_detail {

#ifdef EB_HAVE_DPDK
bool dpdk_built_in() { return true; }

bool dpdk_prepare(PreparedKey& out, const uint8_t* key, size_t key_len) {
  if (!prepare_common(out, key, key_len, reinterpret_cast<const void*>(&dpdk_prepare))) return false;
  auto& t = out.tables.dpdk;
  std::memset(&t, 0, sizeof t);
  std::memcpy(t.key56, out.key, 56);  // zero-extended: covers inputs up to 52 bytes
  eb_dpdk_prepare(t.key56, t.matrices, t.key_be_words);
  return true;
}
uint32_t dpdk_softrss_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  return eb_dpdk_softrss(k.tables.dpdk.key56, in, len);
}
uint32_t dpdk_softrss_be_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  return eb_dpdk_softrss_be(k.tables.dpdk.key_be_words, in, len);
}
uint32_t dpdk_gfni_hash(const PreparedKey& k, const uint8_t* in, size_t len) {
  return eb_dpdk_thash_gfni(k.tables.dpdk.matrices, in, len);
}
void dpdk_gfni_bulk_ptrs(const PreparedKey& k, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  eb_dpdk_thash_gfni_bulk(k.tables.dpdk.matrices, tuples, len, count, out);
}
void dpdk_gfni_bulk_batch(const PreparedKey& k, const uint8_t* base, size_t stride, size_t len, size_t count,
                          uint32_t* out) {
  eb_dpdk_thash_gfni_bulk_strided(k.tables.dpdk.matrices, base, stride, len, count, out);
}
bool dpdk_gfni_compiled() { return eb_dpdk_gfni_compiled() != 0; }
#else
bool dpdk_built_in() { return false; }
bool dpdk_prepare(PreparedKey&, const uint8_t*, size_t) { return false; }
uint32_t dpdk_softrss_hash(const PreparedKey&, const uint8_t*, size_t) { return 0; }
uint32_t dpdk_softrss_be_hash(const PreparedKey&, const uint8_t*, size_t) { return 0; }
uint32_t dpdk_gfni_hash(const PreparedKey&, const uint8_t*, size_t) { return 0; }
void dpdk_gfni_bulk_ptrs(const PreparedKey&, const uint8_t* const*, size_t, size_t, uint32_t*) {}
void dpdk_gfni_bulk_batch(const PreparedKey&, const uint8_t*, size_t, size_t, size_t, uint32_t*) {}
bool dpdk_gfni_compiled() { return false; }
#endif

}  // namespace eb::toeplitz_detail
