// What bench_segment.cc (LSOv2) and bench_uso.cc (USO) share: the 64 KiB send they segment, and
// the rows over one send (materialise, describe, the limits). Header-only, used by those two.
#pragma once
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/common/bench_common.h"
#include "bench/common/inputs.h"
#include "datasets/generator.h"
#include "datasets/nvgre_build.h"
#include "kernels/limit/limit.h"
#include "kernels/segment/segment.h"

namespace eb::bench::segrows {

struct BenchSend {
  std::string label;
  std::shared_ptr<AlignedBuffer> frame;
  NvgreLayout layout;
  uint32_t mss = 0;
  uint32_t max_header = kDefaultMaxHeaderSize;
  L4Proto l4 = L4Proto::tcp;
  SegmentPlan plan;
  SegmentInput input() const { return SegmentInput{frame->data(), frame->size(), &layout, mss, max_header, l4}; }
};

// `spec` with fixed addresses and a 64 KiB random payload (large-send lengths, L4 checksum
// seeded with the length-0 pseudo-header sum), segmented at `mss` as a send of spec.l4.
inline BenchSend make_send(std::string label, NvgreSpec spec, uint32_t mss, uint32_t max_header = kDefaultMaxHeaderSize) {
  for (int i = 0; i < 16; ++i) {
    spec.outer.src[i] = static_cast<uint8_t>(10 + i), spec.outer.dst[i] = static_cast<uint8_t>(40 + i);
    spec.inner.src[i] = static_cast<uint8_t>(70 + i), spec.inner.dst[i] = static_cast<uint8_t>(100 + i);
  }
  spec.payload.resize(65536);
  Rng rng(42);
  rng.fill(spec.payload.data(), spec.payload.size());
  spec.large_send = true;
  spec.l4_checksum_pseudo_seed = true;
  spec.tcp_flags = 0x18;
  const std::vector<uint8_t> bytes = build_nvgre(spec);
  BenchSend b;
  b.label = std::move(label);
  b.frame = std::make_shared<AlignedBuffer>(bytes.size(), AlignedBuffer::Fill::zero);
  std::memcpy(b.frame->data(), bytes.data(), bytes.size());
  b.layout = parse_nvgre(b.frame->data(), b.frame->size(), ParseOptions{.large_send = true});
  b.mss = mss;
  b.max_header = max_header;
  b.l4 = spec.l4;
  b.plan = plan_segments(b.input());
  return b;
}

// The header-size sweep points of transport `l4` as sends at MSS 1418 (quick: v4v4 and v6v6).
template <L4Proto kL4>
void add_sweep_sends(std::vector<BenchSend>& v) {
  const SweepFilter keep = [](IpVersion o, IpVersion i, L4Proto l4) {
    return l4 == kL4 && (preset() == Preset::full || o == i);
  };
  for (const SweepPoint& pt : header_sweep_points(UINT32_MAX, keep)) {
    auto spec = spec_for_header_size(pt.outer, pt.inner, pt.l4, pt.header_size);
    if (!spec) continue;
    v.push_back(make_send(pt.label, *spec, 1418, std::max<uint32_t>(kDefaultMaxHeaderSize, pt.header_size)));
  }
}

struct Output {
  std::shared_ptr<AlignedBuffer> arena;
  std::vector<SegmentSlice> slices;
  explicit Output(const SegmentPlan& p)
      : arena(std::make_shared<AlignedBuffer>(p.arena_bytes, AlignedBuffer::Fill::zero)), slices(p.segments) {}
  SegmentOutput out() { return SegmentOutput{arena->data(), arena->size(), slices.data(), slices.size()}; }
};

inline void finish(benchmark::State& st, const BenchSend& s) {
  set_counters(st, static_cast<double>(s.plan.wire_bytes), s.plan.segments, s.layout.header_size);
}

// Materialised segments in the output arena.
inline void bm_segment(benchmark::State& st, const SegmentImpl& impl, const BenchSend& s) {
  Output o(s.plan);
  const SegmentInput in = s.input();
  const SegmentOutput out = o.out();
  uint32_t n = 0;
  if (SegmentError e = impl.run(in, out, &n); e != SegmentError::ok) {
    st.SkipWithError(segment_error_message(e));
    return;
  }
  timed_region_begins();
  for (auto _ : st) {
    SegmentError e = impl.run(in, out, &n);
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
  }
  finish(st, s);
}

// The scatter-gather list only (header buffers + payload references).
inline void bm_describe(benchmark::State& st, const SegmentImpl& impl, const BenchSend& s) {
  AlignedBuffer headers(s.plan.header_bytes, AlignedBuffer::Fill::zero);
  std::vector<SgEntry> entries(s.plan.segments);
  const SegmentInput in = s.input();
  const SgOutput out{headers.data(), headers.size(), entries.data(), entries.size()};
  if (SegmentError e = impl.run_sg(in, out); e != SegmentError::ok) {
    st.SkipWithError(segment_error_message(e));
    return;
  }
  timed_region_begins();
  for (auto _ : st) {
    SegmentError e = impl.run_sg(in, out);
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
  }
  finish(st, s);
}

// memcpy: the output bytes (one contiguous copy of wire_bytes); read: the payload where it lies
// in the frame (what zerocopy reads), or with aligned_copy a 64-byte-aligned copy of it.
inline void bm_limit(benchmark::State& st, const LimitImpl& lim, const BenchSend& s, bool aligned_copy) {
  const size_t n = lim.writes ? s.plan.wire_bytes : s.plan.payload_len;
  AlignedBuffer src(n, AlignedBuffer::Fill::zero), dst(lim.writes ? n : 64, AlignedBuffer::Fill::zero);
  if (lim.writes) std::memset(src.data(), 0x5A, n);
  else std::memcpy(src.data(), s.frame->data() + s.plan.header_len, n);
  const uint8_t* from = lim.writes || aligned_copy ? src.data() : s.frame->data() + s.plan.header_len;
  timed_region_begins();
  for (auto _ : st) {
    uint64_t r = lim.run(lim.writes ? dst.data() : nullptr, from, n);
    benchmark::DoNotOptimize(r);
    benchmark::ClobberMemory();
  }
  set_counters(st, static_cast<double>(n), s.plan.segments, s.layout.header_size);
}

// memcpy-segments: the output bytes written the way a materialising segmenter has to issue
// them, one memcpy of the header and one of the payload slice per segment, into the plan's layout
// (payloads 64-byte aligned at the plan's stride); no field patched, no checksum. Beside
// limit/memcpy (the same bytes in one call) it separates what the per-segment layout costs from
// what the segmenter's own work costs.
inline void bm_memcpy_segments(benchmark::State& st, const BenchSend& s) {
  const SegmentPlan& p = s.plan;
  Output o(p);
  const uint8_t* frame = s.frame->data();
  timed_region_begins();
  for (auto _ : st) {
    for (uint32_t i = 0; i < p.segments; ++i) {
      uint8_t* d = o.arena->data() + p.segment_offset(i);
      std::memcpy(d, frame, p.header_len);
      std::memcpy(d + p.header_len, frame + p.header_len + p.segment_payload_offset(i), p.segment_payload_len(i));
    }
    benchmark::ClobberMemory();
  }
  set_counters(st, static_cast<double>(p.wire_bytes), p.segments, s.layout.header_size);
}

inline ImplInfo renamed(ImplInfo info, const std::string& name) {
  info.name = name;
  return info;
}

// Rows FAMILY/IMPL/INPUT of one record on send `s`: scatter-gather records give IMPL (describe)
// and IMPL-gather (materialise), the others IMPL.
inline void register_impl(const std::string& family, const SegmentImpl& impl, const BenchSend& s) {
  if (impl.describe) {
    register_row(family, impl.info, s.label, [&impl, &s](benchmark::State& st) { bm_describe(st, impl, s); });
    register_row(family, renamed(impl.info, impl.info.name + "-gather"), s.label,
                 [&impl, &s](benchmark::State& st) { bm_segment(st, impl, s); });
  } else {
    register_row(family, impl.info, s.label, [&impl, &s](benchmark::State& st) { bm_segment(st, impl, s); });
  }
}

// limit/read and limit/memcpy of send `s` (and limit/read/INPUT-aligned for the 64k- sends),
// and limit/memcpy-segments.
inline void register_limits(const BenchSend& s) {
  for (const LimitImpl& lim : limit_impls()) {
    register_row("limit", lim.info, s.label, [&lim, &s](benchmark::State& st) { bm_limit(st, lim, s, false); });
    if (!lim.writes && s.label.rfind("64k-", 0) == 0)
      register_row("limit", lim.info, s.label + "-aligned", [&lim, &s](benchmark::State& st) { bm_limit(st, lim, s, true); });
  }
  ImplInfo per_segment = renamed(limit_memcpy().info, "memcpy-segments");
  per_segment.description =
      "C library memcpy per segment (header, then payload slice) into the segments' layout: the copy a "
      "materialising segmenter issues, without its field and checksum work";
  register_row("limit", per_segment, s.label, [&s](benchmark::State& st) { bm_memcpy_segments(st, s); });
}

}  // namespace eb::bench::segrows
