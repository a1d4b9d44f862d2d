#!/usr/bin/python3
"""End-to-end check of `encapbench uso` with independent judges.

usage: cli_uso.py ENCAPBENCH WORKDIR

- the uso preset, mixed with other traffic (TCP, small UDP, malformed frames), segmented at one
  MSS: tshark (IP and UDP checksum validation on) calls every IPv4, UDP and GRE checksum good;
  scapy re-reads every frame: each USO send became ceil(P/MSS) datagrams whose payloads join to
  the super-packet's, IPv4 IDs advance by one, IP and UDP lengths are each datagram's own, and
  scapy's own recomputation of every IPv4 and UDP checksum equals the one written; every other
  frame is written back byte for byte, in order; the summary accounts for every frame;
- every implementation writes the reference's file;
- usage and input errors exit 2 with one line on stderr.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "segment"))
from split_cli_harness import Harness, all_good, inner_ip, outer_ip, read_pcap, tshark_checksum_statuses  # noqa: E402
from scapy.all import IP, UDP, IPv6, Ether  # noqa: E402

UDP.payload_guess = []  # UDP payloads are random bytes: keep them Raw (no DNS etc. dissection)

h = Harness(sys.argv[1], sys.argv[2])
check, run, path = h.check, h.run, h.path


def write_pcap(name, frames):
    with open(name, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i, 0, len(fr), len(fr)) + fr)


def layers(raw):
    pkt = Ether(raw)
    inner = inner_ip(pkt)
    return pkt, outer_ip(pkt), inner, inner.getlayer(UDP)


def scapy_checksums_agree(raw):
    """scapy recomputes each IPv4 header checksum and the UDP checksum from the bytes."""
    pkt, outer, inner, udp = layers(raw)
    ok = True
    for ip in (outer, inner):
        if isinstance(ip, IP):
            c = ip.chksum
            ip2 = ip.copy()
            ip2.chksum = None
            ok &= IP(bytes(ip2)).chksum == c
    c = udp.chksum
    ok &= c != 0
    u = inner.copy()
    u[UDP].chksum = None
    cls = IP if isinstance(inner, IP) else IPv6
    ok &= cls(bytes(u))[UDP].chksum == c
    return ok


# --- 1. a mixed capture: USO sends interleaved with frames that must pass unchanged -------
run("corpus", "--preset", "uso", "--out", path("uso.pcap"), expect=0)
run("corpus", "--preset", "mixed", "--packets", "40", "--out", path("mixed.pcap"), expect=0)
run("corpus", "--preset", "malformed", "--packets", "10", "--out", path("bad.pcap"), expect=0)
sends, others = read_pcap(path("uso.pcap")), read_pcap(path("mixed.pcap")) + read_pcap(path("bad.pcap"))
frames = []
for i, s in enumerate(sends):
    frames.append(s)
    frames.extend(others[i:i + 1])
frames.extend(others[len(sends):])
write_pcap(path("in.pcap"), frames)
mss = 1300  # below every label's MSS: every send of the preset is segmented
res = run("uso", "--in", path("in.pcap"), "--mss", str(mss), "--out", path("out.pcap"), "--json")
lines = [json.loads(line) for line in res.stdout.splitlines()]
summary, per = lines[-1], lines[:-1]
check(len(per) == len(frames), f"{len(per)} JSON lines for {len(frames)} frames")
check(summary["frames_in"] == len(frames), "summary frames_in")
check(summary["sends_segmented"] + summary["passed_through"] == len(frames), "summary accounts for every frame")
check(summary["sends_segmented"] >= len(sends), f"{summary['sends_segmented']} sends segmented, {len(sends)} in the preset")
check(res.returncode == (1 if summary["refused"] or summary["unparseable"] else 0), f"exit {res.returncode}")
check(summary["unparseable"] > 0, "the malformed frames are reported as unparseable")
check(all(r["action"] != "refused" for r in per), "no send of the preset is refused")
out = read_pcap(path("out.pcap"))
check(len(out) == summary["frames_out"], f"{len(out)} frames written, summary {summary['frames_out']}")

statuses = tshark_checksum_statuses(path("out.pcap"), "udp")
check(len(statuses) == len(out), f"tshark read {len(statuses)} of {len(out)} frames")
k = 0
datagrams = 0
for i, (frame, r) in enumerate(zip(frames, per)):
    if r["action"] != "segmented":
        check(out[k] == frame, f"frame {i} ({r.get('reason')}) not written back byte for byte")
        k += 1
        continue
    n = r["datagrams"]
    _, o0, i0, u0 = layers(frame)
    payload_off = len(frame) - r["payload_len"]
    want_payload = frame[payload_off:]
    check(n == max(1, -(-r["payload_len"] // mss)), f"frame {i}: {n} datagrams")
    joined = b""
    for d in range(n):
        raw = out[k + d]
        _, o, inner, udp = layers(raw)
        data = bytes(udp.payload)
        check(len(data) == (mss if d + 1 < n else r["payload_len"] - (n - 1) * mss), f"frame {i} datagram {d}: size")
        check(udp.len == len(data) + 8, f"frame {i} datagram {d}: UDP length")
        for ip, ip0, name in ((o, o0, "outer"), (inner, i0, "inner")):
            if isinstance(ip, IP):
                check(ip.id == (ip0.id + d) % 65536, f"frame {i} datagram {d}: {name} IPv4 ID")
                check(ip.len == len(bytes(ip)), f"frame {i} datagram {d}: {name} IPv4 total length")
            else:
                check(ip.plen == len(bytes(ip)) - 40, f"frame {i} datagram {d}: {name} IPv6 payload length")
        check(scapy_checksums_agree(raw), f"frame {i} datagram {d}: scapy's checksums differ from ours")
        check(statuses[k + d][1] != "" and all_good(statuses[k + d]),
              f"frame {i} datagram {d}: tshark checksum status {statuses[k + d]}")
        joined += data
    check(joined == want_payload, f"frame {i}: datagram payloads do not join to the send's payload")
    datagrams += n
    k += n
check(k == len(out), f"{k} of {len(out)} written frames accounted for")
check(datagrams == summary["datagrams_out"], "summary datagrams_out")

# --- 2. every implementation writes the reference's file -----------------------------------
listing = json.loads(run("list", "--family", "uso", "--json", expect=0).stdout)
h.same_as_reference("uso", path("uso.pcap"), mss, [r["name"] for r in listing if r["name"] != "reference"])

# --- 3. a send refused (header beyond MaxHeaderSize) passes through unchanged, exit 1 -------
p = run("uso", "--in", path("uso.pcap"), "--mss", str(mss), "--out", path("small.pcap"), "--caps",
        "tx=all,rx=all,lso=all,rss=all,vmq=all,uso=all,max=128", "--json", expect=1)
per = [json.loads(line) for line in p.stdout.splitlines()][:-1]
refused = [r for r in per if r["action"] == "refused"]
check(refused and all(r["reason"] == "refused:header_too_large" for r in refused), "refusals name header_too_large")
out = read_pcap(path("small.pcap"))
k = 0
for frame, r in zip(sends, per):
    if r["action"] == "refused":
        check(out[k] == frame, "a refused send is written back unchanged")
        k += 1
    else:
        k += r["datagrams"]
check(k == len(out), "refusal run: every written frame accounted for")

# --- 4. usage and input errors -------------------------------------------------------------
h.usage_errors("uso", path("uso.pcap"), (["--mss", "0"], ["--mss", "1000", "--impl", "nosuch"],
                                          ["--mss", "1000", "--caps", "bogus"],
                                          ["--mss", "1000", "--caps", "uso=all,uso_min=99"]))
h.finish("cli_uso")
