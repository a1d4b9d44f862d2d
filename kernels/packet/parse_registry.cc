// The parse family's registry (parse.h).
#include <string>

#include "kernels/packet/nvgre.h"
#include "kernels/packet/parse.h"

namespace eb {

namespace {

uint32_t header_size_of(const NvgreLayout& L) { return L.ok() ? L.header_size : 0; }
uint32_t parse_fast_path(const uint8_t* f, size_t n) { return header_size_of(parse_nvgre(f, n)); }
uint32_t parse_full(const uint8_t* f, size_t n) { return header_size_of(parse_nvgre_full(f, n)); }
#ifdef EB_HAVE_DPDK
constexpr bool kDpdkBuiltIn = true;
uint32_t parse_dpdk(const uint8_t* f, size_t n) { return eb_dpdk_ptype_header_size(f, n); }
#else
constexpr bool kDpdkBuiltIn = false;
constexpr uint32_t (*parse_dpdk)(const uint8_t*, size_t) = nullptr;
#endif

std::vector<ParseImpl> make_registry() {
  RecordList<ParseImpl> list("parse");
  list.add("full", ImplKind::reference, 0, 0,
           "the full NVGRE parser alone (parse_nvgre_full): every option, extension header and error")
      .header_size = parse_full;
  list.add("fast", ImplKind::implementation, 10, 0,
           "parse_nvgre: branch-light fast path for the common shapes, the full parser for the rest")
      .header_size = parse_fast_path;
  list.add("dpdk-ptype", ImplKind::peer, 500, 0,
           "DPDK rte_net_get_ptype + rte_net_hdr_lens over a hand-made rte_mbuf (classifies, does not validate)",
           dpdk_unavailable_reason(kDpdkBuiltIn))
      .header_size = parse_dpdk;
  return std::move(list).ordered();
}

}  // namespace

const std::vector<ParseImpl>& parse_impls() {
  static const std::vector<ParseImpl> impls = make_registry();
  return impls;
}

const ParseImpl* find_parse(std::string_view name) { return find_impl(parse_impls(), name); }

}  // namespace eb
