// PLACEHOLDER: replaced by the owner of this subcommand. Must not survive into a release.
#include "cli/commands.h"

namespace eb::cli {
void add_run(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("run", "(not built yet)");
  sub->callback([exit_code] { *exit_code = input_error("'run' is not built yet"); });
}
}  // namespace eb::cli
