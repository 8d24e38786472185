// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `down` (behaviour.md §4.1): the verb. What down does is tunnel/down.c's.

#include "base/macro.h"
#include "cli/cmd-common.h"
#include "cli/commands.h"
#include "tunnel/down.h"

int cmd_down(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(down_ctx_free) struct down_ctx c = {
		.t = { .dry_run = opts->dry_run, .ns = { .fd = -1 } },
	};
	int r = cmd_load(arg, CFG_LOAD_LENIENT, &c.t.file, &c.t.cfg, &c.t.rtnl);

	return r < 0 ? r : down_run(&c, opts->netns);
}
