#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# wgq never executes ip, wg, nft, sysctl or iptables (behaviour.md §6 k): a full-tunnel up and
# down with DNS and a hook, traced with strace. Each child is followed until its own
# execve (-b execve), so resolvconf's and wireguard-go's helpers do not count.
. "$(dirname "$0")/lib.sh"
need strace resolvconf
sandbox_enter "$@"

cat >/etc/wireguard/wgn.conf <<CONF
[Interface]
Address = 10.20.0.2/32, fd20::2/128
PrivateKey = $KEY1
DNS = 10.20.0.1, example.com
PostUp = true

[Peer]
PublicKey = $PUB2
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.1:51820
CONF
chmod 600 /etc/wireguard/wgn.conf

execs() {
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -b execve -e trace=execve -e signal=none -qq -o "$SANDBOX/trace" "$WGQ" "$@" \
		>/dev/null 2>"$SANDBOX/err"
	printf "rc=%s " $?
	grep -oE 'execve\("[^"]+"' "$SANDBOX/trace" | sed -E 's/execve\("//; s/"$//; s|.*/||' |
		sort -u | tr '\n' ' '
}
# Kernel WireGuard needs no userspace implementation.
userspace=wireguard-go
[ ! -d /sys/module/wireguard ] || userspace=
check "up: programs executed" "rc=0 bash resolvconf wgq ${userspace:+$userspace }" "$(execs up wgn)"
check "up: log has the full tunnel" 2 "$(grep -c 'nft -f /dev/fd/63' "$SANDBOX/err")"
check "down: programs executed" "rc=0 resolvconf wgq " "$(execs down wgn)"
finish
