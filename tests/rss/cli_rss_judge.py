#!/usr/bin/python3
"""Independent judges for `encapbench rss`.

tshark decodes the generated NVGRE packets and says what the inner addresses and ports are; a
Toeplitz written here from the definition (checked first on Microsoft's published vectors) says
what the hash of that tuple is; the queue follows from the default round-robin indirection table.
Our per-packet JSON must agree on every packet. A malformed corpus must give exit code 1 with a
parse error per broken packet, and bad options exit code 2.

usage: cli_rss_judge.py ENCAPBENCH WORKDIR
"""
import ipaddress
import json
import os
import subprocess
import sys

MS_KEY = bytes.fromhex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa")


def toeplitz(key: bytes, data: bytes) -> int:
    k = int.from_bytes(key, "big")
    klen = len(key) * 8
    h = 0
    for i in range(len(data) * 8):
        if (data[i // 8] >> (7 - i % 8)) & 1:
            window = (k >> (klen - 32 - i)) & 0xFFFFFFFF if klen - 32 - i >= 0 else (k << (i + 32 - klen)) & 0xFFFFFFFF
            h ^= window
    return h


def check_vectors():
    v4 = [("66.9.149.187", 2794, "161.142.100.80", 1766, 0x51CCC178),
          ("199.92.111.2", 14230, "65.69.140.83", 4739, 0xC626B0EA)]
    for s, sp, d, dp, want in v4:
        t = ipaddress.ip_address(s).packed + ipaddress.ip_address(d).packed + sp.to_bytes(2, "big") + dp.to_bytes(2, "big")
        assert toeplitz(MS_KEY, t) == want, (s, hex(toeplitz(MS_KEY, t)))
    t = ipaddress.ip_address("3ffe:2501:200:1fff::7").packed + ipaddress.ip_address("3ffe:2501:200:3::1").packed
    assert toeplitz(MS_KEY, t) == 0x2CC18CD5


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    encapbench, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    check_vectors()
    pcap = os.path.join(work, "rss-mixed.pcap")
    r = run([encapbench, "corpus", "--preset", "mixed", "--packets", "300", "--seed", "11", "--out", pcap])
    assert r.returncode == 0, r.stderr
    queues = 8
    r = run([encapbench, "rss", "--in", pcap, "--json", "--hash-types", "default", "--queues", str(queues)])
    assert r.returncode == 0, (r.returncode, r.stderr)
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    pkts = [x for x in lines if "index" in x]
    summary = [x for x in lines if x.get("summary")]
    assert len(pkts) == 300 and len(summary) == 1
    fields = ["eth.type", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport",
              "udp.dstport"]
    cmd = ["tshark", "-r", pcap, "-T", "fields", "-E", "separator=|", "-E", "occurrence=l"]
    for f in fields:
        cmd += ["-e", f]
    t = run(cmd)
    assert t.returncode == 0, t.stderr
    rows = [line.split("|") for line in t.stdout.splitlines()]
    assert len(rows) == 300
    per_queue = [0] * queues
    for p, row in zip(pkts, rows):
        f = dict(zip(fields, row))
        inner_v6 = int(f["eth.type"], 16) == 0x86DD
        src = f["ipv6.src"] if inner_v6 else f["ip.src"]
        dst = f["ipv6.dst"] if inner_v6 else f["ip.dst"]
        sport = f["tcp.srcport"] or f["udp.srcport"]
        dport = f["tcp.dstport"] or f["udp.dstport"]
        tcp = bool(f["tcp.srcport"])
        want_type = ("tcp-" if tcp else "udp-") + ("ipv6" if inner_v6 else "ipv4")
        assert p["hash_type"] == want_type, (p["index"], p["hash_type"], want_type)
        assert p["from"] == "inner"
        assert ipaddress.ip_address(p["src"]) == ipaddress.ip_address(src), (p["index"], p["src"], src)
        assert ipaddress.ip_address(p["dst"]) == ipaddress.ip_address(dst), (p["index"], p["dst"], dst)
        assert p["src_port"] == int(sport) and p["dst_port"] == int(dport), (p["index"], sport, dport)
        tup = (ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed + int(sport).to_bytes(2, "big") +
               int(dport).to_bytes(2, "big"))
        h = toeplitz(MS_KEY, tup)
        assert int(p["hash"], 16) == h, (p["index"], p["hash"], hex(h))
        assert p["queue"] == (h & 127) % queues, (p["index"], p["queue"])
        per_queue[p["queue"]] += 1
    assert summary[0]["load"]["per_queue"] == per_queue, (summary[0], per_queue)

    # Malformed frames: every one is reported with its parse error, exit code 1.
    bad = os.path.join(work, "rss-malformed.pcap")
    r = run([encapbench, "corpus", "--preset", "malformed", "--out", bad])
    assert r.returncode == 0, r.stderr
    r = run([encapbench, "rss", "--in", bad, "--json"])
    assert r.returncode == 1, (r.returncode, r.stderr)
    pk = [json.loads(x) for x in r.stdout.splitlines() if '"index"' in x]
    errs = [p for p in pk if p["kind"] in ("malformed", "not_nvgre")]
    assert errs and all(p["error"] and p["error_message"] for p in errs)
    assert any(p["from"] == "outer" for p in errs), "some malformed inner frames fall back to the outer pair"

    # Usage and input errors: exit 2 with one line on stderr.
    for args in (["--key", "xyz"], ["--indirection", "100"], ["--impl", "nope"], ["--hash-types", "tcp-ipv5"]):
        r = run([encapbench, "rss", "--in", pcap] + args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (args, r.returncode, r.stderr)
    r = run([encapbench, "rss", "--in", os.path.join(work, "missing.pcap")])
    assert r.returncode == 2

    # Quality: the symmetric key keeps both directions together; JSON carries the statistics.
    r = run([encapbench, "rss", "--in", pcap, "--quality", "--json", "--queues", "4"])
    assert r.returncode == 0, r.stderr
    q = json.loads(r.stdout)
    assert q["symmetric_key"]["ok"] and q["symmetric_key"]["both_directions_same_queue"] == q["flows"]
    assert sum(q["key"]["load"]["per_queue"]) == q["flows"] > 100
    # The statistic and its p-value, recomputed with SciPy.
    from scipy.stats import chi2
    load = q["key"]["load"]
    mean = q["flows"] / 4
    stat = sum((c - mean) ** 2 / mean for c in load["per_queue"])
    assert abs(stat - load["chi_square"]) < 1e-9 * max(1.0, stat), (stat, load)
    assert abs(chi2.sf(stat, 3) - load["p_value"]) < 1e-9, (chi2.sf(stat, 3), load)
    print("ok: %d packets judged by tshark and a Python Toeplitz" % len(pkts))


if __name__ == "__main__":
    main()
