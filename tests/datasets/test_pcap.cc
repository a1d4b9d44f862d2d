// pcap / pcapng I/O: round trips, a pcapng file built by hand from the spec (and one converted
// by editcap), damaged files (error says where, earlier packets kept), refused inputs.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstring>

#include "datasets/generator.h"
#include "datasets/pcap_io.h"
#include "tests/datasets/ds_test_util.h"

namespace eb {
namespace {

using test::read_file_bytes;
using test::TempDir;
using test::write_file_bytes;

Corpus make_corpus(const std::string& preset, uint64_t packets = 0) {
  GeneratorConfig c;
  c.preset = preset;
  c.packets = packets;
  return generate_corpus(c);
}

void expect_same_frames(const Corpus& a, const Corpus& b, size_t n, bool usec = false) {
  ASSERT_GE(a.size(), n);
  ASSERT_GE(b.size(), n);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(a[i].length, b[i].length) << i;
    ASSERT_EQ(0, std::memcmp(a.data(i), b.data(i), a[i].length)) << i;
    if (usec) ASSERT_EQ(a[i].timestamp_ns / 1000, b[i].timestamp_ns / 1000) << i;
    else ASSERT_EQ(a[i].timestamp_ns, b[i].timestamp_ns) << i;
    ASSERT_EQ(a[i].layout.error, b[i].layout.error) << i;
    ASSERT_EQ(a[i].layout.header_size, b[i].layout.header_size) << i;
  }
}

// Reads `path`, which must fail at packet `index` after returning the `index` packets before it.
PcapReadResult read_failing_at(const std::string& path, Corpus& r, size_t index) {
  PcapReadResult res = read_pcap(path, r);
  EXPECT_TRUE(res.error) << path;
  EXPECT_EQ(res.packets_read, index);
  EXPECT_EQ(res.error_packet_index, index);
  return res;
}

TEST(Pcap, WriteThenReadRoundTripsNanoAndMicro) {
  TempDir d;
  const Corpus c = make_corpus("mixed");
  for (bool nano : {true, false}) {
    const std::string f = d.file(nano ? "n.pcap" : "u.pcap");
    PcapWriteOptions wo;
    wo.nanosecond = nano;
    ASSERT_FALSE(write_pcap(f, c, wo));
    const auto bytes = read_file_bytes(f);
    // Classic pcap magic: a1b2c3d4 (usec) or a1b23c4d (nsec), DLT_EN10MB, snaplen 262144.
    uint32_t magic, snap, dlt;
    std::memcpy(&magic, &bytes[0], 4), std::memcpy(&snap, &bytes[16], 4), std::memcpy(&dlt, &bytes[20], 4);
    EXPECT_EQ(magic, nano ? 0xa1b23c4du : 0xa1b2c3d4u);
    EXPECT_EQ(snap, 262144u);
    EXPECT_EQ(dlt, 1u);
    Corpus r;
    const PcapReadResult res = read_pcap(f, r);
    ASSERT_TRUE(res.ok()) << *res.error;
    EXPECT_EQ(res.packets_read, c.size());
    expect_same_frames(c, r, c.size(), !nano);
  }
}

TEST(Pcap, SuperPacketsFitAndLargeSendIsPassedThrough) {
  TempDir d;
  GeneratorConfig g;
  g.preset = "lso";
  const auto frames = generate_frames(g);
  Corpus c;
  for (const auto& f : frames) c.add(f.bytes, f.label, f.timestamp_ns, 0, f.parse);
  ASSERT_FALSE(write_pcap(d.file("lso.pcap"), c));
  Corpus plain, lso;
  PcapReadOptions o;
  ASSERT_TRUE(read_pcap(d.file("lso.pcap"), plain, o).ok());
  o.parse.large_send = true;
  ASSERT_TRUE(read_pcap(d.file("lso.pcap"), lso, o).ok());
  ASSERT_EQ(lso.size(), frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_TRUE(lso[i].layout.ok()) << frames[i].label;
    EXPECT_EQ(plain[i].layout.ok(), !frames[i].parse.large_send) << frames[i].label;
    EXPECT_GT(lso[i].length, 1400u);
    EXPECT_EQ(lso[i].length, frames[i].bytes.size());
  }
  size_t biggest = 0;
  for (size_t i = 0; i < lso.size(); ++i) biggest = std::max<size_t>(biggest, lso[i].length);
  EXPECT_GT(biggest, 65536u) << "a 64 KiB payload plus headers went through the pcap";
}

TEST(Pcap, MaxPacketsStopsEarly) {
  TempDir d;
  ASSERT_FALSE(write_pcap(d.file("a.pcap"), make_corpus("imix", 50)));
  Corpus r;
  PcapReadOptions o;
  o.max_packets = 7;
  const auto res = read_pcap(d.file("a.pcap"), r, o);
  EXPECT_TRUE(res.ok());
  EXPECT_EQ(r.size(), 7u);
}

// pcapng by hand (draft-ietf-opsawg-pcapng): SHB, IDB with if_tsresol = 9, one EPB per frame.
std::vector<uint8_t> hand_pcapng(const Corpus& c, bool tsresol_ns) {
  std::vector<uint8_t> out;
  auto u32 = [&](uint32_t v) { out.insert(out.end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 4); };
  auto u16 = [&](uint16_t v) { out.insert(out.end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 2); };
  u32(0x0A0D0D0A), u32(28), u32(0x1A2B3C4D), u16(1), u16(0), u32(0xFFFFFFFF), u32(0xFFFFFFFF), u32(28);
  const uint32_t idb_len = tsresol_ns ? 32 : 20;
  u32(1), u32(idb_len), u16(1), u16(0), u32(0);
  if (tsresol_ns) u16(9), u16(1), out.push_back(9), out.insert(out.end(), 3, 0), u16(0), u16(0);
  u32(idb_len);
  for (size_t i = 0; i < c.size(); ++i) {
    const uint32_t len = c[i].length, pad = (4 - len % 4) % 4;
    const uint64_t ts = tsresol_ns ? c[i].timestamp_ns : c[i].timestamp_ns / 1000;
    const uint32_t total = 32 + len + pad;
    u32(6), u32(total), u32(0), u32(static_cast<uint32_t>(ts >> 32)), u32(static_cast<uint32_t>(ts)), u32(len), u32(len);
    out.insert(out.end(), c.data(i), c.data(i) + len);
    out.insert(out.end(), pad, 0);
    u32(total);
  }
  return out;
}

TEST(Pcapng, HandBuiltFileReadsBack) {
  TempDir d;
  const Corpus c = make_corpus("header-sweep");
  for (bool ns : {true, false}) {
    write_file_bytes(d.file("h.pcapng"), hand_pcapng(c, ns));
    Corpus r;
    const auto res = read_pcap(d.file("h.pcapng"), r);
    ASSERT_TRUE(res.ok()) << *res.error;
    EXPECT_EQ(res.packets_read, c.size());
    expect_same_frames(c, r, c.size(), !ns);
  }
}

TEST(Pcapng, EditcapConversionReadsBack) {
  if (!test::have_program("/usr/bin/editcap")) GTEST_SKIP() << "editcap (wireshark-common) not installed";
  TempDir d;
  const Corpus c = make_corpus("mixed", 300);
  ASSERT_FALSE(write_pcap(d.file("m.pcap"), c));
  const std::string cmd = "/usr/bin/editcap -F pcapng '" + d.file("m.pcap") + "' '" + d.file("m.pcapng") + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto bytes = read_file_bytes(d.file("m.pcapng"));
  ASSERT_GE(bytes.size(), 4u);
  uint32_t shb;
  std::memcpy(&shb, bytes.data(), 4);
  ASSERT_EQ(shb, 0x0A0D0D0Au) << "editcap wrote pcapng";
  Corpus r;
  const auto res = read_pcap(d.file("m.pcapng"), r);
  ASSERT_TRUE(res.ok()) << *res.error;
  expect_same_frames(c, r, c.size());
}

TEST(Pcapng, TruncatedFileKeepsTheEarlierPackets) {
  TempDir d;
  const Corpus c = make_corpus("imix", 20);
  const auto full = hand_pcapng(c, true);
  // Cut inside the 8th EPB: 7 packets come back, and the error names packet 7 and its offset.
  size_t off = 28 + 32;
  for (size_t i = 0; i < 7; ++i) off += 32 + (c[i].length + 3) / 4 * 4;
  auto cut = full;
  cut.resize(off + 40);
  write_file_bytes(d.file("t.pcapng"), cut);
  Corpus r;
  const auto res = read_failing_at(d.file("t.pcapng"), r, 7);
  ASSERT_TRUE(res.error);
  EXPECT_EQ(res.error_byte_offset, off);
  EXPECT_NE(res.error->find("packet 7"), std::string::npos) << *res.error;
  EXPECT_NE(res.error->find(std::to_string(off)), std::string::npos) << *res.error;
  expect_same_frames(c, r, 7);
}

TEST(Pcap, TruncatedOrCorruptRecordsReportWhereAndKeepEarlierPackets) {
  TempDir d;
  const Corpus c = make_corpus("mixed", 40);
  ASSERT_FALSE(write_pcap(d.file("ok.pcap"), c));
  const auto full = read_file_bytes(d.file("ok.pcap"));
  std::vector<size_t> rec{24};
  for (size_t i = 0; i < c.size(); ++i) rec.push_back(rec.back() + 16 + c[i].length);
  ASSERT_EQ(rec.back(), full.size());
  for (size_t k : {0u, 1u, 17u, 39u}) {
    // Cut in the record header, then in the record data.
    for (size_t extra : {size_t{5}, size_t{16 + 3}}) {
      auto b = full;
      b.resize(rec[k] + extra);
      write_file_bytes(d.file("t.pcap"), b);
      Corpus r;
      const auto res = read_pcap(d.file("t.pcap"), r);
      ASSERT_TRUE(res.error) << k;
      EXPECT_TRUE(res.opened);
      EXPECT_EQ(res.packets_read, k);
      EXPECT_EQ(res.error_packet_index, k);
      EXPECT_EQ(res.error_byte_offset, rec[k]);
      EXPECT_NE(res.error->find("packet " + std::to_string(k)), std::string::npos) << *res.error;
      EXPECT_NE(res.error->find("byte offset " + std::to_string(rec[k])), std::string::npos) << *res.error;
      EXPECT_NE(res.error->find("truncated"), std::string::npos) << *res.error;  // libpcap's words
      expect_same_frames(c, r, k);
    }
    // A captured length far beyond the snap length: refused, bounded memory.
    auto b = full;
    const uint32_t huge = 0x7FFFFFFF;
    std::memcpy(&b[rec[k] + 8], &huge, 4);
    write_file_bytes(d.file("c.pcap"), b);
    Corpus r;
    const auto res = read_pcap(d.file("c.pcap"), r);
    ASSERT_TRUE(res.error);
    EXPECT_EQ(res.packets_read, k);
    EXPECT_NE(res.error->find("capture length"), std::string::npos) << *res.error;
    expect_same_frames(c, r, k);
  }
}

TEST(Pcap, FramesOver256KiBAreRefused) {
  TempDir d;
  auto b = read_file_bytes([&] {
    const Corpus c = make_corpus("imix", 2);
    EXPECT_FALSE(write_pcap(d.file("two.pcap"), c));
    return d.file("two.pcap");
  }());
  // Append a record claiming (and holding) 300000 bytes.
  const uint32_t n = 300000;
  std::vector<uint8_t> hdr(16, 0);
  std::memcpy(&hdr[8], &n, 4), std::memcpy(&hdr[12], &n, 4);
  b.insert(b.end(), hdr.begin(), hdr.end());
  b.resize(b.size() + n, 0x55);
  write_file_bytes(d.file("big.pcap"), b);
  Corpus r;
  const auto res = read_failing_at(d.file("big.pcap"), r, 2);
  ASSERT_TRUE(res.error);
  // The writer refuses them too.
  PcapWriter w;
  ASSERT_FALSE(w.open(d.file("w.pcap")));
  std::vector<uint8_t> frame(kPcapSnaplen + 1, 0);
  EXPECT_TRUE(w.write(frame, 0));
  EXPECT_FALSE(w.close());
}

TEST(Pcap, RefusedInputsSayWhy) {
  TempDir d;
  Corpus r;
  auto res = read_pcap(d.file("missing.pcap"), r);
  EXPECT_FALSE(res.opened);
  ASSERT_TRUE(res.error);
  EXPECT_NE(res.error->find("missing.pcap"), std::string::npos);

  write_file_bytes(d.file("junk.pcap"), std::vector<uint8_t>(100, 0x41));
  res = read_pcap(d.file("junk.pcap"), r);
  EXPECT_FALSE(res.opened);
  ASSERT_TRUE(res.error);

  write_file_bytes(d.file("short.pcap"), {0xd4, 0xc3, 0xb2, 0xa1, 2, 0});
  res = read_pcap(d.file("short.pcap"), r);
  EXPECT_FALSE(res.opened);
  ASSERT_TRUE(res.error);

  // A raw-IP capture (DLT_RAW): not Ethernet.
  pcap_t* p = pcap_open_dead(DLT_RAW, 65535);
  pcap_dumper_t* dump = pcap_dump_open(p, d.file("raw.pcap").c_str());
  ASSERT_NE(dump, nullptr);
  pcap_pkthdr h{};
  uint8_t pkt[20] = {0x45};
  h.caplen = h.len = 20;
  pcap_dump(reinterpret_cast<u_char*>(dump), &h, pkt);
  pcap_dump_close(dump);
  pcap_close(p);
  res = read_pcap(d.file("raw.pcap"), r);
  EXPECT_FALSE(res.opened);
  ASSERT_TRUE(res.error);
  EXPECT_NE(res.error->find("not Ethernet"), std::string::npos) << *res.error;
  EXPECT_EQ(res.link_type, DLT_RAW);
  EXPECT_EQ(r.size(), 0u);

  // An empty capture (header only) is fine and empty.
  ASSERT_FALSE(write_pcap(d.file("empty.pcap"), Corpus{}));
  res = read_pcap(d.file("empty.pcap"), r);
  EXPECT_TRUE(res.ok());
  EXPECT_EQ(res.packets_read, 0u);

  // Writing into a directory that does not exist.
  EXPECT_TRUE(write_pcap(d.file("no/such/dir.pcap"), Corpus{}));
}

}  // namespace
}  // namespace eb
