#!/usr/bin/python3
"""End-to-end check of `encapbench segment` with independent judges.

usage: cli_segment.py ENCAPBENCH WORKDIR

- the lso preset segmented at the MSS each send names: exit 0; tshark (checksum validation on)
  calls every IPv4, TCP and GRE checksum good; scapy re-reads every segment: per send, the TCP
  payloads joined in sequence order equal the super-packet's payload, sequence numbers advance by
  the bytes sent, IPv4 IDs by one, FIN/PSH only on the last segment, every segment at most MSS;
- every materialising implementation writes the same file as the reference;
- a mixed corpus: refused packets are reported (exit 1) and everything written still verifies;
- usage errors exit 2 with one line on stderr.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from split_cli_harness import Harness, all_good, inner_ip, outer_ip, read_pcap, tshark_checksum_statuses  # noqa: E402
from scapy.all import IP, TCP, rdpcap  # noqa: E402

h = Harness(sys.argv[1], sys.argv[2])
check, run, path = h.check, h.run, h.path


def tshark_all_good(pcap):
    statuses = tshark_checksum_statuses(pcap, "tcp")
    return len(statuses), sum(not all_good(st) for st in statuses)


def inner_layers(pkt):
    """The inner IP layer and TCP layer (below GRE / inner Ethernet)."""
    ip = inner_ip(pkt)
    return ip, ip.getlayer(TCP)


# --- 1. lso preset -----------------------------------------------------------------------
run("corpus", "--preset", "lso", "--out", path("lso.pcap"), expect=0)
inspect = run("inspect", "--in", path("lso.pcap"), "--large-send", "--json", expect=0)
sends = [json.loads(line) for line in inspect.stdout.splitlines()]
raw_in = read_pcap(path("lso.pcap"))
mss = 1360  # at or below every MSS the preset's senders use (1500-byte MTU, all combinations)
res = run("segment", "--in", path("lso.pcap"), "--mss", str(mss), "--out", path("lso-seg.pcap"), "--json", expect=0)
lines = [json.loads(line) for line in res.stdout.splitlines()]
summary = lines[-1]
check(summary.get("summary") and summary["errors"] == 0, f"lso summary: {summary}")
expected_frames = sum(max(1, -(-s["payload_len"] // mss)) for s in sends)
check(summary["frames_out"] == expected_frames, f"frames_out {summary['frames_out']} != {expected_frames}")
n, bad = tshark_all_good(path("lso-seg.pcap"))
check(n == expected_frames and bad == 0, f"tshark: {n} frames, {bad} with a checksum not good")

segs = rdpcap(path("lso-seg.pcap"))
k = 0
for s, raw in zip(sends, raw_in):
    count = max(1, -(-s["payload_len"] // mss))
    payload_in = raw[s["payload_offset"]:s["payload_offset"] + s["payload_len"]]
    joined = b""
    first_seq = None
    first_ids = None
    for i in range(count):
        pkt = segs[k + i]
        ip, tcp = inner_layers(pkt)
        o = outer_ip(pkt)
        outer = o if isinstance(o, IP) else None
        data = bytes(tcp.payload)
        check(len(data) <= mss, f"send {s['index']} segment {i}: {len(data)} > mss")
        if first_seq is None:
            first_seq = tcp.seq
            first_ids = (outer.id if outer is not None else None, ip.id if ip.version == 4 else None)
        check(tcp.seq == (first_seq + len(joined)) % 2**32, f"send {s['index']} segment {i}: seq")
        if outer is not None:
            check(outer.id == (first_ids[0] + i) % 65536, f"send {s['index']} segment {i}: outer IPv4 ID")
            check(outer.len == len(bytes(outer)), f"send {s['index']} segment {i}: outer IPv4 total length")
        if ip.version == 4:
            check(ip.id == (first_ids[1] + i) % 65536, f"send {s['index']} segment {i}: inner IPv4 ID")
        last = i == count - 1
        check(bool(tcp.flags & 0x08) == (last and bool(raw[s["l4_offset"] + 13] & 0x08)),
              f"send {s['index']} segment {i}: PSH")
        joined += data
    check(joined == payload_in, f"send {s['index']}: joined segment payloads differ from the super-packet's")
    k += count
check(k == len(segs), f"{len(segs)} segments read, {k} accounted for")

# --- 2. every materialising implementation writes the reference's file -------------------
# Architecture-specific rows exist only where they were compiled; CPU-specific ones may not run.
h.same_as_reference("segment", path("lso.pcap"), mss, ["fused", "zerocopy", "fused-avx2", "fused-neon", "fused-adc64x2"],
                    skip=("cannot run here", "unknown segment implementation"))

# --- 3. mixed traffic: refusals reported, the rest verifies --------------------------------
run("corpus", "--preset", "mixed", "--packets", "300", "--out", path("mixed.pcap"), expect=0)
p = run("segment", "--in", path("mixed.pcap"), "--mss", "1000", "--out", path("mixed-seg.pcap"), "--json")
lines = [json.loads(line) for line in p.stdout.splitlines()]
summary = lines[-1]
check(p.returncode == (1 if summary["errors"] else 0), f"mixed: exit {p.returncode} with {summary['errors']} errors")
check(summary["packets_in"] == 300 and len(lines) == 301, "mixed: one JSON line per packet plus the summary")
check(all(line["error"] == "header_too_large" for line in lines[:-1] if line["action"] == "error"),
      "mixed: only header_too_large refusals expected from the generator")
n, bad = tshark_all_good(path("mixed-seg.pcap"))
check(n == summary["frames_out"] and bad == 0, f"mixed: tshark {n} frames, {bad} not good")
# With MaxHeaderSize lifted, nothing is refused.
p = run("segment", "--in", path("mixed.pcap"), "--mss", "1000", "--out", path("mixed-seg2.pcap"), "--caps",
        "tx=all,rx=all,lso=all,rss=all,vmq=all,uso=none,max=1024", expect=0)

# --- 4. usage and input errors -------------------------------------------------------------
h.usage_errors("segment", path("lso.pcap"),
               (["--mss", "0"], ["--mss", "1000", "--impl", "nosuch"], ["--mss", "1000", "--caps", "bogus"]))
h.finish("cli_segment")
