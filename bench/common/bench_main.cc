// The shared main() of every eb-bench-FAMILY binary: machine identity and the cycle/PMU sources
// go into the Google Benchmark context once, then the registered rows run.
//
// `--eb_rows_json` (before any Google Benchmark flag) prints every registered row with its
// operation, implementation family, name, kind, input and support on this CPU as a JSON array,
// and exits: `encapbench run` copies these fields into each result row.
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/common/bench_common.h"
#include "bench/common/machine.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--eb_rows_json") == 0) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : eb::bench::registered_rows())
      rows.push_back({{"name", r.name},
                      {"operation", r.operation},
                      {"family", r.family},
                      {"implementation", r.impl},
                      {"input", r.input},
                      {"kind", eb::to_string(r.kind)},
                      {"description", r.description},
                      {"supported", r.supported},
                      {"why_unsupported", r.why_unsupported}});
    std::cout << rows.dump() << "\n";
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const auto& [key, value] : eb::bench::run_context()) benchmark::AddCustomContext(key, value);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
