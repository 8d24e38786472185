#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The wgq developers
#
# The recorded upstream wg-quick cases (../shared/conformance beside the checkout),
# replayed against wgq. Skips where that directory or a tool it needs is absent.
. "$(dirname "$0")/lib.sh"
dir=${WGQ_CONFORMANCE:-$SRCDIR/../shared/conformance}
[ -x "$dir/check.sh" ] || skip "no conformance cases at $dir"
[ "$(id -u)" = 0 ] || skip "needs root"
need unshare wireguard-go wg nft resolvconf
exec "$dir/check.sh" "$(readlink -f "$WGQ")" "$dir"/cases/*.case
