// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// State shared by the steps of `up` (cmd-up.c) and the full-tunnel steps
// (fulltunnel.c).
#pragma once

#include "config/file.h"
#include "config/config.h"
#include "system/dns.h"
#include "system/netns.h"
#include "netlink/nl.h"
#include "base/plan.h"
#include "tunnel/routes.h"
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

/* The full-tunnel procedure of spec §3.9 for one /0 entry. */
int fulltunnel_add(struct up_ctx *c, const struct route_entry *e);

/* Rules of exactly wgq's shapes (spec §3.9 steps 2 and 3, §4.1 step 5). */
bool fulltunnel_rule_is_fwmark(const struct rtnl_rule *r, uint32_t mark);
bool fulltunnel_rule_is_suppress(const struct rtnl_rule *r);
/* The first table from 51820 that is empty for both families (§3.9 step 1) and not
 * one of the n marks in except (the kill switch's, killswitch-netns §4.1). */
int fulltunnel_free_table(struct nl_sock *s, const uint32_t *except, size_t n, uint32_t *table);

/* Add or delete (logged, a plan_change, the exact inverse pushed as undo) the rule
 * `[not] fwmark M table T` of rule->family at rule->priority (fulltunnel-swap.c):
 * reload's make-before-break move of a full tunnel to another fwmark. */
int fulltunnel_rule_change(struct up_ctx *c, const struct rtnl_rule *rule, bool add);

/* --- taking a full tunnel apart (fulltunnel-del.c): down, and reload --- */

/* Does the table of family hold a route through ifindex (§4.1 step 5)? False also when
 * the dump fails. */
bool fulltunnel_table_routes_through(struct nl_sock *s, int family, uint32_t table, int ifindex);
/* Do cfg and these allowed IPs make a full tunnel of family: Table auto and a /0? */
bool fulltunnel_wanted(const struct cfg *cfg, const struct wg_device *dev, int family);
/* Delete, logged, each rule of family for mark with its paired suppress rule (§4.1 step
 * 5); whether they are this tunnel's is the caller's check. With p, each deletion is a
 * plan_change and pushes an undo adding the rule back at its priority (the undo's
 * ctx is a struct up_ctx). 0 or -errno (printed). */
int fulltunnel_del_rules(struct nl_sock *s, int family, uint32_t mark, bool dry_run,
			 struct plan *p);
/* Delete the wg-quick-IF tables of nfproto (NFPROTO_UNSPEC: of every family), as far as
 * they exist, in one batch with one [#] line (§4.1 step 8). Opens *nft when NULL. With
 * p, a plan_change first. *n_deleted (may be NULL): how many. 0 or -errno (printed). */
int fulltunnel_del_firewall(struct nl_sock **nft, const char *ifname, int nfproto, bool dry_run,
			    struct plan *p, size_t *n_deleted);
