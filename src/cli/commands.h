// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
#pragma once

#include <stdbool.h>

struct cmd_opts {
	bool dry_run;
	const char *netns;  /* --netns NAME|PID|PATH, or NULL (killswitch-netns.md §2.2) */
	bool no_dns;	    /* --no-dns */
	int kill_switch;    /* --kill-switch: an enum cfg_ks_level, 0 when not given */
	const char *action; /* killswitch: on, off or status */
	bool all;	    /* killswitch off --all */
};

/* Each returns 0 on success or a negative errno; messages are already printed. */
int cmd_up(const char *arg, const struct cmd_opts *opts);
int cmd_down(const char *arg, const struct cmd_opts *opts);
int cmd_save(const char *arg, const struct cmd_opts *opts);
int cmd_strip(const char *arg, const struct cmd_opts *opts);
int cmd_reload(const char *arg, const struct cmd_opts *opts);
int cmd_killswitch(const char *arg, const struct cmd_opts *opts);
