// `encapbench inspect`: what the parser sees in every packet of a capture.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/frame_report.h"
#include "cli/input.h"

namespace eb::cli {

namespace {

const char* ip_name(IpVersion v) { return v == IpVersion::v4 ? "ipv4" : v == IpVersion::v6 ? "ipv6" : "-"; }

// The offset, header length and extension-header count of one IP level.
void ip_fields(nlohmann::json& j, const std::string& level, const IpLayout& ip) {
  j[level + "_offset"] = ip.offset;
  j[level + "_header_len"] = ip.header_len;
  j[level + "_ext_headers"] = ip.ext_count;
}

nlohmann::json layout_json(size_t index, const CorpusPacket& p, const uint8_t* f) {
  const NvgreLayout& L = p.layout;
  nlohmann::json j = {{"index", index}, {"length", p.length}};
  if (!p.label.empty()) j["label"] = p.label;
  add_frame_kind(j, L);
  if (!L.well_formed()) return j;
  // Fragments: the headers up to the fragmented one (what RSS hashes).
  j.update({{"outer_version", ip_name(L.outer.version)},
            {"outer_src", addr_text(f + L.outer.src_offset(), L.outer.addr_len())},
            {"outer_dst", addr_text(f + L.outer.dst_offset(), L.outer.addr_len())},
            {"outer_vlan", L.outer_vlan},
            {"header_size", L.header_size}});
  ip_fields(j, "outer", L.outer);
  if (L.outer_vlan) j["outer_vlan_tci"] = L.outer_vlan_tci;
  if (L.fragment == Fragment::outer) return j;
  j.update({{"gre_offset", L.gre_offset},
            {"gre_len", L.gre_len},
            {"gre_checksum", L.gre_checksum_present},
            {"gre_sequence", L.gre_seq_present},
            {"vsid", L.vsid},
            {"flow_id", L.flow_id},
            {"inner_eth_offset", L.inner_eth_offset},
            {"inner_dst_mac", mac_text(f + L.inner_eth_offset)},
            {"inner_src_mac", mac_text(f + L.inner_eth_offset + 6)},
            {"inner_ethertype", L.inner_ethertype},
            {"inner_version", ip_name(L.inner.version)},
            {"inner", inner_kind_name(L)}});
  if (L.inner_ip()) {
    j.update({{"inner_src", addr_text(f + L.inner.src_offset(), L.inner.addr_len())},
              {"inner_dst", addr_text(f + L.inner.dst_offset(), L.inner.addr_len())},
              {"inner_protocol", L.inner.upper_proto}});
    ip_fields(j, "inner", L.inner);
  }
  if (L.fragment == Fragment::inner) return j;
  j.update({{"l4", L.l4 == L4Proto::tcp ? "tcp" : L.l4 == L4Proto::udp ? "udp" : L.l4 == L4Proto::other ? "other" : "none"},
            {"l4_offset", L.l4_offset},
            {"l4_header_len", L.l4_header_len},
            {"payload_offset", L.payload_offset},
            {"payload_len", L.payload_len},
            {"large_send", L.outer.length_from_frame || L.inner.length_from_frame}});
  return j;
}

}  // namespace

void add_inspect(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("inspect",
                                 "Per packet: what it is (NVGRE and its inner kind, IP fragment, not NVGRE, malformed), IP "
                                 "versions, header offsets, header size, VSID, FlowID, or what is wrong");
  struct Opts {
    std::string in;
    bool json = false;
    bool large_send = false;
  };
  auto o = std::make_shared<Opts>();
  add_capture_options(sub, &o->in, &o->large_send);
  sub->add_flag("--json", o->json, "JSON Lines: one object per packet");
  sub->callback([o, exit_code] {
    LoadedInput in;
    if (!load_capture_or_report(o->in, {.large_send = o->large_send}, &in, exit_code)) return;
    KindCounts kinds;
    if (!o->json)
      std::printf("%6s %6s %-5s %-5s %-16s %4s %8s %4s %5s %5s %5s %5s %5s %5s  %s\n", "#", "len", "outer", "inner", "inner-kind",
                  "vlan", "vsid", "flow", "hsize", "o.ip", "gre", "i.eth", "i.ip", "l4", "label / note");
    for (size_t i = 0; i < in.corpus.size(); ++i) {
      const CorpusPacket& p = in.corpus[i];
      const NvgreLayout& L = p.layout;
      kinds.add(L);
      if (o->json) {
        std::cout << layout_json(i, p, in.corpus.data(i)).dump() << "\n";
        continue;
      }
      const std::string label = p.label.empty() ? "" : "label=" + p.label;
      if (!L.well_formed()) {
        std::printf("%6zu %6u  %s%s%s\n", i, p.length, frame_note(L).c_str(), label.empty() ? "" : "  ", label.c_str());
        continue;
      }
      // VSID and FlowID in decimal, as in the JSON.
      const bool past_gre = L.fragment != Fragment::outer;
      const std::string note = L.ok() ? label : frame_note(L) + (label.empty() ? "" : "  " + label);
      std::printf("%6zu %6u %-5s %-5s %-16s %4s %8s %4s %5u %5u %5s %5s %5s %5s  %s\n", i, p.length, ip_name(L.outer.version),
                  ip_name(L.inner.version), inner_kind_name(L).c_str(), L.outer_vlan ? "yes" : "-",
                  past_gre ? std::to_string(L.vsid).c_str() : "-", past_gre ? std::to_string(L.flow_id).c_str() : "-",
                  L.header_size, L.outer.offset, past_gre ? std::to_string(L.gre_offset).c_str() : "-",
                  past_gre ? std::to_string(L.inner_eth_offset).c_str() : "-",
                  L.inner_ip() ? std::to_string(L.inner.offset).c_str() : "-",
                  L.ok() && L.l4 != L4Proto::none ? std::to_string(L.l4_offset).c_str() : "-", note.c_str());
    }
    std::cout.flush();
    if (!o->json) std::fprintf(stderr, "inspect: %zu packets: %s\n", in.corpus.size(), kinds.text().c_str());
    report_read_problem(in);
    *exit_code = in.read_exit_code() ? in.read_exit_code() : (kinds.unparsed() ? 1 : 0);
  });
}

}  // namespace eb::cli
