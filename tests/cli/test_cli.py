#!/usr/bin/python3
"""CLI-level hardening tests: the malformed catalogue and hostile capture files.

Run by ctest (tests/cli/CMakeLists.txt):
    test_cli.py --encapbench BUILD/bin/encapbench --catalogue BUILD/bin/eb-cli-catalogue [--sanitized]

What is checked, for every invocation: it ends by itself (no signal, exit code < 128), no
sanitizer or UBSan report on stderr, and memory stays bounded (address-space limit on plain
builds; peak RSS of every child on all builds).

- The malformed catalogue, twice: (1) the generator's (`encapbench corpus --preset malformed`):
  `inspect --json` reports for every packet the error its generator label names, and the
  catalogue covers every ParseError; (2) an independent one built here by hand (scapy for the
  valid frames, struct for the broken bytes), one frame per ParseError, interleaved with valid
  frames in one capture: every broken frame gets its exact error, every valid frame in the same
  file still parses with the offsets scapy reports, and the exit code is 1 (findings).
- Hostile files (bytes written by hand): missing file, directory, empty file, not a capture,
  non-Ethernet link type, truncated global header, truncated record header and truncated record
  data mid-file (the packets before it are still reported, exit 2), absurd snap length in the
  global header, absurd captured length in a record, zero-length frame, 256 KiB frame (largest
  allowed) and one byte more, big-endian and nanosecond pcap, pcapng: a specific one-line
  message and exit 2 where the file cannot be read to its end, never a crash.
- Bad option values (unknown option, --caps, --max-header, --impl, --preset): one line, exit 2.
- Every subcommand that reads --in (inspect, offload, checksum, rss, segment) is run on the
  hostile files; subcommands still marked "(not built yet)" are skipped with that reason and
  picked up automatically once their owners land them.
"""
import argparse
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

ARGS = None
TMP = None
# Bounds: a plain build may not map more than AS_LIMIT; no child may exceed RSS_LIMIT at peak.
AS_LIMIT = 1 << 30
RSS_LIMIT_KIB = 512 * 1024
RSS_LIMIT_SANITIZED_KIB = 1536 * 1024
SUBCOMMANDS_WITH_IN = ["inspect", "offload", "checksum", "rss", "segment"]
# Options a subcommand needs besides --in to run on an ordinary capture (filled in main()).
EXTRA_ARGS = {}


class Result:
    def __init__(self, cmd, code, out, err):
        self.cmd, self.code, self.out, self.err = cmd, code, out, err

    def err_lines(self):
        return [l for l in self.err.decode(errors="replace").splitlines() if l.strip()]

    def json_lines(self):
        return [json.loads(l) for l in self.out.decode().splitlines() if l.strip()]

    def __repr__(self):
        return "%s -> %s\nstderr: %s" % (" ".join(self.cmd), self.code, self.err.decode(errors="replace")[:2000])


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def run(args, stdin=None, timeout=300, binary=None):
    cmd = [binary or ARGS.encapbench] + [str(a) for a in args]
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       preexec_fn=None if ARGS.sanitized else limit_memory)
    return Result(cmd, p.returncode, p.stdout, p.stderr)


class CliCase(unittest.TestCase):
    def assertSane(self, r):
        """No crash, no sanitizer report, bounded memory."""
        self.assertGreaterEqual(r.code, 0, "killed by signal %d: %r" % (-r.code, r))
        self.assertLess(r.code, 128, r)
        err = r.err.decode(errors="replace")
        for marker in ("Sanitizer", "runtime error:", "terminate called", "Segmentation fault", "std::bad_alloc"):
            self.assertNotIn(marker, err, r)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        limit = RSS_LIMIT_SANITIZED_KIB if ARGS.sanitized else RSS_LIMIT_KIB
        self.assertLess(peak, limit, "peak RSS %d KiB after %r" % (peak, r))

    def assertInputError(self, r, *phrases, code=2):
        """Exit `code`, exactly one stderr line 'encapbench: ...' containing every phrase."""
        self.assertSane(r)
        self.assertEqual(r.code, code, r)
        lines = r.err_lines()
        self.assertEqual(len(lines), 1, "want one stderr line: %r" % r)
        self.assertTrue(lines[0].startswith("encapbench: "), r)
        for p in phrases:
            self.assertIn(p, lines[0], r)
        return lines[0]


# --- pcap bytes by hand ---------------------------------------------------------------------------
MAGIC_USEC, MAGIC_NSEC = 0xA1B2C3D4, 0xA1B23C4D


def pcap_header(linktype=1, snaplen=262144, magic=MAGIC_USEC, endian="<", major=2, minor=4):
    return struct.pack(endian + "IHHiIII", magic, major, minor, 0, 0, snaplen, linktype)


def pcap_record(frame, caplen=None, wirelen=None, ts=1, endian="<"):
    caplen = len(frame) if caplen is None else caplen
    wirelen = len(frame) if wirelen is None else wirelen
    return struct.pack(endian + "IIII", ts, 0, caplen, wirelen) + frame


def pcap_file(frames, **kw):
    endian = kw.get("endian", "<")
    return pcap_header(**kw) + b"".join(pcap_record(f, ts=i + 1, endian=endian) for i, f in enumerate(frames))


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# --- frames -----------------------------------------------------------------------------------------
def scapy():
    import scapy.all as s  # imported lazily: a second or two
    return s


VSID_KEY = 0x5A5A5A17  # VSID 0x5a5a5a, FlowID 0x17


def valid_frames():
    """Valid NVGRE frames built by scapy, each with the header size scapy's layers add up to."""
    s = scapy()
    out = []
    pl = bytes(range(48))
    combos = [
        (s.IP(src="10.0.0.1", dst="10.0.0.2"), s.IP(src="192.168.1.1", dst="192.168.1.2"), s.TCP(sport=1234, dport=80)),
        (s.IP(src="10.0.0.1", dst="10.0.0.2"), s.IPv6(src="fd00::1", dst="fd00::2"), s.UDP(sport=53, dport=5353)),
        (s.IPv6(src="2001:db8::1", dst="2001:db8::2"), s.IP(src="172.16.0.1", dst="172.16.0.2"), s.UDP(sport=7, dport=9)),
        (s.IPv6(src="2001:db8::1", dst="2001:db8::2"), s.IPv6(src="fd00::a", dst="fd00::b"),
         s.TCP(sport=40000, dport=443, options=[("MSS", 1400), ("NOP", None), ("WScale", 7)])),
    ]
    for outer, inner, l4 in combos:
        head = s.Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / outer / \
            s.GRE(key_present=1, proto=0x6558, key=VSID_KEY) / \
            s.Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") / inner / l4
        frame = bytes(head / s.Raw(pl))
        out.append((frame, len(frame) - len(pl)))
    return out


def base_layers(outer_v6=False, inner_v6=False, udp=False, payload=b"P" * 40, gre=None, inner_eth_type=None):
    s = scapy()
    outer = s.IPv6(src="2001:db8::1", dst="2001:db8::2") if outer_v6 else s.IP(src="10.1.0.1", dst="10.1.0.2")
    inner = s.IPv6(src="fd00::1", dst="fd00::2") if inner_v6 else s.IP(src="10.2.0.1", dst="10.2.0.2")
    l4 = s.UDP(sport=1000, dport=2000) if udp else s.TCP(sport=1000, dport=2000)
    gre = gre if gre is not None else s.GRE(key_present=1, proto=0x6558, key=VSID_KEY)
    ieth = s.Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02")
    if inner_eth_type is not None:
        ieth.type = inner_eth_type
    return s.Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / outer / gre / ieth / inner / l4 / s.Raw(payload)


def patched(frame, offset, new):
    b = bytearray(frame)
    b[offset:offset + len(new)] = new
    return bytes(b)


def malformed_frames():
    """One hand-built frame per ParseError: [(expected error name, bytes)]. Offsets: outer IPv4
    at 14, GRE at 34, inner Ethernet at 42, inner IPv4 at 56, TCP/UDP at 76 (no options)."""
    s = scapy()
    good = bytes(base_layers())
    good6 = bytes(base_layers(outer_v6=True))
    eth = bytes(s.Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x0800))
    cases = []
    add = lambda name, b: cases.append((name, bytes(b)))
    add("truncated_outer_ethernet", good[:9])
    add("truncated_outer_vlan", bytes(s.Ether(type=0x8100)) + b"\x00\x64")
    add("outer_double_vlan", bytes(s.Ether() / s.Dot1Q(vlan=10) / s.Dot1Q(vlan=20) / s.IP(proto=47)))
    add("outer_not_ip", bytes(s.Ether() / s.ARP()))
    add("truncated_outer_ip", good[:14 + 12])
    add("outer_ip_bad_version", patched(good, 14, b"\x65"))
    add("outer_ipv4_bad_ihl", patched(good, 14, b"\x44"))
    add("outer_ip_length_mismatch", patched(good, 16, struct.pack(">H", 19)))  # total length < IHL*4
    add("outer_ip_fragment", patched(good, 20, b"\x20\x00"))  # MF
    add("outer_not_gre", bytes(s.Ether() / s.IP(src="1.1.1.1", dst="2.2.2.2") / s.UDP() / s.Raw(b"x" * 40)))
    chain = s.IPv6(src="2001:db8::1", dst="2001:db8::2")
    for _ in range(9):
        chain = chain / s.IPv6ExtHdrDestOpt()
    add("ip6_ext_chain_too_long", bytes(s.Ether() / chain / s.GRE(key_present=1, proto=0x6558, key=1) / s.Raw(b"y" * 60)))
    ext = bytes(s.Ether() / s.IPv6(src="2001:db8::1", dst="2001:db8::2") / s.IPv6ExtHdrDestOpt(len=2) /
                s.GRE(key_present=1, proto=0x6558, key=1) / s.Raw(b"z" * 60))
    add("truncated_ip6_ext_header", ext[:14 + 40 + 12])  # 24-byte option header cut after 12
    add("ip6_ext_unsupported", bytes(s.Ether() / s.IPv6(src="2001:db8::1", dst="2001:db8::2", nh=51) / s.Raw(b"a" * 64)))
    add("truncated_gre", good[:34 + 6])
    add("gre_bad_version", patched(good, 35, b"\x01"))
    add("gre_bad_protocol", patched(good, 36, b"\x08\x00"))
    add("gre_missing_key", bytes(base_layers(gre=s.GRE(key_present=0, proto=0x6558))))
    add("gre_routing_present", patched(good, 34, b"\x60"))  # R and K
    add("truncated_inner_ethernet", good[:42 + 10])
    add("inner_vlan_tagged", bytes(s.Ether() / s.IP(src="10.1.0.1", dst="10.1.0.2") /
                                   s.GRE(key_present=1, proto=0x6558, key=VSID_KEY) / s.Ether() / s.Dot1Q(vlan=5) /
                                   s.IP() / s.TCP() / s.Raw(b"q" * 20)))
    add("inner_not_ip", bytes(s.Ether() / s.IP(src="10.1.0.1", dst="10.1.0.2") /
                              s.GRE(key_present=1, proto=0x6558, key=VSID_KEY) / s.Ether() / s.ARP()))
    add("truncated_inner_ip", good[:56 + 10])
    add("inner_ip_bad_version", patched(good, 56, b"\x65"))
    add("inner_ipv4_bad_ihl", patched(good, 56, b"\x43"))
    add("inner_ip_length_mismatch", patched(good, 58, struct.pack(">H", len(good) - 56 + 1)))  # past the outer packet
    add("inner_ip_fragment", patched(good, 62, b"\x00\x10"))  # fragment offset 16
    add("unknown_l4", bytes(s.Ether() / s.IP(src="10.1.0.1", dst="10.1.0.2") /
                            s.GRE(key_present=1, proto=0x6558, key=VSID_KEY) / s.Ether() /
                            s.IP(src="10.2.0.1", dst="10.2.0.2") / s.ICMP() / s.Raw(b"i" * 16)))
    add("truncated_l4", good[:76 + 12])
    add("tcp_bad_data_offset", patched(good, 76 + 12, b"\x40"))  # data offset 4
    add("udp_length_mismatch", patched(bytes(base_layers(udp=True)), 76 + 4, struct.pack(">H", 4)))
    add("truncated_payload", good[:len(good) - 7])
    return cases, eth, good6


def is_placeholder(sub):
    r = run([sub, "--help"])
    return b"not built yet" in r.out + r.err


# --- tests ------------------------------------------------------------------------------------------
class GeneratorCatalogue(CliCase):
    """`encapbench corpus --preset malformed` through `inspect --json`: label == error."""

    def test_every_parse_error_labelled_and_reported(self):
        dump = run([], binary=ARGS.catalogue)
        self.assertEqual(dump.code, 0, dump)
        rows = dump.json_lines()
        errors = [r["name"] for r in rows if r["kind"] == "error"]
        frames = [r for r in rows if r["kind"] == "frame"]
        self.assertGreaterEqual(len(errors), 31)
        pcap = os.path.join(TMP, "malformed.pcap")
        r = run(["corpus", "--preset", "malformed", "--out", pcap])
        self.assertSane(r)
        self.assertEqual(r.code, 0, r)
        r = run(["inspect", "--in", pcap, "--json"])
        self.assertSane(r)
        self.assertEqual(r.code, 1, "parse errors are findings: %r" % r)
        got = r.json_lines()
        self.assertEqual(len(got), len(frames))
        for f, g in zip(frames, got):
            self.assertEqual(g["index"], f["index"])
            self.assertEqual(g["length"], f["length"])
            self.assertEqual(f["label"], f["expected"], "a malformed label should name its error: %r" % f)
            self.assertFalse(g["ok"], g)
            self.assertEqual(g["error"], f["label"], "packet %d" % f["index"])
            if "label" in g:
                self.assertEqual(g["label"], f["label"])
        missing = sorted(set(errors) - {g["error"] for g in got})
        self.assertEqual(missing, [], "parse errors without a catalogue frame")


class HandBuiltCatalogue(CliCase):
    """Every ParseError from bytes built here, interleaved with valid frames in one capture."""

    @classmethod
    def setUpClass(cls):
        cls.bad, _, _ = malformed_frames()
        cls.valid = valid_frames()
        frames, cls.expect = [], []
        for i, (name, b) in enumerate(cls.bad):
            v, hs = cls.valid[i % len(cls.valid)]
            frames += [v, b]
            cls.expect += [("ok", hs), (name, None)]
        cls.pcap = write("catalogue.pcap", pcap_file(frames))

    def test_covers_every_parse_error(self):
        dump = run([], binary=ARGS.catalogue)
        errors = {r["name"] for r in dump.json_lines() if r["kind"] == "error"}
        self.assertEqual(errors - {n for n, _ in self.bad}, set())

    def test_inspect_json_exact_errors_and_valid_frames_still_parse(self):
        r = run(["inspect", "--in", self.pcap, "--json"])
        self.assertSane(r)
        self.assertEqual(r.code, 1, r)
        got = r.json_lines()
        self.assertEqual(len(got), len(self.expect))
        for i, (g, (name, hs)) in enumerate(zip(got, self.expect)):
            self.assertEqual(g["index"], i)
            if name == "ok":
                self.assertTrue(g["ok"], g)
                self.assertEqual(g["header_size"], hs, g)  # scapy's layer lengths
                self.assertEqual(g["vsid"], VSID_KEY >> 8)
                self.assertEqual(g["flow_id"], VSID_KEY & 0xFF)
            else:
                self.assertFalse(g["ok"], g)
                self.assertEqual(g["error"], name, "packet %d" % i)
                self.assertTrue(g["error_message"], g)

    def test_inspect_table_names_each_error(self):
        r = run(["inspect", "--in", self.pcap])
        self.assertSane(r)
        self.assertEqual(r.code, 1, r)
        text = r.out.decode()
        for name, _ in self.bad:
            self.assertIn(name, text)
        self.assertIn("%d packets, %d parsed as NVGRE, %d with parse errors" % (len(self.expect), len(self.bad), len(self.bad)),
                      r.err.decode())

    def test_offload_json_reports_every_packet(self):
        r = run(["offload", "--in", self.pcap, "--json"])
        self.assertSane(r)
        self.assertEqual(r.code, 1, r)
        rows = r.json_lines()
        packets = [x for x in rows if "index" in x]
        self.assertEqual(len(packets), len(self.expect))
        for g, (name, hs) in zip(packets, self.expect):
            self.assertEqual(g["ok"], name == "ok", g)
            if name != "ok":
                self.assertEqual(g["error"], name)
        self.assertEqual(rows[-1].get("unparseable"), len(self.bad))

    def test_every_subcommand_processes_the_catalogue(self):
        for sub in SUBCOMMANDS_WITH_IN:
            with self.subTest(sub=sub):
                if is_placeholder(sub):
                    self.skipTest("%s is still a placeholder ('not built yet')" % sub)
                r = run([sub, "--in", self.pcap] + EXTRA_ARGS[sub])
                self.assertSane(r)
                self.assertIn(r.code, (0, 1), r)
                self.assertTrue(r.out or r.err, "%s printed nothing: %r" % (sub, r))


class HostileFiles(CliCase):
    """Damaged and odd captures, for every subcommand that reads --in."""

    @classmethod
    def setUpClass(cls):
        cls.valid = [f for f, _ in valid_frames()]
        v = cls.valid
        big = v[0] + bytes(262144 - len(v[0]))  # a valid frame padded to 256 KiB: trailing bytes are ignored
        f = {}
        f["missing"] = os.path.join(TMP, "does-not-exist.pcap")
        f["directory"] = TMP
        f["empty"] = write("empty.pcap", b"")
        f["text"] = write("text.pcap", b"this is not a capture file, just some text\n" * 4)
        f["linktype_raw"] = write("raw.pcap", pcap_file(v[:2], linktype=101))  # DLT_RAW
        f["linktype_sll"] = write("sll.pcap", pcap_file(v[:2], linktype=113))  # Linux cooked
        f["short_global"] = write("short-global.pcap", pcap_header()[:10])
        f["trunc_record_header"] = write("trunc-rec-hdr.pcap", pcap_file(v[:3]) + pcap_record(v[3])[:9])
        f["trunc_record_data"] = write("trunc-rec-data.pcap", pcap_file(v[:3]) + pcap_record(v[3])[:16 + 20])
        f["absurd_snaplen"] = write("absurd-snaplen.pcap", pcap_file(v, snaplen=0xFFFFFFFF))
        f["zero_snaplen"] = write("zero-snaplen.pcap", pcap_file(v, snaplen=0))
        f["absurd_caplen"] = write("absurd-caplen.pcap", pcap_file(v[:2]) + struct.pack("<IIII", 9, 0, 0x7FFFFFF0, 0x7FFFFFF0) +
                                   b"\x00" * 64)
        f["caplen_over_max"] = write("caplen-over-max.pcap", pcap_file(v[:1]) + pcap_record(big + b"\x00"))
        f["zero_length_frame"] = write("zero-length.pcap", pcap_file([v[0], b"", v[1]]))
        # Regression (eb-fuzz-pcap): an empty first frame once did arithmetic on a null corpus arena.
        f["zero_length_first"] = write("zero-length-first.pcap", pcap_file([b"", v[0]]))
        f["frame_256k"] = write("frame-256k.pcap", pcap_file([v[0], big, v[1]]))
        f["big_endian"] = write("big-endian.pcap", pcap_file(v, endian=">"))
        f["nanosecond"] = write("nsec.pcap", pcap_file(v, magic=MAGIC_NSEC))
        f["caplen_gt_wirelen"] = write("caplen-gt-len.pcap", pcap_header() + pcap_record(v[0], wirelen=10))
        f["bad_version"] = write("bad-version.pcap", pcap_file(v, major=9))
        f["ok"] = write("ok.pcap", pcap_file(v))
        if shutil.which("editcap"):
            ng = os.path.join(TMP, "ok.pcapng")
            subprocess.run(["editcap", "-F", "pcapng", f["ok"], ng], check=True, capture_output=True)
            f["pcapng"] = ng
            data = open(ng, "rb").read()
            f["pcapng_truncated"] = write("trunc.pcapng", data[:len(data) - 30])
        cls.f = f

    def each_sub(self):
        for sub in SUBCOMMANDS_WITH_IN:
            if sub != "inspect" and is_placeholder(sub):
                print("skip %s: still a placeholder ('not built yet')" % sub, file=sys.stderr)
                continue
            yield sub

    def unreadable(self, key, *phrases):
        for sub in self.each_sub():
            with self.subTest(sub=sub, file=key):
                r = run([sub, "--in", self.f[key]] + EXTRA_ARGS[sub])
                self.assertInputError(r, self.f[key], *phrases)
                if sub in ("inspect", "offload"):
                    self.assertEqual(r.out, b"", "nothing on stdout for an unreadable file: %r" % r)

    def test_missing_file(self):
        self.unreadable("missing", "cannot read as pcap/pcapng", "No such file or directory")

    def test_directory(self):
        self.unreadable("directory", "cannot read as pcap/pcapng")

    def test_empty_file(self):
        self.unreadable("empty", "cannot read as pcap/pcapng")

    def test_not_a_capture(self):
        self.unreadable("text", "cannot read as pcap/pcapng", "unknown file format")

    def test_non_ethernet_link_types(self):
        self.unreadable("linktype_raw", "(RAW", "is not Ethernet (DLT_EN10MB)")  # LINKTYPE 101 is DLT_RAW
        self.unreadable("linktype_sll", "link type 113", "is not Ethernet (DLT_EN10MB)")

    def test_truncated_global_header(self):
        self.unreadable("short_global", "cannot read as pcap/pcapng", "truncated")

    def test_unsupported_pcap_version(self):
        self.unreadable("bad_version", "cannot read as pcap/pcapng", "version")

    def run_on(self, sub, key):
        """`encapbench SUB --in FILE` with the subcommand's arguments (--json where rows are read)."""
        args = [sub, "--in", self.f[key]] + EXTRA_ARGS[sub]
        if sub in ("inspect", "offload"):
            args.append("--json")
        r = run(args)
        self.assertSane(r)
        return r

    def damaged_midway(self, key, index, *phrases):
        """Packets before the damage are processed and reported; exit 2; one line saying where."""
        for sub in self.each_sub():
            with self.subTest(sub=sub, file=key):
                r = self.run_on(sub, key)
                self.assertEqual(r.code, 2, r)
                # One error line (a subcommand may add its own summary line about what it did).
                lines = [l for l in r.err_lines() if l.startswith("encapbench: ")]
                self.assertEqual(len(lines), 1, r)
                self.assertTrue(lines[0].startswith("encapbench: " + self.f[key]), r)
                self.assertIn("packet %d" % index, lines[0])
                for p in phrases:
                    self.assertIn(p, lines[0])
                if sub in ("inspect", "offload"):
                    self.assertIn("(the %d packets before it were processed)" % index, lines[0])
                    rows = [x for x in r.json_lines() if "index" in x]
                    self.assertEqual([x["index"] for x in rows], list(range(index)))
                    self.assertTrue(all(x["ok"] for x in rows), rows)

    def test_truncated_record_header_midfile(self):
        self.damaged_midway("trunc_record_header", 3, "truncated")

    def test_truncated_record_data_midfile(self):
        self.damaged_midway("trunc_record_data", 3, "truncated")

    def test_absurd_captured_length_in_a_record(self):
        self.damaged_midway("absurd_caplen", 2, "capture length")

    def test_frame_one_byte_over_256k(self):
        self.damaged_midway("caplen_over_max", 1, "capture length")

    def readable(self, key, count, errors=()):
        for sub in self.each_sub():
            with self.subTest(sub=sub, file=key):
                r = self.run_on(sub, key)
                self.assertIn(r.code, (0, 1), r)
                if sub in ("inspect", "offload"):
                    rows = [x for x in r.json_lines() if "index" in x]
                    self.assertEqual(len(rows), count, r)
                    self.assertEqual(r.code, 1 if errors else 0, r)
                    for i, e in errors:
                        self.assertEqual(rows[i].get("error"), e, rows[i])
                    self.assertEqual(sum(not x["ok"] for x in rows), len(errors))

    def test_absurd_snaplen_in_global_header(self):
        self.readable("absurd_snaplen", len(self.valid))

    def test_zero_snaplen_in_global_header(self):
        self.readable("zero_snaplen", len(self.valid))

    def test_zero_length_frame_is_a_packet_with_an_error(self):
        self.readable("zero_length_frame", 3, [(1, "truncated_outer_ethernet")])

    def test_zero_length_first_frame(self):
        self.readable("zero_length_first", 2, [(0, "truncated_outer_ethernet")])

    def test_frame_of_256k(self):
        self.readable("frame_256k", 3)
        r = run(["inspect", "--in", self.f["frame_256k"], "--json"])
        self.assertEqual(r.json_lines()[1]["length"], 262144)

    def test_big_endian_and_nanosecond_pcap(self):
        self.readable("big_endian", len(self.valid))
        self.readable("nanosecond", len(self.valid))

    def test_captured_length_above_wire_length(self):
        self.readable("caplen_gt_wirelen", 1)

    def test_pcapng(self):
        if "pcapng" not in self.f:
            self.skipTest("editcap not installed")
        self.readable("pcapng", len(self.valid))

    def test_pcapng_truncated_block(self):
        if "pcapng" not in self.f:
            self.skipTest("editcap not installed")
        self.damaged_midway("pcapng_truncated", len(self.valid) - 1, "truncated pcapng")

    def test_hostile_bytes_on_stdin(self):
        r = run(["inspect", "--in", "-", "--json"], stdin=pcap_file(self.valid[:2]) + b"\x01\x02\x03")
        self.assertSane(r)
        self.assertEqual(r.code, 2, r)
        self.assertEqual(len(r.json_lines()), 2)
        r = run(["inspect", "--in", "-"], stdin=b"\x00" * 7)
        self.assertInputError(r, "cannot read as pcap/pcapng")


class LargeSend(CliCase):
    """--large-send: an IP length of 0 means "to the end of the frame"; no other length may then
    point past the capture."""

    def test_inner_ip_longer_than_the_capture_is_not_ok(self):
        # Regression (eb-fuzz-parser, fuzz/regressions/parser/large-send-inner-ip-past-capture):
        # outer IPv6 payload length 0, inner IPv6 claiming 1000 payload bytes in a 140-byte frame.
        s = scapy()
        frame = bytes(s.Ether() / s.IPv6(src="2001:db8::1", dst="2001:db8::2", plen=0) /
                      s.GRE(key_present=1, proto=0x6558, key=0x100) / s.Ether() /
                      s.IPv6(src="fd00::1", dst="fd00::2", plen=1000) / s.UDP(sport=1, dport=2) / s.Raw(b"x" * 16))
        ok_frame, _ = valid_frames()[0]
        path = write("large-send-inner-past.pcap", pcap_file([ok_frame, frame]))
        r = run(["inspect", "--in", path, "--json", "--large-send"])
        self.assertSane(r)
        rows = r.json_lines()
        self.assertTrue(rows[0]["ok"], rows[0])
        self.assertFalse(rows[1]["ok"], "inner IP ends at %d, the frame at %d: %r" % (76 + 40 + 1000, len(frame), rows[1]))
        self.assertIn(rows[1].get("error"), ("truncated_payload", "inner_ip_length_mismatch"))
        self.assertEqual(r.code, 1, r)


class BadOptions(CliCase):
    @classmethod
    def setUpClass(cls):
        cls.ok = write("opts-ok.pcap", pcap_file([f for f, _ in valid_frames()]))

    def test_unknown_option(self):
        for sub in self_and_real(SUBCOMMANDS_WITH_IN):
            with self.subTest(sub=sub):
                self.assertInputError(run([sub, "--in", self.ok, "--no-such-option"] + EXTRA_ARGS[sub]), "--no-such-option")

    def test_missing_required_in(self):
        for sub in self_and_real(SUBCOMMANDS_WITH_IN):
            with self.subTest(sub=sub):
                self.assertInputError(run([sub] + EXTRA_ARGS[sub]), "--in")

    def test_unknown_subcommand(self):
        self.assertInputError(run(["no-such-command"]), "unknown subcommand 'no-such-command'")

    def test_bad_caps(self):
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "bogus"]),
                              "unknown capability profile 'bogus'")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "tx=outer9"]), "unknown capability flag 'outer9'")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "warp=all"]), "unknown offload 'warp'")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "tx"]), "unknown capability profile 'tx'")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "tx=all,rx"]), "capability item 'rx' is not key=value")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "max=-1"]), "max header size '-1'")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "max=0"]), "max header size '0'")
        self.assertInputError(run(["offload", "--in", self.ok, "--caps", "max=99999999999"]), "max header size")

    def test_bad_max_header(self):
        self.assertInputError(run(["offload", "--in", self.ok, "--max-header", "70000"]), "--max-header must be in 1..65535")
        self.assertInputError(run(["offload", "--in", self.ok, "--max-header", "-5"]), "--max-header")
        self.assertInputError(run(["offload", "--in", self.ok, "--max-header", "lots"]), "--max-header")

    def test_bad_corpus_options(self):
        out = os.path.join(TMP, "never.pcap")
        self.assertInputError(run(["corpus", "--preset", "no-such-preset", "--out", out]), "no-such-preset")
        self.assertInputError(run(["corpus", "--packets", "-3", "--out", out]), "--packets")
        self.assertInputError(run(["corpus", "--seed", "x", "--out", out]), "--seed")
        self.assertInputError(run(["corpus", "--outer", "ipv5", "--out", out]), "--outer: 'ipv5'")
        self.assertInputError(run(["corpus", "--zipf", "nan", "--out", out]), "--zipf")
        self.assertFalse(os.path.exists(out), "a refused request must not create the output file")

    def test_unknown_impl(self):
        for sub in ("checksum", "rss", "segment"):
            with self.subTest(sub=sub):
                if is_placeholder(sub):
                    self.skipTest("%s is still a placeholder ('not built yet')" % sub)
                self.assertInputError(run([sub, "--in", self.ok, "--impl", "no-such-impl"] + EXTRA_ARGS[sub]), "no-such-impl")


def self_and_real(subs):
    return [s for s in subs if s == "inspect" or not is_placeholder(s)]


def main():
    global ARGS, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("--encapbench", required=True)
    ap.add_argument("--catalogue", required=True)
    ap.add_argument("--sanitized", action="store_true")
    ARGS, rest = ap.parse_known_args()
    TMP = tempfile.mkdtemp(prefix="eb-cli-test-")
    EXTRA_ARGS.update({"inspect": [], "offload": [], "checksum": [], "rss": [],
                       "segment": ["--mss", "1400", "--out", os.path.join(TMP, "segments.pcap")]})
    ok = False
    try:
        ok = unittest.main(argv=[sys.argv[0]] + rest, verbosity=2, exit=False).result.wasSuccessful()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("test_cli: largest child's peak RSS %.1f MiB (bound %d MiB)" %
          (peak / 1024, (RSS_LIMIT_SANITIZED_KIB if ARGS.sanitized else RSS_LIMIT_KIB) // 1024), file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
