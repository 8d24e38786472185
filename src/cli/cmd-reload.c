// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `reload` (issue 8): the verb. The checks and the plan are tunnel/reload.c's.

#include "base/macro.h"
#include "cli/cmd-common.h"
#include "cli/commands.h"
#include "tunnel/reload.h"

int cmd_reload(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(reload_ctx_free) struct reload_ctx c = {
		.t = { .dry_run = opts->dry_run, .no_dns = opts->no_dns, .ns = { .fd = -1 } },
	};

	c.t.plan.dry_run = opts->dry_run;
	/* Before any change a signal just ends the run. */
	reload_ask_ahead(&c, arg, opts->netns);
	int r = cmd_load(arg, 0, &c.t.file, &c.t.cfg, &c.t.rtnl);

	r = r ?: reload_prepare(&c, opts->kill_switch, opts->netns);
	return r < 0 ? r : reload_run(&c);
}
