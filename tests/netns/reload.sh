#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# reload (issue 8): for each kind of change, the state after `reload` (kernel state,
# nft, resolv.conf and records, `wg showconf`) equals the state after a fresh `up` of
# the new config, with the exact log; a second reload changes nothing. A tunnel
# between two namespaces loses no packet of a 20/s ping through a reload that adds a
# peer and an address, and its unchanged peer keeps its handshake. A bad config or a
# failure midway (a conflicting route or address, a failing resolvconf, each change
# failed in turn with -Dfault_injection) leaves exactly the state before; --dry-run
# prints the plan of the real run and changes nothing; no key is ever printed.
. "$(dirname "$0")/lib.sh"
need resolvconf nft wg ping
sandbox_enter "$@"
empty_state_init
echo 0 >/proc/sys/net/ipv4/conf/all/src_valid_mark

PSK2=t1l46BL/ls+po8hPXOyYlfQ7MrWaxh2bmP7OWgCXtEo=
ALLERR=$SANDBOX/all-stderr

# Names instead of keys, so that no key reaches the test output.
keyname() {
	case $1 in
	"$KEY1") echo KEY1 ;;
	"$KEY2") echo KEY2 ;;
	"$KEY3") echo KEY3 ;;
	"$PSK1") echo PSK1 ;;
	"$PSK2") echo PSK2 ;;
	*) echo OTHER ;;
	esac
}

# device IF: `wg showconf IF`, keys named, peers sorted.
device() {
	local line
	wg showconf "$1" | while IFS= read -r line; do
		case $line in
		"PrivateKey = "* | "PresharedKey = "*)
			line="${line%% = *} = $(keyname "${line#* = }")" ;;
		esac
		printf '%s\n' "$line"
	done | conf_sorted
}

snapshot() {
	full_state
	echo "## device"
	device wgr
}

# rl ARGS...: run, and keep stderr for the key check at the end.
rl() {
	run "$@"
	printf '%s\n' "$ERR" >>"$ALLERR"
}

down_clean() {
	"$WGQ" down wgr >/dev/null 2>&1
	wait_gone wgr
	echo 0 >/proc/sys/net/ipv4/conf/all/src_valid_mark
}

# conf [ADDRESSES] [EXTRA-INTERFACE-LINES] [PEERS]: a config for wgr, with the private
# key $PRIV (KEY1) and port $PORT (51000). PEERS is a list of "PUB|ALLOWEDIPS|EXTRA-LINES"
# entries, one a line, with \n between extra lines.
conf() {
	local peers=${3-"$PUB2|10.60.0.2/32, 10.70.0.0/16|Endpoint = 192.0.2.1:51820"}
	local pub aips extra
	printf '[Interface]\nAddress = %s\nListenPort = %s\nPrivateKey = %s\n' \
		"${1:-10.60.0.1/24}" "${PORT:-51000}" "${PRIV:-$KEY1}"
	[ -z "${2-}" ] || printf '%s\n' "$2"
	while IFS='|' read -r pub aips extra; do
		[ -n "$pub" ] || continue
		printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\n' "$pub" "$aips"
		[ -z "$extra" ] || printf '%b\n' "$extra"
	done <<<"$peers"
}

P2="$PUB2|10.60.0.2/32, 10.70.0.0/16|Endpoint = 192.0.2.1:51820"
P3="$PUB3|10.80.0.0/16|PresharedKey = $PSK1"
P4="$PUB4|10.90.0.0/24, fd90::/64|PresharedKey = $PSK2\nEndpoint = [2001:db8::9]:51820"
P4+="\nPersistentKeepalive = 25"

# case NAME A B [LOG]: up A, reload to B (log LOG when given), then compare with a
# fresh up of B.
case_() {
	local name=$1 got
	conf_a=$2 conf_b=$3
	write_conf wgr <<<"$conf_a"
	rl up wgr
	check "$name: up" 0 "$RC"
	write_conf wgr <<<"$conf_b"
	rl reload wgr
	check "$name: reload exit status" 0 "$RC"
	[ $# -lt 4 ] || check "$name: reload log" "$4" "$LOG"
	got=$(snapshot)
	rl reload wgr
	check "$name: a second reload changes nothing" "0 " "$RC $ERR"
	down_clean
	rl up wgr
	check "$name: fresh up of the new config" 0 "$RC"
	check "$name: state equals that of a fresh up" "$(snapshot)" "$got"
	down_clean
	check "$name: down leaves nothing" "$EMPTY_STATE" "$(state)"
}

# --- nothing changed ---

write_conf wgr <<<"$(conf '' "DNS = 10.60.0.53" "$P2
$P4")"
rl up wgr
before=$(snapshot)
rl reload wgr
check "unchanged config: exit 0, no output" "0 " "$RC $ERR"
check "unchanged config: state" "$before" "$(snapshot)"
rl reload --dry-run wgr
check "unchanged config, dry run: exit 0, no output" "0 " "$RC $ERR"
down_clean

# --- each kind of change ---

case_ "peer added" "$(conf)" "$(conf '' '' "$P2
$P3")" "[#] wg syncconf wgr /dev/fd/63
[#] ip -4 route add 10.80.0.0/16 dev wgr"

case_ "peer removed" "$(conf '' '' "$P2
$P3
$P4")" "$(conf '' '' "$P3")" "[#] wg syncconf wgr /dev/fd/63
[#] ip -4 route del 10.70.0.0/16 dev wgr
[#] ip -4 route del 10.90.0.0/24 dev wgr
[#] ip -6 route del fd90::/64 dev wgr"

# 10.60.0.2/32 was covered by the address's prefix route: it never had a route.
check "peer removed: no route for a covered prefix" "" \
	"$(echo "$LOG" | grep -F 10.60.0.2/32 || true)"

case_ "allowed IPs changed" "$(conf)" "$(conf '' '' \
	"$PUB2|10.60.0.2/32, 10.71.0.0/16, 10.72.1.0/24|Endpoint = 192.0.2.1:51820")" \
	"[#] wg syncconf wgr /dev/fd/63
[#] ip -4 route del 10.70.0.0/16 dev wgr
[#] ip -4 route add 10.72.1.0/24 dev wgr
[#] ip -4 route add 10.71.0.0/16 dev wgr"

case_ "endpoint and keepalive changed" "$(conf)" "$(conf '' '' \
	"$PUB2|10.60.0.2/32, 10.70.0.0/16|Endpoint = 192.0.2.7:51001\nPersistentKeepalive = 15")" \
	"[#] wg syncconf wgr /dev/fd/63"

case_ "private key and listen port changed" "$(conf)" "$(PRIV=$KEY3 PORT=51001 conf)" \
	"[#] wg syncconf wgr /dev/fd/63"

case_ "preshared key changed and removed" "$(conf '' '' "$P3
$P4")" "$(conf '' '' "$PUB3|10.80.0.0/16|PresharedKey = $PSK2
$PUB4|10.90.0.0/24, fd90::/64|Endpoint = [2001:db8::9]:51820")" "[#] wg syncconf wgr /dev/fd/63"

case_ "address added" "$(conf)" "$(conf '10.60.0.1/24, fd60::1/64')" \
	"[#] ip -6 address add fd60::1/64 dev wgr"

# Without 10.60.0.1/24, 10.60.0.2/32 is no longer covered and gets a route.
case_ "address removed" "$(conf '10.60.0.1/24, 10.61.0.1/24')" "$(conf '10.61.0.1/24')" \
	"[#] ip -4 address del 10.60.0.1/24 dev wgr
[#] ip -4 route add 10.60.0.2/32 dev wgr"

case_ "address prefix length changed" "$(conf '10.60.0.1/24, fd60::1/64')" \
	"$(conf '10.60.0.1/16, fd60::1/48')" "[#] ip -6 address del fd60::1/64 dev wgr
[#] ip -4 address add 10.60.0.1/16 dev wgr
[#] ip -6 address add fd60::1/48 dev wgr
[#] ip -4 address del 10.60.0.1/24 dev wgr"

# The last IPv4 address goes: the kernel flushes the IPv4 routes, reload adds them back.
case_ "every IPv4 address removed" "$(conf '10.60.0.1/24, fd60::1/64')" "$(conf 'fd60::1/64')" \
	"[#] ip -4 address del 10.60.0.1/24 dev wgr
[#] ip -4 route add 10.60.0.2/32 dev wgr
[#] ip -4 route add 10.70.0.0/16 dev wgr"

case_ "MTU changed" "$(conf '' 'MTU = 1380')" "$(conf '' 'MTU = 1400')" \
	"[#] ip link set mtu 1400 dev wgr"
case_ "MTU back to automatic" "$(conf '' 'MTU = 1380')" "$(conf)" \
	"[#] ip link set mtu 1420 dev wgr"

case_ "Table changed" "$(conf '' 'Table = 1234')" "$(conf '' 'Table = 5678')" \
	"[#] ip -4 route del 10.60.0.2/32 dev wgr table 1234
[#] ip -4 route del 10.70.0.0/16 dev wgr table 1234
[#] ip -4 route add 10.60.0.2/32 dev wgr table 5678
[#] ip -4 route add 10.70.0.0/16 dev wgr table 5678"
case_ "Table off" "$(conf)" "$(conf '' 'Table = off')" "[#] ip -4 route del 10.70.0.0/16 dev wgr"
case_ "Table off to auto" "$(conf '' 'Table = off')" "$(conf)" \
	"[#] ip -4 route add 10.70.0.0/16 dev wgr"

case_ "DNS changed" "$(conf '' 'DNS = 10.60.0.53')" "$(conf '' 'DNS = 10.60.0.54, example.com')" \
	"[#] resolvconf -a wgr -m 0 -x"
case_ "DNS added" "$(conf)" "$(conf '' 'DNS = 10.60.0.53')" "[#] resolvconf -a wgr -m 0 -x"
case_ "DNS removed" "$(conf '' 'DNS = 10.60.0.53')" "$(conf)" "[#] resolvconf -d wgr -f"

FT4="$PUB2|10.60.0.2/32, 0.0.0.0/0|Endpoint = 192.0.2.1:51820"
FT46="$PUB2|10.60.0.2/32, 0.0.0.0/0, ::/0|Endpoint = 192.0.2.1:51820"
case_ "full tunnel gained" "$(conf)" "$(conf '' '' "$FT4")" "[#] wg syncconf wgr /dev/fd/63
[#] ip -4 route del 10.70.0.0/16 dev wgr
[#] wg set wgr fwmark 51820
[#] ip -4 rule add not fwmark 51820 table 51820
[#] ip -4 rule add table main suppress_prefixlength 0
[#] ip -4 route add 0.0.0.0/0 dev wgr table 51820
[#] sysctl -q net.ipv4.conf.all.src_valid_mark=1
[#] nft -f /dev/fd/63"

case_ "full tunnel lost" "$(conf '' 'DNS = 10.60.0.53' "$FT46")" \
	"$(conf '' 'DNS = 10.60.0.53')" "[#] wg syncconf wgr /dev/fd/63
[#] ip -4 rule delete table 51820
[#] ip -4 rule delete table main suppress_prefixlength 0
[#] ip -4 route del 0.0.0.0/0 dev wgr table 51820
[#] nft -f /dev/fd/63
[#] ip -6 rule delete table 51820
[#] ip -6 rule delete table main suppress_prefixlength 0
[#] ip -6 route del ::/0 dev wgr table 51820
[#] nft -f /dev/fd/63
[#] wg set wgr fwmark 0
[#] ip -4 route add 10.70.0.0/16 dev wgr"

case_ "IPv6 /0 added to a full tunnel" "$(conf '' '' "$FT4")" \
	"$(conf '10.60.0.1/24, fd60::1/64' '' "$FT46")" "[#] wg syncconf wgr /dev/fd/63
[#] ip -6 address add fd60::1/64 dev wgr
[#] ip -6 rule add not fwmark 51820 table 51820
[#] ip -6 rule add table main suppress_prefixlength 0
[#] ip -6 route add ::/0 dev wgr table 51820
[#] nft -f /dev/fd/63
[#] nft -f /dev/fd/63"

case_ "full tunnel kept, addresses changed" "$(conf '' '' "$FT46")" \
	"$(conf '10.60.0.1/24, 10.62.0.1/24' '' "$FT46")" \
	"[#] ip -4 address add 10.62.0.1/24 dev wgr
[#] nft -f /dev/fd/63"

case_ "full tunnel, FwMark set" "$(conf '' '' "$FT4")" "$(conf '' 'FwMark = 0x1000' "$FT4")" \
	"[#] ip -4 route add 0.0.0.0/0 dev wgr table 4096
[#] ip -4 rule add priority 32764 fwmark 4096 table main
[#] wg set wgr fwmark 4096
[#] nft -f /dev/fd/63
[#] ip -4 rule add priority 32765 not fwmark 4096 table 4096
[#] ip -4 rule delete priority 32765 not fwmark 51820 table 51820
[#] ip -4 rule delete priority 32764 fwmark 4096 table main
[#] ip -4 route del 0.0.0.0/0 dev wgr table 51820"

case_ "everything at once" "$(conf '10.60.0.1/24' 'DNS = 10.60.0.53
MTU = 1380' "$P2
$P3")" "$(conf '10.61.0.1/24, fd61::1/64' 'DNS = 10.61.0.53' "$FT46
$P4")"

# --- dry run ---

write_conf wgr <<<"$(conf '' 'DNS = 10.60.0.53' "$P2
$P3")"
rl up wgr
before=$(snapshot)
write_conf wgr <<<"$(conf '10.60.0.1/24, fd60::1/64' 'DNS = 10.60.0.54' "$FT4
$P4")"
rl reload --dry-run wgr
dry_log=$LOG
check "dry run: exit status" 0 "$RC"
check "dry run: nothing changed" "$before" "$(snapshot)"
rl reload wgr
check "dry run: the plan of the real run" "$LOG" "$dry_log"
down_clean

# --- a bad config changes nothing ---

write_conf wgr <<<"$(conf)"
rl up wgr
before=$(snapshot)
write_conf wgr <<<"$(conf '10.1' '' "$P3")"
rl reload wgr
check "bad config" "1 wgq: /etc/wireguard/wgr.conf:2: \
Address: '10.1' is not an IP address or prefix" "$RC $ERR"
check "bad config: state" "$before" "$(snapshot)"
write_conf wgr <<<"$(conf '' '' "$PUB3|10.80.0.0/16|Endpoint = unresolvable.invalid:51820")"
WG_ENDPOINT_RESOLUTION_RETRIES=0 rl reload wgr
check "unresolvable endpoint: exit 1, one line, nothing done" "1 1 " "$RC $(echo "$ERR" |
	grep -c "^wgq: /etc/wireguard/wgr.conf:9: Endpoint: cannot resolve") $LOG"
check "unresolvable endpoint: state" "$before" "$(snapshot)"
write_conf wgr <<<"$(conf '' 'DNS = 10.60.0.53')"
hide_dns_tools # wgq would find this machine's resolvconf in /usr/sbin
PATH=/nonexistent:/usr/bin:/bin rl reload wgr
unhide_dns_tools
check "no DNS tool: exit 1, nothing done" "1 " "$RC $LOG"
check "no DNS tool: state" "$before" "$(snapshot)"
down_clean
write_conf wgx <<<"$(conf)"
rl reload wgx
check "not a WireGuard interface" "1 wgq: \`wgx' is not a WireGuard interface" "$RC $ERR"
rm /etc/wireguard/wgx.conf

# --- failures midway roll back to exactly the state before ---

# failing NAME A B ERROR: up A, a reload to B fails with ERROR; the state is as before.
failing() {
	write_conf wgr <<<"$2"
	rl up wgr
	before=$(snapshot)
	write_conf wgr <<<"$3"
	rl reload wgr
	check "$1: exit status and error" "1 $4" "$RC $(echo "$ERR" | grep '^wgq:')"
	check "$1: state as before" "$before" "$(snapshot)"
	down_clean
}

ip route add 10.95.0.0/16 dev up0
failing "route through another device" "$(conf '10.60.0.1/24, fd60::1/64' 'DNS = 10.60.0.53
MTU = 1380' "$P2
$P4")" "$(conf '10.61.0.1/24' 'DNS = 10.60.0.54' "$PUB2|10.60.0.2/32, 10.71.0.0/16, 10.95.0.0/16|
$P3")" "wgq: ip -4 route add 10.95.0.0/16 dev wgr: File exists"
check "route through another device: log, then the rollback" "[#] wg syncconf wgr /dev/fd/63
[#] ip -4 address add 10.61.0.1/24 dev wgr
[#] ip -4 address del 10.60.0.1/24 dev wgr
[#] ip -6 address del fd60::1/64 dev wgr
[#] ip link set mtu 1420 dev wgr
[#] ip -4 route del 10.70.0.0/16 dev wgr
[#] ip -4 route del 10.90.0.0/24 dev wgr
[#] ip -6 route del fd90::/64 dev wgr
[#] ip -4 route add 10.60.0.2/32 dev wgr
[#] ip -4 route add 10.95.0.0/16 dev wgr
[#] ip -4 route del 10.60.0.2/32 dev wgr
[#] ip -6 route add fd90::/64 dev wgr
[#] ip -4 route add 10.90.0.0/24 dev wgr
[#] ip -4 route add 10.70.0.0/16 dev wgr
[#] ip link set mtu 1380 dev wgr
[#] ip -6 address add fd60::1/64 dev wgr
[#] ip -4 address add 10.60.0.1/24 dev wgr
[#] ip -4 address del 10.61.0.1/24 dev wgr
[#] wg syncconf wgr /dev/fd/63" "$LOG"

failing "full tunnel lost, then a route fails" "$(conf '' 'DNS = 10.60.0.53' "$FT46
$P3")" "$(conf '' '' "$PUB2|10.95.0.0/16|")" \
	"wgq: ip -4 route add 10.95.0.0/16 dev wgr: File exists"
ip route del 10.95.0.0/16 dev up0

# A resolvconf that fails: the full tunnel the reload made goes again.
mkdir -p "$SANDBOX/bin"
printf '#!/bin/sh\n[ "$1" != -a ] || exit 3\nexec /usr/sbin/resolvconf "$@"\n' \
	>"$SANDBOX/bin/resolvconf"
chmod 755 "$SANDBOX/bin/resolvconf"
PATH=$SANDBOX/bin:$PATH failing "full tunnel gained, then resolvconf fails" \
	"$(conf)" "$(conf '10.60.0.1/24, fd60::1/64' 'DNS = 10.60.0.53' "$FT46")" \
	"wgq: resolvconf -a wgr -m 0 -x: exited with status 3"
check "full tunnel gained, then resolvconf fails: rollback log" "[#] nft -f /dev/fd/63
[#] ip -4 rule delete table main suppress_prefixlength 0
[#] ip -4 rule delete table 51820
[#] ip -4 route del 0.0.0.0/0 dev wgr table 51820
[#] nft -f /dev/fd/63
[#] ip -6 rule delete table main suppress_prefixlength 0
[#] ip -6 rule delete table 51820
[#] ip -6 route del ::/0 dev wgr table 51820
[#] wg set wgr fwmark 0
[#] ip -4 route add 10.70.0.0/16 dev wgr
[#] ip -6 address del fd60::1/64 dev wgr
[#] wg syncconf wgr /dev/fd/63" "$(echo "$LOG" | sed -n '/^\[#\] resolvconf -a/,$p' | tail -n +2)"

# IPv6 disabled on the link: the check before any change refuses IPv6 addresses.
write_conf wgr <<<"$(conf)"
rl up wgr
echo 1 >/proc/sys/net/ipv6/conf/wgr/disable_ipv6
before=$(snapshot)
write_conf wgr <<<"$(conf '10.61.0.1/24, fd61::1/64' '' "$P3")"
rl reload wgr
check "address refused: exit status and error" "1 wgq: /etc/wireguard/wgr.conf:2: Address: \
'fd61::1/64' needs IPv6, which is disabled (net.ipv6.conf.wgr.disable_ipv6 = 1); enable it \
(\`sysctl -w net.ipv6.conf.wgr.disable_ipv6=0\`), or remove the IPv6 entries from Address and \
AllowedIPs" "$RC $ERR"
check "address refused: state as before" "$before" "$(snapshot)"
down_clean

# Each change failed in turn, or SIGTERM just before it (the change is made, then
# undone with the others): the state is as before.
# fault_loop NAME A B MIN: up A, count the changes of the reload to B (more than MIN),
# then fail each in turn.
fault_loop() {
	local A=$2 B=$3 i n how
	write_conf wgr <<<"$A"
	rl up wgr
	write_conf wgr <<<"$B"
	WGQ_COUNT_STEPS=1 "$WGQ" reload wgr >/dev/null 2>"$SANDBOX/err"
	check "fault injection$1: reload succeeds" 0 $?
	n=$(grep -c '^wgq-fault-injection: change' "$SANDBOX/err")
	check "fault injection$1: more than $4 changes" 1 "$((n > $4))"
	down_clean
	for ((i = 1; i <= n; i++)); do
		for how in "WGQ_FAIL_STEP=$i" "WGQ_SIGNAL_STEP=$i:15"; do
			write_conf wgr <<<"$A"
			rl up wgr
			before=$(snapshot)
			write_conf wgr <<<"$B"
			env "$how" "$WGQ" reload wgr >/dev/null 2>>"$ALLERR"
			check "fault injection$1 $how: exit 1, state as before" "1
$before" "$?
$(snapshot)"
			down_clean
		done
	done
}

if [ -n "${WGQ_FAULT_INJECTION:-}" ]; then
	fault_loop "" "$(conf '10.60.0.1/24' 'DNS = 10.60.0.53
MTU = 1380' "$FT4
$P3")" "$(conf '10.61.0.1/24, fd61::1/64' 'DNS = 10.61.0.53' "$PUB2|::/0, 10.60.0.2/32|
$P4")" 10
	# The make-before-break move of a full tunnel (both families) to another FwMark.
	fault_loop " (FwMark)" "$(conf '10.60.0.1/24, fd60::1/64' '' "$FT46")" \
		"$(conf '10.60.0.1/24, fd60::1/64' 'FwMark = 0x1000' "$FT46")" 10
fi

# --- a real tunnel keeps its traffic and its handshake ---

ip netns add a
ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 198.51.100.1/24 dev va
ip -n b addr add 198.51.100.2/24 dev vb
for n in a b; do ip -n $n link set lo up; done
ip -n a link set va up
ip -n b link set vb up
inns() { local n=$1; shift; ip netns exec "$n" "$@"; }
tconf() { # NAME ADDRESSES PORT KEY PEERPUB PEERIP ENDPOINT [EXTRA-PEERS]
	write_conf "$1" <<CONF
[Interface]
Address = $2
ListenPort = $3
PrivateKey = $4

[Peer]
PublicKey = $5
AllowedIPs = $6/32
Endpoint = $7
${8-}
CONF
}
tconf wga 10.77.0.1/24 51820 "$KEY1" "$PUB2" 10.77.0.2 198.51.100.2:51821
tconf wgb 10.77.0.2/24 51821 "$KEY2" "$PUB1" 10.77.0.1 198.51.100.1:51820
inns a "$WGQ" up wga >/dev/null 2>&1
inns b "$WGQ" up wgb >/dev/null 2>&1
inns a ping -c 1 -W 5 10.77.0.2 >/dev/null
hs=$(inns a wg show wga latest-handshakes)
check "tunnel: handshake done" 1 "$(echo "$hs" | awk '$2 > 0' | wc -l)"
inns a ping -c 60 -i 0.05 -W 1 10.77.0.2 >"$SANDBOX/ping" 2>&1 &
pinger=$!
sleep 1
tconf wga '10.77.0.1/24, 10.79.0.1/24' 51820 "$KEY1" "$PUB2" 10.77.0.2 198.51.100.2:51821 \
	"[Peer]
PublicKey = $PUB3
AllowedIPs = 10.78.0.0/24"
inns a "$WGQ" reload wga >"$SANDBOX/out" 2>"$SANDBOX/err"
check "tunnel: reload during the ping" "0
[#] wg syncconf wga /dev/fd/63
[#] ip -4 address add 10.79.0.1/24 dev wga
[#] ip -4 route add 10.78.0.0/24 dev wga" "$?
$(cat "$SANDBOX/err")"
wait $pinger
check "tunnel: no packet lost" "60 received, 0% packet loss" \
	"$(grep -oE '[0-9]+ received, [0-9.]+% packet loss' "$SANDBOX/ping")"
check "tunnel: the unchanged peer kept its handshake" "$hs" \
	"$(inns a wg show wga latest-handshakes | grep -F "$PUB2")"
check "tunnel: the new peer and address are there" "2 10.79.0.1/24" \
	"$(inns a wg show wga peers | wc -l) $(inns a ip -o -4 addr show dev wga |
		awk '$4 != "10.77.0.1/24" {print $4}')"
inns a "$WGQ" down wga >/dev/null 2>&1
inns b "$WGQ" down wgb >/dev/null 2>&1

# --- keys never reach the output ---

leaks=""
for k in "$KEY1" "$KEY2" "$KEY3" "$PSK1" "$PSK2"; do
	grep -qF -- "$k" "$ALLERR" && leaks+=" $(keyname "$k")"
done
check "no key in any output" "" "$leaks"

finish
