#!/usr/bin/python3
"""`encapbench corpus` end to end: default run, determinism of the written file, JSON summary,
--list-presets, and one-line exit-2 errors for bad option values."""
import filecmp
import json
import os
import subprocess
import sys
import tempfile

EB = os.path.abspath(sys.argv[1])
failures = []


def run(args, cwd):
    return subprocess.run([EB, "corpus"] + args, cwd=cwd, capture_output=True, text=True, timeout=120)


def check(cond, what):
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as d:
    r = run([], d)  # no flags: the built-in default corpus
    check(r.returncode == 0, "default run exit %d: %s" % (r.returncode, r.stderr))
    check(os.path.getsize(os.path.join(d, "default.pcap")) > 100000, "default.pcap written")
    check(r.stderr.count("\n") == 1 and "2048 packets" in r.stderr, "one summary line: %r" % r.stderr)

    for name in ("a.pcap", "b.pcap"):
        r = run(["--preset", "mixed", "--seed", "9", "--packets", "300", "--flows", "20", "--zipf", "1.1", "--out", name], d)
        check(r.returncode == 0, "mixed run: " + r.stderr)
    check(filecmp.cmp(os.path.join(d, "a.pcap"), os.path.join(d, "b.pcap"), shallow=False), "same seed, same bytes")
    r = run(["--preset", "mixed", "--seed", "10", "--packets", "300", "--flows", "20", "--zipf", "1.1", "--out", "c.pcap"], d)
    check(not filecmp.cmp(os.path.join(d, "a.pcap"), os.path.join(d, "c.pcap"), shallow=False), "other seed, other bytes")

    r = run(["--preset", "header-sweep", "--outer", "ipv6", "--inner", "ipv4", "--l4", "udp", "--header-size", "200",
             "--payload", "imix", "--json", "--out", "hs.pcap"], d)
    check(r.returncode == 0, "header-size run: " + r.stderr)
    j = json.loads(r.stdout)
    check(j["header_size"] == {"min": 200, "max": 200} and j["parsed_ok"] == j["packets"] == 1, "json summary: %s" % r.stdout)
    check(j["expected_mismatches"] == 0, "no mismatches")

    r = run(["--preset", "malformed", "--json", "--out", "m.pcap"], d)
    j = json.loads(r.stdout)
    check(r.returncode == 0 and j["parsed_ok"] == 0 and sum(j["parse_errors"].values()) == j["packets"], "malformed summary")

    r = run(["--list-presets", "--json"], d)
    names = {p["name"] for p in json.loads(r.stdout)}
    check({"default", "header-sweep", "oversize", "mixed", "imix", "lso", "malformed"} <= names, "presets listed")

    for bad in (["--preset", "nope"], ["--packets", "0"], ["--packets", "12x"], ["--seed", "-1"], ["--flows", "0"],
                ["--zipf", "abc"], ["--zipf", "-1"], ["--outer", "ipv5"], ["--inner", "4.0"], ["--l4", "sctp"],
                ["--header-size", "83"], ["--header-size", "130"], ["--payload", "big"], ["--payload", "999999"],
                ["--preset", "oversize", "--outer", "ipv4", "--inner", "ipv4"], ["--out", "/nonexistent/dir/x.pcap"]):
        r = run(bad, d)
        check(r.returncode == 2, "%s: exit %d" % (bad, r.returncode))
        check(r.stderr.count("\n") == 1 and r.stderr.startswith("encapbench: "), "%s: one-line message %r" % (bad, r.stderr))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
