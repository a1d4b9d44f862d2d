#include "cli/input.h"

#include <iostream>

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

void report_read_problem(const LoadedInput& in) {
  if (!in.error) return;
  std::cerr << "encapbench: " << *in.error;
  if (in.opened) std::cerr << " (the " << in.corpus.size() << " packets before it were processed)";
  std::cerr << "\n";
}

}  // namespace eb::cli
