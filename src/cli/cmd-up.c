// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` (behaviour.md §3): the verb. The checks and the plan are tunnel/up.c's.

#include "base/macro.h"
#include "cli/cmd-common.h"
#include "cli/commands.h"
#include "tunnel/up.h"

int cmd_up(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(up_ctx_free) struct up_ctx c = {
		.t = { .dry_run = opts->dry_run, .no_dns = opts->no_dns, .ns = { .fd = -1 } },
	};

	c.t.plan.dry_run = opts->dry_run;
	/* Before any change a signal just ends the run (behaviour.md §4.4). */
	int r = cmd_load(arg, CFG_LOAD_HINT, &c.t.file, &c.t.cfg, &c.t.rtnl);

	r = r ?: up_prepare(&c, opts->kill_switch, opts->netns);
	return r < 0 ? r : up_run(&c);
}
