#include "cli/input.h"

#include <iostream>

#include "cli/commands.h"

namespace eb::cli {

LoadedInput load_capture(const std::string& path, const ParseOptions& parse) {
  LoadedInput in;
  PcapReadOptions opt;
  opt.parse = parse;
  PcapReadResult r = read_pcap(path, in.corpus, opt);
  in.opened = r.opened;
  in.error = r.error;
  return in;
}

bool load_capture_or_report(const std::string& path, const ParseOptions& parse, LoadedInput* in, int* exit_code) {
  *in = load_capture(path, parse);
  if (in->opened) return true;
  *exit_code = input_error(*in->error);
  return false;
}

void add_capture_options(CLI::App* sub, std::string* in, bool* large_send, const char* what) {
  sub->add_option("--in", *in, std::string(what) + " (pcap or pcapng; - for stdin)")->required();
  if (large_send)
    sub->add_flag("--large-send", *large_send, "Accept IP length 0 as 'to the end of the frame' (LSOv2 super-packets)");
}

void report_read_problem(const LoadedInput& in) {
  if (!in.error) return;
  std::cerr << "encapbench: " << *in.error;
  if (in.opened) std::cerr << " (the " << in.corpus.size() << " packets before it were processed)";
  std::cerr << "\n";
}

}  // namespace eb::cli
