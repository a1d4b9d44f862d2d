// `encapbench rss`: receive steering for NVGRE in software over a capture.
//   default      per packet: the hash type used (inner 4-tuple, inner 2-tuple or the outer 2-tuple
//                fallback), the input tuple, the 32-bit Toeplitz hash and the queue; then packets
//                per queue and the imbalance (max/mean).
//   --quality    distribution quality of a key over the capture's flows: per-queue load, max/mean,
//                chi-square against uniform with its p-value (Boost.Math), and the symmetric key
//                (0x6d5a repeated) check that both directions of every flow land on one queue.
// Exit: 0 fine; 1 a finding (a packet that does not parse as NVGRE, or a symmetric-key violation);
// 2 usage or input error (bad key, unknown implementation or hash type, unreadable capture).
#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/frame_report.h"
#include "cli/input.h"
#include "kernels/common/byteorder.h"
#include "kernels/rss/pipeline.h"
#include "kernels/rss/quality.h"
#include "kernels/rss/toeplitz.h"

namespace eb::cli {

namespace {

struct Opts {
  std::string in;
  std::string key;
  std::string hash_types = "all";
  uint32_t queues = 8;
  uint32_t indirection = 128;
  std::string impl;
  std::vector<std::string> vmq;
  uint16_t vmq_default = 0;
  bool json = false;
  bool quality = false;
};

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}


// "src:port -> dst:port" (IPv6 in brackets when ports follow), or "src -> dst".
std::string tuple_text(const uint8_t* t, const RssTupleSpec& s) {
  const bool ports = s.len > 2 * s.addr_len;
  auto one = [&](const uint8_t* a, const uint8_t* port) {
    std::string x = addr_text(a, s.addr_len);
    if (!ports) return x;
    if (s.addr_len == 16) x = "[" + x + "]";
    return x + ":" + std::to_string(load_be16(port));
  };
  return one(t, t + 2 * s.addr_len) + " -> " + one(t + s.addr_len, t + 2 * s.addr_len + 2);
}

// Frames that are packets for RSS purposes (NVGRE of any inner kind, IP fragments, or only the
// payload cut short by the capture) are not findings; malformed ones are.
bool finding_of(const NvgreLayout& L) { return !L.well_formed() && L.error != ParseError::truncated_payload; }

bool parse_vmq(const std::string& text, VmqFilter* f, std::string* err) {
  // MAC,VSID=QUEUE  e.g. 02:00:00:00:01:02,0x123456=3
  const size_t comma = text.find(','), eq = text.find('=');
  if (comma == std::string::npos || eq == std::string::npos || eq < comma) {
    *err = "--vmq '" + text + "': expected MAC,VSID=QUEUE";
    return false;
  }
  unsigned m[6];
  char tail;
  if (std::sscanf(text.substr(0, comma).c_str(), "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
                  &tail) != 6) {
    *err = "--vmq '" + text + "': bad MAC address";
    return false;
  }
  for (int i = 0; i < 6; ++i) {
    if (m[i] > 255) {
      *err = "--vmq '" + text + "': bad MAC address";
      return false;
    }
    f->mac[i] = static_cast<uint8_t>(m[i]);
  }
  try {
    size_t used = 0;
    const std::string vs = text.substr(comma + 1, eq - comma - 1), qs = text.substr(eq + 1);
    const unsigned long vsid = std::stoul(vs, &used, 0);
    if (used != vs.size() || vsid > 0xFFFFFF) throw std::invalid_argument("vsid");
    const unsigned long q = std::stoul(qs, &used, 0);
    if (used != qs.size() || q > 0xFFFF) throw std::invalid_argument("queue");
    f->vsid = static_cast<uint32_t>(vsid);
    f->queue = static_cast<uint16_t>(q);
  } catch (const std::exception&) {
    *err = "--vmq '" + text + "': VSID must be a 24-bit number and QUEUE 0..65535";
    return false;
  }
  return true;
}

nlohmann::json stats_json(const LoadStats& s, const std::vector<uint64_t>& per_queue) {
  return {{"per_queue", per_queue}, {"mean", s.mean},       {"max", s.max},        {"min", s.min},
          {"max_over_mean", s.max_over_mean}, {"chi_square", s.chi2}, {"df", s.df}, {"p_value", s.p_value}};
}

void print_queue_table(const std::vector<uint64_t>& per_queue, const char* what) {
  uint64_t total = 0;
  for (uint64_t c : per_queue) total += c;
  std::printf("%6s %10s %7s\n", "queue", what, "share");
  for (size_t q = 0; q < per_queue.size(); ++q)
    std::printf("%6zu %10llu %6.2f%%\n", q, static_cast<unsigned long long>(per_queue[q]),
                total ? 100.0 * double(per_queue[q]) / double(total) : 0.0);
}

void run(const Opts& o, int* exit_code) {
  RssConfig cfg;
  std::string err;
  if (!o.key.empty() && !parse_toeplitz_key(o.key, &cfg.key, &err)) {
    *exit_code = input_error("--key: " + err);
    return;
  }
  if (!parse_rss_hash_types(o.hash_types, &cfg.hash_types, &err)) {
    *exit_code = input_error("--hash-types: " + err);
    return;
  }
  cfg.queues = o.queues;
  cfg.indirection_size = o.indirection;
  cfg.impl = o.impl;
  cfg.vmq_default_queue = o.vmq_default;
  for (const auto& v : o.vmq) {
    VmqFilter f;
    if (!parse_vmq(v, &f, &err)) {
      *exit_code = input_error(err);
      return;
    }
    cfg.vmq.push_back(f);
  }
  auto pipe = RssPipeline::create(cfg, &err);
  if (!pipe) {
    *exit_code = input_error(err);
    return;
  }
  LoadedInput in;
  if (!load_capture_or_report(o.in, {}, &in, exit_code)) return;
  const Corpus& c = in.corpus;
  std::vector<RssResult> res(c.size());
  pipe->steer(c, 0, c.size(), res.data());

  std::vector<uint64_t> per_queue(cfg.queues, 0);
  size_t findings = 0, unhashed = 0, outer = 0;
  KindCounts kinds;
  // Flows for --quality: distinct (type, tuple) among hashed packets.
  RssFlowSet flows;
  const bool table = !o.json && !o.quality;
  if (table)
    std::printf("%6s %6s  %-12s %-5s %-42s %-10s %5s%s\n", "#", "len", "type", "from", "tuple", "hash", "queue",
                cfg.vmq.empty() ? "" : "  vmq");
  for (size_t i = 0; i < c.size(); ++i) {
    const CorpusPacket& p = c[i];
    const RssResult& r = res[i];
    const RssTupleSpec s = rss_select(p.layout, cfg.hash_types);
    uint8_t t[kRssMaxTuple] = {};
    if (s.len) rss_copy_tuple(c.data(i), s, t);
    const bool finding = finding_of(p.layout);
    findings += finding;
    kinds.add(p.layout);
    if (r.type == kRssHashNone) {
      ++unhashed;
    } else {
      ++per_queue[r.queue];
      outer += (r.flags & kRssFromOuter) != 0;
      if (o.quality) flows.emplace(std::make_pair(r.type, std::vector<uint8_t>(t, t + s.len)), s.addr_len);
    }
    if (o.quality) continue;
    const char* from = r.type == kRssHashNone ? "-" : (r.flags & kRssFromOuter) ? "outer" : "inner";
    if (o.json) {
      nlohmann::json j = {{"index", i}, {"length", p.length}};
      add_frame_kind(j, p.layout);
      if (!p.layout.well_formed()) j["finding"] = finding;
      j["hash_type"] = rss_hash_type_name(r.type);
      j["from"] = from;
      if (r.type != kRssHashNone) {
        j["src"] = addr_text(t, s.addr_len);
        j["dst"] = addr_text(t + s.addr_len, s.addr_len);
        if (s.len > 2 * s.addr_len) {
          j["src_port"] = load_be16(t + 2 * s.addr_len);
          j["dst_port"] = load_be16(t + 2 * s.addr_len + 2);
        }
        j["ex_src"] = (r.flags & kRssExSrc) != 0;
        j["ex_dst"] = (r.flags & kRssExDst) != 0;
        j["tuple"] = hex(t, s.len);
        char h[16];
        std::snprintf(h, sizeof h, "0x%08x", r.hash);
        j["hash"] = h;
        j["queue"] = r.queue;
      }
      if (!cfg.vmq.empty()) {
        j["vmq_queue"] = r.vmq_queue;
        j["vmq_matched"] = (r.flags & kRssVmqMatched) != 0;
      }
      std::cout << j.dump() << "\n";
    } else {
      std::string tuple = r.type == kRssHashNone ? "-" : tuple_text(t, s);
      if (r.flags & (kRssExSrc | kRssExDst))
        tuple += std::string(" (ex:") + ((r.flags & kRssExSrc) ? " home-address" : "") +
                 ((r.flags & kRssExDst) ? " rt2" : "") + ")";
      char hash[16] = "-", queue[16] = "-";
      if (r.type != kRssHashNone) {
        std::snprintf(hash, sizeof hash, "0x%08x", r.hash);
        std::snprintf(queue, sizeof queue, "%u", r.queue);
      }
      std::string vmq;
      if (!cfg.vmq.empty())
        vmq = "  " + std::to_string(r.vmq_queue) + ((r.flags & kRssVmqMatched) ? " (filter)" : " (default)");
      std::printf("%6zu %6u  %-12s %-5s %-42s %-10s %5s%s\n", i, p.length, rss_hash_type_name(r.type), from,
                  tuple.c_str(), hash, queue, vmq.c_str());
      if (!p.layout.ok()) std::printf("%6s %6s  %s%s\n", "", "", finding ? "" : "(not a finding) ", frame_note(p.layout).c_str());
    }
  }

  const size_t hashed = c.size() - unhashed;
  if (!o.quality) {
    const LoadStats st = load_stats(per_queue);
    if (o.json) {
      nlohmann::json j = {{"summary", true},
                          {"packets", c.size()},
                          {"hashed", hashed},
                          {"outer_fallback", outer},
                          {"not_hashed", unhashed},
                          {"parse_errors", findings},
                          {"impl", pipe->impl().info.name},
                          {"key", hex(cfg.key.data(), cfg.key.size())},
                          {"hash_types", rss_hash_types_to_string(cfg.hash_types)},
                          {"queues", cfg.queues},
                          {"indirection", cfg.indirection_size},
                          {"imbalance", st.max_over_mean},
                          {"load", stats_json(st, per_queue)}};
      kinds.to_json(j);
      std::cout << j.dump() << "\n";
    } else {
      std::printf("\n");
      print_queue_table(per_queue, "packets");
      std::printf("packets %zu (%s), hashed %zu (outer 2-tuple %zu), not hashed %zu, parse errors %zu\n", c.size(),
                  kinds.text().c_str(), hashed, outer, unhashed, findings);
      std::printf("imbalance (max/mean packets per queue): %.3f  [impl %s, %u queues, indirection %u, types %s]\n",
                  st.max_over_mean, pipe->impl().info.name.c_str(), cfg.queues, cfg.indirection_size,
                  rss_hash_types_to_string(cfg.hash_types).c_str());
    }
  }

  bool symmetric_violation = false;
  if (o.quality) {
    // The given key over the flows, and the symmetric key over the same flows and their reverses.
    RssConfig sym_cfg = cfg;
    sym_cfg.key.assign(kSymmetricRssKey, kSymmetricRssKey + 40);
    auto sym = RssPipeline::create(sym_cfg, &err);
    if (!sym) {
      *exit_code = input_error("symmetric key: " + err);
      return;
    }
    const RssQuality q = rss_key_quality(flows, *pipe, *sym);
    const KeyQuality &kq = q.key, &sq = q.symmetric;
    const ToeplitzImpl& impl = pipe->impl();
    std::vector<std::string> violations;
    for (const auto& [tuple, alen] : sq.split_flows) {
      RssTupleSpec spec;
      spec.addr_len = alen;
      spec.len = static_cast<uint8_t>(tuple.size());
      violations.push_back(tuple_text(tuple.data(), spec));
    }
    symmetric_violation = sq.both_directions_same_queue != q.flows;
    const LoadStats &ks = kq.stats, &ss = sq.stats;
    const size_t key_same = kq.both_directions_same_queue, sym_same = sq.both_directions_same_queue;
    const size_t both_present = q.flows_with_reverse;
    const std::vector<uint64_t> &key_load = kq.load, &sym_load = sq.load;
    if (o.json) {
      nlohmann::json j = {{"quality", true},
                          {"packets", c.size()},
                          {"hashed_packets", hashed},
                          {"flows", flows.size()},
                          {"flows_with_reverse_in_capture", both_present},
                          {"parse_errors", findings},
                          {"impl", impl.info.name},
                          {"queues", cfg.queues},
                          {"indirection", cfg.indirection_size},
                          {"hash_types", rss_hash_types_to_string(cfg.hash_types)},
                          {"key", {{"hex", hex(cfg.key.data(), cfg.key.size())},
                                   {"load", stats_json(ks, key_load)},
                                   {"both_directions_same_queue", key_same}}},
                          {"symmetric_key", {{"hex", hex(kSymmetricRssKey, 40)},
                                             {"load", stats_json(ss, sym_load)},
                                             {"both_directions_same_queue", sym_same},
                                             {"ok", !symmetric_violation},
                                             {"violations", violations}}}};
      std::cout << j.dump() << "\n";
    } else {
      std::printf("RSS key quality over %zu flows (%zu hashed packets of %zu; %zu flows also seen in reverse)\n",
                  flows.size(), hashed, c.size(), both_present);
      std::printf("impl %s, %u queues, indirection %u, types %s\n\n", impl.info.name.c_str(), cfg.queues,
                  cfg.indirection_size, rss_hash_types_to_string(cfg.hash_types).c_str());
      std::printf("key %s\n", hex(cfg.key.data(), cfg.key.size()).c_str());
      print_queue_table(key_load, "flows");
      std::printf("max/mean %.3f  chi-square %.3f (df %u)  p-value %.4g  both directions on one queue: %zu of %zu\n\n",
                  ks.max_over_mean, ks.chi2, ks.df, ks.p_value, key_same, flows.size());
      std::printf("symmetric key %s\n", hex(kSymmetricRssKey, 40).c_str());
      print_queue_table(sym_load, "flows");
      std::printf("max/mean %.3f  chi-square %.3f (df %u)  p-value %.4g  both directions on one queue: %zu of %zu %s\n",
                  ss.max_over_mean, ss.chi2, ss.df, ss.p_value, sym_same, flows.size(),
                  symmetric_violation ? "VIOLATED" : "(ok)");
      for (const auto& v : violations) std::printf("  split flow: %s\n", v.c_str());
    }
  }
  std::cout.flush();
  std::fflush(stdout);
  report_read_problem(in);
  *exit_code = in.read_exit_code() ? in.read_exit_code() : (findings || symmetric_violation ? 1 : 0);
}

}  // namespace

void add_rss(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("rss", "NVGRE receive steering in software: Toeplitz hash, queue, VMQ; key quality");
  auto o = std::make_shared<Opts>();
  add_capture_options(sub, &o->in);
  sub->add_option("--key", o->key, "RSS key in hex, 1..52 bytes (default: the 40-byte Microsoft verification key)");
  sub->add_option("--hash-types", o->hash_types,
                  "Enabled NDIS hash types: comma list of ipv4, tcp-ipv4, udp-ipv4, ipv6, tcp-ipv6, udp-ipv6, ipv6-ex, "
                  "tcp-ipv6-ex, udp-ipv6-ex, or all / default (without EX) (default all)");
  sub->add_option("--queues", o->queues, "Receive queues (default 8)");
  sub->add_option("--indirection", o->indirection,
                  "Indirection table entries, a power of two (NDIS: up to 128; larger for software RSS; default 128)");
  sub->add_option("--impl", o->impl, "Toeplitz implementation (see `encapbench list`; default: the best this CPU runs)");
  sub->add_option("--vmq", o->vmq, "VMQ filter MAC,VSID=QUEUE on the inner destination MAC (repeatable)");
  sub->add_option("--vmq-default", o->vmq_default, "Queue for packets no VMQ filter matches (default 0)");
  sub->add_flag("--json", o->json, "JSON Lines: one object per packet, then a summary object");
  sub->add_flag("--quality", o->quality,
                "Key quality over the capture's flows: per-queue load, max/mean, chi-square vs uniform, symmetric key");
  sub->callback([o, exit_code] { run(*o, exit_code); });
}

}  // namespace eb::cli
