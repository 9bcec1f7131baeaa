#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Cross-check the SRv6 engine and the ICMP error builder against scapy and tshark.

For every mode (encap, encap.red, inline) x inner family (IPv6, IPv4) x 1, 2,
3 and 16 SIDs (and inline with a hop-by-hop header), the packet the engine
produces (through tests/vectors/srv6-dump.c, built here into a temporary
directory) is compared byte for byte with the packet scapy builds from its
own IPv6 / IPv6ExtHdrSegmentRouting layers (RFC 8754 / RFC 8986 field by
field); only the outer flow label is taken from the engine (it is a hash).
The engine's output is then dissected by scapy (SRH fields, inner packet) and
written to a pcap that tshark -V must dissect with the expected SRH fields and
no malformed or checksum-error expert info. ICMPv6 Packet Too Big and ICMPv4
Fragmentation Needed are checked the same way (scapy recomputes checksums).

    /usr/bin/python3 tests/vectors/check-srv6.py          # check, exit 0/1
    /usr/bin/python3 tests/vectors/check-srv6.py --c      # + C arrays of the
        scapy-built packets used as literal vectors in tests/unit/test_srv6.c
    /usr/bin/python3 tests/vectors/check-srv6.py --pcap F # keep the pcap
"""
import os
import subprocess
import sys
import tempfile

from scapy.all import Ether, IP, IPv6, UDP, TCP, Raw, wrpcap, raw  # noqa: E402
from scapy.layers.inet6 import (IPv6ExtHdrSegmentRouting, IPv6ExtHdrHopByHop,
                                ICMPv6PacketTooBig, ICMPv6DestUnreach)
from scapy.layers.inet import ICMP

ROOT = os.path.dirname(os.path.abspath(__file__)) + "/../.."
SRC = "fd00:a::1"
SIDS16 = ["fd00:%x::%x" % (0xb0 + i, i + 1) for i in range(16)]
HOPLIMIT = 77
# the scapy-built packets printed by --c for tests/unit/test_srv6.c
C_VECTORS = {("encap", "v6", 2), ("encap", "v4", 1), ("encap.red", "v6", 1),
             ("encap.red", "v4", 2), ("inline", "v6", 2), ("inline", "v4", 1)}
MAC = "02:00:00:00:00:01"
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


def build_helper(tmp):
    exe = os.path.join(tmp, "srv6-dump")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
                    "-D_GNU_SOURCE", "-I" + ROOT,
                    ROOT + "/tests/vectors/srv6-dump.c", ROOT + "/afxdp/srv6.c",
                    ROOT + "/afxdp/icmp.c", "-o", exe], check=True)
    return exe


def run(exe, *args):
    r = subprocess.run([exe] + [str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s %s: %s%s" % (exe, args[0], r.stdout, r.stderr))
    return r.stdout.split()


def inner_v6(hbh=False):
    ip = IPv6(tc=0xb9, fl=0x12345, hlim=33, src="fd00:1::10", dst="fd00:2::20")
    if hbh:
        ip = ip / IPv6ExtHdrHopByHop()
    return raw(ip / UDP(sport=40000, dport=4789) / Raw(bytes(range(37))))


def inner_v4():
    return raw(IP(tos=0xb9, id=0x4242, flags="DF", ttl=33, src="192.0.2.10",
                  dst="198.51.100.20") / TCP(sport=40000, dport=80, flags="PA") /
               Raw(bytes(range(37))))


def expected(mode, inner, sids, label):
    """The packet RFC 8754 / RFC 8986 describe, built by scapy's layers."""
    n = len(sids)
    v4 = inner[0] >> 4 == 4
    tc = inner[1] if v4 else ((inner[0] & 0x0f) << 4) | (inner[1] >> 4)
    nh = 4 if v4 else 41
    if mode == "inline" and not v4 and inner[6] != 0:
        ip = IPv6(inner)
        orig_dst, orig_nh, payload = ip.dst, ip.nh, raw(ip.payload)
        ip.remove_payload()
        ip.dst, ip.nh, ip.plen = sids[0], 43, None
        srh = IPv6ExtHdrSegmentRouting(nh=orig_nh, addresses=[orig_dst] + sids[::-1],
                                       segleft=n, lastentry=n)
        return raw(ip / srh / Raw(payload))
    outer = IPv6(tc=tc, fl=label, hlim=HOPLIMIT, src=SRC, dst=sids[0])
    if mode == "encap.red":
        if n == 1:
            outer.nh = nh
            return raw(outer / Raw(inner))
        srh = IPv6ExtHdrSegmentRouting(nh=nh, addresses=sids[:0:-1], segleft=n - 1,
                                       lastentry=n - 2)
    else:
        srh = IPv6ExtHdrSegmentRouting(nh=nh, addresses=sids[::-1], segleft=n - 1,
                                       lastentry=n - 1)
    return raw(outer / srh / Raw(inner))


def dissect(name, mode, got, inner, sids):
    """scapy's view of the engine's output: SRH fields and the inner packet."""
    p = IPv6(got)
    n = len(sids)
    v4 = inner[0] >> 4 == 4
    if p.plen != len(got) - 40 or p.version != 6:
        fail("%s: outer plen %d, version %d" % (name, p.plen, p.version))
    if mode == "encap.red" and n == 1:
        if p.nh != (4 if v4 else 41) or raw(p.payload) != inner:
            fail("%s: no-SRH encap.red next header %d" % (name, p.nh))
        return "no SRH, nh %d" % p.nh
    srh = p[IPv6ExtHdrSegmentRouting]
    inl = mode == "inline" and not v4 and inner[6] != 0
    want_list = ([IPv6(inner).dst] + sids[::-1] if inl else
                 sids[:0:-1] if mode == "encap.red" else sids[::-1])
    want_sl = n if inl else n - 1
    if (srh.type != 4 or srh.len != 2 * len(want_list) or srh.segleft != want_sl or
            srh.lastentry != len(want_list) - 1 or list(srh.addresses) != want_list or
            p.dst != sids[0]):
        fail("%s: SRH %s" % (name, srh.summary()))
    if not inl and raw(srh.payload) != inner:
        fail("%s: inner packet differs" % name)
    return "SRH type %d len %d SL %d LE %d [0]=%s nh %d" % (
        srh.type, srh.len, srh.segleft, srh.lastentry, srh.addresses[0], srh.nh)


def c_array(name, b):
    lines = ["static const uint8_t %s[%d] = {" % (name, len(b))]
    for i in range(0, len(b), 12):
        lines.append("\t" + " ".join("0x%02x," % x for x in b[i:i + 12]))
    lines.append("};")
    return "\n".join(lines)


def check_icmp(exe, frames):
    orig6 = raw(IPv6(src="fd00:1::10", dst="fd00:2::20") / UDP(sport=1, dport=2) /
                Raw(b"\xab" * 1452))
    out = bytes.fromhex(run(exe, "icmp", 1400, "fd00:ff::1", "203.0.113.1", orig6.hex())[0])
    p = IPv6(out)
    ck = p[ICMPv6PacketTooBig].cksum
    del p[ICMPv6PacketTooBig].cksum
    rebuilt = IPv6(raw(p))
    if (len(out) != 1280 or p.hlim != 255 or p.src != "fd00:ff::1" or p.dst != "fd00:1::10"
            or p[ICMPv6PacketTooBig].mtu != 1400 or rebuilt[ICMPv6PacketTooBig].cksum != ck
            or raw(p[ICMPv6PacketTooBig].payload) != orig6[:1232]):
        fail("icmp6 packet too big: %s" % p.summary())
    else:
        print("ok icmp6 ptb: len %d type %d mtu %d cksum 0x%04x (scapy agrees)" %
              (len(out), p[ICMPv6PacketTooBig].type, p[ICMPv6PacketTooBig].mtu, ck))
    frames.append(Ether(src=MAC, dst=MAC) / p)

    orig4 = raw(IP(src="192.0.2.10", dst="198.51.100.20", flags="DF") /
                UDP(sport=1, dport=2) / Raw(b"\xcd" * 1472))
    out = bytes.fromhex(run(exe, "icmp", 1400, "fd00:ff::1", "203.0.113.1", orig4.hex())[0])
    p = IP(out)
    ipck, icck = p.chksum, p[ICMP].chksum
    del p.chksum
    del p[ICMP].chksum
    rebuilt = IP(raw(p))
    if (len(out) != 576 or p.src != "203.0.113.1" or p.dst != "192.0.2.10" or
            p[ICMP].type != 3 or p[ICMP].code != 4 or p[ICMP].nexthopmtu != 1400 or
            rebuilt.chksum != ipck or rebuilt[ICMP].chksum != icck or
            raw(p[ICMP].payload) != orig4[:548]):
        fail("icmp4 frag needed: %s" % p.summary())
    else:
        print("ok icmp4 frag-needed: len %d type %d code %d mtu %d ip 0x%04x icmp 0x%04x "
              "(scapy agrees)" % (len(out), p[ICMP].type, p[ICMP].code, p[ICMP].nexthopmtu,
                                  ipck, icck))
    frames.append(Ether(src=MAC, dst=MAC) / p)


def check_tshark(pcap, want):
    """tshark's dissection: SRH type / Segments Left / Last Entry per frame,
    every checksum it can verify (ICMP, ICMPv6, IPv4, inner TCP/UDP) good."""
    fields = ["frame.number", "ipv6.routing.type", "ipv6.routing.segleft",
              "ipv6.routing.srh.last_entry", "_ws.expert.message", "ip.checksum.status",
              "icmp.checksum.status", "icmpv6.checksum.status", "udp.checksum.status",
              "tcp.checksum.status", "_ws.malformed"]
    cmd = ["tshark", "-n", "-r", pcap, "-o", "ip.check_checksum:TRUE",
           "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
           "-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        print("SKIP: tshark not installed, pcap not dissected")
        return
    rows = [line.split("|") for line in r.stdout.splitlines()]
    if r.returncode != 0 or len(rows) != len(want):
        fail("tshark: rc %d, %d of %d frames: %s" % (r.returncode, len(rows), len(want),
                                                     r.stderr))
        return
    good = 0
    for row, w in zip(rows, want):
        srh = tuple(int(x) for x in row[1:4]) if row[1] else None
        status = [x for col in row[5:10] for x in col.split(",") if x]
        # Wireshark's checksum status: 0 bad, 1 good, 2 unverified
        if srh != w or "0" in status or row[10] or "alformed" in row[4]:
            fail("tshark frame %s: SRH (type, SL, LE) %s, want %s; checksums %s; %s" %
                 (row[0], srh, w, status, row[4]))
        good += status.count("1")
    print("ok tshark: %d frames, %d SRHs with the expected type/SL/LE, %d checksums good, "
          "none bad or malformed" % (len(rows), sum(1 for w in want if w), good))


def main():
    want_c = "--c" in sys.argv
    keep = sys.argv[sys.argv.index("--pcap") + 1] if "--pcap" in sys.argv else None
    frames, vectors, want_srh = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        exe = build_helper(tmp)
        cases = [(m, fam, n) for m in ("encap", "encap.red", "inline")
                 for fam in ("v6", "v4") for n in (1, 2, 3, 16)]
        cases += [("inline", "v6hbh", 1), ("inline", "v6hbh", 3)]
        for mode, fam, n in cases:
            sids = SIDS16[:n]
            inner = inner_v4() if fam == "v4" else inner_v6(fam == "v6hbh")
            label, out = run(exe, "push", mode, SRC, ",".join(sids), HOPLIMIT, inner.hex())
            got = bytes.fromhex(out)
            want = expected(mode, inner, sids, int(label, 16))
            name = "%s %s %d SID%s" % (mode, fam, n, "s" if n > 1 else "")
            if got != want:
                diff = next(i for i in range(min(len(got), len(want)) + 1)
                            if i >= min(len(got), len(want)) or got[i] != want[i])
                fail("%s: engine %d bytes, scapy %d, first difference at byte %d" %
                     (name, len(got), len(want), diff))
                continue
            print("ok %-22s %3d bytes = scapy; %s" % (name, len(got),
                                                      dissect(name, mode, got, inner, sids)))
            frames.append(Ether(src=MAC, dst=MAC) / IPv6(got))
            srh = IPv6(got).getlayer(IPv6ExtHdrSegmentRouting)
            want_srh.append(srh and (4, srh.segleft, srh.lastentry))
            if want_c and (mode, fam, n) in C_VECTORS:
                vectors.append(c_array("vec_%s_%s_%d" % (mode.replace(".", "_"), fam, n), want))
        check_icmp(exe, frames)
        want_srh += [None, None]
        pcap = keep or os.path.join(tmp, "srv6.pcap")
        wrpcap(pcap, frames)
        check_tshark(pcap, want_srh)
    if want_c:
        print("/* inner packets: */")
        print(c_array("inner_v6", inner_v6()))
        print(c_array("inner_v4", inner_v4()))
        print("\n".join(vectors))
    print("%s: %d cases, %d failures" % ("FAIL" if failures else "PASS", len(cases) + 2, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
