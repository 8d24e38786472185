#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# K3 of killswitch-netns.md §6.2 with fault injection: `up` of a full tunnel with KillSwitch = on, its
# Nth change failed (WGQ_FAIL_STEP) or SIGTERM delivered before it (WGQ_SIGNAL_STEP),
# for every N. Each run exits 1, rolls back everything but the switch (the client's
# links, addresses, rules, routes and other tables as before; only `inet
# wgq-killswitch` with tun-wg0 added), prints the killswitch-netns.md §4.2 message last, and leaks nothing:
# the probes are blocked with the leak counter unchanged. When change 1, the switch
# itself, fails there is nothing to keep: the state equals the one before (SIGTERM
# just before it may also find the switch installed, then as for the other steps).
# Needs a build with -Dfault_injection=true (WGQ_FAULT_INJECTION set by meson). In the
# VM guest (kernel WireGuard, emulated) SIGTERM goes to every third step only, and two
# probes follow each failure.
. "$(dirname "$0")/lib.sh"
[ -n "${WGQ_FAULT_INJECTION:-}" ] || skip "wgq built without -Dfault_injection=true"
need nft ping dig python3 resolvconf wg
sandbox_enter "$@"
. "$SRCDIR/tests/netns/killswitch.bash"
trap ks_cleanup EXIT

GUEST=
[ ! -d /sys/module/wireguard ] || GUEST=1
ks_topology
# client_state: the client's network state apart from the kill-switch table.
client_state() {
	C bash -c 'ip -o link show | grep -v " c0@" | sed -E "s/^[0-9]+: //; s/ qdisc.*//"
		ip -o addr show | grep -vE " (lo|c0) " | awk "{print \$2, \$3, \$4}"
		ip -4 rule; ip -6 rule
		ip -4 route show table all | grep -vE " dev (lo|c0)( |$)"
		ip -6 route show table all | grep -vE " dev (lo|c0)( |$)"
		nft list tables | grep -v "inet wgq-killswitch"; cat /etc/resolv.conf'
}
before=$(client_state)
MSG="wgq: kill switch for wg0 left in place; 'wgq down wg0' or 'wgq killswitch off wg0' removes it"

client_conf wg0 "KillSwitch = on
DNS = 10.64.0.1"
C sh -c 'echo 0 >/proc/sys/net/ipv4/conf/all/src_valid_mark'
WGQ_COUNT_STEPS=1 C "$WGQ" up wg0 >/dev/null 2>"$SANDBOX/err"
check "counting run: up succeeds" 0 $?
n=$(grep -c '^wgq-fault-injection: change' "$SANDBOX/err")
check "counting run: more than 3 changes" 1 "$((n > 3))"
ks_reset

# reset: after a clean rollback only the switch is left; after a failed check, all.
reset() {
	if [ "$FAILS" = "$F0" ]; then
		C "$WGQ" killswitch off --all >/dev/null 2>&1
	else
		ks_reset
	fi
}

# src_valid_mark stays 1 after a rollback by design (behaviour.md §4.4); back to 0 so that every
# run takes the same steps, its write included.
svm_reset() { C sh -c 'echo 0 >/proc/sys/net/ipv4/conf/all/src_valid_mark'; }

for ((i = 1; i <= n; i++)); do
	for how in fail sigterm; do
		# The guest (CI time): SIGTERM at every third step only; the host does all.
		[ -n "$GUEST" ] && [ $how = sigterm ] && [ $((i % 3)) != 1 ] && continue
		svm_reset
		if [ $how = fail ]; then
			WGQ_FAIL_STEP=$i C "$WGQ" up wg0 >/dev/null 2>"$SANDBOX/err"
		else
			WGQ_SIGNAL_STEP=$i:15 C "$WGQ" up wg0 >/dev/null 2>"$SANDBOX/err"
		fi
		rc=$?
		wait_gone wg0
		chains=$(ks_chains)
		F0=$FAILS
		if [ "$i" = 1 ] && [ -z "$chains" ]; then
			# The switch itself failed (or the signal came first): nothing to keep.
			check "step 1 ($how, the switch itself): exit 1, nothing changed" "1
$before" "$rc
$(client_state)"
		else
			check "step $i ($how): exit 1, message, rolled back but the switch" "1
$MSG
$before
output forward tun-wg0 " "$rc
$(tail -n1 "$SANDBOX/err")
$(client_state)
$chains"
			# In the VM guest (emulated, ~1 s a probe) two probes, after failures only.
			[ -n "$GUEST" ] && [ $how = sigterm ] && { reset; continue; }
			expect K3 "step $i $how: ping 203.0.113.5" blocked ping4
			expect K3 "step $i $how: dig udp @192.0.2.1" blocked dns_udp
			[ -n "$GUEST" ] && { reset; continue; }
			[ $how = sigterm ] || expect K3 "step $i $how: ping 2001:db8:ffff::5" blocked ping6
			expect K3 "step $i $how: dig tcp @10.64.0.1" blocked dns_tcp 10.64.0.1
		fi
		reset
	done
done
# The detector: the same probes leak without the switch.
expect K3 "control, no switch: ping 203.0.113.5" leaks ping4
expect K3 "control, no switch: dig udp @192.0.2.1" leaks dns_udp
ktable_print
finish
