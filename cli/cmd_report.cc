// `encapbench report`, `encapbench history` and (through exec_reports) `encapbench compare`: the reports are Python
// (reports/encapbench_reports.py, matplotlib + scipy from Debian). These subcommands hand their
// arguments over unparsed, so `encapbench report --help` shows the Python side's full help and
// the options live in one place. The process is replaced by /usr/bin/python3, so its exit code
// (0 success, 1 regression found, 2 usage or input error) is ours.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace eb::cli {

// Where reports/ lives: $EB_REPORTS_DIR, else the source tree this binary was built from.
static std::string reports_dir() {
  if (const char* d = std::getenv("EB_REPORTS_DIR"); d && *d) return d;
  return std::string(EB_SOURCE_DIR) + "/reports";
}

// Replaces this process with `python3 encapbench_reports.py SUB ARGS...`; returns only on
// failure, with exit code 2 and a one-line message.
int exec_reports(const std::string& sub, const std::vector<std::string>& args) {
  const std::string script = reports_dir() + "/encapbench_reports.py";
  if (access(script.c_str(), R_OK) != 0)
    return input_error("cannot find " + script + " (set EB_REPORTS_DIR to the reports/ folder)");
  const char* py_env = std::getenv("EB_PYTHON");
  const std::string python = py_env && *py_env ? py_env : "/usr/bin/python3";
  if (access(python.c_str(), X_OK) != 0)
    return input_error(python + " not found: `" + sub + "` needs Debian's python3 with "
                       "python3-matplotlib, python3-scipy, python3-jinja2 (scripts/setup.sh)");
  // Let the Python side ask this binary for `list --json` (implementation kinds).
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    setenv("EB_ENCAPBENCH", self, 0);
  }
  setenv("EB_PROG", "encapbench", 1);
  std::vector<std::string> argv_s = {python, script, sub};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  execv(python.c_str(), argv.data());
  return input_error("cannot run " + python + ": " + std::strerror(errno));
}

// A subcommand whose arguments (including --help) all go to the Python side.
CLI::App* add_passthrough(CLI::App& app, const std::string& name, const std::string& help,
                          int* exit_code) {
  auto* sub = app.add_subcommand(name, help);
  sub->set_help_flag();      // --help is answered by the Python side, which knows the options
  sub->prefix_command();     // everything after the subcommand name is left unparsed
  sub->allow_extras();
  sub->callback([sub, name, exit_code] {
    *exit_code = exec_reports(name, sub->remaining());
  });
  return sub;
}

void add_report(CLI::App& app, int* exit_code) {
  add_passthrough(app, "report",
                  "Report over result files or history folders: report.md, self-contained "
                  "report.html, CSV, SVG/PNG charts; --export bencher|gab-smaller|gab-bigger for "
                  "dashboards; --archive DIR files results by machine class, commit and time "
                  "(see `encapbench report --help`)",
                  exit_code);
  // `history` is a report over an archive, so it is registered with `report`.
  add_passthrough(app, "history",
                  "Change points over an archive of results, per machine class and row, in commit "
                  "order: events (rows that moved together), size with a 95% CI; exit 1 when a "
                  "regression appears at the newest commit (see `encapbench history --help`)",
                  exit_code);
}

}  // namespace eb::cli
