#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Helpers for the netns suite. A test sources this file and calls sandbox_enter "$@"
# first: the test re-executes itself inside a fresh network + mount namespace with an
# empty private /run, /etc as an overlay (isolate_host), private /etc/resolv.conf,
# /etc/wireguard, /etc/netns and /sys, lo up, and a veth uplink up0 (192.0.2.2/24,
# 2001:db8::2/64, MTU 1500, default routes). Nothing outside the namespace is touched.
# Exit 77 means "skip".

set -uo pipefail

WGQ=${WGQ:-$(cd "$(dirname "$0")/../.." && pwd)/build/src/wgq}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}

# Fixed test keys (private, public).
KEY1=ONMVvZVMPRwY8Khjj187H8O6aq92UP21XjjWHpvuNVA=
PUB1=i2cf2XV0l3Bd8MldsDKxPJ4yWvXVvWRFPCHYo22rIgY=
KEY2=2MNiJoaYJrTa7v0z/YIieWOhRzHHpNFk6fqgKwlgekE=
PUB2=E+5SG1bYz1AWJFQG5ZEKuFhEYn00S4Dr2JKsp4vf6Ew=
KEY3=8FpgmHYTCqUJ3NbVWZRLtOfBSZLIjFj8n7dpnHAzFk0=
PUB3=L/7cLoZ5xq/hl68aXVZQvA5tuLLouqZnEAGHN+Q2PHU=
PUB4=daijbJAo+Rr2/ahe/JeJufGqxJvmZms6poWCHKPs6Ak=
PSK1=ps83d4n2+l04RIljm2IM2X18Jn/WRvOV3XDlsHhs14o=

skip() { echo "skipped: $*"; exit 77; }

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# isolate_host (in a private mount namespace): from here on, what the test and the
# programs it starts write under /run and /etc stays in this namespace. /run becomes an
# empty tmpfs that also holds $SANDBOX (so nothing is left in /tmp either), and /etc an
# overlay whose upper layer is in $SANDBOX. Without this, resolvconf's subscribers write
# the host's /run/dnsmasq/resolv.conf and /etc/unbound/unbound.conf.d/ (openresolv's
# Debian defaults in /etc/resolvconf.conf), and `mkdir -p` of a missing /etc/wireguard
# or /run/wireguard creates it on the host.
isolate_host() {
	# -n: libmount would otherwise create /run/mount (its utab) in the host's /run.
	mount -n -t tmpfs -o mode=0755 tmpfs /run
	SANDBOX=$(mktemp -d /run/wgq-test.XXXXXX)
	overlay_dir /etc
	PRIVATE_TREES="/run /etc"
}

sandbox_enter() {
	if [ -z "${WGQ_IN_SANDBOX:-}" ]; then
		[ "$(id -u)" = 0 ] || skip "needs root"
		need unshare ip wireguard-go
		[ -c /dev/net/tun ] || skip "needs /dev/net/tun"
		[ -x "$WGQ" ] || { echo "FAIL: $WGQ not built"; exit 1; }
		unshare --net --mount --propagation private true 2>/dev/null ||
			skip "cannot unshare network and mount namespaces"
		exec unshare --net --mount --propagation private -- \
			env WGQ_IN_SANDBOX=1 WGQ="$WGQ" SRCDIR="$SRCDIR" bash "$0" "$@"
	fi
	set -e
	isolate_host
	printf 'nameserver 192.0.2.53\n' >"$SANDBOX/resolv.conf"
	mount -t sysfs sysfs /sys
	# A link (to systemd-resolved's or resolvconf's file under /run) would point into
	# the empty /run: a plain file in the /etc overlay takes its place.
	if [ -L /etc/resolv.conf ]; then rm /etc/resolv.conf; fi
	[ -e /etc/resolv.conf ] || : >/etc/resolv.conf
	mount --bind "$SANDBOX/resolv.conf" /etc/resolv.conf
	for d in /run/wireguard /run/resolvconf /etc/wireguard /run/netns; do
		mkdir -p "$d"
		mount -t tmpfs -o mode=0755 tmpfs "$d"
	done
	chmod 700 /etc/wireguard
	# wgq writes a named target's DNS files there (killswitch-netns.md §5.5): never the host's.
	private_dir /etc/netns
	ip link set lo up
	ip link add up0 mtu 1500 type veth peer name up1
	# No duplicate address detection on the uplink: its link-local addresses are then
	# usable at once, instead of after a second or two of DAD.
	echo 0 >/proc/sys/net/ipv6/conf/up0/accept_dad
	echo 0 >/proc/sys/net/ipv6/conf/up1/accept_dad
	ip link set up1 up
	ip link set up0 up
	ip addr add 192.0.2.2/24 dev up0
	ip -6 addr add 2001:db8::2/64 dev up0 nodad
	ip route add default via 192.0.2.1 dev up0
	ip -6 route add default via 2001:db8::1 dev up0
	# Let the link-local addresses of both ends of the uplink appear now, not during a
	# test (refusals.sh's listeners heard them arrive). No `grep -q` in a pipeline here:
	# under pipefail, ip killed by SIGPIPE makes "! ip … | grep -q tentative" true.
	local a
	for _ in $(seq 100); do
		a=$(ip -6 -o addr show scope link)
		[ "$(grep -cE ': up[01] +inet6 fe80' <<<"$a")" = 2 ] && [[ $a != *tentative* ]] && break
		sleep 0.05
	done
	set +e
	cd "$SANDBOX"
}

FAILS=0
PASSES=0

# check NAME EXPECTED ACTUAL: exact comparison, diff on failure.
check() {
	if [ "$2" == "$3" ]; then
		PASSES=$((PASSES + 1))
		echo "ok   $1"
	else
		FAILS=$((FAILS + 1))
		echo "FAIL $1"
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/     /'
	fi
}

# run ARGS...: run wgq, splitting its output into $OUT, $LOG ([#]/[!] lines with the
# userspace implementation's own line reduced to USERSPACE), $ERR (everything on
# stderr) and $RC.
run() {
	local o e
	o=$(mktemp) e=$(mktemp)
	"$WGQ" "$@" >"$o" 2>"$e"
	RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
	LOG=$(grep -E '^\[[#!]\]' "$e" | sed -E 's/^\[#\] wireguard-go .*/[#] USERSPACE/')
	rm -f "$o" "$e"
}

# The network state of this namespace, minus the uplink and lo, normalised.
state() {
	echo "## links"
	ip -o link show | grep -vE ': (lo|up0|up1)[:@]' |
		sed -E 's/^[0-9]+: //; s/ qdisc.*//' | sort
	echo "## addresses"
	ip -o addr show | grep -vE ' (lo|up0|up1) ' | awk '{print $2, $3, $4}' |
		sed -E 's/fe80::[0-9a-f:]+/fe80::LL/' | sort
	for f in 4 6; do
		echo "## rules -$f"
		ip -$f rule show
		echo "## routes -$f"
		ip -$f route show table all | grep -vE ' dev (lo|up0|up1)( |$)' |
			grep -vE '^(local|broadcast|multicast|anycast) ' |
			sed -E 's/fe80::[0-9a-f:]+/fe80::LL/; s/ +$//' | sort
	done
	echo "## nft"
	nft list ruleset 2>/dev/null | sed -E 's/fe80::[0-9a-f:]+/fe80::LL/g'
	echo "## resolv.conf"
	cat /etc/resolv.conf
}

# The state of a namespace with nothing of ours in it.
EMPTY_STATE=""
empty_state_init() { EMPTY_STATE=$(state); }

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" = 0 ]
	exit $?
}

# wait_gone IF: wireguard-go exits shortly after its TUN link is deleted.
wait_gone() {
	for _ in $(seq 50); do
		[ -e "/run/wireguard/$1.sock" ] || return 0
		sleep 0.1
	done
}

# The log lines of `ip link add` for this machine's backend.
link_add_log() {
	echo "[#] ip link add dev $1 type wireguard"
	if [ ! -d /sys/module/wireguard ]; then
		echo "[!] Missing WireGuard kernel module. Falling back to slow userspace implementation."
		echo "[#] USERSPACE"
	fi
}

# The flags of an up WireGuard link: a userspace TUN device has MULTICAST too.
link_flags() {
	if [ -d /sys/module/wireguard ]; then
		echo POINTOPOINT,NOARP,UP,LOWER_UP
	else
		echo POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP
	fi
}

# The fe80 line a userspace TUN device gets (kernel WireGuard links have none).
ll_addr() {
	[ -d /sys/module/wireguard ] || echo "$1 inet6 fe80::LL/64"
}

# A WireGuard config with its [Peer] blocks in sorted order (device order varies).
conf_sorted() {
	awk 'BEGIN { RS = "" } { gsub(/\n/, "\t"); print (/^\[Interface\]/ ? "0" : "1") $0 }' |
		LC_ALL=C sort | cut -c2- | awk '{ gsub(/\t/, "\n"); print; print "" }'
}

# state plus the resolvconf records: everything up and its rollback may touch
# (src_valid_mark aside, which stays 1 by design).
full_state() {
	state
	echo "## resolvconf records"
	find /run/resolvconf -type f -path '*/interface*/*' 2>/dev/null | sort
	echo "## userspace sockets"
	ls /run/wireguard
}

# write_conf NAME: standard input becomes /etc/wireguard/NAME.conf, mode 600.
write_conf() {
	cat >"/etc/wireguard/$1.conf"
	chmod 600 "/etc/wireguard/$1.conf"
}

# backend_lines: standard input with the lines marked "U " kept (mark removed) for the
# userspace backend, or dropped for kernel WireGuard, whose links have no fe80 address.
backend_lines() {
	if [ -d /sys/module/wireguard ]; then
		sed '/^U /d'
	else
		sed 's/^U //'
	fi
}

# up_start_log IF ADDRESS...: the log of up from the link to the MTU step (behaviour.md §3.12),
# for a config with these Address values and no PreUp hook or MTU.
up_start_log() {
	local ifn=$1 a
	shift
	link_add_log "$ifn"
	echo "[#] wg addconf $ifn /dev/fd/63"
	for a in "$@"; do
		if [[ $a == *:* ]]; then
			echo "[#] ip -6 address add $a dev $ifn"
		else
			echo "[#] ip -4 address add $a dev $ifn"
		fi
	done
	echo "[#] ip link set mtu 1420 up dev $ifn"
}

# overlay_dir DIR: make DIR writable in this mount namespace only (an overlay whose upper
# layer is in $SANDBOX), keeping the mounts below it (sandbox_enter's among them).
overlay_dir() {
	local dir=$1 base subs=() top=() m t i
	for t in ${PRIVATE_TREES:-}; do # already private and writable (isolate_host)
		[[ $dir == "$t" || $dir == "$t"/* ]] && return 0
	done
	base=$(mktemp -d "$SANDBOX/overlay$(echo "$dir" | tr / _).XXXXXX")
	mkdir -p "$base/upper" "$base/work" "$base/moved"
	mapfile -t subs < <(findmnt -rn -o TARGET | grep "^$dir/" | sort -u)
	for m in "${subs[@]}"; do # only the outermost: the others move with them
		for t in "${top[@]}"; do [[ $m == "$t"/* ]] && continue 2; done
		top+=("$m")
	done
	for i in "${!top[@]}"; do
		if [ -d "${top[$i]}" ]; then mkdir "$base/moved/$i"; else : >"$base/moved/$i"; fi
		mount --move "${top[$i]}" "$base/moved/$i"
	done
	mount -t overlay overlay -o "lowerdir=$dir,upperdir=$base/upper,workdir=$base/work" "$dir"
	for i in "${!top[@]}"; do
		mount --move "$base/moved/$i" "${top[$i]}"
	done
}

# private_dir DIR: an empty directory DIR that exists in this mount namespace only.
private_dir() {
	[ -d "$1" ] || { overlay_dir "$(dirname "$1")" && mkdir "$1"; }
	mount -t tmpfs -o mode=0755 tmpfs "$1"
}

# hide_dns_tools: wgq looks for resolvconf and resolvectl in PATH and then in /usr/sbin,
# /sbin, /usr/bin and /bin. Bind /dev/null over the ones this machine has there (in this
# mount namespace only), so that PATH alone decides; unhide_dns_tools undoes it.
HIDDEN_DNS_TOOLS=()
hide_dns_tools() {
	local d t
	for d in /usr/sbin /sbin /usr/bin /bin; do
		for t in resolvconf resolvectl; do
			[ -f "$d/$t" ] || continue
			mount --bind /dev/null "$d/$t" && HIDDEN_DNS_TOOLS+=("$d/$t")
		done
	done
}
unhide_dns_tools() {
	local f
	for f in "${HIDDEN_DNS_TOOLS[@]}"; do umount "$f" 2>/dev/null; done
	HIDDEN_DNS_TOOLS=()
}

# client_conf NET [EXTRA [ALLOWEDIPS]]: a client config with Address 10.NET.0.2/32, DNS
# 10.NET.0.53 and the EXTRA [Interface] lines, and one peer (AllowedIPs 0.0.0.0/0 unless
# given).
client_conf() {
	cat <<CONF
[Interface]
Address = 10.$1.0.2/32
PrivateKey = $KEY1
DNS = 10.$1.0.53
${2:-}

[Peer]
PublicKey = $PUB2
AllowedIPs = ${3:-0.0.0.0/0}
Endpoint = 192.0.2.9:51820
CONF
}

# listen_start: record every rtnetlink and nf_tables event of this namespace until
# listen_stop prints them (a change-free step records nothing).
listen_start() {
	ip monitor all >"$SANDBOX/ipmon" 2>&1 &
	IPMON=$!
	nft monitor >"$SANDBOX/nftmon" 2>&1 &
	NFTMON=$!
	sleep 0.3
}
listen_stop() {
	sleep 0.2
	kill $IPMON $NFTMON
	wait $IPMON $NFTMON 2>/dev/null
	cat "$SANDBOX/ipmon" "$SANDBOX/nftmon"
}
