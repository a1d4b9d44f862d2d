// The parse family (eb-bench-parse): every parse record over the same corpora, per packet.
//
// Rows: parse/IMPL/CORPUS, IMPL one of parse_impls() (fast = parse_nvgre, full = the full parser
// alone, dpdk-ptype = DPDK's rte_net_get_ptype over the same bytes), CORPUS:
//   mixed           the generator's everything-at-random preset (options, extension headers, VLAN,
//                   GRE C/S, every size): the fast path's worst case
//   mixed-by-shape  diagnostic: the very packets of `mixed` (same bytes), reordered so that frames
//                   of one shape follow each other (sorted by the parsed layout's shape: IP versions,
//                   VLAN, header lengths, extension-header count and addresses, GRE length, L4).
//                   The branches then follow a pattern the predictor learns; `mixed` minus
//                   `mixed-by-shape` is what the random order costs (mispredicted branches)
//   header-sweep    every header size up to 256 of every IP/L4 combination
//   imix            64/576/1500-byte outer packets, 7:4:1
//   default         the generator's default mix (the rxpath corpus)
//   mixed-l1 .. mixed-mem
//                   the mixed preset with as many packets as fill half of L1, L2, L3, and a
//                   DRAM-resident corpus (bench::cache_level_inputs): where a parse falls off each
//                   cache (a parse reads 1-5 cache lines of each packet)
// Each iteration parses every packet of the corpus once; counters give ns/packet.
#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "kernels/packet/parse.h"

namespace eb {
namespace {

void bm_parse(benchmark::State& state, const ParseImpl& impl, const Corpus& c) {
  const size_t n = c.size();
  uint64_t found = 0;
  bench::timed_region_begins();
  for (auto _ : state) {
    uint64_t s = 0;
    for (size_t i = 0; i < n; ++i) s += impl.header_size(c.data(i), c[i].length);
    found = s;
    benchmark::DoNotOptimize(found);
  }
  bench::set_counters(state, static_cast<double>(c.total_bytes()), static_cast<double>(n));
}

// What decides the parser's branches on a frame: sorting by it puts frames of one shape together.
auto shape_key(const NvgreLayout& L) {
  auto ip = [](const IpLayout& p) {
    return std::make_tuple(static_cast<int>(p.version), p.header_len, p.ext_count, p.ip6_home_addr_offset != 0,
                           p.ip6_rt2_addr_offset != 0);
  };
  return std::make_tuple(static_cast<int>(L.error), ip(L.outer), L.outer_vlan, L.gre_len, ip(L.inner),
                         static_cast<int>(L.l4), L.l4_header_len);
}

// The packets of `from` (same bytes, same lengths) ordered by shape; a stable sort, so frames of
// one shape keep their order.
struct ByShape {
  std::shared_ptr<bench::CorpusInput> from;
  std::once_flag once;
  std::unique_ptr<Corpus> corpus;
  const Corpus& get() {
    std::call_once(once, [this] {
      const Corpus& c = from->get();
      std::vector<size_t> order(c.size());
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [&c](size_t a, size_t b) { return shape_key(c[a].layout) < shape_key(c[b].layout); });
      corpus = std::make_unique<Corpus>();
      corpus->reserve(c.size(), c.total_bytes() + 64 * c.size());
      for (size_t i : order) corpus->add(c.frame(i), c[i].label, c[i].timestamp_ns, c[i].wire_length);
    });
    return *corpus;
  }
};

void register_rows(const std::string& label, std::function<const Corpus&()> corpus) {
  for (const auto& r : parse_impls()) {
    const ParseImpl* impl = &r;
    bench::register_row("parse", r.info, label, [impl, corpus](benchmark::State& s) {
      if (!impl->header_size) return s.SkipWithError(impl->info.why_unsupported().c_str());
      bm_parse(s, *impl, corpus());
    });
  }
}

const int registered = [] {
  static const bench::CorpusInputs inputs = {bench::preset_input("mixed", "mixed"),
                                             bench::preset_input("header-sweep", "header-sweep"),
                                             bench::preset_input("imix", "imix"),
                                             bench::preset_input("default", "default")};
  static ByShape by_shape{inputs[0], {}, {}};
  for (const auto& in : inputs) {
    bench::CorpusInput* input = in.get();
    register_rows(in->label, [input]() -> const Corpus& { return input->get(); });
    if (in == inputs[0]) register_rows("mixed-by-shape", []() -> const Corpus& { return by_shape.get(); });
  }
  // Cost as the working set grows: the mixed corpus resident in L1, L2, L3 and DRAM (every record).
  static const bench::CorpusInputs levels = bench::cache_level_inputs("mixed", "mixed");
  for (const auto& in : levels) {
    bench::CorpusInput* input = in.get();
    register_rows(in->label, [input]() -> const Corpus& { return input->get(); });
  }
  return 0;
}();

}  // namespace
}  // namespace eb
