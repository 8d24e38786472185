// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `save` (behaviour.md §4.2): the verb; the text and the atomic write are tunnel/save.c's.

#include "cli/cmd-common.h"
#include "config/file.h"
#include "base/macro.h"
#include "system/netns.h"
#include "tunnel/save.h"
#include "cli/commands.h"
#include "wg/device.h"
#include "wg/uapi.h"

int cmd_save(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_nl_ struct nl_sock *rtnl = NULL;
	struct netns_target t = { .fd = -1 };
	struct cfg_file file = { 0 };
	struct cfg cfg = { 0 };
	int ifindex;
	int r = cmd_load(arg, 0, &file, &cfg, &rtnl);

	/* With a target the device is read through T's sockets (killswitch-netns.md §5.8). */
	if (r == 0)
		r = netns_target_setup(&t, opts->netns, cfg.netns, file.path, cfg.netns_line);
	struct nl_sock *dev_rtnl = t.socks.rtnl ? t.socks.rtnl : rtnl;

	if (r == 0)
		r = wg_interface_check(dev_rtnl, file.ifname, &ifindex);
	if (r == 0)
		r = save_config(dev_rtnl, t.socks.genl, &file, &cfg);
	netns_target_close(&t);
	cfg_clear(&cfg);
	cfg_file_clear(&file);
	return r;
}
