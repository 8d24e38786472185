#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# tests/fuzz/run.sh DURATION_SECONDS [BUILD_DIR [LIBFUZZER OPTIONS...]]
#
# Fuzz the config parser for DURATION_SECONDS. BUILD_DIR (default build-fuzz) is
# configured with CC=clang -Dfuzz=true when it does not exist yet; the target is built
# there. The seeds are tests/data/good, tests/data/bad and, when present, the shared
# conformance cases, copied to a temporary corpus. Prints the number of executions;
# exits non-zero when the fuzzer found a crash, leak, timeout or broken invariant (the
# input is kept in BUILD_DIR/fuzz-artifacts). Extra options go to libFuzzer, e.g.
# -jobs=2 -workers=2 (then every job fuzzes for DURATION_SECONDS).
set -euo pipefail

usage() {
	echo "usage: $0 DURATION_SECONDS [BUILD_DIR [LIBFUZZER OPTIONS...]]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
duration=$1
[[ $duration =~ ^[1-9][0-9]*$ ]] || usage
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-build-fuzz}
shift || true
case $dir in
/*) ;;
*) dir=$PWD/$dir ;;
esac

if [ ! -e "$dir" ]; then
	CC=clang meson setup "$dir" "$top" -Dfuzz=true -Dtests=enabled >/dev/null
fi
if ! ninja -C "$dir" -t query tests/fuzz/fuzz-config >/dev/null 2>&1; then
	echo "$0: $dir has no fuzz target: configure it with CC=clang -Dfuzz=true" >&2
	exit 1
fi
ninja -C "$dir" tests/fuzz/fuzz-config >/dev/null
fuzzer=$dir/tests/fuzz/fuzz-config

work=$(mktemp -d /tmp/wgq-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
seed() {
	local prefix=$1 src=$2 f
	[ -d "$src" ] || return 0
	for f in "$src"/*; do
		[ -f "$f" ] && cp "$f" "$work/corpus/$prefix-$(basename "$f")"
	done
	return 0
}
seed good "$top/tests/data/good"
seed bad "$top/tests/data/bad"
seed case "$top/../shared/conformance/cases"
artifacts=$dir/fuzz-artifacts
mkdir -p "$artifacts"

# -jobs writes fuzz-N.log into the current directory: keep them in $work.
status=0
(cd "$work" && "$fuzzer" -max_len=65536 -max_total_time="$duration" -timeout=10 \
	-dict="$top/tests/fuzz/config.dict" -artifact_prefix="$artifacts/" \
	-print_final_stats=1 "$@" corpus >fuzz.log 2>&1) || status=$?

execs=$(cat "$work"/*.log | sed -n 's/^stat::number_of_executed_units: *//p' |
	awk '{ n += $1 } END { print n + 0 }')
echo "fuzz-config: $execs executions (${duration} s per job)"
if [ "$status" -ne 0 ] || grep -q -e '^==[0-9]*== *ERROR' -e 'invariant failed' \
	-e 'runtime error' "$work"/*.log; then
	grep -h -A40 -e '^==[0-9]*== *ERROR' -e 'invariant failed' -e 'runtime error' \
		"$work"/*.log | head -80 >&2
	echo "fuzz-config: FAILED (exit $status); inputs in $artifacts" >&2
	exit 1
fi
