// RSS key quality over a set of flows: how evenly a key spreads the flows over the queues
// (per-queue load, max/mean, chi-square against uniform with its p-value), and whether both
// directions of every flow land on one queue (what a symmetric key promises). Used by
// `encapbench rss --quality`; the CLI only prints what this computes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "kernels/rss/pipeline.h"

namespace eb {

struct LoadStats {
  double mean = 0, max_over_mean = 0, chi2 = 0, p_value = 1;
  uint64_t max = 0, min = 0;
  unsigned df = 0;  // queues - 1
};
// Statistics of per-queue counts; the p-value is the chi-square upper tail (Boost.Math).
LoadStats load_stats(const std::vector<uint64_t>& per_queue);

// Distinct flows: (hash type, tuple bytes as hashed) -> address length of the tuple.
using RssFlowSet = std::map<std::pair<uint32_t, std::vector<uint8_t>>, uint8_t>;

// The reverse direction of a tuple: addresses swapped, ports (when present) swapped.
std::vector<uint8_t> reverse_tuple(const std::vector<uint8_t>& tuple, size_t addr_len);

struct KeyQuality {
  std::vector<uint64_t> load;   // flows per queue
  LoadStats stats;
  size_t both_directions_same_queue = 0;
  std::vector<std::pair<std::vector<uint8_t>, uint8_t>> split_flows;  // first few (tuple, addr_len) split by the key
};
struct RssQuality {
  size_t flows = 0;
  size_t flows_with_reverse = 0;  // flows whose reverse direction is in the set too
  KeyQuality key;                 // the pipeline's own key
  KeyQuality symmetric;           // the symmetric key over the same flows
};

// Hashes every flow and its reverse under `pipe` and under `symmetric` (the same configuration
// with kSymmetricRssKey), keeping up to `max_split_examples` split flows per key.
RssQuality rss_key_quality(const RssFlowSet& flows, const RssPipeline& pipe, const RssPipeline& symmetric,
                           size_t max_split_examples = 5);

}  // namespace eb
