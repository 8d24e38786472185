#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# genconf.sh N: a server config with N peers, each with one IPv4 /32 and one IPv6 /128
# allowed IP (none covered by the interface's own prefix, so each gets a route).
# genconf.sh client: a dual-stack full-tunnel client with DNS (one peer, 0.0.0.0/0 and
# ::/0, an endpoint on the sandbox's uplink). genconf.sh ksclient: the same client with
# KillSwitch = on.
# Keys are deterministic: base64 of 28 zero bytes and the peer's number (portable awk).
exec awk -v n="$1" '
function b64(v) { return substr(A, v + 1, 1) }
function key(c,    x, y) {
	x = int(c / 16777216) % 256 * 256 + int(c / 65536) % 256
	y = int(c / 256) % 256 * 65536 + c % 256 * 256
	return sprintf("%s%s%s%s%s%s%s%s=", Z, b64(int(x / 262144)), b64(int(x / 4096) % 64),
		b64(int(x / 64) % 64), b64(x % 64), b64(int(y / 262144)), b64(int(y / 4096) % 64),
		b64(int(y / 64) % 64))
}
BEGIN {
	A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	Z = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	if (n == "client" || n == "ksclient") {
		printf "[Interface]\nAddress = 10.66.0.2/32, fd66::2/128\n"
		if (n == "ksclient")
			printf "KillSwitch = on\n"
		printf "PrivateKey = %s\nDNS = 10.66.0.53, fd66::53\n", key(4000000001)
		printf "\n[Peer]\nPublicKey = %s\nAllowedIPs = 0.0.0.0/0, ::/0\n", key(1)
		printf "Endpoint = 192.0.2.1:51820\n"
		exit
	}
	printf "[Interface]\nAddress = 10.255.0.1/24, fd00:ffff::1/64\nListenPort = 51820\n"
	printf "PrivateKey = %s\n", key(4000000000)
	for (i = 1; i <= n; i++)
		printf "\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.%d.%d/32, fd00:%x::%x/128\n",
			key(i), int(i / 65536) % 256, int(i / 256) % 256, i % 256, int(i / 65536), i % 65536
}'
