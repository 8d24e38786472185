// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Routing table names (behaviour.md §3.8), read the way iproute2 reads them.
#pragma once

#include <stdint.h>

/* The id of table NAME: the built-ins (default, main, local), then the first
 * DIR/rt_tables that exists, and the *.conf files in DIR/rt_tables.d for every DIR of
 * dirs (NULL-terminated; NULL: /etc/iproute2, /usr/share/iproute2). 0 or -ENOENT. */
int rt_table_lookup(const char *name, const char *const *dirs, uint32_t *id);
