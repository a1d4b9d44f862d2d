// `encapbench compare BASE NEW` (or --base-commit SHA ARCHIVE [NEW]): significance-tested
// comparison of two result files, for CI gates (exit 1 on a significant regression beyond
// --threshold; 2 when it cannot gate). Implemented in Python
// (reports/ebreports/compare.py); see cmd_report.cc for the hand-over.
#include "cli/commands.h"

namespace eb::cli {

// Defined in cmd_report.cc.
CLI::App* add_passthrough(CLI::App& app, const std::string& name, const std::string& help,
                          int* exit_code);

void add_compare(CLI::App& app, int* exit_code) {
  add_passthrough(app, "compare",
                  "Compare two result files row by row (Mann-Whitney U over repetitions, "
                  "bootstrap CI, geometric mean per family), or --base-commit SHA ARCHIVE [NEW]; "
                  "exit 1 on a significant regression beyond --threshold, 2 on bad input, across "
                  "machine classes, or with too few repetitions to gate (the table is still "
                  "printed) (see `encapbench compare --help`)",
                  exit_code);
}

}  // namespace eb::cli
