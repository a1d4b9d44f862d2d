#include "datasets/pcap_io.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <string>

namespace eb {

namespace {

std::string link_type_desc(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  const char* desc = pcap_datalink_val_to_description(dlt);
  std::string s = "link type " + std::to_string(dlt);
  if (name) s += std::string(" (") + name + (desc ? std::string(", ") + desc : std::string()) + ")";
  return s;
}

}  // namespace

PcapReadResult read_pcap(const std::string& path, Corpus& out, const PcapReadOptions& opt) {
  PcapReadResult r;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!p) {
    r.error = path + ": cannot read as pcap/pcapng: " + errbuf;
    return r;
  }
  r.link_type = pcap_datalink(p);
  if (r.link_type != DLT_EN10MB) {
    r.error = path + ": " + link_type_desc(r.link_type) + " is not Ethernet (DLT_EN10MB): NVGRE frames need an Ethernet capture";
    pcap_close(p);
    return r;
  }
  r.opened = true;
  FILE* f = pcap_file(p);  // for byte offsets: where each record starts
  uint64_t index = 0;
  for (;;) {
    if (opt.max_packets && r.packets_read >= opt.max_packets) break;
    const long pos = f ? std::ftell(f) : -1;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(p, &h, &data);
    if (rc == PCAP_ERROR_BREAK) break;  // clean end of file
    if (rc != 1) {
      r.error_packet_index = index;
      r.error_byte_offset = pos >= 0 ? static_cast<uint64_t>(pos) : 0;
      std::string where = "packet " + std::to_string(index);
      if (pos >= 0) where += " (record at byte offset " + std::to_string(pos) + ")";
      r.error = path + ": " + where + ": " + pcap_geterr(p) + "; " + std::to_string(r.packets_read) +
                " packet(s) before it were read";
      break;
    }
    if (h->caplen > kPcapSnaplen) {  // libpcap refuses these itself; kept as a second fence
      r.error_packet_index = index;
      r.error_byte_offset = pos >= 0 ? static_cast<uint64_t>(pos) : 0;
      r.error = path + ": packet " + std::to_string(index) + ": captured length " + std::to_string(h->caplen) +
                " exceeds " + std::to_string(kPcapSnaplen) + " bytes";
      break;
    }
    const uint64_t ts = static_cast<uint64_t>(h->ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(h->ts.tv_usec);
    out.add({data, h->caplen}, {}, ts, std::max(h->len, h->caplen), opt.parse);
    ++r.packets_read;
    ++index;
  }
  pcap_close(p);
  return r;
}

PcapWriter::~PcapWriter() { (void)close(); }

std::optional<std::string> PcapWriter::open(const std::string& path, const PcapWriteOptions& opt) {
  if (pcap_) return "pcap writer already open";
  nano_ = opt.nanosecond;
  path_ = path;
  pcap_t* p = pcap_open_dead_with_tstamp_precision(
      DLT_EN10MB, static_cast<int>(kPcapSnaplen), nano_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  if (!p) return path + ": cannot create a pcap handle";
  pcap_dumper_t* d = pcap_dump_open(p, path.c_str());
  if (!d) {
    std::string e = path + ": cannot open for writing: " + pcap_geterr(p);
    pcap_close(p);
    return e;
  }
  pcap_ = p;
  dumper_ = d;
  written_ = 0;
  return std::nullopt;
}

std::optional<std::string> PcapWriter::write(std::span<const uint8_t> frame, uint64_t timestamp_ns, uint32_t wire_length) {
  if (!dumper_) return "pcap writer is not open";
  if (frame.size() > kPcapSnaplen)
    return path_ + ": frame of " + std::to_string(frame.size()) + " bytes exceeds the snap length " + std::to_string(kPcapSnaplen);
  pcap_pkthdr h{};
  h.ts.tv_sec = static_cast<time_t>(timestamp_ns / 1000000000ull);
  const uint64_t frac = timestamp_ns % 1000000000ull;
  h.ts.tv_usec = static_cast<suseconds_t>(nano_ ? frac : frac / 1000);
  h.caplen = static_cast<bpf_u_int32>(frame.size());
  h.len = wire_length > frame.size() ? wire_length : static_cast<bpf_u_int32>(frame.size());
  pcap_dump(static_cast<u_char*>(dumper_), &h, frame.data());
  ++written_;
  return std::nullopt;
}

std::optional<std::string> PcapWriter::close() {
  std::optional<std::string> err;
  if (dumper_) {
    auto* d = static_cast<pcap_dumper_t*>(dumper_);
    FILE* f = pcap_dump_file(d);
    if (pcap_dump_flush(d) != 0 || (f && std::ferror(f))) err = path_ + ": write failed (disk full or I/O error)";
    pcap_dump_close(d);
    dumper_ = nullptr;
  }
  if (pcap_) {
    pcap_close(static_cast<pcap_t*>(pcap_));
    pcap_ = nullptr;
  }
  return err;
}

std::optional<std::string> write_pcap(const std::string& path, const Corpus& corpus, const PcapWriteOptions& opt) {
  PcapWriter w;
  if (auto e = w.open(path, opt)) return e;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (auto e = w.write(corpus.frame(i), corpus[i].timestamp_ns, corpus[i].wire_length)) return e;
  }
  return w.close();
}

}  // namespace eb
