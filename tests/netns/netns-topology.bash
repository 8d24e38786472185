# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The topology of killswitch-netns.md §6.1 for the namespace-target tests, sourced after
# sandbox_enter: this sandbox is the client H (uplink up0, 192.0.2.2); its veth peer
# up1 moves into namespace "up", the upstream: 192.0.2.1 / 2001:db8::1, a WireGuard
# server wgs on 51820 (tunnel 10.64.0.1/24, fd00:64::1/64) configured with `wg`, the
# "internet" 203.0.113.5 / 2001:db8:ffff::5 on a dummy link, a DNS responder on
# 10.64.0.1 (python3) and the leak counter of killswitch-netns.md §6.1. The target "vpn" is an
# `ip netns add` namespace of this sandbox. Everything lives in namespaces and mounts
# the sandbox made.

# inns NS CMD...: run CMD in namespace NS.
inns() {
	local n=$1
	shift
	ip netns exec "$n" "$@"
}

# topo_up: build namespace "up" and start its server, responder and counter.
topo_up() {
	ip netns add up
	ip link set up1 netns up
	ip -n up link set lo up
	ip -n up addr add 192.0.2.1/24 dev up1
	ip -n up -6 addr add 2001:db8::1/64 dev up1 nodad
	ip -n up link set up1 up
	# The "internet" on a dummy link; on lo where the kernel has no dummy driver.
	local inet=lo
	if ip -n up link add inet0 type dummy 2>/dev/null; then
		inet=inet0
		ip -n up link set inet0 up
	fi
	ip -n up addr add 203.0.113.5/32 dev $inet
	ip -n up -6 addr add 2001:db8:ffff::5/128 dev $inet nodad
	if [ -d /sys/module/wireguard ]; then
		ip -n up link add wgs type wireguard
	else
		inns up wireguard-go wgs >/dev/null 2>&1
	fi
	printf '%s\n' "$KEY2" >"$SANDBOX/wgs.key"
	inns up wg set wgs listen-port 51820 private-key "$SANDBOX/wgs.key" \
		peer "$PUB1" allowed-ips 10.64.0.2/32,fd00:64::2/128,10.65.0.0/24
	ip -n up addr add 10.64.0.1/24 dev wgs
	ip -n up -6 addr add fd00:64::1/64 dev wgs nodad
	ip -n up link set wgs mtu 1420 up
	inns up nft -f - <<'NFT'
table inet watch {
	chain pre {
		type filter hook prerouting priority -400;
		iifname "u*" udp dport { 51820, 51821 } return
		iifname "u*" icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report } return
		iifname "u*" counter
	}
}
NFT
	# Let the uplink's neighbours resolve now, not during a measurement.
	ping -c1 -W2 192.0.2.1 >/dev/null
	ping -c1 -W2 2001:db8::1 >/dev/null
}

# leaks: the upstream counter's packet count.
leaks() {
	inns up nft list chain inet watch pre | sed -nE 's/.*counter packets ([0-9]+) .*/\1/p'
}

# dns_start [ADDR]: a resolver on ADDR:53 (10.64.0.1) in "up" answering A queries for
# names under corp.example with 203.0.113.5 (endpoint.corp.example: 192.0.2.1),
# NXDOMAIN otherwise; it logs each name it answers.
dns_start() {
	local addr=${1:-10.64.0.1}
	command -v python3 >/dev/null || return 1
	ip netns exec up python3 - "$SANDBOX/dns.log" "$addr" <<'PY' &
import socket, struct, sys
log = open(sys.argv[1], "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 53))
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode())
        i += 1 + q[i]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    name = ".".join(labels).lower()
    question = q[12:i + 5]
    ok = name.endswith("corp.example")
    answer = b""
    if ok and qtype == 1:
        ip = [192, 0, 2, 1] if name == "endpoint.corp.example" else [203, 0, 113, 5]
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(ip)
    flags = 0x8180 if ok else 0x8183
    hdr = q[:2] + struct.pack("!HHHHH", flags, 1, 1 if answer else 0, 0, 0)
    s.sendto(hdr + question + answer, peer)
    log.write("%s %d %s\n" % (name, qtype, peer[0]))
PY
	DNS_PID=$!
	for _ in $(seq 100); do
		[ -z "$(ip netns exec up ss -Hunl "src $addr:53")" ] || return 0
		sleep 0.1
	done
	return 1
}

# ns_state NS: the network state of namespace NS (links, addresses, rules, routes,
# ruleset), normalised like lib.sh's state.
ns_state() {
	local n=$1 f
	echo "## links"
	ip -n "$n" -o link show | sed -E 's/^[0-9]+: //; s/ qdisc.*//; s/@if[0-9]+:/:/' | sort
	echo "## addresses"
	ip -n "$n" -o addr show | awk '{print $2, $3, $4}' |
		sed -E 's/fe80::[0-9a-f:]+/fe80::LL/' | sort
	for f in 4 6; do
		echo "## rules -$f"
		ip -n "$n" -$f rule show
		echo "## routes -$f"
		ip -n "$n" -$f route show table all | grep -vE '^(local|broadcast|multicast|anycast) |dev lo ' |
			sed -E 's/fe80::[0-9a-f:]+/fe80::LL/; s/ +$//' | sort
	done
	echo "## nft"
	inns "$n" nft list ruleset 2>/dev/null
}

# etc_netns: every file under /etc/netns with its content.
etc_netns() {
	(cd /etc/netns && find . -mindepth 1 | sort | while read -r f; do
		echo "$f"
		[ ! -f "$f" ] || sed 's/^/  /' "$f"
	done)
}
