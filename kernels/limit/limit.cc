#include <cstring>

#include "kernels/limit/limit.h"

namespace eb {

namespace {

uint64_t run_memcpy(uint8_t* dst, const uint8_t* src, size_t n) {
  std::memcpy(dst, src, n);
  return n;
}

std::vector<LimitImpl> make_limits() {
  RecordList<LimitImpl> list("limit");
  // `read` takes the widest vector loads this CPU has (chosen once, here), so it bounds every
  // checksum kernel the CPU can run.
  LimitImpl& read = list.add("read", ImplKind::limit, 0, 0, "");
  if (cpu_has(kCpuAVX512F | kCpuAVX512BW | kCpuBMI2)) {
    read.run = limit_detail::read_avx512;
    read.info.description = "read-only pass, 64-byte AVX-512 loads XOR-combined (two loads per ALU op)";
  } else if (cpu_has(kCpuAVX2)) {
    read.run = limit_detail::read_avx2;
    read.info.description = "read-only pass, 32-byte AVX2 loads XOR-combined";
  } else {
    read.run = limit_detail::read_sse;
    read.info.description = "read-only pass, 16-byte SSE loads XOR-combined";
  }
  LimitImpl& mc = list.add("memcpy", ImplKind::limit, 1, 0,
                           "C library memcpy of the same bytes (the copy every materialising segmenter pays)");
  mc.run = run_memcpy;
  mc.writes = true;
  return std::move(list).ordered();
}

}  // namespace

const std::vector<LimitImpl>& limit_impls() {
  static const std::vector<LimitImpl> impls = make_limits();
  return impls;
}
const LimitImpl& limit_read() { return limit_impls()[0]; }
const LimitImpl& limit_memcpy() { return limit_impls()[1]; }

}  // namespace eb
