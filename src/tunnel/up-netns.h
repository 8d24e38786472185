// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The steps of `up` that exist only with a target namespace (killswitch-netns.md §5.3,
// killswitch-netns.md §5.4), and reload's part there; the other steps are up.c's, working on the
// socket of wherever the link is.
#pragma once

#include "tunnel/tunnel.h"

/* killswitch-netns.md §5.3, after the config is loaded: resolve and open T, its sockets, and refuse
 * what killswitch-netns.md §2.4 refuses (IF in T, a default route in T, DNS). Sets c->ip. Nothing
 * happens without a target. 0 or -errno (printed). */
int up_netns_prepare(struct tunnel *c, const char *netns_flag);

/* reload (killswitch-netns.md §5.8): open the target, find IF in it; refuse a reload that would
 * move IF (it is in another namespace than the one named), and DNS as up does. Sets c->moved with a
 * target, c->ip, c->ifindex. 0 or -errno (printed). */
int reload_netns_find(struct tunnel *c, const char *netns_flag);
/* reload's DNS in T: the /etc/netns files rewritten when their text changes, removed
 * when the config has no nameserver. 0 or -errno (printed). */
int reload_netns_dns(struct tunnel *c);

/* Step 4: move the link into T (undo: the link's own, now in T). */
int up_netns_move(struct tunnel *c);
/* Step 5, first part: `lo` up in T when it is down (never undone). */
int up_netns_lo(struct tunnel *c);
/* Step 8: the /etc/netns files of a named T (killswitch-netns.md §5.5), each with its undo. */
int up_netns_dns(struct tunnel *c);
