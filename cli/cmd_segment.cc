// PLACEHOLDER: replaced by the owner of this subcommand. Must not survive into a release.
#include "cli/commands.h"

namespace eb::cli {
void add_segment(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("segment", "(not built yet)");
  sub->callback([exit_code] { *exit_code = input_error("'segment' is not built yet"); });
}
}  // namespace eb::cli
