// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `down` (behaviour.md §4.1, killswitch-netns.md §4.2, §5.7) on a context (down.c).
#pragma once

#include <stdbool.h>

#include "config/config.h"
#include "config/file.h"
#include "netlink/nl.h"
#include "system/netns.h"
#include "tunnel/tunnel.h"

/* down works on the tunnel's state (tunnel.h: its plan is unused, down has no undo)
 * and on what only down keeps. */
struct down_ctx {
	struct tunnel t; /* t.ns: killswitch-netns.md §5.7; kind NETNS_NONE: none */
	struct wg_device dev;
	bool in_target;		    /* IF was found in T (else in H) */
	enum cfg_ks_level ks_level; /* the higher of the file's and tun-IF's */
	int dns_err;		    /* DNS left behind: down ends in failure (issue 18) */
};

/* After the config is loaded into c->t (file, cfg, rtnl): find IF (in the target netns
 * names, or the config's) and take it down, SaveConfig and hooks included. 0 or
 * -errno (printed). */
int down_run(struct down_ctx *c, const char *netns);
void down_ctx_free(struct down_ctx *c);
