// `encapbench offload`: for every packet and offload, would a NIC with this capability profile
// do it, or must software, and why.
#include <array>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/frame_report.h"
#include "cli/input.h"
#include "kernels/packet/caps.h"
#include "kernels/packet/uso_caps.h"

namespace eb::cli {

namespace {
constexpr int kOffloads = kOffloadCount;
constexpr int kEligibility = kEligibilityCount;
}  // namespace

void add_offload(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("offload", "Per packet and offload: NIC or software, and why, under a capability profile");
  struct Opts {
    std::string in, caps = "full";
    int max_header = 0;
    uint32_t uso_mss = 0;
    bool json = false, summary_only = false, large_send = false;
  };
  auto o = std::make_shared<Opts>();
  add_capture_options(sub, &o->in, &o->large_send);
  sub->add_option("--caps", o->caps,
                  "Capability profile: full, none, ndis-example, ipv4-only, or tx=..,rx=..,lso=..,rss=..,vmq=..,uso=..,max=N "
                  "with flags outer4|outer6|inner4|inner6|all|none")
      ->capture_default_str();
  sub->add_option("--max-header", o->max_header, "MaxHeaderSizeSupported (default: the profile's, 256)");
  sub->add_option("--mss", o->uso_mss,
                  "USO: UDP payload bytes per datagram, for the NDIS_UDP_SEGMENTATION_OFFLOAD rules (MinSegmentCount, "
                  "SubMssFinalSegmentSupported); default: per packet, the MSS that fills a 1500-byte outer IP packet");
  sub->add_flag("--json", o->json, "JSON Lines: one object per packet, then one summary object");
  sub->add_flag("--summary-only", o->summary_only, "Only the summary table");
  sub->callback([o, exit_code] {
    std::string err;
    auto caps = caps_from_string(o->caps, &err);
    if (!caps) {
      *exit_code = input_error(err);
      return;
    }
    if (o->max_header < 0 || o->max_header > 65535) {
      *exit_code = input_error("--max-header must be in 1..65535");
      return;
    }
    if (o->max_header) caps->max_header_size = static_cast<uint32_t>(o->max_header);
    LoadedInput in;
    if (!load_capture_or_report(o->in, {.large_send = o->large_send}, &in, exit_code)) return;
    OffloadCensus census;
    const auto& counts = census.packets;
    KindCounts kinds;
    // USO in full (classify_uso): the flags above plus the segmentation parameters, UDP sends only.
    std::array<uint64_t, static_cast<int>(UsoEligibility::count_)> uso_counts{};
    if (!o->json && !o->summary_only) {
      std::printf("%6s %5s", "#", "hsize");
      for (int k = 0; k < kOffloads; ++k) std::printf(" %-16s", offload_name(static_cast<Offload>(k)));
      std::printf("\n");
    }
    for (size_t i = 0; i < in.corpus.size(); ++i) {
      const NvgreLayout& L = in.corpus[i].layout;
      kinds.add(L);
      nlohmann::json j;
      if (o->json) {
        j = {{"index", i}};
        add_frame_kind(j, L);
        if (L.well_formed()) j["header_size"] = L.header_size, j["inner"] = inner_kind_name(L);
      } else if (!o->summary_only) {
        std::printf("%6zu %5u", i, L.header_size);
      }
      const auto answers = census.add(*caps, L, in.corpus[i].length);
      for (int k = 0; k < kOffloads; ++k) {
        Eligibility e = answers[k];
        if (o->json) j[offload_name(static_cast<Offload>(k))] = eligibility_name(e);
        else if (!o->summary_only)
          std::printf(" %-16s", e == Eligibility::offload ? "nic" : (std::string("sw:") + eligibility_name(e)).c_str());
      }
      if (L.ok() && L.l4 == L4Proto::udp) {
        const uint32_t mss = o->uso_mss ? o->uso_mss : uso_mss_for_mtu(L);
        const UsoVerdict v = classify_uso(*caps, L, mss);
        ++uso_counts[static_cast<int>(v.eligibility)];
        if (o->json) j["uso_detail"] = {{"eligibility", uso_eligibility_name(v.eligibility)}, {"mss", mss}, {"datagrams", v.segments}};
      }
      if (o->json) std::cout << j.dump() << "\n";
      else if (!o->summary_only) std::printf("  %s\n", L.ok() ? inner_kind_name(L).c_str() : frame_note(L).c_str());
    }
    if (o->json) {
      nlohmann::json s = {{"summary", true}, {"caps", caps->name}, {"max_header_size", caps->max_header_size},
                          {"packets", in.corpus.size()}};
      kinds.to_json(s);
      for (int k = 0; k < kOffloads; ++k) {
        nlohmann::json c;
        for (int e = 0; e < kEligibility; ++e) c[eligibility_name(static_cast<Eligibility>(e))] = counts[k][e];
        c["flags"] = caps_flags_to_string((*caps)[static_cast<Offload>(k)]);
        s["offloads"][offload_name(static_cast<Offload>(k))] = c;
      }
      for (int e = 0; e < static_cast<int>(UsoEligibility::count_); ++e)
        s["uso_detail"][uso_eligibility_name(static_cast<UsoEligibility>(e))] = uso_counts[e];
      std::cout << s.dump() << "\n";
    } else {
      std::printf("\nprofile %s, MaxHeaderSizeSupported %u, %zu packets (%s)\n", caps->name.c_str(),
                  caps->max_header_size, in.corpus.size(), kinds.text().c_str());
      std::printf("%-12s %-28s", "offload", "flags");
      for (int e = 0; e < kEligibility; ++e)
        std::printf(" %*s", e == 0 ? 8 : 16, e == 0 ? "nic" : eligibility_name(static_cast<Eligibility>(e)));
      std::printf("\n");
      for (int k = 0; k < kOffloads; ++k) {
        std::printf("%-12s %-28s", offload_name(static_cast<Offload>(k)),
                    caps_flags_to_string((*caps)[static_cast<Offload>(k)]).c_str());
        for (int e = 0; e < kEligibility; ++e) std::printf(" %*llu", e == 0 ? 8 : 16, (unsigned long long)counts[k][e]);
        std::printf("\n");
      }
      std::printf("\nUSO of the UDP packets (MaxOffLoadSize %u/%u, MinSegmentCount %u/%u, SubMssFinalSegment %s/%s, "
                  "IPv6 extension headers %s; IPv4/IPv6 blocks):",
                  caps->uso_ipv4.max_offload_size, caps->uso_ipv6.max_offload_size, caps->uso_ipv4.min_segment_count,
                  caps->uso_ipv6.min_segment_count, caps->uso_ipv4.sub_mss_final_segment ? "yes" : "no",
                  caps->uso_ipv6.sub_mss_final_segment ? "yes" : "no", caps->uso_ipv6.ip6_extension_headers ? "yes" : "no");
      for (int e = 0; e < static_cast<int>(UsoEligibility::count_); ++e)
        if (uso_counts[e]) std::printf(" %s %llu", e == 0 ? "nic" : uso_eligibility_name(static_cast<UsoEligibility>(e)),
                                       (unsigned long long)uso_counts[e]);
      std::printf("\n");
    }
    std::cout.flush();
    report_read_problem(in);
    *exit_code = in.read_exit_code() ? in.read_exit_code() : (kinds.unparsed() ? 1 : 0);
  });
}

}  // namespace eb::cli
