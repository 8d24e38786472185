#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The `vm` suite: boot one QEMU guest with kernel WireGuard (tests/vm/run-in-vm.sh) and
# run in it every tests/netns/*.sh script, which then take the kernel path, the
# recorded conformance cases, and the kernel-only checks of tests/vm/kernel.sh. Prints
# each script's output, a summary, and "N passed, N failed" last; exits 0 only when
# everything passed, 77 when no guest can be booted here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${SRCDIR:-$(cd "$here/../.." && pwd)}

if [ -z "${WGQ_VM_GUEST:-}" ]; then
	WGQ=$(readlink -f "${WGQ:-$SRCDIR/build/src/wgq}")
	[ -x "$WGQ" ] || { echo "FAIL: $WGQ not built"; exit 1; }
	export WGQ SRCDIR WGQ_VM_GUEST=1
	exec "$here/run-in-vm.sh" bash "$here/suite.sh" "$@"
fi

[ -d /sys/module/wireguard ] || { echo "FAIL: the guest has no kernel WireGuard"; exit 1; }

# kernel_cases DIR OUT: a copy of the conformance harness DIR whose recorded output is
# what kernel WireGuard gives. The cases were recorded with wireguard-go, whose TUN
# link differs in exactly these lines: the fallback log lines; link flags MULTICAST
# and qdisc pfifo_fast (a WireGuard link has neither: noqueue); the fe80::/64 address
# and its route, which a TUN link gets and a WireGuard link does not (addrgenmode
# none), and with it the nft anti-spoofing rule for that address and the saved
# `Address = fe80::…/64` line. The shared files themselves are left as they are.
kernel_cases() {
	mkdir -p "$2/cases"
	cp "$1"/*.sh "$2/"
	cp "$1"/cases/* "$2/cases/"
	sed -i -e '/^\[!\] Missing WireGuard kernel module\. Falling back to slow userspace/d' \
		-e '/^\[#\] USERSPACE$/d' "$2"/cases/*.log
	sed -i -e 's/^\([^ ]*: <POINTOPOINT\),MULTICAST,NOARP,/\1,NOARP,/' \
		-e 's/^\([^ ]*: <POINTOPOINT,NOARP,.*\) qdisc pfifo_fast /\1 qdisc noqueue /' \
		-e '/ inet6 fe80::LL\/64 scope link /d' \
		-e '/^fe80::\/64 dev [^ ]* proto kernel metric 256 pref medium$/d' \
		-e '/ ip6 daddr fe80::LL fib saddr type != local drop$/d' \
		-e '/^Address = fe80::LL\/64$/d' "$2"/cases/*.out
}

conf_dir=${WGQ_CONFORMANCE:-$SRCDIR/../shared/conformance}
if [ -x "$conf_dir/check.sh" ]; then
	kconf=$(mktemp -d /tmp/wgq-vm-conformance.XXXXXX)
	kernel_cases "$conf_dir" "$kconf"
	export WGQ_CONFORMANCE=$kconf
fi

scripts=()
for t in "$SRCDIR"/tests/netns/*.sh; do
	[ "$(basename "$t")" = lib.sh ] || scripts+=("$t")
done
scripts+=("$here/kernel.sh")

pass=0 fail=0 summary=()
for t in "${scripts[@]}"; do
	name=$(basename "$(dirname "$t")")/$(basename "$t")
	echo "=== $name"
	out=$(mktemp)
	t0=$EPOCHREALTIME
	VERBOSE=1 bash "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	rm -f "$out"
	if [ "$rc" = 77 ]; then
		summary+=("$(printf 'SKIP %-24s %4ss' "$name" "$secs")")
		continue
	fi
	read -r p _ f _ <<<"${counts:-0 passed, 0 failed}"
	# A script that failed without counting a failure still counts as one.
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	pass=$((pass + p)) fail=$((fail + f))
	summary+=("$(printf '%-4s %-24s %4ss  %s passed, %s failed' \
		"$([ "$f" = 0 ] && echo ok || echo FAIL)" "$name" "$secs" "$p" "$f")")
done
[ -n "${kconf:-}" ] && rm -rf "$kconf"

echo "=== summary (kernel WireGuard $(uname -r))"
printf '%s\n' "${summary[@]}"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
