// The parse family: the paths of the one NVGRE parser, and a peer, as registry rows (for the
// parse/IMPL/CORPUS benchmarks, `encapbench list` and the differential tests).
//
// Every record parses one frame and returns the header size it found (first byte of the frame
// to the end of the inner TCP/UDP header), 0 where it does not recognise the frame as NVGRE
// carrying TCP/UDP. `fast` is parse_nvgre (the fast path with the full parser behind it: what
// every family uses), `full` the full parser alone; `dpdk-ptype` is DPDK's rte_net_get_ptype
// over an rte_mbuf set up by hand around the same bytes (no EAL, no mempool), which recognises
// NVGRE and reports every header length: a packet classifier, not a validator (it checks no
// length against the frame), so it does less than ours.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernels/common/registry.h"

namespace eb {

struct ParseImpl {
  ImplInfo info;  // family "parse"
  int preferred_rank = 0;
  uint32_t (*header_size)(const uint8_t* frame, size_t len) = nullptr;
};

const std::vector<ParseImpl>& parse_impls();
const ParseImpl* find_parse(std::string_view name);

struct NvgreLayout;
// The fast path of parse_nvgre alone (nvgre_parse_fast.cc), for the differential tests: true if
// it took the frame and wrote `out` (which must be value-initialised), false if the frame is one
// for the full parser (`out` is then untouched). parse_nvgre is this, then the full parser on false.
bool parse_nvgre_fast_path(const uint8_t* data, size_t len, NvgreLayout& out);

}  // namespace eb

// The DPDK peer is a C translation unit compiled with DPDK's own flags.
extern "C" uint32_t eb_dpdk_ptype_header_size(const uint8_t* frame, size_t len);
