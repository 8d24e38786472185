#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Real traffic: two namespaces joined by veth, each side brought up by wgq. Ping both
# ways over IPv4 and IPv6, then a 10 MiB TCP stream whose checksum must match.
. "$(dirname "$0")/lib.sh"
need ping nc sha256sum
sandbox_enter "$@"

ip netns add a
ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 198.51.100.1/24 dev va
ip -n b addr add 198.51.100.2/24 dev vb
ip -n a -6 addr add 2001:db8:1::1/64 dev va nodad
ip -n b -6 addr add 2001:db8:1::2/64 dev vb nodad
for n in a b; do
	ip -n $n link set lo up
done
ip -n a link set va up
ip -n b link set vb up

conf() { # NAME ADDR4 ADDR6 PORT KEY PEERPUB PEER4 PEER6 ENDPOINT
	cat >"/etc/wireguard/$1.conf" <<CONF
[Interface]
Address = $2/24, $3/64
ListenPort = $4
PrivateKey = $5

[Peer]
PublicKey = $6
AllowedIPs = $7/32, $8/128
Endpoint = $9
CONF
	chmod 600 "/etc/wireguard/$1.conf"
}
conf wga 10.77.0.1 fd77::1 51820 "$KEY1" "$PUB2" 10.77.0.2 fd77::2 198.51.100.2:51821
conf wgb 10.77.0.2 fd77::2 51821 "$KEY2" "$PUB1" 10.77.0.1 fd77::1 '[2001:db8:1::1]:51820'

inns() { local n=$1; shift; ip netns exec "$n" "$@"; }

inns a "$WGQ" up wga >/dev/null 2>&1
check "up in namespace a" 0 $?
inns b "$WGQ" up wgb >/dev/null 2>&1
check "up in namespace b" 0 $?

# The first packet triggers the handshake; then nothing may be lost.
inns a ping -c 1 -W 5 10.77.0.2 >/dev/null
for dst in 10.77.0.2 fd77::2; do
	out=$(inns a ping -c 5 -i 0.2 -W 2 "$dst")
	check "ping a -> $dst" "5 received, 0% packet loss" \
		"$(echo "$out" | grep -oE '[0-9]+ received, [0-9.]+% packet loss')"
done
for dst in 10.77.0.1 fd77::1; do
	out=$(inns b ping -c 5 -i 0.2 -W 2 "$dst")
	check "ping b -> $dst" "5 received, 0% packet loss" \
		"$(echo "$out" | grep -oE '[0-9]+ received, [0-9.]+% packet loss')"
done

head -c 10485760 /dev/urandom >"$SANDBOX/in"
inns b timeout 60 nc -l 10.77.0.2 5001 >"$SANDBOX/out" &
listener=$!
for _ in $(seq 50); do
	inns b ss -ltn 2>/dev/null | grep -q ':5001' && break
	sleep 0.1
done
inns a timeout 60 nc -N 10.77.0.2 5001 <"$SANDBOX/in"
wait $listener
check "10 MiB TCP stream: size" 10485760 "$(stat -c %s "$SANDBOX/out")"
check "10 MiB TCP stream: sha256" "$(sha256sum <"$SANDBOX/in")" "$(sha256sum <"$SANDBOX/out")"
check "handshake seen by b" 1 "$(inns b wg show wgb latest-handshakes | awk '$2 > 0' | wc -l)"

inns a "$WGQ" down wga >/dev/null 2>&1
check "down in namespace a" 0 $?
inns b "$WGQ" down wgb >/dev/null 2>&1
check "down in namespace b" 0 $?
check "nothing left in a" "" "$(inns a ip -o link show | grep -v -E ': (lo|va)[@:]')"
check "nothing left in b" "" "$(inns b ip -o link show | grep -v -E ': (lo|vb)[@:]')"

finish
