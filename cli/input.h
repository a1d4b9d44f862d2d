// Reading a capture for a subcommand: the packets that could be read are processed even when the
// file is damaged; the damage is reported once on stderr and turns the exit code into 2.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "kernels/packet/corpus.h"
#include "datasets/pcap_io.h"

namespace eb::cli {

struct LoadedInput {
  Corpus corpus;
  bool opened = false;                    // false: nothing could be read; the message is in `error`
  std::optional<std::string> error;       // unreadable file, or damage after some packets
  // Exit code to combine with the command's own: 2 when the file could not be read to its end.
  int read_exit_code() const { return error ? 2 : 0; }
};

// Reads `path` ("-" for stdin). Prints nothing; the caller decides (see report_read_problem).
LoadedInput load_capture(const std::string& path, const ParseOptions& parse = {});

// load_capture; when nothing could be read, prints the one-line error, sets *exit_code to 2 and
// returns false.
bool load_capture_or_report(const std::string& path, const ParseOptions& parse, LoadedInput* in, int* exit_code);

// The options of a subcommand that reads a capture: --in (required, `what` in its help) and,
// when `large_send` is given, --large-send.
void add_capture_options(CLI::App* sub, std::string* in, bool* large_send = nullptr,
                         const char* what = "Capture to read");

// Prints the read problem (if any) as one line on stderr: "encapbench: IN.pcap: ... (the N packets
// before it were processed)".
void report_read_problem(const LoadedInput& in);

}  // namespace eb::cli
