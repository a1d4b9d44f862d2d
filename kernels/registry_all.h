// Every record of every family, for `encapbench list`: the one place above all families, so the
// families never depend on each other through it. A new family adds its records in
// kernels/registry_all.cc.
#pragma once
#include <vector>

#include "kernels/common/registry.h"

namespace eb {

std::vector<const ImplInfo*> all_implementations();

}  // namespace eb
