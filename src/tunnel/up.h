// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The context of `up`'s plan (cmd-up.c): the tunnel, and what only up keeps.
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
	enum cfg_ks_level ks_level; /* effective kill-switch level (killswitch-netns §2.2) */
	bool ks_installed;	    /* step 0 has engaged it: kept whatever follows */
	bool ks_host; /* with a target: H has a switch too, so H gets a mark-only tun-IF (§5.6) */
};
