#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Scale: 10 000 peers, each with one IPv4 /32 and one IPv6 /128, on the userspace
# backend. up must configure every peer and add all 20 000 routes in the order of spec
# behaviour.md §3.8; down must leave nothing. Prints the wall time of up and down.
. "$(dirname "$0")/lib.sh"
need base64 wg
sandbox_enter "$@"
empty_state_init

N=${WGQ_MANYPEERS:-10000}
# Deterministic valid public keys: 29 fixed bytes and a 3-byte counter make 32, plus a
# zero byte so that each key is one 44-character line of base64 whose last character,
# 'A', stands for the '=' of the 32-byte encoding.
prefix='wgq manypeers test public key'
for ((i = 1; i <= N; i++)); do
	printf -v counter '\\x%02x\\x%02x\\x%02x' $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255))
	printf "$prefix$counter\\0"
done | base64 -w 44 | sed 's/A$/=/' >"$SANDBOX/keys"
check "$N distinct keys" "$N" "$(sort -u "$SANDBOX/keys" | wc -l)"

# Peer i: 10.200.(i/256).(i%256)/32 and fd10::i/128 (hex).
awk '{ printf "%s 10.200.%d.%d/32 fd10::%x/128\n", $1, int(NR / 256), NR % 256, NR }' \
	"$SANDBOX/keys" >"$SANDBOX/peers"
{
	printf '[Interface]\nAddress = 10.199.0.1/24, fd09::1/64\nPrivateKey = %s\n' "$KEY1"
	awk '{ printf "\n[Peer]\nPublicKey = %s\nAllowedIPs = %s, %s\n", $1, $2, $3 }' \
		"$SANDBOX/peers"
} | write_conf wgp

# The route lines in the order of behaviour.md §3.8: longest prefix first, then the text bytewise
# descending (GNU sort's reversed last resort under LC_ALL=C).
expected_routes=$(awk '{ print $2; print $3 }' "$SANDBOX/peers" |
	LC_ALL=C sort -nr -k 2 -t / |
	awk '{ printf "[#] ip -%d route add %s dev wgp\n", index($0, ":") ? 6 : 4, $0 }')

start=$(date +%s.%N)
run up wgp
up_time=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
check "up: exit status" 0 "$RC"
# 20 000 lines: on a mismatch show only the start of the difference.
check "up: log (difference)" "" "$(diff <(up_start_log wgp 10.199.0.1/24 fd09::1/64
	echo "$expected_routes") <(echo "$LOG") | head -n 20)"
check "up: $N peers" "$N" "$(wg show wgp peers | wc -l)"
check "up: the peers are the generated keys (difference)" "" \
	"$(diff <(sort "$SANDBOX/keys") <(wg show wgp peers | sort) | head -n 20)"
check "up: every allowed IP (difference)" "" \
	"$(diff <(sort "$SANDBOX/peers") <(wg show wgp allowed-ips | tr '\t' ' ' | sort) | head -n 20)"
ll=1 # the fe80::/64 route of a userspace TUN device
[ ! -d /sys/module/wireguard ] || ll=0
check "up: routes in main through wgp (IPv4, IPv6)" "$((N + 1)) $((N + 1 + ll))" \
	"$(ip -4 route show dev wgp | wc -l) $(ip -6 route show dev wgp | wc -l)"

start=$(date +%s.%N)
run down wgp
down_time=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
check "down: exit status and log" "0
[#] ip link delete dev wgp" "$RC
$LOG"
wait_gone wgp
check "down: state" "$EMPTY_STATE" "$(state)"
echo "# $N peers: up ${up_time}s, down ${down_time}s"

finish
