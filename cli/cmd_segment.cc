// `encapbench segment`: LSOv2 in software over a capture. Every TCP super-packet becomes its
// wire segments (kernels/segment/segment.h), in order; other well-formed NVGRE packets (UDP) pass
// through with every checksum filled (kernels/checksum/offload.h); a TCP send that fits one
// segment is that segment (lengths set, checksums filled) and is counted as passed through.
// Packets that cannot be processed (not NVGRE, header beyond the profile's MaxHeaderSize,
// inconsistent lengths, large-send lengths on UDP) are reported with their reason and left out
// of the output: never a malformed segment. Exit 0 when every packet was handled, 1 when some
// were refused, 2 for usage / input / output errors.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/input.h"
#include "kernels/checksum/offload.h"
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
  std::map<std::string, size_t> reasons;  // error name -> count
  std::map<std::string, std::string> messages;
};

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
  PcapWriter writer;
  if (auto e = writer.open(o.out)) return input_error(*e);

  const ChecksumImpl& ck = best_checksum();
  Summary sum;
  std::vector<uint8_t> arena, frame;
  std::vector<SegmentSlice> slices;
  bool write_failed = false;
  std::string write_error;
  auto emit = [&](const uint8_t* p, size_t n, uint64_t ts) {
    if (write_failed) return;
    if (auto e = writer.write({p, n}, ts)) write_failed = true, write_error = *e;
  };

  for (size_t i = 0; i < in.corpus.size() && !write_failed; ++i) {
    const CorpusPacket& pkt = in.corpus[i];
    const NvgreLayout& L = pkt.layout;
    ++sum.packets_in;
    nlohmann::json j = {{"index", i}, {"length", pkt.length}};
    std::string err_name, err_msg;

    if (L.ok() && L.l4 == L4Proto::tcp) {
      const SegmentInput sin{in.corpus.data(i), pkt.length, &L, o.mss, caps->max_header_size};
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
          for (uint32_t k = 0; k < n; ++k) emit(arena.data() + slices[k].offset, slices[k].length, pkt.timestamp_ns);
          if (n == 1) {
            ++sum.passed_through;
            j["action"] = "passed_through";
          } else {
            ++sum.sends_segmented;
            sum.segments_out += n;
            j["action"] = "segmented";
          }
          j["segments"] = n;
          j["bytes_out"] = plan.wire_bytes;
        } else {
          err_name = segment_error_name(e), err_msg = segment_error_message(e);
        }
      } else {
        err_name = segment_error_name(plan.error), err_msg = segment_error_message(plan.error);
      }
    } else if (L.ok()) {
      // UDP: pass through with checksums filled, unless its lengths were left to the frame
      // (a UDP large send, USO): that needs segmenting this command does not do.
      const bool large = L.outer.length_from_frame || L.inner.length_from_frame ||
                         load_be16(in.corpus.data(i) + L.l4_offset + 4) == 0;
      if (large) {
        err_name = "uso_not_supported";
        err_msg = "a UDP large send (IP or UDP length 0): USO is not done by this command";
      } else {
        frame.assign(in.corpus.data(i), in.corpus.data(i) + pkt.length);
        checksum_fill(frame.data(), L, ck);
        emit(frame.data(), frame.size(), pkt.timestamp_ns);
        ++sum.passed_through;
        j["action"] = "passed_through";
        j["segments"] = 1;
        j["bytes_out"] = frame.size();
      }
    } else {
      err_name = std::string("parse_error:") + parse_error_name(L.error);
      err_msg = parse_error_message(L.error);
    }
    if (!err_name.empty()) {
      ++sum.errors;
      ++sum.reasons[err_name];
      sum.messages[err_name] = err_msg;
      j["action"] = "error";
      j["error"] = err_name;
      j["message"] = err_msg;
    }
    if (o.json) std::cout << j.dump() << "\n";
  }
  if (auto e = writer.close(); e && !write_failed) write_failed = true, write_error = *e;

  const size_t frames_out = sum.segments_out + sum.passed_through;
  std::fprintf(stderr,
               "segment (%s, mss %u, caps %s): %zu packets in, %zu sends segmented into %zu segments, %zu passed "
               "through, %zu frames out, %zu errors\n",
               impl->info.name.c_str(), o.mss, caps->name.c_str(), sum.packets_in, sum.sends_segmented,
               sum.segments_out, sum.passed_through, frames_out, sum.errors);
  for (const auto& [name, n] : sum.reasons)
    std::fprintf(stderr, "  %6zu x %s: %s\n", n, name.c_str(), sum.messages[name].c_str());
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
                        {"error_reasons", sum.reasons}};
    std::cout << s.dump() << "\n";
  }
  std::cout.flush();
  report_read_problem(in);
  if (write_failed) return input_error(o.out + ": " + write_error);
  if (in.read_exit_code()) return in.read_exit_code();
  return sum.errors ? 1 : 0;
}

}  // namespace

void add_segment(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand(
      "segment", "LSOv2 in software: every TCP super-packet becomes its wire segments, other packets pass through");
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
