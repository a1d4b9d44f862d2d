#!/usr/bin/python3
"""Second judge for generated NVGRE pcaps: scapy dissects each frame and recomputes every
checksum it knows (outer/inner IPv4 header, TCP/UDP, GRE) by deleting the field and rebuilding.

Prints one line per frame:
  INDEX KEY L4_OFFSET L4_PROTO IPV4=ok,ok L4=ok|bad|none|hao GRE=ok|bad|-
KEY is the GRE key in hex (or '-'), L4_OFFSET the frame offset of the inner TCP/UDP header.
L4=hao: the inner IPv6 carries a Home Address option next to padding, which scapy's in6_chksum
does not recognise (it only looks at a destination-options header holding exactly one option),
so scapy cannot judge that checksum; tshark does.
"""
import sys

from scapy.all import GRE, IP, TCP, UDP, Ether, PcapReader
from scapy.layers.inet6 import HAO, IPv6ExtHdrDestOpt


def recomputed(raw, cls, n):
    q = Ether(raw)
    layer = q.getlayer(cls, n)
    del layer.chksum
    return Ether(bytes(q)).getlayer(cls, n).chksum


def main(path):
    for i, p in enumerate(PcapReader(path)):
        raw = bytes(p)
        g = p.getlayer(GRE)
        key = "0x%08x" % g.key if g is not None and g.key_present else "-"
        v4 = []
        n = 1
        while p.getlayer(IP, n) is not None:
            v4.append("ok" if recomputed(raw, IP, n) == p.getlayer(IP, n).chksum else "bad")
            n += 1
        l4 = p.getlayer(TCP) or p.getlayer(UDP)
        if l4 is None:
            print(i, key, "-", "-", "IPV4=" + ",".join(v4), "L4=-", "GRE=-")
            continue
        cls = TCP if isinstance(l4, TCP) else UDP
        off = len(raw) - len(bytes(l4))
        hao = any(isinstance(o, HAO) for d in (p.getlayer(IPv6ExtHdrDestOpt, k) for k in range(1, 9)) if d is not None
                  for o in d.options)
        if cls is UDP and l4.chksum == 0:
            l4v = "none"
        elif hao:
            l4v = "hao"
        else:
            l4v = "ok" if recomputed(raw, cls, 1) == l4.chksum else "bad"
        grev = "-"
        if g is not None and g.chksum_present:
            grev = "ok" if recomputed(raw, GRE, 1) == g.chksum else "bad"
        print(i, key, off, cls.__name__.lower(), "IPV4=" + ",".join(v4), "L4=" + l4v, "GRE=" + grev)


if __name__ == "__main__":
    main(sys.argv[1])
