// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `down` after the link is gone (issue 18): a crashed or killed run, or a link deleted by
// hand, leaves its resolvconf record, its wg-quick-IF nf_tables tables and its policy
// rules behind; they are found without the device and removed.
#pragma once

#include <stdbool.h>

#include "config/config.h"
#include "netlink/nl.h"

/* Remove what interface ifname left: the DNS record, the wg-quick-IF tables and, when
 * they or cfg show a full tunnel, the fwmark rules whose table no longer has a route
 * (the config's FwMark, or the only such mark). Logs a [#] line per removal and a
 * summary. 0 when something was removed, -ENODEV (nothing printed) when nothing was
 * left, other -errno on failure. */
int down_leftovers(struct nl_sock *rtnl, const struct cfg *cfg, const char *ifname, bool dry_run);
/* The DNS part of down: `resolvconf -d` (found by dns_which) when a record exists or,
 * unless record_only, the config has nameservers. -EIO, with a message naming what remains, when a
 * record cannot be removed; *removed tells whether one was. */
int down_dns(const struct cfg *cfg, const char *ifname, bool dry_run, bool *removed,
	     bool record_only);
