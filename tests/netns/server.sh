#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# A server with two peers, hooks and a routed subnet: up and down, asserting the exact
# log, stdout, exit status and kernel state; then the refusals that change nothing.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
empty_state_init

cat >/etc/wireguard/wg0.conf <<CONF
[Interface]
Address = 10.13.13.1/24
ListenPort = 51820
PrivateKey = $KEY1
PostUp = echo "postup %i"; echo second
PostDown = echo "postdown %i"

[Peer]
PublicKey = $PUB2
PresharedKey = $PSK1
AllowedIPs = 10.13.13.2/32

[Peer]
PublicKey = $PUB3
AllowedIPs = 10.13.13.3/32, 192.168.50.0/24
CONF
chmod 600 /etc/wireguard/wg0.conf

run up wg0
check "up: exit status" 0 "$RC"
check "up: stdout" "$(printf 'postup wg0\nsecond')" "$OUT"
check "up: log" "$(link_add_log wg0
echo '[#] wg addconf wg0 /dev/fd/63
[#] ip -4 address add 10.13.13.1/24 dev wg0
[#] ip link set mtu 1420 up dev wg0
[#] ip -4 route add 192.168.50.0/24 dev wg0
[#] echo "postup wg0"; echo second')" "$LOG"
check "up: addresses" "$(printf '%s\n' "wg0 inet 10.13.13.1/24" "$(ll_addr wg0)" | sed '/^$/d')" \
	"$(ip -o addr show dev wg0 | awk '{print $2, $3, $4}' | sed -E 's/fe80::[0-9a-f:]+/fe80::LL/')"
check "up: ipv4 routes" "10.13.13.0/24 proto kernel scope link src 10.13.13.1
192.168.50.0/24 scope link" "$(ip -4 route show dev wg0 | sed "s/ *$//")"
check "up: link mtu and state" "mtu 1420 UP" \
	"$(ip -o link show wg0 | grep -oE 'mtu [0-9]+') $(ip -o link show wg0 | grep -oE '[<,]UP[,>]' | tr -d '<>,')"
check "up: device" "[Interface]
ListenPort = 51820
PrivateKey = $KEY1

[Peer]
PublicKey = $PUB2
PresharedKey = $PSK1
AllowedIPs = 10.13.13.2/32

[Peer]
PublicKey = $PUB3
AllowedIPs = 10.13.13.3/32, 192.168.50.0/24" "$(wg showconf wg0 | conf_sorted)"

run up wg0
check "up again: refused" 1 "$RC"
check "up again: message" "wgq: \`wg0' already exists" "$ERR"

run down wg0
check "down: exit status" 0 "$RC"
check "down: stdout" "postdown wg0" "$OUT"
check "down: log" '[#] ip link delete dev wg0
[#] echo "postdown wg0"' "$LOG"
wait_gone wg0
check "down: state" "$EMPTY_STATE" "$(state)"

run down wg0
check "down again: refused" 1 "$RC"
check "down again: message" "wgq: \`wg0' is not a WireGuard interface (brought up with --netns? pass it again)" "$ERR"

ip link add wgx type dummy 2>/dev/null || ip link add wgx type veth peer name wgy
cp /etc/wireguard/wg0.conf /etc/wireguard/wgx.conf
run up wgx
check "up over a non-WireGuard link: refused" "1 wgq: \`wgx' already exists" "$RC $ERR"
run down wgx
check "down of a non-WireGuard link: refused" "1 wgq: \`wgx' is not a WireGuard interface" "$RC $ERR"

finish
