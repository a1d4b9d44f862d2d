// `encapbench list`: every implementation of every family, from the registries.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "kernels/common/cpu_features.h"
#include "kernels/registry_all.h"

namespace eb::cli {

namespace {
std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}
}  // namespace

void add_list(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("list", "List every implementation of every kernel family and whether this CPU runs it");
  struct Opts {
    bool json = false;
    std::string family;
  };
  auto opts = std::make_shared<Opts>();
  sub->add_flag("--json", opts->json, "JSON: one array of implementation records");
  sub->add_option("--family", opts->family, "Only this family (checksum, rss, segment, uso, limit, parse)");
  sub->callback([opts, exit_code] {
    const auto& cpu = cpu_info();
    auto impls = all_implementations();
    bool any = false;
    if (opts->json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const ImplInfo* i : impls) {
        if (!opts->family.empty() && i->family != opts->family) continue;
        any = true;
        arr.push_back({{"family", i->family},
                       {"name", i->name},
                       {"kind", to_string(i->kind)},
                       {"requires", cpu_feature_names(i->required)},
                       {"supported", i->supported()},
                       {"unsupported_reason", i->supported() ? "" : i->why_unsupported()},
                       {"description", i->description}});
      }
      std::cout << arr.dump(2) << "\n";
    } else {
      if (cpu.arch == "x86_64")
        std::printf("CPU: %s (%s family %u model %u stepping %u)%s\n", cpu.brand.c_str(), cpu.vendor.c_str(),
                    cpu.family, cpu.model, cpu.stepping,
                    cpu.hypervisor_vendor.empty() ? "" : (" under hypervisor " + cpu.hypervisor_vendor).c_str());
      else
        std::printf("CPU: %s %s (MIDR 0x%08llx from %s)%s\n", cpu.arch.c_str(), cpu.brand.c_str(),
                    static_cast<unsigned long long>(cpu.midr), cpu.midr_source.empty() ? "none" : cpu.midr_source.c_str(),
                    cpu.sve_vector_bytes ? (", SVE " + std::to_string(cpu.sve_vector_bytes * 8) + "-bit").c_str() : "");
      std::printf("%-9s %-22s %-14s %-4s %-38s %s\n", "FAMILY", "NAME", "KIND", "RUNS", "REQUIRES", "DESCRIPTION");
      for (const ImplInfo* i : impls) {
        if (!opts->family.empty() && i->family != opts->family) continue;
        any = true;
        std::string req = i->required ? join(cpu_feature_names(i->required), ",") : "-";
        std::string desc = i->description;
        if (!i->supported()) desc += "  [not here: " + i->why_unsupported() + "]";
        std::printf("%-9s %-22s %-14s %-4s %-38s %s\n", i->family.c_str(), i->name.c_str(), to_string(i->kind),
                    i->supported() ? "yes" : "no", req.c_str(), desc.c_str());
      }
    }
    if (!any) {
      *exit_code = input_error("no implementations in family '" + opts->family + "'");
      return;
    }
    *exit_code = 0;
  });
}

}  // namespace eb::cli
