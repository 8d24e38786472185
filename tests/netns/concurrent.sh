#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Several full-tunnel ups started together never choose the same fwmark/table: a lock
# covers table choice through rule installation. A PreUp barrier lines the runs up so
# that they reach the table choice at the same moment. Then all go down together.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
empty_state_init
N=6
mkdir "$SANDBOX/barrier"
for i in $(seq $N); do
	cat >"/etc/wireguard/wgc$i.conf" <<CONF
[Interface]
Address = 10.80.$i.2/32
PrivateKey = $KEY1
PreUp = touch $SANDBOX/barrier/%i; until [ \$(ls $SANDBOX/barrier | wc -l) -ge $N ]; do sleep 0.01; done

[Peer]
PublicKey = $PUB2
AllowedIPs = 0.0.0.0/0
Endpoint = 192.0.2.$i:51820
CONF
	chmod 600 "/etc/wireguard/wgc$i.conf"
done

pids=()
for i in $(seq $N); do
	"$WGQ" up wgc$i >/dev/null 2>"$SANDBOX/err$i" &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do wait "$p"; rcs+="$? "; done
check "$N ups at once all succeed" "$(printf '0 %.0s' $(seq $N))" "$rcs"
check "each tunnel got its own table" "$(seq 51820 $((51820 + N - 1)))" \
	"$(for i in $(seq $N); do wg show wgc$i fwmark; done | sort | xargs printf '%d\n')"
check "$N fwmark rules and $N suppress rules, all distinct priorities" "$((2 * N)) $((2 * N))" \
	"$(ip -4 rule | grep -cE 'fwmark|suppress') $(ip -4 rule | grep -E 'fwmark|suppress' | cut -d: -f1 | sort -u | wc -l)"
for i in $(seq $N); do
	t=$(printf '%d' "$(wg show wgc$i fwmark)")
	check "wgc$i: table $t routes through wgc$i" "default dev wgc$i scope link" \
		"$(ip -4 route show table "$t" | sed 's/ *$//')"
done

pids=()
for i in $(seq $N); do
	"$WGQ" down wgc$i >/dev/null 2>&1 &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do wait "$p"; rcs+="$? "; done
check "$N downs at once all succeed" "$(printf '0 %.0s' $(seq $N))" "$rcs"
for i in $(seq $N); do wait_gone wgc$i; done
check "nothing left" "$EMPTY_STATE" "$(state)"
finish
