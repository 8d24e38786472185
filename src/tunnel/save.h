// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `save` and SaveConfig (behaviour.md §4.2, §6 h).
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "config/file.h"
#include "config/config.h"
#include "netlink/nl.h"

/* Build the new file text from system state plus the config ([#] wg showconf IF is
 * logged when the device is read) and write it atomically over file->path. rtnl and
 * genl are sockets of the namespace holding the device; genl NULL means wgq's own,
 * anything else a target namespace, whose DNS is never resolvconf's (killswitch-netns
 * killswitch-netns.md §5.5). Prints its errors. 0 or -errno. */
int save_config(struct nl_sock *rtnl, struct nl_sock *genl, const struct cfg_file *file,
		const struct cfg *cfg);

/* The text part, for tests: write the file body for this state to f. */
struct rtnl_addr;
int save_format(FILE *f, const struct cfg *cfg, const struct rtnl_addr *addrs, size_t n_addrs,
		const char *resolv_record, const struct wg_device *dev, uint32_t link_mtu);
