// Internal to the segment family: the per-send header template shared by the fused and the
// zero-copy implementations. Built once per send; per segment only the varying words are added
// to sums of the fixed words, then folded (the pre-summed form of RFC 1624's incremental update:
// HC' = ~(sum of fixed words + new values of the changing words)).
//
// Byte-identical to recomputing from scratch: every sum here contains a non-zero constant word
// (IPv4 version/IHL, TCP/UDP protocol number, GRE flags) and only additions are used, so it never
// folds to the ones-complement "+0" where a full recomputation gives "-0".
#pragma once
#include <cstdint>
#include <cstring>

#include "kernels/common/ones_complement.h"
#include "kernels/common/byteorder.h"
#include "kernels/packet/nvgre.h"
#include "kernels/segment/segment.h"

namespace eb::segment_detail {

constexpr uint8_t kTcpFin = 0x01, kTcpPsh = 0x08, kTcpCwr = 0x80;

// TCP flags of segment i of n: FIN and PSH only on the last, CWR only on the first.
inline uint8_t segment_tcp_flags(uint8_t flags, uint32_t i, uint32_t n) {
  if (i != 0) flags &= static_cast<uint8_t>(~kTcpCwr);
  if (i + 1 != n) flags &= static_cast<uint8_t>(~(kTcpFin | kTcpPsh));
  return flags;
}

// Ones-complement fold of any 32-bit partial sum to 16 bits (two end-around carries suffice:
// after the first the value is at most 0x1FFFE). Never maps a non-zero sum to 0.
inline uint32_t fold_small(uint32_t s) {
  s = (s & 0xFFFF) + (s >> 16);
  return (s & 0xFFFF) + (s >> 16);
}

// Sum of a short header range with up to four 16-bit words (given as offsets from p, -1 = none)
// treated as zero. Offsets are even (every header starts at an even distance from the range start).
inline uint32_t sum_except(const uint8_t* p, uint32_t n, int z0, int z1 = -1, int z2 = -1, int z3 = -1) {
  uint64_t s = 0;
  uint32_t i = 0;
  for (; i + 1 < n; i += 2) {
    const int o = static_cast<int>(i);
    if (o == z0 || o == z1 || o == z2 || o == z3) continue;
    s += load_be16(p + i);
  }
  if (i < n) s += uint32_t{p[i]} << 8;
  return fold16(s);
}

// Copies a segment header (n >= 64 bytes; every NVGRE TCP/UDP header is >= 84) with 32-byte moves,
// the last one overlapping: a handful of inline moves instead of a library call per segment.
inline void copy_header(uint8_t* dst, const uint8_t* src, uint32_t n) {
  __builtin_memcpy(dst, src, 32);
  __builtin_memcpy(dst + 32, src + 32, 32);
  uint32_t j = 64;
  for (; j + 32 <= n; j += 32) __builtin_memcpy(dst + j, src + j, 32);
  if (j < n) __builtin_memcpy(dst + n - 32, src + n - 32, 32);
}

// The template of one send, for TCP (LSOv2: sequence number and flags vary per segment) or UDP
// (USO: the UDP length varies, a computed UDP checksum of 0 is sent as 0xFFFF). Everything about
// the IP headers and GRE is the same code for both.
template <L4Proto kProto>
struct SendTemplateFor {
  static constexpr L4Proto kL4 = kProto;
  static constexpr bool kUdp = kProto == L4Proto::udp;
  static constexpr uint8_t kIpProto = kUdp ? kIpProtoUDP : kIpProtoTCP;

  const uint8_t* hdr = nullptr;  // the super-packet's header bytes (copied into every segment)
  uint32_t header_len = 0;
  uint32_t segments = 0;

  uint32_t outer_ip = 0, inner_ip = 0, tcp = 0;  // tcp: the L4 header offset (TCP or UDP)
  bool outer_v4 = false, inner_v4 = false;
  // Length field value = base + segment payload length (IPv4 total length, IPv6 payload length,
  // TCP length of the pseudo-header / UDP length).
  uint32_t outer_len_base = 0, inner_len_base = 0, tcp_len_base = 0;
  uint16_t outer_id0 = 0, inner_id0 = 0;
  uint32_t outer_sum = 0, inner_sum = 0;  // IPv4 header without length, ID, checksum
  uint32_t seq0 = 0;
  uint8_t flags0 = 0;
  // Pseudo-header without length + L4 header without its varying words (TCP: seq, flags,
  // checksum; UDP: length, checksum).
  uint32_t tcp_sum = 0;
  bool gre_csum = false;
  uint32_t gre_csum_off = 0;
  // GRE header (checksum 0) + inner Ethernet + inner IP header without its varying words + L4
  // header without its varying words.
  uint32_t gre_sum = 0;

  // Middle segments (neither first nor last, so full MSS and the middle flags) differ only in
  // IDs, sequence number and checksums: `mid` is the header of segment 1 with lengths and flags
  // in place, and the *_mid bases pre-add those constants. Headers longer than kMidMax (only
  // with a MaxHeaderSize lifted far beyond 256) take the generic patch for every segment.
  static constexpr uint32_t kMidMax = 512;
  bool has_mid = false;
  uint32_t mss = 0, last_len = 0;
  uint32_t outer_mid = 0, inner_mid = 0, tcp_mid = 0, gre_mid = 0;
  alignas(64) uint8_t mid[kMidMax];

  // The bytes to copy into every segment before patch_range.
  const uint8_t* header_source() const { return has_mid ? mid : hdr; }

  // UDP: a computed checksum of 0 is sent as 0xFFFF (0 means "no checksum"). c is 16 bits.
  static uint32_t udp_nonzero(uint32_t c) { return c == 0 ? 0xFFFF : c; }

  void build(const uint8_t* frame, const NvgreLayout& L, const SegmentPlan& plan) {
    hdr = frame;
    header_len = plan.header_len;
    segments = plan.segments;
    outer_ip = L.outer.offset;
    inner_ip = L.inner.offset;
    tcp = L.l4_offset;
    outer_v4 = L.outer_ipv4();
    inner_v4 = L.inner_ipv4();
    outer_len_base = header_len - outer_ip - (outer_v4 ? 0 : 40);
    inner_len_base = header_len - inner_ip - (inner_v4 ? 0 : 40);
    tcp_len_base = header_len - tcp;
    if (outer_v4) {
      outer_id0 = load_be16(frame + outer_ip + 4);
      outer_sum = sum_except(frame + outer_ip, L.outer.header_len, 2, 4, 10);
    }
    uint32_t inner_hdr_sum;  // inner IP header without its varying words
    if (inner_v4) {
      inner_id0 = load_be16(frame + inner_ip + 4);
      inner_sum = sum_except(frame + inner_ip, L.inner.header_len, 2, 4, 10);
      inner_hdr_sum = inner_sum;
    } else {
      inner_hdr_sum = sum_except(frame + inner_ip, L.inner.header_len, 4);
    }
    uint32_t tcp_hdr_sum;
    if constexpr (kUdp) {
      tcp_hdr_sum = sum_except(frame + tcp, 8, 4, 6);  // the two ports
    } else {
      seq0 = load_be32(frame + tcp + 4);
      flags0 = frame[tcp + 13];
      // The flags byte is the low half of the word at 12; leave the data-offset half in the sum.
      tcp_hdr_sum = csum_add(sum_except(frame + tcp, L.l4_header_len, 4, 6, 12, 16), uint32_t{frame[tcp + 12]} << 8);
    }
    const uint8_t* ps = frame + L.inner.pseudo_src_offset();
    const uint8_t* pd = frame + L.inner.pseudo_dst_offset();
    const uint32_t pseudo = inner_v4 ? pseudo_header_sum_v4(ps, pd, kIpProto, 0)
                                     : pseudo_header_sum_v6(ps, pd, kIpProto, 0);
    tcp_sum = fold16(csum_add(pseudo, tcp_hdr_sum));
    gre_csum = L.gre_checksum_present;
    if (gre_csum) {
      gre_csum_off = L.gre_checksum_offset;
      const uint32_t g = L.gre_offset;
      uint32_t s = sum_except(frame + g, L.gre_len, static_cast<int>(L.gre_checksum_offset - g));
      s = csum_add(s, ones_complement_sum_simple(frame + L.inner_eth_offset, inner_ip - L.inner_eth_offset));
      s = csum_add(s, inner_hdr_sum);
      gre_sum = fold16(csum_add(s, tcp_hdr_sum));
    }
    mss = plan.mss;
    last_len = plan.segment_payload_len(segments - 1);
    has_mid = segments >= 3 && header_len <= kMidMax;
    if (has_mid) {
      std::memcpy(mid, frame, header_len);
      patch(mid, 1, mss, mss, 0);
      outer_mid = outer_sum + outer_len_base + mss;
      inner_mid = inner_sum + inner_len_base + mss;
      if constexpr (kUdp) {
        // The UDP length is in the pseudo-header and in the UDP header: counted twice.
        tcp_mid = tcp_sum + 2 * (tcp_len_base + mss);
        gre_mid = gre_sum + inner_len_base + mss + tcp_len_base + mss;
      } else {
        const uint8_t flags_mid = segment_tcp_flags(flags0, 1, segments);
        tcp_mid = tcp_sum + tcp_len_base + mss + flags_mid;
        gre_mid = gre_sum + inner_len_base + mss + flags_mid;
      }
    }
  }

  // `h` holds a copy of the header bytes; writes every varying field of segment i, whose payload
  // starts `off` bytes into the super-packet's payload, is `len` bytes long and sums to `psum`.
  // Every term below is a 16-bit value or a sum of a few, so a two-step fold is exact.
  inline void patch(uint8_t* h, uint32_t i, uint32_t off, uint32_t len, uint32_t psum) const {
    const uint32_t p16 = fold_small(psum);
    uint32_t gre_var = 0;
    if (outer_v4) {
      const uint32_t tl = outer_len_base + len;
      const uint32_t id = static_cast<uint16_t>(outer_id0 + i);
      store_be16(h + outer_ip + 2, static_cast<uint16_t>(tl));
      store_be16(h + outer_ip + 4, static_cast<uint16_t>(id));
      store_be16(h + outer_ip + 10, static_cast<uint16_t>(~fold_small(outer_sum + tl + id)));
    } else {
      store_be16(h + outer_ip + 4, static_cast<uint16_t>(outer_len_base + len));
    }
    const uint32_t il = inner_len_base + len;
    if (inner_v4) {
      const uint32_t id = static_cast<uint16_t>(inner_id0 + i);
      const uint32_t c = static_cast<uint16_t>(~fold_small(inner_sum + il + id));
      store_be16(h + inner_ip + 2, static_cast<uint16_t>(il));
      store_be16(h + inner_ip + 4, static_cast<uint16_t>(id));
      store_be16(h + inner_ip + 10, static_cast<uint16_t>(c));
      gre_var = il + id + c;
    } else {
      store_be16(h + inner_ip + 4, static_cast<uint16_t>(il));
      gre_var = il;
    }
    uint32_t tvar, tc;  // the L4 header's varying words and its checksum
    if constexpr (kUdp) {
      (void)off;
      const uint32_t ul = tcp_len_base + len;
      store_be16(h + tcp + 4, static_cast<uint16_t>(ul));
      tvar = ul;
      tc = udp_nonzero(static_cast<uint16_t>(~fold_small(tcp_sum + 2 * ul + p16)));
      store_be16(h + tcp + 6, static_cast<uint16_t>(tc));
    } else {
      const uint32_t seq = seq0 + off;
      const uint8_t flags = segment_tcp_flags(flags0, i, segments);
      store_be32(h + tcp + 4, seq);
      h[tcp + 13] = flags;
      tvar = (seq >> 16) + (seq & 0xFFFF) + flags;
      tc = static_cast<uint16_t>(~fold_small(tcp_sum + tcp_len_base + len + tvar + p16));
      store_be16(h + tcp + 16, static_cast<uint16_t>(tc));
    }
    if (gre_csum) store_be16(h + gre_csum_off, static_cast<uint16_t>(~fold_small(gre_sum + gre_var + tvar + tc + p16)));
  }

  // Up to kBatch middle segments [first, first + count) (0 < i < segments - 1), headers copied
  // from `mid` at h0 + k * stride, payload sums psum[k]: only IDs, sequence number and
  // checksums change. The arithmetic runs branch-free over the batch (the compiler vectorises
  // it), then the values are stored; same values as patch() (same sums, regrouped).
  static constexpr uint32_t kBatch = 32;
  inline void patch_mid_batch(uint8_t* h0, size_t stride, uint32_t first, uint32_t count, const uint32_t* psum) const {
    // Members into locals first: stores through uint8_t* may alias *this.
    const uint32_t o_ip = outer_ip, i_ip = inner_ip, t_off = tcp, g_off = gre_csum_off;
    const bool o4 = outer_v4, i4 = inner_v4, gc = gre_csum;
    const uint32_t oid0 = outer_id0, iid0 = inner_id0, s0 = seq0, m = mss;
    const uint32_t om = outer_mid, im = inner_mid, tm = tcp_mid, gm = gre_mid, inner_in_gre = i4 ? 1 : 0;
    uint32_t oid[kBatch], ocs[kBatch], iid[kBatch], ics[kBatch], seq[kBatch], tcs[kBatch], gcs[kBatch];
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t i = first + k;
      const uint32_t o = (oid0 + i) & 0xFFFF, n = (iid0 + i) & 0xFFFF;
      const uint32_t oc = ~fold_small(om + o) & 0xFFFF, ic = ~fold_small(im + n) & 0xFFFF;
      const uint32_t p16 = fold_small(psum[k]);
      oid[k] = o, ocs[k] = oc, iid[k] = n, ics[k] = ic;
      if constexpr (kUdp) {
        (void)s0, (void)m;
        const uint32_t tc = udp_nonzero(~fold_small(tm + p16) & 0xFFFF);
        tcs[k] = tc;
        gcs[k] = ~fold_small(gm + inner_in_gre * (n + ic) + tc + p16) & 0xFFFF;
      } else {
        const uint32_t s = s0 + i * m;
        const uint32_t sp = (s >> 16) + (s & 0xFFFF);
        const uint32_t tc = ~fold_small(tm + sp + p16) & 0xFFFF;
        seq[k] = s, tcs[k] = tc;
        gcs[k] = ~fold_small(gm + inner_in_gre * (n + ic) + sp + tc + p16) & 0xFFFF;
      }
    }
    uint8_t* h = h0;
    for (uint32_t k = 0; k < count; ++k, h += stride) {
      if (o4) {
        store_be16(h + o_ip + 4, static_cast<uint16_t>(oid[k]));
        store_be16(h + o_ip + 10, static_cast<uint16_t>(ocs[k]));
      }
      if (i4) {
        store_be16(h + i_ip + 4, static_cast<uint16_t>(iid[k]));
        store_be16(h + i_ip + 10, static_cast<uint16_t>(ics[k]));
      }
      if constexpr (kUdp) {
        store_be16(h + t_off + 6, static_cast<uint16_t>(tcs[k]));
      } else {
        store_be32(h + t_off + 4, seq[k]);
        store_be16(h + t_off + 16, static_cast<uint16_t>(tcs[k]));
      }
      if (gc) store_be16(h + g_off, static_cast<uint16_t>(gcs[k]));
    }
  }

  // Patches segments [b, b + count) (count <= kBatch) whose headers were copied from
  // header_source() to h0 + k * stride, with payload sums psum[k].
  inline void patch_range(uint8_t* h0, size_t stride, uint32_t b, uint32_t count, const uint32_t* psum) const {
    if (!has_mid) {
      for (uint32_t k = 0; k < count; ++k) {
        const uint32_t i = b + k;
        patch(h0 + k * stride, i, i * mss, i + 1 < segments ? mss : last_len, psum[k]);
      }
      return;
    }
    uint32_t lo = b, hi = b + count;  // middle segments in [lo, hi)
    if (lo == 0) {
      patch(h0, 0, 0, mss, psum[0]);
      lo = 1;
    }
    if (hi == segments) {
      --hi;
      patch(h0 + (hi - b) * stride, hi, hi * mss, last_len, psum[hi - b]);
    }
    if (hi > lo) patch_mid_batch(h0 + (lo - b) * stride, stride, lo, hi - lo, psum + (lo - b));
  }
};

using SendTemplate = SendTemplateFor<L4Proto::tcp>;     // LSOv2
using UdpSendTemplate = SendTemplateFor<L4Proto::udp>;  // USO (kernels/uso/)

}  // namespace eb::segment_detail
