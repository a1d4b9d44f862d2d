/* DPDK's software Toeplitz (rte_softrss, rte_softrss_be) and its key helpers, as a DPDK
 * application gets them: compiled with `pkg-config --cflags libdpdk` and nothing of ours.
 * rte_softrss takes the tuple as host-order 32-bit words and reads key word j + 1 for input
 * word j, so the key handed to it is always the 56-byte zero-extended key (toeplitz.h: key bits
 * past the key are zero). Inputs whose length is not a multiple of 4 are zero-padded to whole
 * words, which adds only zero bits. */
#define ALLOW_EXPERIMENTAL_API 1
#define ALLOW_INTERNAL_API 1
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_thash.h>

uint32_t eb_dpdk_softrss(const uint8_t* key56, const uint8_t* in, size_t len);
uint32_t eb_dpdk_softrss_be(const uint32_t* key_words, const uint8_t* in, size_t len);
void eb_dpdk_prepare(const uint8_t* key56, uint64_t* matrices56, uint32_t* key_words14);

static inline uint32_t to_words(const uint8_t* in, size_t len, uint32_t* words) {
  size_t n = (len + 3) / 4, i;
  for (i = 0; i < n; ++i) {
    uint32_t w = 0;
    size_t b;
    for (b = 0; b < 4; ++b) w = (w << 8) | (4 * i + b < len ? in[4 * i + b] : 0);
    words[i] = w; /* host order, as rte_softrss wants */
  }
  return (uint32_t)n;
}

uint32_t eb_dpdk_softrss(const uint8_t* key56, const uint8_t* in, size_t len) {
  uint32_t words[14];
  uint32_t n = to_words(in, len, words);
  return rte_softrss(words, n, key56);
}

uint32_t eb_dpdk_softrss_be(const uint32_t* key_words, const uint8_t* in, size_t len) {
  uint32_t words[14];
  uint32_t n = to_words(in, len, words);
  return rte_softrss_be(words, n, (const uint8_t*)key_words);
}

void eb_dpdk_prepare(const uint8_t* key56, uint64_t* matrices56, uint32_t* key_words14) {
  rte_thash_complete_matrix(matrices56, key56, 56);
  rte_convert_rss_key((const uint32_t*)key56, key_words14, 56);
}
