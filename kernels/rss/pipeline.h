// Receive steering for NVGRE in software: hash type selection (NDIS hash types), tuple
// extraction, Toeplitz hash (any registry implementation, batched), indirection table, and a
// VMQ classifier on inner destination MAC + VSID.
//
// Which bytes are hashed (rss_source() in kernels/packet/nvgre.h; docs/nvgre-offload.md, "RSS and
// VMQ", and docs/real-links.md):
//  1. Inner TCP/UDP header whole (layout ok, or only the payload cut short by the capture): the
//     inner headers, by NDIS precedence among the enabled types: the 4-tuple type of the inner L4
//     (TCP_IPV6_EX before TCP_IPV6, likewise UDP), else the inner IP 2-tuple type (IPV6_EX before
//     IPV6). EX types take the Home Address option's address as source and the type-2 routing
//     header's address as destination when those are present (else the header's own).
//  2. Inner IP of any other protocol (ICMP, ICMPv6, no next header, ...) or an inner IP
//     fragment: the inner IP 2-tuple (IPV4, or IPV6_EX / IPV6).
//  3. Inner frame not IP (ARP, ...), an outer IP fragment, a frame that is NVGRE up to GRE but
//     broken inside, or no enabled type fits the inner headers: the outer IP 2-tuple.
//  4. Otherwise (not NVGRE, broken before GRE, or no enabled type fits): not hashed; the packet
//     goes to queue 0, as a NIC indicates unhashed packets on the default queue.
// VMQ: every frame past GRE (ARP and inner fragments included) by inner destination MAC + VSID.
// Input order: source address, destination address[, source port, destination port], wire bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/enum_names.h"
#include "kernels/packet/corpus.h"
#include "kernels/packet/nvgre.h"
#include "kernels/rss/toeplitz.h"

namespace eb {

// NDIS_HASH_* bit values: X(constant, value, name), in the order names are written out.
#define EB_RSS_HASH_TYPES(X)                                                                       \
  X(kRssHashIPv4, 0x00000100, "ipv4") X(kRssHashTcpIPv4, 0x00000200, "tcp-ipv4")                  \
  X(kRssHashUdpIPv4, 0x00004000, "udp-ipv4") X(kRssHashIPv6, 0x00000400, "ipv6")                  \
  X(kRssHashTcpIPv6, 0x00001000, "tcp-ipv6") X(kRssHashUdpIPv6, 0x00008000, "udp-ipv6")           \
  X(kRssHashIPv6Ex, 0x00000800, "ipv6-ex") X(kRssHashTcpIPv6Ex, 0x00002000, "tcp-ipv6-ex")         \
  X(kRssHashUdpIPv6Ex, 0x00010000, "udp-ipv6-ex")
enum RssHashType : uint32_t { kRssHashNone = 0, EB_RSS_HASH_TYPES(EB_FLAG_CONSTANT) };
constexpr uint32_t kRssHashAll = 0 EB_RSS_HASH_TYPES(EB_FLAG_OR);
// Without the EX types (what most NICs enable).
constexpr uint32_t kRssHashDefault = kRssHashIPv4 | kRssHashTcpIPv4 | kRssHashUdpIPv4 | kRssHashIPv6 |
                                     kRssHashTcpIPv6 | kRssHashUdpIPv6;

// "ipv4", "tcp-ipv4", "udp-ipv4", "ipv6", "tcp-ipv6", "udp-ipv6", "ipv6-ex", "tcp-ipv6-ex",
// "udp-ipv6-ex"; "none" for 0.
const char* rss_hash_type_name(uint32_t type);
// A comma-separated list of those names, or "all" (kRssHashAll) / "default" (kRssHashDefault).
bool parse_rss_hash_types(std::string_view list, uint32_t* types, std::string* error);
std::string rss_hash_types_to_string(uint32_t types);

enum RssFlags : uint8_t {
  kRssFromOuter = 1,   // the outer IP 2-tuple was hashed (fallback)
  kRssExSrc = 2,       // source address taken from the Home Address option
  kRssExDst = 4,       // destination address taken from the type-2 routing header
  kRssVmqMatched = 8,  // a VMQ filter matched (vmq_queue is its queue)
};

constexpr size_t kRssMaxTuple = 36;

// Where a packet's hash input comes from (offsets into the frame); len 0 = not hashed.
struct RssTupleSpec {
  uint32_t type = kRssHashNone;
  uint8_t flags = 0;
  uint8_t len = 0;        // 0, 8, 12, 32 or 36
  uint8_t addr_len = 0;   // 4 or 16
  uint32_t src_off = 0, dst_off = 0, ports_off = 0;
};
RssTupleSpec rss_select(const NvgreLayout& layout, uint32_t enabled_types);
// Copies the tuple bytes (spec.len of them) from the frame to `out`.
inline void rss_copy_tuple(const uint8_t* frame, const RssTupleSpec& s, uint8_t* out) {
  if (s.addr_len == 4) {
    std::memcpy(out, frame + s.src_off, 4);
    std::memcpy(out + 4, frame + s.dst_off, 4);
    if (s.len == 12) std::memcpy(out + 8, frame + s.ports_off, 4);
  } else if (s.addr_len == 16) {
    std::memcpy(out, frame + s.src_off, 16);
    std::memcpy(out + 16, frame + s.dst_off, 16);
    if (s.len == 36) std::memcpy(out + 32, frame + s.ports_off, 4);
  }
}

struct VmqFilter {
  uint8_t mac[6] = {};
  uint32_t vsid = 0;  // 24 bits
  uint16_t queue = 0;
};

struct RssConfig {
  std::vector<uint8_t> key{kMicrosoftRssKey, kMicrosoftRssKey + 40};
  uint32_t hash_types = kRssHashAll;
  uint32_t queues = 8;                // 1..65536
  uint32_t indirection_size = 128;    // power of two, 1..65536 (NDIS: up to 128)
  std::vector<uint16_t> indirection;  // explicit table (size indirection_size); empty: round robin
  std::string impl;                   // Toeplitz implementation by name; empty: best_toeplitz()
  std::vector<VmqFilter> vmq;         // exact-match (inner destination MAC, VSID) -> queue
  uint16_t vmq_default_queue = 0;
};

struct RssResult {
  uint32_t hash = 0;
  uint32_t type = kRssHashNone;
  uint16_t queue = 0;      // indirection[hash & (size - 1)]; 0 when not hashed
  uint16_t vmq_queue = 0;  // VMQ classifier's queue (vmq_default_queue when nothing matched)
  uint8_t flags = 0;
  uint8_t tuple_len = 0;
};

class RssPipeline {
 public:
  // Validates the configuration (key length against the enabled types, table size, queue
  // numbers, implementation supported here); nullptr and *error on failure.
  static std::unique_ptr<RssPipeline> create(const RssConfig& cfg, std::string* error);
  ~RssPipeline();

  const ToeplitzImpl& impl() const { return *impl_; }
  const PreparedKey& key() const { return *key_; }
  const RssConfig& config() const { return cfg_; }
  uint16_t queue_of(uint32_t hash) const { return table_[hash & mask_]; }
  // VMQ classifier alone: the filter's queue, or the default; *matched says which.
  uint16_t vmq_lookup(const uint8_t mac[6], uint32_t vsid, bool* matched) const;

  // One packet, its layout already parsed.
  RssResult steer_one(const uint8_t* frame, const NvgreLayout& layout) const;

  // Packets [first, first + count) of a corpus, using the layouts stored in it. Tuples are
  // grouped by length and hashed with the implementation's batch entry point. No allocation.
  // Not thread-safe (uses the pipeline's workspace): one pipeline per thread.
  void steer(const Corpus& corpus, size_t first, size_t count, RssResult* out);
  // The same, parsing every frame (parse_nvgre) instead of reading the stored layout.
  void steer_parse(const Corpus& corpus, size_t first, size_t count, RssResult* out);
  // The same with layouts the caller parsed: layouts[k] is packet first + k's (a receive burst).
  void steer_layouts(const Corpus& corpus, size_t first, size_t count, const NvgreLayout* layouts, RssResult* out);

  // A receive burst steered packet by packet as it is parsed, hashed in batches: burst_add()
  // right after a packet's parse (its headers still in L1, the layout may be a temporary) selects
  // and copies its tuple and fills *out but for hash and queue; burst_end() hashes what was
  // staged (one hash_batch call per length class) and completes every *out. *out must stay valid
  // until then. Past 256 staged packets burst_add() hashes them first. Same results as steer_one.
  // Not thread-safe (the workspace): one pipeline per thread; steer*() finish an open burst.
  void burst_add(const uint8_t* frame, const NvgreLayout& layout, RssResult* out);
  void burst_end();

 private:
  RssPipeline() = default;
  void stage(const uint8_t* frame, const NvgreLayout& layout, RssResult& r);
  // The VMQ part of a result: default queue, or the matching filter's queue and the flag.
  void steer_vmq(const uint8_t* frame, const NvgreLayout& layout, RssResult& r) const;
  void flush_staged();
  enum class Ahead { nothing, frame, stored_layout };  // what steer_chunk prefetches
  template <Ahead kAhead, class LayoutOf>
  void steer_chunk(const Corpus& corpus, size_t first, size_t count, RssResult* out, LayoutOf layout_of);

  RssConfig cfg_;
  const ToeplitzImpl* impl_ = nullptr;
  std::unique_ptr<PreparedKey> key_;
  std::vector<uint16_t> table_;
  uint32_t mask_ = 0;
  struct VmqSlot {
    uint64_t mac = 0;
    uint32_t vsid = 0;
    uint16_t queue = 0;
    bool used = false;
  };
  std::vector<VmqSlot> vmq_;  // open addressing, power-of-two size, at most half full
  unsigned vmq_bits_ = 0;
  struct Workspace;
  std::unique_ptr<Workspace> ws_;
};

}  // namespace eb
