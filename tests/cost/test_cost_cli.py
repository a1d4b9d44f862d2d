#!/usr/bin/python3
"""`encapbench cost` end to end, judged by `encapbench offload` and by arithmetic done here.

    test_cost_cli.py BUILD/bin/encapbench

- The packets priced per offload are exactly the ones `offload --json` reports as left to
  software (every answer but "offload" and "not_applicable"), packet for packet, under several
  profiles and MaxHeaderSize values, and the reasons count the same.
- `--caps none` prices the whole capture through each software path.
- Nothing left to software (a clean IPv4/IPv4 capture under `full`) costs exactly 0, untimed.
- Cores follow the documented formula from the capture's own frame lengths, read here with
  struct (not with our pcap reader), and are linear in the line rate; totals are the sums.
- A sweep gives one point per MaxHeaderSize with software packets non-increasing in it.
- Bad input: unknown profile, bad sweep range, bad line rate, unknown implementation, stdin,
  empty capture, damaged capture: one line on stderr, exit 2.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

EB = None
TMP = None
FAST = ["--rep-ms", "1", "--window", "3", "--max-reps", "12", "--max-cv", "50", "--budget", "1"]


def run(*args, check_code=None):
    p = subprocess.run([EB, *args], capture_output=True, timeout=600)
    if check_code is not None and p.returncode != check_code:
        raise AssertionError("%s: exit %d, stderr %s" % (" ".join(args), p.returncode, p.stderr.decode()))
    return p


def pcap_frames(path):
    """(captured length, orig length) of every record, read with struct."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        out.append((incl, orig))
        off += 16 + incl
    return out


def software_indices(offload_lines, everything_lines, name):
    """What `offload` leaves to software: every answer but offload and not_applicable, and not
    "not_supported" work that does not exist (what `offload` under a NIC supporting everything
    calls not_applicable: LSOv2 of a UDP packet)."""
    no_work = {p["index"] for p in everything_lines if "index" in p and p[name] == "not_applicable"}
    return [p["index"] for p in offload_lines if "index" in p and p[name] not in ("offload", "not_applicable")
            and not (p[name] == "not_supported" and p["index"] in no_work)]


class CostCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pcap = os.path.join(TMP, "default.pcap")
        run("corpus", "--preset", "default", "--out", cls.pcap, check_code=0)

    def cost(self, *args, pcap=None):
        p = run("cost", "--in", pcap or self.pcap, "--json", "--with-indices", *FAST, *args, check_code=0)
        return json.loads(p.stdout)

    def offload(self, caps, max_header, pcap=None):
        p = run("offload", "--in", pcap or self.pcap, "--caps", caps, "--max-header", str(max_header), "--json")
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]

    def test_priced_packets_are_offloads_software_packets(self):
        everything = self.offload("full", 65535)
        for caps in ("full", "ndis-example", "ipv4-only", "none"):
            for mh in (96, 160, 256):
                doc = self.cost("--caps", caps, "--max-header", str(mh))
                point = doc["encapbench_cost"]["profiles"][0]["points"][0]
                lines = self.offload(caps, mh)
                by_index = {l["index"]: l for l in lines if "index" in l}
                for name, o in point["offloads"].items():
                    want = software_indices(lines, everything, name)
                    self.assertEqual(o["software_indices"], want, "%s max %d %s" % (caps, mh, name))
                    self.assertEqual(o["software_packets"], len(want))
                    self.assertEqual(o["nic_packets"], sum(1 for l in by_index.values() if l[name] == "offload"))
                    reasons = {}
                    for i in want:
                        reasons[by_index[i][name]] = reasons.get(by_index[i][name], 0) + 1
                    self.assertEqual({k: v["packets"] for k, v in o["why"].items()}, reasons, (caps, mh, name))

    def test_none_prices_the_whole_capture(self):
        doc = self.cost("--caps", "none")
        n = doc["encapbench_cost"]["capture"]["packets"]
        self.assertEqual(n, len(pcap_frames(self.pcap)))
        offs = doc["encapbench_cost"]["profiles"][0]["points"][0]["offloads"]
        for name in ("tx_checksum", "rx_checksum", "rss", "vmq"):
            self.assertEqual(offs[name]["software_indices"], list(range(n)), name)
            self.assertTrue(offs[name]["chosen"]["timed"])
        # LSOv2: every packet but the parsed non-TCP ones, which have no segmentation work.
        lines = self.offload("full", 65535)
        self.assertEqual(offs["lsov2"]["software_packets"],
                         n - sum(1 for l in lines if l.get("lsov2") == "not_applicable"))
        self.assertGreater(offs["lsov2"]["no_work_packets"], 0)
        # USO: priced like LSOv2, over the UDP packets (and the unparsed ones, refused cheaply).
        self.assertEqual(offs["uso"]["software_packets"],
                         n - sum(1 for l in lines if l.get("uso") == "not_applicable"))
        self.assertTrue(offs["uso"]["chosen"]["timed"])
        self.assertNotIn("not_measured", offs["uso"])

    def test_nothing_to_software_costs_zero(self):
        clean = os.path.join(TMP, "v4v4.pcap")
        run("corpus", "--preset", "imix", "--outer", "ipv4", "--inner", "ipv4", "--out", clean, check_code=0)
        doc = self.cost("--caps", "full", pcap=clean)
        point = doc["encapbench_cost"]["profiles"][0]["points"][0]
        for name in ("tx_checksum", "rx_checksum", "lsov2", "rss", "vmq"):
            o = point["offloads"][name]
            self.assertEqual(o["software_packets"], 0, name)
            for side in ("chosen", "reference"):
                self.assertEqual(o[side]["pass_ns"], 0, name)
                self.assertFalse(o[side]["timed"])
                self.assertEqual(set(o[side]["cores"].values()), {0}, name)
        self.assertEqual(set(point["total"]["cores"].values()), {0})

    def test_cores_formula_linearity_and_totals(self):
        doc = self.cost("--caps", "ndis-example", "--line-rate", "10,25,100,400")
        c = doc["encapbench_cost"]
        line_bytes = sum(max(max(incl, orig) + 4, 64) + 20 for incl, orig in pcap_frames(self.pcap))
        self.assertEqual(c["capture"]["line_bytes"], line_bytes)
        point = c["profiles"][0]["points"][0]
        total = {r: 0.0 for r in ("10", "25", "100", "400")}
        for name, o in point["offloads"].items():
            if "chosen" not in o:
                continue
            ch = o["chosen"]
            if not ch["stable"]:
                self.assertTrue(all(v is None for v in ch["cores"].values()), "no cores figure from unstable samples")
                continue
            for r in total:
                want = ch["pass_ns"] * 1e-9 * float(r) * 1e9 / (8 * line_bytes)
                self.assertAlmostEqual(ch["cores"][r], want, delta=1e-12 + 1e-9 * want)
                total[r] += ch["cores"][r]
            self.assertAlmostEqual(ch["cores"]["400"], 16 * ch["cores"]["25"], delta=1e-9 * ch["cores"]["400"] + 1e-15)
            if o["software_packets"]:
                self.assertAlmostEqual(ch["ns_per_packet"] * o["software_packets"], ch["pass_ns"], delta=1e-6 * ch["pass_ns"])
                self.assertAlmostEqual(ch["ns_per_byte"] * o["software_bytes"], ch["pass_ns"], delta=1e-6 * ch["pass_ns"])
        if point["total"]["stable"]:
            for r in total:
                self.assertAlmostEqual(point["total"]["cores"][r], total[r], delta=1e-9 * total[r] + 1e-15)

    def test_sweep(self):
        doc = self.cost("--caps", "full,ipv4-only", "--sweep-max-header", "64:320:64")
        profs = doc["encapbench_cost"]["profiles"]
        self.assertEqual([p["profile"] for p in profs], ["full", "ipv4-only"])
        for p in profs:
            self.assertEqual([pt["max_header_size"] for pt in p["points"]], [64, 128, 192, 256, 320])
            sw = [pt["offloads"]["rx_checksum"]["software_packets"] for pt in p["points"]]
            self.assertEqual(sw, sorted(sw, reverse=True), p["profile"])
            self.assertGreater(sw[0], sw[-1])
        # Machine context as `encapbench run` writes it, and the capture's fingerprint.
        ctx = doc["context"]
        for k in ("machine_class", "cpu_brand", "suite_commit", "microarchitecture"):
            self.assertIn(k, ctx)
        import hashlib
        with open(self.pcap, "rb") as f:
            self.assertEqual(doc["encapbench_cost"]["capture"]["sha256"], hashlib.sha256(f.read()).hexdigest())

    def test_table_output(self):
        p = run("cost", "--in", self.pcap, "--caps", "ndis-example", *FAST, check_code=0)
        out = p.stdout.decode()
        for name in ("tx_checksum", "rx_checksum", "lsov2", "rss", "vmq", "uso", "total"):
            self.assertIn("\n" + name, out)

    def test_bad_input(self):
        empty = os.path.join(TMP, "empty.pcap")
        with open(empty, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        damaged = os.path.join(TMP, "damaged.pcap")
        with open(self.pcap, "rb") as f:
            data = f.read()
        first = struct.unpack("<I", data[32:36])[0]
        with open(damaged, "wb") as f:
            f.write(data[:24 + 16 + first + 16 + 7])  # the second record cut short
        cases = [
            (["--in", self.pcap, "--caps", "fast"], "unknown capability profile"),
            (["--in", self.pcap, "--caps", "full,fast"], "unknown capability profile"),
            (["--in", self.pcap, "--sweep-max-header", "320:64:8"], "--sweep-max-header"),
            (["--in", self.pcap, "--sweep-max-header", "64:320"], "--sweep-max-header"),
            (["--in", self.pcap, "--sweep-max-header", "64:320:0"], "--sweep-max-header"),
            (["--in", self.pcap, "--sweep-max-header", "64:320:8", "--max-header", "128"], "exclude"),
            (["--in", self.pcap, "--max-header", "70000"], "--max-header"),
            (["--in", self.pcap, "--line-rate", "10,fast"], "--line-rate"),
            (["--in", self.pcap, "--line-rate", "-5"], "--line-rate"),
            (["--in", self.pcap, "--impl", "no-such"], "unknown implementation"),
            (["--in", self.pcap, "--max-cv", "0"], "timing"),
            (["--in", "-"], "stdin"),
            (["--in", os.path.join(TMP, "missing.pcap")], "missing.pcap"),
            (["--in", empty], "no packets"),
        ]
        for args, needle in cases:  # all refused before anything is timed
            p = run("cost", *args)
            err = [l for l in p.stderr.decode().splitlines() if l.strip()]
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertEqual(len(err), 1, (args, err))
            self.assertIn(needle, err[0], args)
            self.assertTrue(err[0].startswith("encapbench: "), err)
        # A damaged capture: what could be read is priced, the damage reported once, exit 2.
        p = run("cost", "--in", damaged, "--json", *FAST)
        self.assertEqual(p.returncode, 2, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["encapbench_cost"]["capture"]["packets"], 1)
        self.assertIsNotNone(doc["encapbench_cost"]["capture"]["incomplete"])
        self.assertEqual(len([l for l in p.stderr.decode().splitlines() if l.strip()]), 1)


if __name__ == "__main__":
    EB = sys.argv.pop(1)
    with tempfile.TemporaryDirectory(prefix="eb-cost-") as d:
        TMP = d
        unittest.main(verbosity=2)
