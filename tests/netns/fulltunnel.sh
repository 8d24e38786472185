#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Full tunnels (behaviour.md §3.9, §4.1, §6 c, d): exact log, exit status and kernel state
# (rules with priorities, routes of every table, nft ruleset, resolv.conf,
# src_valid_mark) for dual-stack with DNS, a configured FwMark, IPv6 only, two tunnels
# at once taken down in either order, a config edited between up and down; then real
# traffic through a server that routes the client's default traffic.
. "$(dirname "$0")/lib.sh"
need nft resolvconf ping
sandbox_enter "$@"

SVM=/proc/sys/net/ipv4/conf/all/src_valid_mark
echo 0 >"$SVM"

# left_state: state plus the resolvconf records.
left_state() {
	local d
	state
	echo "## resolvconf records"
	for d in /run/resolvconf/interfaces /run/resolvconf/interface; do
		[ ! -d "$d" ] || ls -A "$d"
	done
}
EMPTY_LEFT=$(left_state)

# ft_state: left_state plus src_valid_mark.
ft_state() {
	left_state
	echo "## src_valid_mark"
	cat "$SVM"
}

# rules FAMILY [PRIO MARK]...: `ip -FAMILY rule show` holding, for each pair in
# ascending order, a tunnel's fwmark rule at PRIO and its suppress rule at PRIO-1.
rules() {
	local fam=$1
	shift
	printf '0:\tfrom all lookup local\n'
	while [ $# -ge 2 ]; do
		printf '%d:\tfrom all lookup main suppress_prefixlength 0\n' $(($1 - 1))
		printf '%d:\tnot from all fwmark 0x%x lookup %d\n' "$1" "$2" "$2"
		shift 2
	done
	printf '32766:\tfrom all lookup main\n'
	[ "$fam" = 6 ] || printf '32767:\tfrom all lookup default\n'
}

# nft_table FAMILY IF MARK ADDR...: the listing of one wg-quick table, fe80 addresses
# marked for backend_lines.
nft_table() {
	local fam=$1 ifn=$2 mark=$3 a u
	shift 3
	printf 'table %s wg-quick-%s {\n\tchain preraw {\n' "$fam" "$ifn"
	printf '\t\ttype filter hook prerouting priority raw; policy accept;\n'
	for a in "$@"; do
		u=
		[[ $a == fe80* ]] && u='U '
		printf '%s\t\tiifname != "%s" %s daddr %s fib saddr type != local drop\n' \
			"$u" "$ifn" "$fam" "$a"
	done
	printf '\t}\n\n\tchain premangle {\n'
	printf '\t\ttype filter hook prerouting priority mangle; policy accept;\n'
	printf '\t\tmeta l4proto udp meta mark set ct mark\n\t}\n\n\tchain postmangle {\n'
	printf '\t\ttype filter hook postrouting priority mangle; policy accept;\n'
	printf '\t\tmeta l4proto udp meta mark 0x%08x ct mark set meta mark\n\t}\n}\n' "$mark"
}

# ft_log FAMILY IF MARK [sysctl]: the up log of one family of a full tunnel.
ft_log() {
	local dst=0.0.0.0/0
	[ "$1" = 6 ] && dst=::/0
	echo "[#] ip -$1 rule add not fwmark $3 table $3"
	echo "[#] ip -$1 rule add table main suppress_prefixlength 0"
	echo "[#] ip -$1 route add $dst dev $2 table $3"
	[ -z "${4:-}" ] || echo "[#] sysctl -q net.ipv4.conf.all.src_valid_mark=1"
	echo "[#] nft -f /dev/fd/63"
}

# ft_down_log IF MARK FAMILY...: the down log of a full tunnel without DNS.
ft_down_log() {
	local ifn=$1 mark=$2 f
	shift 2
	for f in "$@"; do
		echo "[#] ip -$f rule delete table $mark"
		echo "[#] ip -$f rule delete table main suppress_prefixlength 0"
	done
	echo "[#] ip link delete dev $ifn"
	echo "[#] nft -f /dev/fd/63"
}

# tunnel_conf NAME KEY ADDRESSES ALLOWEDIPS [EXTRA-INTERFACE-LINES]
tunnel_conf() {
	write_conf "$1" <<CONF
[Interface]
Address = $3
PrivateKey = $2
${5:-}

[Peer]
PublicKey = $PUB4
Endpoint = 192.0.2.1:51820
AllowedIPs = $4
CONF
}

# down_ok NAME WHAT: down succeeds with the exact log EXPECTED-LOG ($3).
down_ok() {
	run down "$1"
	check "$2: exit status and log" "0
$3" "$RC
$LOG"
	wait_gone "$1"
}

### Dual stack with DNS: the transcript of case peer1-path, plus an IPv6 address.
write_conf wgf <<CONF
[Interface]
Address = 10.13.13.2, fd00:13::2/64
PrivateKey = $KEY1
ListenPort = 51820
DNS = 10.13.13.1, fd00:13::1, corp.example.com, lab.example.com

[Peer]
PublicKey = $PUB2
PresharedKey = $PSK1
Endpoint = 192.0.2.1:51820
AllowedIPs = 0.0.0.0/0, ::/0
CONF
run up wgf
check "dual stack up: exit status" 0 "$RC"
check "dual stack up: log" "$(link_add_log wgf)
[#] wg addconf wgf /dev/fd/63
[#] ip -4 address add 10.13.13.2 dev wgf
[#] ip -6 address add fd00:13::2/64 dev wgf
[#] ip link set mtu 1420 up dev wgf
[#] resolvconf -a wgf -m 0 -x
[#] wg set wgf fwmark 51820
[#] ip -6 rule add not fwmark 51820 table 51820
[#] ip -6 rule add table main suppress_prefixlength 0
[#] ip -6 route add ::/0 dev wgf table 51820
[#] nft -f /dev/fd/63
[#] ip -4 rule add not fwmark 51820 table 51820
[#] ip -4 rule add table main suppress_prefixlength 0
[#] ip -4 route add 0.0.0.0/0 dev wgf table 51820
[#] sysctl -q net.ipv4.conf.all.src_valid_mark=1
[#] nft -f /dev/fd/63" "$LOG"
check "dual stack up: state" "$(backend_lines <<EOF
## links
wgf: <$(link_flags)> mtu 1420
## addresses
wgf inet 10.13.13.2/32
wgf inet6 fd00:13::2/64
U wgf inet6 fe80::LL/64
## rules -4
$(rules 4 32765 51820)
## routes -4
default dev wgf table 51820 scope link
## rules -6
$(rules 6 32765 51820)
## routes -6
default dev wgf table 51820 metric 1024 pref medium
fd00:13::/64 dev wgf proto kernel metric 256 pref medium
U fe80::/64 dev wgf proto kernel metric 256 pref medium
## nft
$(nft_table ip6 wgf 51820 fd00:13::2 fe80::LL)
$(nft_table ip wgf 51820 10.13.13.2)
## resolv.conf
# Generated by resolvconf
search corp.example.com lab.example.com
nameserver 10.13.13.1
nameserver fd00:13::1
## resolvconf records
wgf
## src_valid_mark
1
EOF
)" "$(ft_state)"
check "dual stack up: device fwmark" 0xca6c "$(wg show wgf fwmark)"
run down wgf
check "dual stack down: exit status" 0 "$RC"
check "dual stack down: log" "[#] ip -4 rule delete table 51820
[#] ip -4 rule delete table main suppress_prefixlength 0
[#] ip -6 rule delete table 51820
[#] ip -6 rule delete table main suppress_prefixlength 0
[#] ip link delete dev wgf
[#] resolvconf -d wgf -f
[#] nft -f /dev/fd/63" "$LOG"
wait_gone wgf
check "dual stack down: state, src_valid_mark stays 1" "$EMPTY_LEFT
1" \
	"$(left_state; cat "$SVM")"

### A fwmark from the config, or set by a PreUp hook, is used as is: no `wg set` line;
### src_valid_mark already 1 gives no sysctl line. A narrower allowed IP goes to main.
for how in "FwMark = 0x1234" "PreUp = wg set %i fwmark 0x1234"; do
	tunnel_conf wgm "$KEY1" 10.20.0.2/32 "0.0.0.0/0, ::/0, 10.21.0.0/16" "$how"
	run up wgm
	check "$how: up exit status and log" "0
$(up_start_log wgm 10.20.0.2/32 | if [[ $how == PreUp* ]]; then
		sed '/wg addconf/i [#] wg set wgm fwmark 0x1234'
	else
		cat
	fi)
[#] ip -4 route add 10.21.0.0/16 dev wgm
$(ft_log 6 wgm 4660)
$(ft_log 4 wgm 4660)" "$RC
$LOG"
	check "$how: up state" "$(backend_lines <<EOF
## links
wgm: <$(link_flags)> mtu 1420
## addresses
wgm inet 10.20.0.2/32
U wgm inet6 fe80::LL/64
## rules -4
$(rules 4 32765 4660)
## routes -4
10.21.0.0/16 dev wgm scope link
default dev wgm table 4660 scope link
## rules -6
$(rules 6 32765 4660)
## routes -6
default dev wgm table 4660 metric 1024 pref medium
U fe80::/64 dev wgm proto kernel metric 256 pref medium
## nft
$(nft_table ip6 wgm 4660 fe80::LL)
$(nft_table ip wgm 4660 10.20.0.2)
## resolv.conf
nameserver 192.0.2.53
## resolvconf records
## src_valid_mark
1
EOF
)" "$(ft_state)"
	check "$how: device fwmark" 0x1234 "$(wg show wgm fwmark)"
	down_ok wgm "$how: down" "$(ft_down_log wgm 4660 4 6)"
	check "$how: down state" "$EMPTY_LEFT" "$(left_state)"
done

### IPv6 only: no sysctl line even with src_valid_mark 0, only the ip6 table. `Auto`
### in any case means auto (behaviour.md §6 f).
echo 0 >"$SVM"
tunnel_conf wg6 "$KEY1" fd00:66::2/64 ::/0 "Table = AuTo"
run up wg6
check "IPv6 only: up exit status and log" "0
$(up_start_log wg6 fd00:66::2/64)
[#] wg set wg6 fwmark 51820
$(ft_log 6 wg6 51820)" "$RC
$LOG"
check "IPv6 only: up state" "$(backend_lines <<EOF
## links
wg6: <$(link_flags)> mtu 1420
## addresses
wg6 inet6 fd00:66::2/64
U wg6 inet6 fe80::LL/64
## rules -4
$(rules 4)
## routes -4
## rules -6
$(rules 6 32765 51820)
## routes -6
default dev wg6 table 51820 metric 1024 pref medium
fd00:66::/64 dev wg6 proto kernel metric 256 pref medium
U fe80::/64 dev wg6 proto kernel metric 256 pref medium
## nft
$(nft_table ip6 wg6 51820 fd00:66::2 fe80::LL)
## resolv.conf
nameserver 192.0.2.53
## resolvconf records
## src_valid_mark
0
EOF
)" "$(ft_state)"
down_ok wg6 "IPv6 only: down" "$(ft_down_log wg6 51820 6)"
check "IPv6 only: down state" "$EMPTY_LEFT" "$(left_state)"
echo 1 >"$SVM"

### An IPv4 full tunnel on a link without IPv4 address: its ip table has no preraw rule.
tunnel_conf wgv "$KEY1" fd00:77::2/64 0.0.0.0/0
run up wgv
check "IPv4 tunnel, no IPv4 address: up exit status and log" "0
$(up_start_log wgv fd00:77::2/64)
[#] wg set wgv fwmark 51820
$(ft_log 4 wgv 51820)" "$RC
$LOG"
check "IPv4 tunnel, no IPv4 address: rules, routes, nft" "$(rules 4 32765 51820)
default dev wgv scope link
$(rules 6)
$(nft_table ip wgv 51820)" \
	"$(ip -4 rule; ip -4 route show table 51820 | sed 's/ *$//'; ip -6 rule; nft list ruleset)"
down_ok wgv "IPv4 tunnel, no IPv4 address: down" "$(ft_down_log wgv 51820 4)"
check "IPv4 tunnel, no IPv4 address: down state" "$EMPTY_LEFT" "$(left_state)"

### Two full tunnels at once; each down leaves the other's rules alone (behaviour.md §6 d).
tunnel_conf wga "$KEY1" 10.30.0.2/32 "0.0.0.0/0, ::/0"
tunnel_conf wgb "$KEY2" 10.31.0.2/32 "0.0.0.0/0, ::/0"

# tunnels_state [IF PRIO MARK ADDR]...: the state with these full tunnels up (each with
# one IPv4 address), given in the order they came up.
tunnels_state() {
	local links="" addrs="" pairs=() routes4="" routes6="" nft=""
	while [ $# -ge 4 ]; do
		links+="$1: <$(link_flags)> mtu 1420"$'\n'
		addrs+="$1 inet $4/32"$'\n'"U $1 inet6 fe80::LL/64"$'\n'
		pairs=("$2" "$3" "${pairs[@]}")
		routes4+="default dev $1 table $3 scope link"$'\n'
		routes6+="default dev $1 table $3 metric 1024 pref medium"$'\n'
		nft+="$(nft_table ip6 "$1" "$3" fe80::LL)"$'\n'"$(nft_table ip "$1" "$3" "$4")"$'\n'
		shift 4
	done
	backend_lines <<EOF
## links
$(printf '%s' "$links" | sort)
## addresses
$(printf '%s' "$addrs" | sed 's/^U //' | sort | sed 's/^\(.*fe80.*\)$/U \1/')
## rules -4
$(rules 4 "${pairs[@]}")
## routes -4
$(printf '%s' "$routes4" | sort)
## rules -6
$(rules 6 "${pairs[@]}")
## routes -6
$(printf '%s' "$routes6" | sort)
$(printf '%s' "$links" | sort |
	sed -E 's|^([^:]+):.*|U fe80::/64 dev \1 proto kernel metric 256 pref medium|')
## nft
$nft## resolv.conf
nameserver 192.0.2.53
EOF
}
A="wga 32765 51820 10.30.0.2"
B="wgb 32763 51821 10.31.0.2"

for order in "wga wgb" "wgb wga"; do
	run up wga
	check "two tunnels ($order): first up" "0" "$RC"
	check "two tunnels ($order): first state" "$(tunnels_state $A)" "$(state)"
	run up wgb
	check "two tunnels ($order): second up gets table 51821" "0
$(up_start_log wgb 10.31.0.2/32)
[#] wg set wgb fwmark 51821
$(ft_log 6 wgb 51821)
$(ft_log 4 wgb 51821)" "$RC
$LOG"
	check "two tunnels ($order): both up, priorities 32765/32764 and 32763/32762" \
		"$(tunnels_state $A $B)" "$(state)"
	first=${order% *} second=${order#* }
	mark=51820 left=$B
	[ "$first" = wgb ] && mark=51821 left=$A
	down_ok "$first" "two tunnels ($order): $first down" "$(ft_down_log "$first" $mark 4 6)"
	check "two tunnels ($order): $second keeps its rules" "$(tunnels_state $left)" "$(state)"
	mark=$((51820 + 51821 - mark))
	down_ok "$second" "two tunnels ($order): $second down" \
		"$(ft_down_log "$second" $mark 4 6)"
	check "two tunnels ($order): nothing left" "$EMPTY_LEFT" "$(left_state)"
done

# A second tunnel that sets FwMark = 51820 to bypass the first never deletes the
# first one's rules (behaviour.md §6 c).
run up wga
tunnel_conf wgx "$KEY2" 10.40.0.2/32 10.41.0.0/16 "FwMark = 51820"
run up wgx
check "bypassing tunnel: up" 0 "$RC"
down_ok wgx "bypassing tunnel: down removes no rule" "[#] ip link delete dev wgx"
check "bypassing tunnel: the full tunnel is intact" "$(tunnels_state $A)" "$(state)"
down_ok wga "bypassing tunnel: full tunnel down" "$(ft_down_log wga 51820 4 6)"
check "bypassing tunnel: nothing left" "$EMPTY_LEFT" "$(left_state)"

### The config edited between up and down still leaves nothing behind (behaviour.md §6 c).
tunnel_conf wge "$KEY1" 10.50.0.2/32 "0.0.0.0/0, ::/0" \
	"DNS = 10.50.0.1, example.net"
run up wge
check "edited config: up" 0 "$RC"
tunnel_conf wge "$KEY1" 10.50.0.2/32 10.0.0.0/8 "Table = 1234"
down_ok wge "edited config: down (no DNS, no /0, Table 1234)" \
	"[#] ip -4 rule delete table 51820
[#] ip -4 rule delete table main suppress_prefixlength 0
[#] ip -6 rule delete table 51820
[#] ip -6 rule delete table main suppress_prefixlength 0
[#] ip link delete dev wge
[#] resolvconf -d wge -f
[#] nft -f /dev/fd/63"
check "edited config: nothing left" "$EMPTY_LEFT" "$(left_state)"

tunnel_conf wge "$KEY1" 10.50.0.2/32 "0.0.0.0/0, ::/0"
run up wge
tunnel_conf wge "$KEY1" 10.50.0.2/32 "0.0.0.0/0, ::/0" "Table = off"
down_ok wge "edited config: down (Table off)" "$(ft_down_log wge 51820 4 6)"
check "edited config (Table off): nothing left" "$EMPTY_LEFT" "$(left_state)"

### Real traffic: namespace a's IPv4 default route points at b over a veth, but b drops
### what arrives there for its "internet" address 203.0.113.1, and a has no IPv6 route
### to 2001:db8:ff::1: a reaches both only through the full tunnel, whose own packets
### to the endpoint must still take a's default route.
ip netns add a
ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 198.51.100.1/32 dev va
ip -n b addr add 198.51.100.2/24 dev vb
for n in a b; do
	ip -n $n link set lo up
done
ip -n a link set va up
ip -n b link set vb up
ip -n a route add default via 198.51.100.2 dev va onlink
ip -n b addr add 203.0.113.1/32 dev lo
ip -n b addr add 2001:db8:ff::1/128 dev lo
ip netns exec b nft -f - <<'NFT'
table inet internet {
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "vb" ip daddr 203.0.113.1 drop
	}
}
NFT
# Strict reverse-path filtering: the endpoint's replies, which match a's default
# route only, pass only if the nft rules restore their mark and src_valid_mark lets
# the check see it.
ip netns exec a sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.va.rp_filter=1
ip netns exec a sh -c "echo 0 >$SVM"

write_conf wgc <<CONF
[Interface]
Address = 10.88.0.2/32, fd88::2/128
PrivateKey = $KEY1

[Peer]
PublicKey = $PUB2
Endpoint = 198.51.100.2:51821
AllowedIPs = 0.0.0.0/0, ::/0
CONF
write_conf wgs <<CONF
[Interface]
Address = 10.88.0.1/24, fd88::1/64
ListenPort = 51821
PrivateKey = $KEY2

[Peer]
PublicKey = $PUB1
AllowedIPs = 10.88.0.2/32, fd88::2/128
CONF

inns() { local n=$1; shift; ip netns exec "$n" "$@"; }
lost() { inns a ping -c "$1" -i 0.2 -W 2 "$2" 2>&1 | grep -oE '[0-9]+ received|unreachable'; }

check "before the tunnel: 203.0.113.1 dropped" "0 received" "$(lost 1 203.0.113.1)"
check "before the tunnel: 2001:db8:ff::1 unreachable" unreachable "$(lost 1 2001:db8:ff::1)"
inns b "$WGQ" up wgs >/dev/null 2>&1
check "server up" 0 $?
inns a "$WGQ" up wgc >/dev/null 2>&1
check "client full tunnel up" 0 $?
check "client: default traffic goes into the tunnel" "dev wgc table 51820" \
	"$(inns a ip -o route get 203.0.113.1 | grep -oE 'dev [a-z0-9]+ table [0-9]+')"
check "client: marked traffic to the endpoint takes the default route" "via 198.51.100.2 dev va" \
	"$(inns a ip -o route get 198.51.100.2 mark 51820 | grep -oE 'via [0-9.]+ dev [a-z0-9]+')"
inns a ping -c 1 -W 5 203.0.113.1 >/dev/null
check "ping 203.0.113.1 through the tunnel" "5 received" "$(lost 5 203.0.113.1)"
check "ping 2001:db8:ff::1 through the tunnel" "5 received" "$(lost 5 2001:db8:ff::1)"
check "client: handshake completed" 1 \
	"$(inns a wg show wgc latest-handshakes | awk '$2 > 0' | wc -l)"
check "client: src_valid_mark set" 1 "$(inns a cat "$SVM")"
inns a "$WGQ" down wgc >/dev/null 2>&1
check "client down" 0 $?
check "after the tunnel: 203.0.113.1 dropped again" "0 received" "$(lost 1 203.0.113.1)"
check "client: nothing left" "## rules
0:	from all lookup local
32766:	from all lookup main
32767:	from all lookup default
## nft" "$(echo '## rules'; inns a ip rule show; echo '## nft'; inns a nft list ruleset)"
inns b "$WGQ" down wgs >/dev/null 2>&1
check "server down" 0 $?

finish
