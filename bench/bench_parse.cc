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
#include "datasets/generator.h"
#include "kernels/packet/parse.h"

namespace eb {
namespace {

struct ParseInput {
  std::string preset;
  std::shared_ptr<Corpus> corpus;  // generated on first use
  const Corpus& get() {
    if (!corpus) {
      GeneratorConfig cfg;
      cfg.preset = preset;
      corpus = std::make_shared<Corpus>(generate_corpus(cfg));
    }
    return *corpus;
  }
};

void bm_parse(benchmark::State& state, const ParseImpl& impl, const std::shared_ptr<ParseInput>& in) {
  const Corpus& c = in->get();
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
  for (const char* preset : {"mixed", "header-sweep", "imix", "default"}) {
    auto in = std::make_shared<ParseInput>();
    in->preset = preset;
    for (const auto& r : parse_impls()) {
      const ParseImpl* impl = &r;
      bench::register_row("parse", r.info, preset, [impl, in](benchmark::State& s) {
        if (!impl->header_size) return s.SkipWithError(impl->info.why_unsupported().c_str());
        bm_parse(s, *impl, in);
      });
    }
  }
  return 0;
}();

}  // namespace
}  // namespace eb
