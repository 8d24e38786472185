#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Zero-change refusal (behaviour.md §6 a): every malformed config in tests/data/bad (and a few
# generated ones: a 1 MiB line, a 100 000-line file, an unresolvable endpoint) makes
# `up` exit 1 with exactly one `wgq: FILE:LINE: …` line, while an rtnetlink and an
# nf_tables listener record no event at all, and no hook runs.
. "$(dirname "$0")/lib.sh"
need nft
sandbox_enter "$@"

try() { # CONFIG-FILE EXPECTED-LINE [ENV...]
	local conf=$1 want=$2 rc
	shift 2
	cp "$conf" /etc/wireguard/wgz.conf
	chmod 600 /etc/wireguard/wgz.conf
	env "$@" "$WGQ" up wgz >"$SANDBOX/out" 2>"$SANDBOX/err"
	rc=$?
	check "$(basename "$conf"): exit 1 and exactly one line" "1
$want" "$rc
$(cat "$SANDBOX/err" "$SANDBOX/out")"
}

# The listener hears a real change (so an empty recording means something).
cp "$SRCDIR/tests/data/good/tableoff.conf" /etc/wireguard/wgc.conf
chmod 600 /etc/wireguard/wgc.conf
listen_start
"$WGQ" up wgc >/dev/null 2>&1
check "control: the listeners see an up" 1 "$(listen_stop | grep -c -m1 wgc)"
"$WGQ" down wgc >/dev/null 2>&1
wait_gone wgc

listen_start
while read -r file line msg; do
	[ -n "$file" ] || continue
	try "$SRCDIR/tests/data/bad/$file" "wgq: /etc/wireguard/wgz.conf:$line: $msg"
done < <(grep -v '^#' "$SRCDIR/tests/data/bad/EXPECT" | sed -E 's/^([^ ]+) ([0-9]+): /\1 \2 /')

# Generated: a 1 MiB line, a 100 000-line file whose last line is bad.
{ printf '[Interface]\nPrivateKey = %s\n# ' "$KEY1"; head -c 1048576 /dev/zero | tr '\0' x; echo; } \
	>"$SANDBOX/long.conf"
try "$SANDBOX/long.conf" "wgq: /etc/wireguard/wgz.conf:3: line is longer than 65535 bytes"
{ printf '[Interface]\nPrivateKey = %s\n' "$KEY1"; yes '# filler' | head -n 99997; echo 'Bogus = 1'; } \
	>"$SANDBOX/many.conf"
try "$SANDBOX/many.conf" "wgq: /etc/wireguard/wgz.conf:100000: unknown key 'Bogus'"

# An endpoint host that cannot be resolved: no DNS server answers in here.
echo 'nameserver 127.0.0.1' >/etc/resolv.conf
printf '[Interface]\nPrivateKey = %s\nPreUp = touch %s/ran\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.0.0.2/32\nEndpoint = vpn.example.invalid:51820\n' \
	"$KEY1" "$SANDBOX" "$PUB2" >"$SANDBOX/host.conf"
try "$SANDBOX/host.conf" \
	"wgq: /etc/wireguard/wgz.conf:8: Endpoint: cannot resolve 'vpn.example.invalid:51820': Temporary failure in name resolution" \
	WG_ENDPOINT_RESOLUTION_RETRIES=0
check "no rtnetlink or nf_tables event during all the refusals" "" "$(listen_stop)"
check "no hook ran" no "$([ -e "$SANDBOX/ran" ] && echo yes || echo no)"
finish
