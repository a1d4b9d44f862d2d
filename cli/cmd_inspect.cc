// `encapbench inspect`: what the parser sees in every packet of a capture.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "cli/commands.h"
#include "cli/input.h"

namespace eb::cli {

namespace {

const char* ip_name(IpVersion v) { return v == IpVersion::v4 ? "ipv4" : v == IpVersion::v6 ? "ipv6" : "-"; }
const char* l4_name(L4Proto p) { return p == L4Proto::tcp ? "tcp" : p == L4Proto::udp ? "udp" : "-"; }

nlohmann::json layout_json(size_t index, const CorpusPacket& p) {
  const NvgreLayout& L = p.layout;
  nlohmann::json j = {{"index", index}, {"length", p.length}, {"ok", L.ok()}};
  if (!p.label.empty()) j["label"] = p.label;
  if (!L.ok()) {
    j["error"] = parse_error_name(L.error);
    j["error_message"] = parse_error_message(L.error);
    j["error_offset"] = L.error_offset;
    return j;
  }
  j.update({{"outer_version", ip_name(L.outer.version)},
            {"inner_version", ip_name(L.inner.version)},
            {"l4", l4_name(L.l4)},
            {"outer_vlan", L.outer_vlan},
            {"gre_offset", L.gre_offset},
            {"gre_len", L.gre_len},
            {"gre_checksum", L.gre_checksum_present},
            {"gre_sequence", L.gre_seq_present},
            {"vsid", L.vsid},
            {"flow_id", L.flow_id},
            {"inner_eth_offset", L.inner_eth_offset},
            {"l4_offset", L.l4_offset},
            {"l4_header_len", L.l4_header_len},
            {"payload_offset", L.payload_offset},
            {"payload_len", L.payload_len},
            {"header_size", L.header_size},
            {"large_send", L.outer.length_from_frame || L.inner.length_from_frame}});
  for (const auto& [level, ip] : {std::pair{"outer", &L.outer}, std::pair{"inner", &L.inner}}) {
    const std::string l = level;
    j[l + "_offset"] = ip->offset;
    j[l + "_header_len"] = ip->header_len;
    j[l + "_ext_headers"] = ip->ext_count;
  }
  if (L.outer_vlan) j["outer_vlan_tci"] = L.outer_vlan_tci;
  return j;
}

}  // namespace

void add_inspect(CLI::App& app, int* exit_code) {
  auto* sub = app.add_subcommand("inspect", "Per packet: IP versions, header offsets, header size, VSID, FlowID, or the parse error");
  struct Opts {
    std::string in;
    bool json = false;
    bool large_send = false;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("--in", o->in, "Capture to read (pcap or pcapng; - for stdin)")->required();
  sub->add_flag("--json", o->json, "JSON Lines: one object per packet");
  sub->add_flag("--large-send", o->large_send, "Accept IP length 0 as 'to the end of the frame' (LSOv2 super-packets)");
  sub->callback([o, exit_code] {
    ParseOptions parse;
    parse.large_send = o->large_send;
    LoadedInput in = load_capture(o->in, parse);
    if (!in.opened) {
      *exit_code = input_error(*in.error);
      return;
    }
    size_t bad = 0;
    if (!o->json)
      std::printf("%6s %6s %-5s %-5s %-3s %4s %8s %4s %5s %5s %5s %5s %5s %5s  %s\n", "#", "len", "outer", "inner", "l4",
                  "vlan", "vsid", "flow", "hsize", "o.ip", "gre", "i.eth", "i.ip", "l4", "label / error");
    for (size_t i = 0; i < in.corpus.size(); ++i) {
      const CorpusPacket& p = in.corpus[i];
      const NvgreLayout& L = p.layout;
      if (!L.ok()) ++bad;
      if (o->json) {
        std::cout << layout_json(i, p).dump() << "\n";
        continue;
      }
      if (!L.ok()) {
        std::printf("%6zu %6u  %s at byte %u: %s%s%s\n", i, p.length, parse_error_name(L.error), L.error_offset,
                    parse_error_message(L.error), p.label.empty() ? "" : "  label=", p.label.c_str());
        continue;
      }
      std::printf("%6zu %6u %-5s %-5s %-3s %4s %8x %4u %5u %5u %5u %5u %5u %5u  %s\n", i, p.length, ip_name(L.outer.version),
                  ip_name(L.inner.version), l4_name(L.l4), L.outer_vlan ? "yes" : "-", L.vsid, L.flow_id, L.header_size,
                  L.outer.offset, L.gre_offset, L.inner_eth_offset, L.inner.offset, L.l4_offset, p.label.c_str());
    }
    std::cout.flush();
    if (!o->json)
      std::fprintf(stderr, "inspect: %zu packets, %zu parsed as NVGRE, %zu with parse errors\n", in.corpus.size(),
                   in.corpus.size() - bad, bad);
    report_read_problem(in);
    *exit_code = in.read_exit_code() ? in.read_exit_code() : (bad ? 1 : 0);
  });
}

}  // namespace eb::cli
