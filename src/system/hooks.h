// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// PreUp/PostUp/PreDown/PostDown (behaviour.md §3.11).
#pragma once

#include <stdbool.h>

#include "config/config.h"

/* "%i" replaced by ifname everywhere, no escapes. malloc'd, or NULL without memory. */
char *hook_expand(const char *text, const char *ifname);
/* Run every hook of one kind in config order: "[#] TEXT" logged, then bash -e -o
 * pipefail -O extglob -c TEXT (not run with dry_run). Stops at the first failure,
 * printing "PROG: KIND hook failed …". 0 or -errno. */
int hook_run_all(const struct cfg *cfg, enum cfg_hook_kind kind, const char *ifname, bool dry_run);
const char *hook_kind_name(enum cfg_hook_kind kind);
