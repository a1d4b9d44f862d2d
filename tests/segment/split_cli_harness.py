"""What the end-to-end checks of the commands that split sends (cli_segment.py for `encapbench
segment`, tests/uso/cli_uso.py for `encapbench uso`) share: running encapbench and collecting
failures, reading and writing classic pcap files (scapy cuts records above 65535 bytes; 64 KiB
sends are longer), tshark's checksum verdicts, and the scapy layers of an NVGRE frame."""
import os
import struct
import subprocess
import sys

from scapy.all import GRE, Dot1Q, Ether  # noqa: E402


class Harness:
    def __init__(self, encapbench, workdir):
        self.eb, self.work = encapbench, workdir
        os.makedirs(workdir, exist_ok=True)
        self.failures = []

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
            print("FAIL:", what, file=sys.stderr)

    def run(self, *args, expect=None):
        p = subprocess.run([self.eb, *args], capture_output=True, text=True)
        if expect is not None:
            self.check(p.returncode == expect,
                       f"{' '.join(args)}: exit {p.returncode}, expected {expect}: {p.stderr.strip()}")
        return p

    def path(self, name):
        return os.path.join(self.work, name)

    def usage_errors(self, command, input_pcap, cases):
        """Each argument list of `cases` exits 2 with one line on stderr; so does a missing input."""
        for args in cases:
            p = self.run(command, "--in", input_pcap, "--out", self.path("x.pcap"), *args, expect=2)
            self.check(p.stderr.count("\n") == 1 and p.stderr.startswith("encapbench: "),
                       f"{args}: one-line error, got {p.stderr!r}")
        self.run(command, "--in", self.path("missing.pcap"), "--mss", "1000", "--out", self.path("x.pcap"), expect=2)

    def same_as_reference(self, command, input_pcap, mss, impls, skip=("cannot run here",)):
        """Every implementation of `impls` writes the file `--impl reference` writes; one whose error
        (exit 2) says one of `skip` does not run here and is passed over."""
        self.run(command, "--in", input_pcap, "--mss", str(mss), "--out", self.path("ref.pcap"), "--impl", "reference",
                 expect=0)
        ref_bytes = open(self.path("ref.pcap"), "rb").read()
        for impl in impls:
            out = self.path(impl + ".pcap")
            p = self.run(command, "--in", input_pcap, "--mss", str(mss), "--out", out, "--impl", impl)
            if p.returncode == 2 and any(s in p.stderr for s in skip):
                continue
            self.check(p.returncode == 0, f"--impl {impl}: exit {p.returncode} {p.stderr.strip()}")
            self.check(open(out, "rb").read() == ref_bytes, f"--impl {impl}: output differs from the reference's")

    def finish(self, name):
        if self.failures:
            print(f"{len(self.failures)} failure(s)", file=sys.stderr)
            sys.exit(1)
        print(f"{name}: ok")


def read_pcap(name):
    """The records of a classic pcap file (either byte order)."""
    data = open(name, "rb").read()
    magic = struct.unpack_from("<I", data, 0)[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    out, off = [], 24
    while off + 16 <= len(data):
        _s, _f, incl, _orig = struct.unpack_from(end + "IIII", data, off)
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def tshark_checksum_statuses(pcap, l4):
    """Per frame, tshark's (IP statuses, L4 status, GRE status) with checksum validation on; l4 is
    "tcp" or "udp". A status is "1" when good; an absent field is ""."""
    out = subprocess.run(["tshark", "-n", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", f"{l4}.check_checksum:TRUE",
                          "-T", "fields", "-E", "separator=;", "-e", "ip.checksum.status", "-e",
                          f"{l4}.checksum.status", "-e", "gre.checksum.status"], capture_output=True, text=True).stdout
    return [tuple((line.split(";") + ["", "", ""])[:3]) for line in out.splitlines()]


def all_good(statuses):
    """Whether every checksum tshark reported for one frame (tshark_checksum_statuses) is good."""
    ip, l4, gre = statuses
    vals = [v for v in ip.split(",") if v] + ([l4] if l4 else []) + ([gre] if gre else [])
    return all(v == "1" for v in vals)


def outer_ip(pkt):
    """The outer IP layer (IPv4 or IPv6), after an optional 802.1Q tag."""
    l3 = pkt[Ether].payload
    return l3.payload if isinstance(l3, Dot1Q) else l3


def inner_ip(pkt):
    """The inner IP layer (below GRE / inner Ethernet)."""
    return pkt.getlayer(GRE).getlayer(Ether).payload
