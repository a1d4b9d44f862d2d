/* DPDK's rte_raw_cksum as a DPDK application gets it: this C file is compiled with exactly the
 * flags `pkg-config --cflags libdpdk` gives (-include rte_config.h -march=corei7 ...) and the
 * build type's optimisation level, nothing of encapbench's own flags. rte_raw_cksum is a static
 * inline in rte_ip.h, so no DPDK library is linked. */
#include <stddef.h>
#include <stdint.h>

#include <rte_ip.h>

uint16_t eb_dpdk_raw_cksum(const void* buf, size_t len);

uint16_t eb_dpdk_raw_cksum(const void* buf, size_t len) { return rte_raw_cksum(buf, len); }
