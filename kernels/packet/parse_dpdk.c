/* DPDK peer of the parse family: rte_net_get_ptype over an rte_mbuf set up by hand around the
 * caller's bytes (one segment, data at buf_addr, no EAL or mempool needed: rte_net_get_ptype only
 * reads through rte_pktmbuf_read). Compiled with pkg-config libdpdk's cflags, as a DPDK
 * application would be. Returns the header size DPDK's lengths add up to for an NVGRE packet
 * with inner TCP/UDP, else 0. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_net.h>

uint32_t eb_dpdk_ptype_header_size(const uint8_t* frame, size_t len) {
  struct rte_mbuf m;
  memset(&m, 0, sizeof m);
  m.buf_addr = (void*)frame;
  m.data_off = 0;
  m.data_len = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
  m.pkt_len = (uint32_t)len;
  m.nb_segs = 1;
  m.next = NULL;
  struct rte_net_hdr_lens h;
  const uint32_t pt = rte_net_get_ptype(&m, &h, RTE_PTYPE_ALL_MASK);
  if ((pt & RTE_PTYPE_TUNNEL_MASK) != RTE_PTYPE_TUNNEL_NVGRE) return 0;
  const uint32_t l4 = pt & RTE_PTYPE_INNER_L4_MASK;
  if (l4 != RTE_PTYPE_INNER_L4_TCP && l4 != RTE_PTYPE_INNER_L4_UDP) return 0;
  return (uint32_t)h.l2_len + h.l3_len + h.tunnel_len + h.inner_l2_len + h.inner_l3_len + h.inner_l4_len;
}
