// What the subcommands that split sends into wire frames share (segment: LSOv2 of TCP sends, uso:
// USO of UDP sends): their options, the checks and the opening of the capture and the output,
// running a record into a reused arena and writing its frames in order, and the exit code.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/frame_sink.h"
#include "cli/input.h"
#include "kernels/packet/caps.h"
#include "kernels/segment/segment.h"

namespace eb::cli {

struct SplitOpts {
  std::string in, out, impl, caps = "full";
  uint32_t mss = 0;
  bool json = false;
};

// The words of a splitting subcommand, from which its help and messages are made.
struct SplitWords {
  const char* name;      // the subcommand and its family: "segment", "uso"
  const char* offload;   // "LSOv2", "USO"
  const char* l4;        // the transport it splits: "TCP", "UDP"
  const char* sends;     // what it reads: "TCP super-packets", "UDP sends"
  const char* unit;      // one output frame: "segment", "datagram"
  const char* zero_len;  // the lengths a large send may leave 0: "IP length", "IP/UDP length"
  const char* caps_use = "";  // what else the profile decides, appended to --caps' help
};
// Adds the subcommand with its options; its callback stores run(opts) in *exit_code.
void add_split_command(CLI::App& app, int* exit_code, const SplitWords& words, int (*run)(const SplitOpts&));
// One run: the capability profile, the capture (parsed as large sends) and the output.
struct SplitRun {
  std::optional<OffloadCaps> caps;
  LoadedInput in;
  FrameSink out;
  std::vector<uint8_t> arena;  // reused from send to send
  std::vector<SegmentSlice> slices;

  // Checks --mss and --caps, then calls `pick` (resolves --impl: "" or the error), checks --json
  // against --out, reads the capture and opens the output: 0, or 2 after the one-line error.
  int start(const SplitOpts& o, const SplitWords& words, const std::function<std::string()>& pick);
  // frame(index, packet, bytes) for every input frame in order while the output can be written;
  // then the output is closed.
  void each_frame(const std::function<void(size_t, const CorpusPacket&, const uint8_t*)>& frame);
  // Runs `impl` on a send whose plan is ok and writes its frames with the send's timestamp.
  SegmentError split(const SegmentImpl& impl, const SegmentInput& in, const SegmentPlan& plan, uint64_t timestamp_ns,
                     uint32_t* frames);
  // The first fields of the summary object (--json): which record, MSS and profile.
  nlohmann::json summary_head(const SplitOpts& o, const SegmentImpl& impl) const;
  // After the summary: the read problem reported, then 2 for a read or write error, else
  // `findings` (1 when a send was refused or a frame did not parse, else 0).
  int finish(const SplitOpts& o, int findings);
};

}  // namespace eb::cli
