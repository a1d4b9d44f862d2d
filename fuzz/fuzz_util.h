// Small helpers shared by the fuzz targets: a checked assertion that aborts with a message (so
// libFuzzer and the replay driver both report it), a byte reader that carves parameters out of
// the fuzz input, and exact-size heap buffers at a chosen alignment (a sanitizer then sees any
// access one byte past either end).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#define FUZZ_CHECK(cond, ...)                                                        \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                             \
      std::fprintf(stderr, "\n");                                                    \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace eb::fuzz {

// Takes parameters from the front of the input; past the end it yields zeros.
class Reader {
 public:
  Reader(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  uint8_t u8() { return pos_ < n_ ? d_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return u16() | (static_cast<uint32_t>(u16()) << 16); }
  bool flag() { return u8() & 1; }
  // The rest of the input.
  const uint8_t* rest() const { return d_ + pos_; }
  size_t remaining() const { return n_ - pos_; }
  // Up to n bytes (fewer when the input runs out).
  const uint8_t* take(size_t n, size_t* got) {
    *got = n < remaining() ? n : remaining();
    const uint8_t* p = d_ + pos_;
    pos_ += *got;
    return p;
  }

 private:
  const uint8_t* d_;
  size_t n_;
  size_t pos_ = 0;
};

// `size` bytes starting at an address with (addr % 64) == align, ending exactly at the end of the
// heap allocation. The `align` bytes in front of it are filled with `canary` (check_front()).
class ExactBuffer {
 public:
  ExactBuffer(size_t size, size_t align, uint8_t canary = 0xA5) : size_(size), align_(align % 64), canary_(canary) {
    void* p = nullptr;
    if (posix_memalign(&p, 64, align_ + size_ ? align_ + size_ : 1) != 0) std::abort();
    base_ = static_cast<uint8_t*>(p);
    std::memset(base_, canary_, align_);
  }
  ~ExactBuffer() { std::free(base_); }
  ExactBuffer(const ExactBuffer&) = delete;
  ExactBuffer& operator=(const ExactBuffer&) = delete;
  uint8_t* data() { return base_ + align_; }
  size_t size() const { return size_; }
  bool front_intact() const {
    for (size_t i = 0; i < align_; ++i)
      if (base_[i] != canary_) return false;
    return true;
  }

 private:
  uint8_t* base_ = nullptr;
  size_t size_, align_;
  uint8_t canary_;
};

}  // namespace eb::fuzz
