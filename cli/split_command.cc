#include "cli/split_command.h"

#include <iostream>
#include <memory>

#include "cli/commands.h"

namespace eb::cli {

void add_split_command(CLI::App& app, int* exit_code, const SplitWords& w, int (*run)(const SplitOpts&)) {
  const std::string unit = w.unit, l4 = w.l4;
  auto* sub = app.add_subcommand(w.name, std::string(w.offload) + " in software: every NVGRE " + l4 +
                                             " send becomes its wire " + unit +
                                             "s, every other frame passes through unchanged");
  auto o = std::make_shared<SplitOpts>();
  sub->add_option("--in", o->in,
                  std::string("Capture of ") + w.sends + " (pcap or pcapng; - for stdin); " + w.zero_len +
                      " 0 = to the end of the frame")
      ->required();
  sub->add_option("--mss", o->mss, l4 + " payload bytes per " + unit + " (already reduced for the encapsulation)")
      ->required();
  sub->add_option("--out", o->out, "pcap file to write the " + unit + "s and the passed frames to (- for stdout)")
      ->required();
  sub->add_option("--impl", o->impl,
                  std::string("Implementation (encapbench list --family ") + w.name +
                      "); default: the best this CPU runs");
  sub->add_option("--caps", o->caps,
                  std::string("Capability profile (see offload --help); its MaxHeaderSize limits what is segmented") +
                      w.caps_use + " (default full)");
  sub->add_flag("--json", o->json, "JSON Lines on stdout: one object per input frame, then a summary object");
  sub->callback([o, exit_code, run] { *exit_code = run(*o); });
}

int SplitRun::start(const SplitOpts& o, const SplitWords& w, const std::function<std::string()>& pick) {
  if (o.mss == 0) return input_error(std::string("--mss must be at least 1 (") + w.l4 + " payload bytes per " + w.unit + ")");
  std::string caps_error;
  caps = caps_from_string(o.caps, &caps_error);
  if (!caps) return input_error("--caps: " + caps_error);
  if (const std::string e = pick(); !e.empty()) return input_error(e);
  if (o.json && o.out == "-") return input_error("--json writes JSON Lines to stdout: give --out a file, not -");
  in = load_capture(o.in, ParseOptions{.large_send = true});
  if (!in.opened) return input_error(*in.error);
  if (auto e = out.open(o.out)) return input_error(*e);
  return 0;
}

void SplitRun::each_frame(const std::function<void(size_t, const CorpusPacket&, const uint8_t*)>& frame) {
  for (size_t i = 0; i < in.corpus.size() && !out.failed(); ++i) frame(i, in.corpus[i], in.corpus.data(i));
  out.close();
}

SegmentError SplitRun::split(const SegmentImpl& impl, const SegmentInput& sin, const SegmentPlan& plan,
                             uint64_t timestamp_ns, uint32_t* frames) {
  arena.resize(plan.arena_bytes);
  slices.resize(plan.segments);
  *frames = 0;
  const SegmentError e = impl.run(sin, {arena.data(), arena.size(), slices.data(), slices.size()}, frames);
  if (e == SegmentError::ok)
    for (uint32_t k = 0; k < *frames; ++k) out.emit(arena.data() + slices[k].offset, slices[k].length, timestamp_ns);
  return e;
}

nlohmann::json SplitRun::summary_head(const SplitOpts& o, const SegmentImpl& impl) const {
  return {{"summary", true}, {"impl", impl.info.name}, {"mss", o.mss}, {"caps", caps->name}};
}

int SplitRun::finish(const SplitOpts& o, int findings) {
  std::cout.flush();
  report_read_problem(in);
  if (out.failed()) return input_error(o.out + ": " + out.error());
  if (in.read_exit_code()) return in.read_exit_code();
  return findings;
}

}  // namespace eb::cli
