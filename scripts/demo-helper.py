#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""scripts/demo's helpers (run with /usr/bin/python3; no module beyond Debian's).

  mice-server --bind ADDR --port P
  mice-client --src ADDR --dst ADDR --port P --cdf FILE --rate PER_S
              --duration S --seed K [--max-size B] [--max-count N] --out FILE
  sample --ns NS --dev LABEL=IF [--dev ...] --interval S --out FILE
  probe --ns NS --src ADDR --dst ADDR --dport P [--dport ...] [--first S]
        --nexthops A=ADDR,B=ADDR
  view --xsteer BIN --socket S --samples FILE --flows-log FILE --ns NS
       --nexthops A=ADDR,B=ADDR --paths 1=A,2=B --elapsed T --duration D
       (one refresh of the live view; appends the flow table to --flows-log)
  summary --dir DIR            (reads DIR/run-*/..., writes DIR/demo.json, prints)
  plotdata --json FILE --dir DIR  (the .dat files gnuplot reads)

Mice: TCP transfers whose sizes are drawn from a flow-size CDF (one "bytes
probability" pair per line, cumulative, interpolated linearly), cut at
--max-size (the mice part of the distribution), started at Poisson times.
Each mouse sends an 8-byte length and that many bytes; the server answers one
byte once it has them all: the flow completion time is from connect() to
that byte. The same seed gives the same sizes and start times.
"""
import argparse
import bisect
import json
import os
import random
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time

LEN = struct.Struct("!Q")


def emit(obj, f=sys.stdout):
    print(json.dumps(obj, sort_keys=True), file=f, flush=True)


# ---- mice ----

def read_cdf(path):
    pts = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if len(line) >= 2:
                pts.append((float(line[0]), float(line[1])))
    if len(pts) < 2 or pts[-1][1] != 1.0:
        sys.exit(f"demo-helper: {path}: not a CDF (bytes probability, ending at 1)")
    return pts


def cdf_at(pts, size):
    """P(flow size <= size), linear between the points."""
    for (x0, p0), (x1, p1) in zip(pts, pts[1:]):
        if size <= x1:
            return p0 + (p1 - p0) * (size - x0) / (x1 - x0) if x1 > x0 else p1
    return 1.0


def cdf_inv(pts, u):
    probs = [p for _, p in pts]
    i = max(1, bisect.bisect_left(probs, u))
    (x0, p0), (x1, p1) = pts[i - 1], pts[i]
    return x0 if p1 == p0 else x0 + (x1 - x0) * (u - p0) / (p1 - p0)


class MouseHandler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(30)
        try:
            hdr = b""
            while len(hdr) < LEN.size:
                d = s.recv(LEN.size - len(hdr))
                if not d:
                    return
                hdr += d
            left = LEN.unpack(hdr)[0]
            while left > 0:
                d = s.recv(min(left, 1 << 20))
                if not d:
                    return
                left -= len(d)
            s.sendall(b"k")
        except OSError:
            pass


class Server6(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 512


def mice_server(a):
    srv = Server6((a.bind, a.port), MouseHandler)
    print("ready", flush=True)
    srv.serve_forever()


def mice_client(a):
    pts = read_cdf(a.cdf)
    pmax = cdf_at(pts, a.max_size)
    rng = random.Random(a.seed)
    plan, t = [], 0.0
    while len(plan) < a.max_count:
        t += rng.expovariate(a.rate)
        if t >= a.duration:
            break
        size = max(100, int(cdf_inv(pts, rng.random() * pmax)))
        plan.append((t, size))
    results = [None] * len(plan)
    payload = memoryview(bytes(1 << 20))

    def one(i, size):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        t0 = time.monotonic()
        res = {"start_s": round(plan[i][0], 4), "size": size, "ok": False}
        try:
            s.bind((a.src, 0))
            s.connect((a.dst, a.port))
            res["sport"] = s.getsockname()[1]
            s.sendall(LEN.pack(size))
            left = size
            while left:
                n = min(left, len(payload))
                s.sendall(payload[:n])
                left -= n
            if s.recv(1) == b"k":
                res["ok"] = True
                res["fct_ms"] = round((time.monotonic() - t0) * 1000, 3)
        except OSError as e:
            res["error"] = str(e)
        finally:
            s.close()
        results[i] = res

    threads = []
    start = time.monotonic()
    for i, (at, size) in enumerate(plan):
        ahead = start + at - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
        th = threading.Thread(target=one, args=(i, size), daemon=True)
        th.start()
        threads.append(th)
    deadline = time.monotonic() + a.timeout + 1
    for th in threads:
        th.join(max(0, deadline - time.monotonic()))
    mice = [r if r else {"start_s": p[0], "size": p[1], "ok": False, "error": "unfinished"}
            for r, p in zip(results, plan)]
    with open(a.out, "w") as f:
        json.dump({"seed": a.seed, "rate_per_s": a.rate, "max_size": a.max_size,
                   "mice": mice}, f)
    return 0


# ---- counters ----

def link_bytes(ns):
    out = subprocess.run(["ip", "-n", ns, "-s", "-j", "link", "show"],
                         capture_output=True, text=True, timeout=5).stdout
    return {l["ifname"]: l["stats64"]["rx"]["bytes"] for l in json.loads(out or "[]")}


def sample(a):
    devs = dict(d.split("=", 1) for d in a.dev)
    start = time.monotonic()
    with open(a.out, "a") as f:
        while True:
            t = time.monotonic() - start
            try:
                b = link_bytes(a.ns)
                # the read took a while (a process): date it at its middle
                mid = (t + time.monotonic() - start) / 2
                emit({"t": round(mid, 3), **{k: b.get(v, 0) for k, v in devs.items()}}, f)
            except (subprocess.SubprocessError, ValueError, KeyError):
                pass
            nxt = start + (int(t / a.interval) + 1) * a.interval
            time.sleep(max(0, nxt - time.monotonic()))


# ---- ECMP: which spine the leaf's hash picks for a 5-tuple ----

def ecmp_spine(ns, src, dst, sport, dport, nexthops, proto="tcp"):
    try:
        out = subprocess.run(["ip", "-n", ns, "-6", "-j", "route", "get", dst, "from", src,
                              "ipproto", proto, "sport", str(sport), "dport", str(dport)],
                             capture_output=True, text=True, timeout=5).stdout
        gw = json.loads(out)[0].get("gateway")
    except (subprocess.SubprocessError, ValueError, IndexError):
        return "?"
    for name, addr in nexthops.items():
        if addr == gw:
            return name
    return "?"


def parse_map(s):
    return dict(kv.split("=", 1) for kv in s.split(","))


def probe(a):
    """Distinct client ports, one per --dport, that the leaf's ECMP hash puts
    all on the same spine; prints the spine and the ports."""
    nh = parse_map(a.nexthops)
    seen = {}
    for sport in range(a.first, a.first + 400):
        for i, dport in enumerate(a.dport):
            spine = ecmp_spine(a.ns, a.src, a.dst, sport, dport, nh)
            if spine == "?" or i in seen.get(spine, {}) or \
                    sport in seen.get(spine, {}).values():
                continue
            seen.setdefault(spine, {})[i] = sport
            if len(seen[spine]) == len(a.dport):
                print(spine, *(seen[spine][j] for j in range(len(a.dport))))
                return 0
    sys.exit("demo-helper: no colliding client ports found")


# ---- live view ----

def mbps(b, dt):
    return b * 8 / dt / 1e6 if dt > 0 else 0.0


def last_rates(path, labels):
    try:
        with open(path) as f:
            lines = f.read().splitlines()[-3:]
        s = [json.loads(l) for l in lines if l.strip()]
    except (OSError, ValueError):
        return {}
    if len(s) < 2:
        return {}
    a, b = s[0], s[-1]
    return {k: mbps(b[k] - a[k], b["t"] - a["t"]) for k in labels}


def human(v, unit=""):
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:.1f}{suf}{unit}"
    return f"{v:.0f}{unit}"


def view(a):
    nh = parse_map(a.nexthops)
    names = {int(k): v for k, v in parse_map(a.paths).items()} if a.paths else {}
    rates = last_rates(a.samples, list(nh))
    try:
        out = subprocess.run([a.xsteer, "-j", "flows", "--socket", a.socket],
                             capture_output=True, text=True, timeout=5).stdout
        flows = json.loads(out)
    except (subprocess.SubprocessError, ValueError):
        flows = []
    if not isinstance(flows, list):
        flows = []
    with open(a.flows_log, "a") as f:
        emit({"t": a.elapsed, "flows": flows}, f)
    live = [x for x in flows if x.get("idle_s", 99) < 2]
    heavy = [x for x in live if x["class"] == "heavy"]
    steered = [x for x in live if x["path"] is not None]
    print(f"\033[1m-- {a.label}: t={a.elapsed:>3}/{a.duration}s   " +
          "   ".join(f"path {k}: {rates.get(k, 0):6.1f} Mbit/s" for k in nh) +
          f"   flows {len(live)}, heavy {len(heavy)}, steered {len(steered)}\033[0m")
    print(f"   {'PROTO':5} {'SOURCE':>17} -> {'DESTINATION':<16} {'RATE':>8} "
          f"{'BYTES':>8}  {'CLASS':5}  PATH")
    for x in live[:a.top]:
        if x["path"] is not None:
            where = f"{names.get(x['path'], x['path'])} (SRv6, xsteer path {x['path']})"
        elif x["proto"] in ("tcp", "udp"):
            where = ecmp_spine(a.ns, x["src"], x["dst"], x["sport"], x["dport"], nh,
                               x["proto"]) + " (ECMP hash)"
        else:
            where = "-"
        cls = "HEAVY" if x["class"] == "heavy" else "mouse"
        print(f"   {x['proto']:5} {x['src'] + '.' + str(x['sport']):>17} -> "
              f"{x['dst'] + '.' + str(x['dport']):<16} {human(x['rate_bps'], 'b'):>8} "
              f"{human(x['bytes'], 'B'):>8}  {cls:5}  {where}")
    if len(live) > a.top:
        print(f"   ... and {len(live) - a.top} more (mice)")
    return 0


# ---- summary ----

def pct(v, q):
    if not v:
        return None
    v = sorted(v)
    k = (len(v) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def load_jsonl(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    except OSError:
        pass
    return out


def run_result(d, meta, labels, paths):
    res = {"name": meta["name"], "steering": meta["steering"], "elephants": []}
    flows_log = load_jsonl(os.path.join(d, "flows.jsonl"))
    total = 0.0
    for e in meta["elephants"]:
        el = {"sport": e["sport"], "dport": e["dport"], "ecmp_spine": e["spine"],
              "goodput_mbps": None, "detected": False, "steered": False, "path": None,
              "path_name": None, "steer_delay_us": None}
        try:
            with open(os.path.join(d, f"elephant-{e['dport']}.json")) as f:
                j = json.load(f)
            el["goodput_mbps"] = round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 2)
            el["retransmits"] = j["end"]["sum_sent"].get("retransmits")
            total += el["goodput_mbps"]
        except (OSError, ValueError, KeyError) as ex:
            el["error"] = f"no iperf3 result: {ex}"
        for snap in flows_log:
            for x in snap["flows"]:
                if x["proto"] == "tcp" and x["sport"] == e["sport"] and x["dport"] == e["dport"]:
                    if x["class"] == "heavy":
                        el["detected"] = True
                    if x["path"] is not None:
                        el["steered"] = True
                        el["path"] = x["path"]
                        el["path_name"] = paths.get(str(x["path"]))
                        el["steer_delay_us"] = x.get("steer_delay_us")
                        if el.get("steered_after_s") is None:
                            el["steered_after_s"] = round(x["age_s"] - x["steered_s"], 3)
        res["elephants"].append(el)
    res["elephant_goodput_mbps"] = round(total, 2)
    try:
        with open(os.path.join(d, "mice.json")) as f:
            mice = json.load(f)["mice"]
    except (OSError, ValueError, KeyError):
        mice = []
    fct = [m["fct_ms"] for m in mice if m.get("ok")]
    res["mice"] = {"count": len(mice), "completed": len(fct),
                   "bytes": sum(m["size"] for m in mice),
                   "fct_ms_median": round(pct(fct, 0.5), 2) if fct else None,
                   "fct_ms_p99": round(pct(fct, 0.99), 2) if fct else None,
                   "fct_ms": sorted(fct)}
    # mice that mistakenly became heavy hitters
    mouse_ports = {m.get("sport") for m in mice}
    res["mice"]["heavy"] = len({x["sport"] for s in flows_log for x in s["flows"]
                                if x["class"] == "heavy" and x["sport"] in mouse_ports
                                and x["dport"] == meta["mice_port"]})
    samples = load_jsonl(os.path.join(d, "samples.jsonl"))
    series = {"t": []}
    series.update({k: [] for k in labels})
    for a, b in zip(samples, samples[1:]):
        dt = b["t"] - a["t"]
        if dt <= 0:
            continue
        series["t"].append(round(b["t"], 2))
        for k in labels:
            series[k].append(round(mbps(b[k] - a[k], dt), 2))
    res["throughput_mbps"] = series
    return res


def summary(a):
    with open(os.path.join(a.dir, "meta.json")) as f:
        top = json.load(f)
    labels = top["path_labels"]
    runs = []
    for name in top["runs"]:
        d = os.path.join(a.dir, "run-" + name)
        with open(os.path.join(d, "meta.json")) as f:
            meta = json.load(f)
        runs.append(run_result(d, meta, labels, top["xsteer_paths"]))
    top["results"] = {r["name"]: r for r in runs}
    w, s = top["results"].get("without"), top["results"].get("with")
    if w and s:
        top["steered_elephants"] = sum(1 for e in s["elephants"] if e["steered"])
        top["detected_elephants"] = sum(1 for e in s["elephants"] if e["detected"])
        top["steered_paths"] = sorted({e["path"] for e in s["elephants"] if e["steered"]})
        top["goodput_gain"] = round(s["elephant_goodput_mbps"] / w["elephant_goodput_mbps"], 2) \
            if w["elephant_goodput_mbps"] else None
    with open(os.path.join(a.dir, "demo.json"), "w") as f:
        json.dump(top, f, indent=1, sort_keys=True)
    print_summary(top)
    complete = all(e["goodput_mbps"] is not None for r in runs for e in r["elephants"]) \
        and all(r["mice"]["count"] for r in runs)
    return 0 if complete else 1


def fmt(v, unit=""):
    return "-" if v is None else f"{v:.1f}{unit}"


def print_summary(top):
    res = top["results"]
    cols = [r for r in ("without", "with") if r in res]
    head = {"without": "without steering", "with": "with steering"}
    print(f"{'':34}" + "".join(f"{head[c]:>20}" for c in cols))
    for i in range(len(res[cols[0]]["elephants"])):
        e0 = res[cols[0]]["elephants"][i]
        print(f"elephant {i + 1} (iperf3 to port {e0['dport']})")
        print(f"{'  detected (heavy hitter)':34}" + "".join(
            f"{'yes' if res[c]['elephants'][i]['detected'] else 'no':>20}" for c in cols))
        row = []
        for c in cols:
            e = res[c]["elephants"][i]
            row.append(f"via {e['path_name']} (SRv6)" if e["steered"]
                       else f"via {e['ecmp_spine']} (ECMP)")
        print(f"{'  path':34}" + "".join(f"{r:>20}" for r in row))
        print(f"{'  goodput, Mbit/s':34}" + "".join(
            f"{fmt(res[c]['elephants'][i]['goodput_mbps']):>20}" for c in cols))
    print(f"{'elephants together, Mbit/s':34}" + "".join(
        f"{fmt(res[c]['elephant_goodput_mbps']):>20}" for c in cols))
    print(f"{'mice completed':34}" + "".join(
        f"{str(res[c]['mice']['completed']) + '/' + str(res[c]['mice']['count']):>20}"
        for c in cols))
    print(f"{'mice FCT median, ms':34}" + "".join(
        f"{fmt(res[c]['mice']['fct_ms_median']):>20}" for c in cols))
    print(f"{'mice FCT p99, ms':34}" + "".join(
        f"{fmt(res[c]['mice']['fct_ms_p99']):>20}" for c in cols))
    print(f"{'mice taken for heavy hitters':34}" + "".join(
        f"{res[c]['mice']['heavy']:>20}" for c in cols))
    if "steered_elephants" in top:
        n = len(res["with"]["elephants"])
        paths = ", ".join(top["xsteer_paths"].get(str(p), str(p)) for p in top["steered_paths"])
        print(f"\nelephants detected: {top['detected_elephants']}/{n}, steered: "
              f"{top['steered_elephants']}/{n} (onto {paths or 'no path'}); elephant goodput "
              f"x{top['goodput_gain']} with steering")


def plotdata(a):
    with open(a.json) as f:
        top = json.load(f)
    labels = top["path_labels"]
    res = top["results"]
    with open(os.path.join(a.dir, "goodput.dat"), "w") as f:
        f.write("# elephant without with (Mbit/s)\n")
        for i in range(len(res["without"]["elephants"])):
            f.write(f'"elephant {i + 1}" ' + " ".join(
                str(res[n]["elephants"][i]["goodput_mbps"] or 0) for n in ("without", "with")) + "\n")
        f.write('"both together" ' + " ".join(
            str(res[n]["elephant_goodput_mbps"]) for n in ("without", "with")) + "\n")
    for name, r in res.items():
        s = r["throughput_mbps"]
        with open(os.path.join(a.dir, f"throughput-{name}.dat"), "w") as f:
            f.write("# t " + " ".join(labels) + "\n")
            for i, t in enumerate(s["t"]):
                f.write(f"{t} " + " ".join(str(s[k][i]) for k in labels) + "\n")
        fct = r["mice"]["fct_ms"]
        with open(os.path.join(a.dir, f"fct-{name}.dat"), "w") as f:
            f.write("# fct_ms cumulative_fraction\n")
            for i, v in enumerate(fct):
                f.write(f"{v} {(i + 1) / len(fct)}\n")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("mice-server")
    c.add_argument("--bind", required=True)
    c.add_argument("--port", type=int, required=True)
    c = sub.add_parser("mice-client")
    c.add_argument("--src", required=True)
    c.add_argument("--dst", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--cdf", required=True)
    c.add_argument("--rate", type=float, default=10)
    c.add_argument("--duration", type=float, required=True)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--max-size", type=int, default=1000000)
    c.add_argument("--max-count", type=int, default=1000)
    c.add_argument("--timeout", type=float, default=15)
    c.add_argument("--out", required=True)
    c = sub.add_parser("sample")
    c.add_argument("--ns", required=True)
    c.add_argument("--dev", action="append", required=True)
    c.add_argument("--interval", type=float, default=0.5)
    c.add_argument("--out", required=True)
    c = sub.add_parser("probe")
    c.add_argument("--ns", required=True)
    c.add_argument("--src", required=True)
    c.add_argument("--dst", required=True)
    c.add_argument("--dport", type=int, action="append", required=True)
    c.add_argument("--first", type=int, default=40000)
    c.add_argument("--nexthops", required=True)
    c = sub.add_parser("view")
    c.add_argument("--xsteer", required=True)
    c.add_argument("--socket", required=True)
    c.add_argument("--samples", required=True)
    c.add_argument("--flows-log", required=True)
    c.add_argument("--ns", required=True)
    c.add_argument("--nexthops", required=True)
    c.add_argument("--paths", default="")
    c.add_argument("--label", default="")
    c.add_argument("--elapsed", type=int, default=0)
    c.add_argument("--duration", type=int, default=0)
    c.add_argument("--top", type=int, default=8)
    c = sub.add_parser("summary")
    c.add_argument("--dir", required=True)
    c = sub.add_parser("plotdata")
    c.add_argument("--json", required=True)
    c.add_argument("--dir", required=True)
    a = p.parse_args()
    fn = {"mice-server": mice_server, "mice-client": mice_client, "sample": sample,
          "probe": probe, "view": view, "summary": summary, "plotdata": plotdata}[a.cmd]
    return fn(a)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
