#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/run-all.sh BUILDDIR [MESON OPTIONS...]: configure BUILDDIR with warnings fatal,
# the tests on and the given options (also when it exists already: then it is
# reconfigured with them), build, and run every test suite. A suite that needs what
# this machine lacks (root, namespaces, QEMU, ../shared) reports "skipped: REASON".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ -f "$dir/build.ninja" ]; then
	meson setup --reconfigure "$dir" -Dwerror=true -Dtests=enabled "$@"
else
	meson setup "$dir" -Dwerror=true -Dtests=enabled "$@"
fi
ninja -C "$dir"
meson test -C "$dir" --print-errorlogs --num-processes 2
