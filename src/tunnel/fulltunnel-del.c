// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Taking a full tunnel apart (behaviour.md §4.1 steps 5 and 8, §6 c, d), shared by `down`
// and by `reload` when a /0 goes away: only this tunnel's rules, found by the
// device's fwmark and deleted by priority, and the wg-quick-IF nf_tables tables.

#include <netinet/in.h>

#include <linux/netfilter.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "firewall/nft.h"
#include "tunnel/fulltunnel.h"

bool fulltunnel_table_routes_through(struct nl_sock *s, int family, uint32_t table, int ifindex)
{
	_cleanup_free_ struct rtnl_route *r = NULL;
	size_t n = 0;

	if (rtnl_route_dump(s, family, table, &r, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (r[i].table == table && r[i].oif == ifindex)
			return true;
	return false;
}

bool fulltunnel_wanted(const struct cfg *cfg, const struct wg_device *dev, int family)
{
	if (cfg->table_mode != CFG_TABLE_AUTO)
		return false;
	for (size_t i = 0; i < dev->n_peers; i++)
		for (size_t j = 0; j < dev->peers[i].n_allowedips; j++) {
			const struct wg_allowedip *a = &dev->peers[i].allowedips[j];

			if (a->family == family && a->cidr == 0 && !a->remove)
				return true;
		}
	return false;
}

static uint32_t prio_distance(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

/* The suppress rule paired with the fwmark rule at prio: at prio - 1 where up put
 * it, else the nearest one, the lower priority winning a tie. */
static const struct rtnl_rule *paired_suppress(const struct rtnl_rule *r, size_t n, uint32_t prio,
					       const bool *used)
{
	const struct rtnl_rule *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (used[i] || !fulltunnel_rule_is_suppress(&r[i]))
			continue;
		if (!best)
			best = &r[i];
		uint32_t d = prio_distance(r[i].priority, prio),
			 bd = prio_distance(best->priority, prio);

		if (r[i].priority + 1 == prio)
			return &r[i];
		if (d < bd || (d == bd && r[i].priority < best->priority))
			best = &r[i];
	}
	return best;
}

/* The undo of a deletion: the same rule at the same priority, on the same socket. */
struct rule_del_undo {
	struct nl_sock *rtnl;
	struct rtnl_rule rule;
};

static void undo_rule_del(const void *data)
{
	const struct rule_del_undo *u = data;
	const struct rtnl_rule *rule = &u->rule;
	struct log_line cmd;

	if (rule->has_suppress_prefixlen)
		log_line(&cmd, "ip -%c rule add priority %u table main suppress_prefixlength 0",
			 ip_family_flag(rule->family), rule->priority);
	else
		log_line(&cmd, "ip -%c rule add priority %u not fwmark %u table %u",
			 ip_family_flag(rule->family), rule->priority, rule->fwmark, rule->table);
	log_line_end(&cmd, rtnl_rule_add(u->rtnl, rule));
}

static int delete_rule(struct nl_sock *s, const struct rtnl_rule *rule, bool dry_run,
		       struct plan *p)
{
	struct log_line cmd;

	if (rule->has_suppress_prefixlen)
		log_line(&cmd, "ip -%c rule delete table main suppress_prefixlength 0",
			 ip_family_flag(rule->family));
	else
		log_line(&cmd, "ip -%c rule delete table %u", ip_family_flag(rule->family),
			 rule->table);
	if (dry_run)
		return 0;
	int r = p ? plan_change(p) : 0;

	if (r == 0)
		r = rtnl_rule_del(s, rule);
	if (log_line_end(&cmd, r) < 0)
		return r;
	struct rule_del_undo u = { .rtnl = s, .rule = *rule };

	return p ? plan_push_undo(p, undo_rule_del, &u, sizeof(u)) : 0;
}

int fulltunnel_del_rules(struct nl_sock *s, int family, uint32_t mark, bool dry_run, struct plan *p)
{
	_cleanup_free_ struct rtnl_rule *rules = NULL;
	_cleanup_free_ bool *used = NULL;
	size_t n = 0;
	int r = rtnl_rule_dump(s, family, &rules, &n);

	if (r < 0) {
		log_step_error("ip rule show", r);
		return r;
	}
	used = calloc(n + 1, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!fulltunnel_rule_is_fwmark(&rules[i], mark))
			continue;
		used[i] = true;
		r = delete_rule(s, &rules[i], dry_run, p);
		if (r < 0)
			return r;
		const struct rtnl_rule *sup = paired_suppress(rules, n, rules[i].priority, used);

		if (!sup)
			continue;
		used[sup - rules] = true;
		r = delete_rule(s, sup, dry_run, p);
		if (r < 0)
			return r;
	}
	return 0;
}

int fulltunnel_del_firewall(struct nl_sock **nft, const char *ifname, int nfproto, bool dry_run,
			    struct plan *p, size_t *n_deleted)
{
	struct log_line cmd;
	int found[8], families[8];
	size_t n_found = 0, n = 0;
	int r = *nft ? 0 : nl_open(nft, NETLINK_NETFILTER);

	if (r == 0)
		r = nft_find_tables(*nft, ifname, found, ARRAY_SIZE(found), &n_found);
	/* Without nf_tables there is no table to delete, as for wg-quick's nft. */
	if (r < 0)
		n_found = 0;
	for (size_t i = 0; i < n_found; i++)
		if (nfproto == NFPROTO_UNSPEC || found[i] == nfproto)
			families[n++] = found[i];
	if (n_deleted)
		*n_deleted = n;
	if (n == 0)
		return 0;
	log_line(&cmd, "nft -f /dev/fd/63");
	if (dry_run)
		return 0;
	r = p ? plan_change(p) : 0;
	if (r == 0)
		r = nft_delete_tables(*nft, ifname, families, n);
	return log_line_end(&cmd, r);
}
