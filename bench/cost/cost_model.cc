#include "bench/cost/cost_model.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "kernels/checksum/offload.h"
#include "kernels/rss/pipeline.h"
#include "kernels/uso/uso.h"

namespace eb::cost {

// ---- Line-rate model --------------------------------------------------------------------------

uint64_t line_bytes(uint32_t frame_len, const WireModel& w) {
  const uint64_t with_fcs = uint64_t{frame_len} + (w.fcs_in_capture ? 0 : WireModel::kFcs);
  return std::max<uint64_t>(with_fcs, WireModel::kMinFrame) + WireModel::kPreambleSfdIfg;
}

namespace {
uint32_t frame_on_wire(const CorpusPacket& p) { return std::max(p.length, p.wire_length); }
}  // namespace

CaptureFacts capture_facts(const Corpus& c, const WireModel& w) {
  CaptureFacts f;
  f.packets = c.size();
  uint64_t first = 0, last = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    f.bytes += c[i].length;
    f.line_bytes += line_bytes(frame_on_wire(c[i]), w);
    const uint64_t t = c[i].timestamp_ns;
    if (i == 0) first = last = t;
    first = std::min(first, t);
    last = std::max(last, t);
  }
  f.duration_ns = last - first;
  return f;
}

double cores_at(double pass_ns, double line_rate_bps, uint64_t capture_line_bytes) {
  if (capture_line_bytes == 0 || pass_ns <= 0) return 0;
  const double line_seconds = 8.0 * static_cast<double>(capture_line_bytes) / line_rate_bps;
  return pass_ns * 1e-9 / line_seconds;
}

std::optional<double> cores_at_capture_rate(double pass_ns, uint64_t duration_ns) {
  if (duration_ns == 0) return std::nullopt;
  return pass_ns / static_cast<double>(duration_ns);
}

// ---- Implementations --------------------------------------------------------------------------

std::string PathImpls::family(Offload o) const {
  switch (o) {
    case Offload::tx_checksum:
    case Offload::rx_checksum: return "checksum";
    case Offload::lso_v2: return "segment";
    case Offload::rss: return "rss";
    case Offload::vmq: return "vmq";
    case Offload::uso: return "uso";
    default: return "";
  }
}

std::string PathImpls::name(Offload o) const {
  switch (o) {
    case Offload::tx_checksum:
    case Offload::rx_checksum: return checksum ? checksum->info.name : "";
    case Offload::lso_v2: return segment ? segment->info.name : "";
    case Offload::rss: return toeplitz ? toeplitz->info.name : "";
    case Offload::vmq: return "hash-table";
    case Offload::uso: return uso ? uso->info.name : "";
    default: return "";
  }
}

namespace {

const SegmentImpl& reference_segment() {
  const SegmentImpl* r = find_impl(segment_impls(), "reference");
  return r ? *r : best_segment();
}

const UsoImpl& reference_uso() {
  const UsoImpl* r = find_impl(uso_impls(), "reference");
  return r ? *r : best_uso();
}

// The family's record of that name (resolve_impl: the record or the one-line reason it cannot
// run here), or `best` when the family has no record of that name. Returns whether it had one.
template <typename Record>
bool pick(const std::vector<Record>& records, const std::string& name, const Record& best, const Record** out,
          std::string* error) {
  *out = &best;
  if (!find_impl(records, name)) return false;
  auto r = resolve_impl(records, name, best);
  if (!r.record) *error = r.error;
  else *out = r.record;
  return true;
}

}  // namespace

std::optional<PathImpls> resolve_impls(const std::string& selector, std::string* error) {
  PathImpls p;
  p.selector = selector;
  if (selector == "best") {
    p.checksum = &best_packet_checksum();
    p.segment = &best_segment();
    p.toeplitz = &best_toeplitz();
    p.uso = &best_uso();
    return p;
  }
  if (selector == "reference") {
    p.checksum = &reference_checksum();
    p.segment = &reference_segment();
    p.toeplitz = &reference_toeplitz();
    p.uso = &reference_uso();
    return p;
  }
  segment_start_peers();  // a peer's support is known only once it has started
  std::string why;
  bool named = pick(checksum_impls(), selector, best_packet_checksum(), &p.checksum, &why);
  if (named && why.empty() && !p.checksum->internet_checksum) {
    *error = "checksum implementation '" + selector + "' computes a CRC, not the Internet checksum: it is no software path";
    return std::nullopt;
  }
  named = pick(segment_impls(), selector, best_segment(), &p.segment, &why) || named;
  named = pick(toeplitz_impls(), selector, best_toeplitz(), &p.toeplitz, &why) || named;
  named = pick(uso_impls(), selector, best_uso(), &p.uso, &why) || named;
  if (!why.empty()) {
    *error = why;
    return std::nullopt;
  }
  if (!named) {
    *error = "unknown implementation '" + selector + "' (use best, reference, or a name from `encapbench list`)";
    return std::nullopt;
  }
  return p;
}

// ---- Classification ---------------------------------------------------------------------------

std::array<SoftwareSet, kOffloadCount> software_sets(const Corpus& capture, const OffloadCaps& caps,
                                                     const WireModel& w) {
  std::array<SoftwareSet, kOffloadCount> sets;
  for (int k = 0; k < kOffloadCount; ++k) sets[k].offload = static_cast<Offload>(k);
  OffloadCensus census;
  for (size_t i = 0; i < capture.size(); ++i) {
    const CorpusPacket& p = capture[i];
    const auto answers = census.add(caps, p.layout, p.length);
    for (int k = 0; k < kOffloadCount; ++k) {
      if (!left_to_software(static_cast<Offload>(k), answers[k], p.layout)) continue;
      SoftwareSet& s = sets[k];
      s.indices.push_back(static_cast<uint32_t>(i));
      s.bytes += p.length;
      s.line_bytes += line_bytes(frame_on_wire(p), w);
    }
  }
  for (int k = 0; k < kOffloadCount; ++k) {
    SoftwareSet& s = sets[k];
    for (int e = 0; e < kEligibilityCount; ++e) {
      s.packets_by[e] = census.software_packets_by[k][e];
      s.bytes_by[e] = census.software_bytes_by[k][e];
    }
    s.nic_packets = census.packets[k][static_cast<int>(Eligibility::offload)];
    s.no_work_packets = census.total_packets - s.nic_packets - s.indices.size();
  }
  return sets;
}

bool has_software_path(Offload o) {
  switch (o) {
    case Offload::tx_checksum:
    case Offload::rx_checksum:
    case Offload::lso_v2:
    case Offload::rss:
    case Offload::vmq:
    case Offload::uso: return true;
    default: return false;
  }
}

// ---- Software paths ---------------------------------------------------------------------------

struct SoftwarePath::State {
  std::vector<VerifyResult> verify;
  std::unique_ptr<RssPipeline> rss;
  std::vector<RssResult> steer;
  // LSOv2 / USO: one SegmentInput per packet (MSS = its own payload), one output arena for the
  // largest.
  std::vector<SegmentInput> sends;
  std::vector<uint8_t> arena;
  std::vector<SegmentSlice> slices;
  uint64_t sink = 0;
};

SoftwarePath::~SoftwarePath() = default;

std::unique_ptr<SoftwarePath> SoftwarePath::create(Offload o, const Corpus& capture, const std::vector<uint32_t>& indices,
                                                   const PathImpls& impls, const ParseOptions& parse,
                                                   std::string* error) {
  if (!has_software_path(o)) {
    *error = std::string("no software path for ") + offload_name(o) + " in this suite";
    return nullptr;
  }
  std::unique_ptr<SoftwarePath> p(new SoftwarePath);
  p->offload_ = o;
  p->impls_ = impls;
  p->st_ = std::make_unique<State>();
  size_t bytes = 0;
  for (uint32_t i : indices) bytes += capture[i].length + 64;
  p->packets_.reserve(indices.size(), bytes);
  for (uint32_t i : indices) {
    const CorpusPacket& c = capture[i];
    p->packets_.add(capture.frame(i), c.label, c.timestamp_ns, c.wire_length, parse);
  }
  State& st = *p->st_;
  const Corpus& pk = p->packets_;
  switch (o) {
    case Offload::rx_checksum: st.verify.resize(pk.size()); break;
    case Offload::rss:
    case Offload::vmq: {
      RssConfig cfg;
      cfg.impl = impls.toeplitz->info.name;
      if (o == Offload::vmq) {
        // A VMQ table as a Hyper-V host has it: one filter per (inner destination MAC, VSID) of
        // the whole capture, so every lookup of a known VM finds its queue.
        std::set<std::pair<uint64_t, uint32_t>> seen;
        for (size_t i = 0; i < capture.size(); ++i) {
          const NvgreLayout& L = capture[i].layout;
          if (L.inner_eth_offset == 0 || L.inner_eth_offset + 6 > L.frame_len) continue;
          VmqFilter f;
          std::memcpy(f.mac, capture.data(i) + L.inner_eth_offset, 6);
          f.vsid = L.vsid;
          uint64_t mac = 0;
          std::memcpy(&mac, f.mac, 6);
          if (!seen.insert({mac, f.vsid}).second) continue;
          f.queue = static_cast<uint16_t>(1 + cfg.vmq.size() % (cfg.queues - 1));
          cfg.vmq.push_back(f);
        }
      }
      st.rss = RssPipeline::create(cfg, error);
      if (!st.rss) return nullptr;
      st.steer.resize(pk.size());
      break;
    }
    case Offload::lso_v2:
    case Offload::uso: {
      // One send per packet, its own payload as the MSS: the per-segment (per-datagram) work. A
      // packet the planner refuses (not a send it can segment) stays in the set and is timed
      // as the refusal it gets.
      // The transport in the input (SegmentInput::l4) is what the planner segments.
      const L4Proto l4 = o == Offload::uso ? L4Proto::udp : L4Proto::tcp;
      size_t arena = 0;
      for (size_t i = 0; i < pk.size(); ++i) {
        SegmentInput in{pk.data(i), pk[i].length, &pk[i].layout, 1, 65535, l4};
        SegmentPlan plan = plan_segments(in);
        if (plan.ok() || plan.error == SegmentError::mss_too_large) {
          in.mss = std::max<uint32_t>(plan.payload_len, 1);
          plan = plan_segments(in);
        }
        arena = std::max(arena, plan.ok() ? plan.arena_bytes : 0);
        st.sends.push_back(in);
      }
      st.arena.resize(arena + 64);
      st.slices.resize(1);
      break;
    }
    default: break;
  }
  return p;
}

void SoftwarePath::run_pass() {
  State& st = *st_;
  switch (offload_) {
    case Offload::tx_checksum: processed_ = checksum_fill_batch(packets_, *impls_.checksum); break;
    case Offload::rx_checksum:
      checksum_verify_batch(packets_, *impls_.checksum, st.verify.data());
      processed_ = 0;
      for (size_t i = 0; i < packets_.size(); ++i) processed_ += packets_[i].layout.well_formed();
      break;
    case Offload::rss:
      st.rss->steer(packets_, 0, packets_.size(), st.steer.data());
      processed_ = packets_.size();
      break;
    case Offload::vmq: {
      size_t n = 0;
      for (size_t i = 0; i < packets_.size(); ++i) {
        const NvgreLayout& L = packets_[i].layout;
        if (L.inner_eth_offset == 0 || L.inner_eth_offset + 6 > L.frame_len) continue;
        bool matched = false;
        st.steer[i].vmq_queue = st.rss->vmq_lookup(packets_.data(i) + L.inner_eth_offset, L.vsid, &matched);
        n += matched;
      }
      processed_ = n;
      break;
    }
    case Offload::lso_v2:
    case Offload::uso: {
      SegmentOutput out{st.arena.data(), st.arena.size(), st.slices.data(), st.slices.size()};
      const SegmentImpl& impl = offload_ == Offload::uso ? *impls_.uso : *impls_.segment;
      size_t n = 0;
      for (const SegmentInput& in : st.sends) n += impl.run(in, out) == SegmentError::ok;
      processed_ = n;
      break;
    }
    default: processed_ = 0; break;
  }
}

// ---- Pricing ----------------------------------------------------------------------------------

CostModel::CostModel(const Corpus& capture, PathImpls chosen, PathImpls reference, Measurer measurer,
                     ParseOptions parse, WireModel wire)
    : capture_(capture),
      chosen_(std::move(chosen)),
      reference_(std::move(reference)),
      measurer_(std::move(measurer)),
      parse_(parse),
      wire_(wire),
      facts_(capture_facts(capture, wire)) {}

bool CostModel::price_path(Offload o, const std::vector<uint32_t>& set, const PathImpls& impls, PathCost* out,
                           std::string* error) {
  out->impl = impls.name(o);
  out->family = impls.family(o);
  out->measured = true;
  if (set.empty()) {  // nothing left to software: zero, by definition, and nothing is timed
    out->m = bench::measure(nullptr);
    return true;
  }
  auto key = std::make_tuple(static_cast<int>(o), out->impl, set);
  if (auto it = cache_.find(key); it != cache_.end()) {
    out->m = it->second;
    return true;
  }
  auto path = SoftwarePath::create(o, capture_, set, impls, parse_, error);
  if (!path) return false;
  out->m = measurer_([&path] { path->run_pass(); });
  cache_.emplace(std::move(key), out->m);
  return true;
}

std::optional<ProfileCost> CostModel::price(const OffloadCaps& caps, std::string* error) {
  ProfileCost pc;
  pc.caps = caps;
  auto sets = software_sets(capture_, caps, wire_);
  for (int k = 0; k < kOffloadCount; ++k) {
    const Offload o = static_cast<Offload>(k);
    OffloadCost& oc = pc.offloads[k];
    oc.set = std::move(sets[k]);
    if (!has_software_path(o)) {
      oc.why_not_measured = "no software path for this offload in the suite";
      continue;
    }
    if (!price_path(o, oc.set.indices, chosen_, &oc.chosen, error)) return std::nullopt;
    // The reference column: the same measurement when the chosen implementation is the reference.
    if (!price_path(o, oc.set.indices, reference_, &oc.reference, error)) return std::nullopt;
  }
  return pc;
}

}  // namespace eb::cost
