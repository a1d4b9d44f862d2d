#include "bench/common/inputs.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>

#include "bench/common/bench_common.h"
#include "bench/common/machine.h"

namespace eb::bench {

void AlignedBuffer::Free::operator()(uint8_t* p) const { std::free(p); }

AlignedBuffer::AlignedBuffer(size_t n, Fill fill) : n_(n) {
  const size_t cap = (n + 64 + 63) / 64 * 64;
  p_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, cap)));
  if (!p_) throw std::bad_alloc();
  if (fill == Fill::zero) {
    std::memset(p_.get(), 0, cap);
    return;
  }
  std::mt19937_64 rng(n);
  for (size_t i = 0; i < cap; ++i) p_.get()[i] = static_cast<uint8_t>(rng());
}

Corpus& CorpusInput::get() {
  std::call_once(once_, [this] { corpus_ = std::make_unique<Corpus>(generate_corpus(cfg)); });
  return *corpus_;
}

std::shared_ptr<CorpusInput> preset_input(std::string label, std::string preset, uint64_t packets) {
  auto in = std::make_shared<CorpusInput>();
  in->label = std::move(label);
  in->cfg.preset = std::move(preset);
  if (packets) in->cfg.packets = packets;
  return in;
}

std::vector<CacheCorpus> cache_corpus_sizes() {
  std::string source;
  std::vector<CacheLevel> caches = detect_caches(&source);
  std::vector<uint64_t> levels;  // bytes per level 1, 2, ... (data or unified caches only)
  for (const CacheLevel& c : caches) {
    if (c.type == "Instruction" || c.level < 1) continue;
    if (levels.size() < static_cast<size_t>(c.level)) levels.resize(static_cast<size_t>(c.level), 0);
    levels[static_cast<size_t>(c.level) - 1] = std::max(levels[static_cast<size_t>(c.level) - 1], c.bytes);
  }
  levels.erase(std::remove(levels.begin(), levels.end(), uint64_t{0}), levels.end());
  if (levels.empty()) levels = {32u << 10, 1u << 20, 32u << 20};
  std::vector<CacheCorpus> v;
  for (size_t i = 0; i < levels.size(); ++i) v.push_back({"l" + std::to_string(i + 1), levels[i] / 2});
  v.push_back({"mem", std::max<uint64_t>(4 * levels.back(), uint64_t{64} << 20)});
  return v;
}

CorpusInputs cache_level_inputs(const std::string& label, const std::string& preset) {
  GeneratorConfig sample_cfg;
  sample_cfg.preset = preset;
  sample_cfg.packets = 4096;
  const Corpus sample = generate_corpus(sample_cfg);
  const double mean = sample.size() ? static_cast<double>(sample.total_bytes()) / static_cast<double>(sample.size()) : 64.0;
  const std::vector<CacheCorpus> sizes = cache_corpus_sizes();
  static std::once_flag described;
  std::call_once(described, [&sizes] {
    std::string d;
    for (const CacheCorpus& c : sizes) d += (d.empty() ? "" : ", ") + c.level + " " + size_label(c.bytes);
    add_context("cache_corpora", d + " of packets (half of each cache level of cpu0; mem: 4x the largest)");
  });
  CorpusInputs v;
  for (const CacheCorpus& c : sizes) {
    const auto packets = static_cast<uint64_t>(std::max(16.0, static_cast<double>(c.bytes) / mean));
    v.push_back(preset_input(label + "-" + c.level, preset, packets));
  }
  return v;
}

std::vector<SweepPoint> header_sweep_points(uint32_t max_header, SweepFilter keep) {
  std::vector<SweepPoint> v;
  for (IpVersion o : {IpVersion::v4, IpVersion::v6})
    for (IpVersion i : {IpVersion::v4, IpVersion::v6})
      for (L4Proto l4 : {L4Proto::tcp, L4Proto::udp}) {
        if (keep ? !keep(o, i, l4) : preset() == Preset::quick && l4 == L4Proto::udp) continue;
        const uint32_t mn = min_header_size(o, i, l4), mx = max_header_size(o, i, l4);
        for (int hs : header_sizes(static_cast<int>(mn))) {
          const auto size = static_cast<uint32_t>(hs);
          if (size > mx || size > max_header) continue;
          v.push_back({o, i, l4, size, "hs-" + combo_name(o, i, l4) + "-" + std::to_string(hs)});
        }
      }
  return v;
}

CorpusInputs header_sweep_inputs(const HeaderSweep& sweep) {
  CorpusInputs v;
  for (const SweepPoint& pt : header_sweep_points(sweep.max_header)) {
    auto in = std::make_shared<CorpusInput>();
    in->label = pt.label;
    in->cfg.preset = pt.header_size > kDefaultMaxHeaderSize ? "oversize" : "header-sweep";
    in->cfg.outer = pt.outer;
    in->cfg.inner = pt.inner;
    in->cfg.l4 = pt.l4;
    in->cfg.header_size = pt.header_size;
    in->cfg.packets = sweep.packets;
    in->cfg.payload_mode = PayloadMode::fixed;
    in->cfg.payload_len = sweep.payload_len;
    in->header_size = pt.header_size;
    v.push_back(in);
  }
  return v;
}

}  // namespace eb::bench
