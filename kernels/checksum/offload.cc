#include "kernels/checksum/offload.h"

#include <utility>

#include "kernels/checksum/csum_internal.h"
#include "kernels/common/byteorder.h"

namespace eb {

const char* csum_status_name(CsumStatus s) { return EB_ENUM_LOOKUP(EB_CSUM_STATUS_VALUES, EB_ENUM_TEXT, s, "?"); }

const char* csum_path_name(CsumPath p) { return EB_ENUM_LOOKUP(EB_CSUM_PATH_VALUES, EB_ENUM_NAME, p, "?"); }

namespace {

constexpr uint32_t kIpv4ChecksumField = 10;  // offset of the header checksum in an IPv4 header
constexpr uint32_t kGreChecksumField = 4;    // offset of the checksum in a GRE header with C set

// A range's folded sum is 0xFFFF exactly when its checksum field made it sum to "-0". A covered
// range is never all zero (IPv4 version nibble, GRE K bit, pseudo-header protocol), so a good
// range never folds to 0.
inline bool sums_to_ffff(uint32_t s) { return fold16(s) == 0xFFFF; }

// Fill never stores into a range before summing it: a 2-byte store followed by a wider load
// over it cannot be store-forwarded and stalls for the store to retire (measured: fill cost
// twice what verify did). Instead the range is summed with the old field in place and the old
// field is subtracted in ones-complement arithmetic (adding its complement). Every field sits at
// an even offset from the start of its range, so it is exactly one big-endian word of the sum.
inline uint32_t without_field(uint32_t sum, uint16_t old_field) { return csum_add(sum, static_cast<uint16_t>(~old_field)); }

inline uint32_t ipv4_header_sum(const uint8_t* frame, const IpLayout& ip, const ChecksumImpl& impl) {
  return impl.sum(frame + ip.offset, ip.header_len, 0);
}

// Returns {old, new} field values.
std::pair<uint16_t, uint16_t> fill_ipv4(uint8_t* frame, const IpLayout& ip, const ChecksumImpl& impl) {
  uint8_t* field = frame + ip.offset + kIpv4ChecksumField;
  const uint16_t old_field = load_be16(field);
  const uint16_t c = csum_finish(without_field(ipv4_header_sum(frame, ip, impl), old_field));
  store_be16(field, c);
  return {old_field, c};
}

CsumStatus verify_ipv4(const uint8_t* frame, const IpLayout& ip, const ChecksumImpl& impl) {
  return sums_to_ffff(ipv4_header_sum(frame, ip, impl)) ? CsumStatus::good : CsumStatus::bad;
}

// Replace a field's contribution old -> new in a partial sum of a range the field lies in, at
// `rel` bytes from the range's start (odd: the word sits byte-swapped in that sum).
inline uint32_t replace_field(uint32_t sum, uint16_t old_field, uint16_t new_field, uint32_t rel) {
  uint32_t delta = csum_add(static_cast<uint16_t>(~old_field), new_field);
  return csum_combine(sum, delta, rel);
}

inline uint32_t gre_range_len(const NvgreLayout& L) { return L.outer.end() - L.gre_offset; }

// Ones-complement equality: 0x0000 and 0xFFFF are both zero.
inline bool same_csum(uint16_t a, uint16_t b) { return a == b || ((a == 0 || a == 0xFFFF) && (b == 0 || b == 0xFFFF)); }

// A sending host that leaves the L4 checksum to the NIC writes the pseudo-header sum into the
// field, not complemented: with the L4 length for checksum offload, with length 0 for LSO/USO.
bool holds_pseudo_header_sum(const uint8_t* frame, const NvgreLayout& L, uint16_t field) {
  return same_csum(field, fold16(l4_pseudo_header_sum(frame, L, L.l4_len))) ||
         same_csum(field, fold16(l4_pseudo_header_sum(frame, L, 0)));
}

}  // namespace

uint32_t l4_pseudo_header_sum(const uint8_t* frame, const NvgreLayout& L, uint32_t l4_len) {
  const IpLayout& ip = L.inner;
  const uint8_t proto = L.l4 == L4Proto::tcp ? kIpProtoTCP : kIpProtoUDP;
  uint32_t s;
  if (ip.version == IpVersion::v4) {
    // Source and destination are adjacent (bytes 12..19): one 8-byte range.
    s = csum::to_partial(csum::native_sum_scalar(frame + ip.src_offset(), 8), 0);
  } else {
    // The home address / type-2 routing address rule is IpLayout's (pseudo_*_offset).
    const uint8_t* src = frame + ip.pseudo_src_offset();
    const uint8_t* dst = frame + ip.pseudo_dst_offset();
    s = csum::to_partial(csum::native_sum_scalar(dst, 16, csum::native_sum_scalar(src, 16)), 0);
  }
  return csum_add(s, uint32_t{proto} + (l4_len & 0xFFFF) + (l4_len >> 16));
}

uint8_t checksum_fill(uint8_t* frame, const NvgreLayout& L, const ChecksumImpl& impl) {
  if (impl.fill_packet) return impl.fill_packet(frame, L);
  const uint8_t fields = checksum_fields(L);
  if (!fields) return 0;
  uint8_t written = 0;
  // GRE covers the inner frame, including the inner checksums about to change: sum it first,
  // with the old values in place, and patch the sum afterwards (RFC 1624 style).
  uint32_t gre_sum = 0;
  uint16_t gre_old = 0;
  const bool gre = fields & kCsumGre;
  if (gre) {
    gre_old = load_be16(frame + L.gre_offset + kGreChecksumField);
    gre_sum = without_field(impl.sum(frame + L.gre_offset, gre_range_len(L), 0), gre_old);
  }
  // 1. Inner TCP/UDP over its pseudo-header, header and payload.
  if (fields & kCsumL4) {
    uint8_t* field = frame + L.l4_checksum_offset();
    const uint16_t old_field = load_be16(field);
    const uint32_t s = impl.sum(frame + L.l4_offset, L.l4_len, l4_pseudo_header_sum(frame, L, L.l4_len));
    uint16_t c = csum_finish(without_field(s, old_field));
    if (L.l4 == L4Proto::udp && c == 0) c = 0xFFFF;  // RFC 768: 0 would mean "no checksum"
    store_be16(field, c);
    if (gre) gre_sum = replace_field(gre_sum, old_field, c, L.l4_checksum_offset() - L.gre_offset);
    written |= kCsumL4;
  }
  // 2. Inner and outer IPv4 headers (independent of each other).
  if (fields & kCsumInnerIp) {
    const auto [old_field, c] = fill_ipv4(frame, L.inner, impl);
    if (gre)
      gre_sum = replace_field(gre_sum, old_field, c, L.inner.offset + kIpv4ChecksumField - L.gre_offset);
    written |= kCsumInnerIp;
  }
  if (fields & kCsumOuterIp) fill_ipv4(frame, L.outer, impl), written |= kCsumOuterIp;
  // 3. GRE last.
  if (gre) {
    store_be16(frame + L.gre_offset + kGreChecksumField, csum_finish(gre_sum));
    written |= kCsumGre;
  }
  return written;
}

VerifyResult checksum_verify(const uint8_t* frame, const NvgreLayout& L, const ChecksumImpl& impl) {
  if (impl.verify_packet) return impl.verify_packet(frame, L);
  VerifyResult r;
  const uint8_t fields = checksum_fields(L);
  if (fields & kCsumOuterIp) r.outer_ip = verify_ipv4(frame, L.outer, impl);
  if (fields & kCsumInnerIp) r.inner_ip = verify_ipv4(frame, L.inner, impl);
  if (fields & kCsumL4) {
    const uint16_t field = load_be16(frame + L.l4_checksum_offset());
    if (L.l4 == L4Proto::udp && field == 0) {
      // UDP/IPv4: the sender computed none. UDP/IPv6: a zero checksum is not allowed (RFC 8200).
      r.l4 = L.inner.version == IpVersion::v4 ? CsumStatus::absent : CsumStatus::bad;
    } else {
      const uint32_t s = impl.sum(frame + L.l4_offset, L.l4_len, l4_pseudo_header_sum(frame, L, L.l4_len));
      r.l4 = sums_to_ffff(s)                            ? CsumStatus::good
             : holds_pseudo_header_sum(frame, L, field) ? CsumStatus::partial
                                                        : CsumStatus::bad;
    }
  }
  if (fields & kCsumGre)
    r.gre = sums_to_ffff(impl.sum(frame + L.gre_offset, gre_range_len(L), 0)) ? CsumStatus::good : CsumStatus::bad;
  return r;
}

size_t checksum_fill_batch(Corpus& corpus, const ChecksumImpl& impl) {
  if (impl.fill_batch) return impl.fill_batch(corpus);
  size_t filled = 0;
  const size_t n = corpus.size();
  for (size_t i = 0; i < n; ++i) {
    const NvgreLayout& L = corpus[i].layout;
    if (!checksum_fields(L)) continue;
    checksum_fill(corpus.mutable_data(i), L, impl);
    ++filled;
  }
  return filled;
}

size_t checksum_verify_batch(const Corpus& corpus, const ChecksumImpl& impl, VerifyResult* out) {
  if (impl.verify_batch) return impl.verify_batch(corpus, out);
  size_t bad = 0;
  const size_t n = corpus.size();
  for (size_t i = 0; i < n; ++i) {
    out[i] = checksum_verify(corpus.data(i), corpus[i].layout, impl);
    bad += out[i].any_bad();
  }
  return bad;
}

OffloadDecision checksum_decide(const OffloadCaps& caps, bool transmit, const NvgreLayout& layout) {
  OffloadDecision d;
  d.eligibility = offload_eligibility(caps, transmit ? Offload::tx_checksum : Offload::rx_checksum, layout);
  if (!layout.well_formed())
    d.path = CsumPath::skipped;
  else
    d.path = d.eligibility == Eligibility::offload ? CsumPath::nic : CsumPath::software;
  return d;
}

namespace {
// Decides the path of every packet of the corpus (recording it in `paths` when given), counts
// the paths, and calls work(i, layout) for each packet.
template <typename Work>
OffloadBatchStats for_each_decided(const Corpus& corpus, const OffloadCaps& caps, bool transmit,
                                   OffloadDecision* paths, Work&& work) {
  OffloadBatchStats st;
  const size_t n = corpus.size();
  for (size_t i = 0; i < n; ++i) {
    const NvgreLayout& L = corpus[i].layout;
    const OffloadDecision d = checksum_decide(caps, transmit, L);
    if (paths) paths[i] = d;
    if (d.path == CsumPath::nic) ++st.nic;
    else if (d.path == CsumPath::software) ++st.software;
    else ++st.skipped;
    work(i, L, d, st);
  }
  return st;
}
}  // namespace

OffloadBatchStats checksum_fill_offload(Corpus& corpus, const OffloadCaps& caps, const ChecksumImpl& impl,
                                        OffloadDecision* paths) {
  return for_each_decided(corpus, caps, true, paths,
                          [&](size_t i, const NvgreLayout& L, const OffloadDecision& d, OffloadBatchStats&) {
                            if (d.path != CsumPath::skipped) checksum_fill(corpus.mutable_data(i), L, impl);
                          });
}

OffloadBatchStats checksum_verify_offload(const Corpus& corpus, const OffloadCaps& caps, const ChecksumImpl& impl,
                                          VerifyResult* out, OffloadDecision* paths) {
  return for_each_decided(corpus, caps, false, paths,
                          [&](size_t i, const NvgreLayout& L, const OffloadDecision&, OffloadBatchStats& st) {
                            out[i] = checksum_verify(corpus.data(i), L, impl);
                            st.bad += out[i].any_bad();
                          });
}

}  // namespace eb
