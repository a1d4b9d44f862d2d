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
#include "cli/frame_sink.h"
#include "cli/frame_report.h"
#include "cli/input.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/caps.h"
#include "kernels/segment/segment.h"

namespace eb::cli {

namespace {

struct Opts {
  std::string in, out, impl, caps = "full";
  uint32_t mss = 0;
  bool json = false;
};

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

int run(const Opts& o) {
  if (o.mss == 0) return input_error("--mss must be at least 1 (payload bytes per segment)");
  std::string caps_error;
  const auto caps = caps_from_string(o.caps, &caps_error);
  if (!caps) return input_error("--caps: " + caps_error);
  const SegmentImpl* impl = &best_segment();
  if (!o.impl.empty()) {
    segment_start_peers();
    const auto r = resolve_impl(segment_impls(), o.impl, best_segment());
    if (!r.record) return input_error("--impl: " + r.error);
    impl = r.record;
  }
  if (o.json && o.out == "-") return input_error("--json writes JSON Lines to stdout: give --out a file, not -");

  LoadedInput in = load_capture(o.in, ParseOptions{.large_send = true});
  if (!in.opened) return input_error(*in.error);
  FrameSink out;
  if (auto e = out.open(o.out)) return input_error(*e);

  Summary sum;
  std::vector<uint8_t> arena;
  std::vector<SegmentSlice> slices;

  for (size_t i = 0; i < in.corpus.size() && !out.failed(); ++i) {
    const CorpusPacket& pkt = in.corpus[i];
    const NvgreLayout& L = pkt.layout;
    const uint8_t* data = in.corpus.data(i);
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
        arena.resize(plan.arena_bytes);
        slices.resize(plan.segments);
        uint32_t n = 0;
        const SegmentError e = impl->run(sin, {arena.data(), arena.size(), slices.data(), slices.size()}, &n);
        if (e == SegmentError::ok) {
          for (uint32_t k = 0; k < n; ++k) out.emit(arena.data() + slices[k].offset, slices[k].length, pkt.timestamp_ns);
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
      out.emit(data, pkt.length, pkt.timestamp_ns);
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
  }
  out.close();

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
    nlohmann::json s = {{"summary", true},
                        {"impl", impl->info.name},
                        {"mss", o.mss},
                        {"caps", caps->name},
                        {"packets_in", sum.packets_in},
                        {"sends_segmented", sum.sends_segmented},
                        {"segments_out", sum.segments_out},
                        {"passed_through", sum.passed_through},
                        {"frames_out", frames_out},
                        {"errors", sum.errors},
                        {"error_reasons", sum.reasons},
                        {"pass_reasons", sum.pass_reasons}};
    sum.kinds.to_json(s);
    std::cout << s.dump() << "\n";
  }
  std::cout.flush();
  report_read_problem(in);
  if (out.failed()) return input_error(o.out + ": " + out.error());
  if (in.read_exit_code()) return in.read_exit_code();
  return sum.errors || sum.kinds.unparsed() ? 1 : 0;
}

}  // namespace

void add_segment(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand(
      "segment", "LSOv2 in software: every TCP super-packet becomes its wire segments, every other frame passes through unchanged");
  auto o = std::make_shared<Opts>();
  sub->add_option("--in", o->in, "Capture of super-packets (pcap or pcapng; - for stdin); IP length 0 = to the end of the frame")
      ->required();
  sub->add_option("--mss", o->mss, "TCP payload bytes per segment (already reduced for the encapsulation)")->required();
  sub->add_option("--out", o->out, "pcap file to write the segments to (- for stdout)")->required();
  sub->add_option("--impl", o->impl, "Segment implementation (encapbench list); default: the best this CPU supports");
  sub->add_option("--caps", o->caps,
                  "Capability profile: full, none, ndis-example, ipv4-only or a custom spec; its MaxHeaderSize "
                  "limits what is segmented (default full)");
  sub->add_flag("--json", o->json, "JSON Lines on stdout: one object per input packet, then a summary object");
  sub->callback([o, exit_code] { *exit_code = run(*o); });
}

}  // namespace eb::cli
