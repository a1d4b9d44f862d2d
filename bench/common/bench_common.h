// What every benchmark file shares: the counters every row carries and the naming rule
// FAMILY/IMPL/INPUT. Context (machine identity, cycle source, PMU) is added once by bench_main.
#pragma once
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <string>

#include "kernels/common/registry.h"

namespace eb::bench {

// Register `fn` as FAMILY/IMPL/INPUT. If the implementation cannot run on this CPU the row is
// still registered and reports SkipWithError(reason), so the table shows why it is missing.
benchmark::internal::Benchmark* register_row(const std::string& family, const ImplInfo& impl,
                                             const std::string& input,
                                             std::function<void(benchmark::State&)> fn);

// Set the standard counters after the timed loop: bytes and packets per second, ns and TSC ticks
// per byte and per packet, header size when known (0 = not applicable), and PMU counters when
// the machine has them. `bytes_per_iter` and `packets_per_iter` describe one iteration.
void set_counters(benchmark::State& state, double bytes_per_iter, double packets_per_iter,
                  double header_size = 0);

}  // namespace eb::bench
