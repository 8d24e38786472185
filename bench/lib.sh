# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
# shellcheck shell=bash
#
# Helpers of bench/run, sourced after tests/netns/lib.sh: timing and statistics, waiting
# for a userspace device to be really gone, and the process and memory counts.

now() { date +%s%N; }

# tool TOOL up|down IF (the floor's functions come from floor.sh)
tool() {
	case $1 in
	floor) "floor_$2" "$3" ;;
	wgq) "$WGQ" "$2" "$3" ;;
	wgq-netns) "$WGQ" "$2" --netns bench "$3" ;;
	wg-quick) wg-quick "$2" "$3" ;;
	esac
}

# stats "v1 v2 ...": "median min max" (integers)
stats() {
	tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      printf "%d %d %d", m, v[1], v[NR] }'
}

# ratio A B: A/B with two decimals ("-" when either is missing)
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "") print "-"; else printf "%.2f", a / (b > 0 ? b : 1) }'
}

# settle IF: wait until IF's link, socket and wireguard-go process are all gone. A
# userspace device with many peers takes seconds to exit after its link went, burning
# CPU that would otherwise be charged to the next run.
settle() {
	local i
	for ((i = 0; i < 1000; i++)); do
		[ ! -e "/sys/class/net/$1" ] && [ ! -e "/run/wireguard/$1.sock" ] &&
			! pgrep --ns $$ --nslist net -f "^wireguard-go $1\$" >/dev/null && return 0
		sleep 0.01
	done
	echo "bench: $1 did not go away" >&2
	return 1
}

# cycle TOOL IF: one up and one down, then settle. Prints "upms downms"; 1 on failure.
cycle() {
	local t0 t1 t2
	t0=$(now)
	tool "$1" up "$2" >/dev/null 2>&1 || return 1
	t1=$(now)
	sleep 0.1 # the new device's goroutines start up
	t2=$(now)
	tool "$1" down "$2" >/dev/null 2>&1 || return 1
	echo "$(((t1 - t0) / 1000000)) $((($(now) - t2) / 1000000))"
	settle "$2"
}

# procs CMD...: how many programs CMD ran (successful execve calls of CMD and of its
# subshells, CMD itself not counted). strace lets go of a process at its execve, so the
# programs' own children are not counted and a daemon does not keep strace waiting.
procs() {
	strace -f -b execve -qq -e trace=execve -e signal=none -o "$SANDBOX/strace" "$@" \
		>/dev/null 2>&1
	echo $(($(grep -cE 'execve\(.*( = 0|<detached \.\.\.>)$' "$SANDBOX/strace") - 1))
}

# peak_rss CMD...: the largest resident set (KiB) of CMD and the children it waited for.
peak_rss() {
	/usr/bin/time -f %M -o "$SANDBOX/rss" "$@" >/dev/null 2>&1
	cat "$SANDBOX/rss"
}
