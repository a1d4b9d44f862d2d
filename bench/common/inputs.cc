#include "bench/common/inputs.h"

#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>

#include "bench/common/bench_common.h"

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
