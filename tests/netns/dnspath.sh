#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# DNS teardown with a short PATH (issue 18): a unit or cron job whose PATH lacks the sbin
# directories still finds resolvconf in /usr/sbin; when the record cannot be removed
# (no resolvconf anywhere, or resolvconf -d failing), down finishes the rest, says what
# was left and exits 1. /usr/sbin/resolvconf is a fake bound over this machine's (or
# over an empty file in an overlay of /usr/sbin), in this mount namespace only, keeping
# its records under the sandbox's /run/resolvconf; the other standard directories'
# resolvconf, if any, is hidden under /dev/null.
. "$(dirname "$0")/lib.sh"
need findmnt
sandbox_enter "$@"
empty_state_init
for d in /sbin /usr/bin /bin; do
	[ -e "$d/resolvconf" ] && [ ! "$d/resolvconf" -ef /usr/sbin/resolvconf ] &&
		mount --bind /dev/null "$d/resolvconf"
done
if [ ! -e /usr/sbin/resolvconf ]; then
	overlay_dir /usr/sbin && : >/usr/sbin/resolvconf ||
		skip "cannot place a resolvconf in /usr/sbin"
fi
FAKE=$SANDBOX/resolvconf
fake() { # EXIT-STATUS-OF--d
	cat >"$FAKE" <<EOF
#!/bin/bash
mkdir -p /run/resolvconf/interfaces
case \$1 in
-a) cat >"/run/resolvconf/interfaces/\$2" ;;
-d) [ $1 = 0 ] && rm -f "/run/resolvconf/interfaces/\$2"; exit $1 ;;
esac
EOF
	chmod 755 "$FAKE"
}
: >"$FAKE"
mount --bind "$FAKE" /usr/sbin/resolvconf
fake 0
SHORT=$SANDBOX/short
mkdir "$SHORT"
for t in bash wireguard-go mkdir rm cat; do ln -s "$(command -v $t)" "$SHORT/$t"; done

client_conf 93 "" 10.93.1.0/24 | write_conf wgp
record=/run/resolvconf/interfaces/wgp
printf '#!/bin/bash\nPATH=%s exec %s "$@"\n' "$SHORT" "$WGQ" >"$SANDBOX/wgq-short"
chmod 755 "$SANDBOX/wgq-short"
short_down() {
	local wgq=$WGQ
	WGQ=$SANDBOX/wgq-short run down wgp
	WGQ=$wgq
	wait_gone wgp
}

run up wgp
check "up with the usual PATH: the record" "0 yes" "$RC $([ -e $record ] && echo yes)"
short_down
check "down with a PATH without sbin: resolvconf found in /usr/sbin, record gone" \
	"0 no" "$RC $([ -e $record ] && echo yes || echo no)"
check "nothing left" "$EMPTY_STATE" "$(state)"

run up wgp
mount --bind /dev/null /usr/sbin/resolvconf # no resolvconf anywhere now
short_down
check "down without any resolvconf: the rest is done, what was left is said, exit 1" \
	"1 wgq: DNS of \`wgp' was left in place: resolvconf is not in PATH, /usr/sbin, /sbin, /usr/bin or /bin; remove the record wgp with \`resolvconf -d'" \
	"$RC $(echo "$ERR" | grep -v '^\[#\]')"
check "the record is left, all else is gone" "yes $EMPTY_STATE" \
	"$([ -e $record ] && echo yes) $(state)"
rm -f $record

umount /usr/sbin/resolvconf
fake 1
run up wgp
short_down
check "down when resolvconf -d fails: exit 1, named" \
	"1 wgq: resolvconf -d wgp -f: exited with status 1
wgq: DNS of \`wgp' was left in place: resolvconf could not remove the record wgp; remove it with \`resolvconf -d wgp'" \
	"$RC $(echo "$ERR" | grep -v '^\[#\]')"
check "the record is left, all else is gone" "yes $EMPTY_STATE" \
	"$([ -e $record ] && echo yes) $(state)"
finish
