// Inline per-packet checksums (records inline-avx512, inline-adc64): every checksum of a parsed
// packet computed in one function from the parse's offsets, with no call per header.
//
// The per-header path (offload.cc) calls the record's sum kernel once per range: three or four
// indirect calls per packet, each paying its length dispatch, tail handling and fold, for ranges
// that are mostly 8 to 100 bytes. Here the short ranges are summed in line with 64-bit
// end-around-carry adds of native words: the IPv4 header (20 bytes without options) as two 8-byte
// and one 4-byte load, the IPv4 pseudo-header addresses as one 8-byte load, the IPv6 ones as four;
// the L4 segment (and the GRE range) by the scalar two-chain loop up to kInlineBelow bytes and by
// the record's bulk kernel beyond. All sums are taken before any field is stored (a narrow store
// followed by a wider load over it cannot be store-forwarded), with the old fields in place and
// taken out in ones-complement arithmetic, so the sums of one packet are independent and overlap.
//
// Native words: on this little-endian host a big-endian word v reads as bswap16(v), and by
// RFC 1071 §2(B) the native sum of a range is the byte-swapped big-endian sum. Every range here
// starts at an even offset from its own checksum's start, every field sits at an even offset in
// its range, so fields are loaded, patched and stored as native words; only the constants
// (pseudo-header protocol and length) are swapped.
//
// Receive returns all-good results itself; any other outcome (a bad or partial field, UDP with a
// zero field) is decided by the per-header path, so statuses keep that path's exact semantics.
#include <cstring>

#include "kernels/checksum/csum_internal.h"
#include "kernels/checksum/offload.h"
#include "kernels/common/arch.h"
#include "kernels/common/byteorder.h"

namespace eb::csum {

namespace {

// Ranges up to this length are summed in line (the scalar path's crossover on the machines
// measured; kernels/checksum/README.md).
constexpr uint32_t kInlineBelow = 192;

constexpr uint32_t kIpv4Field = 10, kGreField = 4;

inline uint16_t native16(uint16_t host) { return bswap16(host); }  // a host value as its wire word reads natively
inline uint16_t ldn16(const uint8_t* p) { return ld16(p); }
inline void stn16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

// Native 64-bit sum of an IPv4 header (20 bytes without options: unrolled).
inline uint64_t ipv4_header_native(const uint8_t* h, uint32_t len) {
  if (len == 20) [[likely]]
    return addc(addc(ld64(h), ld64(h + 8)), ld32(h + 16));
  return native_sum_scalar(h, len);
}

template <SumFn Bulk>
inline uint64_t range_native(const uint8_t* p, uint32_t n) {
  if (n < kInlineBelow) return native_sum_scalar(p, n);
  // The bulk kernel's partial (big-endian convention, 0 initial) back to a native value.
  return bswap16(fold16(Bulk(p, n, 0)));
}

// The pseudo-header's addresses, protocol and length (RFC 793/768, RFC 8200 §8.1), native.
inline uint64_t pseudo_native(const uint8_t* f, const NvgreLayout& L) {
  const IpLayout& ip = L.inner;
  const uint32_t proto = L.l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP;
  uint64_t s;
  if (ip.version == IpVersion::v4) {
    s = ld64(f + ip.offset + 12);  // source and destination, adjacent
  } else {
    const uint8_t* src = f + ip.pseudo_src_offset();
    const uint8_t* dst = f + ip.pseudo_dst_offset();
    s = addc(addc(ld64(src), ld64(src + 8)), addc(ld64(dst), ld64(dst + 8)));
  }
  const uint32_t len = L.l4_len;
  return addc(s, uint64_t{native16(static_cast<uint16_t>(proto))} + native16(static_cast<uint16_t>(len & 0xFFFF)) +
                     native16(static_cast<uint16_t>(len >> 16)));
}

inline uint64_t without(uint64_t s, uint16_t old_native) { return addc(s, static_cast<uint16_t>(~old_native)); }
inline bool is_ffff(uint64_t s) { return fold16(s) == 0xFFFF; }

// Every other packet: the same sums, each field as checksum_fields says.
template <SumFn Bulk>
__attribute__((noinline)) uint8_t fill_general(uint8_t* f, const NvgreLayout& L, uint8_t fields, const ChecksumImpl& per_header) {
  if (!fields) return 0;
  // GRE's sum takes the new inner fields as native words, which needs them at even offsets from
  // the GRE header (always so on a frame of even-length headers; otherwise the per-header path).
  if ((fields & kCsumGre) && ((L.l4_offset ^ L.gre_offset) & 1)) [[unlikely]]
    return checksum_fill(f, L, per_header);
  // Every sum first, with the old fields in place.
  uint64_t l4 = 0, in = 0, out = 0, gre = 0;
  uint16_t old_l4 = 0, old_in = 0, old_out = 0, old_gre = 0;
  uint8_t* f_l4 = f + L.l4_checksum_offset();
  uint8_t* f_in = f + L.inner.offset + kIpv4Field;
  uint8_t* f_out = f + L.outer.offset + kIpv4Field;
  uint8_t* f_gre = f + L.gre_offset + kGreField;
  if (fields & kCsumL4) {
    old_l4 = ldn16(f_l4);
    l4 = without(addc(pseudo_native(f, L), range_native<Bulk>(f + L.l4_offset, L.l4_len)), old_l4);
  }
  if (fields & kCsumInnerIp) old_in = ldn16(f_in), in = without(ipv4_header_native(f + L.inner.offset, L.inner.header_len), old_in);
  if (fields & kCsumOuterIp) old_out = ldn16(f_out), out = without(ipv4_header_native(f + L.outer.offset, L.outer.header_len), old_out);
  if (fields & kCsumGre) {
    old_gre = ldn16(f_gre);
    gre = without(range_native<Bulk>(f + L.gre_offset, L.outer.end() - L.gre_offset), old_gre);
  }
  // Then the fields, in the per-header path's order (L4, inner IPv4, outer IPv4, GRE last, which
  // covers the new inner fields: their change is patched into its sum).
  if (fields & kCsumL4) {
    uint16_t c = static_cast<uint16_t>(~fold16(l4));
    if (L.l4 == L4Proto::udp && c == 0) c = 0xFFFF;  // RFC 768: 0 would mean "no checksum"
    stn16(f_l4, c);
    gre = addc(gre, uint64_t{static_cast<uint16_t>(~old_l4)} + c);
  }
  if (fields & kCsumInnerIp) {
    const uint16_t c = static_cast<uint16_t>(~fold16(in));
    stn16(f_in, c);
    gre = addc(gre, uint64_t{static_cast<uint16_t>(~old_in)} + c);
  }
  if (fields & kCsumOuterIp) stn16(f_out, static_cast<uint16_t>(~fold16(out)));
  if (fields & kCsumGre) stn16(f_gre, static_cast<uint16_t>(~fold16(gre)));
  return fields;
}

// The shapes nearly all traffic has, as straight-line code: no GRE checksum, IPv4 headers without
// options, inner TCP/UDP. O4/I4: outer/inner IPv4 (else IPv6, which has no header checksum).
template <SumFn Bulk, bool O4, bool I4>
inline uint8_t fill_shape(uint8_t* f, const NvgreLayout& L) {
  const bool udp = L.l4 == L4Proto::udp;
  uint8_t* f_l4 = f + L.l4_offset + (udp ? 6 : 16);
  const uint16_t old_l4 = ldn16(f_l4);
  const uint64_t l4 = without(addc(pseudo_native(f, L), range_native<Bulk>(f + L.l4_offset, L.l4_len)), old_l4);
  uint64_t in = 0, out = 0;
  if constexpr (I4) in = without(ipv4_header_native(f + L.inner.offset, 20), ldn16(f + L.inner.offset + kIpv4Field));
  if constexpr (O4) out = without(ipv4_header_native(f + L.outer.offset, 20), ldn16(f + L.outer.offset + kIpv4Field));
  uint16_t c = static_cast<uint16_t>(~fold16(l4));
  if (udp && c == 0) c = 0xFFFF;  // RFC 768: 0 would mean "no checksum"
  stn16(f_l4, c);
  if constexpr (I4) stn16(f + L.inner.offset + kIpv4Field, static_cast<uint16_t>(~fold16(in)));
  if constexpr (O4) stn16(f + L.outer.offset + kIpv4Field, static_cast<uint16_t>(~fold16(out)));
  return kCsumL4 | (I4 ? kCsumInnerIp : 0) | (O4 ? kCsumOuterIp : 0);
}

template <SumFn Bulk>
inline uint8_t fill_inline(uint8_t* f, const NvgreLayout& L, const ChecksumImpl& (*per_header)()) {
  const uint8_t fields = checksum_fields(L);
  const bool o4 = fields & kCsumOuterIp, i4 = fields & kCsumInnerIp;
  // One compare for "a common shape": L4 present, no GRE checksum, every IPv4 header 20 bytes.
  const bool common = (fields & (kCsumL4 | kCsumGre)) == kCsumL4 && (!o4 || L.outer.header_len == 20) &&
                      (!i4 || L.inner.header_len == 20);
  if (common) [[likely]] {
    if (o4) return i4 ? fill_shape<Bulk, true, true>(f, L) : fill_shape<Bulk, true, false>(f, L);
    return i4 ? fill_shape<Bulk, false, true>(f, L) : fill_shape<Bulk, false, false>(f, L);
  }
  return fill_general<Bulk>(f, L, fields, per_header());
}

template <SumFn Bulk>
VerifyResult verify_inline(const uint8_t* f, const NvgreLayout& L, const ChecksumImpl& per_header) {
  VerifyResult r;
  const uint8_t fields = checksum_fields(L);
  bool good = true;
  if (fields & kCsumL4) {
    if (L.l4 == L4Proto::udp && ldn16(f + L.l4_checksum_offset()) == 0) return checksum_verify(f, L, per_header);
    good &= is_ffff(addc(pseudo_native(f, L), range_native<Bulk>(f + L.l4_offset, L.l4_len)));
    r.l4 = CsumStatus::good;
  }
  if (fields & kCsumInnerIp)
    good &= is_ffff(ipv4_header_native(f + L.inner.offset, L.inner.header_len)), r.inner_ip = CsumStatus::good;
  if (fields & kCsumOuterIp)
    good &= is_ffff(ipv4_header_native(f + L.outer.offset, L.outer.header_len)), r.outer_ip = CsumStatus::good;
  if (fields & kCsumGre)
    good &= is_ffff(range_native<Bulk>(f + L.gre_offset, L.outer.end() - L.gre_offset)), r.gre = CsumStatus::good;
  if (good) [[likely]]
    return r;
  return checksum_verify(f, L, per_header);
}

const ChecksumImpl& adc64x2_record() {
  static const ChecksumImpl& r = *find_checksum("adc64x2");
  return r;
}

}  // namespace

uint8_t fill_inline_adc64(uint8_t* frame, const NvgreLayout& L) { return fill_inline<sum_adc64x2>(frame, L, adc64x2_record); }
VerifyResult verify_inline_adc64(const uint8_t* frame, const NvgreLayout& L) {
  return verify_inline<sum_adc64x2>(frame, L, adc64x2_record());
}

#if EB_ARCH_X86_64
namespace {
const ChecksumImpl& avx512_record() {
  static const ChecksumImpl& r = *find_checksum("avx512");
  return r;
}
}  // namespace
uint8_t fill_inline_avx512(uint8_t* frame, const NvgreLayout& L) { return fill_inline<sum_avx512>(frame, L, avx512_record); }
VerifyResult verify_inline_avx512(const uint8_t* frame, const NvgreLayout& L) {
  return verify_inline<sum_avx512>(frame, L, avx512_record());
}
#endif

}  // namespace eb::csum
