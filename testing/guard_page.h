// Guard-page buffers for kernel tests: a buffer whose last byte is immediately followed by an
// unmapped (PROT_NONE) page, so a kernel that reads or writes even one byte past the end faults
// instead of silently reading a neighbour. Header-only; used by every family's tests.
//
//   eb::test::GuardedBuffer buf(n);   // n bytes; buf.data() + n is the first PROT_NONE byte
//   eb::test::GuardedArena arena(4096);
//   uint8_t* p = arena.span(n);         // n bytes ending exactly at the guard page
//   uint8_t* q = arena.span_aligned(n, 13, &slack);  // q % 64 == 13, ends slack (< 64) bytes early
//
// The end is pinned to the guard page, so a start alignment and a zero-slack end cannot both be
// chosen for one length: sweep both (every length ending at the page, and every alignment).
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace eb::test {

inline size_t page_size() {
  static const size_t ps = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return ps;
}

// `size` usable bytes followed immediately by a PROT_NONE page. A second guard page sits
// before the mapping's data pages as well (underflow faults too, for offsets < page size).
class GuardedBuffer {
 public:
  GuardedBuffer() = default;
  explicit GuardedBuffer(size_t size) { allocate(size); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  GuardedBuffer(GuardedBuffer&& o) noexcept { swap(o); }
  GuardedBuffer& operator=(GuardedBuffer&& o) noexcept {
    if (this != &o) {
      release();
      swap(o);
    }
    return *this;
  }
  ~GuardedBuffer() { release(); }

  // (Re)maps for `size` bytes; old contents are lost. Bytes are zero-filled.
  void allocate(size_t size) {
    release();
    const size_t ps = page_size();
    const size_t data_pages = (size + ps - 1) / ps;
    map_len_ = (data_pages + 2) * ps;  // guard | data pages | guard
    void* m = mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("GuardedBuffer: mmap failed");
    map_ = static_cast<uint8_t*>(m);
    if (mprotect(map_, ps, PROT_NONE) != 0 ||
        mprotect(map_ + (data_pages + 1) * ps, ps, PROT_NONE) != 0) {
      munmap(map_, map_len_);
      map_ = nullptr;
      throw std::runtime_error("GuardedBuffer: mprotect failed");
    }
    size_ = size;
    data_ = map_ + (data_pages + 1) * ps - size;  // the last byte touches the guard page
  }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  uint8_t* begin() { return data_; }
  uint8_t* end() { return data_ + size_; }
  // The first byte of the PROT_NONE page.
  const uint8_t* guard() const { return data_ + size_; }

  void fill(uint8_t v) { std::memset(data_, v, size_); }
  void copy_from(const void* src, size_t n) {
    if (n > size_) throw std::length_error("GuardedBuffer::copy_from: too long");
    std::memcpy(data_, src, n);
  }

 private:
  void release() {
    if (map_) munmap(map_, map_len_);
    map_ = data_ = nullptr;
    size_ = map_len_ = 0;
  }
  void swap(GuardedBuffer& o) noexcept {
    std::swap(map_, o.map_);
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(map_len_, o.map_len_);
  }
  uint8_t* map_ = nullptr;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t map_len_ = 0;
};

// Output buffers: the same layout, named for intent (a kernel writing one byte past `n` faults).
using GuardedOutput = GuardedBuffer;

// A reusable arena for sweeping lengths: one mapping of `max_size` bytes ending at the guard
// page; span(n) returns the n bytes that end exactly at the guard page, so every length tested
// ends at the page boundary without remapping. For start alignments, the start address of
// span(n) is (page end - n): every alignment 0..63 is reached as n varies, and
// span_aligned(n, a) gives a start with (addr % 64) == a by ending `slack` bytes before the
// guard (slack < 64), which the caller must report if it matters.
class GuardedArena {
 public:
  explicit GuardedArena(size_t max_size) : buf_(max_size + 64) {}
  // n bytes ending exactly at the guard page.
  uint8_t* span(size_t n) { return buf_.end() - n; }
  // n bytes starting at an address with (addr % 64) == align, ending as close to the guard page
  // as that allows (0..63 bytes before it). *slack receives the gap.
  uint8_t* span_aligned(size_t n, size_t align, size_t* slack = nullptr) {
    uint8_t* end = buf_.end();
    uintptr_t start = reinterpret_cast<uintptr_t>(end - n);
    size_t s = (start - align) & 63;  // move down to the wanted alignment
    if (slack) *slack = s;
    return reinterpret_cast<uint8_t*>(start - s);
  }
  size_t capacity() const { return buf_.size(); }
  GuardedBuffer& buffer() { return buf_; }

 private:
  GuardedBuffer buf_;
};

}  // namespace eb::test
