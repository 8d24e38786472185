#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Hostile systems (issue 18 item 6): what a config needs and the system lacks is found
# before the first change. No WireGuard backend at all, nf_tables unavailable (a
# preloaded shim makes the NETLINK_NETFILTER socket fail as on a kernel without
# nfnetlink), /proc/sys read-only while src_valid_mark is 0, IPv6 disabled by sysctl
# or absent (no /proc/sys/net/ipv6, as with ipv6.disable=1): `up` (and `reload`) exit
# 1 with exactly one message naming the line, the cause and the fix, while an
# rtnetlink and an nf_tables listener record no event and no hook runs. A config that
# does not need the missing part comes up and goes down.
. "$(dirname "$0")/lib.sh"
need nft
sandbox_enter "$@"
V6=/proc/sys/net/ipv6/conf
SVM=/proc/sys/net/ipv4/conf/all/src_valid_mark
F=/etc/wireguard/wgp.conf
OFF="or set Table = off and route yourself"
FIX6="or remove the IPv6 entries from Address and AllowedIPs"
# The uplink's peer end gets its link-local address now, not during a listener.
for _ in $(seq 100); do
	ip -6 addr show dev up1 scope link | grep -q 'inet6 fe80' &&
		! ip -6 addr show dev up1 | grep -q tentative && break
	sleep 0.05
done


# conf ADDRESSES ALLOWEDIPS [EXTRA-INTERFACE-LINE]: the config for wgp; line 6 is the
# [Peer] header.
conf() {
	printf '[Interface]\nAddress = %s\nPrivateKey = %s\nPreUp = touch %s/ran\n%s\n' \
		"$1" "$KEY1" "$SANDBOX" "${3:-# no extra}" | write_conf wgp
	printf '[Peer]\nPublicKey = %s\nAllowedIPs = %s\n' "$PUB2" "$2" >>"$F"
}

# wgq_run VERB [ENV...]: wgq VERB wgp; RC, and ERR without wireguard-go's banner.
wgq_run() {
	local verb=$1
	shift
	env "$@" "$WGQ" "$verb" wgp >"$SANDBOX/out" 2>"$SANDBOX/err"
	RC=$?
	ERR=$(cat "$SANDBOX/err" "$SANDBOX/out" | grep -v '^[│┌└]' | grep -v '^\[[#!]\]')
}

# refused NAME MESSAGE [ENV...]: up exits 1 with MESSAGE alone and changes nothing.
refused() {
	local name=$1 want=$2
	shift 2
	rm -f "$SANDBOX/ran"
	listen_start
	wgq_run up "$@"
	check "$name: exit 1 and one message" "1
$want" "$RC
$ERR"
	check "$name: no rtnetlink or nf_tables event" "" "$(listen_stop)"
	check "$name: no hook ran" no "$([ -e "$SANDBOX/ran" ] && echo yes || echo no)"
}

# works NAME [ENV...]: the config comes up and goes down.
works() {
	local name=$1
	shift
	wgq_run up "$@"
	check "$name: up" "0 " "$RC $ERR"
	wgq_run down "$@"
	check "$name: down" "0 " "$RC $ERR"
	wait_gone wgp
}

# The listeners hear a real up (so an empty recording means something).
conf "10.1.0.1/24" "10.2.0.0/16"
listen_start
wgq_run up
check "control: the listeners see an up" 1 "$(listen_stop | grep -c -m1 wgp)"
wgq_run down
wait_gone wgp

# --- no WireGuard backend: no module (the VM guest has one), no userspace program ---
if [ -d /sys/module/wireguard ] || modprobe -n wireguard 2>/dev/null; then
	echo "skip: this kernel has WireGuard"
else
	conf "10.1.0.1/24" "10.2.0.0/16"
	refused "no backend" \
		"wgq: neither the WireGuard kernel module nor a userspace implementation is available (no module wireguard, no \`/nonexistent/wireguard-go' in PATH); load the module (\`modprobe wireguard\`; Debian's kernels have it) or install wireguard-go (\`apt install wireguard-go\`), or name another implementation in WG_QUICK_USERSPACE_IMPLEMENTATION" \
		WG_QUICK_USERSPACE_IMPLEMENTATION=/nonexistent/wireguard-go PATH=/nonexistent
fi

# --- nf_tables unavailable ---
CC=${CC:-cc}
if command -v "$CC" >/dev/null 2>&1; then
	cat >"$SANDBOX/nonft.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>
int socket(int domain, int type, int protocol)
{
	int (*real)(int, int, int) = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");

	if (domain == AF_NETLINK && protocol == NETLINK_NETFILTER) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	return real(domain, type, protocol);
}
C
	"$CC" -shared -fPIC -o "$SANDBOX/nonft.so" "$SANDBOX/nonft.c" -ldl
	NONFT=(LD_PRELOAD="$SANDBOX/nonft.so"
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")
	conf "10.1.0.1/24" "0.0.0.0/0"
	refused "no nf_tables, IPv4 full tunnel" \
		"wgq: $F:6: AllowedIPs: '0.0.0.0/0' makes a full tunnel, whose wg-quick-IF table needs nf_tables, which is not available (Protocol not supported); load it (\`modprobe nf_tables\`, a kernel with CONFIG_NF_TABLES), $OFF" \
		"${NONFT[@]}"
	conf "10.1.0.1/24" "10.2.0.0/16, ::/1, 8000::/1"
	works "no nf_tables, no full tunnel" "${NONFT[@]}"
	conf "10.1.0.1/24" "10.2.0.0/16" "KillSwitch = on"
	refused "no nf_tables, KillSwitch = on" \
		"wgq: $F:5: KillSwitch: the kill switch needs nf_tables, which is not available (Protocol not supported); load it (\`modprobe nf_tables\`, a kernel with CONFIG_NF_TABLES)" \
		"${NONFT[@]}"
else
	echo "skip: no C compiler for the nf_tables shim"
fi

# --- /proc/sys read-only, src_valid_mark 0 ---
echo 0 >$SVM
mount --bind -o ro /proc/sys /proc/sys
(echo 0 >$SVM) 2>/dev/null && echo "FAIL: /proc/sys is still writable"
conf "10.1.0.1/24" "0.0.0.0/0"
refused "read-only /proc/sys, IPv4 full tunnel" \
	"wgq: $F:6: AllowedIPs: '0.0.0.0/0' makes a full tunnel, which needs net.ipv4.conf.all.src_valid_mark = 1, but it is 0 and cannot be set ($SVM: Read-only file system); set it to 1 where /proc/sys is writable (\`sysctl -w net.ipv4.conf.all.src_valid_mark=1\`, for a container on its host or in its runtime's sysctl settings), $OFF"
conf "10.1.0.1/24, fd01::1/64" "::/0"
works "read-only /proc/sys, IPv6 full tunnel"
conf "10.1.0.1/24" "10.2.0.0/16"
works "read-only /proc/sys, no full tunnel"
umount /proc/sys
echo 1 >$SVM
mount --bind -o ro /proc/sys /proc/sys
conf "10.1.0.1/24" "0.0.0.0/0"
works "read-only /proc/sys, src_valid_mark already 1"
umount /proc/sys
echo 0 >$SVM

# --- IPv6 disabled with sysctl ---
echo 1 >$V6/all/disable_ipv6
echo 1 >$V6/default/disable_ipv6
BOTH="net.ipv6.conf.all.disable_ipv6 and net.ipv6.conf.default.disable_ipv6 = 1); enable it (\`sysctl -w net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0\`), $FIX6"
conf "10.1.0.1/24, fd01::1/64" "10.2.0.0/16"
refused "IPv6 disabled, IPv6 Address" \
	"wgq: $F:2: Address: 'fd01::1/64' needs IPv6, which is disabled ($BOTH"
conf "10.1.0.1/24" "10.2.0.0/16, ::/0"
refused "IPv6 disabled, ::/0" "wgq: $F:6: AllowedIPs: '::/0' needs IPv6, which is disabled ($BOTH"
echo 0 >$V6/all/disable_ipv6 # this sets default too
echo 1 >$V6/default/disable_ipv6
conf "10.1.0.1/24" "fd02::/64"
refused "IPv6 disabled for new links only, IPv6 AllowedIPs" \
	"wgq: $F:6: AllowedIPs: 'fd02::/64' needs IPv6, which is disabled (net.ipv6.conf.default.disable_ipv6 = 1); enable it (\`sysctl -w net.ipv6.conf.default.disable_ipv6=0\`), $FIX6"
echo 1 >$V6/all/disable_ipv6
conf "10.1.0.1/24" "10.2.0.0/16"
works "IPv6 disabled, IPv4-only config"
conf "10.1.0.1/24" "10.2.0.0/16, fd02::/64" "Table = off"
works "IPv6 disabled, IPv6 AllowedIPs without routes"
# reload of a running IPv4 tunnel to a config with an IPv6 address
conf "10.1.0.1/24" "10.2.0.0/16"
"$WGQ" up wgp >/dev/null 2>&1
conf "10.1.0.1/24, fd01::1/64" "10.2.0.0/16"
listen_start
wgq_run reload
check "IPv6 disabled, reload to an IPv6 Address: exit 1 and one message" "1
wgq: $F:2: Address: 'fd01::1/64' needs IPv6, which is disabled (net.ipv6.conf.all.disable_ipv6 and net.ipv6.conf.wgp.disable_ipv6 = 1); enable it (\`sysctl -w net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.wgp.disable_ipv6=0\`), $FIX6" \
	"$RC
$ERR"
check "IPv6 disabled, reload: no event" "" "$(listen_stop)"
"$WGQ" down wgp >/dev/null 2>&1
wait_gone wgp

# --- no IPv6 at all (ipv6.disable=1): no /proc/sys/net/ipv6 ---
mkdir "$SANDBOX/net"
for d in /proc/sys/net/*; do
	[ "$d" = /proc/sys/net/ipv6 ] || { mkdir "$SANDBOX/net/${d##*/}" && mount --bind "$d" "$SANDBOX/net/${d##*/}"; }
done
mount --bind "$SANDBOX/net" /proc/sys/net
check "no IPv6: /proc/sys/net/ipv6 is hidden" no "$([ -e /proc/sys/net/ipv6 ] && echo yes || echo no)"
conf "10.1.0.1/24, fd01::1/64" "10.2.0.0/16"
refused "no IPv6, IPv6 Address" \
	"wgq: $F:2: Address: 'fd01::1/64' needs IPv6, which this kernel does not have (/proc/sys/net/ipv6 is missing: booted with ipv6.disable=1, or built without IPv6); boot without ipv6.disable=1, $FIX6"
conf "10.1.0.1/24" "10.2.0.0/16"
works "no IPv6, IPv4-only config"
umount /proc/sys/net "$SANDBOX"/net/*
finish
