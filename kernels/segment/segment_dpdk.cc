// Peer `dpdk-gso`: DPDK 22.11's rte_gso_segment for the one NVGRE case it supports (outer IPv4,
// GRE, inner IPv4/TCP), completed with DPDK's software checksums (rte_ipv4_cksum for both IPv4
// headers, rte_ipv4_udptcp_cksum_mbuf for TCP over the header mbuf + indirect payload mbufs) and
// copied out into the caller's arena at the plan's offsets so its bytes compare with ours.
//
// What rte_gso does, read from lib/gso (gso_tunnel_tcp4.c, gso_common.h), against our rules:
//   - same: every header copied; outer and inner IPv4 total length per segment; outer IPv4 ID
//     +1 per segment from the original; inner IPv4 ID +1 per segment (RTE_GSO_FLAG_IPID_FIXED
//     not set); TCP sequence advanced by payload already sent; FIN and PSH cleared on all but
//     the last segment; GRE copied unchanged.
//   - different: CWR is NOT cleared on segments after the first (DPDK keeps every other flag);
//     no checksums at all (completed here with DPDK's own functions, which give the same bytes
//     as ours: ~fold of the same sum, 0 stays 0); a GRE checksum (C bit) would be left stale,
//     so C-bit packets are refused here; IPv6 (outer or inner) is not supported by rte_gso's GRE
//     path; a packet that fits one segment (pkt_len <= gso_size) is returned untouched by
//     rte_gso: this peer then writes its lengths and DPDK checksums itself, like the one-segment
//     case of our rules.
//   - so: byte-identical output to ours is achievable for outer IPv4 + inner IPv4/TCP without
//     GRE C bit and without CWR in the super-packet; with CWR set, segments 2.. differ in the
//     CWR bit and hence in the TCP checksum (each verifies on its own bytes).
// Resources: one EAL (--no-huge --no-pci --no-shconf: 22.11 refuses --in-memory with --no-huge; needs root),
// mbuf pools sized for kDpdkMaxSegments segments; larger sends are refused (`unsupported`).
#include <sched.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <string>

#include "kernels/common/byteorder.h"
#include "kernels/segment/segment_impls.h"

#ifdef EB_SEGMENT_HAVE_DPDK
#ifndef ALLOW_EXPERIMENTAL_API
#define ALLOW_EXPERIMENTAL_API 1  // rte_ipv4_udptcp_cksum_mbuf is experimental in 22.11
#endif
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_gso.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#endif

namespace eb::segment_detail {

#ifndef EB_SEGMENT_HAVE_DPDK

std::string dpdk_gso_static_reason() { return dpdk_unavailable_reason(false); }
std::string dpdk_gso_start() { return dpdk_gso_static_reason(); }
SegmentError dpdk_gso_segment(const SegmentImpl&, const SegmentInput&, const SegmentOutput&, uint32_t*) {
  return SegmentError::unsupported;
}
struct DpdkGsoSession {};
DpdkGsoSession* dpdk_gso_prepare(const SegmentInput&, SegmentError* error) {
  if (error) *error = SegmentError::unsupported;
  return nullptr;
}
SegmentError dpdk_gso_run(DpdkGsoSession*, const SegmentOutput*) { return SegmentError::unsupported; }
void dpdk_gso_release(DpdkGsoSession*) {}

#else

namespace {

constexpr unsigned kDpdkMaxSegments = 2048;
constexpr uint16_t kInputRoom = 16384;  // input super-packets are chains of these

struct DpdkState {
  std::string failure;  // why the EAL or the pools could not start; empty when ready
  rte_mempool* direct = nullptr;
  rte_mempool* indirect = nullptr;
  rte_mempool* input = nullptr;
  rte_mbuf* segs[kDpdkMaxSegments] = {};
};

DpdkState& state() {
  static DpdkState s;
  return s;
}

std::string start_once() {
  DpdkState& s = state();
  if (geteuid() != 0) return "DPDK EAL needs root here (--no-huge --no-shconf); not running as root";
  // The EAL pins the calling thread to lcore 0: put the process's affinity back afterwards so
  // the rest of the benchmarks and tests are not confined to one core.
  cpu_set_t saved;
  const bool have_saved = sched_getaffinity(0, sizeof saved, &saved) == 0;
  const char* argv[] = {"encapbench",  "--no-huge", "--no-pci", "--no-telemetry", "-l", "0",
                        "--log-level=lib.eal:error", "--no-shconf", "-m", "128"};
  const int argc = static_cast<int>(sizeof argv / sizeof argv[0]);
  const int ret = rte_eal_init(argc, const_cast<char**>(argv));
  if (have_saved) sched_setaffinity(0, sizeof saved, &saved);
  if (ret < 0) return std::string("rte_eal_init failed: ") + rte_strerror(rte_errno);
  s.direct = rte_pktmbuf_pool_create("eb_gso_direct", kDpdkMaxSegments + 512, 256, 0,
                                     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  s.indirect = rte_pktmbuf_pool_create("eb_gso_indirect", kDpdkMaxSegments * 2 + 512, 256, 0, 0, SOCKET_ID_ANY);
  s.input = rte_pktmbuf_pool_create("eb_gso_input", 64, 0, 0, kInputRoom + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
  if (!s.direct || !s.indirect || !s.input)
    return std::string("rte_pktmbuf_pool_create failed: ") + rte_strerror(rte_errno);
  return {};
}

// Copies the frame into a chain of input mbufs with the tunnel TSO metadata rte_gso wants.
// Chain boundaries are placed at an even distance from the start of the segment payload they
// fall in: DPDK 22.11's rte_raw_cksum_mbuf truncates the running 32-bit sum of a piece to 16
// bits before byte-swapping it when the next piece starts at an odd offset (it swaps
// (uint16_t)tmp without reducing tmp first), so an odd split gives wrong TCP checksums. This
// is DPDK's bug, not rte_gso's; we avoid it so the comparison measures segmentation.
rte_mbuf* make_input(const SegmentInput& in, const SegmentPlan& plan) {
  const NvgreLayout& L = *in.layout;
  rte_mbuf* head = nullptr;
  rte_mbuf* tail = nullptr;
  size_t done = 0;
  while (done < in.frame_len) {
    rte_mbuf* m = rte_pktmbuf_alloc(state().input);
    if (!m) {
      if (head) rte_pktmbuf_free(head);
      return nullptr;
    }
    size_t n = std::min<size_t>(in.frame_len - done, rte_pktmbuf_tailroom(m));
    const size_t end = done + n;
    if (end < in.frame_len && end > plan.header_len &&
        ((end - plan.header_len) % plan.mss) % 2 == 1)
      --n;
    std::memcpy(rte_pktmbuf_mtod(m, uint8_t*), in.frame + done, n);
    m->data_len = static_cast<uint16_t>(n);
    done += n;
  if (!head) {
      head = m;
    } else {
      tail->next = m;
      head->nb_segs++;
    }
    tail = m;
  }
  head->pkt_len = static_cast<uint32_t>(in.frame_len);
  head->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_OUTER_IPV4 | RTE_MBUF_F_TX_TUNNEL_GRE;
  head->outer_l2_len = static_cast<uint16_t>(L.outer.offset);
  head->outer_l3_len = static_cast<uint16_t>(L.outer.header_len);
  head->l2_len = static_cast<uint16_t>(L.gre_len + (L.inner.offset - L.inner_eth_offset));
  head->l3_len = static_cast<uint16_t>(L.inner.header_len);
  head->l4_len = static_cast<uint16_t>(L.l4_header_len);
  return head;
}

// DPDK's software checksums on one segment (headers contiguous in its first mbuf).
void dpdk_checksums(rte_mbuf* m, const NvgreLayout& L) {
  uint8_t* p = rte_pktmbuf_mtod(m, uint8_t*);
  auto* outer = reinterpret_cast<rte_ipv4_hdr*>(p + L.outer.offset);
  auto* inner = reinterpret_cast<rte_ipv4_hdr*>(p + L.inner.offset);
  auto* tcp = reinterpret_cast<rte_tcp_hdr*>(p + L.l4_offset);
  outer->hdr_checksum = 0;
  outer->hdr_checksum = rte_ipv4_cksum(outer);
  inner->hdr_checksum = 0;
  inner->hdr_checksum = rte_ipv4_cksum(inner);
  tcp->cksum = 0;
  tcp->cksum = rte_ipv4_udptcp_cksum_mbuf(m, inner, static_cast<uint16_t>(L.l4_offset));
}

void copy_out(const rte_mbuf* m, uint8_t* dst) {
  for (; m; m = m->next) {
    std::memcpy(dst, rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
    dst += m->data_len;
  }
}

}  // namespace

std::string dpdk_gso_static_reason() {
  if (geteuid() != 0) return "DPDK EAL needs root here (--no-huge --no-shconf); not running as root";
  return {};
}

std::string dpdk_gso_start() {
  static std::once_flag once;
  std::call_once(once, [] { state().failure = start_once(); });
  return state().failure;
}

struct DpdkGsoSession {
  SegmentInput in;
  SegmentPlan plan;
  rte_mbuf* pkt = nullptr;
  uint64_t ol_flags = 0;
};

namespace {

// Refuses what rte_gso's GRE path cannot do (see the top of this file).
SegmentError dpdk_check(const SegmentInput& in, SegmentPlan* plan) {
  *plan = plan_segments(in);
  if (!plan->ok()) return plan->error;
  const NvgreLayout& L = *in.layout;
  if (!L.outer_ipv4() || !L.inner_ipv4() || L.gre_checksum_present || plan->segments > kDpdkMaxSegments ||
      plan->header_len + plan->mss > 0xFFFF)
    return SegmentError::unsupported;
  segment_start_peers();
  if (!dpdk_gso_start().empty()) return SegmentError::unsupported;
  return SegmentError::ok;
}

}  // namespace

DpdkGsoSession* dpdk_gso_prepare(const SegmentInput& in, SegmentError* error) {
  SegmentPlan plan;
  SegmentError e = dpdk_check(in, &plan);
  rte_mbuf* pkt = e == SegmentError::ok ? make_input(in, plan) : nullptr;
  if (e == SegmentError::ok && !pkt) e = SegmentError::unsupported;
  if (error) *error = e;
  if (e != SegmentError::ok) return nullptr;
  auto* s = new DpdkGsoSession;
  s->in = in;
  s->plan = plan;
  s->pkt = pkt;
  s->ol_flags = pkt->ol_flags;
  return s;
}

void dpdk_gso_release(DpdkGsoSession* s) {
  if (!s) return;
  rte_pktmbuf_free(s->pkt);
  delete s;
}

SegmentError dpdk_gso_run(DpdkGsoSession* session, const SegmentOutput* out) {
  DpdkState& s = state();
  const SegmentPlan& plan = session->plan;
  const NvgreLayout& L = *session->in.layout;
  rte_mbuf* pkt = session->pkt;
  if (out && (out->arena_bytes < plan.arena_bytes || out->max_segments < plan.segments))
    return SegmentError::output_too_small;
  pkt->ol_flags = session->ol_flags;  // rte_gso_segment clears TCP_SEG on the input each call

  rte_gso_ctx ctx{};
  ctx.direct_pool = s.direct;
  ctx.indirect_pool = s.indirect;
  ctx.flag = 0;  // incremental IP IDs
  ctx.gso_types = RTE_ETH_TX_OFFLOAD_GRE_TNL_TSO;
  ctx.gso_size = static_cast<uint16_t>(plan.header_len + plan.mss);
  int n = rte_gso_segment(pkt, &ctx, s.segs, kDpdkMaxSegments);
  if (n < 0) return SegmentError::unsupported;
  if (n == 0 || s.segs[0] == pkt) {
    // Not segmented (fits one segment): rte_gso hands the input back untouched. Lengths as
    // update_ipv4_header would set them, then the same checksums.
    if (plan.segments != 1) return SegmentError::unsupported;
    uint8_t* p = rte_pktmbuf_mtod(pkt, uint8_t*);
    store_be16(p + L.outer.offset + 2, static_cast<uint16_t>(pkt->pkt_len - L.outer.offset));
    store_be16(p + L.inner.offset + 2, static_cast<uint16_t>(pkt->pkt_len - L.inner.offset));
    dpdk_checksums(pkt, L);
    if (out) {
      copy_out(pkt, out->arena + plan.segment_offset(0));
      out->segments[0] = {static_cast<uint32_t>(plan.segment_offset(0)), pkt->pkt_len};
    }
    return SegmentError::ok;
  }
  SegmentError err = static_cast<uint32_t>(n) == plan.segments ? SegmentError::ok : SegmentError::unsupported;
  for (int i = 0; i < n; ++i) {
    if (err == SegmentError::ok) {
      dpdk_checksums(s.segs[i], L);
      if (out) {
        copy_out(s.segs[i], out->arena + plan.segment_offset(i));
        out->segments[i] = {static_cast<uint32_t>(plan.segment_offset(i)), s.segs[i]->pkt_len};
      }
    }
    rte_pktmbuf_free(s.segs[i]);
  }
  return err;
}

SegmentError dpdk_gso_segment(const SegmentImpl&, const SegmentInput& in, const SegmentOutput& out, uint32_t* count) {
  SegmentError e;
  DpdkGsoSession* session = dpdk_gso_prepare(in, &e);
  if (!session) return e;
  e = dpdk_gso_run(session, &out);
  const uint32_t n = session->plan.segments;
  dpdk_gso_release(session);
  if (e == SegmentError::ok && count) *count = n;
  return e;
}

#endif  // EB_SEGMENT_HAVE_DPDK

}  // namespace eb::segment_detail
