#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# tools/layers.sh [--graph]: check that no file under src/ includes a header of a
# higher layer (HACKING.md, "Module map"). Layers, lowest first; a folder may include
# its own headers and those of any lower layer. With --graph, print the include graph
# by folder ("from -> to: N includes") instead. Exit 1 on an upward include.
set -eu
cd "$(dirname "$0")/../src"
rank() {
	case $1 in
	base) echo 1 ;; netlink) echo 2 ;; wg) echo 3 ;; config) echo 4 ;;
	firewall | system) echo 5 ;; tunnel) echo 6 ;; cli) echo 7 ;;
	*) echo "tools/layers.sh: unknown folder src/$1" >&2; echo 0 ;;
	esac
}
bad=0 graph=
for f in */*.[ch]; do
	from=${f%%/*}
	while read -r to; do
		[ -n "$to" ] || continue
		graph+="$from -> $to"$'\n'
		[ "$from" = "$to" ] && continue
		if [ "$(rank "$to")" -ge "$(rank "$from")" ]; then
			echo "src/$f includes $to/: not a lower layer" >&2
			bad=1
		fi
	done < <(sed -n 's|^#include "\([a-z]*\)/[^"]*"|\1|p' "$f")
done
if [ "${1-}" = --graph ]; then
	printf '%s' "$graph" | sort | uniq -c | awk '{printf "%-9s -> %-9s %3d\n", $2, $4, $1}'
fi
exit $bad
