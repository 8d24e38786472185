#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The recorded upstream wg-quick cases (../shared/conformance beside the checkout),
# replayed against wgq. Skips where that directory, root, namespaces or a tool it needs
# is absent. The harness makes a network namespace per case itself; it runs here in a
# mount namespace of its own whose /run and /etc are private (isolate_host), so that
# nothing it or resolvconf writes there reaches the host.
. "$(dirname "$0")/lib.sh"
dir=${WGQ_CONFORMANCE:-$SRCDIR/../shared/conformance}
if [ -z "${WGQ_IN_SANDBOX:-}" ]; then
	[ -x "$dir/check.sh" ] || skip "no conformance cases at $dir"
	[ "$(id -u)" = 0 ] || skip "needs root"
	need unshare wireguard-go wg nft resolvconf
	unshare --net --mount --propagation private true 2>/dev/null ||
		skip "cannot unshare network and mount namespaces"
	exec unshare --mount --propagation private -- \
		env WGQ_IN_SANDBOX=1 WGQ="$WGQ" SRCDIR="$SRCDIR" WGQ_CONFORMANCE="$dir" bash "$0" "$@"
fi
isolate_host
exec "$dir/check.sh" "$(readlink -f "$WGQ")" "$dir"/cases/*.case
