// Each subcommand lives in its own file (cli/cmd_NAME.cc) and adds itself to the app through
// one of these. The callback stores the process exit code in *exit_code:
//   0 success, 1 a finding (bad checksums, regressions, parse errors reported), 2 usage or input error.
#pragma once
#include <CLI/CLI.hpp>

namespace eb::cli {

void add_list(CLI::App& app, int* exit_code);
void add_corpus(CLI::App& app, int* exit_code);
void add_inspect(CLI::App& app, int* exit_code);
void add_offload(CLI::App& app, int* exit_code);
void add_cost(CLI::App& app, int* exit_code);
void add_checksum(CLI::App& app, int* exit_code);
void add_rss(CLI::App& app, int* exit_code);
void add_segment(CLI::App& app, int* exit_code);
void add_uso(CLI::App& app, int* exit_code);
void add_run(CLI::App& app, int* exit_code);
void add_profile(CLI::App& app, int* exit_code);
void add_report(CLI::App& app, int* exit_code);
void add_compare(CLI::App& app, int* exit_code);

// One-line error on stderr, prefixed "encapbench: ", returns 2.
int input_error(const std::string& message);

}  // namespace eb::cli
