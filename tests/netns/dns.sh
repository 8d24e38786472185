#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# Choosing the DNS tool (behaviour.md §3.7, §6 i): resolvectl when resolvconf is missing and
# resolved runs, the refusal that changes nothing when neither is there, and the
# interface-order prefix (a regular resolvconf gives `tun.IF`, a symlinked one none).
# wgq runs from a copy alone in its own directory, with PATH set to a private
# directory holding only the tools each case allows; fake resolvectl and resolvconf
# record their argv (and resolvconf its stdin).
. "$(dirname "$0")/lib.sh"
need findmnt
sandbox_enter "$@"
private_dir /run/systemd
mkdir -p /run/systemd/resolve
# PATH alone decides here; dnspath.sh tests the standard directories.
hide_dns_tools

CALLS=$SANDBOX/calls
mkdir "$SANDBOX/self" "$SANDBOX/fakes"
cp "$WGQ" "$SANDBOX/self/wgq"
export WGQ_COPY=$SANDBOX/self/wgq TOOLS
# run (lib.sh) starts this: the copy, with PATH=$TOOLS.
WGQ=$SANDBOX/wgq-in-path
printf '#!/bin/bash\nPATH=$TOOLS exec "$WGQ_COPY" "$@"\n' >"$WGQ"
chmod 755 "$WGQ"
# Fakes: one line per call (arguments between |), stdin lines for resolvconf -a, and
# exit status 1 while $SANDBOX/fail exists.
fake() { # NAME
	cat >"$SANDBOX/fakes/$1" <<EOF
#!/bin/bash
printf '%s' "$1" >>"$CALLS"
printf '|%s' "\$@" >>"$CALLS"
echo >>"$CALLS"
if [ "\$1" = -a ]; then
	while IFS= read -r line; do echo "  stdin: \$line"; done >>"$CALLS"
fi
[ ! -e "$SANDBOX/fail" ]
EOF
	chmod 755 "$SANDBOX/fakes/$1"
}
fake resolvectl
fake resolvconf

# tools NAME...: a fresh PATH directory holding the userspace implementation, bash, ip
# and the tools named: fakes by name, `resolvconf@` a symlink to the fake resolvconf.
tools() {
	TOOLS=$(mktemp -d "$SANDBOX/bin.XXXXXX")
	local t
	for t in bash ip wireguard-go; do
		ln -s "$(command -v $t)" "$TOOLS/$t"
	done
	for t in "$@"; do
		case $t in
		*@) ln -s "$SANDBOX/fakes/${t%@}" "$TOOLS/${t%@}" ;;
		*) cp "$SANDBOX/fakes/$t" "$TOOLS/$t" ;;
		esac
	done
}

calls() { cat "$CALLS" 2>/dev/null; rm -f "$CALLS"; }

conf() { # DNS-LINES...
	{
		printf '[Interface]\nPrivateKey = %s\nAddress = 10.70.0.2/24\n' "$KEY1"
		printf 'DNS = %s\n' "$@"
		printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.70.0.0/24\n' "$PUB2"
	} | write_conf wgd
}

empty_state_init
RESOLVED=/run/systemd/resolve/io.systemd.Resolve
touch "$RESOLVED"

### resolvectl: nameservers in config order, then the search domains and `~.`.
tools resolvectl
conf "10.13.13.1, fd00:13::1, corp.example.com" "lab.example.com"
run up wgd
check "resolvectl: up exit status and log" "0
$(up_start_log wgd 10.70.0.2/24)
[#] resolvectl dns wgd 10.13.13.1 fd00:13::1
[#] resolvectl domain wgd corp.example.com lab.example.com ~." "$RC
$LOG"
check "resolvectl: the calls" "resolvectl|dns|wgd|10.13.13.1|fd00:13::1
resolvectl|domain|wgd|corp.example.com|lab.example.com|~." "$(calls)"
check "resolvectl: resolv.conf untouched" "nameserver 192.0.2.53" "$(cat /etc/resolv.conf)"
run down wgd
check "resolvectl: down needs no DNS command" "0
[#] ip link delete dev wgd
" "$RC
$LOG
$(calls)"
wait_gone wgd
check "resolvectl: down state" "$EMPTY_STATE" "$(state)"

conf 10.13.13.1
run up wgd
check "resolvectl without search domains: routing domain only" "0
[#] resolvectl dns wgd 10.13.13.1
[#] resolvectl domain wgd ~.
resolvectl|dns|wgd|10.13.13.1
resolvectl|domain|wgd|~." "$RC
$(echo "$LOG" | grep resolvectl)
$(calls)"
"$WGQ" down wgd >/dev/null 2>&1
wait_gone wgd

# A failing resolvectl fails up, which undoes the link.
touch "$SANDBOX/fail"
run up wgd
check "resolvectl fails: exit 1, message, link undone" "1
wgq: resolvectl dns wgd 10.13.13.1: exited with status 1
[#] resolvectl dns wgd 10.13.13.1
[#] ip link delete dev wgd" "$RC
$(echo "$ERR" | grep '^wgq:')
$(echo "$LOG" | tail -n 2)"
rm "$SANDBOX/fail"
calls >/dev/null
wait_gone wgd
check "resolvectl fails: state" "$EMPTY_STATE" "$(state)"

### Refusal before any change when neither tool is usable.
refusal="DNS: neither resolvconf nor a running systemd-resolved (resolvectl) is available;"
refusal+=" install openresolv or resolvconf, or enable systemd-resolved"
conf corp.example.com "10.13.13.1, lab.example.com"
for case in "no resolvectl" "resolved not running"; do
	if [ "$case" = "no resolvectl" ]; then tools; else tools resolvectl; rm "$RESOLVED"; fi
	run up wgd
	check "refusal ($case): exit 1 and the message" "1
wgq: /etc/wireguard/wgd.conf:5: $refusal" "$RC
$ERR"
	check "refusal ($case): nothing ran, nothing changed" "$EMPTY_STATE" "$(calls; state)"
	touch "$RESOLVED"
done

# Search domains alone need no tool.
tools
conf corp.example.com
run up wgd
check "search domains only: up without DNS tool" "0
$(up_start_log wgd 10.70.0.2/24)" "$RC
$LOG"
"$WGQ" down wgd >/dev/null 2>&1
wait_gone wgd

### resolvconf failing: up is undone without a `resolvconf -d`; in down the failure
### is reported and ignored.
tools resolvconf
conf 10.13.13.1
touch "$SANDBOX/fail"
run up wgd
check "resolvconf -a fails: exit 1, message, no -d in the rollback" "1
wgq: resolvconf -a wgd -m 0 -x: exited with status 1
[#] resolvconf -a wgd -m 0 -x
[#] ip link delete dev wgd
resolvconf|-a|wgd|-m|0|-x
  stdin: nameserver 10.13.13.1" "$RC
$(echo "$ERR" | grep '^wgq:')
$(echo "$LOG" | tail -n 2)
$(calls)"
wait_gone wgd
rm "$SANDBOX/fail"
run up wgd
calls >/dev/null
touch "$SANDBOX/fail"
run down wgd
check "resolvconf -d fails: reported, ignored" "0
wgq: resolvconf -d wgd -f: exited with status 1
[#] ip link delete dev wgd
[#] resolvconf -d wgd -f
resolvconf|-d|wgd|-f" "$RC
$(echo "$ERR" | grep '^wgq:')
$LOG
$(calls)"
rm "$SANDBOX/fail"
wait_gone wgd
check "resolvconf failures: state" "$EMPTY_STATE" "$(state)"

### The interface-order prefix: only with a regular file and a resolvconf that is not a
### symbolic link.
private_dir /etc/resolvconf
printf '# order\nlo.inet6\nlo.@(dnsmasq|pdnsd)\nlo\n \ttun* \ntap*\n*\n' \
	>/etc/resolvconf/interface-order
conf "10.13.13.1, corp.example.com"
for t in resolvconf resolvconf@; do
	tools "$t"
	record=wgd what="symlinked resolvconf: no prefix"
	[ "$t" = resolvconf ] && record=tun.wgd what="regular resolvconf: prefix tun."
	run up wgd
	check "$what: up" "0
[#] resolvconf -a $record -m 0 -x
resolvconf|-a|$record|-m|0|-x
  stdin: nameserver 10.13.13.1
  stdin: search corp.example.com" "$RC
$(echo "$LOG" | grep resolvconf)
$(calls)"
	run down wgd
	check "$what: down" "0
[#] ip link delete dev wgd
[#] resolvconf -d $record -f
resolvconf|-d|$record|-f" "$RC
$LOG
$(calls)"
	wait_gone wgd
done

tools resolvconf
printf 'lo\n*\ntun+([0-9])*\n' >/etc/resolvconf/interface-order
run up wgd
check "interface-order without a matching line: no prefix" "0
[#] resolvconf -a wgd -m 0 -x" "$RC
$(echo "$LOG" | grep resolvconf)"
"$WGQ" down wgd >/dev/null 2>&1
wait_gone wgd
calls >/dev/null
check "state after all" "$EMPTY_STATE" "$(state)"

finish
