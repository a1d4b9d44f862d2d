// `encapbench segment`: LSOv2 in software over a capture. Every TCP super-packet (payload longer
// than the MSS, or IP lengths left to the frame) becomes its wire segments
// (kernels/segment/segment.h), in order. Every other frame passes through byte for byte, in
// order: UDP, ICMP, ARP and every other inner frame, TCP sends that fit one segment, IP
// fragments, malformed frames, and super-packets that cannot be segmented (header beyond the
// profile's MaxHeaderSize, inconsistent lengths, a UDP large send: USO is not done here), which
// are also reported with their reason. Frames out = frames in - super-packets segmented + their
// segments. Exit 0 when every super-packet was segmented and every frame is NVGRE (an IP fragment
// counts as one), 1 otherwise,
// 2 for usage / input / output errors.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/frame_report.h"
#include "cli/split_command.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/caps.h"
#include "kernels/segment/segment.h"

namespace eb::cli {

namespace {

struct Summary {
  size_t packets_in = 0, sends_segmented = 0, segments_out = 0, passed_through = 0, errors = 0;
  KindCounts kinds;
  std::map<std::string, size_t> reasons;       // refused super-packets: error name -> count
  std::map<std::string, std::string> messages;
  std::map<std::string, size_t> pass_reasons;  // why a frame passed through -> count
};

// A send this command must segment: TCP whose payload does not fit one segment, or whose IP
// lengths were left to the frame (NDIS large send). Everything else is already a wire frame.
bool is_super_packet(const NvgreLayout& L, uint32_t mss) {
  return L.ok() && L.l4 == L4Proto::tcp && (L.payload_len > mss || L.outer.length_from_frame || L.inner.length_from_frame);
}
bool is_udp_large_send(const NvgreLayout& L, const uint8_t* frame) {
  return L.ok() && L.l4 == L4Proto::udp &&
         (L.outer.length_from_frame || L.inner.length_from_frame || load_be16(frame + L.l4_offset + 4) == 0);
}
// Why a frame that is not segmented passes through.
std::string pass_reason(const NvgreLayout& L) {
  if (L.ok()) return L.l4 == L4Proto::tcp ? "fits_one_segment" : "not_tcp:" + inner_kind_name(L);
  if (L.is_fragment()) return frame_kind_name(L);
  return std::string(is_not_nvgre(L) ? "not_nvgre:" : "malformed:") + parse_error_name(L.error);
}

const SplitWords kWords = {.name = "segment", .offload = "LSOv2", .l4 = "TCP",
                           .sends = "TCP super-packets", .unit = "segment", .zero_len = "IP length"};

int run(const SplitOpts& o) {
  SplitRun job;
  const SegmentImpl* impl = &best_segment();
  const auto pick = [&] {
    if (o.impl.empty()) return std::string();
    segment_start_peers();
    const auto r = resolve_impl(segment_impls(), o.impl, best_segment());
    impl = r.record;
    return impl ? std::string() : "--impl: " + r.error;
  };
  if (int rc = job.start(o, kWords, pick)) return rc;
  const OffloadCaps* caps = &*job.caps;
  Summary sum;
  job.each_frame([&](size_t i, const CorpusPacket& pkt, const uint8_t* data) {
    const NvgreLayout& L = pkt.layout;
    ++sum.packets_in;
    sum.kinds.add(L);
    nlohmann::json j = {{"index", i}, {"length", pkt.length}};
    add_frame_kind(j, L);
    std::string err_name, err_msg;
    bool segmented = false;

    if (is_super_packet(L, o.mss)) {
      const SegmentInput sin{data, pkt.length, &L, o.mss, caps->max_header_size};
      const SegmentPlan plan = plan_segments(sin);
      j["header_size"] = L.header_size;
      j["payload_len"] = L.payload_len;
      j["lsov2_eligibility"] = eligibility_name(offload_eligibility(*caps, Offload::lso_v2, L));
      if (plan.ok()) {
        uint32_t n = 0;
        const SegmentError e = job.split(*impl, sin, plan, pkt.timestamp_ns, &n);
        if (e == SegmentError::ok) {
          segmented = true;
          ++sum.sends_segmented;
          sum.segments_out += n;
          j["action"] = "segmented";
          j["segments"] = n;
          j["bytes_out"] = plan.wire_bytes;
        } else {
          err_name = segment_error_name(e), err_msg = segment_error_message(e);
        }
      } else {
        err_name = segment_error_name(plan.error), err_msg = segment_error_message(plan.error);
        if (plan.error == SegmentError::header_too_large)
          err_msg += " (header " + std::to_string(L.header_size) + " bytes, MaxHeaderSize " +
                     std::to_string(caps->max_header_size) + ")";
        else if (plan.error == SegmentError::mss_too_large)
          err_msg += " (MSS " + std::to_string(o.mss) + " after " + std::to_string(L.header_size) + " header bytes)";
      }
    } else if (is_udp_large_send(L, data)) {
      err_name = "uso_not_supported";
      err_msg = "a UDP large send (IP or UDP length 0): USO is not done by this command";
    }
    if (!segmented) {
      // Byte for byte, refused super-packets included (reported below).
      job.out.emit(data, pkt.length, pkt.timestamp_ns);
      ++sum.passed_through;
      const std::string why = err_name.empty() ? pass_reason(L) : "refused:" + err_name;
      ++sum.pass_reasons[why];
      j["action"] = "passed_through";
      j["reason"] = why;
      j["segments"] = 1;
      j["bytes_out"] = pkt.length;
    }
    if (!err_name.empty()) {
      ++sum.errors;
      ++sum.reasons[err_name];
      sum.messages[err_name] = err_msg;
      j["error"] = err_name;
      j["message"] = err_msg;
    }
    if (o.json) std::cout << j.dump() << "\n";
  });

  const size_t frames_out = sum.segments_out + sum.passed_through;
  std::fprintf(stderr,
               "segment (%s, mss %u, caps %s): %zu frames in, %zu super-packets segmented into %zu segments, %zu passed "
               "through unchanged, %zu frames out (= %zu - %zu + %zu), %zu super-packets refused; frames: %s\n",
               impl->info.name.c_str(), o.mss, caps->name.c_str(), sum.packets_in, sum.sends_segmented,
               sum.segments_out, sum.passed_through, frames_out, sum.packets_in, sum.sends_segmented, sum.segments_out,
               sum.errors, sum.kinds.text().c_str());
  for (const auto& [name, n] : sum.reasons)
    std::fprintf(stderr, "  %6zu x refused %s: %s (passed through unchanged)\n", n, name.c_str(), sum.messages[name].c_str());
  if (o.json) {
    nlohmann::json s = job.summary_head(o, *impl);
    s.update(nlohmann::json{{"packets_in", sum.packets_in},
                            {"sends_segmented", sum.sends_segmented},
                            {"segments_out", sum.segments_out},
                            {"passed_through", sum.passed_through},
                            {"frames_out", frames_out},
                            {"errors", sum.errors},
                            {"error_reasons", sum.reasons},
                            {"pass_reasons", sum.pass_reasons}});
    sum.kinds.to_json(s);
    std::cout << s.dump() << "\n";
  }
  return job.finish(o, sum.errors || sum.kinds.unparsed() ? 1 : 0);
}

}  // namespace

void add_segment(CLI::App& app, int* exit_code) {
  add_split_command(app, exit_code, kWords, run);
}

}  // namespace eb::cli
