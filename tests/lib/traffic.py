#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Checkable test traffic for xsteer's namespace tests (run with /usr/bin/python3).

  udp-recv --bind ADDR --port P --count N --size S [--timeout T] [--idle T]
  udp-send --dst ADDR --port P --count N --size S [--rate PPS] [--sport P]
           [--linger T]
  tcp-recv --bind ADDR --port P --bytes M [--seed K] [--timeout T]
  tcp-send --dst ADDR --port P --bytes M [--seed K] [--timeout T] [--sport P]
  pcap-sum --file F --proto tcp|udp --src A --sport P --dst B --dport Q

UDP datagrams carry a header (magic, sequence number, count, size) and a
payload pattern that depends on the sequence number; the receiver checks
every byte, the order, and counts missing/duplicate/bad datagrams. TCP
carries M bytes of deterministic pseudo-random data (seeded); the receiver
compares the SHA-256 of what arrived with that of the expected stream.

Receivers print "ready" once bound (the caller waits for it), then one JSON
line with the result; senders print one JSON line (including the local
address and port, for flow-table lookups). pcap-sum reads a classic pcap
(tcpdump -w) and prints the packets and the sum of IP total lengths of one
5-tuple, and of its reverse direction. Exit 0 = everything checked out,
1 = a check failed, 2 = a timeout or socket error. Every wait is bounded.
"""
import argparse
import hashlib
import json
import random
import socket
import struct
import sys
import time

MAGIC = b"XSTU"
HDR = struct.Struct("!4sIII")	# magic, seq, count, size
CHUNK = 65536


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def emit(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


def pattern(size):
    # payload of datagram seq = pat[seq % 251 : seq % 251 + len]
    return bytes((i * 7 + 3) & 0xFF for i in range(size + 256))


def udp_payload(pat, seq, count, size):
    hdr = HDR.pack(MAGIC, seq, count, size)
    off = seq % 251
    return hdr + pat[off:off + size - HDR.size]


def udp_send(a):
    if a.size < HDR.size:
        sys.exit(f"traffic: --size must be at least {HDR.size}")
    s = socket.socket(family(a.dst), socket.SOCK_DGRAM)
    if a.sport:
        s.bind(("::" if family(a.dst) == socket.AF_INET6 else "0.0.0.0", a.sport))
    s.connect((a.dst, a.port))
    pat = pattern(a.size)
    start = time.monotonic()
    errors = 0
    for seq in range(a.count):
        if a.rate:
            # pace: never more than --rate datagrams per second on average
            ahead = start + seq / a.rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        try:
            s.send(udp_payload(pat, seq, a.count, a.size))
        except OSError:
            errors += 1
    elapsed = time.monotonic() - start
    local = s.getsockname()
    res = {"proto": "udp", "src": local[0], "sport": local[1], "dst": a.dst,
           "dport": a.port, "sent": a.count - errors, "send_errors": errors,
           "size": a.size, "seconds": round(elapsed, 3)}
    if a.linger:
        # ICMP errors (Packet Too Big, frag-needed) update the path MTU only
        # through a socket that is still open when they arrive
        time.sleep(a.linger)
        try:
            if family(a.dst) == socket.AF_INET6:
                res["path_mtu"] = s.getsockopt(socket.IPPROTO_IPV6, 24)  # IPV6_MTU
            else:
                res["path_mtu"] = s.getsockopt(socket.IPPROTO_IP, 14)  # IP_MTU
        except OSError:
            pass
    emit(res)
    return 0 if errors == 0 else 1


def udp_recv(a):
    s = socket.socket(family(a.bind), socket.SOCK_DGRAM)
    # SO_RCVBUFFORCE (root) goes past net.core.rmem_max without touching it
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.bind((a.bind, a.port))
    print("ready", flush=True)
    pat = pattern(a.size)
    res = {"received": 0, "good": 0, "bad": 0, "out_of_order": 0,
           "duplicates": 0, "expected": a.count, "timeout": False}
    seen = set()
    expect = 0
    deadline = time.monotonic() + a.timeout
    while res["received"] < a.count:
        left = deadline - time.monotonic()
        if res["received"]:
            # once traffic flows, a long silence means the rest was lost
            left = min(left, a.idle)
        if left <= 0:
            res["timeout"] = True
            break
        s.settimeout(left)
        try:
            data = s.recv(65536)
        except socket.timeout:
            res["timeout"] = True
            break
        res["received"] += 1
        if len(data) < HDR.size:
            res["bad"] += 1
            continue
        magic, seq, count, size = HDR.unpack_from(data)
        if magic != MAGIC or count != a.count or size != a.size or \
                len(data) != a.size or data != udp_payload(pat, seq, count, size):
            res["bad"] += 1
            continue
        if seq in seen:
            res["duplicates"] += 1
            continue
        seen.add(seq)
        if seq != expect:
            res["out_of_order"] += 1
        expect = seq + 1
        res["good"] += 1
    res["missing"] = a.count - len(seen)
    emit(res)
    ok = res["good"] == a.count and not (res["bad"] or res["out_of_order"] or
                                         res["duplicates"])
    return 0 if ok else (2 if res["timeout"] else 1)


def tcp_stream(seed, total):
    """Yields the deterministic pseudo-random byte stream in chunks."""
    rng = random.Random(seed)
    left = total
    while left > 0:
        n = min(CHUNK, left)
        yield rng.randbytes(n)
        left -= n


def tcp_send(a):
    fam = family(a.dst)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    if a.sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.sport))
    start = time.monotonic()
    h = hashlib.sha256()
    try:
        s.connect((a.dst, a.port))
        local = s.getsockname()
        for chunk in tcp_stream(a.seed, a.bytes):
            h.update(chunk)
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        # wait for the receiver's close: all data was read by then
        while s.recv(4096):
            pass
    except OSError as e:
        emit({"proto": "tcp", "error": str(e)})
        return 2
    elapsed = time.monotonic() - start
    emit({"proto": "tcp", "src": local[0], "sport": local[1], "dst": a.dst,
          "dport": a.port, "bytes": a.bytes, "sha256": h.hexdigest(),
          "seconds": round(elapsed, 3)})
    return 0


def tcp_recv(a):
    fam = family(a.bind)
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(1)
    print("ready", flush=True)
    deadline = time.monotonic() + a.timeout
    h = hashlib.sha256()
    got = 0
    res = {"timeout": False}
    try:
        ls.settimeout(a.timeout)
        c, peer = ls.accept()
        res["peer"] = peer[0]
        res["peer_port"] = peer[1]
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout
            c.settimeout(left)
            data = c.recv(1 << 20)
            if not data:
                break
            h.update(data)
            got += len(data)
        c.close()
    except socket.timeout:
        res["timeout"] = True
    except OSError as e:
        res["error"] = str(e)
    want = hashlib.sha256()
    for chunk in tcp_stream(a.seed, a.bytes):
        want.update(chunk)
    res.update({"received": got, "expected": a.bytes, "sha256": h.hexdigest(),
                "sha256_expected": want.hexdigest()})
    res["ok"] = got == a.bytes and res["sha256"] == res["sha256_expected"]
    emit(res)
    if res["ok"]:
        return 0
    return 2 if res["timeout"] or "error" in res else 1


def pcap_sum(a):
    """Count one 5-tuple (and its reverse) in an Ethernet pcap: IP lengths."""
    import ipaddress
    want_proto = {"tcp": 6, "udp": 17}[a.proto]
    fwd = (ipaddress.ip_address(a.src), a.sport, ipaddress.ip_address(a.dst), a.dport)
    rev = (fwd[2], fwd[3], fwd[0], fwd[1])
    res = {"packets": 0, "bytes": 0, "reverse_packets": 0, "reverse_bytes": 0,
           "other": 0}
    with open(a.file, "rb") as f:
        gh = f.read(24)
        if len(gh) < 24:
            sys.exit("traffic: pcap-sum: short pcap header")
        magic = gh[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            end = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            end = ">"
        else:
            sys.exit("traffic: pcap-sum: not a classic pcap (pcapng?)")
        linktype = struct.unpack(end + "I", gh[20:24])[0]
        if linktype != 1:
            sys.exit(f"traffic: pcap-sum: link type {linktype}, want Ethernet (1)")
        rec = struct.Struct(end + "IIII")
        while True:
            rh = f.read(rec.size)
            if len(rh) < rec.size:
                break
            _, _, caplen, _ = rec.unpack(rh)
            pkt = f.read(caplen)
            et = struct.unpack_from("!H", pkt, 12)[0] if len(pkt) >= 14 else 0
            l3 = pkt[14:]
            if et == 0x0800 and len(l3) >= 20:
                ihl = (l3[0] & 0x0F) * 4
                iplen = struct.unpack_from("!H", l3, 2)[0]
                proto = l3[9]
                s_, d_ = ipaddress.ip_address(l3[12:16]), ipaddress.ip_address(l3[16:20])
                l4 = l3[ihl:]
            elif et == 0x86DD and len(l3) >= 40:
                iplen = 40 + struct.unpack_from("!H", l3, 4)[0]
                proto = l3[6]
                s_, d_ = ipaddress.ip_address(l3[8:24]), ipaddress.ip_address(l3[24:40])
                l4 = l3[40:]
            else:
                res["other"] += 1
                continue
            if proto != want_proto or len(l4) < 4:
                res["other"] += 1
                continue
            sp, dp = struct.unpack_from("!HH", l4)
            t = (s_, sp, d_, dp)
            if t == fwd:
                res["packets"] += 1
                res["bytes"] += iplen
            elif t == rev:
                res["reverse_packets"] += 1
                res["reverse_bytes"] += iplen
            else:
                res["other"] += 1
    emit(res)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    u = sub.add_parser("udp-send")
    u.add_argument("--dst", required=True)
    u.add_argument("--port", type=int, required=True)
    u.add_argument("--count", type=int, default=1000)
    u.add_argument("--size", type=int, default=1000, help="UDP payload bytes")
    u.add_argument("--rate", type=float, default=20000, help="pps, 0 = flat out")
    u.add_argument("--sport", type=int, default=0)
    u.add_argument("--linger", type=float, default=0,
                   help="keep the socket open this long after the last datagram")

    u = sub.add_parser("udp-recv")
    u.add_argument("--bind", required=True)
    u.add_argument("--port", type=int, required=True)
    u.add_argument("--count", type=int, default=1000)
    u.add_argument("--size", type=int, default=1000)
    u.add_argument("--timeout", type=float, default=10)
    u.add_argument("--idle", type=float, default=2,
                   help="give up after this long without a datagram")

    t = sub.add_parser("tcp-send")
    t.add_argument("--dst", required=True)
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--bytes", type=int, default=10 << 20)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--timeout", type=float, default=20)
    t.add_argument("--sport", type=int, default=0)

    t = sub.add_parser("tcp-recv")
    t.add_argument("--bind", required=True)
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--bytes", type=int, default=10 << 20)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--timeout", type=float, default=20)

    c = sub.add_parser("pcap-sum")
    c.add_argument("--file", required=True)
    c.add_argument("--proto", choices=("tcp", "udp"), default="tcp")
    c.add_argument("--src", required=True)
    c.add_argument("--sport", type=int, required=True)
    c.add_argument("--dst", required=True)
    c.add_argument("--dport", type=int, required=True)

    a = p.parse_args()
    fn = {"udp-send": udp_send, "udp-recv": udp_recv,
          "tcp-send": tcp_send, "tcp-recv": tcp_recv, "pcap-sum": pcap_sum}[a.cmd]
    return fn(a)


if __name__ == "__main__":
    sys.exit(main())
