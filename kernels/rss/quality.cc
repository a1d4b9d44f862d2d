#include "kernels/rss/quality.h"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>

namespace eb {

LoadStats load_stats(const std::vector<uint64_t>& per_queue) {
  LoadStats s;
  uint64_t total = 0;
  for (uint64_t c : per_queue) total += c;
  if (per_queue.empty() || total == 0) return s;
  s.mean = double(total) / double(per_queue.size());
  s.max = *std::max_element(per_queue.begin(), per_queue.end());
  s.min = *std::min_element(per_queue.begin(), per_queue.end());
  s.max_over_mean = double(s.max) / s.mean;
  for (uint64_t c : per_queue) s.chi2 += (double(c) - s.mean) * (double(c) - s.mean) / s.mean;
  s.df = static_cast<unsigned>(per_queue.size() - 1);
  if (s.df > 0) {
    boost::math::chi_squared dist(s.df);
    s.p_value = boost::math::cdf(boost::math::complement(dist, s.chi2));
  }
  return s;
}

std::vector<uint8_t> reverse_tuple(const std::vector<uint8_t>& t, size_t addr_len) {
  std::vector<uint8_t> r(t.size());
  std::copy(t.begin() + addr_len, t.begin() + 2 * addr_len, r.begin());
  std::copy(t.begin(), t.begin() + addr_len, r.begin() + addr_len);
  if (t.size() > 2 * addr_len) {
    std::copy(t.begin() + 2 * addr_len + 2, t.begin() + 2 * addr_len + 4, r.begin() + 2 * addr_len);
    std::copy(t.begin() + 2 * addr_len, t.begin() + 2 * addr_len + 2, r.begin() + 2 * addr_len + 2);
  }
  return r;
}

RssQuality rss_key_quality(const RssFlowSet& flows, const RssPipeline& pipe, const RssPipeline& symmetric,
                           size_t max_split_examples) {
  RssQuality q;
  q.flows = flows.size();
  q.key.load.assign(pipe.config().queues, 0);
  q.symmetric.load.assign(symmetric.config().queues, 0);
  auto count = [&](KeyQuality& k, const RssPipeline& p, const std::vector<uint8_t>& tuple,
                   const std::vector<uint8_t>& rev, uint8_t alen) {
    const uint16_t a = p.queue_of(p.impl().hash(p.key(), tuple.data(), tuple.size()));
    const uint16_t b = p.queue_of(p.impl().hash(p.key(), rev.data(), rev.size()));
    ++k.load[a];
    if (a == b)
      ++k.both_directions_same_queue;
    else if (k.split_flows.size() < max_split_examples)
      k.split_flows.emplace_back(tuple, alen);
  };
  for (const auto& [ft, alen] : flows) {
    const auto& tuple = ft.second;
    const auto rev = reverse_tuple(tuple, alen);
    q.flows_with_reverse += flows.count({ft.first, rev}) != 0;
    count(q.key, pipe, tuple, rev, alen);
    count(q.symmetric, symmetric, tuple, rev, alen);
  }
  q.key.stats = load_stats(q.key.load);
  q.symmetric.stats = load_stats(q.symmetric.load);
  return q;
}

}  // namespace eb
