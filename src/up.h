// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// State shared by the steps of `up` (cmd-up.c) and the full-tunnel steps
// (fulltunnel.c).
#pragma once

#include "config-file.h"
#include "config.h"
#include "dns.h"
#include "nl.h"
#include "plan.h"
#include "routes.h"
#include "rtnl.h"

struct up_ctx {
	struct plan plan;
	struct cfg_file file;
	struct cfg cfg;
	const char *ifname;
	bool dry_run;
	struct nl_sock *rtnl;
	struct nl_sock *nft;
	int ifindex;
	struct wg_device dev; /* read back after the device config */
	bool have_dev;
	uint32_t fwmark; /* the full tunnel's table and mark, 0 until chosen */
	enum dns_tool dns_tool;
	char dns_prefix[64];
};

/* The full-tunnel procedure of spec §3.9 for one /0 entry. */
int fulltunnel_add(struct up_ctx *c, const struct route_entry *e);

/* Read net.ipv4.conf.all.src_valid_mark and set it to 1 when it is not (logged). */
int sysctl_src_valid_mark(struct plan *p, bool dry_run);

/* Rules of exactly wgq's shapes (spec §3.9 steps 2 and 3, §4.1 step 5). */
bool fulltunnel_rule_is_fwmark(const struct rtnl_rule *r, uint32_t mark);
bool fulltunnel_rule_is_suppress(const struct rtnl_rule *r);
/* The first table from 51820 that is empty for both families (§3.9 step 1). */
int fulltunnel_free_table(struct nl_sock *s, uint32_t *table);
