#include "kernels/common/registry.h"

namespace eb {

const char* to_string(ImplKind k) {
  switch (k) {
    case ImplKind::reference: return "reference";
    case ImplKind::implementation: return "implementation";
    case ImplKind::peer: return "peer";
    case ImplKind::limit: return "limit";
  }
  return "?";
}

std::string ImplInfo::why_unsupported() const {
  if (!unavailable_reason.empty()) return unavailable_reason;
  uint64_t missing = required & ~cpu_info().features;
  if (!missing) return {};
  std::string s = "CPU lacks";
  for (const auto& n : cpu_feature_names(missing)) s += " " + n;
  return s;
}

}  // namespace eb
