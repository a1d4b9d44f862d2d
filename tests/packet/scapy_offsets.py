#!/usr/bin/python3
"""Independent judge for the parser: scapy (not our builder) assembles NVGRE packets with random
outer VLAN tags, IPv4 options, IPv6 extension headers, GRE C/S bits and TCP options; our
`encapbench inspect --json` must report the offsets, VSID, FlowID and header size that scapy's
own layer lengths imply.  Usage: scapy_offsets.py ENCAPBENCH WORKDIR"""
import json
import os
import random
import subprocess
import sys

from scapy.all import (GRE, IP, TCP, UDP, Dot1Q, Ether, IPOption_NOP, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, PadN, Raw, wrpcap)


def build(rng):
    outer6, inner6 = rng.random() < 0.5, rng.random() < 0.5
    vlan = rng.random() < 0.3
    gre_c, gre_s = rng.random() < 0.3, rng.random() < 0.3
    vsid, flow = rng.randrange(1 << 24), rng.randrange(256)
    l4_tcp = rng.random() < 0.6
    pkt = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    if vlan:
        pkt = pkt / Dot1Q(vlan=rng.randrange(1, 4095))

    def ip(is6, nh):
        if is6:
            layers = IPv6(src="2001:db8::1", dst="2001:db8::2")
            n_ext = rng.randrange(0, 3)
            for k in range(n_ext):
                pad = 8 * rng.randrange(1, 4) - 2 - 2  # PadN fills the header to a multiple of 8
                hdr = (IPv6ExtHdrHopByHop if k == 0 and rng.random() < 0.5 else IPv6ExtHdrDestOpt)
                layers = layers / hdr(options=[PadN(optdata=b"\x00" * pad)])
            return layers, n_ext
        opts = rng.randrange(0, 11) * 4
        return IP(src="10.0.0.1", dst="10.0.0.2", options=[IPOption_NOP()] * opts if opts else []), 0

    o, _ = ip(outer6, 47)
    pkt = pkt / o
    pkt = pkt / GRE(chksum_present=int(gre_c), key_present=1, seqnum_present=int(gre_s), proto=0x6558,
                    key=(vsid << 8) | flow, sequence_number=5 if gre_s else None)
    pkt = pkt / Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02")
    i, _ = ip(inner6, 6 if l4_tcp else 17)
    pkt = pkt / i
    if l4_tcp:
        nops = rng.randrange(0, 11) * 4
        pkt = pkt / TCP(sport=rng.randrange(1024, 65535), dport=80, options=[("NOP", None)] * nops)
    else:
        pkt = pkt / UDP(sport=rng.randrange(1024, 65535), dport=53)
    pkt = pkt / Raw(b"\xAB" * rng.randrange(0, 300))
    return pkt, vsid, flow


def offsets(pkt):
    raw = bytes(pkt)
    wire = Ether(raw)  # re-dissect the serialised bytes
    l4 = wire[TCP] if TCP in wire else wire[UDP]
    l4_off = len(raw) - len(bytes(l4))
    l4_hdr = len(bytes(l4)) - len(bytes(l4.payload))
    gre_off = len(raw) - len(bytes(wire[GRE]))
    gre_len = len(bytes(wire[GRE])) - len(bytes(wire[GRE].payload))
    inner_eth_off = gre_off + gre_len
    return raw, dict(gre_offset=gre_off, gre_len=gre_len, inner_eth_offset=inner_eth_off,
                     inner_offset=inner_eth_off + 14, l4_offset=l4_off, l4_header_len=l4_hdr,
                     header_size=l4_off + l4_hdr, payload_len=len(bytes(l4.payload)))


def main():
    encapbench, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = random.Random(20261125)
    pkts, expected = [], []
    for _ in range(300):
        p, vsid, flow = build(rng)
        raw, exp = offsets(p)
        exp.update(vsid=vsid, flow_id=flow)
        pkts.append(Ether(raw))
        expected.append(exp)
    path = os.path.join(work, "scapy-nvgre.pcap")
    wrpcap(path, pkts)
    out = subprocess.run([encapbench, "inspect", "--in", path, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        print("inspect failed:", out.returncode, out.stderr)
        return 1
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if len(rows) != len(expected):
        print(f"expected {len(expected)} rows, got {len(rows)}")
        return 1
    failures = 0
    for n, (row, exp) in enumerate(zip(rows, expected)):
        if row.get("kind") != "nvgre":
            print(f"packet {n}: parse error {row.get('error')}: {row.get('error_message')}")
            failures += 1
            continue
        for k, v in exp.items():
            if row.get(k) != v:
                print(f"packet {n}: {k}: scapy says {v}, encapbench says {row.get(k)}")
                failures += 1
    print(f"{len(rows) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
