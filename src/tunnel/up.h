// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` (behaviour.md §3) as a plan of steps (up.c; the routes step up-routes.c, the kill
// switch up-killswitch.c), on a context: the tunnel, and what only up keeps.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "tunnel/tunnel.h"

struct up_ctx {
	struct tunnel t;
	struct wg_device dev; /* read back after the device config */
	bool have_dev;
	uint32_t fwmark;	    /* the full tunnel's table and mark, 0 until chosen */
	enum cfg_ks_level ks_level; /* effective kill-switch level (killswitch-netns.md §2.2) */
	bool ks_installed;	    /* step 0 has engaged it: kept whatever follows */
	/* With a target: H has a switch too, so H gets a mark-only tun-IF
	 * (killswitch-netns.md §5.6). */
	bool ks_host;
};

/* The ifindex a dry run pretends the new link has. */
#define UP_DRY_RUN_IFINDEX (-1)

/* behaviour.md §3.0, after the config is loaded into c->t (file, cfg, rtnl): everything that can
 * fail without changing the system. kill_switch: the --kill-switch level (0: none);
 * netns: --netns or NULL. 0 or -errno (printed). */
int up_prepare(struct up_ctx *c, int kill_switch, const char *netns);
/* Run the plan; on failure or a signal, roll back. 0 or -errno (printed). */
int up_run(struct up_ctx *c);
void up_ctx_free(struct up_ctx *c);

/* --- between up's files --- */

/* The device as the kernel holds it, read once; in a dry run the config stands in. */
int up_read_device(struct up_ctx *c);
const struct wg_device *up_device(const struct up_ctx *c);
/* The steps of up-routes.c and up-killswitch.c. */
int up_step_routes(void *ctx);
int up_step_killswitch(void *ctx);
/* Never lower a switch already there; with a target, whether H has one too. */
void up_prepare_switch(struct up_ctx *c);
