#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# .ci/format.sh: check that every C file (src/, tests/unit/, tests/fuzz/) is formatted as
# the repository's .clang-format says, without changing any file. Prints clang-format's
# complaints and the files that differ; exit 1 if any does. To fix a file:
# clang-format -i FILE. Needs clang-format (Debian 12: clang-format, 14; .ci/packages).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
	echo ".ci/format.sh: clang-format is missing (Debian: apt-get install clang-format)" >&2
	exit 1
fi
mapfile -t files < <(find src tests/unit tests/fuzz -name '*.[ch]' | sort)
bad=()
for f in "${files[@]}"; do
	clang-format --style=file --dry-run -Werror "$f" || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
	printf '%s\n' "${bad[@]}" >&2
	echo ".ci/format.sh: ${#bad[@]} of ${#files[@]} C files not formatted" \
		"(clang-format -i FILE)" >&2
	exit 1
fi
echo ".ci/format.sh: ${#files[@]} C files formatted"
