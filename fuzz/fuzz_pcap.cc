// Fuzz target: read_pcap (libpcap underneath: classic pcap and pcapng) on arbitrary file bytes.
// The bytes go into a memfd that read_pcap opens by its /proc path, like any file. Checked:
// no crash, no sanitizer report, memory bounded (libFuzzer's -rss_limit_mb / -malloc_limit_mb),
// and the result is consistent: a file that did not open yields no packets; every packet is at
// most kPcapSnaplen bytes and carries exactly parse_nvgre's layout of its bytes; what was read
// writes back (write_pcap) and reads again to the same frames.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "kernels/packet/corpus.h"
#include "datasets/pcap_io.h"
#include "fuzz/fuzz_util.h"

namespace {

struct MemFile {
  int fd = -1;
  std::string path;
  explicit MemFile(const char* name) {
    fd = memfd_create(name, 0);
    if (fd < 0) std::abort();
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  void set(const uint8_t* d, size_t n) {
    if (ftruncate(fd, 0) != 0) std::abort();
    size_t done = 0;
    while (done < n) {
      const ssize_t w = pwrite(fd, d + done, n - done, static_cast<off_t>(done));
      if (w <= 0) std::abort();
      done += static_cast<size_t>(w);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemFile in("eb-fuzz-pcap-in"), out("eb-fuzz-pcap-out");
  in.set(data, size);
  eb::Corpus c;
  eb::PcapReadResult r = eb::read_pcap(in.path, c);
  FUZZ_CHECK(r.packets_read == c.size(), "packets_read %zu vs corpus %zu", r.packets_read, c.size());
  if (!r.opened) {
    FUZZ_CHECK(r.error.has_value(), "not opened but no error");
    FUZZ_CHECK(c.size() == 0, "not opened but %zu packets", c.size());
    return 0;
  }
  FUZZ_CHECK(r.link_type == 1, "opened with link type %d", r.link_type);
  if (r.error) FUZZ_CHECK(!r.error->empty() && r.error->find('\n') == std::string::npos, "error is not one line");
  for (size_t i = 0; i < c.size(); ++i) {
    const eb::CorpusPacket& p = c[i];
    FUZZ_CHECK(p.length <= eb::kPcapSnaplen, "packet %zu: %u bytes", i, p.length);
    FUZZ_CHECK(p.offset % 64 == 0, "packet %zu not 64-byte aligned", i);
    const eb::NvgreLayout L = eb::parse_nvgre(c.data(i), p.length);
    FUZZ_CHECK(L.error == p.layout.error && L.header_size == p.layout.header_size && L.frame_len == p.layout.frame_len,
               "packet %zu: stored layout differs from a fresh parse", i);
  }
  if (c.size() == 0) return 0;
  // Round trip: what was read is a valid capture again.
  auto werr = eb::write_pcap(out.path, c);
  FUZZ_CHECK(!werr, "write_pcap failed: %s", werr->c_str());
  eb::Corpus back;
  eb::PcapReadResult r2 = eb::read_pcap(out.path, back);
  FUZZ_CHECK(r2.ok() && back.size() == c.size(), "re-read: %zu of %zu packets, %s", back.size(), c.size(),
             r2.error ? r2.error->c_str() : "no error");
  for (size_t i = 0; i < c.size(); ++i) {
    FUZZ_CHECK(back[i].length == c[i].length && std::memcmp(back.data(i), c.data(i), c[i].length) == 0,
               "packet %zu differs after a write/read round trip", i);
  }
  return 0;
}
