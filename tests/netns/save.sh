#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# save (behaviour.md §4.2, §6 h): the exact file (addresses, DNS with search domains, MTU,
# Table, hooks unexpanded, a host name Endpoint kept, FwMark only when configured),
# mode 600, one final newline, written atomically; the round trip up -> save -> down
# -> up gives the same state and device; SaveConfig on down; the refusal for a
# non-WireGuard interface; a symlinked config keeps its symlink.
. "$(dirname "$0")/lib.sh"
need resolvconf wg
sandbox_enter "$@"
printf '127.0.0.1 localhost\n192.0.2.77 vpn.example.test\n' >"$SANDBOX/hosts"
mount --bind "$SANDBOX/hosts" /etc/hosts
empty_state_init

# saved FILE: the file as the harness compares it: peers sorted, fe80 masked.
saved() { sed -E 's/fe80::[0-9a-f:]+/fe80::LL/' "$1" | conf_sorted; }
# mode_and_end FILE: its mode, owner, and whether it ends in exactly one newline.
mode_and_end() {
	local end
	end=$(tail -c 2 "$1" | od -An -c | tr -s ' ')
	[[ $end == *'\n' && $end != ' \n \n' ]] && end=one-newline
	echo "$(stat -c '%a %U' "$1") end:$end"
}
device() { wg showconf "$1" | conf_sorted; }

PEER2="[Peer]
PublicKey = $PUB2
PresharedKey = $PSK1
AllowedIPs = 10.80.1.0/24, fd80:1::/64
Endpoint = vpn.example.test:51820
PersistentKeepalive = 25"
PEER3="[Peer]
PublicKey = $PUB3
AllowedIPs = 10.80.2.2/32
Endpoint = [2001:db8::77]:51821"
PEER4="[Peer]
PublicKey = $PUB4"

write_conf wgs <<CONF
# a comment that save drops
[Interface]
PostDown = echo "postdown %i"
Address = 10.80.0.2/24, fd80::2/64
DNS = 10.80.0.1, corp.example.com
PostUp = echo "postup %i" # kept
PreDown = echo "predown %i"
DNS = fd80::1, lab.example.com
MTU = 1400
PreUp = echo "preup %i"
Table = 1234
ListenPort = 51820
PostUp = true
PrivateKey = $KEY1

$PEER4

$PEER2

$PEER3
CONF

run up wgs
check "up: exit status" 0 "$RC"
check "up: the host name is resolved for the device" "$PUB2	192.0.2.77:51820" \
	"$(wg show wgs endpoints | grep "$PUB2")"
up_state=$(state)
up_device=$(device wgs)

run save wgs
check "save: exit status, log, stdout" "0
[#] wg showconf wgs
" "$RC
$LOG
$OUT"
EXPECTED=$(backend_lines <<EOF
[Interface]
Address = 10.80.0.2/24
Address = fd80::2/64
U Address = fe80::LL/64
DNS = 10.80.0.1
DNS = fd80::1
DNS = corp.example.com
DNS = lab.example.com
MTU = 1400
Table = 1234
PreUp = echo "preup %i"
PostUp = echo "postup %i" # kept
PostUp = true
PreDown = echo "predown %i"
PostDown = echo "postdown %i"
ListenPort = 51820
PrivateKey = $KEY1

$PEER2

$PEER3

$PEER4
EOF
)
check "save: file content" "$EXPECTED" "$(saved /etc/wireguard/wgs.conf)"
check "save: mode, owner, final newline" "600 root end:one-newline" \
	"$(mode_and_end /etc/wireguard/wgs.conf)"
check "save: no temporary file left" "wgs.conf" "$(ls -A /etc/wireguard)"

run down wgs
check "down: exit status, log, stdout" "0
[#] echo \"predown wgs\"
[#] ip link delete dev wgs
[#] resolvconf -d wgs -f
[#] echo \"postdown wgs\"
predown wgs
postdown wgs" "$RC
$LOG
$OUT"
wait_gone wgs
check "down: state" "$EMPTY_STATE" "$(state)"

# A userspace TUN device gets a new random link-local address on every up; the saved
# one would be added besides it (as with wg-quick), so it is left out here.
sed -i '/^Address = fe80:/d' /etc/wireguard/wgs.conf
run up wgs
check "up from the saved file: exit status and stdout" "0
preup wgs
postup wgs" "$RC
$OUT"
check "up from the saved file: same state" "$up_state" "$(state)"
check "up from the saved file: same device" "$up_device" "$(device wgs)"
run save wgs
check "save again: the same file" "$EXPECTED" "$(saved /etc/wireguard/wgs.conf)"
"$WGQ" down wgs >/dev/null 2>&1
wait_gone wgs

### SaveConfig = true: down saves the running state first.
write_conf wgc <<CONF
[Interface]
Address = 10.90.0.2/24
SaveConfig = true
PrivateKey = $KEY2

[Peer]
PublicKey = $PUB3
AllowedIPs = 10.90.1.0/24
CONF
run up wgc
ip addr add 10.91.0.2/16 dev wgc
wg set wgc peer "$PUB4" allowed-ips 10.90.4.0/24 endpoint 192.0.2.4:4444
port=$(wg show wgc listen-port)
run down wgc
check "SaveConfig: down exit status and log" "0
[#] wg showconf wgc
[#] ip link delete dev wgc" "$RC
$LOG"
check "SaveConfig: the file holds the running state" "$(backend_lines <<EOF
[Interface]
Address = 10.90.0.2/24
Address = 10.91.0.2/16
U Address = fe80::LL/64
SaveConfig = true
ListenPort = $port
PrivateKey = $KEY2

[Peer]
PublicKey = $PUB3
AllowedIPs = 10.90.1.0/24

[Peer]
PublicKey = $PUB4
AllowedIPs = 10.90.4.0/24
Endpoint = 192.0.2.4:4444
EOF
)" "$(saved /etc/wireguard/wgc.conf)"
check "SaveConfig: mode, owner, final newline" "600 root end:one-newline" \
	"$(mode_and_end /etc/wireguard/wgc.conf)"
wait_gone wgc
check "SaveConfig: down state" "$EMPTY_STATE" "$(state)"

### FwMark is written only when the config has it.
for mark in "" 0x1234; do
	write_conf wgt <<CONF
[Interface]
PrivateKey = $KEY1
${mark:+FwMark = $mark}

[Peer]
PublicKey = $PUB2
AllowedIPs = 0.0.0.0/0
Endpoint = 192.0.2.1:51820
CONF
	run up wgt
	run save wgt
	fwline=${mark:+$'\n'FwMark = $mark}
	check "full tunnel, FwMark ${mark:-none}: device mark, saved file" "${mark:-0xca6c}
$(backend_lines <<EOF
[Interface]
U Address = fe80::LL/64
ListenPort = $(wg show wgt listen-port)$fwline
PrivateKey = $KEY1

[Peer]
PublicKey = $PUB2
AllowedIPs = 0.0.0.0/0
Endpoint = 192.0.2.1:51820
EOF
)" "$(wg show wgt fwmark)
$(saved /etc/wireguard/wgt.conf)"
	"$WGQ" down wgt >/dev/null 2>&1
	wait_gone wgt
done
check "full tunnels: down state" "$EMPTY_STATE" "$(state)"

### A file that cannot be written: save fails and leaves it as it was; with
### SaveConfig, down stops before removing anything (behaviour.md §4.1 step 4).
mkdir "$SANDBOX/ro"
write_conf wgr <<CONF
[Interface]
PrivateKey = $KEY3
SaveConfig = true
PostDown = echo must-not-run
CONF
mv /etc/wireguard/wgr.conf "$SANDBOX/ro/wgr.conf"
run up "$SANDBOX/ro/wgr.conf"
check "read-only directory: up" 0 "$RC"
mount --bind "$SANDBOX/ro" "$SANDBOX/ro"
mount -o remount,ro,bind "$SANDBOX/ro"
before=$(cat "$SANDBOX/ro/wgr.conf")
for cmd in save down; do
	run $cmd "$SANDBOX/ro/wgr.conf"
	check "read-only directory: $cmd fails, file and link stay" "1
[#] wg showconf wgr
wgq: Could not write configuration file: Read-only file system
$before
up" "$RC
$ERR
$(cat "$SANDBOX/ro/wgr.conf")
$(ip -o link show wgr >/dev/null && echo up)"
done
umount "$SANDBOX/ro"
run down "$SANDBOX/ro/wgr.conf"
check "writable again: down" "0 must-not-run" "$RC $OUT"
wait_gone wgr

### Refusals: a link of another kind, and no link at all; the file stays as it was.
ip link add wgn type veth peer name wgn1
cp /etc/wireguard/wgc.conf /etc/wireguard/wgn.conf
cp /etc/wireguard/wgc.conf /etc/wireguard/wgz.conf
for ifn in wgn wgz; do
	before=$(cat "/etc/wireguard/$ifn.conf")
	run save "$ifn"
	check "save $ifn: refused" "1
wgq: \`$ifn' is not a WireGuard interface
$before" "$RC
$ERR
$(cat "/etc/wireguard/$ifn.conf")"
done
ip link del wgn
rm /etc/wireguard/wgn.conf /etc/wireguard/wgz.conf

### A symlinked config keeps its symlink; the target is replaced.
mkdir "$SANDBOX/real"
write_conf wgl <<CONF
[Interface]
PrivateKey = $KEY3
ListenPort = 41000
CONF
mv /etc/wireguard/wgl.conf "$SANDBOX/real/wgl.conf"
link="../..$SANDBOX/real/wgl.conf"
ln -s "$link" /etc/wireguard/wgl.conf
run up wgl
check "symlinked config: up" 0 "$RC"
wg set wgl peer "$PUB1" allowed-ips 10.95.0.1/32
run save wgl
check "symlinked config: save" "0 $link" "$RC $(readlink /etc/wireguard/wgl.conf)"
check "symlinked config: the target holds the new file" "$(backend_lines <<EOF
[Interface]
U Address = fe80::LL/64
ListenPort = 41000
PrivateKey = $KEY3

[Peer]
PublicKey = $PUB1
AllowedIPs = 10.95.0.1/32
EOF
)" "$(saved "$SANDBOX/real/wgl.conf")"
check "symlinked config: mode, owner, final newline" "600 root end:one-newline" \
	"$(mode_and_end "$SANDBOX/real/wgl.conf")"
check "symlinked config: no temporary file left" "wgl.conf" "$(ls -A "$SANDBOX/real")"
"$WGQ" down wgl >/dev/null 2>&1
wait_gone wgl
check "end: state" "$EMPTY_STATE" "$(state)"

# One peer with 5000 allowed IPs: a single AllowedIPs line would exceed the 65535-byte
# line limit of the parser, so save splits the list and the file still loads.
{
	printf '[Interface]\nPrivateKey = %s\n\n[Peer]\nPublicKey = %s\nAllowedIPs = ' "$KEY1" "$PUB2"
	for i in $(seq 5000); do
		printf 'fd00:aaaa:bbbb:cccc::%x/128' "$i"
		[ $((i % 500)) = 0 ] && printf '\nAllowedIPs = ' || printf ', '
	done
	printf 'fd00::1/128\n'
} >/etc/wireguard/wgbig.conf
chmod 600 /etc/wireguard/wgbig.conf
"$WGQ" up wgbig >/dev/null 2>&1
check "big peer: up" 5001 "$(wg show wgbig allowed-ips | wc -w | awk '{print $1 - 1}')"
run save wgbig
check "big peer: save succeeds" 0 "$RC"
check "big peer: no line over 65535 bytes, list split" "0 yes" \
	"$(awk 'length($0) > 65535' /etc/wireguard/wgbig.conf | wc -l) $([ "$(grep -c '^AllowedIPs = ' /etc/wireguard/wgbig.conf)" -ge 2 ] && echo yes)"
check "big peer: every prefix saved once" 5001 \
	"$(grep '^AllowedIPs = ' /etc/wireguard/wgbig.conf | sed 's/^AllowedIPs = //' | tr ',' '\n' | sed '/^ *$/d' | sort -u | wc -l)"
run strip wgbig
check "big peer: the saved file loads again" 0 "$RC"
"$WGQ" down wgbig >/dev/null 2>&1
wait_gone wgbig

finish
