#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The zsh completion (completions/zsh/_wgq): a syntax check, then real completions in
# an interactive zsh driven through zsh/zpty with compinit, the way zsh's own test
# suite does it. Each TAB runs complete-word; the line afterwards and the listed
# matches (marked through list-colors) are compared exactly. The system paths are
# faked through the function's _wgq_test_root. Needs no root; exits 77 without zsh.
set -uo pipefail
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export LC_ALL=C
command -v zsh >/dev/null || { echo "skipped: needs zsh"; exit 77; }
zsh -fc 'zmodload zsh/zpty' 2>/dev/null || { echo "skipped: zsh has no zsh/zpty"; exit 77; }
T=$(mktemp -d /tmp/wgq-comp-zsh.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

zsh -n "$SRCDIR/completions/zsh/_wgq"
check "zsh -n" 0 $?
check "first line is #compdef" "#compdef wgq" "$(head -n 1 "$SRCDIR/completions/zsh/_wgq")"

mkdir -p "$T/root/etc/wireguard" "$T/root/var/run/wireguard" "$T/cwd/sub" "$T/cwd/configs"
for f in wg0.conf wg1.conf office.conf w+g=1.conf longer-than-15-chars.conf notes.txt; do
	: >"$T/root/etc/wireguard/$f"
done
fake_interfaces
mkdir -p "$T/root/run/netns"
: >"$T/root/run/netns/vpn"
: >"$T/root/run/netns/\$(touch pwned)"
ln -s /proc/1/ns/net "$T/root/run/netns/ctr"
for f in peer1.conf peer2.conf readme.txt .hidden.conf sub/x.conf sub/y.txt; do
	: >"$T/cwd/$f"
done

# The driver: reads one command line per input line, completes it with TAB in a zsh
# under zpty, and prints "LINE AFTER|MATCH MATCH ..." (matches sorted).
cat >"$T/driver.zsh" <<'ZSH'
zmodload zsh/zpty
setopt extendedglob
zpty -b z "env TERM=vt100 LC_ALL=C HOME=$2 zsh -f -i"
zpty -w z "stty columns 200 rows 50 -icanon -iexten -echo"
zpty -w z "PS1='' RPS1=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zmodload zsh/complist; LISTMAX=100000"
zpty -w z "setopt nobeep noalwayslastprompt listrowsfirst; unsetopt listtypes listambiguous"
zpty -w z "zstyle ':completion:*:default' list-colors 'no=<NO>' 'fi=<FI>' 'di=<DI>' \
'ln=<LN>' 'so=<SO>' 'ex=<EX>' 'lc=<LC>' 'rc=<RC>' 'ec=<EC>'"
zpty -w z "zstyle ':completion:*' verbose no; zstyle ':completion:*' group-name ''"
zpty -w z "_wgq_test_root=$3; cd $2"
zpty -w z "tab() { print -r -- '<START>'; zle complete-word; }; zle -N tab; bindkey '^I' tab"
zpty -w z "fin() { print -r -- \"<LBUFFER>\$LBUFFER</LBUFFER><END>\"; zle kill-whole-line; }"
zpty -w z "zle -N fin; bindkey '^Z' fin; print -r -- '<''READY>'"
zpty -r -m z out '*<READY>*' || exit 2
while IFS= read -r line; do
	zpty -n -w z "$line"$'\t\C-Z'
	zpty -r -m z out '*<END>*' || exit 2
	out=${out//$'\0'/}
	out=${out##*<START>}
	lbuf=${${out##*<LBUFFER>}%%</LBUFFER>*}
	matches=()
	rest=$out
	while [[ $rest == *'<RC>'* ]]; do
		rest=${rest#*<RC>}
		m=${${rest%%<EC>*}%%[[:space:]]#}
		[[ -n $m ]] && matches+=("$m")
	done
	matches=(${(o)matches})
	print -r -- "$lbuf|${(j: :)matches}"
done
zpty -d z
ZSH

# comp LINE...: the driver's result for each line.
comp() {
	printf '%s\n' "$@" | timeout 120 zsh -f "$T/driver.zsh" "$SRCDIR/completions/zsh" \
		"$T/cwd" "$T/root"
}

mapfile -t got < <(comp 'wgq ' 'wgq s' 'wgq -' 'wgq --dry-run ' 'wgq --dry-run u' \
	'wgq up ' 'wgq up pe' 'wgq up ./p' 'wgq up sub/' 'wgq up o' 'wgq strip w' \
	'wgq down ' 'wgq save wgu' 'wgq up wg0 -' 'wgq up --dry-run wg0 -' 'wgq up wg0 ' \
	'wgq help ' 'wgq down ./p' 'wgq down \$' 'wgq up wg0 --d' 'wgq r' 'wgq reload ' \
	'wgq reload w' 'wgq reload ./p' 'wgq reload wg0 -' 'wgq --dry-run r' \
	'wgq reload --dry-run wg0 -' 'wgq up --netns ' 'wgq down --netns v' 'wgq up --netns vpn o' \
	'wgq save -' 'wgq up --netns vpn --no-dns wg0 -' 'wgq up --dry-run --netns vpn wg0 -' \
	'wgq killswitch ' 'wgq killswitch o' 'wgq killswitch on ' \
	'wgq killswitch off ' 'wgq killswitch off -' 'wgq killswitch off --all ' \
	'wgq killswitch status w' 'wgq killswitch on -' 'wgq up --kill-switch=' \
	'wgq up wg0 --kill-switch=l' 'wgq up --k' 'wgq down wg0 -' 'wgq up --kill-switch -')
i=0
next() { check "$1" "$2" "${got[i]-<no result>}"; i=$((i + 1)); }
next "verbs" "wgq |down help killswitch reload save strip up"
next "verbs starting with s" "wgq s|save strip"
next "options first" "wgq -|--dry-run --help --version -h"
next "after --dry-run, only up, down and reload" "wgq --dry-run |down reload up"
next "after --dry-run, u completes up" "wgq --dry-run up |"
next "up: names, files and directories" \
	"wgq up |configs office peer1.conf peer2.conf sub w+g=1 wg0 wg1"
next "up pe: cwd files inserted as ./NAME" "wgq up ./peer|peer1.conf peer2.conf"
next "up ./p" "wgq up ./peer|peer1.conf peer2.conf"
next "up sub/: the one .conf" "wgq up sub/x.conf |"
next "up o" "wgq up office |"
next "strip w: names only" "wgq strip w|w+g=1 wg0 wg1"
next "down: running interfaces, unique" "wgq down |\\\$\\(touch\\ pwned\\) wg0 wgk wgu"
next "save wgu" "wgq save wgu |"
next "up wg0 -: its options" \
	"wgq up wg0 --|--dry-run --kill-switch --kill-switch=lockdown --kill-switch=on --netns --no-dns"
next "up --dry-run wg0 -: the others" \
	"wgq up --dry-run wg0 --|--kill-switch --kill-switch=lockdown --kill-switch=on --netns --no-dns"
next "up wg0 (second argument): nothing" "wgq up wg0 |"
next "help: nothing" "wgq help |"
next "down ./p: files once a path is typed" "wgq down ./peer|peer1.conf peer2.conf"
next "down \$: the odd name is quoted, not run" "wgq down \\\$\\(touch\\ pwned\\) |"
next "up wg0 --d" "wgq up wg0 --dry-run |"
next "r completes reload" "wgq reload |"
next "reload: names, files and directories" \
	"wgq reload |configs office peer1.conf peer2.conf sub w+g=1 wg0 wg1"
next "reload w: names only" "wgq reload w|w+g=1 wg0 wg1"
next "reload ./p" "wgq reload ./peer|peer1.conf peer2.conf"
next "reload wg0 -: its options" \
	"wgq reload wg0 --|--dry-run --kill-switch --kill-switch=lockdown --kill-switch=on --netns --no-dns"
next "after --dry-run, r completes reload" "wgq --dry-run reload |"
next "reload --dry-run wg0 -: the others" \
	"wgq reload --dry-run wg0 --|--kill-switch --kill-switch=lockdown --kill-switch=on --netns --no-dns"
next "up --netns: namespace names" "wgq up --netns |\\\$\\(touch\\ pwned\\) ctr vpn"
next "down --netns v" "wgq down --netns vpn |"
next "up --netns vpn o: configs" "wgq up --netns vpn office |"
next "save -: --netns" "wgq save --netns |"
next "up --netns vpn --no-dns wg0 -" \
	"wgq up --netns vpn --no-dns wg0 --|--dry-run --kill-switch --kill-switch=lockdown --kill-switch=on"
next "up --dry-run --netns vpn wg0 -" \
	"wgq up --dry-run --netns vpn wg0 --|--kill-switch --kill-switch=lockdown --kill-switch=on --no-dns"
next "killswitch: on, off, status" "wgq killswitch |off on status"
next "killswitch o" "wgq killswitch o|off on"
next "killswitch on: names, files and directories" \
	"wgq killswitch on |configs office peer1.conf peer2.conf sub w+g=1 wg0 wg1"
next "killswitch off: names and running interfaces" \
	"wgq killswitch off |\\\$\\(touch\\ pwned\\) office w+g=1 wg0 wg1 wgk wgu"
next "killswitch off -: --all, --dry-run, --netns" "wgq killswitch off --|--all --dry-run --netns"
next "killswitch off --all: nothing more" "wgq killswitch off --all |"
next "killswitch status w: names" "wgq killswitch status w|w+g=1 wg0 wg1"
next "killswitch on -: --dry-run, --netns" "wgq killswitch on --|--dry-run --netns"
next "--kill-switch=: the levels" "wgq up --kill-switch=|lockdown on"
next "--kill-switch=l" "wgq up wg0 --kill-switch=lockdown |"
next "up --k" "wgq up --kill-switch|--kill-switch --kill-switch=lockdown --kill-switch=on"
next "down wg0 -: --dry-run, --netns" "wgq down wg0 --|--dry-run --netns"
next "up --kill-switch -: the others" "wgq up --kill-switch --|--dry-run --netns --no-dns"
check "nothing ran" "no" "$([ -e "$T/cwd/pwned" ] && echo yes || echo no)"

echo "$PASSES passed, $FAILS failed"
[ $FAILS = 0 ]
