// A test-only benchmark binary for the harness's own tests: two small rows that run anywhere and
// one row whose implementation is unavailable. It is built into its own directory (not bin/) so
// `encapbench run` over the real suite never picks it up; tests point --bench-dir at it.
#include <cstdint>
#include <numeric>
#include <vector>

#include "bench/common/bench_common.h"

namespace {

eb::ImplInfo make_info(const char* name, eb::ImplKind kind, const char* unavailable = "") {
  eb::ImplInfo i;
  i.family = "selftest";
  i.name = name;
  i.kind = kind;
  i.description = "harness self-test row";
  i.unavailable_reason = unavailable;
  return i;
}

// Sums a buffer with a data-dependent loop the compiler cannot remove: deterministic instruction
// count per byte, which the --instructions repeatability test relies on. Not inlined, so every
// row runs the same machine code whatever its length (call sites hide constant lengths too, or
// GCC clones a specialised copy).
__attribute__((noinline)) void bm_sum(benchmark::State& state, size_t len) {
  std::vector<uint8_t> buf(len);
  std::iota(buf.begin(), buf.end(), uint8_t{1});
  eb::bench::timed_region_begins();
  for (auto _ : state) {
    uint64_t s = 0;
    const uint8_t* p = buf.data();
    benchmark::DoNotOptimize(p);
    for (size_t i = 0; i < len; ++i) s += p[i];
    benchmark::DoNotOptimize(s);
  }
  eb::bench::set_counters(state, static_cast<double>(len), 1, 42);
}

const int registered = [] {
  static const eb::ImplInfo sum = make_info("sum", eb::ImplKind::reference);
  static const eb::ImplInfo missing = make_info("missing", eb::ImplKind::implementation, "not built in (self-test)");
  std::vector<size_t> sizes = {256};
  if (eb::bench::preset() == eb::bench::Preset::full) sizes.push_back(4096);
  for (size_t len : sizes)
    eb::bench::register_row("selftest", sum, std::to_string(len), [len](benchmark::State& s) { bm_sum(s, len); });
  // Two threads, wall-clock time: exercises the "/real_time/threads:2" name suffixes.
  eb::bench::register_row("selftest", sum, "256-mt", [](benchmark::State& s) {
    size_t len = 256;
    benchmark::DoNotOptimize(len);
    bm_sum(s, len);
  })
      ->Threads(2)
      ->UseRealTime();
  eb::bench::register_row("selftest", missing, "256", [](benchmark::State& s) {
    for (auto _ : s) {
    }
  });
  return 0;
}();

}  // namespace
