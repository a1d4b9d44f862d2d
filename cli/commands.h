// Each subcommand lives in its own file (cli/cmd_NAME.cc) and adds itself to the app through
// one of these. The callback stores the process exit code in *exit_code:
//   0 success, 1 a finding (bad checksums, regressions, parse errors reported), 2 usage or input error.
#pragma once
#include <CLI/CLI.hpp>

namespace eb::cli {

// Every subcommand, in the order `encapbench --help` lists them: X(NAME) for cli/cmd_NAME.cc.
#define EB_CLI_COMMANDS(X) \
  X(list) X(corpus) X(inspect) X(offload) X(cost) X(checksum) X(rss) X(segment) X(uso) X(run) X(profile) \
  X(report) X(compare)

#define EB_CLI_DECLARE(name) void add_##name(CLI::App& app, int* exit_code);
EB_CLI_COMMANDS(EB_CLI_DECLARE)
#undef EB_CLI_DECLARE

// One-line error on stderr, prefixed "encapbench: ", returns 2.
int input_error(const std::string& message);

}  // namespace eb::cli
