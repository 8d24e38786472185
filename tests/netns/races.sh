#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Runs on one interface at once (issue 18): two ups started together (20 rounds; 3 on
# kernel WireGuard in the VM guest), a slow up (a userspace implementation that sleeps
# 5 s, or a PreUp sleep) racing a normal up and a reload, a down racing a reload, a hook
# that calls wgq on its own interface, and down after the link was deleted by hand.
# The loser exits 1 naming the winner's pid (or the existing interface) and changes
# nothing; the winner's state is exactly a single up's. Resolvconf is a fake in PATH
# that keeps its records under the sandbox's /run/resolvconf.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
empty_state_init
if [ -d /sys/module/wireguard ]; then ROUNDS=${WGQ_RACE_ROUNDS:-3}; else ROUNDS=${WGQ_RACE_ROUNDS:-20}; fi

mkdir "$SANDBOX/bin" "$SANDBOX/slow"
cat >"$SANDBOX/bin/resolvconf" <<'EOF'
#!/bin/bash
mkdir -p /run/resolvconf/interfaces
case $1 in
-a) cat >"/run/resolvconf/interfaces/$2" ;;
-d) rm -f "/run/resolvconf/interfaces/$2" ;;
-l) cat "/run/resolvconf/interfaces/$2" ;;
esac
EOF
printf '#!/bin/bash\nsleep 5\nexec wireguard-go "$@"\n' >"$SANDBOX/bin/slow-wg"
chmod 755 "$SANDBOX/bin/resolvconf" "$SANDBOX/bin/slow-wg"
export PATH=$SANDBOX/bin:$PATH

conf() { client_conf 90 "${1:-}"; }
conf "" | write_conf wgr
# The same interface, slowed down by hooks (the file's name gives the interface).
conf "PreUp = sleep 2
PreDown = sleep 2" >"$SANDBOX/slow/wgr.conf"
chmod 600 "$SANDBOX/slow/wgr.conf"
EMPTY_FULL=$(full_state)

"$WGQ" up wgr >/dev/null 2>&1
UP_FULL=$(full_state)
"$WGQ" down wgr >/dev/null 2>&1
wait_gone wgr
check "reference: up and down leave nothing" "$EMPTY_FULL" "$(full_state)"

# together VERB1 VERB2: both on wgr at once; exit statuses in r1, r2, stderr in e1, e2.
together() {
	local p1 p2
	"$WGQ" "$1" wgr >/dev/null 2>"$SANDBOX/e1" &
	p1=$!
	"$WGQ" "$2" wgr >/dev/null 2>"$SANDBOX/e2" &
	p2=$!
	wait $p1
	r1=$?
	wait $p2
	r2=$?
}

# The loser's message: the other run's pid, or the interface the winner made.
loser_ok() { # STDERR-FILE
	grep -qE "^wgq: \`wgr' is being changed by another wgq run \(pid [0-9]+\); nothing was changed|^wgq: \`wgr' already exists" "$1"
}

won=0 refused=0 same=0 clean=0 both_failed=0
for round in $(seq "$ROUNDS"); do
	together up up
	[ "$r1$r2" = 11 ] && both_failed=$((both_failed + 1))
	if [ "$r1$r2" = 01 ] && loser_ok "$SANDBOX/e2" || { [ "$r1$r2" = 10 ] && loser_ok "$SANDBOX/e1"; }; then
		refused=$((refused + 1))
	else
		echo "round $round: exit $r1 $r2"; cat "$SANDBOX/e1" "$SANDBOX/e2"
	fi
	[ "$r1$r2" = 01 ] || [ "$r1$r2" = 10 ] && won=$((won + 1))
	[ "$(full_state)" = "$UP_FULL" ] && same=$((same + 1))
	"$WGQ" down wgr >/dev/null 2>&1
	wait_gone wgr
	[ "$(full_state)" = "$EMPTY_FULL" ] && clean=$((clean + 1))
done
echo "info: $ROUNDS rounds of two ups at once: $both_failed with both failing"
check "$ROUNDS rounds of two ups: one wins, one is refused naming the winner, the state is one up's, down leaves nothing" \
	"$ROUNDS $ROUNDS $ROUNDS $ROUNDS" "$won $refused $same $clean"

# A slow up (userspace implementation sleeping 5 s, or kernel WireGuard and a PreUp sleep)
# holds the interface; a plain up meanwhile is refused at once, naming its pid.
WG_QUICK_USERSPACE_IMPLEMENTATION=slow-wg "$WGQ" up "$SANDBOX/slow/wgr.conf" >/dev/null 2>"$SANDBOX/e1" &
slow=$!
sleep 1
start=$(date +%s%N)
run up wgr
ms=$((($(date +%s%N) - start) / 1000000))
check "up during a slow up: refused, naming the slow run" \
	"1 wgq: \`wgr' is being changed by another wgq run (pid $slow); nothing was changed, try again when it has finished" \
	"$RC $ERR"
check "the refusal does not wait for the slow run (${ms} ms < 3000)" 1 "$((ms < 3000))"
run reload wgr
check "reload during a slow up: refused, naming the slow run" \
	"1 wgq: \`wgr' is being changed by another wgq run (pid $slow); nothing was changed, try again when it has finished" \
	"$RC $ERR"
wait $slow
check "the slow up succeeds" 0 $?
check "the state is one up's" "$UP_FULL" "$(full_state)"

# A down with a PreDown sleep holds the interface; a reload meanwhile is refused.
"$WGQ" down "$SANDBOX/slow/wgr.conf" >/dev/null 2>&1 &
slow=$!
sleep 0.7
run reload wgr
check "reload during a slow down: refused, naming it" \
	"1 wgq: \`wgr' is being changed by another wgq run (pid $slow); nothing was changed, try again when it has finished" \
	"$RC $ERR"
wait $slow
check "the slow down succeeds" 0 $?
wait_gone wgr
check "down left nothing" "$EMPTY_FULL" "$(full_state)"

# down and reload started together: whichever wins, the other changes nothing.
ok=0
for round in 1 2 3; do
	"$WGQ" up wgr >/dev/null 2>&1
	together down reload
	st=$(full_state)
	if [ $r1 = 0 ] && [ "$st" = "$EMPTY_FULL" ]; then
		ok=$((ok + 1)) # down won; the reload was refused or found no interface
	elif [ $r1 = 1 ] && [ $r2 = 0 ] && [ "$st" = "$UP_FULL" ] && loser_ok "$SANDBOX/e1"; then
		ok=$((ok + 1))
	else
		echo "round $round: down $r1 reload $r2"; cat "$SANDBOX/e1" "$SANDBOX/e2"
	fi
	"$WGQ" down wgr >/dev/null 2>&1
	wait_gone wgr
done
check "3 rounds of down and reload at once: consistent" 3 "$ok"
check "nothing left" "$EMPTY_FULL" "$(full_state)"

# A hook calling wgq on its own interface is refused, with a message saying why.
conf "PostUp = \"$WGQ\" down %i" >"$SANDBOX/slow/wgr.conf"
run up "$SANDBOX/slow/wgr.conf"
check "a PostUp running wgq down on its own interface: refused, and up rolls back" \
	"1 wgq: \`wgr' is being changed by the wgq run (pid X) whose hook called this one; a hook cannot up, down or reload its own interface" \
	"$RC $(echo "$ERR" | grep 'whose hook' | sed -E 's/pid [0-9]+/pid X/')"
wait_gone wgr
check "nothing left" "$EMPTY_FULL" "$(full_state)"

# down after the link went by hand: its rules, nf_tables tables and DNS record go.
"$WGQ" up wgr >/dev/null 2>&1
ip link delete wgr
wait_gone wgr
run down wgr
check "down of a deleted link: exit 0, what it removed" \
	"0 [!] \`wgr' was already gone; removed what it left: its policy rules, its nf_tables tables, its DNS record" \
	"$RC $(echo "$ERR" | grep '^\[!\]')"
check "nothing left" "$EMPTY_FULL" "$(full_state)"
run down wgr
check "a second down: nothing left to remove" "1 wgq: \`wgr' is not a WireGuard interface (brought up with --netns? pass it again)" "$RC $ERR"
finish
