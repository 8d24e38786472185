#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The command line (behaviour.md §1): dispatch, usage, exit statuses, program name, auto-sudo
# and strip without root. Needs no root; the non-root checks drop privileges when run
# as root and run directly otherwise.
set -uo pipefail
WGQ=${WGQ:-$(cd "$(dirname "$0")/../.." && pwd)/build/src/wgq}
T=$(mktemp -d /tmp/wgq-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
# A copy the unprivileged user (nobody, below) can reach wherever the checkout is, for
# example under /root (mode 700).
cp "$WGQ" "$T/wgq"
WGQ=$T/wgq
. "$(dirname "$0")/lib.sh"

# r PROGRAM ARGS...: $RC, $OUT, $ERR
r() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out") ERR=$(cat "$T/err")
}

for h in --help -h help; do
	r "$WGQ" $h
	check "$h: exit 0, nothing on stdout" "0 " "$RC $OUT"
	check "$h: synopsis on stderr" "Usage: wgq [ up | down | save | strip | reload ] [ CONFIG_FILE | INTERFACE ]" \
		"$(echo "$ERR" | head -n 1)"
	check "$h: --dry-run synopsis" "       wgq [ up | down | reload ] --dry-run [ CONFIG_FILE | INTERFACE ]" \
		"$(echo "$ERR" | sed -n 2p)"
	check "$h: reload is listed" "  reload  apply a changed config to the running interface" \
		"$(echo "$ERR" | grep '^  reload ')"
	check "$h: names the man page" "See wgq(8) for details." "$(echo "$ERR" | tail -n 1)"
done
r "$WGQ" --help
for word in CONFIG_FILE INTERFACE /etc/wireguard/INTERFACE.conf Address DNS MTU Table PreUp \
	PostUp PreDown PostDown SaveConfig %i --dry-run --version; do
	check "usage mentions $word" 1 "$(echo "$ERR" | grep -cF -- "$word" | awk '{print ($1 > 0)}')"
done
usage=$ERR

r "$WGQ" --version
check "--version" "0 wgq 0.1.0" "$RC $OUT"

r "$WGQ"
check "no arguments: the usage alone, exit 1" "1 $usage" "$RC $ERR"
# Each usage error says what is wrong, then prints the usage.
while IFS='|' read -r args why; do
	r "$WGQ" $args
	check "'wgq $args': what is wrong, usage, exit 1" "1 wgq: $why
$usage" "$RC $ERR"
done <<'EOF'
frobnicate|unknown command 'frobnicate'
--dry-run|missing command
bogus wg0|unknown command 'bogus'
UP wg0|unknown command 'UP'
RELOAD wg0|unknown command 'RELOAD'
--frobnicate|unknown option '--frobnicate'
-x up wg0|unknown option '-x'
up --dry-run --force wg0|unknown option '--force'
up wg0 -v|unknown option '-v'
up|up needs a CONFIG_FILE or INTERFACE
reload|reload needs a CONFIG_FILE or INTERFACE
up a b|unexpected argument 'b'
reload a b|unexpected argument 'b'
--help x|'--help' takes no other arguments
help x|'help' takes no other arguments
up wg0 --version|'--version' takes no other arguments
strip --dry-run x|strip does not take --dry-run
save --dry-run wg0|save does not take --dry-run
up wg0 --kill-switch=off|--kill-switch=off: the option only raises the level; 'wgq killswitch off' opens a switch
up wg0 --kill-switch=OFF|--kill-switch=off: the option only raises the level; 'wgq killswitch off' opens a switch
reload --kill-switch=max wg0|--kill-switch: 'max' is not on or lockdown
up wg0 --kill-switch=|--kill-switch: '' is not on or lockdown
down wg0 --kill-switch|down does not take --kill-switch
up --all wg0|up does not take --all
killswitch|killswitch needs on, off or status
killswitch up wg0|killswitch: unknown action 'up'
killswitch on|killswitch on needs a CONFIG_FILE or INTERFACE
killswitch on --all|killswitch on does not take --all
killswitch off --all wg0|unexpected argument 'wg0'
killswitch status --dry-run|killswitch status does not take --dry-run
killswitch on wg0 --kill-switch|killswitch does not take --kill-switch
EOF

ln -s "$WGQ" "$T/wg-quick"
r "$T/wg-quick" --help
check "program name follows argv[0]" "Usage: wg-quick [ up | down | save | strip | reload ] [ CONFIG_FILE | INTERFACE ]" \
	"$(echo "$ERR" | head -n 1)"

printf '[Interface]\nPrivateKey = ONMVvZVMPRwY8Khjj187H8O6aq92UP21XjjWHpvuNVA=\nAddress = 10.0.0.1/24\n' \
	>"$T/wg5.conf"
chmod 600 "$T/wg5.conf"
r "$WGQ" strip "$T/wg5.conf"
check "strip" "0 [Interface]
PrivateKey = ONMVvZVMPRwY8Khjj187H8O6aq92UP21XjjWHpvuNVA=" "$RC $OUT"
r "$WGQ" strip "$T/missing/wg5.conf"
check "strip of a missing file" "1 wgq: \`$T/missing/wg5.conf' does not exist" "$RC $ERR"

# As an unprivileged user.
if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv >/dev/null; then
		echo "$PASSES passed, $FAILS failed"; [ $FAILS = 0 ]; exit
	fi
	user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	user() { "$@"; }
fi
mkdir "$T/bin"
cat >"$T/bin/sudo" <<'SH'
#!/bin/sh
for a in "$@"; do printf '<%s>' "$a"; done
echo
SH
chmod 755 "$T/bin" "$T/bin/sudo"
cp "$T/wg5.conf" "$T/wg6.conf"
chmod 644 "$T/wg6.conf"
for verb in up down save reload; do
	r user env PATH="$T/bin:/usr/bin:/bin" "$WGQ" $verb wg0
	check "non-root $verb re-runs itself through sudo" \
		"0 <-p><wgq must be run as root. Please enter the password for %u to continue: ><-->" \
		"$RC $(echo "$OUT" | sed -E 's/<[^<]*wgq><'$verb'><wg0>$//')"
	check "non-root $verb: absolute self path and the original arguments" \
		"<$WGQ><$verb><wg0>" "$(echo "$OUT" | grep -oE "<[^<>]*wgq><$verb><wg0>$")"
done
r user env PATH="$T/bin:/usr/bin:/bin" "$T/wg-quick" up wg0
check "sudo keeps the compatibility name" "<$T/wg-quick><up><wg0>" \
	"$(echo "$OUT" | grep -oE '<[^<>]*><up><wg0>$')"
r user env PATH="$T/bin:/usr/bin:/bin" "$WGQ" up --dry-run wg0
check "sudo gets --dry-run too" "<$WGQ><up><--dry-run><wg0>" \
	"$(echo "$OUT" | grep -oE '<[^<>]*wgq><up>.*$')"
r user env PATH="$T/bin:/usr/bin:/bin" "$WGQ" --dry-run reload wg0
check "reload --dry-run goes through sudo" "<$WGQ><--dry-run><reload><wg0>" \
	"$(echo "$OUT" | grep -oE '<[^<>]*wgq><--dry-run>.*$')"
r user env PATH="$T/bin:/usr/bin:/bin" "$WGQ" strip "$T/wg6.conf"
check "non-root strip of a readable file needs no sudo" "0 [Interface]
PrivateKey = ONMVvZVMPRwY8Khjj187H8O6aq92UP21XjjWHpvuNVA=" "$RC $OUT"
check "  ... and warns that it is world accessible" "Warning: \`$T/wg6.conf' is world accessible" "$ERR"
r user env PATH="$T/bin:/usr/bin:/bin" "$WGQ" strip "$T/wg5.conf"
check "non-root strip of an unreadable file goes through sudo" "<$WGQ><strip><$T/wg5.conf>" \
	"$(echo "$OUT" | grep -oE '<[^<>]*wgq><strip>.*$')"
r user env PATH="/nonexistent" "$WGQ" up wg0
check "no sudo" "1 wgq: Unable to execute sudo: No such file or directory" "$RC $ERR"

echo "$PASSES passed, $FAILS failed"
[ $FAILS = 0 ]
