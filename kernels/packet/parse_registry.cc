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
uint32_t parse_dpdk(const uint8_t* f, size_t n) { return eb_dpdk_ptype_header_size(f, n); }
#endif

ParseImpl make(const char* name, ImplKind kind, int rank, const char* description, uint32_t (*fn)(const uint8_t*, size_t)) {
  ParseImpl r;
  r.info.family = "parse";
  r.info.name = name;
  r.info.kind = kind;
  r.info.description = description;
  r.preferred_rank = rank;
  r.header_size = fn;
  return r;
}

std::vector<ParseImpl> make_registry() {
  std::vector<ParseImpl> v;
  v.push_back(make("full", ImplKind::reference, 1000,
                   "the full NVGRE parser alone (parse_nvgre_full): every option, extension header and error", parse_full));
  v.push_back(make("fast", ImplKind::implementation, 10,
                   "parse_nvgre: branch-light fast path for the common shapes, the full parser for the rest",
                   parse_fast_path));
#ifdef EB_HAVE_DPDK
  v.push_back(make("dpdk-ptype", ImplKind::peer, 500,
                   "DPDK rte_net_get_ptype + rte_net_hdr_lens over a hand-made rte_mbuf (classifies, does not validate)",
                   parse_dpdk));
#else
  ParseImpl p = make("dpdk-ptype", ImplKind::peer, 500, "DPDK rte_net_get_ptype", nullptr);
  p.info.unavailable_reason = "built without DPDK";
  v.push_back(p);
#endif
  return v;
}

}  // namespace

const std::vector<ParseImpl>& parse_impls() {
  static const std::vector<ParseImpl> impls = make_registry();
  return impls;
}

const ParseImpl* find_parse(std::string_view name) { return find_impl(parse_impls(), name); }

}  // namespace eb
