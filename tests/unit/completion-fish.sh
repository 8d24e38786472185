#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The fish completion (completions/fish/wgq.fish): a syntax check, then the candidates
# of `complete -C` compared exactly (descriptions cut, sorted). The system paths are
# faked through the script's _wgq_test_root; config files are completed from a
# temporary working directory. Needs no root; exits 77 without fish.
set -uo pipefail
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export LC_ALL=C
command -v fish >/dev/null || { echo "skipped: needs fish"; exit 77; }
T=$(mktemp -d /tmp/wgq-comp-fish.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
FILE=$SRCDIR/completions/fish/wgq.fish

fish -n "$FILE"
check "fish -n" 0 $?

mkdir -p "$T/root/etc/wireguard" "$T/root/var/run/wireguard" "$T/empty" "$T/cwd/sub" \
	"$T/cwd/configs" "$T/home"
for f in wg0.conf wg1.conf office.conf w+g=1.conf longer-than-15-chars.conf notes.txt; do
	: >"$T/root/etc/wireguard/$f"
done
mkdir "$T/root/etc/wireguard/dir.conf"
fake_interfaces
mkdir -p "$T/root/run/netns"
: >"$T/root/run/netns/vpn"
: >"$T/root/run/netns/\$(touch pwned)"
ln -s /proc/1/ns/net "$T/root/run/netns/ctr"
for f in peer1.conf peer2.conf readme.txt .hidden.conf sub/x.conf sub/y.txt; do
	: >"$T/cwd/$f"
done
cd "$T/cwd" || exit 1

# comp ROOT LINE: the candidates fish offers for LINE, one a line, sorted.
comp() {
	HOME=$T/home XDG_CONFIG_HOME=$T/home XDG_DATA_HOME=$T/home fish --no-config -c '
		source $argv[1]
		test -n "$argv[2]"; and set -g _wgq_test_root $argv[2]
		complete -C$argv[3]' "$FILE" "$1" "$2" | cut -f1 | sort
}

nl=$'\n'
R=$T/root
ks="--kill-switch$nl--kill-switch=lockdown$nl--kill-switch=on"
check "verbs" "down${nl}help${nl}killswitch${nl}reload${nl}save${nl}strip${nl}up" "$(comp "$R" 'wgq ')"
check "verbs starting with s" "save${nl}strip" "$(comp "$R" 'wgq s')"
check "options first" "--dry-run$nl--help$nl--version$nl-h" "$(comp "$R" 'wgq -')"
check "after --dry-run, only up, down and reload" "down${nl}reload${nl}up" \
	"$(comp "$R" 'wgq --dry-run ')"
check "up: names (fish hides ./ files until a dot is typed)" \
	"office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq up ')"
check "up w" "w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq up w')"
check "up .: files and directories as ./NAME" \
	"./configs/$nl./peer1.conf$nl./peer2.conf$nl./sub/" "$(comp "$R" 'wgq up .')"
check "up ./p" "./peer1.conf$nl./peer2.conf" "$(comp "$R" 'wgq up ./p')"
check "up sub/: .conf only" "sub/x.conf" "$(comp "$R" 'wgq up sub/')"
check "up .h: hidden when asked" "./.hidden.conf" "$(comp "$R" 'wgq up .h')"
check "up \$T/cwd/c: absolute path" "$T/cwd/configs/" "$(comp "$R" "wgq up $T/cwd/c")"
check "strip o" "office" "$(comp "$R" 'wgq strip o')"
check "reload: names" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq reload ')"
check "reload ./p" "./peer1.conf$nl./peer2.conf" "$(comp "$R" 'wgq reload ./p')"
check "--dry-run reload" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq --dry-run reload ')"
check "reload wg0 -: its options" "--dry-run$nl$ks$nl--netns$nl--no-dns" "$(comp "$R" 'wgq reload wg0 -')"
check "reload --dry-run wg0 -: the others" "$ks$nl--netns$nl--no-dns" \
	"$(comp "$R" 'wgq reload --dry-run wg0 -')"
check "up --dry-run" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq up --dry-run ')"
check "--dry-run up" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq --dry-run up ')"
check "down: running interfaces, unique" "\$(touch pwned)${nl}wg0${nl}wgk${nl}wgu" \
	"$(comp "$R" 'wgq down ')"
check "  ... and the odd name ran nothing" "no" "$([ -e pwned ] && echo yes || echo no)"
check "save wgu" "wgu" "$(comp "$R" 'wgq save wgu')"
check "down ./p: files once a path is typed" "./peer1.conf$nl./peer2.conf" \
	"$(comp "$R" 'wgq down ./p')"
check "up wg0 -: its options" "--dry-run$nl$ks$nl--netns$nl--no-dns" "$(comp "$R" 'wgq up wg0 -')"
check "up --dry-run wg0 -: the others" "$ks$nl--netns$nl--no-dns" "$(comp "$R" 'wgq up --dry-run wg0 -')"
check "save -: --netns" "--netns" "$(comp "$R" 'wgq save -')"
check "strip -: nothing" "" "$(comp "$R" 'wgq strip -')"
check "up --netns: namespace names" "\$(touch pwned)${nl}ctr${nl}vpn" "$(comp "$R" 'wgq up --netns ')"
check "  ... and the odd name ran nothing" "no" "$([ -e pwned ] && echo yes || echo no)"
check "down --netns v" "vpn" "$(comp "$R" 'wgq down --netns v')"
check "up --netns vpn: configs" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq up --netns vpn ')"
check "save --netns vpn: interfaces" "\$(touch pwned)${nl}wg0${nl}wgk${nl}wgu" \
	"$(comp "$R" 'wgq save --netns vpn ')"
check "up --netns vpn --no-dns wg0 -" "--dry-run$nl$ks" "$(comp "$R" 'wgq up --netns vpn --no-dns wg0 -')"
check "up --netns=vpn wg0 -" "--dry-run$nl$ks$nl--no-dns" "$(comp "$R" 'wgq up --netns=vpn wg0 -')"
check "up wg0 (second argument): nothing" "" "$(comp "$R" 'wgq up wg0 ')"
check "help: nothing" "" "$(comp "$R" 'wgq help ')"
check "unknown verb: nothing" "" "$(comp "$R" 'wgq bogus ')"
check "killswitch: on, off, status" "off${nl}on${nl}status" "$(comp "$R" 'wgq killswitch ')"
check "killswitch on: names" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq killswitch on ')"
check "killswitch status ./p" "./peer1.conf$nl./peer2.conf" "$(comp "$R" 'wgq killswitch status ./p')"
check "killswitch off: names and interfaces, once each" \
	"\$(touch pwned)${nl}office${nl}w+g=1${nl}wg0${nl}wg1${nl}wgk${nl}wgu" "$(comp "$R" 'wgq killswitch off ')"
check "killswitch off -: --all, --dry-run, --netns" "--all$nl--dry-run$nl--netns" "$(comp "$R" 'wgq killswitch off -')"
check "killswitch off --all: nothing more" "" "$(comp "$R" 'wgq killswitch off --all ')"
check "killswitch status -: --netns" "--netns" "$(comp "$R" 'wgq killswitch status -')"
check "killswitch on -: --dry-run, --netns" "--dry-run$nl--netns" "$(comp "$R" 'wgq killswitch on -')"
check "killswitch on --netns vpn wg0 -: --dry-run" "--dry-run" "$(comp "$R" 'wgq killswitch on --netns vpn wg0 -')"
check "--kill-switch=: the levels" "--kill-switch=lockdown$nl--kill-switch=on" \
	"$(comp "$R" 'wgq up --kill-switch=')"
check "--kill-switch=l" "--kill-switch=lockdown" "$(comp "$R" 'wgq up wg0 --kill-switch=l')"
check "up --kill-switch: names" "office${nl}w+g=1${nl}wg0${nl}wg1" "$(comp "$R" 'wgq up --kill-switch ')"
check "up --kill-switch=on -: the others" "--dry-run$nl--netns$nl--no-dns" "$(comp "$R" 'wgq up --kill-switch=on -')"
check "down -: no --kill-switch" "--dry-run$nl--netns" "$(comp "$R" 'wgq down -')"
check "empty system: no names" "" "$(comp "$T/empty" 'wgq up ')"
check "empty system: no interfaces" "" "$(comp "$T/empty" 'wgq down ')"

# The real paths, compared with an independent listing.
want=$( (grep -lx DEVTYPE=wireguard /sys/class/net/*/uevent 2>/dev/null |
	sed 's|^/sys/class/net/||; s|/uevent$||'
	for s in /var/run/wireguard/*.sock; do [ -S "$s" ] && basename "$s" .sock; done) |
	sort -u)
check "down: the system's interfaces" "$want" "$(comp '' 'wgq down ')"

echo "$PASSES passed, $FAILS failed"
[ $FAILS = 0 ]
