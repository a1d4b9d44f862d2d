// The shared main() of every eb-bench-FAMILY binary: machine identity and the cycle/PMU sources
// go into the Google Benchmark context once, then the registered rows run.
#include <benchmark/benchmark.h>

#include "bench/common/bench_common.h"
#include "bench/common/machine.h"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const auto& [key, value] : eb::bench::run_context()) benchmark::AddCustomContext(key, value);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
