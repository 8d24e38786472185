#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The bash completion (completions/bash/wgq): sources it, sets COMP_WORDS/COMP_CWORD as
# bash would, calls the function and compares COMPREPLY exactly. The system paths
# (/etc/wireguard, /sys/class/net, /var/run/wireguard) are faked under a temporary
# directory through the script's _wgq_test_root; config files are completed from a
# temporary working directory. Needs no root.
set -uo pipefail
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export LC_ALL=C
T=$(mktemp -d /tmp/wgq-comp-bash.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/root/etc/wireguard" "$T/root/var/run/wireguard" "$T/empty" "$T/cwd/sub" \
	"$T/cwd/configs"
for f in wg0.conf wg1.conf office.conf w+g=1.conf longer-than-15-chars.conf notes.txt \
	wg0.conf.bak; do
	: >"$T/root/etc/wireguard/$f"
done
mkdir "$T/root/etc/wireguard/dir.conf"
fake_interfaces
mkdir -p "$T/root/run/netns"
: >"$T/root/run/netns/vpn"
: >"$T/root/run/netns/\$(touch pwned)"
ln -s /proc/1/ns/net "$T/root/run/netns/ctr"
for f in peer1.conf peer2.conf readme.txt .hidden.conf sub/x.conf sub/y.txt sub/.h.conf; do
	: >"$T/cwd/$f"
done
cd "$T/cwd" || exit 1

# shellcheck source=/dev/null
source "$SRCDIR/completions/bash/wgq"
check "registered for wgq" "complete -F _wgq wgq" "$(complete -p wgq)"

# comp LINE: complete the last word of LINE (empty after a trailing space); prints
# COMPREPLY one entry a line.
comp() {
	local -a w
	read -r -a w <<<"$1"
	[[ $1 == *' ' ]] && w+=("")
	COMP_WORDS=("${w[@]}")
	COMP_CWORD=$((${#w[@]} - 1))
	COMP_LINE=$1
	COMP_POINT=${#1}
	COMPREPLY=()
	_wgq wgq "${w[-1]}" "${w[-2]}"
	printf '%s\n' "${COMPREPLY[@]}"
}

nl=$'\n'
names="office${nl}w+g=1${nl}wg0${nl}wg1"
files="./configs$nl./peer1.conf$nl./peer2.conf$nl./sub"
ks="--kill-switch$nl--kill-switch=on$nl--kill-switch=lockdown"
_wgq_test_root=$T/root

check "verbs" "up${nl}down${nl}save${nl}strip${nl}reload${nl}killswitch${nl}help" "$(comp 'wgq ')"
check "verbs starting with s" "save${nl}strip" "$(comp 'wgq s')"
check "options first" "-h$nl--help$nl--version$nl--dry-run" "$(comp 'wgq -')"
check "long options first" "--help$nl--version$nl--dry-run" "$(comp 'wgq --')"
check "after --dry-run, only up, down and reload" "up${nl}down${nl}reload" "$(comp 'wgq --dry-run ')"
check "after --dry-run, r" "reload" "$(comp 'wgq --dry-run r')"
check "after --dry-run, u" "up" "$(comp 'wgq --dry-run u')"
check "up: names, then ./ files and directories" "$names$nl$files" "$(comp 'wgq up ')"
check "strip: the same" "$names$nl$files" "$(comp 'wgq strip ')"
check "reload: the same" "$names$nl$files" "$(comp 'wgq reload ')"
check "reload w: names only" "w+g=1${nl}wg0${nl}wg1" "$(comp 'wgq reload w')"
check "reload ./p" "./peer1.conf$nl./peer2.conf" "$(comp 'wgq reload ./p')"
check "reload --dry-run" "$names$nl$files" "$(comp 'wgq reload --dry-run ')"
check "--dry-run reload" "$names$nl$files" "$(comp 'wgq --dry-run reload ')"
check "reload -: its options" "--dry-run$nl--netns$nl--no-dns$nl$ks" "$(comp 'wgq reload -')"
check "reload wg0 -: its options" "--dry-run$nl--netns$nl--no-dns$nl$ks" "$(comp 'wgq reload wg0 -')"
check "reload wg0 (second argument): nothing" "" "$(comp 'wgq reload wg0 ')"
check "up w: names only" "w+g=1${nl}wg0${nl}wg1" "$(comp 'wgq up w')"
check "up wg0: the name (wg0.conf.bak and dir.conf are no configs)" "wg0" "$(comp 'wgq up wg0')"
check "up o" "office" "$(comp 'wgq up o')"
check "up p: cwd files as ./NAME" "./peer1.conf$nl./peer2.conf" "$(comp 'wgq up p')"
check "up ./p" "./peer1.conf$nl./peer2.conf" "$(comp 'wgq up ./p')"
check "up sub/: .conf only, no hidden" "sub/x.conf" "$(comp 'wgq up sub/')"
check "up .h: hidden when asked" "./.hidden.conf" "$(comp 'wgq up .h')"
check "up \$T/cwd/c: absolute path" "$T/cwd/configs" "$(comp "wgq up $T/cwd/c")"
check "up --dry-run" "$names$nl$files" "$(comp 'wgq up --dry-run ')"
check "--dry-run up" "$names$nl$files" "$(comp 'wgq --dry-run up ')"
check "up -: its options" "--dry-run$nl--netns$nl--no-dns$nl$ks" "$(comp 'wgq up -')"
check "up wg0 -: its options" "--dry-run$nl--netns$nl--no-dns$nl$ks" "$(comp 'wgq up wg0 -')"
check "down wg0 --d" "--dry-run" "$(comp 'wgq down wg0 --d')"
check "down -: --dry-run, --netns" "--dry-run$nl--netns" "$(comp 'wgq down -')"
check "up --dry-run wg0 -: the others" "--netns$nl--no-dns$nl$ks" "$(comp 'wgq up --dry-run wg0 -')"
check "save -: --netns" "--netns" "$(comp 'wgq save -')"
check "strip -: nothing" "" "$(comp 'wgq strip -')"
check "up --netns: namespace names, never expanded" "\$(touch pwned)${nl}ctr${nl}vpn" \
	"$(comp 'wgq up --netns ')"
check "  ... and the name ran nothing" "no" "$([ -e pwned ] && echo yes || echo no)"
check "down --netns v" "vpn" "$(comp 'wgq down --netns v')"
check "up --netns vpn: configs" "$names$nl$files" "$(comp 'wgq up --netns vpn ')"
check "up --netns vpn wg0 -: no second --netns" "--dry-run$nl--no-dns$nl$ks" \
	"$(comp 'wgq up --netns vpn wg0 -')"
check "up --netns=vpn --no-dns -" "--dry-run$nl$ks" "$(comp 'wgq up --netns=vpn --no-dns -')"
check "save --netns vpn: interfaces" "\$(touch pwned)${nl}wg0${nl}wgk${nl}wgu" \
	"$(comp 'wgq save --netns vpn ')"
check "up wg0 (second argument): nothing" "" "$(comp 'wgq up wg0 ')"
check "down: running interfaces, sorted and unique, never expanded" \
	"\$(touch pwned)${nl}wg0${nl}wgk${nl}wgu" "$(comp 'wgq down ')"
check "  ... and the name ran nothing" "no" "$([ -e pwned ] && echo yes || echo no)"
check "save wgu" "wgu" "$(comp 'wgq save wgu')"
check "down w" "wg0${nl}wgk${nl}wgu" "$(comp 'wgq down w')"
check "down ./p: files once a path is typed" "./peer1.conf$nl./peer2.conf" "$(comp 'wgq down ./p')"
check "down --dry-run" "\$(touch pwned)${nl}wg0${nl}wgk${nl}wgu" "$(comp 'wgq down --dry-run ')"
check "help: nothing" "" "$(comp 'wgq help ')"
check "--version: nothing" "" "$(comp 'wgq --version ')"
check "unknown verb: nothing" "" "$(comp 'wgq bogus ')"

# The kill switch: the verb, its subcommands, --all, and --kill-switch with its values
# whether bash split the word at "=" (COMP_WORDBREAKS) or not.
check "killswitch: on, off, status" "on${nl}off${nl}status" "$(comp 'wgq killswitch ')"
check "killswitch o" "on${nl}off" "$(comp 'wgq killswitch o')"
check "killswitch on: names, then files" "$names$nl$files" "$(comp 'wgq killswitch on ')"
check "killswitch status: names, then files" "$names$nl$files" "$(comp 'wgq killswitch status ')"
check "killswitch off: names and running interfaces" \
	"\$(touch pwned)${nl}office${nl}w+g=1${nl}wg0${nl}wg1${nl}wgk${nl}wgu" "$(comp 'wgq killswitch off ')"
check "killswitch off -: --all, --dry-run, --netns" "--all$nl--dry-run$nl--netns" "$(comp 'wgq killswitch off -')"
check "killswitch off --all (then nothing)" "" "$(comp 'wgq killswitch off --all ')"
check "killswitch off --all -: --dry-run, --netns" "--dry-run$nl--netns" "$(comp 'wgq killswitch off --all -')"
check "killswitch on -: --dry-run, --netns" "--dry-run$nl--netns" "$(comp 'wgq killswitch on -')"
check "killswitch on --netns vpn wg0 -: --dry-run" "--dry-run" "$(comp 'wgq killswitch on --netns vpn wg0 -')"
check "killswitch status --netns v" "vpn" "$(comp 'wgq killswitch status --netns v')"
check "killswitch status -: --netns" "--netns" "$(comp 'wgq killswitch status -')"
check "killswitch on wg0 (second argument): nothing" "" "$(comp 'wgq killswitch on wg0 ')"
check "--kill-switch=: its values" "--kill-switch=on$nl--kill-switch=lockdown" \
	"$(comp 'wgq up --kill-switch=')"
check "--kill-switch=l" "--kill-switch=lockdown" "$(comp 'wgq up wg0 --kill-switch=l')"
check "--kill-switch = (split): on, lockdown" "on${nl}lockdown" "$(comp 'wgq up --kill-switch =')"
check "--kill-switch = l (split)" "lockdown" "$(comp 'wgq up --kill-switch = l')"
check "up --kill-switch = on (split): names, files" "$names$nl$files" \
	"$(comp 'wgq up --kill-switch = on ')"
check "up --kill-switch: names, files" "$names$nl$files" "$(comp 'wgq up --kill-switch ')"
check "up --kill-switch=lockdown -: the others" "--dry-run$nl--netns$nl--no-dns" "$(comp 'wgq up --kill-switch=lockdown -')"
check "down -: no --kill-switch" "--dry-run$nl--netns" "$(comp 'wgq down -')"

_wgq_test_root=$T/empty
check "no /etc/wireguard: files only" "$files" "$(comp 'wgq up ')"
check "nothing running" "" "$(comp 'wgq down ')"

# The real paths, compared with an independent listing.
unset _wgq_test_root
want=$( (grep -lx DEVTYPE=wireguard /sys/class/net/*/uevent 2>/dev/null |
	sed 's|^/sys/class/net/||; s|/uevent$||'
	for s in /var/run/wireguard/*.sock; do [ -S "$s" ] && basename "$s" .sock; done) |
	sort -u)
check "down: the system's interfaces" "$want" "$(comp 'wgq down ')"
want=$(for f in /etc/wireguard/*.conf; do
	[ -f "$f" ] && basename "$f" .conf; done | grep -E '^[a-zA-Z0-9_=+.-]{1,15}$')
check "up: the system's configs" "$(printf '%s\n' "$want" "./configs" "./peer1.conf" \
	"./peer2.conf" "./sub" | sed '/^$/d')" "$(comp 'wgq up ')"

echo "$PASSES passed, $FAILS failed"
[ $FAILS = 0 ]
