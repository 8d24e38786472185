// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// State shared by the steps of `up` (cmd-up.c, up-netns.c); reload keeps one too.
#pragma once

#include "config/file.h"
#include "config/config.h"
#include "system/dns.h"
#include "system/netns.h"
#include "netlink/nl.h"
#include "base/plan.h"
#include "netlink/rtnl.h"

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

	/* The target namespace T (killswitch-netns §5); ns.kind NETNS_NONE: none, and
	 * everything happens in wgq's own namespace. The sockets of T live in ns.socks,
	 * ready for step 0 of a kill switch in T. */
	struct netns_target ns;
	bool moved;       /* the link is in T (after the move, §5.4 step 4) */
	bool no_dns;      /* --no-dns */
	char ip[PATH_MAX + 8]; /* "ip", or "ip -n TARGET": the head of logged ip commands */
	enum cfg_ks_level ks_level; /* effective kill-switch level (killswitch-netns §2.2) */
	bool ks_installed;	    /* step 0 has engaged it: kept whatever follows */
	bool ks_host; /* with a target: H has a switch too, so H gets a mark-only tun-IF (§5.6) */
};

/* The rtnetlink socket of the namespace the link is in now. */
static inline struct nl_sock *up_rtnl(const struct up_ctx *c)
{
	return c->moved ? c->ns.socks.rtnl : c->rtnl;
}

/* The generic netlink socket for the device: T's with a target, else NULL (a fresh
 * one in wgq's own namespace). A kernel device born in H answers there until moved,
 * and no request for it is made between the move and the socket's use. */
static inline struct nl_sock *up_genl(const struct up_ctx *c)
{
	return c->moved ? c->ns.socks.genl : NULL;
}
