#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# A hung helper does not hold wgq (issue 18): SIGTERM 2 s into a resolvconf or hook
# that sleeps 60 s sends SIGTERM to the helper's process group (SIGKILL 1 s later for
# one that ignores it), the rollback runs with its own helpers bounded to 3 s, and wgq
# exits 1 within 5 s, leaving neither state nor processes. Every sleep records its pid.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
mkdir "$SANDBOX/bin"
PIDS=$SANDBOX/pids
: >"$PIDS"
# A resolvconf that hangs on the options listed in $SANDBOX/hang, and otherwise keeps
# its records under /run/resolvconf.
cat >"$SANDBOX/bin/resolvconf" <<EOF
#!/bin/bash
if grep -qx -- "\$1" "$SANDBOX/hang" 2>/dev/null; then
	sleep 60 & echo \$! >>"$PIDS"
	wait
fi
mkdir -p /run/resolvconf/interfaces
case \$1 in
-a) cat >"/run/resolvconf/interfaces/\$2" ;;
-d) rm -f "/run/resolvconf/interfaces/\$2" ;;
esac
EOF
chmod 755 "$SANDBOX/bin/resolvconf"
export PATH=$SANDBOX/bin:$PATH
EMPTY_FULL=$(full_state)

conf() { client_conf 92 "${1:-}" | write_conf wgh; }

# interrupt NAME [STATE]: up wgh, SIGTERM after 2 s; checks the exit, its time, the state and
# that every recorded sleep is gone.
interrupt() {
	"$WGQ" up wgh >/dev/null 2>"$SANDBOX/err" &
	local pid=$! start rc ms p left="" i
	sleep 2
	# The hung helper must be running (slow builds such as ASan take longer to get there).
	for i in $(seq 100); do [ -s "$PIDS" ] && break; sleep 0.1; done
	start=$(date +%s%N)
	kill -TERM $pid
	wait $pid
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "info: $1: exit $ms ms after SIGTERM"
	check "$1: exit 1 within 5 s of SIGTERM (${ms} ms)" "1 1" "$rc $((ms < 5000))"
	wait_gone wgh
	check "$1: rolled back" "${2:-$EMPTY_FULL}" "$(full_state)"
	sleep 0.2 # for the reaper: a zombie is gone but still answers kill -0
	for p in $(cat "$PIDS"); do
		[ -e "/proc/$p" ] && ! grep -q ') Z ' "/proc/$p/stat" && left+=" $p"
	done
	check "$1: no helper process left" "" "$left"
	[ -z "$left" ] || kill -KILL $left
	: >"$PIDS"
}

echo -a >"$SANDBOX/hang"
conf ""
interrupt "resolvconf -a hangs"
grep -q "resolvconf (pid [0-9]*) interrupted: sending SIGTERM to its process group" "$SANDBOX/err"
check "the interrupted helper is named" 0 $?

# The rollback's resolvconf -d hangs too: stopped after 3 s, its record is left, and
# wgq says so.
echo -d >"$SANDBOX/hang"
conf "PostUp = sleep 60 & echo \$! >>$PIDS; wait"
interrupt "PostUp hook and the rollback's resolvconf -d hang" "$(echo "$EMPTY_FULL" |
	sed 's|^## userspace sockets|/run/resolvconf/interfaces/wgh\n&|')"
grep -q "resolvconf (pid [0-9]*) outlived the rollback's limit: sending SIGTERM" "$SANDBOX/err"
check "the rollback's hung resolvconf -d is stopped" 0 $?
grep -q "^wgq: resolvconf -d wgh -f: was killed by signal TERM" "$SANDBOX/err"
check "and reported" 0 $?
rm -f "$SANDBOX/hang" /run/resolvconf/interfaces/wgh

conf "PostUp = sleep 60 & echo \$! >>$PIDS; wait"
interrupt "PostUp hook hangs"
grep -q "^wgq: PostUp hook was killed by signal TERM" "$SANDBOX/err"
check "the hook's end is reported" 0 $?

# Ignored SIGTERM is inherited through exec: the sleep ignores it too; SIGKILL ends both.
conf "PreUp = trap '' TERM; sleep 60 & echo \$! >>$PIDS; wait"
interrupt "PreUp hook ignores SIGTERM"
grep -q "bash (pid [0-9]*) interrupted: sending SIGKILL to its process group" "$SANDBOX/err"
check "SIGKILL follows after the grace" 0 $?
finish
