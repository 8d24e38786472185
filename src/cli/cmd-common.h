// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The front end every verb that touches the system shares.
#pragma once

#include "config/file.h"
#include "netlink/nl.h"

/* cfg_load (flags as there), then an rtnetlink socket. Prints its errors. 0 or -errno. */
int cmd_load(const char *arg, unsigned flags, struct cfg_file *file, struct cfg *cfg,
	     struct nl_sock **rtnl);
