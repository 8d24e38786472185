# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The kill-switch topology of killswitch-netns.md §6.1, sourced by tests/netns/killswitch*.sh after
# sandbox_enter: namespaces nested in the sandbox (its private /run/netns), so nothing
# reaches this machine's network.
#
#   client  runs wgq; veth c0 192.0.2.2/24, 2001:db8::2/64, default routes via up
#   up      u0 192.0.2.1, 2001:db8::1; WireGuard server wgs on 51820 (10.64.0.1,
#           fd00:64::1); "internet" 203.0.113.5, 2001:db8:ffff::5 on lo (no dummy module needed); DNS
#           on udp and tcp 53 of 192.0.2.1 and 10.64.0.1; udp/8053 echo on 192.0.2.1;
#           the leak counter `table inet watch`
#   ctr     (ks_ctr) 172.30.0.2/24 behind the client, which forwards and masquerades
#
# A leak is a packet the watch counter counts: it arrived in up on a u* link and is
# neither WireGuard UDP nor neighbour discovery.

KS_HERE=$SRCDIR/tests/netns
KTABLE=$SANDBOX/ktable
: >"$KTABLE"

C() { ip netns exec client "$@"; }
U() { ip netns exec up "$@"; }

# ks_cleanup: end every process in the namespaces this test made (all started by it:
# wireguard-go, the responder, nft monitor), then the namespaces.
ks_cleanup() {
	local ns p
	for ns in ctr client up; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$SANDBOX"
}

# server NAME PORT PRIVKEY PEERPUB ADDR4 ADDR6 PEER-ALLOWEDIPS: a WireGuard server in up,
# kernel WireGuard when the module is there, else wireguard-go.
server() {
	if [ -d /sys/module/wireguard ]; then
		ip -n up link add "$1" type wireguard
	else
		U wireguard-go "$1" >/dev/null 2>&1
	fi
	U wg set "$1" listen-port "$2" private-key <(echo "$3") peer "$4" allowed-ips "$7"
	ip -n up addr add "$5/24" dev "$1"
	ip -n up -6 addr add "$6/64" dev "$1" nodad
	ip -n up link set "$1" up
}

ks_topology() {
	local i
	ip netns add client
	ip netns add up
	C sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	ip link add c0 netns client type veth peer name u0 netns up
	ip -n client link set lo up
	ip -n up link set lo up
	ip -n client addr add 192.0.2.2/24 dev c0
	ip -n client -6 addr add 2001:db8::2/64 dev c0 nodad
	ip -n up addr add 192.0.2.1/24 dev u0
	ip -n up -6 addr add 2001:db8::1/64 dev u0 nodad
	ip -n client link set c0 up
	ip -n up link set u0 up
	ip -n client route add default via 192.0.2.1 dev c0
	ip -n client -6 route add default via 2001:db8::1 dev c0
	ip -n up addr add 203.0.113.5/32 dev lo
	ip -n up -6 addr add 2001:db8:ffff::5/128 dev lo nodad
	U sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	server wgs 51820 "$KEY2" "$PUB1" 10.64.0.1 fd00:64::1 10.64.0.2/32,fd00:64::2/128
	U python3 "$KS_HERE/ks-responder.py" serve 192.0.2.1 10.64.0.1 >"$SANDBOX/responder" 2>&1 &
	U nft -f - <<'NFT'
table inet watch {
	chain pre {
		type filter hook prerouting priority -400;
		iifname "u*" udp dport { 51820, 51821 } return
		iifname "u*" icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } return
		iifname "u*" counter
	}
}
NFT
	# Link-local addresses settled and the responder listening before the first probe.
	for i in $(seq 100); do
		grep -q ready "$SANDBOX/responder" &&
			! C ip -6 addr show dev c0 | grep -q tentative &&
			! U ip -6 addr show dev u0 | grep -q tentative && break
		sleep 0.05
	done
	sleep 0.3
}

# ks_ctr: the container namespace behind the client (K11).
ks_ctr() {
	ip netns add ctr
	ip link add k0 netns ctr type veth peer name k1 netns client
	ip -n ctr link set lo up
	ip -n ctr addr add 172.30.0.2/24 dev k0
	ip -n ctr link set k0 up
	ip -n client addr add 172.30.0.1/24 dev k1
	ip -n client link set k1 up
	ip -n ctr route add default via 172.30.0.1
	C sysctl -qw net.ipv4.ip_forward=1
	C nft -f - <<'NFT'
table ip ctrnat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr 172.30.0.0/24 oifname != "k1" masquerade
	}
}
NFT
}

# leaks: the watch counter's packets.
leaks() {
	U nft list chain inet watch pre | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

# The probes of killswitch-netns.md §6.1, run in the client (ctr for ctr_ping). Each exits 0 on success.
ping4() { C ping -n -c1 -W1 203.0.113.5; }
ping6() { C ping -n -6 -c1 -W1 2001:db8:ffff::5; }
ping4_dev() { C ping -n -c1 -W1 -I c0 203.0.113.5; }
ping6_dev() { C ping -n -6 -c1 -W1 -I c0 2001:db8:ffff::5; }
# Through a tunnel that may still be handshaking: up to 3 s for one reply.
tping4() { C ping -n -c1 -i0.2 -w3 203.0.113.5; }
tping6() { C ping -n -6 -c1 -i0.2 -w3 2001:db8:ffff::5; }
dns_udp() { [ "$(C dig +time=1 +tries=1 +short "@${1:-192.0.2.1}" probe.test A)" = 198.51.100.53 ]; }
dns_tcp() { [ "$(C dig +tcp +time=1 +tries=1 +short "@${1:-192.0.2.1}" probe.test A)" = 198.51.100.53 ]; }
# bash's /dev/udp and one dd read (one datagram), not a python client: starting python
# takes seconds in the VM guest.
echo8053() {
	C bash -c 'exec 3<>/dev/udp/192.0.2.1/8053 && printf wgq-probe >&3 &&
		[ "$(timeout 1 dd bs=64 count=1 status=none <&3)" = wgq-probe ]'
}
ctr_ping() { ip netns exec ctr ping -n -c1 -W1 203.0.113.5; }
ctr_tping() { ip netns exec ctr ping -n -c1 -i0.2 -w3 203.0.113.5; }

# probe CMD...: run a probe; P is ok or fail, D the leak counter's delta across it.
probe() {
	local c0 c1 t0=$EPOCHREALTIME
	c0=$(leaks)
	if "$@" >/dev/null 2>&1; then P=ok; else P=fail; fi
	c1=$(leaks)
	D=$((c1 - c0))
	MS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
}

# krow K NAME EXPECT PASS: one line of the K-table.
krow() {
	printf '%-4s %-44s probe=%-4s delta=%-3s expect=%-8s %-4s %5s ms\n' "$1" "$2" "$P" "$D" "$3" "$4" "${MS:--}" |
		tee -a "$KTABLE"
}

# expect K NAME blocked|tunnel|leaks CMD...: blocked = the probe fails and the counter
# stays; tunnel = the probe succeeds and the counter stays (it went through the tunnel,
# or to an allowed destination for "allowed"); leaks = the probe succeeds and the
# counter moves (control runs, or after the switch is off).
expect() {
	local k=$1 name=$2 want=$3 got
	shift 3
	probe "$@"
	case $want in
	blocked) got=$([ "$P $D" = "fail 0" ] && echo yes) ;;
	tunnel) got=$([ "$P $D" = "ok 0" ] && echo yes) ;;
	leaks | allowed) got=$([ "$P" = ok ] && [ "$D" -gt 0 ] && echo yes) ;;
	esac
	if [ -n "$got" ]; then
		PASSES=$((PASSES + 1))
		krow "$k" "$name" "$want" pass
	else
		FAILS=$((FAILS + 1))
		krow "$k" "$name" "$want" FAIL
	fi
}

# off_blocked K WHEN: every off-tunnel probe blocked.
off_blocked() {
	expect "$1" "$2: ping -I c0 203.0.113.5" blocked ping4_dev
	expect "$1" "$2: ping -I c0 2001:db8:ffff::5" blocked ping6_dev
	expect "$1" "$2: dig udp @192.0.2.1" blocked dns_udp
	expect "$1" "$2: dig tcp @192.0.2.1" blocked dns_tcp
	expect "$1" "$2: udp/8053 192.0.2.1" blocked echo8053
}

# all_blocked K WHEN: no tunnel: the default-route pings too, and DNS to the tunnel side.
all_blocked() {
	expect "$1" "$2: ping 203.0.113.5" blocked ping4
	expect "$1" "$2: ping 2001:db8:ffff::5" blocked ping6
	off_blocked "$1" "$2"
	expect "$1" "$2: dig udp @10.64.0.1" blocked dns_udp 10.64.0.1
}

# wq ARGS...: wgq in the client; OUT, ERR, RC as lib.sh's run.
wq() {
	local o e
	o=$(mktemp) e=$(mktemp)
	C "$WGQ" "$@" >"$o" 2>"$e"
	RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
	rm -f "$o" "$e"
}

# client_conf NAME [INTERFACE-LINES [ALLOWEDIPS [ENDPOINT]]]: the full-tunnel client.
client_conf() {
	write_conf "$1" <<CONF
[Interface]
PrivateKey = $KEY1
Address = 10.64.0.2/32, fd00:64::2/128
${2-KillSwitch = on}

[Peer]
PublicKey = $PUB2
Endpoint = ${4:-192.0.2.1:51820}
AllowedIPs = ${3:-0.0.0.0/0, ::/0}
CONF
}

# ks_reset: the client back to no tunnel and no switch.
ks_reset() {
	local i
	for i in wg0 wg1; do
		C "$WGQ" down "$i" >/dev/null 2>&1
		ip -n client link del "$i" 2>/dev/null
		wait_gone "$i"
	done
	C "$WGQ" killswitch off --all >/dev/null 2>&1
	C nft delete table inet wgq-killswitch 2>/dev/null
	# What a link deleted behind wgq's back leaves (as with wg-quick): policy rules,
	# the wg-quick tables, the resolvconf record.
	for i in -4 -6; do
		C ip "$i" rule show | awk -F: '$1 > 0 && $1 < 32766 { print $1 }' |
			while read -r i2; do ip -n client "$i" rule del pref "$i2"; done
	done
	C nft list tables | awk '$3 ~ /^wg-quick-/ { print $2, $3 }' |
		while read -r i i2; do C nft delete table "$i" "$i2"; done
	C resolvconf -d wg0 -f 2>/dev/null
	true
}

# ks_table: the client's kill-switch table without counters and handles, or nothing.
ks_table() {
	C nft list table inet wgq-killswitch 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+ //'
}

# ks_chains: the names of the client's kill-switch chains, one line.
ks_chains() {
	C nft list table inet wgq-killswitch 2>/dev/null | sed -n 's/^\s*chain \([^ ]*\) {/\1/p' | tr '\n' ' '
}

# ktable_print: the K-table collected so far.
ktable_print() {
	echo "== K-table"
	cat "$KTABLE"
}
