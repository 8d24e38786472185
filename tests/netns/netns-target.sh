#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Network-namespace target (killswitch-netns.md §5, scenarios N1–N7 and N9 of killswitch-netns.md §6.3; N8 is
# netns-faults.sh) on the topology of killswitch-netns.md §6.1 (netns-topology.bash), with real traffic
# from inside the target: exact logs and messages, the state of wgq's own namespace H
# and of the target, `ip monitor` and `nft monitor` listeners, and the upstream leak
# counter. In the VM guest (kernel WireGuard) only N1, N3, N9 and the kernel-only
# check that destroying the target deletes the device run.
. "$(dirname "$0")/lib.sh"
need nft ping nsenter
sandbox_enter "$@"
. "$SRCDIR/tests/netns/netns-topology.bash"
GUEST=
[ ! -d /sys/module/wireguard ] || GUEST=1
DNS_PID= HOLDER=
trap 'kill $DNS_PID $HOLDER 2>/dev/null; rm -rf "$SANDBOX"' EXIT
topo_up
H_EMPTY=$(state)
ip netns add vpn

# conf NAME [EXTRA-INTERFACE-LINES] [ALLOWEDIPS]: the client's config.
conf() {
	write_conf "$1" <<CONF
[Interface]
PrivateKey = $KEY1
Address = 10.64.0.2/32, fd00:64::2/128
${2:-}

[Peer]
PublicKey = $PUB2
Endpoint = 192.0.2.1:51820
AllowedIPs = ${3:-0.0.0.0/0, ::/0}
CONF
}

# udp_in NS PORT: "yes" when a UDP socket is bound to PORT in NS ("-" for H).
udp_in() {
	local n
	if [ "$1" = - ]; then
		n=$(ss -Huan "sport = :$2" | wc -l)
	else
		n=$(ip netns exec "$1" ss -Huan "sport = :$2" | wc -l)
	fi
	if [ "$n" -gt 0 ]; then echo yes; else echo no; fi
}

# pings NS ADDR: "N received" of three pings from NS (the first one waits for the
# handshake).
pings() {
	inns "$1" ping -c1 -W5 "$2" >/dev/null 2>&1
	inns "$1" ping -c3 -i0.2 -W2 "$2" 2>&1 | grep -oE '[0-9]+ received'
}

# tcp NS: a line fetched over TCP from 203.0.113.5:8080 by a program in NS.
tcp() {
	inns up timeout 10 nc -l -N 203.0.113.5 8080 <<<tcp-ok >/dev/null 2>&1 &
	local srv=$!
	sleep 0.3
	inns "$1" timeout 5 nc -N 203.0.113.5 8080 </dev/null 2>&1
	wait "$srv" 2>/dev/null
}

# vpn_up_log IF TARGET LO: the up log of conf's tunnel into TARGET ("lo" when TARGET's
# lo was down).
vpn_up_log() {
	link_add_log "$1"
	echo "[#] wg addconf $1 /dev/fd/63"
	echo "[#] ip link set dev $1 netns $2"
	[ -z "${3:-}" ] || echo "[#] ip -n $2 link set dev lo up"
	echo "[#] ip -n $2 -4 address add 10.64.0.2/32 dev $1"
	echo "[#] ip -n $2 -6 address add fd00:64::2/128 dev $1"
	echo "[#] ip -n $2 link set mtu 1420 up dev $1"
	echo "[#] ip -n $2 -6 route add ::/0 dev $1"
	echo "[#] ip -n $2 -4 route add 0.0.0.0/0 dev $1"
}

# vpn_tunnel_state NS IF: ns_state of a target holding conf's full tunnel.
vpn_tunnel_state() {
	backend_lines <<EOF
## links
lo: <LOOPBACK,UP,LOWER_UP> mtu 65536
$2: <$(link_flags)> mtu 1420
## addresses
lo inet 127.0.0.1/8
lo inet6 ::1/128
$2 inet 10.64.0.2/32
$2 inet6 fd00:64::2/128
U $2 inet6 fe80::LL/64
## rules -4
0:	from all lookup local
32766:	from all lookup main
32767:	from all lookup default
## routes -4
default dev $2 scope link
## rules -6
0:	from all lookup local
32766:	from all lookup main
## routes -6
default dev $2 metric 1024 pref medium
fd00:64::2 dev $2 proto kernel metric 256 pref medium
U fe80::/64 dev $2 proto kernel metric 256 pref medium
## nft
EOF
}

# vpn_empty_state: ns_state of a target with only lo, up.
vpn_empty_state() {
	vpn_tunnel_state "" wg0 | grep -vE 'wg0|^fe80'
}

# monitors_start NAME NS...: `ip monitor` (links, addresses, routes, rules) and
# `nft monitor` in each NS ("-" for H), writing $SANDBOX/NAME.NS.{ip,nft}.
MON_PIDS=()
monitors_start() {
	local name=$1 n
	shift
	for n in "$@"; do
		if [ "$n" = - ]; then
			ip -o monitor link address route rule >"$SANDBOX/$name.H.ip" 2>&1 &
			MON_PIDS+=($!)
			nft monitor >"$SANDBOX/$name.H.nft" 2>&1 &
			MON_PIDS+=($!)
		else
			ip -n "$n" -o monitor link address route rule >"$SANDBOX/$name.$n.ip" 2>&1 &
			MON_PIDS+=($!)
			ip netns exec "$n" nft monitor >"$SANDBOX/$name.$n.nft" 2>&1 &
			MON_PIDS+=($!)
		fi
	done
	sleep 0.3
}

# monitors_stop: prove each listener alive with one marker event per namespace, then
# stop them. The markers are filtered out again by mon_events.
monitors_stop() {
	local n
	for n in "$@"; do
		if [ "$n" = - ]; then
			ip addr add 198.18.0.99/32 dev lo && ip addr del 198.18.0.99/32 dev lo
			nft add table inet marker && nft delete table inet marker
		else
			ip -n "$n" addr add 198.18.0.99/32 dev lo && ip -n "$n" addr del 198.18.0.99/32 dev lo
			inns "$n" nft add table inet marker && inns "$n" nft delete table inet marker
		fi
	done
	sleep 0.3
	kill "${MON_PIDS[@]}" 2>/dev/null
	wait "${MON_PIDS[@]}" 2>/dev/null
	MON_PIDS=()
}

# mon_events FILE: "alive" when the marker was seen, then every other event line.
mon_events() {
	grep -qE '198\.18\.0\.99|table inet marker' "$1" && echo alive
	grep -vE '198\.18\.0\.99|table inet marker|^# new generation|^$' "$1"
}

### N1: `Namespace = vpn`, a fresh `ip netns add` namespace.
conf wg0 "Namespace = vpn"
h_before=$(state)
monitors_start n1 -
run up wg0
check "N1 up: exit status, log" "0
$(vpn_up_log wg0 vpn lo)" "$RC
$LOG"
monitors_stop -
check "N1: the H listener saw no address, route or rule of wg0" "alive" \
	"$(mon_events "$SANDBOX/n1.H.ip" | grep -E '^alive|wg0' | grep -vE '^[0-9]+: wg0[:@]|Deleted [0-9]+: wg0[:@]')"
check "N1: no nft event in H" "alive" "$(mon_events "$SANDBOX/n1.H.nft")"
check "N1: H's links, addresses, rules, routes and ruleset unchanged" "$h_before" "$(state)"
check "N1: vpn has wg0, its addresses and plain default routes, no rules" \
	"$(vpn_tunnel_state vpn wg0)" "$(ns_state vpn)"
check "N1: no wg0 in H" 1 "$(ip link show wg0 >/dev/null 2>&1; echo $?)"
c0=$(leaks)
check "N1: ping 203.0.113.5 from vpn" "3 received" "$(pings vpn 203.0.113.5)"
check "N1: ping 2001:db8:ffff::5 from vpn" "3 received" "$(pings vpn 2001:db8:ffff::5)"
check "N1: TCP from vpn" tcp-ok "$(tcp vpn)"
check "N1: through the tunnel only (leak delta 0)" "$c0" "$(leaks)"
port=$(inns vpn wg show wg0 listen-port 2>/dev/null || wg show wg0 listen-port)
check "N1: the UDP socket is in H, not in vpn" "yes no" "$(udp_in - "$port") $(udp_in vpn "$port")"

### N9: save; reload adding a peer, an address and a ListenPort; reload moving.
{
	run save wg0
	check "N9 save: exit status" 0 "$RC"
	saved=$(printf '%s\n' "[Interface]" "Address = 10.64.0.2/32" "Address = fd00:64::2/128" \
		"U Address = fe80::LL/64" "Namespace = vpn" "ListenPort = $port" \
		"PrivateKey = $KEY1" "" "[Peer]" "PublicKey = $PUB2" \
		"AllowedIPs = 0.0.0.0/0, ::/0" "Endpoint = 192.0.2.1:51820" | backend_lines)
	check "N9 saved file: config plus state" "$(conf_sorted <<<"$saved")" \
		"$(sed -E 's/fe80::[0-9a-f:]+/fe80::LL/' /etc/wireguard/wg0.conf | conf_sorted)"
	write_conf wg0 <<CONF
[Interface]
PrivateKey = $KEY1
Address = 10.64.0.2/32, fd00:64::2/128, 10.65.0.2/24
ListenPort = 51999
Namespace = vpn

[Peer]
PublicKey = $PUB2
Endpoint = 192.0.2.1:51820
AllowedIPs = 0.0.0.0/0, ::/0

[Peer]
PublicKey = $PUB3
AllowedIPs = 10.77.0.0/16
CONF
	h_before=$(state)
	run reload wg0
	check "N9 reload: exit status" 0 "$RC"
	check "N9 reload: log in vpn" "[#] ip -n vpn -4 address add 10.65.0.2/24 dev wg0
[#] ip -n vpn -4 route add 10.77.0.0/16 dev wg0" "$(grep -E 'address|route' <<<"$LOG")"
	check "N9 reload: address and route in vpn" "10.65.0.2/24
10.77.0.0/16 dev wg0 scope link" "$(ip -n vpn -4 -o addr show dev wg0 | awk '$4 ~ /^10.65/ {print $4}'
		ip -n vpn -4 route show 10.77.0.0/16 | sed 's/ *$//')"
	check "N9 reload: the new peer on the device" "$PUB3	10.77.0.0/16" \
		"$( (inns vpn wg show wg0 allowed-ips 2>/dev/null || wg show wg0 allowed-ips) | grep "^$PUB3")"
	check "N9 reload: socket rebound on 51999 in H" "yes no no" \
		"$(udp_in - 51999) $(udp_in vpn 51999) $(udp_in - "$port")"
	check "N9 reload: H unchanged" "$h_before" "$(state)"
	check "N9 reload: traffic still flows" "3 received" "$(pings vpn 203.0.113.5)"
	ip netns add other
	conf_keep=$(cat /etc/wireguard/wg0.conf)
	sed -i 's/^Namespace = vpn/Namespace = other/' /etc/wireguard/wg0.conf
	vpn_before=$(ns_state vpn)
	run reload wg0
	check "N9 reload to another namespace: refused" "1
wgq: reload cannot move wg0 to another namespace; use down and up" "$RC
$ERR"
	check "N9 refused reload: vpn unchanged" "$vpn_before" "$(ns_state vpn)"
	ip netns del other
	printf '%s\n' "$conf_keep" | write_conf wg0
}

### N4: down; vpn keeps only lo and cannot send.
run down wg0
check "N4 down: exit status, log" "0
[#] ip -n vpn link delete dev wg0" "$RC
$LOG"
wait_gone wg0
check "N4: vpn still exists" vpn "$(ip netns list | grep -ow vpn)"
check "N4: vpn holds only lo" "$(vpn_empty_state)" "$(ns_state vpn)"
check "N4: H as before the tunnel" "$H_EMPTY" "$(state)"
c0=$(leaks)
check "N4: ping from vpn fails" "Network is unreachable" \
	"$(inns vpn ping -c1 -W1 203.0.113.5 2>&1 | grep -o 'Network is unreachable')"
check "N4: ping blocked: leak delta 0" "$c0" "$(leaks)"
ping -c1 -W1 203.0.113.5 >/dev/null
check "N4 control: the same ping from H is counted" 1 "$(($(leaks) > c0))"

### N2: endpoint host names resolved in H, with H's resolver: once through a name in
### H's /etc/hosts only, once through a DNS server that only H can reach (vpn has no
### network before the tunnel).
if [ -z "$GUEST" ]; then
	printf '127.0.0.1 localhost\n192.0.2.1 wg-server.test\n' >"$SANDBOX/hosts"
	mount --bind "$SANDBOX/hosts" /etc/hosts
	conf wg0 "Namespace = vpn"
	sed -i 's/^Endpoint = .*/Endpoint = wg-server.test:51820/' /etc/wireguard/wg0.conf
	run up wg0
	check "N2 /etc/hosts name: up" 0 "$RC"
	check "N2 /etc/hosts name: handshake, traffic" "3 received" "$(pings vpn 203.0.113.5)"
	"$WGQ" down wg0 >/dev/null 2>&1
	wait_gone wg0
	umount /etc/hosts
	if command -v python3 >/dev/null; then
		dns_start 192.0.2.1
		check "N2: a DNS server on 192.0.2.1 for H" 0 $?
		echo 'nameserver 192.0.2.1' >"$SANDBOX/resolv.conf"
		sed -i 's/^Endpoint = .*/Endpoint = endpoint.corp.example:51820/' \
			/etc/wireguard/wg0.conf
		run up wg0
		check "N2 DNS name: up" 0 "$RC"
		check "N2 DNS name: handshake, traffic" "3 received" "$(pings vpn 203.0.113.5)"
		check "N2 DNS name: asked from H's uplink" 1 \
			"$(grep -c '^endpoint.corp.example 1 192.0.2.2$' "$SANDBOX/dns.log")"
		"$WGQ" down wg0 >/dev/null 2>&1
		wait_gone wg0
		kill "$DNS_PID"
		wait "$DNS_PID" 2>/dev/null
		DNS_PID=
		printf 'nameserver 192.0.2.53\n' >"$SANDBOX/resolv.conf"
		: >"$SANDBOX/dns.log"
	fi
	check "N2: H as at the start" "$H_EMPTY" "$(state)"
fi

### N3: docker-style /proc/PID/ns/net, the process killed before down.
# holder: start a process with a network namespace of its own; its pid in HOLDER.
holder() {
	unshare --net sleep infinity &
	HOLDER=$!
	while [ "$(readlink /proc/$HOLDER/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
		sleep 0.05
	done
}
conf wg1 "ListenPort = 51998"
holder
pid=$HOLDER
run up --netns "$pid" wg1
check "N3 up --netns PID: exit status, log" "0
$(vpn_up_log wg1 "$pid" lo)" "$RC
$LOG"
nsenter -t "$pid" -n ping -c1 -W5 203.0.113.5 >/dev/null 2>&1
check "N3: ping through nsenter" "3 received" \
	"$(nsenter -t "$pid" -n ping -c3 -i0.2 -W2 203.0.113.5 2>&1 | grep -oE '[0-9]+ received')"
check "N3: the UDP socket in H" yes "$(udp_in - 51998)"
kill "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 50); do
	[ "$(udp_in - 51998)" = no ] && break
	sleep 0.1
done
wait_gone wg1
check "N3: device and its sockets gone with the namespace" "no 0 0" \
	"$(udp_in - 51998) $(ip link show wg1 2>/dev/null | wc -l) $(ls /run/wireguard | grep -c wg1)"
run down --netns "$pid" wg1
check "N3 down after the process died: exit 0, the notice" "0
wgq: namespace '$pid' is gone; wg1 went with it" "$RC
$ERR"
check "N3: H clean" "$H_EMPTY" "$(state)"

# The same through a symlink in /run/netns, as users make for containers.
holder
ln -s "/proc/$HOLDER/ns/net" /run/netns/ctr
run up --netns ctr wg1
check "N3 symlink: up" "0
$(vpn_up_log wg1 ctr lo)" "$RC
$LOG"
check "N3 symlink: ping in ctr" "3 received" "$(pings ctr 203.0.113.5)"
run down --netns ctr wg1
check "N3 symlink: down while it lives" "0
[#] ip -n ctr link delete dev wg1" "$RC
$LOG"
check "N3 symlink: ctr keeps only lo" "lo" "$(ip -n ctr -o link show | awk -F': ' '{print $2}')"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
rm /run/netns/ctr
wait_gone wg1

### Kernel only: destroying the target deletes the device and its socket.
if [ -n "$GUEST" ]; then
	ip netns add doomed
	run up --netns doomed wg1
	check "kernel: up into doomed" 0 "$RC"
	check "kernel: the device's socket in H" yes "$(udp_in - 51998)"
	ip netns del doomed
	for _ in $(seq 50); do
		[ "$(udp_in - 51998)" = no ] && break
		sleep 0.1
	done
	check "kernel: destroying the target deleted the device" "no 0" \
		"$(udp_in - 51998) $(ip -o link show type wireguard | wc -l)"
	run down --netns doomed wg1
	check "kernel: down after the target was deleted" "0
wgq: namespace 'doomed' is gone; wg1 went with it" "$RC
$ERR"
	finish
fi

### N5: vpn with its own way out refuses the /0, changing nothing.
ip link add v0 netns vpn type veth peer name u1 netns up
ip -n vpn addr add 198.51.100.2/24 dev v0
ip -n vpn link set v0 up
ip -n up addr add 198.51.100.1/24 dev u1
ip -n up link set u1 up
ip -n vpn route add default via 198.51.100.1 dev v0
conf wg0 "Namespace = vpn"
vpn_before=$(ns_state vpn)
h_before=$(state)
run up wg0
check "N5: refused naming the route" "1
wgq: namespace 'vpn' already has a default route (0.0.0.0/0 via 198.51.100.1 dev v0); remove it, or use Table = off with KillSwitch" "$RC
$ERR"
check "N5: vpn unchanged" "$vpn_before" "$(ns_state vpn)"
check "N5: H unchanged" "$h_before" "$(state)"

### N5, second half: Table = off and KillSwitch = on: the switch lives in vpn and
### closes vpn's own way out (killswitch-netns.md §5.6); H has none, so no mark anywhere.
# ks_chain NS: the rules of tun-wg0 in NS ("-" for H), or "none".
ks_chain() {
	local out
	if [ "$1" = - ]; then
		out=$(nft list chain inet wgq-killswitch tun-wg0 2>/dev/null)
	else
		out=$(inns "$1" nft list chain inet wgq-killswitch tun-wg0 2>/dev/null)
	fi
	[ -n "$out" ] || { echo none; return; }
	echo "$out" | grep -E 'accept|drop|return' | sed -E 's/^[[:space:]]+//'
}
c0=$(leaks)
inns vpn ping -c1 -W2 203.0.113.5 >/dev/null 2>&1
check "N5 control: vpn's own way out is counted" 1 "$(($(leaks) > c0))"
conf wg0 "Namespace = vpn
Table = off
KillSwitch = on"
run up wg0
check "N5 ks up: exit status, the switch first, in vpn" "0
[#] ip netns exec vpn nft -f /dev/fd/63" "$RC
$(echo "$LOG" | head -n1)"
check "N5 ks: no mark rule in vpn's tun-wg0" 0 "$(ks_chain vpn | grep -c 'meta mark')"
check "N5 ks: tun-wg0 accepts wg0" 1 "$(ks_chain vpn | grep -c 'oifname "wg0" accept')"
check "N5 ks: nothing in H" "none" "$(ks_chain -)"
check "N5 ks: no fwmark on the device" off "$(wg show wg0 fwmark 2>/dev/null || inns vpn wg show wg0 fwmark)"
c0=$(leaks)
check "N5 ks: ping from vpn blocked" 1 "$(inns vpn ping -c2 -i0.2 -W1 203.0.113.5 >/dev/null 2>&1; echo $?)"
check "N5 ks: ping -I v0 from vpn blocked" 1 \
	"$(inns vpn ping -I v0 -c2 -i0.2 -W1 203.0.113.5 >/dev/null 2>&1; echo $?)"
check "N5 ks: leak delta 0" "$c0" "$(leaks)"
run killswitch status --netns vpn wg0
check "N5 ks: status --netns" "0
wg0: on, intact" "$RC
$(echo "$OUT" | head -n1)"
run killswitch off --netns vpn wg0
check "N5 ks: killswitch off --netns" "0
[#] ip netns exec vpn nft -f /dev/fd/63" "$RC
$ERR"
check "N5 ks: vpn's table gone" "none" "$(ks_chain vpn)"
run killswitch on wg0
check "N5 ks: killswitch on reads Namespace" "0
[#] ip netns exec vpn nft -f /dev/fd/63" "$RC
$ERR"
check "N5 ks: back in vpn" 0 "$(ks_chain vpn | grep -c none)"
run down wg0
check "N5 ks down: exit status, the switch last, in vpn" "0
[#] ip netns exec vpn nft -f /dev/fd/63" "$RC
$(echo "$LOG" | tail -n1)"
check "N5 ks down: no table in vpn" 1 "$(inns vpn nft list table inet wgq-killswitch >/dev/null 2>&1; echo $?)"

### killswitch-netns.md §5.6 with a switch in H: the device gets a mark, H a tun-wg0 with only that mark;
### down removes both parts.
nft add table inet wgq-killswitch
run up wg0
check "N5 ks+H up: exit status, vpn's part then H's" "0
[#] ip netns exec vpn nft -f /dev/fd/63
[#] nft -f /dev/fd/63" "$RC
$(echo "$LOG" | head -n2)"
mark=$(wg show wg0 fwmark 2>/dev/null || inns vpn wg show wg0 fwmark)
check "N5 ks+H: H's tun-wg0 holds only the device's mark" \
	"$(printf 'meta mark 0x%08x accept' "$mark")" "$(ks_chain -)"
check "N5 ks+H: vpn's has no mark rule" 0 "$(ks_chain vpn | grep -c 'meta mark')"
run down wg0
check "N5 ks+H down: exit status" 0 "$RC"
check "N5 ks+H down: both parts gone" "none none" "$(ks_chain -) $(ks_chain vpn)"
ip -n vpn link del v0

### N6: DNS files for a named target.
if command -v python3 >/dev/null; then
	dns_start
	check "N6: the DNS responder listens on 10.64.0.1" 0 $?
	conf wg0 "Namespace = vpn
DNS = 10.64.0.1, corp.example"
	# resolvconf and resolvectl stand-ins first in PATH log every run; a control run
	# of a tunnel in H shows that wgq finds them.
	mkdir "$SANDBOX/bin"
	for c in resolvconf resolvectl; do
		printf '#!/bin/sh\necho "%s $*" >>"%s"\ncat >/dev/null\n' "$c" "$SANDBOX/dns-runs" \
			>"$SANDBOX/bin/$c"
		chmod +x "$SANDBOX/bin/$c"
	done
	write_conf wgc <<CONF
[Interface]
PrivateKey = $KEY3
Address = 10.99.0.2/32
DNS = 10.99.0.1

[Peer]
PublicKey = $PUB4
AllowedIPs = 10.99.0.0/24
CONF
	PATH=$SANDBOX/bin:$PATH "$WGQ" up wgc >/dev/null 2>&1
	PATH=$SANDBOX/bin:$PATH "$WGQ" down wgc >/dev/null 2>&1
	wait_gone wgc
	PATH=$SANDBOX/bin:$PATH run up wg0
	check "N6: no resolvconf or resolvectl run for vpn (control: one each way for H)" \
		"resolvconf -a wgc -m 0 -x
resolvconf -d wgc -f" "$(cat "$SANDBOX/dns-runs")"
	check "N6 up: exit status, log" "0
$(vpn_up_log wg0 vpn)
[#] install -D -m 0644 /dev/fd/63 /etc/netns/vpn/resolv.conf
[#] install -D -m 0644 /dev/fd/63 /etc/netns/vpn/nsswitch.conf" "$RC
$LOG"
	marker="# Generated by wgq for wg0; removed by 'wgq down wg0'"
	check "N6: resolv.conf" "$marker
nameserver 10.64.0.1
search corp.example" "$(cat /etc/netns/vpn/resolv.conf)"
	if grep -q '^hosts:' /etc/nsswitch.conf; then
		nss=$(sed 's/^hosts:.*/hosts: files dns/' /etc/nsswitch.conf)
	else
		nss=$(cat /etc/nsswitch.conf; echo 'hosts: files dns')
	fi
	check "N6: nsswitch.conf" "$marker
$nss" "$(cat /etc/netns/vpn/nsswitch.conf)"
	check "N6: modes" "644 644" "$(stat -c %a /etc/netns/vpn/resolv.conf /etc/netns/vpn/nsswitch.conf | xargs)"
	check "N6: host resolv.conf untouched" "nameserver 192.0.2.53" "$(cat /etc/resolv.conf)"
	c0=$(leaks)
	check "N6: the tunnel works" "3 received" "$(pings vpn 10.64.0.1)"
	check "N6: getent in vpn answered over the tunnel" "203.0.113.5 www.corp.example" \
		"$(inns vpn getent ahostsv4 www | awk 'NR == 1 {print $1, $3}')"
	check "N6: the responder saw the query from the tunnel address" 1 \
		"$(grep -c '^www.corp.example 1 10.64.0.2$' "$SANDBOX/dns.log")"
	check "N6: leak delta 0" "$c0" "$(leaks)"
	run down wg0
	check "N6 down: exit status, log" "0
[#] ip -n vpn link delete dev wg0
[#] rm -f /etc/netns/vpn/resolv.conf /etc/netns/vpn/nsswitch.conf
[#] rmdir /etc/netns/vpn" "$RC
$LOG"
	check "N6: files and empty directory removed" "" "$(etc_netns)"
	wait_gone wg0
	mkdir /etc/netns/vpn
	echo 'nameserver 192.0.2.53' >/etc/netns/vpn/resolv.conf
	vpn_before=$(ns_state vpn)
	run up wg0
	check "N6: a foreign resolv.conf refused" "1
wgq: \`/etc/netns/vpn/resolv.conf' was not written by wgq for wg0" "$RC
$ERR"
	check "N6: the foreign file kept, nothing added" "./vpn
./vpn/resolv.conf
  nameserver 192.0.2.53" "$(etc_netns)"
	check "N6: vpn unchanged after the refusal" "$vpn_before" "$(ns_state vpn)"
	rm -r /etc/netns/vpn
	kill "$DNS_PID" 2>/dev/null
	wait "$DNS_PID" 2>/dev/null
else
	echo "skip N6: needs python3"
fi

### N7: each refusal: exit 1, its message, no event in H or the target.
# refuse WHAT NS EXPECTED-ERR ARGS...: `wgq ARGS` with listeners in H and NS.
refuse() {
	local what=$1 ns=$2 want=$3
	shift 3
	local hb nb
	hb=$(state) nb=$(ns_state "$ns")
	monitors_start n7 - "$ns"
	run "$@"
	monitors_stop - "$ns"
	check "N7 $what: exit 1, message" "1
$want" "$RC
$ERR"
	check "N7 $what: no event in H or $ns" "alive
alive
alive
alive" "$(mon_events "$SANDBOX/n7.H.ip"; mon_events "$SANDBOX/n7.H.nft"
		mon_events "$SANDBOX/n7.$ns.ip"; mon_events "$SANDBOX/n7.$ns.nft")"
	check "N7 $what: H and $ns unchanged" "$hb
$nb" "$(state)
$(ns_state "$ns")"
}
conf wg0 "Namespace = vpn"
ip -n vpn link add wg0 type veth peer name wg0p
refuse "IF in the target" vpn "wgq: \`wg0' already exists in namespace 'vpn'" up wg0
ip -n vpn link del wg0
ip link add wg0 type veth peer name wg0p
refuse "IF in H" vpn "wgq: \`wg0' already exists" up wg0
ip link del wg0
holder
pid=$HOLDER
ln -s "/proc/$pid/ns/net" /run/netns/ctr
conf wg1 "DNS = 10.64.0.1"
refuse "PID target with DNS" ctr \
	"wgq: /etc/wireguard/wg1.conf:4: DNS: a namespace given by PID or path gets no DNS from wgq; configure its resolver and use --no-dns" \
	up --netns "$pid" wg1
refuse "path target with DNS" ctr \
	"wgq: /etc/wireguard/wg1.conf:4: DNS: a namespace given by PID or path gets no DNS from wgq; configure its resolver and use --no-dns" \
	up --netns "/proc/$pid/ns/net" wg1
kill "$pid"
wait "$pid" 2>/dev/null
rm /run/netns/ctr
conf wg1
refuse "the target is H (PID)" vpn "wgq: --netns: '$$': is wgq's own network namespace" up --netns $$ wg1
refuse "the target is H (path)" vpn \
	"wgq: --netns: '/proc/self/ns/net': is wgq's own network namespace" up --netns /proc/self/ns/net wg1
conf wg0 "Namespace = nosuch"
refuse "missing Namespace" vpn \
	"wgq: /etc/wireguard/wg0.conf:4: Namespace: 'nosuch' does not exist (no /run/netns/nosuch)" up wg0
touch "$SANDBOX/plain"
refuse "a regular file as PATH" vpn "wgq: --netns: '$SANDBOX/plain': is not a network namespace" \
	up --netns "$SANDBOX/plain" wg1
refuse "no such name" vpn "wgq: --netns: 'nosuch': no such namespace" up --netns nosuch wg1
refuse "no such process" vpn "wgq: --netns: '$pid': no such process" up --netns "$pid" wg1
check "N7: /etc/netns untouched" "" "$(etc_netns)"
check "H as at the start" "$H_EMPTY" "$(state)"

finish
