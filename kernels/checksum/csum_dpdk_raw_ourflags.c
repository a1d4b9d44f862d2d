/* The same DPDK inline source (rte_ip.h's rte_raw_cksum) compiled with encapbench's flags
 * (-march=x86-64-v2 -mpclmul -maes, the build type's optimisation), to separate DPDK's algorithm
 * from DPDK's build flags. */
#include <stddef.h>
#include <stdint.h>

#include <rte_ip.h>

uint16_t eb_dpdk_raw_cksum_ourflags(const void* buf, size_t len);

uint16_t eb_dpdk_raw_cksum_ourflags(const void* buf, size_t len) { return rte_raw_cksum(buf, len); }
