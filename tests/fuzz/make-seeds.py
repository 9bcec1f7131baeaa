#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write the seed corpus of tests/fuzz/fuzz_srv6.c into tests/fuzz/seeds/.

Each seed is the target's 9-byte prefix (mode, SIDs, hop limit, headroom,
flags, MTU, ICMP buffer size; see fuzz_srv6.c) followed by a packet built by
scapy. Run with /usr/bin/python3 (it has scapy); the output is deterministic.
"""
import os
import struct

from scapy.all import IP, IPv6, UDP, TCP, Raw, raw
from scapy.layers.inet import ICMP
from scapy.layers.inet6 import (IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                IPv6ExtHdrSegmentRouting, ICMPv6DestUnreach,
                                ICMPv6EchoRequest)

A6, B6 = "fd00:1::10", "fd00:2::20"
A4, B4 = "192.0.2.10", "198.51.100.20"
PAY = Raw(bytes(range(64)))

packets = {
    "ip6-udp": IPv6(tc=0xb9, fl=0x12345, src=A6, dst=B6) / UDP(sport=4000, dport=4789) / PAY,
    "ip6-tcp": IPv6(src=A6, dst=B6) / TCP(sport=4000, dport=80, flags="PA") / PAY,
    "ip6-hbh": IPv6(src=A6, dst=B6) / IPv6ExtHdrHopByHop() / UDP() / PAY,
    "ip6-dstopt": IPv6(src=A6, dst=B6) / IPv6ExtHdrDestOpt() / UDP(sport=7) / PAY,
    "ip6-frag": IPv6(src=A6, dst=B6) / IPv6ExtHdrFragment(offset=10) / PAY,
    "ip6-srh": IPv6(src=A6, dst=B6) / IPv6ExtHdrSegmentRouting(addresses=[B6, "fd00:3::1"])
               / UDP() / PAY,
    "ip6-icmp-err": IPv6(src=A6, dst=B6) / ICMPv6DestUnreach() / IPv6(src=B6, dst=A6) / UDP(),
    "ip6-echo": IPv6(src=A6, dst=B6) / ICMPv6EchoRequest() / PAY,
    "ip6-big": IPv6(src=A6, dst=B6) / UDP() / Raw(b"\x5a" * 1452),
    "ip4-udp": IP(tos=0xb9, flags="DF", src=A4, dst=B4) / UDP(sport=4000, dport=53) / PAY,
    "ip4-tcp": IP(flags="DF", src=A4, dst=B4) / TCP(sport=4000, dport=80) / PAY,
    "ip4-opts": IP(ihl=7, options=b"\x01" * 8, flags="DF", src=A4, dst=B4) / UDP() / PAY,
    "ip4-frag": IP(flags="MF", src=A4, dst=B4) / UDP() / PAY,
    "ip4-icmp-err": IP(flags="DF", src=A4, dst=B4) / ICMP(type=3, code=4) / IP() / UDP(),
    "ip4-big": IP(flags="DF", src=A4, dst=B4) / UDP() / Raw(b"\x5a" * 1472),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
    os.makedirs(out, exist_ok=True)
    i = 0
    for name, pkt in packets.items():
        for mode in range(3):
            nsids = (i * 5) % 16
            # mode, SIDs, hop limit, headroom (enough), fix lengths, MTU, ICMP cap
            prefix = struct.pack("!BBBHBHB", mode, nsids, i % 3 * 100, 328, 1, 1400, 200)
            with open(os.path.join(out, "%s-%d" % (name, mode)), "wb") as f:
                f.write(prefix + raw(pkt))
            i += 1


if __name__ == "__main__":
    main()
