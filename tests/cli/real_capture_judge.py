#!/usr/bin/python3
"""Ordinary NVGRE link traffic through every subcommand, judged by tools that are not ours.

Captures: tests/data/nvgre-link-scapy.pcap (hand-built with scapy by
tests/data/make_nvgre_link_pcap.py: TCP with pure ACKs, UDP, ICMP, ICMPv6, ARP, LLDP, IPv6 no next
header, outer and inner fragments, frames captured before TX offload, non-NVGRE frames) and the
generator's `link` preset. For each:
  - scapy decodes every frame on its own (what it is, VSID, FlowID, inner MACs, inner addresses):
    `inspect --json` must agree on every frame, and account for every frame;
  - `checksum --mode verify`: tshark's checksum verdict for every IPv4 header and TCP/UDP
    checksum, and a pseudo-header sum computed here for fields left to the NIC (`partial`);
  - `checksum --mode fill`: tshark calls every checksum of the output good, and only checksum
    fields changed (offsets from scapy's layers); frames that are not NVGRE are unchanged;
  - `rss`: the NDIS rule applied to scapy's decode (inner 4-tuple for TCP/UDP, inner 2-tuple for
    other IP protocols and inner fragments, outer 2-tuple for non-IP inner frames and outer
    fragments, nothing otherwise), hashed by a Toeplitz written from the definition (checked on
    Microsoft's vectors), queue by the default indirection table; VMQ by inner MAC + VSID;
  - `offload`: its eligibility agrees with what rss and checksum did for the same frame;
  - `segment`: output count = input - super-packets + their segments; every other frame is in
    the output byte for byte, in order; the segments' checksums are good for tshark and their
    payloads reassemble to the send's (scapy).
Then the segment property on generated corpora (link, malformed, mixed, lso): every input frame
that is not a super-packet appears unchanged, in order.

usage: real_capture_judge.py ENCAPBENCH SOURCE_DIR WORKDIR
"""
import ipaddress
import json
import os
import struct
import subprocess
import sys

from scapy.all import (ARP, GRE, IP, TCP, UDP, Dot1Q, Ether, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, rdpcap)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "rss"))
from cli_rss_judge import MS_KEY, check_vectors, toeplitz  # noqa: E402

QUEUES = 8
MSS = 1400
AGREE = {}


def agree(what, n=1):
    AGREE[what] = AGREE.get(what, 0) + n


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def jsonl(text):
    rows = [json.loads(x) for x in text.splitlines() if x.strip()]
    return [r for r in rows if "index" in r], [r for r in rows if r.get("summary")]


def ones(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


EXT = (IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting)


def walk_ip(layer):
    """(ip layer, upper layer after extension headers, fragmented?) for IP or IPv6."""
    if isinstance(layer, IP):
        return layer, layer.payload, bool(layer.flags.MF) or layer.frag > 0
    up = layer.payload
    while isinstance(up, EXT):
        up = up.payload
    return layer, up, isinstance(up, IPv6ExtHdrFragment)


def decode(raw):
    """What scapy says the frame is, with the offsets of the checksum fields."""
    d = {"len": len(raw), "kind": "not_nvgre", "csum_offsets": set()}
    pkt = Ether(raw)
    off = lambda layer: len(raw) - len(bytes(layer))  # noqa: E731 (padding is inside the last layer)
    l = pkt.payload
    if isinstance(l, Dot1Q):
        l = l.payload
    if not isinstance(l, (IP, IPv6)):
        return d
    oip, up, frag = walk_ip(l)
    d["outer_v"] = 4 if isinstance(oip, IP) else 6
    d["outer_src"], d["outer_dst"] = oip.src, oip.dst
    d["outer_off"] = off(oip)
    if d["outer_v"] == 4:
        d["csum_offsets"].add(d["outer_off"] + 10)
    if frag:
        d["kind"] = "outer_fragment"
        return d
    if not isinstance(up, GRE) or up.proto != 0x6558 or not up.key_present or up.version != 0:
        return d
    d["kind"] = "nvgre"
    d["vsid"], d["flow_id"] = up.key >> 8, up.key & 0xFF
    inner = up.payload
    if not isinstance(inner, Ether):
        inner = Ether(bytes(inner))
    d["inner_dst_mac"], d["inner_src_mac"] = inner.dst.lower(), inner.src.lower()
    d["inner_ethertype"] = inner.type
    il = inner.payload
    if not isinstance(il, (IP, IPv6)) or inner.type not in (0x0800, 0x86DD):
        d["inner"] = "arp" if isinstance(il, ARP) else "ethertype-0x%04x" % inner.type
        return d
    iip, iup, ifrag = walk_ip(il)
    d["inner_v"] = 4 if isinstance(iip, IP) else 6
    d["inner_src"], d["inner_dst"] = iip.src, iip.dst
    if d["inner_v"] == 4:
        d["csum_offsets"].add(off(iip) + 10)
    if ifrag:
        d["kind"] = "inner_fragment"
        return d
    if isinstance(iup, (TCP, UDP)):
        tcp = isinstance(iup, TCP)
        d["inner"] = "tcp" if tcp else "udp"
        d["sport"], d["dport"] = iup.sport, iup.dport
        l4off = off(iup)
        d["csum_offsets"].add(l4off + (16 if tcp else 6))
        ip_end = off(iip) + (iip.len if d["inner_v"] == 4 else 40 + iip.plen)
        d["l4_len"] = ip_end - l4off
        d["payload_len"] = d["l4_len"] - (iup.dataofs * 4 if tcp else 8)
        d["l4_field"] = iup.chksum
        d["l4_off"] = l4off
        d["tcp_seq"] = iup.seq if tcp else None
        d["payload"] = raw[l4off + (iup.dataofs * 4 if tcp else 8):ip_end]
    else:
        d["inner"] = "other"
    return d


def pseudo(d, length):
    src, dst = ipaddress.ip_address(d["inner_src"]).packed, ipaddress.ip_address(d["inner_dst"]).packed
    proto = 6 if d["inner"] == "tcp" else 17
    return ones(src + dst + struct.pack("!HH", proto, length & 0xFFFF) + struct.pack("!H", length >> 16))


def same16(a, b):
    return a == b or (a in (0, 0xFFFF) and b in (0, 0xFFFF))


def tshark_checksums(pcap):
    """Per frame: list of ip.checksum.status (outer first), tcp/udp checksum status (1 good, 0 bad)."""
    cmd = ["tshark", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o",
           "udp.check_checksum:TRUE", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-T", "fields",
           "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "ip.checksum.status", "-e",
           "tcp.checksum.status", "-e", "udp.checksum.status"]
    t = run(cmd)
    assert t.returncode == 0, t.stderr
    out = []
    for line in t.stdout.splitlines():
        ip, tcp, udp = (x.split(",") if x else [] for x in line.split("|"))
        out.append({"ip": ip, "l4": tcp or udp})
    return out


def expected_tuple(d):
    """The NDIS rule, from scapy's decode: (hash type, from, tuple bytes) or None."""
    def pair(src, dst):
        return ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed
    if d["kind"] == "nvgre" and d.get("inner") in ("tcp", "udp"):
        t = pair(d["inner_src"], d["inner_dst"]) + struct.pack("!HH", d["sport"], d["dport"])
        return ("%s-ipv%d" % (d["inner"], d["inner_v"]), "inner", t)
    if (d["kind"] == "nvgre" and "inner_v" in d) or d["kind"] == "inner_fragment":
        return ("ipv%d" % d["inner_v"], "inner", pair(d["inner_src"], d["inner_dst"]))
    if d["kind"] in ("nvgre", "outer_fragment"):
        return ("ipv%d" % d["outer_v"], "outer", pair(d["outer_src"], d["outer_dst"]))
    return None


def judge_capture(eb, pcap, work, name, min_partial):
    frames = [bytes(p) for p in rdpcap(pcap)]
    dec = [decode(f) for f in frames]
    n = len(frames)

    # inspect
    r = run([eb, "inspect", "--in", pcap, "--json"])
    rows, _ = jsonl(r.stdout)
    assert len(rows) == n, (name, len(rows), n)
    for i, (row, d) in enumerate(zip(rows, dec)):
        assert row["index"] == i
        want_kind = d["kind"]
        got_kind = row["kind"] if row["kind"] != "malformed" else "not_nvgre"
        assert got_kind == want_kind, (name, i, row, d["kind"])
        if d["kind"] in ("nvgre", "inner_fragment"):
            assert row["vsid"] == d["vsid"] and row["flow_id"] == d["flow_id"], (name, i, row)
            assert row["inner_dst_mac"] == d["inner_dst_mac"] and row["inner_src_mac"] == d["inner_src_mac"], (name, i)
            assert row["inner_ethertype"] == d["inner_ethertype"], (name, i)
            if "inner_v" in d:
                assert row["inner_version"] == "ipv%d" % d["inner_v"], (name, i, row)
                assert ipaddress.ip_address(row["inner_src"]) == ipaddress.ip_address(d["inner_src"]), (name, i)
                assert ipaddress.ip_address(row["inner_dst"]) == ipaddress.ip_address(d["inner_dst"]), (name, i)
            if d["kind"] == "nvgre" and d["inner"] in ("tcp", "udp", "arp"):
                assert row["inner"] == d["inner"], (name, i, row["inner"], d["inner"])
        if d["kind"] != "not_nvgre":
            assert ipaddress.ip_address(row["outer_src"]) == ipaddress.ip_address(d["outer_src"]), (name, i)
        agree("inspect vs scapy")
    assert r.returncode == (1 if any(d["kind"] == "not_nvgre" for d in dec) else 0), (name, r.returncode, r.stderr)

    # checksum verify against tshark and the pseudo-header sums computed here
    ts = tshark_checksums(pcap)
    assert len(ts) == n
    r = run([eb, "checksum", "--in", pcap, "--mode", "verify", "--json"])
    rows, summary = jsonl(r.stdout)
    assert len(rows) == n and len(summary) == 1, (name, len(rows))
    partial = 0
    for i, (row, d, t) in enumerate(zip(rows, dec, ts)):
        assert "ok" not in row, row
        if d["kind"] == "not_nvgre":
            assert row["status"] == "unparsed", (name, i, row)
            agree("checksum verify vs tshark")
            continue
        if d["outer_v"] == 4:
            assert row["outer_ip"] == ("good" if t["ip"][0] == "1" else "bad"), (name, i, row, t)
        else:
            assert row["outer_ip"] == "n/a"
        if d["kind"] != "outer_fragment" and d.get("inner_v") == 4:
            assert row["inner_ip"] == ("good" if t["ip"][-1] == "1" else "bad"), (name, i, row, t)
        if d["kind"] == "nvgre" and d["inner"] in ("tcp", "udp"):
            field = d["l4_field"]
            if d["inner"] == "udp" and field == 0 and d["inner_v"] == 4:
                want = "absent"
            elif t["l4"] and t["l4"][-1] == "1":
                want = "good"
            elif same16(field, pseudo(d, d["l4_len"])) or same16(field, pseudo(d, 0)):
                want = "partial"
            else:
                want = "bad"
            assert row["l4"] == want, (name, i, row, t, hex(field))
            partial += want == "partial"
        else:
            assert row["l4"] == "n/a", (name, i, row)
        agree("checksum verify vs tshark")
    assert summary[0]["partial"] == partial >= min_partial, (summary, partial, min_partial)
    agree("partial checksums (%s)" % name, partial)

    # checksum fill: tshark calls every checksum good; only checksum fields change
    filled = os.path.join(work, name + "-filled.pcap")
    r = run([eb, "checksum", "--in", pcap, "--mode", "fill", "--out", filled, "--json"])
    fill_rows, _ = jsonl(r.stdout)
    out = [bytes(p) for p in rdpcap(filled)]
    assert len(out) == n
    ts2 = tshark_checksums(filled)
    for i, (a, b, d, t) in enumerate(zip(frames, out, dec, ts2)):
        assert len(a) == len(b), (name, i)
        changed = {k for k in range(len(a)) if a[k] != b[k]}
        allowed = set()
        for o in d["csum_offsets"]:
            allowed |= {o, o + 1}
        assert changed <= allowed, (name, i, sorted(changed - allowed))
        if d["kind"] == "not_nvgre":
            assert a == b
        else:
            assert d["outer_v"] == 6 or t["ip"][0] == "1", (name, i, t)
            if d["kind"] != "outer_fragment" and d.get("inner_v") == 4:
                assert t["ip"][-1] == "1", (name, i, t)
            if d["kind"] == "nvgre" and d["inner"] in ("tcp", "udp") and not (d["inner"] == "udp" and d["l4_field"] == 0):
                assert t["l4"][-1] == "1", (name, i, t)
        agree("checksum fill judged by tshark")

    # rss against the rule and the Python Toeplitz; VMQ by inner MAC + VSID
    vmq_keys = sorted({(d["inner_dst_mac"], d["vsid"]) for d in dec if d["kind"] in ("nvgre", "inner_fragment")})
    vmq = {k: 1 + j % 7 for j, k in enumerate(vmq_keys)}
    args = [eb, "rss", "--in", pcap, "--json", "--hash-types", "default", "--queues", str(QUEUES)]
    for (mac, vsid), q in vmq.items():
        args += ["--vmq", "%s,%d=%d" % (mac, vsid, q)]
    r = run(args)
    rss_rows, _ = jsonl(r.stdout)
    assert len(rss_rows) == n, (name, r.stderr)
    for i, (row, d) in enumerate(zip(rss_rows, dec)):
        want = expected_tuple(d)
        if want is None:
            assert row["hash_type"] == "none", (name, i, row)
        else:
            htype, frm, tup = want
            assert row["hash_type"] == htype and row["from"] == frm, (name, i, row, want)
            assert bytes.fromhex(row["tuple"]) == tup, (name, i, row["tuple"], tup.hex())
            h = toeplitz(MS_KEY, tup)
            assert int(row["hash"], 16) == h and row["queue"] == (h & 127) % QUEUES, (name, i, row, hex(h))
        key = (d.get("inner_dst_mac"), d.get("vsid"))
        if d["kind"] in ("nvgre", "inner_fragment"):
            assert row["vmq_matched"] and row["vmq_queue"] == vmq[key], (name, i, row)
        else:
            assert not row["vmq_matched"] and row["vmq_queue"] == 0, (name, i, row)
        agree("rss vs NDIS rule + Python Toeplitz")

    # offload agrees with what rss and checksum did
    r = run([eb, "offload", "--in", pcap, "--json"])
    off_rows, _ = jsonl(r.stdout)
    assert len(off_rows) == n
    for i, (o, rr, f, d) in enumerate(zip(off_rows, rss_rows, fill_rows, dec)):
        assert (o["rss"] == "not_parseable") == (rr["hash_type"] == "none"), (name, i, o, rr)
        assert (o["vmq"] == "offload") == rr["vmq_matched"], (name, i, o, rr)
        for k in ("tx_checksum", "rx_checksum"):
            if f["status"] == "unparsed":
                assert o[k] == "not_parseable", (name, i, o)
            elif d["kind"].endswith("fragment"):
                assert o[k] == "fragment", (name, i, o)
            else:
                assert (o[k] == "not_applicable") == (not f["filled"]), (name, i, o, f)
        tcp = d["kind"] == "nvgre" and d.get("inner") == "tcp"
        udp = d["kind"] == "nvgre" and d.get("inner") == "udp"
        assert (o["lsov2"] == "offload") == tcp and (o["uso"] == "offload") == udp, (name, i, o)
        agree("offload vs rss/checksum")

    # segment: pass-through byte for byte, super-packets into checked segments
    seg = os.path.join(work, name + "-segments.pcap")
    r = run([eb, "segment", "--in", pcap, "--mss", str(MSS), "--out", seg, "--json"])
    seg_rows, seg_sum = jsonl(r.stdout)
    out = [bytes(p) for p in rdpcap(seg)] if os.path.getsize(seg) > 24 else []
    supers = [i for i, d in enumerate(dec) if d["kind"] == "nvgre" and d.get("inner") == "tcp" and d["payload_len"] > MSS]
    nseg = sum(-(-dec[i]["payload_len"] // MSS) for i in supers)
    assert len(out) == n - len(supers) + nseg == seg_sum[0]["frames_out"], (name, len(out), n, supers, nseg)
    k = 0
    for i, (d, row) in enumerate(zip(dec, seg_rows)):
        if i in supers:
            assert row["action"] == "segmented" and row["segments"] == -(-d["payload_len"] // MSS), (name, i, row)
            segs = [decode(x) for x in out[k:k + row["segments"]]]
            assert b"".join(s["payload"] for s in segs) == d["payload"], (name, i)
            for j, s in enumerate(segs):
                assert s["tcp_seq"] == (d["tcp_seq"] + j * MSS) & 0xFFFFFFFF, (name, i, j)
            k += row["segments"]
        else:
            assert row["action"] == "passed_through", (name, i, row)
            assert out[k] == frames[i], (name, i, "not byte-identical")
            k += 1
        agree("segment vs scapy")
    tseg = tshark_checksums(seg)
    for j, t in enumerate(tseg):
        d = decode(out[j])
        if d["kind"] == "nvgre" and d.get("inner") == "tcp" and j >= 0 and out[j] not in frames:
            assert all(x == "1" for x in t["ip"]) and t["l4"][-1] == "1", (name, j, t)
            agree("segments judged by tshark")
    return n


def segment_property(eb, work, preset, packets):
    """Every frame that is not a super-packet appears unchanged, in order; the count adds up."""
    pcap = os.path.join(work, "prop-%s.pcap" % preset)
    r = run([eb, "corpus", "--preset", preset, "--packets", str(packets), "--seed", "5", "--out", pcap])
    assert r.returncode == 0, r.stderr
    for mss in (536, 1448):
        seg = os.path.join(work, "prop-%s-%d.pcap" % (preset, mss))
        r = run([eb, "segment", "--in", pcap, "--mss", str(mss), "--out", seg, "--json"])
        assert r.returncode in (0, 1), r.stderr
        rows, s = jsonl(r.stdout)
        frames = [bytes(p) for p in rdpcap(pcap)]
        out = [bytes(p) for p in rdpcap(seg)] if os.path.getsize(seg) > 24 else []
        assert len(rows) == len(frames)
        k = 0
        for i, (f, row) in enumerate(zip(frames, rows)):
            try:
                d = decode(f)
            except Exception:  # scapy cannot take some malformed frames apart
                d = {"kind": "undecodable"}
            tcp = d["kind"] == "nvgre" and d.get("inner") == "tcp"
            if row["action"] == "segmented":
                assert tcp or row.get("lsov2_eligibility"), (preset, i, row)  # a TCP send (IP length 0: scapy cannot tell)
                k += row["segments"]
                continue
            assert out[k] == f, (preset, mss, i, row)
            # Passed through: not a send that needed segmenting, unless it was refused with a reason.
            if tcp and d["payload_len"] > mss:
                assert row.get("error"), (preset, i, row)
            k += 1
        assert k == len(out) == len(frames) - s[0]["sends_segmented"] + s[0]["segments_out"], (preset, mss)
        agree("segment property (%s)" % preset, len(frames))


def main():
    eb, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    check_vectors()
    total = judge_capture(eb, os.path.join(src, "tests", "data", "nvgre-link-scapy.pcap"), work, "scapy-capture", 3)
    link = os.path.join(work, "link.pcap")
    r = run([eb, "corpus", "--preset", "link", "--packets", "96", "--seed", "3", "--out", link])
    assert r.returncode == 0, r.stderr
    total += judge_capture(eb, link, work, "link-preset", 3)
    for preset, packets in (("link", 96), ("malformed", 120), ("mixed", 200), ("lso", 16)):
        segment_property(eb, work, preset, packets)
    for k, v in sorted(AGREE.items()):
        print("agree: %-40s %d" % (k, v))
    print("ok: %d frames from two captures judged by scapy, tshark and a Python Toeplitz" % total)


if __name__ == "__main__":
    main()
