// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "cli/cmd-common.h"

#include "base/log.h"
#include "base/macro.h"

int cmd_load(const char *arg, unsigned flags, struct cfg_file *file, struct cfg *cfg,
	     struct nl_sock **rtnl)
{
	int r = cfg_load(arg, flags, file, cfg);

	if (r < 0)
		return r;
	r = nl_open(rtnl, NETLINK_ROUTE);
	if (r < 0)
		log_error("rtnetlink: %s", strerror(-r));
	return r;
}
