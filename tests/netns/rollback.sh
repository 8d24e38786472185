#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# A failing step, or a signal, undoes exactly the completed steps, in reverse order,
# once, and leaves the state as it was.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
empty_state_init

conf() { # NAME EXTRA-INTERFACE-LINES ALLOWEDIPS
	printf '[Interface]\nAddress = 10.60.0.1/24\nPrivateKey = %s\n%s\n\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\nEndpoint = 192.0.2.1:51820\n' \
		"$KEY1" "$2" "$PUB2" "$3" >"/etc/wireguard/$1.conf"
	chmod 600 "/etc/wireguard/$1.conf"
}

# PostUp fails: everything goes, nothing else runs.
conf wgr 'PostUp = echo before; false
PostDown = echo must-not-run' '10.60.0.0/24, 10.70.0.0/16'
run up wgr
check "PostUp failure: exit status" 1 "$RC"
check "PostUp failure: stdout" "before" "$OUT"
check "PostUp failure: log" "$(link_add_log wgr
echo '[#] wg addconf wgr /dev/fd/63
[#] ip -4 address add 10.60.0.1/24 dev wgr
[#] ip link set mtu 1420 up dev wgr
[#] ip -4 route add 10.70.0.0/16 dev wgr
[#] echo before; false
[#] ip link delete dev wgr')" "$LOG"
check "PostUp failure: message" "wgq: PostUp hook failed with exit status 1" \
	"$(echo "$ERR" | grep '^wgq:')"
wait_gone wgr
check "PostUp failure: state" "$EMPTY_STATE" "$(state)"

# PreUp fails: only the link was made.
conf wgr 'PreUp = exit 3' '10.60.0.0/24'
run up wgr
check "PreUp failure" "1 wgq: PreUp hook failed with exit status 3" \
	"$RC $(echo "$ERR" | grep '^wgq:')"
check "PreUp failure: last log lines" "[#] exit 3
[#] ip link delete dev wgr" "$(echo "$LOG" | tail -n 2)"
wait_gone wgr
check "PreUp failure: state" "$EMPTY_STATE" "$(state)"

# The kernel refuses a route that exists through another device.
ip route add 10.70.0.0/16 dev up0
before=$(state)
conf wgr '' '10.70.0.0/16'
run up wgr
check "route conflict" "1 wgq: ip -4 route add 10.70.0.0/16 dev wgr: File exists" \
	"$RC $(echo "$ERR" | grep '^wgq:')"
check "route conflict: last log line" "[#] ip link delete dev wgr" "$(echo "$LOG" | tail -n 1)"
wait_gone wgr
check "route conflict: state" "$before" "$(state)"
ip route del 10.70.0.0/16 dev up0

# A signal during PostUp: the hook finishes, then the rollback runs once.
for sig in TERM INT HUP; do
	conf wgr "PostUp = touch $SANDBOX/started; sleep 1" '10.60.0.0/24'
	rm -f "$SANDBOX/started"
	"$WGQ" up wgr >"$SANDBOX/out" 2>"$SANDBOX/err" &
	pid=$!
	for _ in $(seq 100); do [ -e "$SANDBOX/started" ] && break; sleep 0.05; done
	kill -s $sig $pid
	wait $pid
	check "SIG$sig during PostUp: exit status" 1 "$?"
	check "SIG$sig during PostUp: undone once" 1 "$(grep -c 'ip link delete' "$SANDBOX/err")"
	wait_gone wgr
	check "SIG$sig during PostUp: state" "$EMPTY_STATE" "$(state)"
done

# A bad config changes nothing and runs no hook.
printf '[Interface]\nPrivateKey = %s\nPreUp = touch %s/ran\nAddress = 10.1\n' "$KEY1" "$SANDBOX" \
	>/etc/wireguard/wgr.conf
run up wgr
check "bad config" "1 wgq: /etc/wireguard/wgr.conf:4: Address: '10.1' is not an IP address or prefix" \
	"$RC $ERR"
check "bad config: no hook ran" "no" "$([ -e "$SANDBOX/ran" ] && echo yes || echo no)"
check "bad config: state" "$EMPTY_STATE" "$(state)"

finish
