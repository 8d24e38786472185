#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/run-all.sh BUILDDIR [MESON OPTIONS...]: configure (warnings fatal), build and
# run every test suite. The netns suite needs root and skips (77) without it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" -Dwerror=true -Dtests=enabled "$@"
fi
ninja -C "$dir"
meson test -C "$dir" --print-errorlogs --num-processes 2
