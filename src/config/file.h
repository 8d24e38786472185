// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Finding and reading the config file (behaviour.md §2.1–§2.3, §2.11). These functions print
// their own messages (they are the command layer's shared front end).
#pragma once

#include <net/if.h>
#include <stdbool.h>

#include "config/config.h"

struct cfg_file {
	char ifname[IFNAMSIZ];
	char *path; /* canonical path (symlinks resolved): read, shown, replaced by save */
};

enum {
	/* up: the `./NAME.conf` hint of behaviour.md §6 j */
	CFG_LOAD_HINT = 1U << 0,
	/* down: behaviour.md §2.11 (device-key errors become warnings) */
	CFG_LOAD_LENIENT = 1U << 1,
};

/* Resolve ARG (behaviour.md §2.1), print the world-accessible warning (behaviour.md §2.2), read and
 * parse the whole file into cfg (zeroed by the caller). Prints every error. 0 or -errno. */
int cfg_load(const char *arg, unsigned flags, struct cfg_file *file, struct cfg *cfg);
/* Only behaviour.md §2.1: used by strip's root check. 0 or -errno; prints errors. */
int cfg_file_resolve(const char *arg, unsigned flags, struct cfg_file *file);
void cfg_file_clear(struct cfg_file *file);

/* Is arg an interface name (`^[a-zA-Z0-9_=+.-]{1,15}$`)? */
bool cfg_is_ifname(const char *arg);

/* The longest network-namespace name (a file name under /run/netns). */
#define NETNS_NAME_MAX 255
/* Is name a valid Namespace value: 1-255 bytes, no '/', not "." or ".."? */
bool cfg_is_netns_name(const char *name);
