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
#include "cli/split_command.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/uso_caps.h"
#include "kernels/uso/uso.h"

namespace eb::cli {

namespace {

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

const SplitWords kWords = {.name = "uso", .offload = "USO", .l4 = "UDP", .sends = "UDP sends", .unit = "datagram",
                           .zero_len = "IP/UDP length",
                           .caps_use = ", its USO parameters give each send's NIC eligibility"};

int run(const SplitOpts& o) {
  SplitRun job;
  const UsoImpl* impl = nullptr;
  const auto pick = [&] {
    const auto r = resolve_impl(uso_impls(), o.impl, best_uso());
    impl = r.record;
    return impl ? std::string() : "--impl: " + r.error;
  };
  if (int rc = job.start(o, kWords, pick)) return rc;
  const OffloadCaps* caps = &*job.caps;
  Summary sum;
  job.each_frame([&](size_t i, const CorpusPacket& pkt, const uint8_t* frame) {
    const NvgreLayout& L = pkt.layout;
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
      uint32_t n = 0;
      const SegmentError e = plan.ok() ? job.split(*impl, sin, plan, pkt.timestamp_ns, &n) : plan.error;
      if (e == SegmentError::ok) {
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
      job.out.emit(frame, pkt.length, pkt.timestamp_ns);
      ++sum.passed_through;
      ++sum.passed[pass];
      sum.messages[pass] = pass_msg;
      j["action"] = refused ? "refused" : "passed_through";
      j["reason"] = pass;
      j["message"] = pass_msg;
    }
    if (o.json) std::cout << j.dump() << "\n";
  });

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
    nlohmann::json s = job.summary_head(o, *impl);
    s.update(nlohmann::json{{"frames_in", sum.frames_in},
                            {"sends_segmented", sum.sends_segmented},
                            {"datagrams_out", sum.datagrams_out},
                            {"passed_through", sum.passed_through},
                            {"refused", sum.refused},
                            {"unparseable", sum.unparseable},
                            {"frames_out", frames_out},
                            {"passed_reasons", sum.passed},
                            {"uso_eligibility", sum.nic}});
    std::cout << s.dump() << "\n";
  }
  return job.finish(o, sum.refused || sum.unparseable ? 1 : 0);
}

}  // namespace

void add_uso(CLI::App& app, int* exit_code) {
  add_split_command(app, exit_code, kWords, run);
}

}  // namespace eb::cli
