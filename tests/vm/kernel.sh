#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Checks that only kernel WireGuard can run (tests/vm/suite.sh runs this in a QEMU
# guest): up takes the kernel path; 10 000 peers, and one peer with 10 000 allowed IPs,
# go in through several WG_CMD_SET_DEVICE messages and come back complete through a
# multi-part WG_CMD_GET_DEVICE dump; save of both devices round-trips.
. "$(dirname "$0")/../netns/lib.sh"
need wg strace
[ -d /sys/module/wireguard ] || skip "needs kernel WireGuard (run tests/vm/suite.sh)"
sandbox_enter "$@"
empty_state_init

# traced FILE ARGS...: run wgq under strace, recording its netlink sends and receives.
traced() {
	local file=$1
	shift
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -s 0 \
		-e trace=sendto,sendmsg,recvmsg,recvfrom -e signal=none -o "$file" "$WGQ" "$@" \
		>/dev/null 2>"$file.err"
	RC=$?
}
# big_sends FILE / big_receives FILE: how many netlink messages above 8 KiB went out or
# came in: only the WireGuard family's messages are that big.
big_sends() { grep -cE 'send(to|msg)\([0-9]+, .*, [0-9]{5,}, ' "$1"; }
big_receives() { grep -cE 'recv(from|msg)\(.* = [0-9]{5,}$' "$1"; }
# more_than N COUNT: "yes", or COUNT when it is not above N.
more_than() { if [ "$2" -gt "$1" ]; then echo yes; else echo "$2"; fi; }

# device IF: the device as `wg showconf` prints it, peers sorted.
device() { wg showconf "$1" 2>&1 | conf_sorted; }

# allowed IF: one "KEY IP" line per allowed IP, sorted.
allowed() {
	wg show "$1" allowed-ips |
		awk -F'\t' '{ n = split($2, a, " "); for (i = 1; i <= n; i++) print $1, a[i] }' |
		LC_ALL=C sort
}

# --- the kernel path ----------------------------------------------------------------
printf '[Interface]\nAddress = 10.61.0.1/24\nPrivateKey = %s\n\n[Peer]\nPublicKey = %s\n%s\n' \
	"$KEY1" "$PUB2" 'AllowedIPs = 10.61.0.2/32' | write_conf wgk
run up wgk
check "kernel path: up" 0 "$RC"
check "kernel path: no [!] line" "" "$(grep '^\[!\]' <<<"$ERR")"
check "kernel path: log starts with the link, then addconf" "[#] ip link add dev wgk type wireguard
[#] wg addconf wgk /dev/fd/63" "$(head -n 2 <<<"$LOG")"
check "kernel path: link kind" wireguard \
	"$(ip -d -o link show wgk | grep -oE '^.* wireguard' | grep -oE 'wireguard$')"
check "kernel path: no userspace process or socket" "" \
	"$(pgrep -x wireguard-go; ls /run/wireguard)"
check "kernel path: no link-local address" "" "$(ip -o -6 addr show dev wgk)"
run down wgk
check "kernel path: down" "0 [#] ip link delete dev wgk" "$RC $LOG"
check "kernel path: state after down" "$EMPTY_STATE" "$(state)"

# --- 10 000 peers -------------------------------------------------------------------
# Table = off: the routes of 10 000 peers are manypeers.sh's business, and without them
# a traced `up` stays quick. About 1 MB of peers needs many WG_CMD_SET_DEVICE messages,
# and reading it back a dump in many parts.
N=10000
"$SRCDIR/bench/genconf.sh" "$N" | sed 's/^ListenPort = .*/&\nTable = off/' | write_conf wgp
# The expected allowed IPs, as allowed() prints them. genconf.sh writes fd00:0::N,
# which the device gives back as fd00::N.
awk '/^PublicKey/ { k = $3 } /^AllowedIPs/ { sub(/,$/, "", $3); print k, $3; print k, $4 }' \
	/etc/wireguard/wgp.conf | sed 's/ fd00:0::/ fd00::/' | LC_ALL=C sort >"$SANDBOX/wgp.expected"

traced "$SANDBOX/up.trace" up wgp
check "$N peers: up" 0 "$RC"
check "$N peers: no [!] line" "" "$(grep '^\[!\]' "$SANDBOX/up.trace.err")"
check "$N peers: WG_CMD_SET_DEVICE split (more than 10 messages)" yes \
	"$(more_than 10 "$(big_sends "$SANDBOX/up.trace")")"
check "$N peers: wg show peers" "$N" "$(wg show wgp peers | wc -l)"
check "$N peers: every allowed IP (difference)" "" \
	"$(diff "$SANDBOX/wgp.expected" <(allowed wgp) | head -n 10)"
device wgp >"$SANDBOX/wgp.device"
traced "$SANDBOX/save.trace" save wgp
check "$N peers: save" 0 "$RC"
check "$N peers: WG_CMD_GET_DEVICE dump in parts (more than 10)" yes \
	"$(more_than 10 "$(big_receives "$SANDBOX/save.trace")")"
check "$N peers: saved peers" "$N" "$(grep -c '^\[Peer\]$' /etc/wireguard/wgp.conf)"
run down wgp
check "$N peers: down" 0 "$RC"
run up wgp
check "$N peers: up from the saved file" 0 "$RC"
check "$N peers: save round trip, device (difference)" "" \
	"$(diff "$SANDBOX/wgp.device" <(device wgp) | head -n 10)"
run down wgp
check "$N peers: state after down" "$EMPTY_STATE" "$(state)"

# --- one peer with 10 000 allowed IPs -----------------------------------------------
# 5 000 IPv4 /32 and 5 000 IPv6 /128, 100 to an AllowedIPs line (lines stay short);
# Table = off as above. The peer continues over several messages both ways.
awk -v pk="$KEY1" -v pub="$PUB2" 'BEGIN {
	printf "[Interface]\nAddress = 10.62.0.1/24\nListenPort = 51821\nTable = off\n"
	printf "PrivateKey = %s\n\n[Peer]\nPublicKey = %s\n", pk, pub
	for (i = 0; i < 10000; i++) {
		if (i % 100 == 0) printf "%sAllowedIPs = ", i ? "\n" : ""
		else printf ", "
		if (i % 2) printf "fd62::%x/128", i; else printf "10.63.%d.%d/32", int(i / 256), i % 256
	}
	printf "\n"
}' | write_conf wga
grep '^AllowedIPs' /etc/wireguard/wga.conf | sed "s/^AllowedIPs = //; s/, /\n/g" |
	sed "s|^|$PUB2 |" | LC_ALL=C sort >"$SANDBOX/wga.expected"

traced "$SANDBOX/up.trace" up wga
check "10000 allowed IPs: up" 0 "$RC"
check "10000 allowed IPs: several WG_CMD_SET_DEVICE messages" yes \
	"$(more_than 2 "$(big_sends "$SANDBOX/up.trace")")"
check "10000 allowed IPs: wg show peers" "$PUB2" "$(wg show wga peers)"
check "10000 allowed IPs: every one (difference)" "" \
	"$(diff "$SANDBOX/wga.expected" <(allowed wga) | cut -c1-200 | head -n 4)"
device wga >"$SANDBOX/wga.device"
traced "$SANDBOX/save.trace" save wga
check "10000 allowed IPs: save" 0 "$RC"
check "10000 allowed IPs: dump in several parts" yes \
	"$(more_than 2 "$(big_receives "$SANDBOX/save.trace")")"
run down wga
check "10000 allowed IPs: down" 0 "$RC"
run up wga
check "10000 allowed IPs: up from the saved file" 0 "$RC"
[ "$RC" = 0 ] || echo "$ERR" | grep '^wgq:' | cut -c1-200 | sed 's/^/     /'
check "10000 allowed IPs: save round trip, device (difference)" "" \
	"$(diff "$SANDBOX/wga.device" <(device wga) | cut -c1-200 | head -n 4)"
run down wga
check "10000 allowed IPs: state after down" "$EMPTY_STATE" "$(state)"

finish
