#!/usr/bin/python3
"""Regenerates the small seed corpora in fuzz/corpus/ (committed; a few KiB per target).

    /usr/bin/python3 fuzz/make_seeds.py BUILD/bin/encapbench

Frames come from the datasets presets (`encapbench corpus`), split out of the pcap it writes;
the parameter seeds of the differential targets follow each target's input layout (see the
comment at the top of fuzz/fuzz_NAME.cc). Deterministic: the presets are seeded.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

MS_KEY = bytes.fromhex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa")


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), "classic little-endian pcap expected"
    pos, frames = 24, []
    while pos + 16 <= len(data):
        _, _, caplen, _ = struct.unpack("<IIII", data[pos:pos + 16])
        frames.append(data[pos + 16:pos + 16 + caplen])
        pos += 16 + caplen
    return data, frames


def corpus(eb, tmp, preset, *extra):
    path = os.path.join(tmp, preset + ".pcap")
    subprocess.run([eb, "corpus", "--preset", preset, "--out", path] + list(extra), check=True,
                   stderr=subprocess.DEVNULL)
    return path


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    eb = sys.argv[1]
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    tmp = tempfile.mkdtemp()
    try:
        # parser: one malformed frame per error, a few mixed and header-sweep frames.
        _, mal = read_pcap(corpus(eb, tmp, "malformed"))
        seen = set()
        for i, f in enumerate(mal):
            if len(f) not in seen and len(seen) < 24:
                seen.add(len(f))
                put("parser", "malformed-%02d" % i, f)
        _, mixed = read_pcap(corpus(eb, tmp, "mixed", "--packets", "10", "--payload", "8"))
        for i, f in enumerate(mixed):
            put("parser", "mixed-%02d" % i, f)
        # ARP, ICMP, other EtherTypes, padded frames, fragments, pseudo-header-only checksums.
        _, link = read_pcap(corpus(eb, tmp, "link"))
        for i, f in enumerate(link):
            if i % 2 == 0 or i == 3:
                put("parser", "link-%02d" % i, f)
        _, sweep = read_pcap(corpus(eb, tmp, "header-sweep", "--payload", "4", "--header-size", "128"))
        for i, f in enumerate(sweep[:4]):
            put("parser", "sweep-128-%d" % i, f)
        lso_like = bytearray(mixed[0])
        put("parser", "ipv4-length-zero", bytes(lso_like[:16]) + b"\x00\x00" + bytes(lso_like[18:]))

        # pcap: small captures in each format libpcap reads.
        small_path = corpus(eb, tmp, "imix", "--packets", "3", "--payload", "4")
        raw, frames = read_pcap(small_path)
        put("pcap", "usec-3.pcap", raw)
        put("pcap", "nsec-3.pcap", open(corpus(eb, tmp, "mixed", "--packets", "2", "--payload", "2"), "rb").read())
        be = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
        for i, f in enumerate(frames):
            be += struct.pack(">IIII", i, 0, len(f), len(f)) + f
        put("pcap", "big-endian.pcap", be)
        put("pcap", "truncated-record.pcap", raw[:len(raw) - 5])
        put("pcap", "linktype-raw.pcap", raw[:20] + struct.pack("<I", 101) + raw[24:])
        ng = os.path.join(tmp, "x.pcapng")
        if shutil.which("editcap"):
            subprocess.run(["editcap", "-F", "pcapng", small_path, ng], check=True)
            put("pcap", "small.pcapng", open(ng, "rb").read())

        # checksum: [src align][dst align][initial 4][mode][length 2] data
        def cs(name, sa, da, init, mode, length, data):
            put("checksum", name, bytes([sa, da]) + struct.pack("<IB", init, mode) + struct.pack("<H", length) + data)
        cs("plain-1500", 0, 0, 0, 0, 0, bytes((i * 37 + 11) & 0xFF for i in range(1500)))
        cs("odd-63", 13, 7, 0xFFFF, 0, 0, bytes((i * 5) & 0xFF for i in range(63)))
        cs("ones-64k", 1, 3, 0xFFFFFFFF, 1 | 4, 0xFFFF, b"\xff")
        cs("guard-1499", 61, 2, 0x1234, 2, 0, bytes((i * 91) & 0xFF for i in range(1499)))
        cs("guard-repeat-9001", 5, 60, 0, 1 | 2 | 8, 9001, b"\x80\x01\xff\x00")
        cs("empty", 0, 0, 0x8000, 0, 0, b"")

        # toeplitz: [key_len-1][len][count-1][stride pad][mode][align] key tuples
        def tz(name, key, length, count, pad, mode, align, data):
            put("toeplitz", name, bytes([len(key) - 1, length, count - 1, pad, mode, align]) + key + data)
        ms_v4 = b"".join(bytes(map(int, s.split("."))) + bytes(map(int, d.split("."))) + struct.pack(">HH", sp, dp)
                         for s, d, sp, dp in [("66.9.149.187", "161.142.100.80", 2794, 1766),
                                              ("199.92.111.2", "65.69.140.83", 14230, 4739),
                                              ("24.19.198.95", "12.22.207.184", 12898, 38024)])
        tz("ms-ipv4-tcp", MS_KEY, 12, 3, 0, 0, 0, ms_v4)
        tz("ms-ipv4-stride", MS_KEY, 8, 3, 4, 0, 5, ms_v4)
        tz("ipv6-36-batch", MS_KEY, 36, 17, 3, 0, 63, bytes(range(200)))
        tz("key52-len48", bytes(range(1, 53)), 48, 9, 0, 0, 1, bytes(range(255, 0, -1)))
        tz("pipeline-frame-all", MS_KEY, 12, 1, 0, 2 | 4, 0, mixed[1])
        tz("pipeline-frame-default", MS_KEY, 36, 2, 0, 2 | 8, 0, mixed[2])
        tz("pipeline-malformed", MS_KEY, 12, 1, 0, 2 | 4, 0, mal[len(mal) // 2])

        # segment and uso (fuzz/fuzz_segmentation.h, SendParams): [mode][outer opts][inner opts][l4 opts]
        # [mss 2][payload 2][max hdr][byte][word0 4][word1 4] data
        def send(target, name, mode, oo, io, l4, mss, plen, mh, byte, w0, w1, data):
            put(target, name, bytes([mode, oo, io, l4]) + struct.pack("<HHBBII", mss, plen, mh, byte, w0, w1) + data)

        # segment: l4 opts = TCP options, byte = TCP flags, words = sequence, ids
        def sg(name, *fields):
            send("segment", name, *fields)
        sg("v4v4-1448", 0, 0, 0, 3, 1448, 9000, 0, 0x18 | 0x01 | 0x80, 1, 0x12345678, bytes(range(256)))
        sg("v6v6-ext", 2 | 4, 2, 3, 10, 1000, 4097, 0, 0x10, 0xFFFFFF00, 7, b"\x00\xff")
        sg("v4v6-gre-cs-vlan", 4 | 8 | 16 | 32, 10, 1, 0, 536, 2000, 0, 0x19, 5, 0xFFFF, b"abc")
        sg("v6v4-large-send-seed", 2 | 64 | 128, 4, 40, 5, 1400, 65000, 0, 0x18, 9, 1, b"\x5a")
        sg("one-segment", 0, 0, 0, 0, 1460, 100, 0, 0x19, 3, 3, b"x")
        sg("empty-payload", 0, 0, 0, 0, 1460, 0, 0, 0x18, 3, 3, b"")
        sg("header-too-large", 0, 10, 10, 10, 500, 3000, 210, 0x18, 3, 3, b"y")
        sg("mss-zero", 0, 0, 0, 0, 0, 3000, 0, 0x18, 3, 3, b"z")
        sg("raw-frame", 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, mixed[3])

        # uso: l4 opts bit 0 = UDP length 0, byte = port, words = ids, vsid
        def us(name, *fields):
            send("uso", name, *fields)
        us("v4v4-1418", 0, 0, 0, 0, 1418, 9000, 0, 7, 0x12345678, 0xABCDEF01, bytes(range(256)))
        us("v6v6-ext-udp-len-0", 2 | 4, 2, 3, 1, 1000, 4097, 0, 9, 0xFFFFFF00, 7, b"\x00\xff")
        us("v4v6-gre-cs-vlan", 4 | 8 | 16 | 32, 10, 1, 0, 536, 2000, 0, 1, 0xFFFF, 3, b"abc")
        us("v6v4-large-send-seed", 2 | 64 | 128, 3, 40, 1, 1400, 65000, 0, 2, 9, 1, b"\x5a")
        us("mss-1", 16, 4, 4, 0, 1, 300, 0, 3, 3, 3, b"m")
        us("whole-datagrams", 128, 0, 0, 0, 1000, 5000, 0, 4, 5, 6, b"w")
        us("one-datagram", 0, 0, 0, 0, 1460, 100, 0, 5, 3, 3, b"x")
        us("empty-payload", 0, 0, 0, 1, 1460, 0, 0, 6, 3, 3, b"")
        us("header-too-large", 2 | 4, 3, 3, 0, 500, 3000, 210, 7, 3, 3, b"y")
        us("mss-zero", 0, 0, 0, 0, 0, 3000, 0, 8, 3, 3, b"z")
        us("raw-frame", 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, mixed[4])
    finally:
        shutil.rmtree(tmp)
    for t in sorted(os.listdir(OUT)):
        d = os.path.join(OUT, t)
        files = os.listdir(d)
        print("%-10s %3d files %7d bytes" % (t, len(files), sum(os.path.getsize(os.path.join(d, f)) for f in files)))


if __name__ == "__main__":
    main()
