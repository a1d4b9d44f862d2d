// Shared helpers for the rss tests: Microsoft's verification vectors and tuple builders.
#pragma once
#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kernels/rss/toeplitz.h"

namespace eb::test {

// One row of Microsoft's RSS verification suite (docs/nvgre-offload.md, "RSS and VMQ").
struct RssVector {
  const char* dst;
  uint16_t dst_port;
  const char* src;
  uint16_t src_port;
  uint32_t hash_ip;     // addresses only
  uint32_t hash_ports;  // addresses + TCP ports
};

inline const std::vector<RssVector>& ipv4_vectors() {
  static const std::vector<RssVector> v = {
      {"161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178},
      {"65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea},
      {"12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a},
      {"209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f},
      {"202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2},
  };
  return v;
}
inline const std::vector<RssVector>& ipv6_vectors() {
  static const std::vector<RssVector> v = {
      {"3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x2cc18cd5, 0x40207d3d},
      {"ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0x0f0c461c, 0xdde51bbf},
      {"fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, 0x4b61e985, 0x02d1feef},
  };
  return v;
}

// Address text to wire bytes (inet_pton: libc, independent of our code).
inline std::vector<uint8_t> addr_bytes(const char* text, bool v6) {
  std::vector<uint8_t> b(v6 ? 16 : 4);
  if (inet_pton(v6 ? AF_INET6 : AF_INET, text, b.data()) != 1) throw std::runtime_error(std::string("bad address ") + text);
  return b;
}

// src addr, dst addr [, src port, dst port], network order.
inline std::vector<uint8_t> vector_tuple(const RssVector& v, bool v6, bool ports) {
  std::vector<uint8_t> t = addr_bytes(v.src, v6);
  const auto d = addr_bytes(v.dst, v6);
  t.insert(t.end(), d.begin(), d.end());
  if (ports) {
    t.push_back(static_cast<uint8_t>(v.src_port >> 8));
    t.push_back(static_cast<uint8_t>(v.src_port));
    t.push_back(static_cast<uint8_t>(v.dst_port >> 8));
    t.push_back(static_cast<uint8_t>(v.dst_port));
  }
  return t;
}

inline std::unique_ptr<PreparedKey> prepared(const ToeplitzImpl& impl, const uint8_t* key, size_t len) {
  auto k = std::make_unique<PreparedKey>();
  if (!impl.prepare(*k, key, len)) throw std::runtime_error("prepare failed for " + impl.info.name);
  return k;
}

}  // namespace eb::test
