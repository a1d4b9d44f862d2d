// `encapbench uso`: USO in software over a capture. Every NVGRE UDP send that needs segmenting
// (payload larger than the MSS, or large-send lengths of 0) becomes its wire datagrams
// (kernels/uso/uso.h), in place and in order. Every other frame is written unchanged, byte for
// byte: TCP and other NVGRE frames, UDP datagrams already no larger than the MSS, frames that do
// not parse (reported with the parser's reason), and USO sends that cannot be segmented
// (header beyond the profile's MaxHeaderSize, inconsistent lengths, ...: reported as refused).
// The summary accounts for every input frame. Per frame (--json) it also says what a NIC with
// the capability profile would do with the send (classify_uso): the work is done in software
// either way. Exit 0 when nothing was refused, 1 when a send was refused or a frame did not
// parse, 2 for usage / input / output errors.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/frame_sink.h"
#include "cli/input.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/uso_caps.h"
#include "kernels/uso/uso.h"

namespace eb::cli {

namespace {

struct Opts {
  std::string in, out, impl, caps = "full";
  uint32_t mss = 0;
  bool json = false;
};

// Every input frame lands in exactly one of: segmented (sends_segmented, its datagrams in
// datagrams_out) or passed (passed_through, by reason; refused sends and unparseable frames
// among them).
struct Summary {
  size_t frames_in = 0, sends_segmented = 0, datagrams_out = 0, passed_through = 0, refused = 0, unparseable = 0;
  std::map<std::string, size_t> passed;  // reason -> count
  std::map<std::string, std::string> messages;
  std::map<std::string, size_t> nic;     // USO eligibility of the segmented sends -> count
};

// A UDP send the NIC would be asked to segment: more payload than one datagram carries, or
// lengths left to the frame (the large-send convention).
bool is_uso_send(const NvgreLayout& L, const uint8_t* frame, uint32_t mss) {
  return L.payload_len > mss || L.outer.length_from_frame || L.inner.length_from_frame ||
         load_be16(frame + L.l4_offset + 4) == 0;
}

int run(const Opts& o) {
  if (o.mss == 0) return input_error("--mss must be at least 1 (UDP payload bytes per datagram)");
  std::string caps_error;
  const auto caps = caps_from_string(o.caps, &caps_error);
  if (!caps) return input_error("--caps: " + caps_error);
  const auto resolved = resolve_impl(uso_impls(), o.impl, best_uso());
  if (!resolved.record) return input_error("--impl: " + resolved.error);
  const UsoImpl* impl = resolved.record;
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
    const uint8_t* frame = in.corpus.data(i);
    ++sum.frames_in;
    nlohmann::json j = {{"index", i}, {"length", pkt.length}};
    std::string pass, pass_msg;  // reason for passing the frame through unchanged
    bool refused = false;

    if (!L.ok()) {
      pass = std::string("parse_error:") + parse_error_name(L.error), pass_msg = parse_error_message(L.error);
      ++sum.unparseable;
    } else if (L.l4 != L4Proto::udp) {
      pass = "not_udp", pass_msg = "not a UDP send: passed through unchanged";
    } else if (!is_uso_send(L, frame, o.mss)) {
      pass = "fits_mss", pass_msg = "a UDP datagram no larger than the MSS: passed through unchanged";
    } else {
      const SegmentInput sin = make_uso_input(frame, pkt.length, L, o.mss, *caps);
      const SegmentPlan plan = plan_uso(sin);
      const UsoVerdict v = classify_uso(*caps, L, o.mss);
      j["header_size"] = L.header_size;
      j["payload_len"] = L.payload_len;
      j["uso_eligibility"] = uso_eligibility_name(v.eligibility);
      SegmentError e = plan.error;
      uint32_t n = 0;
      if (plan.ok()) {
        arena.resize(plan.arena_bytes);
        slices.resize(plan.segments);
        e = impl->run(sin, {arena.data(), arena.size(), slices.data(), slices.size()}, &n);
      }
      if (e == SegmentError::ok) {
        for (uint32_t k = 0; k < n; ++k) out.emit(arena.data() + slices[k].offset, slices[k].length, pkt.timestamp_ns);
        ++sum.sends_segmented;
        sum.datagrams_out += n;
        ++sum.nic[uso_eligibility_name(v.eligibility)];
        j["action"] = "segmented";
        j["datagrams"] = n;
        j["bytes_out"] = plan.wire_bytes;
      } else {
        pass = std::string("refused:") + segment_error_name(e), pass_msg = segment_error_message(e);
        refused = true;
        ++sum.refused;
      }
    }
    if (!pass.empty()) {
      out.emit(frame, pkt.length, pkt.timestamp_ns);
      ++sum.passed_through;
      ++sum.passed[pass];
      sum.messages[pass] = pass_msg;
      j["action"] = refused ? "refused" : "passed_through";
      j["reason"] = pass;
      j["message"] = pass_msg;
    }
    if (o.json) std::cout << j.dump() << "\n";
  }
  out.close();

  const size_t frames_out = sum.datagrams_out + sum.passed_through;
  std::fprintf(stderr,
               "uso (%s, mss %u, caps %s): %zu frames in: %zu sends segmented into %zu datagrams, %zu passed through "
               "unchanged (%zu refused sends, %zu unparseable); %zu frames out\n",
               impl->info.name.c_str(), o.mss, caps->name.c_str(), sum.frames_in, sum.sends_segmented,
               sum.datagrams_out, sum.passed_through, sum.refused, sum.unparseable, frames_out);
  for (const auto& [name, n] : sum.passed)
    std::fprintf(stderr, "  %6zu x passed %s: %s\n", n, name.c_str(), sum.messages[name].c_str());
  for (const auto& [name, n] : sum.nic)
    std::fprintf(stderr, "  %6zu x segmented send, NIC under %s: %s\n", n, caps->name.c_str(), name.c_str());
  if (o.json) {
    nlohmann::json s = {{"summary", true},
                        {"impl", impl->info.name},
                        {"mss", o.mss},
                        {"caps", caps->name},
                        {"frames_in", sum.frames_in},
                        {"sends_segmented", sum.sends_segmented},
                        {"datagrams_out", sum.datagrams_out},
                        {"passed_through", sum.passed_through},
                        {"refused", sum.refused},
                        {"unparseable", sum.unparseable},
                        {"frames_out", frames_out},
                        {"passed_reasons", sum.passed},
                        {"uso_eligibility", sum.nic}};
    std::cout << s.dump() << "\n";
  }
  std::cout.flush();
  report_read_problem(in);
  if (out.failed()) return input_error(o.out + ": " + out.error());
  if (in.read_exit_code()) return in.read_exit_code();
  return sum.refused || sum.unparseable ? 1 : 0;
}

}  // namespace

void add_uso(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand(
      "uso", "USO in software: every NVGRE UDP send becomes its wire datagrams, every other frame passes unchanged");
  auto o = std::make_shared<Opts>();
  sub->add_option("--in", o->in, "Capture of UDP sends (pcap or pcapng; - for stdin); IP/UDP length 0 = to the end of the frame")
      ->required();
  sub->add_option("--mss", o->mss, "UDP payload bytes per datagram (already reduced for the encapsulation)")->required();
  sub->add_option("--out", o->out, "pcap file to write to (- for stdout)")->required();
  sub->add_option("--impl", o->impl, "uso implementation (encapbench list --family uso); default: the best this CPU runs");
  sub->add_option("--caps", o->caps,
                  "Capability profile (see offload --help); its MaxHeaderSize limits what is segmented, its USO "
                  "parameters give each send's NIC eligibility (default full)");
  sub->add_flag("--json", o->json, "JSON Lines on stdout: one object per input frame, then a summary object");
  sub->callback([o, exit_code] { *exit_code = run(*o); });
}

}  // namespace eb::cli
