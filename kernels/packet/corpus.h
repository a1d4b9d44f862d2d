// The corpus arena: packets packed back to back, each starting on a 64-byte boundary, with a
// side table of {offset, length, parsed layout or parse error}. Loaded once; every kernel, test
// and benchmark reads it; nothing in a hot loop allocates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/packet/nvgre.h"

namespace eb {

struct CorpusPacket {
  uint64_t offset = 0;        // into Corpus::bytes(), a multiple of 64
  uint32_t length = 0;        // captured bytes
  uint32_t wire_length = 0;   // original length on the wire (pcap orig_len)
  uint64_t timestamp_ns = 0;
  NvgreLayout layout;         // parse result (layout.error says if it failed)
  std::string label;          // generator's label: preset case, or the expected ParseError name for `malformed`
};

class Corpus {
 public:
  Corpus();
  ~Corpus();
  Corpus(Corpus&&) noexcept;
  Corpus& operator=(Corpus&&) noexcept;

  // Appends a frame (copied into the arena, 64-byte aligned) and parses it with `opt`.
  void add(std::span<const uint8_t> frame, std::string label = {}, uint64_t timestamp_ns = 0,
           uint32_t wire_length = 0, const ParseOptions& opt = {});
  void reserve(size_t packets, size_t bytes);

  size_t size() const { return packets_.size(); }
  const CorpusPacket& operator[](size_t i) const { return packets_[i]; }
  const std::vector<CorpusPacket>& packets() const { return packets_; }
  const uint8_t* data(size_t i) const { return arena_ + packets_[i].offset; }
  uint8_t* mutable_data(size_t i) { return arena_ + packets_[i].offset; }
  std::span<const uint8_t> frame(size_t i) const { return {data(i), packets_[i].length}; }
  uint64_t total_bytes() const;  // sum of lengths
  uint8_t* arena() { return arena_; }
  const uint8_t* arena() const { return arena_; }

 private:
  uint8_t* arena_ = nullptr;  // 64-byte aligned
  size_t used_ = 0, capacity_ = 0;
  std::vector<CorpusPacket> packets_;
};

}  // namespace eb
