#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Shared by the shell tests of the unit suite: exact comparison with a diff on failure,
# and the closing "N passed, N failed" line.
FAILS=0 PASSES=0

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" == "$3" ]; then
		PASSES=$((PASSES + 1)); echo "ok   $1"
	else
		FAILS=$((FAILS + 1)); echo "FAIL $1"
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/     /' || true
	fi
}

# uevent IFNAME [DEVTYPE]: a fake /sys/class/net entry under $T/root.
uevent() {
	mkdir -p "$T/root/sys/class/net/$1"
	{
		[ -n "${2-}" ] && echo "DEVTYPE=$2"
		printf 'INTERFACE=%s\nIFINDEX=7\n' "$1"
	} >"$T/root/sys/class/net/$1/uevent"
}

# The running interfaces the completion tests see under $T/root: kernel links of
# several kinds (one with a hostile name) and userspace sockets, live or not.
fake_interfaces() {
	mkdir -p "$T/root/var/run/wireguard"
	uevent lo
	uevent eth0
	uevent br0 bridge
	uevent wg0 wireguard
	uevent wgk wireguard
	uevent '$(touch pwned)' wireguard
	for s in wgu wg0; do
		python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
			"$T/root/var/run/wireguard/$s.sock"
	done
	: >"$T/root/var/run/wireguard/notasocket.sock"
}
