#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Rollback from every step (behaviour.md §4.4, §6 b): for each config in tests/data/good and
# every state-changing step N, make step N fail, or deliver SIGTERM, SIGINT or SIGHUP
# just before it; the state afterwards must equal the state before. Needs a build with
# -Dfault_injection=true (WGQ_FAULT_INJECTION set by meson).
. "$(dirname "$0")/lib.sh"
[ -n "${WGQ_FAULT_INJECTION:-}" ] || skip "wgq built without -Dfault_injection=true"
need resolvconf nft
sandbox_enter "$@"
before=$(full_state)

# After a failed check, put things back so that one bug is reported once.
reset() {
	if ip link show wgf >/dev/null 2>&1; then
		"$WGQ" down wgf >/dev/null 2>&1 || ip link del wgf
		wait_gone wgf
	fi
}

# src_valid_mark stays 1 after a rollback by design (behaviour.md §4.4); put it back to 0 so
# that every run takes the same steps, the sysctl write included.
sysctl_reset() { echo 0 >/proc/sys/net/ipv4/conf/all/src_valid_mark; }

for conf in "$SRCDIR"/tests/data/good/*.conf; do
	name=$(basename "$conf" .conf)
	cp "$conf" /etc/wireguard/wgf.conf
	chmod 600 /etc/wireguard/wgf.conf
	sysctl_reset
	WGQ_COUNT_STEPS=1 "$WGQ" up wgf >/dev/null 2>"$SANDBOX/err"
	check "$name: up succeeds" 0 $?
	n=$(grep -c '^wgq-fault-injection: change' "$SANDBOX/err")
	"$WGQ" down wgf >/dev/null 2>&1
	wait_gone wgf
	check "$name: more than 3 changes to fail" 1 "$((n > 3))"
	for ((i = 1; i <= n; i++)); do
		sysctl_reset
		WGQ_FAIL_STEP=$i "$WGQ" up wgf >/dev/null 2>"$SANDBOX/err"
		rc=$?
		wait_gone wgf
		check "$name: step $i fails: exit 1, state as before" "1
$before" "$rc
$(full_state)"
		reset
		for sig in 15 2 1; do
			sysctl_reset
			WGQ_SIGNAL_STEP=$i:$sig "$WGQ" up wgf >/dev/null 2>"$SANDBOX/err"
			rc=$?
			wait_gone wgf
			check "$name: signal $sig at step $i: exit 1, state as before" "1
$before" "$rc
$(full_state)"
			reset
		done
	done
done
finish
