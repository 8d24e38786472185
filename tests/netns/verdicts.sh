#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# One parser, one verdict (issue 18 item 7): every config of tests/data/bad is refused
# by strip, save (of a running tunnel), up --dry-run and reload --dry-run with the same
# one line, its EXPECT line; every config of tests/data/good is accepted by all of
# them. down is lenient by design (behaviour.md §2.11) and not compared. The endpoints of the
# configs are literals or host names that need no lookup to judge.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
# With kernel WireGuard (the VM guest, where each run is slow) only the endpoint and
# address cases, the ones where the backend could matter.
SUBSET=.
[ ! -d /sys/module/wireguard ] || SUBSET='^(ep|addr)-'
export WG_ENDPOINT_RESOLUTION_RETRIES=0
echo 'nameserver 127.0.0.1' >/etc/resolv.conf

# verdict VERB... IF: "STATUS FIRST-wgq:-LINE" of wgq VERB... IF, the path as FILE.
verdict() {
	"$WGQ" "$@" >/dev/null 2>"$SANDBOX/err"
	echo "$? $(grep -m1 '^wgq: ' "$SANDBOX/err" | sed "s|/etc/wireguard/wg[vw].conf|FILE|")"
}

# verdicts FILE: the verdict of each verb; save and reload judge the file against the
# running tunnel wgv, strip and up against wgw, which is not up.
verdicts() {
	cp "$1" /etc/wireguard/wgv.conf
	cp "$1" /etc/wireguard/wgw.conf
	echo "strip: $(verdict strip wgw)"
	echo "up --dry-run: $(verdict up --dry-run wgw)"
	echo "save: $(verdict save wgv)"
	echo "reload --dry-run: $(verdict reload --dry-run wgv)"
}

printf '[Interface]\nPrivateKey = %s\n' "$KEY1" | write_conf wgv
"$WGQ" up wgv >/dev/null 2>&1 || echo "FAIL: the running tunnel did not come up"

while read -r file line msg; do
	[ -n "$file" ] || continue
	want="1 wgq: FILE:$line: $msg"
	check "$file: one verdict" "strip: $want
up --dry-run: $want
save: $want
reload --dry-run: $want" "$(verdicts "$SRCDIR/tests/data/bad/$file")"
done < <(grep -v '^#' "$SRCDIR/tests/data/bad/EXPECT" | grep -E "$SUBSET" |
	sed -E 's/^([^ ]+) ([0-9]+): /\1 \2 /')

for conf in "$SRCDIR"/tests/data/good/*.conf; do
	check "$(basename "$conf"): accepted by strip and up --dry-run" "strip: 0 
up --dry-run: 0 " "$(verdicts "$conf" | head -n 2)"
done
"$WGQ" down wgv >/dev/null 2>&1
finish
