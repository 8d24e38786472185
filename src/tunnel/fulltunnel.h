// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The full tunnel (behaviour.md §3.9, §4.1 steps 5 and 8): made by up and reload
// (fulltunnel.c, fulltunnel-swap.c), taken apart by down and reload
// (fulltunnel-del.c).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/plan.h"
#include "config/config.h"
#include "netlink/nl.h"
#include "netlink/rtnl.h"
#include "tunnel/routes.h"

/* What the full-tunnel steps work on, filled by their caller (up, reload). A full
 * tunnel is always in wgq's own namespace. Each undo keeps its own copy of the
 * sockets it uses. */
struct fulltunnel_ctx {
	struct plan *plan;
	struct nl_sock *rtnl;
	struct nl_sock **nft; /* opened on first use */
	const char *ifname;
	int ifindex;
	bool dry_run;
	const struct cfg *cfg; /* the addresses stand in for the kernel's in a dry run */
	uint32_t fwmark;       /* the tunnel's table and mark, 0 until chosen */
};

/* The full-tunnel procedure of behaviour.md §3.9 for one /0 entry; dev_fwmark: the device's
 * fwmark, used as the table when set (else a free one is chosen and set). */
int fulltunnel_add(struct fulltunnel_ctx *c, const struct route_entry *e, uint32_t dev_fwmark);

/* Rules of exactly wgq's shapes (behaviour.md §3.9 steps 2 and 3, §4.1 step 5). */
bool fulltunnel_rule_is_fwmark(const struct rtnl_rule *r, uint32_t mark);
bool fulltunnel_rule_is_suppress(const struct rtnl_rule *r);
/* The first table from 51820 that is empty for both families (behaviour.md §3.9 step 1) and not
 * one of the n marks in except (the kill switch's, killswitch-netns.md §4.1). */
int fulltunnel_free_table(struct nl_sock *s, const uint32_t *except, size_t n, uint32_t *table);

/* Add or delete (logged, a plan_change, the exact inverse pushed as undo) the rule
 * `[not] fwmark M table T` of rule->family at rule->priority (fulltunnel-swap.c):
 * reload's make-before-break move of a full tunnel to another fwmark. */
int fulltunnel_rule_change(struct fulltunnel_ctx *c, const struct rtnl_rule *rule, bool add);

/* --- taking a full tunnel apart (fulltunnel-del.c): down, and reload --- */

/* Does the table of family hold a route through ifindex (behaviour.md §4.1 step 5)? False also when
 * the dump fails. */
bool fulltunnel_table_routes_through(struct nl_sock *s, int family, uint32_t table, int ifindex);
/* Do cfg and these allowed IPs make a full tunnel of family: Table auto and a /0? */
bool fulltunnel_wanted(const struct cfg *cfg, const struct wg_device *dev, int family);
/* Delete, logged, each rule of family for mark with its paired suppress rule (behaviour.md §4.1
 * step 5); whether they are this tunnel's is the caller's check. With p, each deletion is a
 * plan_change and pushes an undo adding the rule back at its priority through s.
 * 0 or -errno (printed). */
int fulltunnel_del_rules(struct nl_sock *s, int family, uint32_t mark, bool dry_run,
			 struct plan *p);
/* Delete the wg-quick-IF tables of nfproto (NFPROTO_UNSPEC: of every family), as far as
 * they exist, in one batch with one [#] line (behaviour.md §4.1 step 8). Opens *nft when NULL. With
 * p, a plan_change first. *n_deleted (may be NULL): how many. 0 or -errno (printed). */
int fulltunnel_del_firewall(struct nl_sock **nft, const char *ifname, int nfproto, bool dry_run,
			    struct plan *p, size_t *n_deleted);
