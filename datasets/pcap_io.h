// pcap / pcapng in, pcap out, through libpcap.
//
// Reading: pcap_open_offline handles both classic pcap (micro- or nanosecond) and pcapng (any
// if_tsresol); timestamps come back in nanoseconds whatever the file's resolution. Every
// frame goes into a Corpus (parsed with the given ParseOptions: set large_send for LSO input).
// A damaged or truncated file stops the read with an error that names the file, the packet index
// and the byte offset of the record that failed, and libpcap's own words; the packets before the
// damage stay in the corpus. Only Ethernet (DLT_EN10MB) captures are accepted. Records larger
// than kPcapSnaplen are refused by libpcap itself ("invalid packet capture length"), so memory
// stays bounded whatever the file claims.
//
// Writing: classic pcap, DLT_EN10MB, snaplen kPcapSnaplen (256 KiB, so 64 KiB LSO super-packets
// fit), nanosecond timestamps by default (microsecond on request).
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>

#include "kernels/packet/corpus.h"

namespace eb {

constexpr uint32_t kPcapSnaplen = 262144;  // libpcap's MAXIMUM_SNAPLEN

struct PcapReadOptions {
  ParseOptions parse;       // passed to parse_nvgre for every frame
  size_t max_packets = 0;   // 0: all
};

struct PcapReadResult {
  size_t packets_read = 0;             // frames appended to the corpus by this call
  std::optional<std::string> error;    // set when the file could not be read to its end
  bool opened = false;                 // false: nothing could be read (missing file, not a capture, not Ethernet)
  uint64_t error_packet_index = 0;     // 0-based index of the record that failed (when opened && error)
  uint64_t error_byte_offset = 0;      // file offset where that record starts
  int link_type = -1;                  // DLT_* of the capture
  bool ok() const { return !error; }
};

// Appends every frame of `path` ("-" for stdin) to `out`.
PcapReadResult read_pcap(const std::string& path, Corpus& out, const PcapReadOptions& opt = {});

struct PcapWriteOptions {
  bool nanosecond = true;
};

// Streams frames into a classic pcap file ("-" for stdout).
class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Each returns an error message, or nothing on success.
  std::optional<std::string> open(const std::string& path, const PcapWriteOptions& opt = {});
  std::optional<std::string> write(std::span<const uint8_t> frame, uint64_t timestamp_ns, uint32_t wire_length = 0);
  std::optional<std::string> close();
  uint64_t packets_written() const { return written_; }

 private:
  void* pcap_ = nullptr;    // pcap_t*
  void* dumper_ = nullptr;  // pcap_dumper_t*
  std::string path_;
  bool nano_ = true;
  uint64_t written_ = 0;
};

// Writes the whole corpus (timestamps and wire lengths as stored).
std::optional<std::string> write_pcap(const std::string& path, const Corpus& corpus, const PcapWriteOptions& opt = {});

}  // namespace eb
