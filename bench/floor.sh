# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
# shellcheck shell=bash
#
# The floor of bench/run: the end state of `wgq up` made with the fewest processes, as
# a yardstick for wgq's own overhead. Sourced by bench/run.
#
# floor_prepare IF works out, untimed, everything that is a pure function of the config
# /etc/wireguard/IF.conf: the stripped config (`wgq strip`), one `ip -batch` file with
# the addresses, MTU and up, the routes (every allowed IP; the configs of genconf.sh
# have none covered by an address prefix) and, for a full tunnel, the fwmark table's
# routes and the policy rules; the nft ruleset and the resolvconf input. floor_up then
# runs one process per tool:
#   wireguard-go IF (with kernel WireGuard, `link add` opens the ip batch instead)
#   wg setconf IF FILE
#   ip -batch FILE
#   ip -6 -batch FILE                        (an IPv6 full tunnel's rules)
#   resolvconf -a IF -m 0 -x, nft -f FILE    (DNS, full tunnel: only when configured)
# and floor_down is `ip -6 -batch` and `ip -batch` (the rules, then the link), a wait
# for wireguard-go's socket to go (floor_gone), `resolvconf -d`, `nft -f`.
# The fwmark and table are wg-quick's first choice, 51820; the MTU is the default
# route's device MTU less 80. No resolvconf interface-order prefix.

FLOOR_MARK=51820

# conf_list KEY: the comma-separated values of every "KEY = ..." line, one per line.
conf_list() {
	awk -v k="$1" -F '=' '$1 ~ "^" k "[ \t]*$" {
		sub(/^[^=]*=[ \t]*/, ""); n = split($0, v, /[ \t]*,[ \t]*/)
		for (i = 1; i <= n; i++) if (v[i] != "") print v[i] }' "/etc/wireguard/$FLOOR_IF.conf"
}

floor_mtu() {
	local dev
	dev=$(ip -o route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") {
		print $(i + 1); exit } }')
	echo $(($(cat "/sys/class/net/$dev/mtu" 2>/dev/null || echo 1500) - 80))
}

# floor_nft FAMILY ADDRESS...: wg-quick's ruleset for one family of a full tunnel.
floor_nft() {
	local f=$1 t="$1 wg-quick-$FLOOR_IF" a
	shift
	echo "add table $t"
	echo "add chain $t preraw { type filter hook prerouting priority -300; }"
	echo "add chain $t premangle { type filter hook prerouting priority -150; }"
	echo "add chain $t postmangle { type filter hook postrouting priority -150; }"
	for a in "$@"; do
		echo "add rule $t preraw iifname != \"$FLOOR_IF\" $f daddr ${a%/*}" \
			"fib saddr type != local drop"
	done
	echo "add rule $t postmangle meta l4proto udp mark $FLOOR_MARK ct mark set mark"
	echo "add rule $t premangle meta l4proto udp meta mark set ct mark"
}

# floor_tunnel FAMILY ALL ADDRESS-PATTERN: the ip batch lines (the IPv6 rules go to an
# `ip -6` batch: ip picks a rule's family from its options only) and the nft ruleset of
# one full-tunnel family (ALL is 0.0.0.0/0 or ::/0).
floor_tunnel() {
	local d=$FLOOR_DIR/$FLOOR_IF rules=up addrs
	[ "$1" = ip ] || rules=up6
	mapfile -t addrs < <(conf_list Address | grep -e "$3")
	echo "route add $2 dev $FLOOR_IF table $FLOOR_MARK" >>"$d.up"
	echo "rule add not fwmark $FLOOR_MARK table $FLOOR_MARK" >>"$d.$rules"
	echo "rule add table main suppress_prefixlength 0" >>"$d.$rules"
	echo "rule del table $FLOOR_MARK" >>"$d.${rules/up/down}"
	echo "rule del table main suppress_prefixlength 0" >>"$d.${rules/up/down}"
	floor_nft "$1" "${addrs[@]}" >>"$d.nft"
	echo "delete table $1 wg-quick-$FLOOR_IF" >>"$d.nftdel"
}

floor_prepare() {
	FLOOR_IF=$1 FLOOR_DIR=$SANDBOX/floor
	local d=$FLOOR_DIR/$1 p
	mkdir -p "$FLOOR_DIR"
	rm -f "$d".*
	[ -p "$FLOOR_DIR/tick" ] || mkfifo "$FLOOR_DIR/tick"
	"$WGQ" strip "$1" >"$d.wg"
	[ ! -d /sys/module/wireguard ] || echo "link add dev $1 type wireguard" >>"$d.up"
	conf_list Address | sed "s|.*|address add & dev $1|" >>"$d.up"
	echo "link set mtu $(floor_mtu) up dev $1" >>"$d.up"
	# wgq's order (behaviour.md §3.8): ::/0 sorts before 0.0.0.0/0.
	for p in $(conf_list AllowedIPs | LC_ALL=C sort -r); do
		case $p in
		::/0) floor_tunnel ip6 "$p" : ;;
		0.0.0.0/0) floor_tunnel ip "$p" '\.' ;;
		*) echo "route add $p dev $1" >>"$d.up" ;;
		esac
	done
	echo "link del dev $1" >>"$d.down"
	[ ! -e "$d.nft" ] || sed -i "/^\[Interface\]/a FwMark = $FLOOR_MARK" "$d.wg"
	conf_list DNS | sed 's/^/nameserver /' >"$d.dns"
	[ -s "$d.dns" ] || rm "$d.dns"
}

# floor_ll IF: FLOOR_LL becomes IF's IPv6 link-local address (wg-quick's nft rules name
# every address of the link), read without starting a process.
floor_ll() {
	local a _i _p scope _f name
	FLOOR_LL=
	while read -r a _i _p scope _f name; do
		[ "$name" = "$1" ] && [ "$scope" = 20 ] || continue
		FLOOR_LL=${a:0:4}:${a:4:4}:${a:8:4}:${a:12:4}:${a:16:4}:${a:20:4}:${a:24:4}:${a:28:4}
		return
	done </proc/net/if_inet6
}

floor_nft_run() {
	local d=$FLOOR_DIR/$1 rule
	echo 1 >/proc/sys/net/ipv4/conf/all/src_valid_mark
	floor_ll "$1"
	[ -n "$FLOOR_LL" ] && [ -e "$d.up6" ] || { nft -f "$d.nft"; return; }
	rule="add rule ip6 wg-quick-$1 preraw iifname != \"$1\" ip6 daddr $FLOOR_LL"
	nft -f - <<<"$(<"$d.nft")
$rule fib saddr type != local drop"
}

floor_up() {
	local d=$FLOOR_DIR/$1
	if [ -d /sys/module/wireguard ]; then
		ip -batch "$d.up" && wg setconf "$1" "$d.wg" || return
	else
		wireguard-go "$1" && wg setconf "$1" "$d.wg" && ip -batch "$d.up" || return
	fi
	[ ! -e "$d.up6" ] || ip -6 -batch "$d.up6" || return
	[ ! -e "$d.dns" ] || resolvconf -a "$1" -m 0 -x <"$d.dns" || return
	[ ! -e "$d.nft" ] || floor_nft_run "$1"
}

# floor_gone IF: wait for the userspace implementation to remove its socket, as wgq's
# down does (so that an `up` right after finds the name free), polling every 1 ms
# with builtins only: `read -t` on a FIFO that never has data.
floor_gone() {
	local fd i
	exec {fd}<>"$FLOOR_DIR/tick"
	for ((i = 0; i < 2000; i++)); do
		[ -e "/run/wireguard/$1.sock" ] || break
		read -r -t 0.001 -u "$fd"
	done
	exec {fd}<&-
}

floor_down() {
	local d=$FLOOR_DIR/$1
	[ ! -e "$d.down6" ] || ip -6 -batch "$d.down6" || return
	ip -batch "$d.down" || return
	floor_gone "$1"
	[ ! -e "$d.dns" ] || resolvconf -d "$1" -f || return
	[ ! -e "$d.nftdel" ] || nft -f "$d.nftdel"
}
