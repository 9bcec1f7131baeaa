# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared helpers for xsteer's namespace tests and benchmarks (bash, sourced).
#
#   . "$(dirname "$(readlink -f "$0")")/../lib/ns.sh"
#   xs_init "$@"          # first thing: re-execs under a private mount ns
#   xs_ns_new SND snd     # SND=xs-snd-<run id>, cleaned up at exit
#   xs_veth "$SND" s0 "$XS" h0 02:00:00:00:01:01 02:00:00:00:01:02
#   xs_pass "..." / xs_fail "..." "details" / xs_skip "..." "reason"
#   xs_finish             # exit 0 (all passed) or 1 (any failed)
#
# Everything a test makes is registered here and undone by one EXIT trap,
# also on failure. The script runs in a private mount namespace, so the
# bpffs it mounts and the /run/netns bind mounts vanish with it even if the
# cleanup itself is interrupted. DEBUG=1 keeps the topology (not the
# processes) alive and prints how to enter it and how to tear it down.
#
# Exit codes: 0 all passed, 1 a check failed, 77 the whole test skipped.
#
# XS_STRICT=1 (set by `make test`, which installs every dependency first):
# a missing command or build product is a failure, not a skip, because then
# scripts/install-deps or the Makefile lacks something. Only what the kernel
# cannot do still skips.

XS_EXIT_SKIP=77

XS_NAME=${XS_NAME:-$(basename "$0")}
XS_NPASS=0
XS_NFAIL=0
XS_NSKIP=0
XS_CLEANUP=()		# topology: undone in reverse order unless DEBUG=1
XS_PIDS=()		# processes we started: always stopped at exit
XS_NAMESPACES=()

xs_log() { printf '# %s\n' "$*"; }
xs_pass() { XS_NPASS=$((XS_NPASS + 1)); printf 'PASS: %s\n' "$*"; }
xs_fail() { XS_NFAIL=$((XS_NFAIL + 1)); printf 'FAIL: %s (%s)\n' "$1" "${2:-}"; }
xs_skip() { XS_NSKIP=$((XS_NSKIP + 1)); printf 'SKIP: %s (%s)\n' "$1" "${2:-}"; }
# one check cannot run because a tool is missing: skip by hand, fail under XS_STRICT=1
xs_skip_missing() { if [[ ${XS_STRICT:-0} == 1 ]]; then xs_fail "$1" "$2"; else xs_skip "$1" "$2"; fi; }

# xs_check DESC DETAILS CMD...: PASS if CMD succeeds, else FAIL with DETAILS.
xs_check()
{
	local desc=$1 details=$2
	shift 2
	if "$@"; then xs_pass "$desc"; else xs_fail "$desc" "$details"; fi
}

# The whole test cannot run here: say why and exit 77.
xs_skip_all()
{
	printf 'SKIP: %s (%s)\n' "$XS_NAME" "$1"
	exit "$XS_EXIT_SKIP"
}

# A setup step failed: nothing after it can be meaningful.
xs_die()
{
	printf 'FAIL: %s (%s)\n' "$XS_NAME setup" "$1"
	XS_NFAIL=$((XS_NFAIL + 1))
	exit 1
}

xs_finish()
{
	xs_log "$XS_NAME: $XS_NPASS passed, $XS_NFAIL failed, $XS_NSKIP skipped"
	((XS_NFAIL == 0)) && exit 0
	exit 1
}

# Something the project should have provided is missing: skip when run by
# hand, fail under XS_STRICT=1.
xs_missing()
{
	[[ ${XS_STRICT:-0} == 1 ]] && xs_die "$1 (a dependency the project must provide)"
	xs_skip_all "$1"
}

xs_require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			xs_missing "'$c' not found; scripts/install-deps must install it"
	done
}

# Build products a test needs: make tests builds them.
xs_require_built()
{
	local f
	for f in "$@"; do
		[[ -e $f ]] || xs_missing "$f is not built (make tests)"
	done
}

# Register a shell command that undoes a topology step.
xs_defer() { XS_CLEANUP+=("$1"); }

# Start a command in the background, remember its PID (stopped at exit).
# xs_bg VAR cmd...   (stdout/stderr: redirect inside the caller's command)
xs_bg()
{
	local -n _pid=$1
	shift
	"$@" <&0 &	# explicit: async commands would get /dev/null
	_pid=$!
	XS_PIDS+=("$_pid")
}

# Wait (bounded) for a background process; returns its exit code, or 124
# after killing it when it outlives TIMEOUT seconds.
xs_wait_pid()
{
	local pid=$1 timeout=${2:-30} i
	for ((i = 0; i < timeout * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.05
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 124
}

# Wait (bounded) until FILE holds a line matching the regex.
xs_wait_line()
{
	local file=$1 re=$2 timeout=${3:-10} i
	for ((i = 0; i < timeout * 20; i++)); do
		grep -qE -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

_xs_exit()
{
	local rc=$? pid i
	trap - EXIT
	set +e
	for pid in "${XS_PIDS[@]}"; do
		# xs_bg of a shell function records a subshell: stop its children
		# too, or they outlive the test (a daemon under `xs_nsx`, say)
		pkill -TERM -P "$pid" 2>/dev/null
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	if [[ ${DEBUG:-0} == 1 && ${#XS_NAMESPACES[@]} -gt 0 ]]; then
		_xs_debug_hold
		exit "$rc"
	fi
	for ((i = ${#XS_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${XS_CLEANUP[i]}" >/dev/null 2>&1
	done
	exit "$rc"
}

# DEBUG=1: a holder process keeps our private mount namespace (and with it
# the namespaces' /run/netns mounts and the bpffs) alive after we exit.
_xs_debug_hold()
{
	local holder script=$XS_TMP/debug-cleanup.sh i ns
	setsid sleep infinity </dev/null >/dev/null 2>&1 &
	holder=$!
	{
		echo "#!/bin/bash"
		for ((i = ${#XS_CLEANUP[@]} - 1; i >= 0; i--)); do
			printf '%s\n' "${XS_CLEANUP[i]}"
		done
	} >"$script"
	chmod +x "$script"
	xs_log "DEBUG=1: topology left up (mount namespace held by PID $holder)"
	for ns in "${XS_NAMESPACES[@]}"; do
		xs_log "  enter:    nsenter -t $holder -m ip netns exec $ns bash"
	done
	[[ -n ${XS_BPFFS:-} ]] &&
		xs_log "  bpffs:    $XS_BPFFS (inside that mount namespace)"
	xs_log "  teardown: nsenter -t $holder -m bash $script; kill $holder"
}

# Re-exec under a private mount namespace, check root, set up the temp dir
# and the EXIT trap. Call first, with "$@".
xs_init()
{
	[[ $EUID -eq 0 ]] || xs_skip_all "needs root (network namespaces, XDP)"
	if [[ -z ${XS_NS_PRIVATE:-} ]]; then
		command -v unshare >/dev/null 2>&1 || xs_skip_all "unshare not found"
		export XS_NS_PRIVATE=1
		exec unshare -m --propagation private -- "$BASH" "$0" "$@"
	fi
	command -v ip >/dev/null 2>&1 || xs_skip_all "ip (iproute2) not found"
	XS_RUN_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	XS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xsteer-${XS_NAME}.XXXXXX") ||
		xs_die "mktemp failed"
	xs_defer "rm -rf '$XS_TMP'"
	trap _xs_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Mount a bpffs for this run; libxdp pins its dispatcher state there too.
xs_bpffs_mount()
{
	XS_BPFFS=$XS_TMP/bpffs
	mkdir -p "$XS_BPFFS"
	mount -t bpf bpf "$XS_BPFFS" 2>/dev/null ||
		xs_skip_all "cannot mount a bpffs (no CONFIG_BPF_SYSCALL?)"
	xs_defer "umount -l '$XS_BPFFS'"
	export LIBXDP_BPFFS=$XS_BPFFS
}

# Run a command in a namespace.
xs_nsx()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# xs_ns_new VAR TAG: new namespace xs-TAG-<run id>, lo up, DAD and router
# solicitations off (for interfaces made after this), forwarding off.
xs_ns_new()
{
	local -n _ns=$1
	local name="xs-$2-$XS_RUN_ID"
	ip netns add "$name" || xs_die "cannot create namespace $name"
	xs_defer "ip netns del '$name'"
	XS_NAMESPACES+=("$name")
	_ns=$name
	xs_nsx "$name" sysctl -qw \
		net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.dad_transmits=0 \
		net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.forwarding=0 \
		net.ipv4.ip_forward=0 >/dev/null ||
		xs_die "sysctl in $name failed"
	ip -n "$name" link set lo up
}

# Turn on IPv4 and IPv6 forwarding in a namespace (a router).
xs_ns_forwarding()
{
	xs_nsx "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 >/dev/null ||
		xs_die "cannot enable forwarding in $1"
}

# xs_veth NS_A IF_A NS_B IF_B [MAC_A MAC_B]: a veth pair between two
# namespaces (made inside NS_A: the root namespace never sees it), both up.
xs_veth()
{
	local nsa=$1 ifa=$2 nsb=$3 ifb=$4 maca=${5:-} macb=${6:-}
	ip -n "$nsa" link add "$ifa" ${maca:+address "$maca"} type veth \
		peer name "$ifb" ${macb:+address "$macb"} netns "$nsb" ||
		xs_die "cannot create veth $nsa/$ifa <-> $nsb/$ifb"
	ip -n "$nsa" link set "$ifa" up
	ip -n "$nsb" link set "$ifb" up
}

xs_mac() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }

# Permanent neighbour: no ARP/ND, so the first packet already has one.
xs_neigh()
{
	local ns=$1 dev=$2 addr=$3 mac=$4
	ip -n "$ns" neigh replace "$addr" lladdr "$mac" dev "$dev" nud permanent ||
		xs_die "cannot add neighbour $addr on $ns/$dev"
}

# Interface counter from `ip -s -j link` (stats64): xs_link_stat NS IF rx packets
xs_link_stat()
{
	ip -n "$1" -s -j link show dev "$2" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"][sys.argv[1]][sys.argv[2]])' "$3" "$4"
}

# Does any interface of the namespace still have an XDP program?
xs_has_xdp()
{
	ip -n "$1" -d -j link show |
		/usr/bin/python3 -c 'import json,sys; sys.exit(0 if any("xdp" in l for l in json.load(sys.stdin)) else 1)'
}
