#include "kernels/rss/pipeline.h"

#include <cstring>

#include "kernels/common/byteorder.h"

namespace eb {

namespace {

constexpr FlagName kTypeNames[] = {EB_RSS_HASH_TYPES(EB_FLAG_ENTRY)};

// The bytes a hash type needs (the key must be 4 longer).
uint32_t tuple_len_of(uint32_t type) {
  switch (type) {
    case kRssHashIPv4: return 8;
    case kRssHashTcpIPv4:
    case kRssHashUdpIPv4: return 12;
    case kRssHashIPv6:
    case kRssHashIPv6Ex: return 32;
    default: return 36;
  }
}

inline __attribute__((always_inline)) RssTupleSpec make_spec(const IpLayout& ip, uint32_t type, uint8_t flags, bool ex, uint32_t ports_off) {
  RssTupleSpec s;
  s.type = type;
  s.flags = flags;
  s.addr_len = static_cast<uint8_t>(ip.addr_len());
  s.len = static_cast<uint8_t>(tuple_len_of(type));
  s.src_off = ip.src_offset();
  s.dst_off = ip.dst_offset();
  if (ex) {  // the same addresses the pseudo-header uses (IpLayout)
    s.src_off = ip.pseudo_src_offset();
    s.dst_off = ip.pseudo_dst_offset();
    if (ip.ip6_home_addr_offset) s.flags |= kRssExSrc;
    if (ip.ip6_rt2_addr_offset) s.flags |= kRssExDst;
  }
  s.ports_off = ports_off;
  return s;
}

// Two-tuple of one IP header by precedence (IPV6_EX before IPV6); type 0 when none is enabled.
inline __attribute__((always_inline)) RssTupleSpec ip_pair(const IpLayout& ip, uint32_t en, uint8_t flags) {
  if (ip.version == IpVersion::v4) {
    if (en & kRssHashIPv4) return make_spec(ip, kRssHashIPv4, flags, false, 0);
  } else if (ip.version == IpVersion::v6) {
    if (en & kRssHashIPv6Ex) return make_spec(ip, kRssHashIPv6Ex, flags, true, 0);
    if (en & kRssHashIPv6) return make_spec(ip, kRssHashIPv6, flags, false, 0);
  }
  return {};
}

inline uint64_t mac48(const uint8_t* m) {
  return (uint64_t{load_be16(m)} << 32) | load_be32(m + 2);
}
inline uint64_t vmq_hash(uint64_t mac, uint32_t vsid) {
  uint64_t h = (mac ^ (uint64_t{vsid} << 40) ^ (uint64_t{vsid} >> 24)) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

}  // namespace

const char* rss_hash_type_name(uint32_t type) {
  for (const auto& t : kTypeNames)
    if (t.bit == type) return t.name;
  return type == 0 ? "none" : "?";
}

std::string rss_hash_types_to_string(uint32_t types) {
  std::string s;
  for (const auto& t : kTypeNames)
    if (types & t.bit) {
      if (!s.empty()) s += ',';
      s += t.name;
    }
  return s.empty() ? "none" : s;
}

bool parse_rss_hash_types(std::string_view list, uint32_t* types, std::string* error) {
  uint32_t out = 0;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    if (item == "all") {
      out |= kRssHashAll;
      continue;
    }
    if (item == "default") {
      out |= kRssHashDefault;
      continue;
    }
    if (item == "none") continue;
    bool found = false;
    for (const auto& t : kTypeNames)
      if (item == t.name) {
        out |= t.bit;
        found = true;
      }
    if (!found) {
      *error = "unknown RSS hash type '" + std::string(item) + "' (known: " + flag_names_list(kTypeNames) +
               "all, default, none)";
      return false;
    }
  }
  *types = out;
  return true;
}

namespace {
inline __attribute__((always_inline)) RssTupleSpec select_impl(const NvgreLayout& L, uint32_t en) {
  const RssSource src = rss_source(L);
  if (src == RssSource::inner_l4) {
    const bool tcp = L.l4 == L4Proto::tcp;
    if (L.inner.version == IpVersion::v4) {
      const uint32_t t4 = tcp ? kRssHashTcpIPv4 : kRssHashUdpIPv4;
      if (en & t4) return make_spec(L.inner, t4, 0, false, L.l4_offset);
    } else {
      const uint32_t tex = tcp ? kRssHashTcpIPv6Ex : kRssHashUdpIPv6Ex;
      const uint32_t t6 = tcp ? kRssHashTcpIPv6 : kRssHashUdpIPv6;
      if (en & tex) return make_spec(L.inner, tex, 0, true, L.l4_offset);
      if (en & t6) return make_spec(L.inner, t6, 0, false, L.l4_offset);
    }
  }
  if (src == RssSource::inner_l4 || src == RssSource::inner_ip)
    if (auto s = ip_pair(L.inner, en, 0); s.len) return s;
  // Not IP inside, an outer fragment, broken inside, or no inner type enabled: the outer pair.
  if (src != RssSource::none) return ip_pair(L.outer, en, kRssFromOuter);
  return {};
}
}  // namespace

RssTupleSpec rss_select(const NvgreLayout& L, uint32_t en) { return select_impl(L, en); }

// ---- Pipeline --------------------------------------------------------------------------------

namespace {
constexpr size_t kChunk = 256;
constexpr size_t kPrefetchAhead = 6;
constexpr uint32_t kClassLen[4] = {8, 12, 32, 36};
inline unsigned class_of(uint32_t len) { return (len > 12 ? 2u : 0u) + ((len & 4) ? 1u : 0u); }
}  // namespace

struct RssPipeline::Workspace {
  alignas(64) uint8_t tuples[4][kChunk * kRssMaxTuple];
  RssResult* dest[4][kChunk];  // where each staged tuple's hash goes
  uint32_t hashes[kChunk];
  uint32_t n[4] = {};   // staged tuples per length class
  uint32_t staged = 0;  // staged packets (hashed or not), at most kChunk
};

RssPipeline::~RssPipeline() = default;

std::unique_ptr<RssPipeline> RssPipeline::create(const RssConfig& cfg, std::string* error) {
  std::unique_ptr<RssPipeline> p(new RssPipeline);
  p->cfg_ = cfg;
  if (cfg.hash_types & ~kRssHashAll) {
    *error = "unknown RSS hash type bits";
    return nullptr;
  }
  if (cfg.key.empty() || cfg.key.size() > kToeplitzMaxKey) {
    *error = "RSS key of " + std::to_string(cfg.key.size()) + " bytes: 1.." + std::to_string(kToeplitzMaxKey) +
             " bytes accepted";
    return nullptr;
  }
  for (const auto& t : kTypeNames)
    if ((cfg.hash_types & t.bit) && cfg.key.size() < tuple_len_of(t.bit) + 4) {
      *error = "RSS key of " + std::to_string(cfg.key.size()) + " bytes is too short for hash type " + t.name +
               " (needs " + std::to_string(tuple_len_of(t.bit) + 4) + ")";
      return nullptr;
    }
  if (cfg.queues == 0 || cfg.queues > 65536) {
    *error = "queue count must be 1..65536";
    return nullptr;
  }
  const uint32_t n = cfg.indirection.empty() ? cfg.indirection_size : static_cast<uint32_t>(cfg.indirection.size());
  if (n == 0 || n > 65536 || (n & (n - 1)) != 0) {
    *error = "indirection table size " + std::to_string(n) + " is not a power of two in 1..65536";
    return nullptr;
  }
  p->table_.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t q = cfg.indirection.empty() ? i % cfg.queues : cfg.indirection[i];
    if (q >= cfg.queues) {
      *error = "indirection entry " + std::to_string(i) + " names queue " + std::to_string(q) + " of " +
               std::to_string(cfg.queues);
      return nullptr;
    }
    p->table_[i] = static_cast<uint16_t>(q);
  }
  p->mask_ = n - 1;
  const auto impl = resolve_impl(toeplitz_impls(), cfg.impl, best_toeplitz());
  if (!impl.record) {
    *error = impl.error;
    return nullptr;
  }
  p->impl_ = impl.record;
  p->key_ = std::make_unique<PreparedKey>();
  if (!p->impl_->prepare(*p->key_, cfg.key.data(), cfg.key.size())) {
    *error = "key preparation failed for " + p->impl_->info.name;
    return nullptr;
  }
  if (!cfg.vmq.empty()) {
    unsigned bits = 1;
    while ((size_t{1} << bits) < 2 * cfg.vmq.size()) ++bits;
    p->vmq_bits_ = bits;
    p->vmq_.assign(size_t{1} << bits, VmqSlot{});
    for (const auto& f : cfg.vmq) {
      if (f.vsid > 0xFFFFFF) {
        *error = "VMQ filter VSID " + std::to_string(f.vsid) + " does not fit 24 bits";
        return nullptr;
      }
      const uint64_t mac = mac48(f.mac);
      size_t i = vmq_hash(mac, f.vsid) >> (64 - bits);
      while (p->vmq_[i].used) {
        if (p->vmq_[i].mac == mac && p->vmq_[i].vsid == f.vsid) {
          *error = "duplicate VMQ filter (same MAC and VSID)";
          return nullptr;
        }
        i = (i + 1) & (p->vmq_.size() - 1);
      }
      p->vmq_[i] = VmqSlot{mac, f.vsid, f.queue, true};
    }
  }
  p->ws_ = std::make_unique<Workspace>();
  return p;
}

uint16_t RssPipeline::vmq_lookup(const uint8_t mac[6], uint32_t vsid, bool* matched) const {
  *matched = false;
  if (vmq_.empty()) return cfg_.vmq_default_queue;
  const uint64_t m = mac48(mac);
  for (size_t i = vmq_hash(m, vsid) >> (64 - vmq_bits_);; i = (i + 1) & (vmq_.size() - 1)) {
    const VmqSlot& s = vmq_[i];
    if (!s.used) return cfg_.vmq_default_queue;
    if (s.mac == m && s.vsid == vsid) {
      *matched = true;
      return s.queue;
    }
  }
}

RssResult RssPipeline::steer_one(const uint8_t* frame, const NvgreLayout& layout) const {
  RssResult r;
  const RssTupleSpec s = rss_select(layout, cfg_.hash_types);
  r.type = s.type;
  r.flags = s.flags;
  r.tuple_len = s.len;
  if (s.len) {
    uint8_t t[kRssMaxTuple];
    rss_copy_tuple(frame, s, t);
    r.hash = impl_->hash(*key_, t, s.len);
    r.queue = queue_of(r.hash);
  }
  steer_vmq(frame, layout, r);
  return r;
}

void RssPipeline::steer_vmq(const uint8_t* frame, const NvgreLayout& L, RssResult& r) const {
  r.vmq_queue = cfg_.vmq_default_queue;
  if (!vmq_.empty() && vmq_key_present(L)) {
    bool matched;
    r.vmq_queue = vmq_lookup(frame + L.inner_eth_offset, L.vsid, &matched);
    if (matched) r.flags |= kRssVmqMatched;
  }
}

// Selects packet's tuple, fills what is known before the hash (type, flags, length, VMQ queue)
// and stages the tuple in its length class, to be hashed by flush_staged() into `r`.
inline __attribute__((always_inline)) void RssPipeline::stage(const uint8_t* frame, const NvgreLayout& L,
                                                              RssResult& r) {
  Workspace& w = *ws_;
  const RssTupleSpec s = select_impl(L, cfg_.hash_types);
  r.hash = 0;
  r.queue = 0;
  r.type = s.type;
  r.flags = s.flags;
  r.tuple_len = s.len;
  if (s.len) {
    const unsigned c = class_of(s.len);
    rss_copy_tuple(frame, s, w.tuples[c] + w.n[c] * s.len);
    w.dest[c][w.n[c]++] = &r;
  }
  ++w.staged;
  steer_vmq(frame, L, r);
}

// One hash_batch call per non-empty length class, then the indirection table.
void RssPipeline::flush_staged() {
  Workspace& w = *ws_;
  for (unsigned c = 0; c < 4; ++c) {
    const uint32_t n = w.n[c];
    if (!n) continue;
    impl_->hash_batch(*key_, w.tuples[c], kClassLen[c], kClassLen[c], n, w.hashes);
    for (uint32_t j = 0; j < n; ++j) {
      RssResult& r = *w.dest[c][j];
      r.hash = w.hashes[j];
      r.queue = table_[w.hashes[j] & mask_];
    }
    w.n[c] = 0;
  }
  w.staged = 0;
}

void RssPipeline::burst_add(const uint8_t* frame, const NvgreLayout& layout, RssResult* out) {
  if (ws_->staged == kChunk) flush_staged();
  stage(frame, layout, *out);
}

void RssPipeline::burst_end() { flush_staged(); }

template <RssPipeline::Ahead kAhead, class LayoutOf>
void RssPipeline::steer_chunk(const Corpus& corpus, size_t first, size_t count, RssResult* out, LayoutOf layout_of) {
  flush_staged();  // a burst left open is finished first (its results complete, the workspace empty)
  for (size_t i = 0; i < count; ++i) {
    if (kAhead != Ahead::nothing && i + kPrefetchAhead < count) {
      // The corpus is read once per call: fetch a few packets ahead (the second line of the
      // frame, where the inner addresses and ports usually are, and for steer() the second line
      // of the stored layout record). Only what this caller reads: the stored layouts are a
      // stream of their own (a line and more per packet) that steer_layouts() never touches.
      if (kAhead == Ahead::stored_layout) {
        const CorpusPacket& ahead = corpus[first + i + kPrefetchAhead];
        __builtin_prefetch(reinterpret_cast<const char*>(&ahead.layout) + 64);
      }
      __builtin_prefetch(corpus.data(first + i + kPrefetchAhead) + 64);
    }
    stage(corpus.data(first + i), layout_of(first + i), out[i]);
  }
  flush_staged();
}

void RssPipeline::steer(const Corpus& corpus, size_t first, size_t count, RssResult* out) {
  for (size_t done = 0; done < count; done += kChunk) {
    const size_t n = count - done < kChunk ? count - done : kChunk;
    steer_chunk<Ahead::stored_layout>(corpus, first + done, n, out + done,
                                      [&](size_t i) -> const NvgreLayout& { return corpus[i].layout; });
  }
}

void RssPipeline::steer_layouts(const Corpus& corpus, size_t first, size_t count, const NvgreLayout* layouts,
                                RssResult* out) {
  for (size_t done = 0; done < count; done += kChunk) {
    const size_t n = count - done < kChunk ? count - done : kChunk;
    // The caller has just parsed these frames: their headers are in L1, nothing to fetch.
    steer_chunk<Ahead::nothing>(corpus, first + done, n, out + done,
                                [&](size_t i) -> const NvgreLayout& { return layouts[i - first]; });
  }
}

void RssPipeline::steer_parse(const Corpus& corpus, size_t first, size_t count, RssResult* out) {
  NvgreLayout scratch;
  for (size_t done = 0; done < count; done += kChunk) {
    const size_t n = count - done < kChunk ? count - done : kChunk;
    steer_chunk<Ahead::frame>(corpus, first + done, n, out + done, [&](size_t i) -> const NvgreLayout& {
      scratch = parse_nvgre(corpus.data(i), corpus[i].length);
      return scratch;
    });
  }
}

}  // namespace eb
