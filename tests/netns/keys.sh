#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Keys never leak: every command, including errors and --dry-run, run with configs
# whose private and preshared keys are known; neither key (base64, a 40-character
# prefix of it, or hex) may appear in stdout, stderr, or the argv of any process wgq
# starts (strace -f). strip's stdout is its output by design and is left out.
. "$(dirname "$0")/lib.sh"
need strace resolvconf od
sandbox_enter "$@"

hex() { printf '%s' "$1" | base64 -d | od -An -tx1 | tr -d ' \n'; }
SECRETS=("$KEY1" "${KEY1:0:40}" "$(hex "$KEY1")" "$PSK1" "${PSK1:0:40}" "$(hex "$PSK1")")
# An invalid key (one character off) must not be echoed either.
BADKEY="${KEY1:0:20}!${KEY1:21}"
SECRETS+=("$BADKEY" "${BADKEY:0:40}")

leaks() { # FILE...: print the secrets found
	for s in "${SECRETS[@]}"; do
		grep -lF -- "$s" "$@" 2>/dev/null | sed "s|^|found ${s:0:6}… in |"
	done
}

# trace NAME ARGS...: run wgq under strace; check outputs and every argv.
trace() {
	local name=$1
	shift
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -b execve -qq -e trace=execve -e signal=none -s 65536 -o "$SANDBOX/trace" \
		"$WGQ" "$@" >"$SANDBOX/out" 2>"$SANDBOX/err"
	local files=("$SANDBOX/err" "$SANDBOX/trace")
	[ "$1" = strip ] || files+=("$SANDBOX/out")
	check "$name: no key in output or argv" "" "$(leaks "${files[@]}")"
}

conf() { # NAME [EXTRA-PEER-LINES]
	cat >"/etc/wireguard/$1.conf" <<CONF
[Interface]
Address = 10.30.0.2/32, fd30::2/128
PrivateKey = $KEY1
DNS = 10.30.0.1, example.com
PostUp = true
SaveConfig = true

[Peer]
PublicKey = $PUB2
PresharedKey = $PSK1
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.0.2.1:51820
${2:-}
CONF
	chmod 600 "/etc/wireguard/$1.conf"
}

conf wgk
trace "up --dry-run" up --dry-run wgk
trace "up" up wgk
check "up worked" "" "$(grep '^wgq:' "$SANDBOX/err")"
trace "up again (error)" up wgk
trace "save" save wgk
check "save kept the keys in the file only" 2 "$(grep -cxF -e "PrivateKey = $KEY1" -e "PresharedKey = $PSK1" /etc/wireguard/wgk.conf)"
trace "down --dry-run" down --dry-run wgk
trace "down (with SaveConfig)" down wgk
wait_gone wgk
trace "strip" strip wgk

# Malformed configs that put key material where the parser must complain about it.
bad() { # NAME LINE-TEXT
	printf '[Interface]\nPrivateKey = %s\n%s\n' "$KEY1" "$2" >/etc/wireguard/wgk.conf
	chmod 600 /etc/wireguard/wgk.conf
	for verb in up down save strip; do
		trace "$1 ($verb)" $verb wgk
		# down only warns about device keys (behaviour.md §2.11), then finds no interface
		local want='^wgq: /etc/wireguard/wgk.conf:3: '
		[ $verb = down ] && want='^wgq: warning: /etc/wireguard/wgk.conf:3: '
		check "$1 ($verb): refused" 1 "$(grep -c "$want" "$SANDBOX/err")"
	done
}
bad "key on a line of its own" "$PSK1"
bad "invalid private key" "PrivateKey = $BADKEY"
bad "private key under an unknown name" "Secret = $KEY1"
bad "preshared key in [Interface]" "PresharedKey = $PSK1"
bad "key as a key name" "$PSK1 = 1"
printf '[Interface]\nPrivateKey = %s\n\n[Peer]\nPublicKey = %s\nPresharedKey = %s\n' \
	"$KEY1" "$PUB2" "$BADKEY" >/etc/wireguard/wgk.conf
trace "invalid preshared key" up wgk
check "invalid preshared key: refused" 1 "$(grep -c '^wgq: /etc/wireguard/wgk.conf:6: ' "$SANDBOX/err")"

finish
