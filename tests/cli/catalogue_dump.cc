// Prints what the CLI tests compare `encapbench inspect` against, as JSON Lines on stdout:
//   {"kind":"error","name":"truncated_gre"}        every ParseError the parser reports, in enum
//                                                   order (not ok, nor the two retired ones)
//   {"kind":"frame","index":0,"label":"...","expected":"...","length":N}
//                                                   the generator's malformed catalogue, in the
//                                                   order `encapbench corpus --preset malformed`
//                                                   writes it (same default seed)
// The labels are the generator's intent; the test checks the parser (through the CLI) agrees.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "datasets/generator.h"
#include "kernels/packet/nvgre.h"

int main() {
  using namespace eb;
  for (unsigned e = 1; e < static_cast<unsigned>(ParseError::count_); ++e)
    if (e != static_cast<unsigned>(ParseError::inner_not_ip) && e != static_cast<unsigned>(ParseError::unknown_l4))
      std::cout << nlohmann::json{{"kind", "error"}, {"name", parse_error_name(static_cast<ParseError>(e))}}.dump() << "\n";
  GeneratorConfig cfg;
  cfg.preset = "malformed";
  size_t i = 0;
  generate(cfg, [&](const GeneratedFrame& f) {
    std::cout << nlohmann::json{{"kind", "frame"},
                                {"index", i++},
                                {"label", f.label},
                                {"expected", parse_error_name(f.expected)},
                                {"length", f.bytes.size()}}
                     .dump()
              << "\n";
  });
  return 0;
}
