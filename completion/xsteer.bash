# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bash completion for xsteer(8). Needs nothing but bash (bash-completion's
# helpers are not used), so it also works when sourced by hand.
#
# The option table below is what `xsteer CMD --help` prints, one entry per
# option: "-s,--long=METAVAR", "--long=METAVAR", "-s,--long" or "--long".
# tests/ops/test-docs fails when the two differ.

_xsteer_cmds='attach detach flows stats run steer status paths path top fleet help'
_xsteer_global='-j --json -v --verbose -h --help -V --version'

declare -gA _xsteer_opts=(
	[attach]='-d,--dev=IF -u,--uplink=IF -m,--mode=MODE --fastpath=HOW
		--flow-table-size=N --steer-table-size=N --pin-dir=DIR
		-j,--json -v,--verbose -h,--help'
	[detach]='-d,--dev=IF --keep-maps --pin-dir=DIR
		-j,--json -v,--verbose -h,--help'
	[flows]='-t,--tenant=NAME --socket=PATH -d,--dev=IF -n,--top=N -s,--sort=KEY
		--tracked --pin-dir=DIR -j,--json -v,--verbose -h,--help'
	[stats]='-t,--tenant=NAME -f,--format=FMT --socket=PATH -d,--dev=IF --pin-dir=DIR
		-j,--json -v,--verbose -h,--help'
	[run]='-t,--tenant=NAME -c,--config=FILE -d,--dev=IF -u,--uplink=IF --host-if=IF
		--netns=NAME --pin-dir=DIR --socket=PATH --metrics-file=PATH --hop-limit=N
		-m,--mode=MODE --fastpath=HOW --flow-table-size=N --flow-reserve=N
		--steer-table-size=N --frames=N --ring-size=N --batch=N --fleet-endpoints=URLS
		--fleet-prefix=PREFIX --fleet-host=NAME --fleet-lease-ttl=TIME -p,--path=SPEC --no-need-wakeup --no-encap
		--keep-caps -j,--json -v,--verbose -h,--help'
	[steer]='-d,--dev=IF -f,--flow=TUPLE -p,--path=ID --pin-dir=DIR
		-j,--json -v,--verbose -h,--help'
	[status]='-t,--tenant=NAME --socket=PATH -j,--json -v,--verbose -h,--help'
	[paths]='-t,--tenant=NAME --socket=PATH -j,--json -v,--verbose -h,--help'
	[path]='-t,--tenant=NAME --socket=PATH -i,--id=ID -s,--segments=SIDS --pool=POOL
		--prefix=PREFIX --encap=MODE --name=NAME -j,--json -v,--verbose -h,--help'
	[top]='-t,--tenant=NAME --socket=PATH -i,--interval=TIME -n,--top=N --iterations=N
		-j,--json -v,--verbose -h,--help'
	[fleet]='-t,--tenant=NAME --socket=PATH -j,--json -v,--verbose -h,--help'
	[help]='-j,--json -v,--verbose -h,--help'
)

# positional words of a command
declare -gA _xsteer_words=(
	[steer]='add del list'
	[path]='add del'
)

# where the completion looks (tests point these elsewhere)
_xsteer_run_dir=/run/xsteer
_xsteer_netns_dir=/run/netns
_xsteer_net_dir=/sys/class/net

# tenants with a running daemon (control socket); with $1 = run, also the
# tenant namespaces (xs-NAME) a daemon could start in
_xsteer_tenants()
{
	local f n
	for f in "$_xsteer_run_dir"/*.sock; do
		[[ -e $f ]] || continue
		n=${f##*/}
		printf '%s\n' "${n%.sock}"
	done
	[[ ${1:-} == run ]] || return 0
	for f in "$_xsteer_netns_dir"/xs-*; do
		n=${f##*/xs-}
		[[ -e $f && $n =~ ^[a-z0-9][a-z0-9-]{0,9}$ ]] && printf '%s\n' "$n"
	done
}

# names of the entries of directory $1
_xsteer_glob()
{
	local f
	for f in "$1"/*; do
		[[ -e $f ]] && printf '%s\n' "${f##*/}"
	done
}

# the command a word names: itself, or the one command it is a prefix of
_xsteer_resolve()
{
	local c m=""
	for c in $_xsteer_cmds; do
		[[ $c == "$1" ]] && { printf '%s' "$c"; return 0; }
		if [[ $c == "$1"* ]]; then
			[[ -n $m ]] && return 1
			m=$c
		fi
	done
	[[ -n $m ]] && printf '%s' "$m"
}

# entry for option word $2 of command $1 (long name or unique long prefix, or -s)
_xsteer_optentry()
{
	local e l s hit="" n=0
	for e in ${_xsteer_opts[$1]}; do
		l=${e#*--}
		l=--${l%%=*}
		s=""
		[[ $e == -?,* ]] && s=${e:0:2}
		if [[ $2 == "$l" || $2 == "$s" ]]; then
			printf '%s' "$e"
			return 0
		fi
		[[ $2 == --?* && $l == "$2"* ]] && { hit=$e; n=$((n + 1)); }
	done
	((n == 1)) && printf '%s' "$hit"
}

# COMPREPLY for the value of option entry $2 of command $1, word $3
_xsteer_values()
{
	local cmd=$1 cur=$3 name=${2#*--} words=""
	name=${name%%=*}
	case $name in
	mode) words='native skb' ;;
	fastpath) words='auto redirect pass' ;;
	sort) words='rate bytes' ;;
	pool) words='heavy default disjoint' ;;
	encap) words='encap encap.red inline' ;;
	format) words='table json prometheus' ;;
	tenant) words=$(_xsteer_tenants "$cmd" | sort -u) ;;
	netns) words=$(_xsteer_glob "$_xsteer_netns_dir") ;;
	dev | uplink | host-if) words=$(_xsteer_glob "$_xsteer_net_dir") ;;
	config | socket | metrics-file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	pin-dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	esac
	# numbers, ids, SID lists, flows, labels: nothing to offer
	[[ -n $words ]] || return 0
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

_xsteer()
{
	local cur=${COMP_WORDS[COMP_CWORD]} i w cmd="" e opts o
	local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}")
	COMPREPLY=()

	# "--opt=val": bash splits it at '=' (COMP_WORDBREAKS)
	if [[ $cur == = ]]; then
		words+=("${COMP_WORDS[COMP_CWORD - 1]}")
		cur=""
	fi
	if ((${#words[@]} >= 2)) && [[ ${words[-1]} == = ]]; then
		unset 'words[-1]'
	fi

	# the command: the first word after the global options
	for ((i = 1; i < ${#words[@]}; i++)); do
		w=${words[i]}
		[[ $w == -* ]] && continue
		cmd=$(_xsteer_resolve "$w") || cmd=""
		[[ -n $cmd ]] || return 0
		break
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_xsteer_global" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_xsteer_cmds" -- "$cur")
		fi
		return 0
	fi

	# "--opt=val" as one word (when '=' is not in COMP_WORDBREAKS)
	if [[ $cur == --*=* ]]; then
		e=$(_xsteer_optentry "$cmd" "${cur%%=*}")
		[[ $e == *=* ]] || return 0
		_xsteer_values "$cmd" "$e" "${cur#*=}"
		COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		return 0
	fi

	# the value of an option?
	w=${words[-1]}
	if ((${#words[@]} > i + 1)) && [[ $w == -* ]]; then
		e=$(_xsteer_optentry "$cmd" "$w")
		if [[ $e == *=* ]]; then
			_xsteer_values "$cmd" "$e" "$cur"
			return 0
		fi
	fi

	if [[ $cur == -* ]]; then
		opts=""
		for e in ${_xsteer_opts[$cmd]}; do
			o=${e#*--}
			opts+=" --${o%%=*}"
		done
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi

	# positional words (add|del|list, help's COMMAND): one, anywhere
	local pos=${_xsteer_words[$cmd]:-}
	[[ $cmd == help ]] && pos=$_xsteer_cmds
	[[ -n $pos ]] || return 0
	for ((i = i + 1; i < ${#words[@]}; i++)); do
		w=${words[i]}
		if [[ $w == = ]]; then
			((i += 1))	# "--opt = val": skip val
		elif [[ $w == -* ]]; then
			[[ $w != *=* && ${words[i + 1]:-} != = &&
				$(_xsteer_optentry "$cmd" "$w") == *=* ]] && ((i += 1))
		else
			return 0	# the positional word is there already
		fi
	done
	mapfile -t COMPREPLY < <(compgen -W "$pos" -- "$cur")
	return 0
}

complete -F _xsteer xsteer
