#include "eb_git_commit.h"
#include <cstdio>
#include <iostream>

#include "cli/commands.h"

namespace eb::cli {
int input_error(const std::string& message) {
  std::cerr << "encapbench: " << message << "\n";
  return 2;
}
}  // namespace eb::cli

int main(int argc, char** argv) {
  CLI::App app{"encapbench: software NVGRE task offloads (checksum, LSOv2, RSS), measured"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(EB_VERSION) + " (" EB_GIT_COMMIT_LIVE ")");
  int exit_code = 0;
#define EB_CLI_ADD(name) eb::cli::add_##name(app, &exit_code);
  EB_CLI_COMMANDS(EB_CLI_ADD)
#undef EB_CLI_ADD
  // CLI11 says only "A subcommand is required" for a word it does not know: name the word.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->check_name(argv[1]);
    if (!known) {
      std::cerr << "encapbench: unknown subcommand '" << argv[1] << "' (see encapbench --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors: one line, exit 2 (CLI11's own codes are not ours).
    std::cerr << "encapbench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "encapbench: " << e.what() << "\n";
    return 2;
  }
  std::fflush(stdout);
  return exit_code;
}
