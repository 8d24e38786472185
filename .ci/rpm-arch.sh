#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# .ci/rpm-arch.sh: the RPM and Arch packages, built on Debian from a tarball of the
# working tree (in a temporary directory, never here).
# - contrib/rpm/wgq.spec through `rpmbuild -bb`. Debian's rpm has no database of
#   installed RPMs, so the BuildRequires cannot be checked (--nodeps: the Debian build
#   and test package lists provide them), and no meson or systemd macros, for which
#   .ci/rpm-macros stands in; Debian also lacks debugedit, so no debuginfo package.
#   The files and scriptlets of the resulting .rpm are checked.
# - contrib/arch/PKGBUILD: `bash -n`, then its build(), check() and package() run by
#   hand as makepkg would (srcdir, pkgdir; arch-meson defined here with Arch's
#   options), and the files in pkgdir checked.
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
W=$(mktemp -d /tmp/wgq-rpm-arch.XXXXXX)
trap 'rm -rf "$W"' EXIT
# Tools that leave files in $TMPDIR (lintian's /tmp/mldbm-elf-*) leave them here.
mkdir "$W/tmp"
export TMPDIR=$W/tmp
. tests/unit/lib.sh

step() { echo; echo "== $*"; }

version=$(sed -n 's/^Version: *//p' contrib/rpm/wgq.spec)
check "spec and PKGBUILD have one version" "$version" \
	"$(bash -c '. contrib/arch/PKGBUILD && echo "$pkgver"')"
.ci/snapshot "$W/wgq-$version"
tar -C "$W" -cJf "$W/wgq-$version.tar.xz" "wgq-$version"
# Tests read the recorded conformance cases from ../shared when it exists (unit
# tests among them).
[ ! -d "$TOP/../shared" ] || ln -s "$(cd "$TOP/../shared" && pwd)" "$W/shared"

step "rpmbuild -bb contrib/rpm/wgq.spec"
mkdir -p "$W/rpm/SOURCES"
cp "$W/wgq-$version.tar.xz" "$W/rpm/SOURCES/"
rpmbuild -bb --nodeps --load .ci/rpm-macros --define "_topdir $W/rpm" \
	--define 'debug_package %{nil}' contrib/rpm/wgq.spec >"$W/rpmbuild.log" 2>&1 ||
	{ tail -n 50 "$W/rpmbuild.log"; exit 1; }
rpmfile=$(ls "$W"/rpm/RPMS/*/wgq-"$version"-1*.rpm)
check "unit tests ran in %check, none failed" "1 1" \
	"$(grep -cE '^Ok: *[1-9][0-9]* *$' "$W/rpmbuild.log") $(grep -cE '^Fail: *0 *$' "$W/rpmbuild.log")"
check "files of the .rpm" "/usr/bin/wgq
/usr/lib/systemd/system/wgq-killswitch@.service
/usr/lib/systemd/system/wgq.target
/usr/lib/systemd/system/wgq@.service
/usr/share/bash-completion/completions/wgq
/usr/share/doc/wgq
/usr/share/doc/wgq/README.md
/usr/share/fish/vendor_completions.d/wgq.fish
/usr/share/licenses/wgq
/usr/share/licenses/wgq/COPYING
/usr/share/man/man8/wgq.8
/usr/share/zsh/site-functions/_wgq" "$(rpm -qlp "$rpmfile" 2>/dev/null | sed 's/\.gz$//' |
	LC_ALL=C sort)"
scripts=$(rpm -qp --scripts "$rpmfile" 2>/dev/null)
scriptlet() { echo "$scripts" | sed -n "/^$1 scriptlet/,/^[a-z]* scriptlet/p"; }
for s in postinstall preuninstall; do
	check "scriptlet $s handles wgq.target" 1 "$(scriptlet $s | grep -c 'wgq\.target')"
done
check "scriptlet postuninstall reloads systemd" 1 \
	"$(scriptlet postuninstall | grep -c 'daemon-reload')"
check "the .rpm's wgq runs" "wgq $version" \
	"$(cd "$W" && rpm2cpio "$rpmfile" | cpio -id --quiet ./usr/bin/wgq && ./usr/bin/wgq --version)"

step "contrib/arch/PKGBUILD"
check "bash -n" 0 "$(bash -n contrib/arch/PKGBUILD && echo 0)"
mkdir -p "$W/arch/src" "$W/arch/pkg/wgq"
tar -C "$W/arch/src" -xJf "$W/wgq-$version.tar.xz"
[ ! -d "$TOP/../shared" ] || ln -s "$(cd "$TOP/../shared" && pwd)" "$W/arch/src/shared"
rc=0
(
	set -e
	srcdir=$W/arch/src pkgdir=$W/arch/pkg/wgq
	# What Arch's meson package runs as arch-meson.
	arch-meson() {
		meson setup --prefix=/usr --libexecdir=lib --sbindir=bin --buildtype=plain \
			--auto-features=enabled --wrap-mode=nodownload -Db_lto=true -Db_pie=true "$@"
	}
	. "$TOP/contrib/arch/PKGBUILD"
	cd "$srcdir" && build
	cd "$srcdir" && check
	cd "$srcdir" && package
) >"$W/arch.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || tail -n 50 "$W/arch.log"
check "build, check and package" 0 "$rc"
check "files in pkgdir" "644 usr/lib/systemd/system/wgq-killswitch@.service
644 usr/lib/systemd/system/wgq.target
644 usr/lib/systemd/system/wgq@.service
644 usr/share/bash-completion/completions/wgq
644 usr/share/doc/wgq/README.md
644 usr/share/fish/vendor_completions.d/wgq.fish
644 usr/share/man/man8/wgq.8
644 usr/share/zsh/site-functions/_wgq
755 usr/bin/wgq" "$(cd "$W/arch/pkg/wgq" && find . -type f -printf '%m %P\n' | LC_ALL=C sort)"

echo
echo "rpm-arch: $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
