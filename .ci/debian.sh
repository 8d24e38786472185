#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# .ci/debian.sh: the Debian package from contrib/debian. In a temporary copy of the
# working tree (never here), contrib/debian becomes debian/ and dpkg-buildpackage
# builds the binary package; lintian must report no error and no warning that
# contrib/debian/wgq.lintian-overrides does not explain. The .deb is then installed
# with apt-get, the files are checked where Debian expects them, the netns full-tunnel
# test (a full tunnel with DNS, up and down) runs against the installed /usr/bin/wgq,
# and `apt-get purge` must leave the file system as it was before the install.
# Runs as root on Debian 12; needs debhelper, lintian, build-essential and the build
# and test package lists (.ci/packages*).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
W=$(mktemp -d /tmp/wgq-debian.XXXXXX)
trap 'rm -rf "$W"' EXIT
# Tools that leave files in $TMPDIR (lintian's /tmp/mldbm-elf-*) leave them here.
mkdir "$W/tmp"
export TMPDIR=$W/tmp
. tests/unit/lib.sh
export DEBIAN_FRONTEND=noninteractive

step() { echo; echo "== $*"; }

version=$(sed -n '1s/^wgq (\([^-]*\)-.*/\1/p' contrib/debian/changelog)
SRC=$W/wgq-$version
step "build wgq $version in $SRC"
.ci/snapshot "$SRC"
cp -r contrib/debian "$SRC/debian"
(cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1 ||
	{ tail -n 50 "$W/build.log"; exit 1; }
deb=$(ls "$W"/wgq_"$version"-*_*.deb)
changes=$(ls "$W"/wgq_"$version"-*_*.changes)
check "one wgq .deb" 1 "$(echo "$deb" | wc -l)"

step "lintian"
rc=0
out=$(lintian --fail-on error,warning --display-info "$changes" 2>&1) || rc=$?
echo "$out"
check "lintian: no errors, no unexplained warnings" 0 "$rc"
check "lintian: no E: or W: lines" "" "$(echo "$out" | grep -E '^[EW]: ' || true)"

# fs_list: every path in the directories a package may touch (dpkg's own database
# and man-db's cache change legitimately: dpkg -L lists and path lists are compared).
fs_list() {
	find /etc /usr /lib /var/lib/systemd /var/lib/dpkg/info -xdev \
		-printf '%y %p\n' 2>/dev/null | sort
}
fs_list >"$W/before.list"

step "apt-get install $(basename "$deb")"
apt-get install -y -q --no-install-recommends "$deb" >"$W/install.log" 2>&1 ||
	{ cat "$W/install.log"; exit 1; }
check "installed" "ii wgq $(dpkg-deb -f "$deb" Version)" \
	"$(dpkg-query -W -f '${db:Status-Abbrev}${Package} ${Version}' wgq | sed 's/^ii */ii /')"
dpkg -L wgq | sort >"$W/dpkg-L.list"
for f in /usr/bin/wgq /usr/share/man/man8/wgq.8.gz /usr/share/doc/wgq/copyright \
	/usr/share/doc/wgq/changelog.Debian.gz /usr/share/bash-completion/completions/wgq \
	/usr/share/zsh/vendor-completions/_wgq /usr/share/fish/vendor_completions.d/wgq.fish \
	/lib/systemd/system/wgq@.service /lib/systemd/system/wgq.target; do
	check "dpkg -L wgq has $f" "$f" "$(grep -xF "$f" "$W/dpkg-L.list" || true)"
	check "$f exists" yes "$([ -f "$f" ] && echo yes || echo no)"
done
check "/usr/bin/wgq --version" "wgq $version" "$(/usr/bin/wgq --version)"
check "man finds wgq(8)" /usr/share/man/man8/wgq.8.gz "$(man -w 8 wgq)"
check "the unit runs /usr/bin/wgq" "ExecStart=/usr/bin/wgq up %i
ExecStop=/usr/bin/wgq down %i
ExecReload=/usr/bin/wgq reload %i" "$(grep -E '^Exec' /lib/systemd/system/wgq@.service)"
rc=0
out=$(cd /lib/systemd/system && systemd-analyze verify ./wgq@wg0.service ./wgq.target 2>&1) ||
	rc=$?
check "systemd-analyze verify of the installed units" "0 " "$rc $out"
check "installing enabled nothing" "" \
	"$(find /etc/systemd/system -name 'wgq*' 2>/dev/null)"
check "bash loads the completion from its Debian directory" "complete -F _wgq wgq" \
	"$(bash -c '. /usr/share/bash-completion/completions/wgq && complete -p wgq')"
check "zsh's default fpath has the Debian directory" /usr/share/zsh/vendor-completions \
	"$(zsh -fc 'print -l $fpath' | grep -xF /usr/share/zsh/vendor-completions)"
check "fish completes wgq's verbs" "down save strip up" \
	"$(fish -c 'complete -C"wgq "' | cut -f1 | grep -xE 'up|down|save|strip' | sort | xargs)"

step "a full tunnel with DNS, up and down, with the installed /usr/bin/wgq"
rc=0
WGQ=/usr/bin/wgq SRCDIR=$TOP bash tests/netns/fulltunnel.sh >"$W/fulltunnel.log" 2>&1 || rc=$?
tail -n 1 "$W/fulltunnel.log"
[ "$rc" = 0 ] || cat "$W/fulltunnel.log"
check "tests/netns/fulltunnel.sh with /usr/bin/wgq" 0 "$rc"

step "apt-get purge wgq"
apt-get purge -y -q wgq >"$W/purge.log" 2>&1 || { cat "$W/purge.log"; exit 1; }
check "purged" "" \
	"$(dpkg-query -W -f '${db:Status-Abbrev}' wgq 2>/dev/null | grep -v '^un' || true)"
while read -r f; do
	[ -d "$f" ] && continue # directories shared with other packages stay
	check "purge removed $f" no "$([ -e "$f" ] || [ -L "$f" ] && echo yes || echo no)"
done <"$W/dpkg-L.list"
fs_list >"$W/after.list"
check "the file system is as before the install" "" \
	"$(diff "$W/before.list" "$W/after.list" || true)"

echo
echo "debian: $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
