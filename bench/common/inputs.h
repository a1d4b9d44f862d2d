// The inputs the family benchmark files share, defined once: 64-byte aligned buffers, corpora
// generated on first use, and the header-size sweep over every outer/inner/L4 combination.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "kernels/packet/corpus.h"

namespace eb::bench {

// `n` bytes starting on a cache line, followed by slack up to the next multiple of 64 (so a
// kernel's aligned tail block stays inside the allocation). Random bytes from a generator seeded
// with `n` (the same bytes in every run), or zeros.
class AlignedBuffer {
 public:
  enum class Fill { random, zero };
  explicit AlignedBuffer(size_t n, Fill fill = Fill::random);
  uint8_t* data() { return p_.get(); }
  const uint8_t* data() const { return p_.get(); }
  size_t size() const { return n_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, Free> p_;
  size_t n_ = 0;
};

// A corpus shared by every implementation's row for the same input, generated on first use (so
// registering rows stays cheap); get() is safe to call from every thread of a row.
struct CorpusInput {
  std::string label;
  GeneratorConfig cfg;
  uint32_t header_size = 0;  // the header_size counter of its rows (0: not one size)
  Corpus& get();

 private:
  std::once_flag once_;
  std::unique_ptr<Corpus> corpus_;
};
using CorpusInputs = std::vector<std::shared_ptr<CorpusInput>>;

// One input of preset `preset` (with `packets` packets when non-zero).
std::shared_ptr<CorpusInput> preset_input(std::string label, std::string preset, uint64_t packets = 0);

// Per-packet corpora sized to this machine's caches (bench/common/machine.h, detect_caches): the
// same preset with as many packets as fill half of each data or unified cache level of cpu0
// (LABEL-l1, LABEL-l2, LABEL-l3 ...: resident in that level, not in the one below it), and
// LABEL-mem, four times the largest level and at least 64 MiB (DRAM-resident). Packet counts come
// from the preset's mean packet length (a 4096-packet sample). Without cache information the
// levels are taken as 32 KiB, 1 MiB and 32 MiB. The run context's `cache_corpora` lists the sizes.
struct CacheCorpus {
  std::string level;  // "l1", "l2", "l3", "mem"
  uint64_t bytes = 0;   // target corpus bytes (sum of packet lengths)
};
std::vector<CacheCorpus> cache_corpus_sizes();
CorpusInputs cache_level_inputs(const std::string& label, const std::string& preset);

// The header-size sweep: every outer x inner IP version and L4 protocol that `keep` accepts
// (default: TCP, and UDP as well in the full preset), at every size of header_sizes() the
// combination can take up to `max_header`, labelled "hs-COMBO-N" (e.g. hs-v4v6tcp-128).
struct SweepPoint {
  IpVersion outer, inner;
  L4Proto l4;
  uint32_t header_size;
  std::string label;
};
using SweepFilter = bool (*)(IpVersion outer, IpVersion inner, L4Proto l4);
std::vector<SweepPoint> header_sweep_points(uint32_t max_header = UINT32_MAX, SweepFilter keep = nullptr);

// The sweep as corpora: `packets` packets with `payload_len`-byte payloads per point. Sizes above
// 256 come from the `oversize` preset (the software-fallback region).
struct HeaderSweep {
  uint32_t packets = 64;
  uint32_t payload_len = 64;
  uint32_t max_header = UINT32_MAX;
};
CorpusInputs header_sweep_inputs(const HeaderSweep& sweep);

}  // namespace eb::bench
