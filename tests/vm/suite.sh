#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The `vm` suite: boot a QEMU guest with kernel WireGuard (tests/vm/run-in-vm.sh) and
# run in it every tests/netns/*.sh script, which then take the kernel path, with the
# recorded conformance cases adjusted for a WireGuard link, and the kernel-only checks
# of tests/vm/kernel.sh. Prints each script's output, a summary, and "N passed, N
# failed" last; exits 0 only when everything passed, 77 when no guest can boot here.
#
# WGQ_VM_JOBS=N (default: the number of host CPUs, at most 4) boots N guests at once,
# which take the scripts from a shared queue: each guest is one host CPU's worth of
# emulation. WGQ_VM=0 skips the suite (exit 77), for a build whose other suites are
# the point (CI's ASan build); WGQ_VM_REQUIRED=1 turns "cannot boot here" (77) into a
# failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${SRCDIR:-$(cd "$here/../.." && pwd)}

# kernel_cases DIR OUT: a copy of the conformance harness DIR whose recorded output is
# what kernel WireGuard gives. The cases were recorded with wireguard-go, whose TUN
# link differs in exactly these lines: the fallback log lines; link flags MULTICAST
# and qdisc pfifo_fast (a WireGuard link has neither: noqueue); the fe80::/64 address
# and its route, which a TUN link gets and a WireGuard link does not (addrgenmode
# none), and with it the nft anti-spoofing rule for that address and the saved
# `Address = fe80::…/64` line. The shared files themselves are left as they are.
kernel_cases() {
	mkdir -p "$2/cases"
	cp "$1"/*.sh "$2/"
	cp "$1"/cases/* "$2/cases/"
	sed -i -e '/^\[!\] Missing WireGuard kernel module\. Falling back to slow userspace/d' \
		-e '/^\[#\] USERSPACE$/d' "$2"/cases/*.log
	sed -i -e 's/^\([^ ]*: <POINTOPOINT\),MULTICAST,NOARP,/\1,NOARP,/' \
		-e 's/^\([^ ]*: <POINTOPOINT,NOARP,.*\) qdisc pfifo_fast /\1 qdisc noqueue /' \
		-e '/ inet6 fe80::LL\/64 scope link /d' \
		-e '/^fe80::\/64 dev [^ ]* proto kernel metric 256 pref medium$/d' \
		-e '/ ip6 daddr fe80::LL fib saddr type != local drop$/d' \
		-e '/^Address = fe80::LL\/64$/d' "$2"/cases/*.out
}

# fill_queue DIR: one file per script in DIR/todo, named in run order: the biggest
# scripts, likely the longest, first, so that several guests end at about the same time.
# WGQ_VM_ONLY="NAME..." keeps only those scripts (names without .sh).
fill_queue() {
	local i=0 t name
	mkdir -p "$1/todo" "$1/taken" "$1/done"
	for t in $(ls -S "$SRCDIR"/tests/netns/*.sh "$here/kernel.sh"); do
		name=$(basename "$t" .sh)
		[ "$name" = lib ] && continue
		[ -z "${WGQ_VM_ONLY:-}" ] || [[ " $WGQ_VM_ONLY " == *" $name "* ]] || continue
		i=$((i + 1))
		printf '%s\n' "$t" >"$1/todo/$(printf '%03d' $i)"
	done
}

# run_one SCRIPT OUT LIVE: run it, keep its output in OUT.out (and show it when LIVE),
# and write "RC SECONDS PASSED FAILED" to OUT.res.
run_one() {
	local t0=$EPOCHREALTIME rc counts p f
	if [ "$3" = 1 ]; then
		VERBOSE=1 bash "$1" 2>&1 | tee "$2.out"
	else
		VERBOSE=1 bash "$1" >"$2.out" 2>&1
	fi
	rc=${PIPESTATUS[0]}
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2.out" | tail -n 1)
	read -r p _ f _ <<<"${counts:-0 passed, 0 failed}"
	awk -v a="$t0" -v b="$EPOCHREALTIME" -v r="$rc" -v p="$p" -v f="$f" \
		'BEGIN { printf "%d %.0f %d %d\n", r, b - a, p, f }' >"$2.res"
}

# worker QUEUE LIVE: run scripts from the queue until it is empty (inside a guest).
worker() {
	local q n t conf
	[ -d /sys/module/wireguard ] || { echo "FAIL: the guest has no kernel WireGuard"; return 1; }
	conf=${WGQ_CONFORMANCE:-$SRCDIR/../shared/conformance}
	if [ -x "$conf/check.sh" ]; then
		WGQ_CONFORMANCE=$(mktemp -d /tmp/wgq-vm-conformance.XXXXXX)
		kernel_cases "$conf" "$WGQ_CONFORMANCE"
		export WGQ_CONFORMANCE
	fi
	q=$1
	for n in $(ls "$q/todo"); do
		mv "$q/todo/$n" "$q/taken/$n" 2>/dev/null || continue # another guest has it
		t=$(cat "$q/taken/$n")
		[ "$2" = 1 ] && echo "=== $(basename "$(dirname "$t")")/$(basename "$t")"
		run_one "$t" "$q/done/$n" "$2"
	done
}

# report QUEUE: the summary and the verdict; a script that never finished, or failed
# without counting a failure, counts as one failure.
report() {
	local q=$1 n t name rc secs p f pass=0 fail=0
	echo "=== summary (kernel WireGuard $(cat "$q/kernel" 2>/dev/null))"
	for n in $(ls "$q/todo" "$q/taken" | grep -E '^[0-9]+$' | sort -u); do
		t=$(cat "$q/todo/$n" "$q/taken/$n" 2>/dev/null)
		name=$(basename "$(dirname "$t")")/$(basename "$t")
		read -r rc secs p f <<<"$(cat "$q/done/$n.res" 2>/dev/null || echo "- - 0 0")"
		if [ "$rc" = 77 ]; then
			printf 'SKIP %-24s %4ss\n' "$name" "$secs"
			continue
		fi
		[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
		pass=$((pass + p)) fail=$((fail + f))
		printf '%-4s %-24s %4ss  %s passed, %s failed%s\n' \
			"$([ "$f" = 0 ] && echo ok || echo FAIL)" "$name" "$secs" "$p" "$f" \
			"$([ "$rc" = - ] && echo ' (did not finish)')"
	done
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

# In a guest: one of several (the queue is shared with the host), or the only one.
if [ -n "${WGQ_VM_GUEST:-}" ]; then
	if [ -n "${WGQ_VM_QUEUE:-}" ]; then
		uname -r >"$WGQ_VM_QUEUE/kernel"
		worker "$WGQ_VM_QUEUE" 0
		exit
	fi
	q=$(mktemp -d /tmp/wgq-vm-queue.XXXXXX)
	uname -r >"$q/kernel"
	fill_queue "$q"
	worker "$q" 1 || exit 1
	report "$q"
	exit
fi

[ "${WGQ_VM:-1}" != 0 ] || { echo "skipped: WGQ_VM=0"; exit 77; }
# many_guests JOBS: boot JOBS guests on one queue, a host directory each guest mounts
# (WGQ_VM_SHARE); print every script's output in queue order, then the report.
many_guests() {
	local j n t pids=() skipped=0 broken=0
	q=$(mktemp -d /tmp/wgq-vm-queue.XXXXXX) # global: the EXIT trap removes it
	trap 'rm -rf "$q"' EXIT
	fill_queue "$q"
	for ((j = 1; j <= $1; j++)); do
		WGQ_VM_SHARE=$q WGQ_VM_QUEUE=$q "$here/run-in-vm.sh" bash "$here/suite.sh" \
			>"$q/vm$j.log" 2>&1 &
		pids+=($!)
	done
	for ((j = 1; j <= $1; j++)); do
		wait "${pids[$((j - 1))]}"
		case $? in
		0) ;;
		77) skipped=$((skipped + 1)) ;;
		*) broken=1; echo "=== guest $j failed:"; cat "$q/vm$j.log" ;;
		esac
	done
	[ "$skipped" = "$1" ] && { cat "$q/vm1.log"; return 77; }
	for n in $(ls "$q/taken"); do
		t=$(cat "$q/taken/$n")
		echo "=== $(basename "$(dirname "$t")")/$(basename "$t")"
		cat "$q/done/$n.out" 2>/dev/null
	done
	report "$q" && [ "$broken" = 0 ]
}

[ "${WGQ_VM:-1}" != 0 ] || { echo "skipped: WGQ_VM=0"; exit 77; }
WGQ=$(readlink -f "${WGQ:-$SRCDIR/build/src/wgq}")
[ -x "$WGQ" ] || { echo "FAIL: $WGQ not built"; exit 1; }
export WGQ SRCDIR WGQ_VM_GUEST=1
jobs=${WGQ_VM_JOBS:-$(nproc)}
n=$(d=$(mktemp -d) && fill_queue "$d" && ls "$d/todo" | wc -l && rm -rf "$d")
[ "$jobs" -le 4 ] || jobs=4
[ "$jobs" -le "$n" ] || jobs=$n
if [ "$jobs" -gt 1 ]; then
	many_guests "$jobs"
else
	"$here/run-in-vm.sh" bash "$here/suite.sh"
fi
rc=$?
# WGQ_VM_REQUIRED=1 (CI): a guest that cannot boot here is a failure, not a skip.
if [ "$rc" = 77 ] && [ "${WGQ_VM_REQUIRED:-0}" = 1 ]; then
	echo "FAIL: WGQ_VM_REQUIRED=1 but no guest could boot (see above)"
	exit 1
fi
exit "$rc"
