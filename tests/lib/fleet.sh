# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Fleet mode's topology and daemons (bash, sourced after ns.sh and etcd.sh),
# shared by tests/ns/test-fleet and scripts/demo-fleet:
#
#  host H1 fd00:11::1 -- XS1 [xh1 XDP | xu1 fd00:f1::1] --+            spine A (End fd00:a::1)
#                         xsteer run (h1/blue)            |   fa  a0 +-----+ a1 =tbf=> ea +--------+
#                                                         +--+ leaf F +     |              | egress | er -- R fd00:2::1
#  host H2 fd00:12::1 -- XS2 [xh2 XDP | xu2 fd00:f2::1] --+  | ECMP   | fb  b0 +-----+ b1 =tbf=> eb | End.DX6|   (iperf3 -s)
#                         xsteer run (h2/blue)               +--------+        spine B (End fd00:b::1) +--------+
#                                                              | fk
#                                                         etcd K fd00:c::1:2379 (data in the temp dir)
#
#   xs_fleet_topology RATE      # namespaces H1 H2 XS1 XS2 F A B E R K; tbf RATE Mbit/s
#   xs_fleet_etcd               # etcd in K on $URL
#   start_daemon N FLEET(0|1) [PATHS] # daemon of host N (D$N: its PID, LOG$N: its log);
#                               # PATHS: its file's paths, "12" (default) or "1" (via A only)
#   stop_daemon N               # SIGTERM, then the XDP program and its maps go
#   xsj N CMD                   # xsteer -j CMD of daemon N
#   flow_path N SPORT           # the path of daemon N's TCP flow from SPORT, or -
# Needs XSTEER, XS_BPFFS, PY; TTL (lease, s) and PREFIX (etcd keys).

xs_fleet_topology()
{
	local RATE=$1
	xs_ns_new H1 host1
	xs_ns_new H2 host2
	xs_ns_new XS1 xsteer1
	xs_ns_new XS2 xsteer2
	xs_ns_new F leaf
	xs_ns_new A spinea
	xs_ns_new B spineb
	xs_ns_new E egress
	xs_ns_new R recv
	xs_ns_new K etcd
	for ns in "$XS1" "$XS2" "$F" "$A" "$B" "$E"; do
		xs_ns_forwarding "$ns"
		xs_nsx "$ns" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
			net.ipv6.conf.default.seg6_enabled=1 >/dev/null
	done
	xs_nsx "$F" sysctl -qw net.ipv6.fib_multipath_hash_policy=1 >/dev/null
	for i in 1 2; do
		h=H$i x=XS$i
		xs_veth "${!h}" hs$i "${!x}" xh$i
		xs_veth "${!x}" xu$i "$F" f$i
		xs_nsx "${!h}" ethtool -K hs$i tx off tso off gso off >/dev/null
		xs_nsx "$F" ethtool -K f$i gro on >/dev/null
	done
	xs_veth "$F" fa "$A" a0
	xs_veth "$F" fb "$B" b0
	xs_veth "$A" a1 "$E" ea
	xs_veth "$B" b1 "$E" eb
	xs_veth "$E" er "$R" r0
	xs_veth "$F" fk "$K" k0
	addr() { ip -n "$1" addr add "$3" dev "$2" nodad || xs_die "address $3 on $1/$2"; }
	addr "$H1" hs1 fd00:11::1/64;  addr "$XS1" xh1 fd00:11::fe/64
	addr "$H2" hs2 fd00:12::1/64;  addr "$XS2" xh2 fd00:12::fe/64
	addr "$XS1" xu1 fd00:f1::1/64; addr "$F" f1 fd00:f1::2/64
	addr "$XS2" xu2 fd00:f2::1/64; addr "$F" f2 fd00:f2::2/64
	addr "$F" fa fd00:fa::1/64;    addr "$A" a0 fd00:fa::2/64
	addr "$F" fb fd00:fb::1/64;    addr "$B" b0 fd00:fb::2/64
	addr "$A" a1 fd00:ae::1/64;    addr "$E" ea fd00:ae::2/64
	addr "$B" b1 fd00:be::1/64;    addr "$E" eb fd00:be::2/64
	addr "$E" er fd00:2::fe/64;    addr "$R" r0 fd00:2::1/64
	addr "$F" fk fd00:c::fe/64;    addr "$K" k0 fd00:c::1/64
	ip -n "$H1" route add default via fd00:11::fe
	ip -n "$H2" route add default via fd00:12::fe
	ip -n "$XS1" route add default via fd00:f1::2
	ip -n "$XS2" route add default via fd00:f2::2
	ip -n "$F" route add fd00:2::/64 nexthop via fd00:fa::2 dev fa nexthop via fd00:fb::2 dev fb
	ip -n "$F" route add fd00:a::/64 via fd00:fa::2
	ip -n "$F" route add fd00:b::/64 via fd00:fb::2
	ip -n "$F" route add fd00:11::/64 via fd00:f1::1
	ip -n "$F" route add fd00:12::/64 via fd00:f2::1
	ip -n "$K" route add default via fd00:c::fe
	for s in a b; do
		ns=$([[ $s == a ]] && echo "$A" || echo "$B")
		ip -n "$ns" route add fd00:$s::1/128 encap seg6local action End dev ${s}0
		ip -n "$ns" route add fd00:e::/64 via fd00:${s}e::2
		ip -n "$ns" route add fd00:2::/64 via fd00:${s}e::2
		ip -n "$ns" route add default via fd00:f$s::1
		xs_nsx "$ns" sysctl -qw net.ipv6.conf.${s}0.seg6_enabled=1 >/dev/null
		xs_nsx "$ns" tc qdisc add dev ${s}1 root tbf rate "${RATE}mbit" burst 64kb latency 20ms ||
			xs_die "tbf on spine $s"
	done
	ip -n "$E" route add fd00:e::6/128 encap seg6local action End.DX6 nh6 fd00:2::1 dev er
	ip -n "$E" route add default via fd00:ae::1
	xs_nsx "$E" sysctl -qw net.ipv6.conf.ea.seg6_enabled=1 net.ipv6.conf.eb.seg6_enabled=1 >/dev/null
	ip -n "$R" route add default via fd00:2::fe
}

URL=http://[fd00:c::1]:2379
PREFIX=${PREFIX:-/xsteer-test}

xs_fleet_etcd()
{
	xs_etcd_start "$K" "$URL"
}
ctl() { xs_etcdctl "$K" "$URL" "$@"; }

# --- the daemons ---
# The congestion reaction is off (no number of signals, no RTO moves): it
# would move a collided elephant after it suffered losses; these runs
# compare where the elephants are placed.
conf() {	# N FLEET(0|1) [PATHS]
	cat <<CONF
[xsteer]
sr-source = fd00:f$1::1
[classifier]
heavy-rate = 10M
heavy-bytes = 2M
scan-period = 100ms
idle-timeout = 3s
[congestion]
signals = 1000000
periods = 1000
rto-gap = 60s
[path via-a]
id = 1
pool = heavy
prefix = fd00:2::/64
segments = fd00:a::1, fd00:e::6
CONF
	[[ ${3:-12} == *2* ]] && cat <<CONF
[path via-b]
id = 2
pool = heavy
prefix = fd00:2::/64
segments = fd00:b::1, fd00:e::6
CONF
	(($2)) && cat <<CONF
[fleet]
endpoints = $URL
prefix = $PREFIX
host = h$1
lease-ttl = ${TTL}s
CONF
}

NSTART=0
start_daemon() {	# N FLEET [PATHS]
	local n=$1 h=H$1 x=XS$1 log
	NSTART=$((NSTART + 1))
	log=$XS_TMP/run$NSTART-h$n.log
	conf "$n" "$2" "${3:-12}" >"$XS_TMP/h$n.conf"
	# each host is a machine of its own: its own /run/xsteer (the tenant's
	# lock and socket directory), in the mount namespace ip netns exec makes
	mkdir -p /run/xsteer
	xs_bg "SUB$n" xs_nsx "${!h}" bash -c 'mount -t tmpfs -o mode=0700 xs-run /run/xsteer &&
		exec "$@"' run-host "$XSTEER" -v run --tenant blue --config "$XS_TMP/h$n.conf" \
		--netns "${!x}" --host-if hs$n --dev xh$n --uplink xu$n \
		--pin-dir "$XS_BPFFS/x$n" --socket "$XS_TMP/h$n.sock" >"$log" 2>&1
	xs_wait_line "$log" 'xsteer running' 15 || { cat "$log"; xs_die "daemon h$n did not start"; }
	local sub=SUB$n
	eval "D$n=\$(pgrep -P \"\${!sub}\" | head -1)"
	eval "LOG$n=\$log"
}
stop_daemon() {	# N: SIGTERM, then the XDP program and its maps go
	local n=$1 d=D$1 x=XS$1
	kill "${!d}" 2>/dev/null
	for ((i = 0; i < 200; i++)); do kill -0 "${!d}" 2>/dev/null || break; sleep 0.05; done
	xs_nsx "${!x}" "$XSTEER" detach --dev xh$n --pin-dir "$XS_BPFFS/x$n" >/dev/null 2>&1
}
xsj() { "$XSTEER" -j "$2" --socket "$XS_TMP/h$1.sock"; }
# the path of the flow from source port SPORT in daemon N's table (or -)
flow_path() {
	xsj "$1" flows | $PY -c 'import json,sys
for f in json.load(sys.stdin):
    if f["proto"] == "tcp" and f["sport"] == int(sys.argv[1]):
        print(f["path"] if f["path"] is not None else "-"); break
else: print("-")' "$2"
}

