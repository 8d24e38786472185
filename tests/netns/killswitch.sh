#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The kill switch with real packets (killswitch-netns.md §1-§4, acceptance K1-K17 of killswitch-netns.md §6.2) in the
# topology of killswitch-netns.md §6.1 (tests/netns/killswitch.bash): namespaces client, up and ctr nested in
# the sandbox. Every "blocked" assertion checks that the probe failed AND that the leak
# counter in up did not move; the control run first shows the counter moving for every
# probe without a switch. Prints the K-table (scenario, probe, result, counter delta).
# K3's fault injection at every step is tests/netns/killswitch-faults.sh.
#
# In the VM guest (kernel WireGuard) only K1, K2, K3, K8, K9, K11 run (WGQ_KS_ONLY="K…"
# picks others anywhere).
. "$(dirname "$0")/lib.sh"
need nft ping dig python3 resolvconf wg
sandbox_enter "$@"
. "$SRCDIR/tests/netns/killswitch.bash"
trap ks_cleanup EXIT

if [ -n "${WGQ_KS_ONLY:-}" ]; then
	ONLY=$WGQ_KS_ONLY
elif [ -d /sys/module/wireguard ]; then
	ONLY="K1 K2 K3 K8 K9 K11"
else
	ONLY=""
fi
# want K: whether scenario K runs here.
want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

# timed NAME CMD...: run CMD, print its wall time.
T_ALL=$EPOCHREALTIME
section() {
	[ -z "${T_SEC:-}" ] || awk -v a="$T_SEC" -v b="$EPOCHREALTIME" -v n="$SEC" \
		'BEGIN { printf "   (%s: %.1f s)\n", n, b - a }'
	SEC=$1 T_SEC=$EPOCHREALTIME
	[ "$1" = end ] || echo "### $1"
}

ks_topology

### Control: without a switch every probe leaves through c0 and the counter moves.
section control
expect ctl "no switch: ping 203.0.113.5" leaks ping4
expect ctl "no switch: ping 2001:db8:ffff::5" leaks ping6
expect ctl "no switch: ping -I c0 203.0.113.5" leaks ping4_dev
expect ctl "no switch: ping -I c0 2001:db8:ffff::5" leaks ping6_dev
expect ctl "no switch: dig udp @192.0.2.1" leaks dns_udp
expect ctl "no switch: dig tcp @192.0.2.1" leaks dns_tcp
expect ctl "no switch: udp/8053 192.0.2.1" leaks echo8053
client_conf wg0 ""
wq up wg0
check "control: tunnel without switch up" 0 "$RC"
expect ctl "tunnel, no switch: ping 203.0.113.5 (via wg0)" tunnel tping4
expect ctl "tunnel, no switch: ping 2001:db8:ffff::5 (via wg0)" tunnel tping6
expect ctl "tunnel, no switch: ping -I c0 203.0.113.5 (bypass)" leaks ping4_dev
expect ctl "tunnel, no switch: dig udp @192.0.2.1" leaks dns_udp
ks_reset

### K15: upstream wg-quick refuses a file with the key, and leaves nothing.
if want K15 && command -v wg-quick >/dev/null; then
	section K15
	before=$(C bash -c 'ip -o link; ip rule; ip -6 rule; ip route show table all; nft list ruleset')
	client_conf wgu
	C wg-quick up wgu >"$SANDBOX/k15" 2>&1
	rc=$?
	check "K15: wg-quick up fails" 1 "$((rc != 0))"
	check "K15: Line unrecognized" 1 \
		"$(grep -c "Line unrecognized: \`KillSwitch=on'" "$SANDBOX/k15")"
	wait_gone wgu
	check "K15: no link, rule, route or table left" "$before" \
		"$(C bash -c 'ip -o link; ip rule; ip -6 rule; ip route show table all; nft list ruleset')"
	rm -f /etc/wireguard/wgu.conf
fi

### K16: refusals before any change: exact message, no rtnetlink or nftables event.
if want K16; then
	section K16
	# refused NAME MESSAGE ARGS...: wgq in the client exits 1 with MESSAGE as its only
	# stderr line, while `ip monitor` (links, addresses, routes, rules; neighbour entries
	# age on their own) and `nft monitor` see nothing.
	refused() {
		local name=$1 msg=$2 mon
		shift 2
		ip netns exec client ip -o monitor link address route rule >"$SANDBOX/ipmon" 2>&1 &
		local ipm=$!
		ip netns exec client nft monitor >"$SANDBOX/nftmon" 2>&1 &
		local nfm=$!
		sleep 0.2
		wq "$@"
		sleep 0.2
		kill "$ipm" "$nfm"
		wait "$ipm" "$nfm" 2>/dev/null
		mon=$(cat "$SANDBOX/ipmon" "$SANDBOX/nftmon")
		if [[ $msg == "~"* ]]; then # a usage error: the usage text, first line checked
			[[ ${ERR%%$'\n'*} =~ ${msg#"~"} ]] && ERR=${msg#"~"}
			msg=${msg#"~"}
		fi
		check "K16 $name: exit 1, message, no event" "1
$msg
" "$RC
$ERR
$mon"
	}
	F=/etc/wireguard/wgr.conf
	client_conf wgr "KillSwitch = always"
	refused "bad level" "wgq: $F:4: KillSwitch: 'always' is not off, on or lockdown" up wgr
	client_conf wgr "KillSwitch = on
KillSwitchAllow = 192.0.2.0/24, lan"
	refused "allow not a prefix" "wgq: $F:5: KillSwitchAllow: 'lan' is not an IP prefix" up wgr
	client_conf wgr "KillSwitch = on
KillSwitchAllow = 192.0.2.1/24"
	refused "allow host bits" "wgq: $F:5: KillSwitchAllow: '192.0.2.1/24' has host bits set" up wgr
	client_conf wgr "KillSwitch = on
KillSwitchAllow = ::/0"
	refused "allow everything" \
		"wgq: $F:5: KillSwitchAllow: '::/0' allows everything; use KillSwitch = off" up wgr
	client_conf wgr "KillSwitch = "
	refused "empty level" "wgq: $F:4: KillSwitch: missing value" up wgr
	client_conf wgr "KillSwitch = lockdown" "" "vpn.example:51820"
	refused "lockdown with a host name" \
		"wgq: $F:8: Endpoint: 'vpn.example:51820' is a host name, which cannot be resolved while KillSwitch = lockdown blocks DNS; use an IP address" \
		up wgr
	client_conf wgr ""
	refused "--kill-switch=off (a usage error)" "~^wgq: --kill-switch=off: the option only raises the level" \
		up wgr --kill-switch=off
	client_conf wgr "KillSwitch = always"
	refused "strip, bad level" \
		"wgq: $F:4: KillSwitch: 'always' is not off, on or lockdown" strip wgr
	rm -f "$F"
fi

### K1: dual-stack full tunnel with the switch: tunnel pings pass, bound pings blocked.
if want K1 || want K4; then
	section K1
	client_conf wg0
	wq up wg0
	check "K1: up exit status" 0 "$RC"
	check "K1: log starts with the switch" "[#] nft -f /dev/fd/63" "$(echo "$ERR" | head -n1)"
	check "K1: no wg set fwmark line" 0 "$(echo "$ERR" | grep -c 'wg set wg0 fwmark')"
	check "K1: chains" "output forward tun-wg0 " "$(ks_chains)"
	check "K1: tun-wg0" "$(printf '%s\n' '		comment "wgq on"' \
		'		oifname "wg0" accept' \
		'		iifname "wg0" ct state established,related accept' \
		'		meta mark 0x0000ca6c accept' \
		'		udp dport 53 return' '		tcp dport 53 return')" \
		"$(ks_table | sed -n '/chain tun-wg0/,/}/p' | sed '1d;$d')"
	check "K1: device fwmark" 0xca6c "$(C wg show wg0 fwmark)"
	expect K1 "tunnel: ping 203.0.113.5" tunnel tping4
	expect K1 "tunnel: ping 2001:db8:ffff::5" tunnel tping6
	expect K1 "ping -I c0 203.0.113.5" blocked ping4_dev
	expect K1 "ping -I c0 2001:db8:ffff::5" blocked ping6_dev
	expect K1 "dig udp @192.0.2.1" blocked dns_udp
	expect K1 "dig tcp @192.0.2.1" blocked dns_tcp
	expect K1 "udp/8053 192.0.2.1" blocked echo8053
	wq killswitch status wg0
	check "K1: status exit 0, intact" "0
wg0: on, intact, fwmark 0xca6c" "$RC
$(echo "$OUT" | head -n1)"
	check "K1: status rejected line" 1 "$(echo "$OUT" | grep -cE '^rejected: output [0-9]+, output-dns [0-9]+, forward [0-9]+$')"

	### K4: down at level on removes the switch.
	section K4
	wq down wg0
	check "K4: down exit status" 0 "$RC"
	wait_gone wg0
	check "K4: table gone" "" "$(ks_table)"
	expect K4 "after down: ping -I c0 203.0.113.5" leaks ping4_dev
	expect K4 "after down: ping -I c0 2001:db8:ffff::5" leaks ping6_dev
	ks_reset
fi

### K2: link down, link deleted, wireguard-go killed: everything blocked, DNS included.
if want K2; then
	section K2
	client_conf wg0 "KillSwitch = on
DNS = 10.64.0.1"
	actions="down del"
	[ -d /sys/module/wireguard ] || actions+=" kill"
	for a in $actions; do
		wq up wg0
		check "K2 $a: up" 0 "$RC"
		expect K2 "$a: before, tunnel dig @10.64.0.1" tunnel dns_udp 10.64.0.1
		case $a in
		down) ip -n client link set wg0 down ;;
		del) ip -n client link del wg0 ;;
		kill)
			for p in $(ip netns pids client); do
				[ "$(cat "/proc/$p/comm")" != wireguard-go ] || kill -9 "$p"
			done
			sleep 0.3
			;;
		esac
		all_blocked K2 "link $a"
		ks_reset
	done
fi

### K3 (without fault injection): a failing PostUp rolls back everything but the switch.
if want K3; then
	section K3
	client_conf wg0 "KillSwitch = on
PostUp = false"
	wq up wg0
	check "K3: exit 1" 1 "$RC"
	check "K3: the message last" \
		"wgq: kill switch for wg0 left in place; 'wgq down wg0' or 'wgq killswitch off wg0' removes it" \
		"$(echo "$ERR" | tail -n1)"
	wait_gone wg0
	check "K3: no link" "" "$(ip -n client -o link show wg0 2>/dev/null)"
	check "K3: only the table with tun-wg0" "table inet wgq-killswitch output forward tun-wg0 " \
		"$(C nft list tables | tr '\n' ' ')$(ks_chains)"
	check "K3: no rule or route left" "$(printf '0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default')" \
		"$(C ip rule)"
	all_blocked K3 "after failed up"
	wq down wg0
	check "K3: down without link removes the switch" "0" "$RC"
	check "K3: table gone" "" "$(ks_table)"
	ks_reset
fi

### K5: lockdown survives down; only killswitch off opens.
if want K5; then
	section K5
	client_conf wg0 "KillSwitch = lockdown"
	wq up wg0
	check "K5: up" 0 "$RC"
	expect K5 "lockdown up: ping 203.0.113.5" tunnel tping4
	wq down wg0
	check "K5: down keeps the switch, with the note" "0
wgq: kill switch for wg0 stays (lockdown); 'wgq killswitch off wg0' removes it" \
		"$RC
$(echo "$ERR" | tail -n1)"
	wait_gone wg0
	check "K5: comment lockdown" 1 "$(ks_table | grep -c 'comment "wgq lockdown"')"
	all_blocked K5 "after down"
	wq up wg0
	check "K5: second up" 0 "$RC"
	expect K5 "second up: ping 203.0.113.5" tunnel tping4
	wq down wg0
	wait_gone wg0
	off_blocked K5 "second down"
	wq killswitch off wg0
	check "K5: killswitch off" "0" "$RC"
	check "K5: table gone" "" "$(ks_table)"
	expect K5 "after off: ping 203.0.113.5" leaks ping4
	expect K5 "after off: ping -I c0 2001:db8:ffff::5" leaks ping6_dev
	ks_reset
fi

### K6: the boot unit's ExecStart, with a good and with a broken file.
if want K6; then
	section K6
	unit=$SRCDIR/contrib/systemd/wgq-killswitch@.service
	[ -e "$unit" ] || unit=$unit.in
	exec_start=$(sed -n 's/^ExecStart=//p' "$unit" 2>/dev/null)
	check "K6: unit has ExecStart" "@bindir@/wgq killswitch on %i" "$exec_start"
	cmdline=${exec_start//@bindir@\/wgq/$WGQ}
	cmdline=${cmdline//%i/wg0}
	client_conf wg0 "KillSwitch = lockdown"
	check "K6: nothing installed" "" "$(ks_table)"
	C $cmdline >/dev/null 2>"$SANDBOX/k6"
	check "K6: ExecStart exit 0" 0 $?
	check "K6: lockdown chain" 1 "$(ks_table | grep -c 'comment "wgq lockdown"')"
	all_blocked K6 "boot, before up"
	wq up wg0
	check "K6: up after boot" 0 "$RC"
	expect K6 "up after boot: ping 203.0.113.5" tunnel tping4
	ks_reset
	printf '[Interface]\nPrivateKey = %s\nAddress = 10.64.0.2/32\nKillSwitch = lockdown\nBogus = 1\n' \
		"$KEY1" | write_conf wg0
	C $cmdline >/dev/null 2>"$SANDBOX/k6"
	check "K6: broken file: exit 1" 1 $?
	check "K6: broken file: the error" 1 "$(grep -c '^wgq: /etc/wireguard/wg0.conf:5: ' "$SANDBOX/k6")"
	check "K6: broken file: empty tun-wg0 at lockdown" 'comment "wgq lockdown"' \
		"$(ks_table | sed -n '/chain tun-wg0/,/}/p' | sed '1d;$d' | sed 's/^\s*//')"
	all_blocked K6 "boot, broken file"
	ks_reset
fi

### K7: an IPv4-only tunnel: IPv6 blocked, IPv4 through the tunnel.
if want K7; then
	section K7
	client_conf wg0 "KillSwitch = on" 0.0.0.0/0
	wq up wg0
	check "K7: up" 0 "$RC"
	expect K7 "v4 tunnel: ping 203.0.113.5" tunnel tping4
	expect K7 "v4 tunnel: ping 2001:db8:ffff::5" blocked ping6
	expect K7 "v4 tunnel: ping -I c0 2001:db8:ffff::5" blocked ping6_dev
	ks_reset
fi

### K8: killswitch on first, then up: the first reply comes < 1 s after up exits.
if want K8; then
	section K8
	client_conf wg0 "KillSwitch = on"
	for run_no in 1 2 3 4 5; do
		wq killswitch on wg0
		check "K8 run $run_no: killswitch on" 0 "$RC"
		rej0=$(C nft list chain inet wgq-killswitch output 2>/dev/null | grep -v 'dport 53' |
			sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
		c0=$(leaks)
		wq up wg0
		t0=$EPOCHREALTIME
		C ping -n -c1 -i0.05 -w3 203.0.113.5 >/dev/null 2>&1
		prc=$?
		ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
		rej1=$(C nft list chain inet wgq-killswitch output 2>/dev/null | grep -v 'dport 53' |
			sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
		P=$([ "$prc" = 0 ] && echo ok || echo fail) D=$(($(leaks) - c0))
		ok=$([ "$RC $prc $D" = "0 0 0" ] && [ "$ms" -lt 1000 ] && [ -n "$rej0" ] &&
			[ "$rej0" = "$rej1" ] && echo pass || echo FAIL)
		[ "$ok" = pass ] && PASSES=$((PASSES + 1)) || FAILS=$((FAILS + 1))
		MS=$ms
		krow K8 "run $run_no: first reply ${ms} ms, rejects ${rej0:-?}->${rej1:-?}" "<1000ms" "$ok"
		ks_reset
	done
fi

### K9: an IPv6-only endpoint.
if want K9; then
	section K9
	client_conf wg0 "KillSwitch = on" "" "[2001:db8::1]:51820"
	wq up wg0
	check "K9: up" 0 "$RC"
	expect K9 "v6 endpoint: ping 203.0.113.5" tunnel tping4
	check "K9: first reply (so the handshake) within 2 s of up" 1 "$((MS < 2000))"
	hs=$(C wg show wg0 latest-handshakes | awk '{print $2}')
	check "K9: a handshake" 1 "$((${hs:-0} > 0))"
	ks_reset
fi

### K10: an allowed LAN: DNS to it still rejected unless it is a DNS = server there.
if want K10; then
	section K10
	client_conf wg0 "KillSwitch = on
KillSwitchAllow = 192.0.2.0/24"
	wq up wg0
	check "K10: up" 0 "$RC"
	expect K10 "allow LAN: dig udp @192.0.2.1" blocked dns_udp
	expect K10 "allow LAN: dig tcp @192.0.2.1" blocked dns_tcp
	check "K10: tcp gets a reset" 1 "$(C dig +tcp +time=1 +tries=1 @192.0.2.1 probe.test 2>&1 | grep -c 'refused')"
	expect K10 "allow LAN: udp/8053 192.0.2.1" allowed echo8053
	expect K10 "allow LAN: ping -I c0 203.0.113.5" blocked ping4_dev
	client_conf wg0 "KillSwitch = on
KillSwitchAllow = 192.0.2.0/24
DNS = 192.0.2.1"
	wq reload wg0
	check "K10: reload adding DNS = 192.0.2.1" 0 "$RC"
	expect K10 "DNS in allow: dig udp @192.0.2.1" allowed dns_udp
	expect K10 "DNS in allow: dig tcp @192.0.2.1" allowed dns_tcp
	ks_reset
fi

### K11: a container behind the client: through the tunnel, then blocked.
if want K11; then
	section K11
	ks_ctr
	expect K11 "no switch: ctr ping 203.0.113.5" leaks ctr_ping
	client_conf wg0 "KillSwitch = on"
	wq up wg0
	check "K11: up" 0 "$RC"
	expect K11 "tunnel up: ctr ping 203.0.113.5" tunnel ctr_tping
	ip -n client link set wg0 down
	expect K11 "link down: ctr ping 203.0.113.5" blocked ctr_ping
	ks_reset
	client_conf wg0 "KillSwitch = on
PostUp = false"
	wq up wg0
	check "K11: failing up" 1 "$RC"
	wait_gone wg0
	expect K11 "after failed up: ctr ping 203.0.113.5" blocked ctr_ping
	fwd=$(C nft list chain inet wgq-killswitch forward | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
	check "K11: the forward reject counter moved" 1 "$((${fwd:-0} > 0))"
	ks_reset
fi

### K12: two tunnels with switches; down of one keeps the other's.
if want K12; then
	section K12
	server wgs2 51821 "$KEY2" "$PUB3" 10.65.0.1 fd00:65::1 10.65.0.2/32
	client_conf wg0
	write_conf wg1 <<CONF
[Interface]
PrivateKey = $KEY3
Address = 10.65.0.2/32
KillSwitch = on

[Peer]
PublicKey = $PUB2
Endpoint = 192.0.2.1:51821
AllowedIPs = 10.65.0.0/24
CONF
	wq up wg0
	check "K12: wg0 up" 0 "$RC"
	wq up wg1
	check "K12: wg1 up" 0 "$RC"
	check "K12: chains" "tun-wg1 tun-wg0 output forward " "$(ks_chains | tr ' ' '\n' | sort -r | sed '/^$/d' | tr '\n' ' ')"
	probe C ping -n -c1 -i0.2 -w3 10.65.0.1
	check "K12: wg1 passes" "ok 0" "$P $D"
	wq down wg1
	check "K12: down wg1" 0 "$RC"
	wait_gone wg1
	check "K12: tun-wg1 and its jumps gone, table kept" "output forward tun-wg0 
0" "$(ks_chains)
$(ks_table | grep -c 'wg1')"
	expect K12 "after down wg1: ping 203.0.113.5 via wg0" tunnel tping4
	off_blocked K12 "after down wg1"
	ks_reset
	ip -n up link del wgs2
	wait_gone wgs2
fi

### K13: the table flushed by someone else: status says MISSING, killswitch on restores.
if want K13; then
	section K13
	client_conf wg0
	wq up wg0
	C nft flush ruleset
	wq killswitch status wg0
	check "K13: status after flush" "1
wg0: on, MISSING" "$RC
$(echo "$OUT" | head -n1)"
	expect K13 "after flush: ping -I c0 203.0.113.5 (detector)" leaks ping4_dev
	wq killswitch on wg0
	check "K13: killswitch on" 0 "$RC"
	wq killswitch status wg0
	check "K13: status intact again" "0" "$RC"
	off_blocked K13 "restored"
	expect K13 "restored: ping 203.0.113.5 via wg0" tunnel tping4
	ks_reset
fi

### K14: reloads replace tun-wg0 in one batch, never open.
if want K14; then
	section K14
	client_conf wg0
	wq up wg0
	C ping -n -c1 -i0.2 -w3 203.0.113.5 >/dev/null
	# Started directly (not through the function C), so that $! is the program, and
	# with a deadline, so that nothing outlives a failure.
	ip netns exec client nft monitor >"$SANDBOX/k14mon" 2>&1 &
	mon=$!
	# No -w: with a deadline ping stops at its first ICMP error. ks_cleanup ends them
	# should the test die first.
	ip netns exec client ping -n -q -i0.02 -I c0 203.0.113.5 >/dev/null 2>&1 &
	bound=$!
	ip netns exec client ping -n -i0.02 203.0.113.5 >"$SANDBOX/k14ping" 2>&1 &
	tun=$!
	c0=$(leaks)
	sleep 0.3
	# k14_reload NAME BATCHES INTERFACE-LINES: the file changed, then reload.
	# k14_errors: ICMP errors the tunnel ping got so far (its "From ..." lines): a
	# packet for the tunnel rejected or unroutable. Lost packets show in the final loss.
	k14_errors() { grep -c '^From ' "$SANDBOX/k14ping"; }
	k14_reload() {
		local n0 n1 l0 l1
		client_conf wg0 "$3"
		n0=$(grep -c 'add chain inet wgq-killswitch tun-wg0' "$SANDBOX/k14mon")
		l0=$(k14_errors)
		wq reload wg0
		sleep 0.3
		l1=$(k14_errors)
		n1=$(grep -c 'add chain inet wgq-killswitch tun-wg0' "$SANDBOX/k14mon")
		check "K14 $1: reload exit 0, $2 batch(es)" "0 $2" "$RC $((n1 - n0))"
		check "K14 $1: no ICMP error for the tunnel ping" "0" "$((l1 - l0))"
	}
	k14_reload "add an allow" 1 "KillSwitch = on
KillSwitchAllow = 198.51.100.0/24"
	k14_reload "DNS inside the allow" 1 "KillSwitch = on
KillSwitchAllow = 198.51.100.0/24
DNS = 198.51.100.53"
	k14_reload "remove the allow" 1 "KillSwitch = on
DNS = 198.51.100.53"
	k14_reload "DNS outside any allow: chain unchanged" 0 "KillSwitch = on
DNS = 10.64.0.1"
	k14_reload "FwMark" 2 "KillSwitch = on
DNS = 10.64.0.1
FwMark = 0x1234"
	k14_reload "on -> lockdown" 1 "KillSwitch = lockdown
DNS = 10.64.0.1
FwMark = 0x1234"
	k14_reload "file off" 0 "DNS = 10.64.0.1
FwMark = 0x1234"
	check "K14: file off keeps the switch with the note" \
		"wgq: kill switch for wg0 stays at lockdown; 'wgq killswitch off wg0' removes it" \
		"$(echo "$ERR" | grep 'kill switch')"
	D=$(($(leaks) - c0))
	alive=no
	kill -0 "$tun" 2>/dev/null && kill -0 "$bound" 2>/dev/null && alive=yes
	kill -INT "$tun" "$bound"
	wait "$tun" "$bound" 2>/dev/null
	kill "$mon"
	wait "$mon" 2>/dev/null
	loss=$(grep -oE '[0-9.]+% packet loss' "$SANDBOX/k14ping")
	P="tunnel-loss:${loss%% *}"
	ok=$([ "$D $alive" = "0 yes" ] && [ "$loss" = "0% packet loss" ] && echo pass || echo FAIL)
	grep -E 'packets transmitted' "$SANDBOX/k14ping" | sed 's/^/     tunnel ping: /'
	[ "$ok" = pass ] && PASSES=$((PASSES + 1)) || FAILS=$((FAILS + 1))
	krow K14 "7 reloads, ping -I c0 at 50/s throughout" "delta0" "$ok"
	ks_reset
fi

### K17: an SSH client outside the allows is warned about, and up goes on.
if want K17; then
	section K17
	client_conf wg0
	warn="wgq: warning: the kill switch for wg0 will cut this SSH session from 198.51.100.7; add it to KillSwitchAllow to keep it"
	o=$(SSH_CONNECTION="198.51.100.7 50022 192.0.2.2 22" C "$WGQ" up wg0 2>&1)
	check "K17: up completes" 0 $?
	check "K17: the warning" 1 "$(grep -cxF "$warn" <<<"$o")"
	ks_reset
	# sudo drops SSH_CONNECTION; wgq finds it in an ancestor (here: the bash that runs it).
	o=$(SSH_CONNECTION="198.51.100.7 50022 192.0.2.2 22" C bash -c "env -u SSH_CONNECTION $WGQ up wg0 2>&1")
	check "K17: from the parent (sudo drops it): up completes" 0 $?
	check "K17: from the parent: the warning" 1 "$(grep -cxF "$warn" <<<"$o")"
	ks_reset
	client_conf wg0 "KillSwitch = on
KillSwitchAllow = 198.51.100.0/24"
	o=$(SSH_CONNECTION="198.51.100.7 50022 192.0.2.2 22" C "$WGQ" up wg0 2>&1)
	check "K17: client inside an allow: no warning" "0 0" "$? $(grep -c 'SSH session' <<<"$o")"
	ks_reset
fi

section end
awk -v a="$T_ALL" -v b="$EPOCHREALTIME" 'BEGIN { printf "total %.1f s\n", b - a }'
ktable_print
finish
