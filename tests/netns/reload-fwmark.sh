#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# reload moves a full tunnel to another FwMark make-before-break: WITHOUT a kill switch,
# a client pinging the "internet" through its full tunnel at 500/s while `reload`
# changes FwMark again and again leaks no packet to its physical link (an nft counter
# on the upstream side of that link, WireGuard UDP excepted, stays 0) and loses no
# ping. Before the tunnel, the same probe moves the counter (the detector works).
# Before the fix, the old rules went before the new ones existed and the counter moved.
. "$(dirname "$0")/lib.sh"
need nft ping
sandbox_enter "$@"

RELOADS=${WGQ_RELOADS:-6}

# c: the client; u: upstream, with the server and the "internet" 203.0.113.1 on lo.
for n in c u; do
	ip netns add $n
done
ip link add vc netns c type veth peer name vu netns u
ip -n c -batch - <<'IP'
link set lo up
address add 198.51.100.1/24 dev vc
link set vc up
route add default via 198.51.100.2 dev vc
IP
ip -n u -batch - <<'IP'
link set lo up
address add 198.51.100.2/24 dev vu
link set vu up
address add 203.0.113.1/32 dev lo
IP
# A leak: an IPv4 packet from c on vu that is not WireGuard UDP; counted, and one for
# the internet address dropped (so that a leaked ping is also a lost one).
ip netns exec u nft -f - <<'NFT'
table inet leak {
	counter leak { }
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		iifname "vu" meta nfproto ipv4 udp dport 51821 return
		iifname "vu" meta nfproto ipv4 counter name "leak"
		iifname "vu" ip daddr 203.0.113.1 drop
	}
}
NFT
leaks() { ip netns exec u nft list counter inet leak leak | grep -oE 'packets [0-9]+' | grep -oE '[0-9]+'; }

client_conf() {
	write_conf wgc <<CONF
[Interface]
Address = 10.88.0.2/32
PrivateKey = $KEY1
$1

[Peer]
PublicKey = $PUB2
Endpoint = 198.51.100.2:51821
AllowedIPs = 0.0.0.0/0
CONF
}
write_conf wgs <<CONF
[Interface]
Address = 10.88.0.1/24
ListenPort = 51821
PrivateKey = $KEY2

[Peer]
PublicKey = $PUB1
AllowedIPs = 10.88.0.2/32
CONF

inns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# Control: without the tunnel the probe leaves by vc, is counted and dropped.
l0=$(leaks)
got=$(inns c ping -n -q -c 20 -i 0.01 -W 1 203.0.113.1 | grep -oE '[0-9]+ received')
check "control, no tunnel: probe dropped upstream" "0 received" "$got"
check "control, no tunnel: the counter moved by 20" 20 "$(($(leaks) - l0))"

inns u "$WGQ" up wgs >/dev/null 2>&1
check "server up" 0 $?
client_conf ""
inns c "$WGQ" up wgc >/dev/null 2>&1
check "client full tunnel up" 0 $?
inns c ping -n -c 1 -W 5 203.0.113.1 >/dev/null
check "client: ping through the tunnel" 0 $?

# A first move, timed: the probe (500/s) lasts twice as long as the reloads should
# take (a slow guest too), + 1 s; ping waits for the last replies before it prints
# its statistics.
t0=$EPOCHREALTIME
client_conf "FwMark = 0x3000"
inns c "$WGQ" reload wgc >/dev/null 2>&1
check "first FwMark move" "0 0x3000" "$? $(inns c wg show wgc fwmark)"
n=$(awk -v a="$t0" -v b="$EPOCHREALTIME" -v r="$RELOADS" \
	'BEGIN { printf "%d", 500 * (2 * r * (b - a + 0.2) + 1) }')
l0=$(leaks)
inns c ping -n -i 0.002 -c "$n" -W 2 203.0.113.1 >"$SANDBOX/ping" 2>&1 &
pid=$!
sleep 0.5
marks=(0x1000 0x2000)
rc=0
for ((i = 0; i < RELOADS; i++)); do
	mark=${marks[i % 2]}
	client_conf "FwMark = $mark"
	inns c "$WGQ" reload wgc >/dev/null 2>"$SANDBOX/err" || rc=1
	got=$(inns c wg show wgc fwmark)
	[ "$got" = "$mark" ] || rc=2
	sleep 0.2
done
check "$RELOADS reloads changing FwMark: exit 0, device mark set" 0 "$rc"
alive=no
kill -0 "$pid" 2>/dev/null && alive=yes
check "the probe outlived the reloads" yes "$alive"
wait "$pid"
D=$(($(leaks) - l0))
stats=$(grep -oE '[0-9]+ packets transmitted, [0-9]+ received(, \+[0-9]+ errors)?' "$SANDBOX/ping")
echo "     tunnel ping: $stats; leak counter +$D"
check "during the reloads: leak counter unchanged" 0 "$D"
check "during the reloads: no ping lost" "$n packets transmitted, $n received" "$stats"
check "client: default traffic in the last mark's table" "dev wgc table $((${marks[(RELOADS - 1) % 2]}))" \
	"$(inns c ip -o route get 203.0.113.1 | grep -oE 'dev [a-z0-9]+ table [0-9]+')"
last=$((${marks[(RELOADS - 1) % 2]}))
check "client: only the last mark's rule, no bypass rule left" \
	"32765:	not from all fwmark ${marks[(RELOADS - 1) % 2]} lookup $last" \
	"$(inns c ip -4 rule show | grep fwmark)"

inns c "$WGQ" down wgc >/dev/null 2>&1
check "client down" 0 $?
inns u "$WGQ" down wgs >/dev/null 2>&1
check "server down" 0 $?
finish
