# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# etcd for xsteer's namespace tests (bash, sourced after ns.sh): a real
# etcd-server (Debian's), inside a namespace the test made, its data in the
# test's temp dir, stopped by PID (ns.sh's exit trap stops it too).
#
#   xs_etcd_start NS URL [etcd options...]   # sets XS_ETCD_PID; waits until it serves
#   xs_etcd_stop                             # SIGTERM by PID, waits for it
#   xs_etcdctl NS URL ARGS...                # etcdctl (v3 API) against URL

XS_ETCD_PID=
XS_ETCD_N=0

# etcd's peer port listens on the namespace's own loopback (one member)
xs_etcd_start()
{
	local ns=$1 url=$2 i
	shift 2
	XS_ETCD_N=$((XS_ETCD_N + 1))
	XS_ETCD_DIR=${XS_ETCD_DIR:-$XS_TMP/etcd}
	XS_ETCD_LOG=$XS_TMP/etcd.$XS_ETCD_N.log
	mkdir -p "$XS_ETCD_DIR"
	chmod 700 "$XS_ETCD_DIR"
	xs_bg XS_ETCD_PID ip netns exec "$ns" etcd --name xs-test --data-dir "$XS_ETCD_DIR" \
		--listen-client-urls "$url" --advertise-client-urls "$url" \
		--listen-peer-urls http://127.0.0.1:2380 \
		--initial-advertise-peer-urls http://127.0.0.1:2380 \
		--initial-cluster xs-test=http://127.0.0.1:2380 \
		--log-level warn "$@" >"$XS_ETCD_LOG" 2>&1
	for ((i = 0; i < 200; i++)); do
		kill -0 "$XS_ETCD_PID" 2>/dev/null || break
		# listening on the client port: it serves
		[[ -n $(ip netns exec "$ns" ss -Hltn "sport = :${url##*:}") ]] && return 0
		sleep 0.05
	done
	tail -5 "$XS_ETCD_LOG"
	xs_die "etcd did not start in $ns on $url"
}

xs_etcd_stop()
{
	[[ -n $XS_ETCD_PID ]] || return 0
	kill "$XS_ETCD_PID" 2>/dev/null
	xs_wait_pid "$XS_ETCD_PID" 15
	XS_ETCD_PID=
}

xs_etcdctl()
{
	local ns=$1 url=$2
	shift 2
	ETCDCTL_API=3 ip netns exec "$ns" etcdctl --endpoints "$url" --dial-timeout 2s \
		--command-timeout 3s "$@"
}
