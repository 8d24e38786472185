// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// A tunnel as the plans of up and reload work on it: the config, the plan, the
// sockets, the interface and the namespace it is in. Each plan's own context holds
// one; the namespace steps (up-netns.c) take it by pointer.
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/plan.h"
#include "config/config.h"
#include "config/file.h"
#include "netlink/nl.h"
#include "system/dns.h"
#include "system/netns.h"
#include "tunnel/fulltunnel.h"

struct tunnel {
	struct plan plan;
	struct cfg_file file;
	struct cfg cfg;
	const char *ifname;
	bool dry_run;
	bool no_dns; /* --no-dns */
	struct nl_sock *rtnl;
	struct nl_sock *nft;
	int ifindex;
	enum dns_tool dns_tool;
	char dns_prefix[64];

	/* The target namespace T (killswitch-netns.md §5); ns.kind NETNS_NONE: none, and
	 * everything happens in wgq's own namespace. The sockets of T live in ns.socks,
	 * ready for step 0 of a kill switch in T. */
	struct netns_target ns;
	bool moved; /* the link is in T (after the move, killswitch-netns.md §5.4 step 4) */
	char ip[PATH_MAX + 8]; /* "ip", or "ip -n TARGET": the head of logged ip commands */
};

/* The rtnetlink socket of the namespace the link is in now. */
static inline struct nl_sock *tunnel_rtnl(const struct tunnel *t)
{
	return t->moved ? t->ns.socks.rtnl : t->rtnl;
}

/* The generic netlink socket for the device: T's with a target, else NULL (a fresh
 * one in wgq's own namespace). A kernel device born in H answers there until moved,
 * and no request for it is made between the move and the socket's use. */
static inline struct nl_sock *tunnel_genl(const struct tunnel *t)
{
	return t->moved ? t->ns.socks.genl : NULL;
}

/* Free what t holds: the plan, the config, the sockets, the namespace. */
void tunnel_free(struct tunnel *t);
/* The link's MTU set (and with up, the link set up), logged as `ip link set mtu M [up]
 * dev IF`; a plan_change, no undo. 0 or -errno (printed). */
int tunnel_set_mtu(struct tunnel *t, uint32_t mtu, bool up);

/* The full-tunnel steps' view of t (in wgq's own namespace), with the tunnel's table and
 * mark so far (0 until chosen). */
struct fulltunnel_ctx tunnel_fulltunnel(struct tunnel *t, uint32_t fwmark);

/* preflight_check() for t's config: running for reload (the link exists), else up
 * (a backend is needed). */
int tunnel_preflight(const struct tunnel *t, bool running, bool kill_switch);
