#include "kernels/registry_all.h"

#include "kernels/checksum/checksum.h"
#include "kernels/limit/limit.h"
#include "kernels/packet/parse.h"
#include "kernels/rss/toeplitz.h"
#include "kernels/segment/segment.h"
#include "kernels/uso/uso.h"

namespace eb {

std::vector<const ImplInfo*> all_implementations() {
  std::vector<const ImplInfo*> out;
  for (const auto& r : checksum_impls()) out.push_back(&r.info);
  for (const auto& r : toeplitz_impls()) out.push_back(&r.info);
  for (const auto& r : segment_impls()) out.push_back(&r.info);
  for (const auto& r : uso_impls()) out.push_back(&r.info);
  for (const auto& r : limit_impls()) out.push_back(&r.info);
  for (const auto& r : parse_impls()) out.push_back(&r.info);
  return out;
}

}  // namespace eb
