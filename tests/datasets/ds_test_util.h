// Shared helpers for the datasets tests: an independent checksum verifier (its own loop, not
// kernels/checksum), expected parse results computed from a spec, and temp files.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "datasets/generator.h"
#include "kernels/packet/nvgre.h"

namespace eb::test {

// Ones-complement sum of big-endian 16-bit words, written out here so that the builder is not
// checked with its own arithmetic. A correct checksum makes the covered range sum to 0xFFFF.
inline uint32_t be_word_sum(const uint8_t* p, size_t n, uint64_t acc = 0) {
  for (size_t i = 0; i < n; i += 2) acc += (uint32_t{p[i]} << 8) | (i + 1 < n ? p[i + 1] : 0);
  while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
  return static_cast<uint32_t>(acc);
}
inline bool sums_to_ffff(uint64_t acc) {
  while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
  return acc == 0xFFFF;
}

// Final pseudo-header addresses of an IPv6 spec: Home Address option replaces the source,
// a type 2 routing header's address replaces the destination (RFC 6275, RFC 8200 §8.1).
inline void pseudo_addrs(const IpSpec& ip, const uint8_t*& src, const uint8_t*& dst) {
  src = ip.src;
  dst = ip.dst;
  for (const auto& e : ip.ip6_ext) {
    if (e.type == kIp6DestOpts && e.home_address_option) src = e.home_address;
    if (e.type == kIp6Routing && e.routing_type == 2) dst = e.home_address;
  }
}

// The L4 checksum verifies: pseudo-header + TCP/UDP header + payload sums to 0xFFFF.
inline bool l4_checksum_ok(const std::vector<uint8_t>& b, const NvgreSpec& s) {
  const NvgreOffsets o = spec_offsets(s);
  const uint32_t l4len = o.total - o.l4;
  uint64_t acc = 0;
  if (s.inner.version == IpVersion::v4) {
    acc += be_word_sum(s.inner.src, 4) + be_word_sum(s.inner.dst, 4);
  } else {
    const uint8_t *src, *dst;
    pseudo_addrs(s.inner, src, dst);
    acc += be_word_sum(src, 16) + be_word_sum(dst, 16);
  }
  acc += (s.l4 == L4Proto::tcp ? 6 : 17) + (l4len & 0xFFFF) + (l4len >> 16);
  return sums_to_ffff(acc + be_word_sum(b.data() + o.l4, l4len));
}
inline bool ipv4_header_ok(const std::vector<uint8_t>& b, uint32_t off) {
  const uint32_t ihl = (b[off] & 0xF) * 4u;
  return be_word_sum(b.data() + off, ihl) == 0xFFFF;
}
inline bool gre_checksum_ok(const std::vector<uint8_t>& b, const NvgreSpec& s) {
  const NvgreOffsets o = spec_offsets(s);
  return be_word_sum(b.data() + o.gre, o.total - o.gre) == 0xFFFF;
}

// Offsets of the Home Address option's address and the type-2 routing address (0 if absent).
inline void ext_addr_offsets(const IpSpec& ip, uint32_t ip_off, uint32_t& hao, uint32_t& rt2) {
  hao = rt2 = 0;
  uint32_t pos = ip_off + 40;
  for (const auto& e : ip.ip6_ext) {
    if (e.type == kIp6DestOpts && e.home_address_option) hao = pos + 8;
    if (e.type == kIp6Routing && e.routing_type == 2) rt2 = pos + 8;
    pos += e.len;
  }
}

// Every field parse_nvgre reports, against what the spec says.
inline void expect_layout_matches(const NvgreLayout& L, const NvgreSpec& s, size_t frame_len, const std::string& ctx) {
  const NvgreOffsets o = spec_offsets(s);
  SCOPED_TRACE(ctx);
  ASSERT_EQ(L.error, ParseError::ok) << parse_error_name(L.error) << " at " << L.error_offset;
  EXPECT_EQ(L.frame_len, frame_len);
  EXPECT_EQ(L.outer_vlan, s.outer_vlan);
  if (s.outer_vlan) EXPECT_EQ(L.outer_vlan_tci, s.outer_vlan_tci);
  EXPECT_EQ(L.outer_eth_len, o.outer_ip);
  EXPECT_EQ(L.outer.version, s.outer.version);
  EXPECT_EQ(L.outer.offset, o.outer_ip);
  EXPECT_EQ(L.outer.header_len, o.outer_ip_len);
  EXPECT_EQ(L.outer.total_len, frame_len - o.outer_ip);
  EXPECT_EQ(L.outer.upper_proto, kIpProtoGRE);
  EXPECT_EQ(L.outer.ext_count, s.outer.version == IpVersion::v6 ? s.outer.ip6_ext.size() : 0u);
  EXPECT_EQ(L.outer.length_from_frame, s.large_send && frame_len - o.outer_ip - (s.outer.version == IpVersion::v6 ? 40 : 0) > 65535);
  EXPECT_EQ(L.gre_offset, o.gre);
  EXPECT_EQ(L.gre_len, o.gre_len);
  EXPECT_EQ(L.gre_checksum_present, s.gre_checksum);
  EXPECT_EQ(L.gre_key_present, true);
  EXPECT_EQ(L.gre_seq_present, s.gre_seq);
  if (s.gre_checksum) EXPECT_EQ(L.gre_checksum_offset, o.gre + 4);
  if (s.gre_seq) EXPECT_EQ(L.gre_seq, s.gre_seq_number);
  EXPECT_EQ(L.vsid, s.vsid);
  EXPECT_EQ(L.flow_id, s.flow_id);
  EXPECT_EQ(L.inner_eth_offset, o.inner_eth);
  EXPECT_EQ(L.inner.version, s.inner.version);
  EXPECT_EQ(L.inner.offset, o.inner_ip);
  EXPECT_EQ(L.inner.header_len, o.inner_ip_len);
  EXPECT_EQ(L.inner.total_len, frame_len - o.inner_ip);
  EXPECT_EQ(L.inner.upper_proto, s.l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP);
  EXPECT_EQ(L.inner.ext_count, s.inner.version == IpVersion::v6 ? s.inner.ip6_ext.size() : 0u);
  if (s.outer.version == IpVersion::v6) {
    uint32_t hao, rt2;
    ext_addr_offsets(s.outer, o.outer_ip, hao, rt2);
    EXPECT_EQ(L.outer.ip6_home_addr_offset, hao);
    EXPECT_EQ(L.outer.ip6_rt2_addr_offset, rt2);
  }
  if (s.inner.version == IpVersion::v6) {
    uint32_t hao, rt2;
    ext_addr_offsets(s.inner, o.inner_ip, hao, rt2);
    EXPECT_EQ(L.inner.ip6_home_addr_offset, hao);
    EXPECT_EQ(L.inner.ip6_rt2_addr_offset, rt2);
  }
  EXPECT_EQ(L.l4, s.l4);
  EXPECT_EQ(L.l4_offset, o.l4);
  EXPECT_EQ(L.l4_header_len, o.l4_len);
  EXPECT_EQ(L.l4_len, frame_len - o.l4);
  EXPECT_EQ(L.payload_offset, o.header_size);
  EXPECT_EQ(L.payload_len, s.payload.size());
  EXPECT_EQ(L.header_size, o.header_size);
  EXPECT_EQ(L.header_size, nvgre_header_size(s));
}

inline std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
inline void write_file_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/eb-ds-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (!d) throw std::runtime_error("mkdtemp failed");
    path_ = d;
  }
  ~TempDir() {
    std::string cmd = "rm -rf '" + path_ + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", path_.c_str());
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline bool have_program(const char* path) { return access(path, X_OK) == 0; }

}  // namespace eb::test
