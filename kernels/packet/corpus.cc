// The corpus arena: one 64-byte aligned allocation holding every frame back to back, each frame
// starting on a 64-byte boundary (so kernels see cache-line-aligned packet starts, as a NIC's
// receive buffers would give them), with the parse result alongside.
#include "kernels/packet/corpus.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace eb {

namespace {
constexpr size_t kAlign = 64;
constexpr size_t round_up(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

uint8_t* alloc_arena(size_t bytes) {
  return static_cast<uint8_t*>(::operator new(bytes, std::align_val_t{kAlign}));
}
void free_arena(uint8_t* p) {
  if (p) ::operator delete(p, std::align_val_t{kAlign});
}
}  // namespace

Corpus::Corpus() = default;
Corpus::~Corpus() { free_arena(arena_); }

Corpus::Corpus(Corpus&& o) noexcept
    : arena_(o.arena_), used_(o.used_), capacity_(o.capacity_), packets_(std::move(o.packets_)) {
  o.arena_ = nullptr;
  o.used_ = o.capacity_ = 0;
  o.packets_.clear();
}

Corpus& Corpus::operator=(Corpus&& o) noexcept {
  if (this != &o) {
    free_arena(arena_);
    arena_ = o.arena_;
    used_ = o.used_;
    capacity_ = o.capacity_;
    packets_ = std::move(o.packets_);
    o.arena_ = nullptr;
    o.used_ = o.capacity_ = 0;
    o.packets_.clear();
  }
  return *this;
}

void Corpus::reserve(size_t packets, size_t bytes) {
  packets_.reserve(packets);
  // Each frame may cost up to 63 bytes of alignment padding.
  const size_t want = round_up(bytes + packets * (kAlign - 1));
  if (want <= capacity_) return;
  uint8_t* fresh = alloc_arena(want);
  if (used_) std::memcpy(fresh, arena_, used_);
  free_arena(arena_);
  arena_ = fresh;
  capacity_ = want;
}

void Corpus::add(std::span<const uint8_t> frame, std::string label, uint64_t timestamp_ns, uint32_t wire_length,
                 const ParseOptions& opt) {
  if (frame.size() > UINT32_MAX) throw std::length_error("Corpus::add: frame larger than 4 GiB");
  const size_t offset = round_up(used_);
  const size_t need = offset + round_up(frame.size());
  if (need > capacity_ || !arena_) {  // also when the first frame is empty: never arithmetic on a null arena
    size_t cap = std::max<size_t>(capacity_ ? capacity_ * 2 : 64 * 1024, need);
    uint8_t* fresh = alloc_arena(cap);
    if (used_) std::memcpy(fresh, arena_, used_);
    free_arena(arena_);
    arena_ = fresh;
    capacity_ = cap;
  }
  // Zero the alignment gap and the tail of the last cache line so the arena holds no
  // uninitialised bytes (kernels must not read them, but dumps and hashes of the arena may).
  std::memset(arena_ + used_, 0, offset - used_);
  if (!frame.empty()) std::memcpy(arena_ + offset, frame.data(), frame.size());
  std::memset(arena_ + offset + frame.size(), 0, round_up(frame.size()) - frame.size());
  used_ = offset + frame.size();

  CorpusPacket pk;
  pk.offset = offset;
  pk.length = static_cast<uint32_t>(frame.size());
  pk.wire_length = wire_length ? wire_length : pk.length;
  pk.timestamp_ns = timestamp_ns;
  pk.layout = parse_nvgre(arena_ + offset, frame.size(), opt);
  pk.label = std::move(label);
  packets_.push_back(std::move(pk));
}

uint64_t Corpus::total_bytes() const {
  uint64_t n = 0;
  for (const auto& p : packets_) n += p.length;
  return n;
}

}  // namespace eb
