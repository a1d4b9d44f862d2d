#!/usr/bin/python3
"""Writes nvgre-link-scapy.pcap: ordinary NVGRE link traffic built by hand with scapy (not by
encapbench's builder), for the real-capture tests (tests/cli/test_real_capture.py).

What a hypervisor's NVGRE uplink carries, in one capture: a TCP connection (SYN with options,
SYN-ACK, pure ACKs padded to 60 bytes, data, FIN), a 4000-byte TCP send captured on the sending
host before LSO (pseudo-header seed with length 0), a data segment captured before TX checksum
offload (pseudo-header sum with the length), UDP (a DNS query padded to 60 bytes, a UDP/IPv6
datagram captured before offload), ICMP and ICMPv6 echo, an ICMPv6 neighbour solicitation, IPv6
"no next header", ARP request/reply and LLDP inside NVGRE, an outer 802.1Q tag, a frame with a
captured FCS trailer, outer IPv4 and IPv6 fragments and inner IPv4 and IPv6 fragments (scapy's
fragment()/fragment6()), and three frames that are not NVGRE (plain TCP, GRE carrying IPv4, a
GRE version 1 header).

usage: make_nvgre_link_pcap.py OUT.pcap      (the committed file was written by this script)
"""
import struct
import sys

from scapy.all import (ARP, GRE, ICMP, IP, TCP, UDP, Dot1Q, Ether, ICMPv6EchoRequest, ICMPv6ND_NS, IPv6,
                       IPv6ExtHdrFragment, Padding, Raw, fragment, fragment6, wrpcap)
from scapy.layers.dns import DNS, DNSQR

O_SRC4, O_DST4 = "192.0.2.10", "192.0.2.20"
O_SRC6, O_DST6 = "2001:db8::10", "2001:db8::20"
I_SRC4, I_DST4 = "10.1.0.1", "10.1.0.2"
I_SRC6, I_DST6 = "fd00:1::1", "fd00:1::2"
HOST_MAC, NIC_MAC = "52:54:00:00:00:01", "52:54:00:00:00:02"
VM_A, VM_B = "00:15:5d:00:01:01", "00:15:5d:00:01:02"


def nvgre(vsid, flow, outer6=False, vlan=None):
    """Outer Ethernet [802.1Q] / outer IP / GRE with the key (VSID, FlowID), Transparent Ethernet Bridging."""
    eth = Ether(src=HOST_MAC, dst=NIC_MAC)
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan)
    ip = IPv6(src=O_SRC6, dst=O_DST6) if outer6 else IP(src=O_SRC4, dst=O_DST4, flags="DF", id=0x1234)
    return eth / ip / GRE(key_present=1, key=(vsid << 8) | flow, proto=0x6558)


def inner(src=VM_A, dst=VM_B):
    return Ether(src=src, dst=dst)


def padded(frame, to=60):
    """The inner Ethernet frame padded to the 60-byte minimum, as a vSwitch sends it."""
    n = len(bytes(frame))
    return frame / Padding(load=b"\x00" * (to - n)) if n < to else frame


def pseudo_sum(src, dst, proto, length, v6):
    """The stack's pseudo-header sum, not complemented: what it leaves in the L4 field for the NIC."""
    import ipaddress
    words = ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed
    s = sum(struct.unpack("!%dH" % (len(words) // 2), words)) + proto + (length & 0xFFFF) + (length >> 16)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def main():
    out = sys.argv[1]
    frames = []
    add = frames.append
    tcp = dict(sport=49200, dport=443)
    # A TCP connection inside VSID 5001 (FlowID carries per-flow entropy).
    add(nvgre(5001, 0x2a) / inner() / IP(src=I_SRC4, dst=I_DST4) /
        TCP(flags="S", seq=1000, options=[("MSS", 1398), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None),
                                          ("WScale", 7)], **tcp))
    add(nvgre(5001, 0x2b) / inner(VM_B, VM_A) / IP(src=I_DST4, dst=I_SRC4) /
        TCP(sport=443, dport=49200, flags="SA", seq=5000, ack=1001, options=[("MSS", 1398)]))
    add(nvgre(5001, 0x2a) / padded(inner() / IP(src=I_SRC4, dst=I_DST4) / TCP(flags="A", seq=1001, ack=5001, **tcp)))
    add(nvgre(5001, 0x2a) / inner() / IP(src=I_SRC4, dst=I_DST4) /
        TCP(flags="PA", seq=1001, ack=5001, **tcp) / Raw(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"))
    # A 4000-byte send captured before LSO: IP lengths real, TCP checksum = pseudo-header sum, length 0.
    big = nvgre(5001, 0x2a) / inner() / IP(src=I_SRC4, dst=I_DST4) / TCP(flags="PA", seq=1035, ack=5001, **tcp) / \
        Raw(bytes((i * 7) & 0xFF for i in range(4000)))
    big[TCP].chksum = pseudo_sum(I_SRC4, I_DST4, 6, 0, False)
    add(big)
    # A data segment captured before TX checksum offload: pseudo-header sum with the TCP length.
    part = nvgre(5001, 0x2a) / inner() / IP(src=I_SRC4, dst=I_DST4) / TCP(flags="PA", seq=5035, ack=5001, **tcp) / \
        Raw(b"x" * 300)
    part[TCP].chksum = pseudo_sum(I_SRC4, I_DST4, 6, 20 + 300, False)
    add(part)
    add(nvgre(5001, 0x2b) / padded(inner(VM_B, VM_A) / IP(src=I_DST4, dst=I_SRC4) /
                                   TCP(sport=443, dport=49200, flags="FA", seq=5001, ack=5335)))
    # UDP: a DNS query (padded), and UDP over IPv6 inside IPv6 captured before offload.
    add(nvgre(5002, 0x07) / padded(inner() / IP(src=I_SRC4, dst="10.1.0.53") / UDP(sport=53000, dport=53) /
                                   DNS(rd=1, qd=DNSQR(qname="a.b"))))
    u6 = nvgre(5002, 0x08, outer6=True) / inner() / IPv6(src=I_SRC6, dst=I_DST6) / UDP(sport=4000, dport=4001) / \
        Raw(b"u" * 200)
    u6[UDP].chksum = pseudo_sum(I_SRC6, I_DST6, 17, 8 + 200, True)
    add(u6)
    add(nvgre(5002, 0x09) / inner() / IPv6(src=I_SRC6, dst=I_DST6) / UDP(sport=4000, dport=4001) / Raw(b"v" * 100))
    # ICMP, ICMPv6, neighbour solicitation, IPv6 no next header.
    add(nvgre(5003, 0x11) / inner() / IP(src=I_SRC4, dst=I_DST4) / ICMP(type=8, id=7, seq=1) / Raw(b"p" * 56))
    add(nvgre(5003, 0x12, outer6=True) / inner(VM_B, VM_A) / IP(src=I_DST4, dst=I_SRC4) / ICMP(type=0, id=7, seq=1) /
        Raw(b"p" * 56))
    add(nvgre(5003, 0x13) / inner() / IPv6(src=I_SRC6, dst=I_DST6) / ICMPv6EchoRequest(id=9, seq=1, data=b"q" * 32))
    add(nvgre(5003, 0x14, outer6=True) / inner(VM_A, "33:33:ff:00:00:02") /
        IPv6(src=I_SRC6, dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt=I_DST6))
    add(nvgre(5003, 0x15) / padded(inner() / IPv6(src=I_SRC6, dst=I_DST6, nh=59)))
    # Not IP inside: ARP request (broadcast) and reply, LLDP.
    add(nvgre(5004, 0x00) / padded(inner(VM_A, "ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=VM_A, psrc=I_SRC4, pdst=I_DST4)))
    add(nvgre(5004, 0x00, outer6=True) / padded(inner(VM_B, VM_A) /
                                                ARP(op=2, hwsrc=VM_B, psrc=I_DST4, hwdst=VM_A, pdst=I_SRC4)))
    add(nvgre(5004, 0x00) / padded(Ether(src=VM_A, dst="01:80:c2:00:00:0e", type=0x88CC) /
                                   Raw(bytes.fromhex("020704525400000001040403657468300602007800000000"))))
    # An outer 802.1Q tag; a captured FCS after the outer IP packet.
    add(nvgre(5005, 0x21, vlan=100) / inner() / IP(src=I_SRC4, dst=I_DST4) / UDP(sport=5000, dport=5001) / Raw(b"w" * 64))
    fcs = nvgre(5005, 0x22) / inner() / IP(src=I_SRC4, dst=I_DST4) / TCP(flags="A", seq=1, ack=1, **tcp)
    add(Ether(bytes(fcs) + b"\xde\xad\xbe\xef"))
    # Outer fragments (a 1400-byte inner datagram, fragmented by the outer IP layer).
    whole = nvgre(5006, 0x31) / inner() / IP(src=I_SRC4, dst=I_DST4) / UDP(sport=6000, dport=6001) / Raw(b"f" * 1400)
    whole = Ether(bytes(whole))
    outer_ip = whole[IP]
    outer_ip.flags = 0
    for f in fragment(outer_ip, fragsize=800):
        add(Ether(src=HOST_MAC, dst=NIC_MAC) / f)
    whole6 = nvgre(5006, 0x32, outer6=True) / inner() / IP(src=I_SRC4, dst=I_DST4) / UDP(sport=6000, dport=6002) / \
        Raw(b"g" * 1400)
    whole6 = Ether(bytes(whole6))
    ip6 = whole6[IPv6]
    ip6 = IPv6(src=ip6.src, dst=ip6.dst) / IPv6ExtHdrFragment(id=77) / ip6.payload
    for f in fragment6(ip6, 900):
        add(Ether(src=HOST_MAC, dst=NIC_MAC) / f)
    # Inner fragments: the VM's IP layer fragmented a 2000-byte datagram; each fragment is tunnelled.
    dgram = IP(src=I_SRC4, dst=I_DST4, id=0x4242) / UDP(sport=7000, dport=7001) / Raw(b"h" * 2000)
    for f in fragment(dgram, fragsize=1000):
        add(nvgre(5007, 0x41) / inner() / f)
    d6 = IPv6(src=I_SRC6, dst=I_DST6) / IPv6ExtHdrFragment(id=99) / UDP(sport=7000, dport=7002) / Raw(b"k" * 1600)
    for f in fragment6(d6, 1000):
        add(nvgre(5007, 0x42) / inner() / f)
    # Not NVGRE: plain TCP on the underlay, GRE carrying IPv4 (not 0x6558), GRE version 1 (PPTP-like).
    add(Ether(src=HOST_MAC, dst=NIC_MAC) / IP(src=O_SRC4, dst=O_DST4) / TCP(sport=22, dport=50000, flags="A"))
    add(Ether(src=HOST_MAC, dst=NIC_MAC) / IP(src=O_SRC4, dst=O_DST4) / GRE(key_present=1, key=0x100, proto=0x0800) /
        IP(src=I_SRC4, dst=I_DST4) / UDP(sport=1, dport=2))
    add(Ether(src=HOST_MAC, dst=NIC_MAC) / IP(src=O_SRC4, dst=O_DST4) / GRE(version=1, key_present=1, proto=0x880B) /
        Raw(b"\x00" * 8))
    t = 1700000000.0
    for i, f in enumerate(frames):
        f.time = t + i * 0.001
    wrpcap(out, frames)
    print("%d frames written to %s" % (len(frames), out))


if __name__ == "__main__":
    main()
