#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Scenario N8 of killswitch-netns.md §6.3: rollback of `up` into a target from
# every step. For a named target with DNS (the /etc/netns files) and a target given by
# PID, make each state-changing step N fail, or deliver SIGTERM or SIGINT (in the VM
# guest SIGTERM only) just before it; afterwards the state of wgq's namespace H (links, addresses, rules, routes,
# ruleset, resolvconf records, userspace sockets), of the target, and /etc/netns must
# equal the state before; the same for the named target with KillSwitch = on. Needs a build with -Dfault_injection=true.
. "$(dirname "$0")/lib.sh"
[ -n "${WGQ_FAULT_INJECTION:-}" ] || skip "wgq built without -Dfault_injection=true"
need nft
sandbox_enter "$@"
. "$SRCDIR/tests/netns/netns-topology.bash"
HOLDER=
trap 'kill $HOLDER 2>/dev/null; rm -rf "$SANDBOX"' EXIT
topo_up
# In the VM guest (kernel WireGuard, emulated, ~10 times slower) SIGTERM only.
SIGNALS="15 2"
[ ! -d /sys/module/wireguard ] || SIGNALS=15

# both TARGET-PATH: the state of H, of the target and of /etc/netns.
both() {
	full_state
	echo "## target"
	nsenter --net="$1" ip -o link show | sed -E 's/^[0-9]+: //; s/ qdisc.*//'
	nsenter --net="$1" ip -o addr show | awk '{print $2, $3, $4}'
	nsenter --net="$1" ip route show table all | grep -vE '^(local|broadcast|multicast) '
	nsenter --net="$1" ip -6 route show table all | grep -vE '^(local|multicast|anycast) |dev lo '
	echo "## /etc/netns"
	etc_netns
}

# reset IF ARGS...: after a failed check, take the tunnel down so that one bug is
# reported once.
reset() {
	local ifn=$1
	shift
	"$WGQ" down "$@" "$ifn" >/dev/null 2>&1
	wait_gone "$ifn"
}

# attempt WHAT VAR=VALUE ARGS...: `up` with the fault VAR (uses every_step's name, path,
# ifn and before): exit 1, H, the target and /etc/netns as before.
attempt() {
	local what=$1 fault=$2 rc
	shift 2
	env "$fault" "$WGQ" up "$@" "$ifn" >/dev/null 2>"$SANDBOX/err"
	rc=$?
	wait_gone "$ifn"
	check "$name: $what: exit 1, H, target and /etc/netns as before" "1
$before" "$rc
$(both "$path")"
	[ "$rc" != 0 ] || reset "$ifn" "$@"
}

# every_step NAME PATH IF ARGS...: the whole run for one target (ARGS for wgq).
every_step() {
	local name=$1 path=$2 ifn=$3 n i sig rc before
	shift 3
	# lo is brought up by the first up and never taken down (killswitch-netns.md §5.4): do it first,
	# so that every run takes the same steps.
	nsenter --net="$path" ip link set lo up
	before=$(both "$path")
	WGQ_COUNT_STEPS=1 "$WGQ" up "$@" "$ifn" >/dev/null 2>"$SANDBOX/err"
	check "$name: up succeeds" 0 $?
	check "$name: traffic in the target" 1 \
		"$(nsenter --net="$path" ping -c1 -W5 203.0.113.5 | grep -c '1 received')"
	n=$(grep -c '^wgq-fault-injection: change' "$SANDBOX/err")
	"$WGQ" down "$@" "$ifn" >/dev/null 2>&1
	wait_gone "$ifn"
	check "$name: down restores the state" "$before" "$(both "$path")"
	check "$name: more than 5 changes to fail" 1 "$((n > 5))"
	for ((i = 1; i <= n; i++)); do
		attempt "step $i fails" "WGQ_FAIL_STEP=$i" "$@"
		for sig in $SIGNALS; do
			attempt "signal $sig at step $i" "WGQ_SIGNAL_STEP=$i:$sig" "$@"
		done
	done
}

write_conf wgf <<CONF
[Interface]
PrivateKey = $KEY1
Address = 10.64.0.2/32, fd00:64::2/128
Namespace = vpn
DNS = 10.64.0.1, corp.example
PreUp = true
PostUp = true

[Peer]
PublicKey = $PUB2
Endpoint = 192.0.2.1:51820
AllowedIPs = 0.0.0.0/0, ::/0, 10.65.0.0/24
CONF
ip netns add vpn
every_step "named target, DNS" /run/netns/vpn wgf

# N8 with KillSwitch = on: a fault at every change, or a signal before it; afterwards
# the link is gone from H and vpn, /etc/netns is clean, and only vpn's switch remains
# (none when the switch itself was the change that failed), with the message. In the
# VM guest only the failing steps.
ks_attempt() {
	local what=$1 fault=$2 want=$3 rc
	env "$fault" "$WGQ" up wgk >/dev/null 2>"$SANDBOX/err"
	rc=$?
	wait_gone wgk
	check "N8 switch: $what: exit 1, H, vpn, /etc/netns as before; vpn's switch, message" "1
$before
$want" "$rc
$(both /run/netns/vpn)
$(ks_left)"
	"$WGQ" killswitch off wgk >/dev/null 2>&1
}
# ks_left: "switch N" when vpn has tun-wgk, N the lines saying it was left in place.
ks_left() {
	local has=none
	ip netns exec vpn nft list chain inet wgq-killswitch tun-wgk >/dev/null 2>&1 && has=switch
	echo "$has $(grep -c "kill switch for wgk left in place" "$SANDBOX/err")"
}
sed 's/^Namespace = vpn/&\nKillSwitch = on/' /etc/wireguard/wgf.conf >/etc/wireguard/wgk.conf
chmod 600 /etc/wireguard/wgk.conf
before=$(both /run/netns/vpn)
WGQ_COUNT_STEPS=1 "$WGQ" up wgk >/dev/null 2>"$SANDBOX/err"
check "N8 switch: up succeeds" "0 switch 0" "$? $(ks_left)"
n=$(grep -c '^wgq-fault-injection: change' "$SANDBOX/err")
"$WGQ" down wgk >/dev/null 2>&1
wait_gone wgk
check "N8 switch: down restores the state, no switch left" "$before
none 0" "$(both /run/netns/vpn)
$(: >"$SANDBOX/err"; ks_left)"
# A signal comes just after its change is made: the switch, made first, always stays.
for ((i = 1; i <= n; i++)); do
	want="switch 1"
	[ "$i" != 1 ] || want="none 0"
	ks_attempt "step $i fails" "WGQ_FAIL_STEP=$i" "$want"
	[ ! -d /sys/module/wireguard ] || continue
	ks_attempt "SIGTERM at step $i" "WGQ_SIGNAL_STEP=$i:15" "switch 1"
done
rm /etc/wireguard/wgk.conf

sed -i '/^Namespace\|^DNS/d' /etc/wireguard/wgf.conf
unshare --net sleep infinity &
HOLDER=$!
while [ "$(readlink /proc/$HOLDER/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
	sleep 0.05
done
every_step "PID target" "/proc/$HOLDER/ns/net" wgf --netns "$HOLDER"
finish
