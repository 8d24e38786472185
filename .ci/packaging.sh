#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# .ci/packaging.sh: the release path. `meson dist` of a snapshot of the working tree
# (committed in a temporary copy, never here), then from the unpacked tarball: a build
# with every install option, the unit suite, a DESTDIR install checked file by file,
# the man page through groff and mandoc, the systemd units through systemd-analyze,
# the default and "no" install directories, and meson setup failing for bad options.
# Needs meson, ninja, git, groff, mandoc, systemd-analyze, zsh and fish (.ci/packages).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
W=$(mktemp -d /tmp/wgq-packaging.XXXXXX)
trap 'rm -rf "$W"' EXIT
# The cli test runs the built program as nobody, which must reach it.
chmod 755 "$W"
. tests/unit/lib.sh

step() { echo; echo "== $*"; }

for tool in meson ninja git groff mandoc systemd-analyze zsh fish python3; do
	command -v "$tool" >/dev/null || { echo "packaging: $tool is missing (.ci/packages)"; exit 1; }
done

step "snapshot of the working tree, committed in $W/src only"
.ci/snapshot "$W/src"
git -C "$W/src" init -q
git -C "$W/src" add -A
git -C "$W/src" -c user.name=packaging -c user.email=packaging@invalid \
	-c commit.gpgsign=false commit -q -m "packaging snapshot"

step "meson dist"
meson setup "$W/dist-build" "$W/src" -Dtests=disabled >"$W/dist-setup.log"
meson dist -C "$W/dist-build" --no-tests --formats xztar
version=$(meson introspect --projectinfo "$W/dist-build" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
tarball=$W/dist-build/meson-dist/wgq-$version.tar.xz
check "tarball wgq-$version.tar.xz" yes "$([ -f "$tarball" ] && echo yes || echo no)"
tar -tJf "$tarball" | sed 's|^[^/]*/||' | sort >"$W/tar.list"
for f in meson.build meson_options.txt COPYING README.md HACKING.md doc/behaviour.md \
	doc/killswitch-netns.md tools/layers.sh tools/cite.sh man/wgq.8 man/meson.build \
	completions/bash/wgq completions/zsh/_wgq completions/fish/wgq.fish \
	completions/meson.build contrib/README.md contrib/meson.build \
	contrib/systemd/wgq@.service.in contrib/systemd/wgq.target \
	contrib/systemd/wgq-killswitch@.service.in src/cli/main.c \
	tests/meson.build tests/unit/cli.sh tests/unit/completion-bash.sh \
	tests/unit/completion-zsh.sh tests/unit/completion-fish.sh; do
	check "tarball has $f" "$f" "$(grep -xF -- "$f" "$W/tar.list" || true)"
done
check "tarball has no build directories" "" "$(grep -E '^build[^/]*/' "$W/tar.list" || true)"
mkdir "$W/unpacked"
tar -xJf "$tarball" -C "$W/unpacked"
SRC=$W/unpacked/wgq-$version
# Tests read the recorded conformance cases from ../shared when it exists.
if [ -d "$TOP/../shared" ]; then
	ln -s "$(cd "$TOP/../shared" && pwd)" "$W/unpacked/shared"
fi

# installed DESTDIR: every installed file and symlink (symlinks as NAME -> TARGET), with
# its mode for regular files.
installed() {
	(cd "$1" && find . -mindepth 1 \( -type f -printf '%m %P\n' \) -o \
		\( -type l -printf 'link %P -> %l\n' \)) | sort
}

step "every install option on, explicit directories"
meson setup "$W/all" "$SRC" -Dwerror=true -Dtests=enabled -Dwg-quick-compat=true \
	-Dman=/usr/share/man -Dbash-completion=/usr/share/bash-completion/completions \
	-Dzsh-completion=/usr/share/zsh/site-functions \
	-Dfish-completion=/usr/share/fish/vendor_completions.d \
	-Dsystemd=/usr/lib/systemd/system >"$W/all-setup.log"
ninja -C "$W/all"
rc=0
meson test -C "$W/all" --suite unit --print-errorlogs || rc=$?
check "unit suite of the tarball" 0 $rc
DEST=$W/dest-all
DESTDIR=$DEST meson install -C "$W/all" --no-rebuild >"$W/all-install.log"
check "installed files, all options" "644 usr/lib/systemd/system/wgq-killswitch@.service
644 usr/lib/systemd/system/wgq.target
644 usr/lib/systemd/system/wgq@.service
644 usr/share/bash-completion/completions/wgq
644 usr/share/fish/vendor_completions.d/wgq.fish
644 usr/share/man/man8/wgq.8
644 usr/share/zsh/site-functions/_wgq
755 usr/bin/wgq
link usr/bin/wg-quick -> wgq
link usr/share/man/man8/wg-quick.8 -> wgq.8" "$(installed "$DEST")"
for f in man/wgq.8:usr/share/man/man8/wgq.8 \
	completions/bash/wgq:usr/share/bash-completion/completions/wgq \
	completions/zsh/_wgq:usr/share/zsh/site-functions/_wgq \
	completions/fish/wgq.fish:usr/share/fish/vendor_completions.d/wgq.fish \
	contrib/systemd/wgq.target:usr/lib/systemd/system/wgq.target; do
	check "${f#*:} is ${f%%:*} as is" same \
		"$(cmp -s "$SRC/${f%%:*}" "$DEST/${f#*:}" && echo same || echo different)"
done
check "installed wgq runs" "wgq $version" "$("$DEST/usr/bin/wgq" --version)"
check "wg-quick name runs it under that name" "wg-quick $version" \
	"$("$DEST/usr/bin/wg-quick" --version)"

step "the installed systemd units"
unit=$DEST/usr/lib/systemd/system/wgq@.service
check "ExecStart, ExecStop and ExecReload use bindir" \
	"ExecStart=/usr/bin/wgq up %i
ExecStop=/usr/bin/wgq down %i
ExecReload=/usr/bin/wgq reload %i" "$(grep -E '^Exec' "$unit")"
check "no @variables@ left" "" "$(grep -n '@[a-z]*@' "$unit" || true)"
ksunit=$DEST/usr/lib/systemd/system/wgq-killswitch@.service
check "kill-switch unit: ExecStart uses bindir, no ExecStop" \
	"ExecStart=/usr/bin/wgq killswitch on %i" "$(grep -E '^Exec' "$ksunit")"
check "kill-switch unit: no @variables@ left" "" "$(grep -n '@[a-z]*@' "$ksunit" || true)"
# systemd-analyze checks that the binary exists and that man:wgq(8) resolves: point
# both at the DESTDIR copy.
mkdir "$W/units"
sed "s|=/usr/bin/wgq |=$DEST/usr/bin/wgq |" "$unit" >"$W/units/wgq@.service"
sed "s|=/usr/bin/wgq |=$DEST/usr/bin/wgq |" "$ksunit" >"$W/units/wgq-killswitch@.service"
cp "$DEST/usr/lib/systemd/system/wgq.target" "$W/units/"
rc=0
out=$(cd "$W/units" && MANPATH="$DEST/usr/share/man:" \
	systemd-analyze verify ./wgq@wg0.service ./wgq.target ./wgq-killswitch@wg0.service \
	2>&1) || rc=$?
check "systemd-analyze verify wgq@wg0.service wgq.target wgq-killswitch@wg0.service" "0 " \
	"$rc $out"

step "the installed man page"
page=$DEST/usr/share/man/man8/wgq.8
rc=0
out=$(groff -ww -z -man "$page" 2>&1) || rc=$?
check "groff -ww -z" "0 " "$rc $out"
rc=0
out=$(mandoc -T lint "$page" 2>&1) || rc=$?
check "mandoc -T lint" "0 " "$rc $out"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS CONFIGURATION ENVIRONMENT \
	'EXIT STATUS' FILES 'DIFFERENCES FROM WG\-QUICK' EXAMPLES 'SEE ALSO'; do
	check "section $s" 1 "$(grep -cxF ".SH $s" "$page")"
done

step "default directories (pkg-config or the fallback), without wg-quick"
meson setup "$W/default" "$SRC" -Dtests=disabled >"$W/default-setup.log"
DESTDIR=$W/dest-default meson install -C "$W/default" >"$W/default-install.log"
# Only the systemd directory differs between distributions (Debian 12: /lib/...).
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
if [ -z "$unitdir" ] || [ "$(pkg-config --variable=prefix systemd)" != /usr ]; then
	unitdir=/usr/lib/systemd/system
fi
unitdir=${unitdir#/}
check "installed files, defaults" "$(printf '%s\n' "644 $unitdir/wgq.target" \
	"644 $unitdir/wgq-killswitch@.service" \
	"644 $unitdir/wgq@.service" "644 usr/share/bash-completion/completions/wgq" \
	"644 usr/share/fish/vendor_completions.d/wgq.fish" "644 usr/share/man/man8/wgq.8" \
	"644 usr/share/zsh/site-functions/_wgq" "755 usr/bin/wgq" | sort)" \
	"$(installed "$W/dest-default")"

step "every directory option \"no\""
meson setup "$W/none" "$SRC" -Dtests=disabled -Dman=no -Dbash-completion=no \
	-Dzsh-completion=no -Dfish-completion=no -Dsystemd=no >"$W/none-setup.log"
DESTDIR=$W/dest-none meson install -C "$W/none" >"$W/none-install.log"
check "installed files, all \"no\"" "755 usr/bin/wgq" "$(installed "$W/dest-none")"

step "bad options make meson setup fail"
for opt in man=relative/path bash-completion=share/bash zsh-completion=zsh \
	fish-completion=./fish systemd=lib/systemd/system; do
	rc=0
	meson setup "$W/bad" "$SRC" -Dtests=disabled "-D$opt" >"$W/bad.log" 2>&1 || rc=$?
	check "-D$opt fails" "1 1" "$rc $(grep -c 'expected "", "no" or an absolute directory' \
		"$W/bad.log")"
	rm -rf "$W/bad"
done

echo
echo "packaging: $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
