// USO of NVGRE sends: every uso implementation and the physical limits on the same sends, in
// one binary (eb-bench-uso).
//
// Inputs (INPUT part of the row name), all 64 KiB UDP payloads with large-send lengths:
//   64k-mss1418       IPv4/IPv4/UDP, 84-byte header, MSS 1418: 47 datagrams
//   64k-mss8948       the same at a 9000-byte MTU: 8 datagrams
//   64k-mssN          full preset: MSS 536, 1472 (1500-byte MTU less 28) and 4000 too
//   hs-v4v6udp-N      header-size sweep (options, extension headers, VLAN as the generator
//                     composes them), MSS 1418 fixed so only the header work changes; quick:
//                     v4v4 and v6v6 at the quick sizes, full: all four combinations. N > 256 is
//                     beyond the default MaxHeaderSize (a NIC refuses it: software fallback).
// Rows per input:
//   uso/IMPL            every materialising record (quick: no fused-NAME variants)
//   uso/zerocopy[-avx512]  the scatter-gather list only (header buffers + payload references)
//   uso/zerocopy[-avx512]-gather  the materialising entry (sum in place, then copy)
//   limit/memcpy        memcpy of the output bytes (wire bytes of all datagrams) in one call
//   limit/read          a read-only pass over the payload where it lies in the frame
// Counters: bytes = wire bytes of all datagrams (limit/read: payload bytes), packets =
// datagrams. Compare rows of one input by time per send; ratios in the notes from one run.
#include <string>
#include <vector>

#include "bench/segment_rows.h"
#include "kernels/uso/uso.h"

namespace {

using namespace eb;
using namespace eb::bench::segrows;

std::vector<BenchSend> sends() {
  std::vector<uint32_t> mss = {1418, 8948};
  if (bench::preset() == bench::Preset::full) mss = {536, 1418, 1472, 4000, 8948};
  NvgreSpec udp;
  udp.l4 = L4Proto::udp;
  std::vector<BenchSend> v;
  for (uint32_t m : mss) v.push_back(make_send("64k-mss" + std::to_string(m), udp, m));
  add_sweep_sends<L4Proto::udp>(v);  // quick: v4v4 and v6v6 only
  return v;
}

const int registered = [] {
  static const std::vector<BenchSend> all = sends();
  const bool full = bench::preset() == bench::Preset::full;
  for (const BenchSend& s : all) {
    if (!s.plan.ok()) continue;
    for (const UsoImpl& impl : uso_impls())
      if (full || impl.info.name.rfind("fused-", 0) != 0) register_impl("uso", impl, s);  // quick: no fused-NAME
    register_limits(s);
  }
  return 0;
}();

}  // namespace
