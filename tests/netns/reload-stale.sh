#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# reload after peers changed outside wgq (issue 18 item 5): a peer removed with
# `wg set … remove` (or the device replaced with `wg syncconf`) leaves its routes;
# `reload` removes the routes on the interface in its table that up would have made
# and the config no longer wants, and keeps every other route. The route dumps are
# compared exactly.
. "$(dirname "$0")/lib.sh"
need wg
sandbox_enter "$@"

# routes IF: the routes through IF in every table, kernel and link-local ones aside.
routes() {
	ip -4 route show table all dev "$1" | grep -v 'proto kernel' | sed 's/ *$//'
	ip -6 route show table all dev "$1" | grep -v 'proto kernel\|^fe80\|^multicast\|^local' |
		sed 's/ *$//'
}

# conf TABLE-LINE PEER-BLOCKS...: a config for wgs.
conf() {
	printf '[Interface]\nAddress = 10.61.0.1/24, fd61::1/64\nListenPort = 51001\n'
	printf 'PrivateKey = %s\n%s\n' "$KEY1" "$1"
	shift
	printf '%b\n' "$@"
}
PEER2="\n[Peer]\nPublicKey = $PUB2\nAllowedIPs = 10.62.0.0/16, fd62::/48"
PEER3="\n[Peer]\nPublicKey = $PUB3\nAllowedIPs = 10.63.0.0/16, fd63::/48"
PEER4="\n[Peer]\nPublicKey = $PUB4\nAllowedIPs = 10.64.0.0/16"

for table in "" "Table = 1234"; do
	t="" tt=""
	[ -z "$table" ] || t=" table 1234" tt=" ($table)"
	conf "$table" "$PEER2" "$PEER3" | write_conf wgs
	run up wgs
	check "up$tt" 0 "$RC"
	# A user route through wgs of another shape stays: it has a metric.
	ip route add 10.99.0.0/16 dev wgs metric 7 ${t:+table 1234}
	wg set wgs peer "$PUB3" remove
	conf "$table" "$PEER2" | write_conf wgs
	run reload wgs
	check "peer removed with wg set$tt: reload exit status and log" "0
[#] ip -4 route del 10.63.0.0/16 dev wgs$t
[#] ip -6 route del fd63::/48 dev wgs$t" "$RC
$LOG"
	check "peer removed with wg set$tt: routes" "10.62.0.0/16$t scope link
10.99.0.0/16$t scope link metric 7
fd62::/48$t metric 1024 pref medium" "$(routes wgs | sed "s/ dev wgs//")"
	run reload wgs
	check "second reload$tt: no change" "0 " "$RC $ERR"
	# wg syncconf to a device with peer 4 only, and the config says the same.
	conf "$table" "$PEER4" | sed '/^Address\|^Table/d' >"$SANDBOX/p4.conf"
	wg syncconf wgs "$SANDBOX/p4.conf"
	conf "$table" "$PEER4" | write_conf wgs
	run reload wgs
	check "device replaced with wg syncconf$tt: reload exit status and log" "0
[#] ip -4 route del 10.62.0.0/16 dev wgs$t
[#] ip -6 route del fd62::/48 dev wgs$t
[#] ip -4 route add 10.64.0.0/16 dev wgs${t:+ table 1234}" "$RC
$LOG"
	check "device replaced with wg syncconf$tt: routes" "10.64.0.0/16$t scope link
10.99.0.0/16$t scope link metric 7" "$(routes wgs | sed "s/ dev wgs//")"
	run down wgs
	wait_gone wgs
done
finish
