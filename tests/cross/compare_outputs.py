#!/usr/bin/python3
"""Determinism across architectures and CPUs: the same commands through two encapbench builds
(usually native x86-64 and an emulated aarch64 or x86 model) must give byte-identical corpora,
filled packets, segments, verify verdicts, Toeplitz hashes and queues.

Each side picks its own best implementation, so this also checks that different kernels (AVX-512
here, NEON or SVE there) agree byte for byte. Fields that name the implementation or the machine
are the only ones removed before comparing JSON.

usage: compare_outputs.py ENCAPBENCH_A ENCAPBENCH_B WORKDIR
Each ENCAPBENCH is a program path or a shell wrapper (e.g. qemu in front). Exit 0 when identical.
"""
import json
import os
import subprocess
import sys

a_cmd, b_cmd, work = (os.path.abspath(x) for x in sys.argv[1:4])
os.makedirs(work, exist_ok=True)
failures = []
checked = 0
exits = {}

# Keys whose values legitimately differ between builds/CPUs: which kernel ran, timings.
VOLATILE = {"impl", "implementation", "checksum_impl", "toeplitz_impl", "segment_impl", "elapsed_ns",
            "elapsed_s", "ns_per_packet", "seconds", "cpu", "machine_class"}


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def run(prog, args, side):
    p = subprocess.run([prog] + args, capture_output=True, timeout=900, cwd=work)
    return p


def normalise_stdout(out):
    lines = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            lines.append(json.dumps(strip(json.loads(line)), sort_keys=True))
        except ValueError:
            lines.append(line)
    return lines


def compare(name, args, files=()):
    """Runs args on both sides; output files named in `files` get an a./b. prefix per side."""
    global checked
    res = {}
    for side, prog in (("a", a_cmd), ("b", b_cmd)):
        sargs = [x.replace("@", side + ".") for x in args]
        res[side] = run(prog, sargs, side)
    pa, pb = res["a"], res["b"]
    exits[pa.returncode] = exits.get(pa.returncode, 0) + 1
    if not pa.stdout and not files:
        failures.append(f"{name}: no output to compare (exit {pa.returncode}: {pa.stderr.decode()[-200:]})")
    if pa.returncode != pb.returncode:
        failures.append(f"{name}: exit {pa.returncode} vs {pb.returncode}: {pb.stderr.decode()[-300:]}")
        return
    if normalise_stdout(pa.stdout) != normalise_stdout(pb.stdout):
        la, lb = normalise_stdout(pa.stdout), normalise_stdout(pb.stdout)
        diff = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
        failures.append(f"{name}: stdout differs at line {diff}: {la[diff:diff+1]} vs {lb[diff:diff+1]}")
    for f in files:
        fa = open(os.path.join(work, "a." + f), "rb").read()
        fb = open(os.path.join(work, "b." + f), "rb").read()
        if fa != fb:
            failures.append(f"{name}: {f} differs ({len(fa)} vs {len(fb)} bytes)")
    checked += 1


presets = ["default", "mixed", "lso", "malformed", "header-sweep"]
counts = {"lso": None}  # lso keeps its natural 32 sends of up to 64 KiB
listed = subprocess.run([a_cmd, "corpus", "--list-presets"], capture_output=True, text=True).stdout
presets = [p for p in presets if p in listed] or [listed.split()[0]]
for preset in presets:
    n = counts.get(preset, "300")
    compare(f"corpus {preset}", ["corpus", "--preset", preset, "--seed", "7", "--out", f"@{preset}.pcap"] +
            (["--packets", n] if n else []), [f"{preset}.pcap"])
# Everything below reads side a's corpus on both sides (already shown identical).
for preset in presets:
    src = os.path.join(work, f"a.{preset}.pcap")
    ls = ["--large-send"] if preset == "lso" else []
    compare(f"inspect {preset}", ["inspect", "--in", src, "--json"] + ls)
    compare(f"checksum verify {preset}", ["checksum", "--in", src, "--mode", "verify", "--json"] + ls)
    compare(f"checksum fill {preset}", ["checksum", "--in", src, "--mode", "fill", "--out", f"@fill-{preset}.pcap"] + ls,
            [f"fill-{preset}.pcap"])
    compare(f"rss {preset}", ["rss", "--in", src, "--json", "--vmq", "02:00:00:00:00:01,5001=3"])
    compare(f"rss quality {preset}", ["rss", "--in", src, "--quality", "--json"])
    compare(f"segment {preset}", ["segment", "--in", src, "--mss", "1000", "--out", f"@seg-{preset}.pcap", "--json"],
            [f"seg-{preset}.pcap"])
    compare(f"offload {preset}", ["offload", "--in", src, "--json"] + ls)

print(f"compare_outputs: {checked} command pairs compared (exit codes {dict(sorted(exits.items()))}), "
      f"{len(failures)} differences")
for f in failures:
    print("  DIFF", f)
sys.exit(1 if failures else 0)
