/* DPDK's GFNI Toeplitz (rte_thash_gfni, rte_thash_gfni_bulk). These are static inlines that exist
 * only when the translation unit is compiled with -mgfni -mavx512f ... (rte_thash_x86_gfni.h);
 * otherwise DPDK substitutes stubs returning 0. So this file alone gets those flags, on top of
 * DPDK's pkg-config cflags. It is entered only after eb::cpu_has() confirmed GFNI + AVX-512
 * (Debian's rte_thash_gfni_supported() answers 0 whatever the CPU). */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include <stddef.h>
#include <stdint.h>

#include <rte_thash.h>

int eb_dpdk_gfni_compiled(void);
uint32_t eb_dpdk_thash_gfni(const uint64_t* m, const uint8_t* in, size_t len);
void eb_dpdk_thash_gfni_bulk(const uint64_t* m, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out);
void eb_dpdk_thash_gfni_bulk_strided(const uint64_t* m, const uint8_t* base, size_t stride, size_t len, size_t count,
                                     uint32_t* out);

#ifdef RTE_THASH_GFNI_DEFINED
int eb_dpdk_gfni_compiled(void) { return 1; }

uint32_t eb_dpdk_thash_gfni(const uint64_t* m, const uint8_t* in, size_t len) {
  return rte_thash_gfni(m, in, (int)len);
}

/* len == 0: __rte_thash_gfni with a secondary tuple reads permute_mask_2 uninitialised (it is
 * only set inside the chunk loop, which does not run), so the pair's hashes are garbage. The
 * Toeplitz hash of an empty input is 0; answer that instead of calling DPDK. */
void eb_dpdk_thash_gfni_bulk(const uint64_t* m, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  if (len == 0) {
    size_t i;
    for (i = 0; i < count; ++i) out[i] = 0;
    return;
  }
  rte_thash_gfni_bulk(m, (int)len, (uint8_t**)(uintptr_t)tuples, out, (uint32_t)count);
}

/* A strided array through the pointer interface, 64 pointers at a time (what a DPDK caller with
 * tuples in an array would write). */
void eb_dpdk_thash_gfni_bulk_strided(const uint64_t* m, const uint8_t* base, size_t stride, size_t len, size_t count,
                                     uint32_t* out) {
  uint8_t* ptrs[64];
  size_t done = 0;
  if (len == 0) {
    eb_dpdk_thash_gfni_bulk(m, 0, 0, count, out);
    return;
  }
  while (done < count) {
    size_t n = count - done < 64 ? count - done : 64, i;
    for (i = 0; i < n; ++i) ptrs[i] = (uint8_t*)(uintptr_t)(base + (done + i) * stride);
    rte_thash_gfni_bulk(m, (int)len, ptrs, out + done, (uint32_t)n);
    done += n;
  }
}
#else
int eb_dpdk_gfni_compiled(void) { return 0; }
uint32_t eb_dpdk_thash_gfni(const uint64_t* m, const uint8_t* in, size_t len) {
  (void)m, (void)in, (void)len;
  return 0;
}
void eb_dpdk_thash_gfni_bulk(const uint64_t* m, const uint8_t* const* tuples, size_t len, size_t count, uint32_t* out) {
  (void)m, (void)tuples, (void)len, (void)count, (void)out;
}
void eb_dpdk_thash_gfni_bulk_strided(const uint64_t* m, const uint8_t* base, size_t stride, size_t len, size_t count,
                                     uint32_t* out) {
  (void)m, (void)base, (void)stride, (void)len, (void)count, (void)out;
}
#endif
