// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// What the system must offer for a config, checked before the first change (issue 18
// item 6): IPv6, a writable src_valid_mark, nf_tables, a WireGuard backend. Each
// missing part is one message with the cause and the fix; a config that does not
// need the part passes.
#pragma once

#include <stdbool.h>

#include "config/config.h"

struct preflight {
	const struct cfg *cfg;
	const char *path; /* the config file, for FILE:LINE */
	const char *ifname;
	bool running;	  /* reload: the link exists, and its own IPv6 switch counts */
	bool backend;	  /* up: a kernel module or a userspace implementation */
	bool kill_switch; /* the effective KillSwitch level is on or lockdown */
};

/* 0, or -errno after printing what is missing and how to get it. */
int preflight_check(const struct preflight *p);

/* The userspace implementation up falls back to (WG_QUICK_USERSPACE_IMPLEMENTATION,
 * default wireguard-go). */
const char *preflight_userspace_impl(void);
