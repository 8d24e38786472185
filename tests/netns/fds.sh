#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Every fd wgq opens is close-on-exec (issue 18): each hook, resolvconf (a fake in PATH)
# and the userspace implementation list the fds they inherited, and see only 0, 1 and 2.
# A hook lists the fds of its bash (/proc/$$/fd, from a child ls, no pipeline); the
# fakes are bash scripts, whose own script fd 255 is left out.
. "$(dirname "$0")/lib.sh"
sandbox_enter "$@"
empty_state_init
mkdir "$SANDBOX/bin" "$SANDBOX/fds"
FDS=$SANDBOX/fds
cat >"$SANDBOX/bin/resolvconf" <<EOF
#!/bin/bash
ls /proc/\$\$/fd >"$FDS/resolvconf\$1"
cat >/dev/null
EOF
cat >"$SANDBOX/bin/userspace" <<EOF
#!/bin/bash
ls /proc/\$\$/fd >"$FDS/userspace"
exec wireguard-go "\$@"
EOF
chmod 755 "$SANDBOX/bin/resolvconf" "$SANDBOX/bin/userspace"
export PATH=$SANDBOX/bin:$PATH WG_QUICK_USERSPACE_IMPLEMENTATION=userspace

hook() { echo "$1 = ls /proc/\$\$/fd >$FDS/$1; true"; }
client_conf 91 "$(hook PreUp)
$(hook PostUp)
$(hook PreDown)
$(hook PostDown)" | write_conf wgf
# wgq itself starts with 0, 1 and 2 only: the fds this shell holds are closed first.
clean_run() {
	(
		for fd in $(ls /proc/$BASHPID/fd); do
			[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
		done
		exec "$WGQ" "$@"
	) >/dev/null 2>"$SANDBOX/err"
}
clean_run up wgf
check "up succeeds" 0 "$?"
clean_run down wgf
check "down succeeds" 0 "$?"
wait_gone wgf
want="PostDown: 0 1 2
PostUp: 0 1 2
PreDown: 0 1 2
PreUp: 0 1 2
resolvconf-a: 0 1 2
resolvconf-d: 0 1 2"
[ -d /sys/module/wireguard ] || want+="
userspace: 0 1 2"
check "hooks, resolvconf and the userspace implementation inherit only 0, 1, 2" "$want" \
	"$(cd "$FDS" && for f in *; do echo "$f: $(grep -vx 255 "$f" | xargs)"; done)"
check "nothing left" "$EMPTY_STATE" "$(state)"
finish
