#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write the seed corpus of tests/fuzz/fuzz_xdp.c into tests/fuzz/seeds-xdp/.

Each seed is the target's control byte (see fuzz_xdp.c) and a frame built by
scapy, addressed as the rows of tests/bpf/test_xdp_table.c are (xin1 ->
xin0; fast-path, no-neighbour, unreachable and MTU-1280 destinations), in
several controls: fast path on with our MAC, steered with a live or a
stalled datapath, redirect off. Run with /usr/bin/python3 (it has scapy);
the output is deterministic.
"""
import os

from scapy.all import (Ether, Dot1Q, IP, IPv6, UDP, TCP, ICMP, GRE, Raw, raw,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
                       IPv6ExtHdrFragment, ICMPv6EchoRequest, IPOption)

IN0, IN1 = "02:00:00:00:01:00", "02:00:00:00:01:01"
S4, S6 = "192.0.2.10", "fd00:1::10"
PAY = Raw(bytes(range(32)))


def e(dst=IN0):
    return Ether(src=IN1, dst=dst)


frames = {
    "ip4-udp": e() / IP(src=S4, dst="203.0.113.10") / UDP(sport=5353, dport=53) / PAY,
    "ip4-tcp": e() / IP(src=S4, dst="203.0.113.10") / TCP(sport=40000, dport=443, flags="PA") / PAY,
    "ip4-icmp": e() / IP(src=S4, dst="203.0.113.10") / ICMP(id=9) / PAY,
    "ip4-gre": e() / IP(src=S4, dst="203.0.113.10") / GRE() / PAY,
    "ip4-opts": e() / IP(src=S4, dst="203.0.113.10", options=[IPOption(b"\x01" * 7 + b"\x00")]) / UDP() / PAY,
    "ip4-frag": e() / IP(src=S4, dst="203.0.113.10", frag=8, proto=17) / PAY,
    "ip4-firstfrag": e() / IP(src=S4, dst="203.0.113.10", flags="MF") / UDP() / PAY,
    "ip4-noneigh": e() / IP(src=S4, dst="203.0.113.70") / UDP() / PAY,
    "ip4-unreach": e() / IP(src=S4, dst="203.0.113.130") / UDP() / PAY,
    "ip4-mtu": e() / IP(src=S4, dst="203.0.113.200", flags="DF") / UDP() / Raw(b"x" * 1300),
    "ip4-ttl1": e() / IP(src=S4, dst="203.0.113.10", ttl=1) / UDP() / PAY,
    "ip4-rpf": e() / IP(src="198.51.100.77", dst="203.0.113.10") / UDP() / PAY,
    "ip4-martian": e() / IP(src="127.0.0.1", dst="203.0.113.10") / UDP() / PAY,
    "ip4-bcast": e("ff:ff:ff:ff:ff:ff") / IP(src=S4, dst="255.255.255.255") / UDP() / PAY,
    "vlan-ip4": e() / Dot1Q(vlan=100) / IP(src=S4, dst="203.0.113.10") / UDP() / PAY,
    "ip6-udp": e() / IPv6(src=S6, dst="fd00:d0::10") / UDP(sport=5353, dport=53) / PAY,
    "ip6-tcp": e() / IPv6(src=S6, dst="fd00:d0::10") / TCP(sport=40000, dport=443, flags="PA") / PAY,
    "ip6-echo": e() / IPv6(src=S6, dst="fd00:d0::10") / ICMPv6EchoRequest(id=9) / PAY,
    "ip6-ext": e() / IPv6(src=S6, dst="fd00:d0::10") / IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting(type=253) / UDP() / PAY,
    "ip6-hbh": e() / IPv6(src=S6, dst="fd00:d0::10") / IPv6ExtHdrHopByHop() / UDP() / PAY,
    "ip6-frag": e() / IPv6(src=S6, dst="fd00:d0::10") / IPv6ExtHdrFragment(offset=8, nh=17) / PAY,
    "ip6-firstfrag": e() / IPv6(src=S6, dst="fd00:d0::10") / IPv6ExtHdrFragment(m=1, nh=17) / UDP() / PAY,
    "ip6-noneigh": e() / IPv6(src=S6, dst="fd00:d1::10") / UDP() / PAY,
    "ip6-mtu": e() / IPv6(src=S6, dst="fd00:d3::10") / UDP() / Raw(b"x" * 1300),
    "ip6-martian": e() / IPv6(src="::", dst="fd00:d0::10") / UDP() / PAY,
    "ip6-mcast": e("33:33:00:00:00:01") / IPv6(src=S6, dst="ff02::1") / UDP() / PAY,
}
controls = {
    "fast": 0x01 | 0x08,                        # redirect on, our MAC
    "steer": 0x01 | 0x08 | 0x10 | 0x20,         # steered, datapath alive
    "stale": 0x01 | 0x08 | 0x10,                # steered, datapath stalled
    "strict": 0x01 | 0x02 | 0x08 | 0x10 | 0x20,  # rp_filter strict, steered
    "off": 0x00,                                # redirect off, MAC unchecked
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds-xdp")
os.makedirs(out, exist_ok=True)
for name, f in frames.items():
    for cname, ctl in controls.items():
        with open(os.path.join(out, f"{name}-{cname}"), "wb") as fh:
            fh.write(bytes([ctl]) + raw(f))
