// The output capture of the subcommands that rewrite frames (segment, uso): frames are written in
// order, and the first write or close error is kept and stops further writes, so the command can
// report it once and exit 2 after accounting for what it did.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "datasets/pcap_io.h"

namespace eb::cli {

class FrameSink {
 public:
  std::optional<std::string> open(const std::string& path) { return writer_.open(path); }
  void emit(const uint8_t* p, size_t n, uint64_t timestamp_ns) {
    if (failed_) return;
    if (auto e = writer_.write({p, n}, timestamp_ns)) failed_ = true, error_ = *e;
  }
  void close() {
    if (auto e = writer_.close(); e && !failed_) failed_ = true, error_ = *e;
  }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

 private:
  PcapWriter writer_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace eb::cli
