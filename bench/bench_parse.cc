// The parse family (eb-bench-parse): every parse record over the same corpora, per packet.
//
// Rows: parse/IMPL/CORPUS, IMPL one of parse_impls() (fast = parse_nvgre, full = the full parser
// alone, dpdk-ptype = DPDK's rte_net_get_ptype over the same bytes), CORPUS:
//   mixed         the generator's everything-at-random preset (options, extension headers, VLAN,
//                 GRE C/S, every size): the fast path's worst case
//   header-sweep  every header size up to 256 of every IP/L4 combination
//   imix          64/576/1500-byte outer packets, 7:4:1
//   default       the generator's default mix (the rxpath corpus)
// Each iteration parses every packet of the corpus once; counters give ns/packet.
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "kernels/packet/parse.h"

namespace eb {
namespace {

void bm_parse(benchmark::State& state, const ParseImpl& impl, bench::CorpusInput& in) {
  const Corpus& c = in.get();
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

const int registered = [] {
  static const bench::CorpusInputs inputs = {bench::preset_input("mixed", "mixed"),
                                             bench::preset_input("header-sweep", "header-sweep"),
                                             bench::preset_input("imix", "imix"),
                                             bench::preset_input("default", "default")};
  for (const auto& in : inputs)
    for (const auto& r : parse_impls()) {
      const ParseImpl* impl = &r;
      bench::CorpusInput* input = in.get();
      bench::register_row("parse", r.info, in->label, [impl, input](benchmark::State& s) {
        if (!impl->header_size) return s.SkipWithError(impl->info.why_unsupported().c_str());
        bm_parse(s, *impl, *input);
      });
    }
  return 0;
}();

}  // namespace
}  // namespace eb
