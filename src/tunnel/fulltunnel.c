// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Full tunnel (behaviour.md §3.9): fwmark, the two policy rules, the route in table N, the
// nft table, and src_valid_mark, per family, each change with its undo.

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <fcntl.h>
#include <linux/fib_rules.h>

#include "tunnel/ks-tunnel.h"
#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "firewall/nft.h"
#include "tunnel/fulltunnel.h"
#include "wg/device.h"

#define FIRST_TABLE    51820U
#define SRC_VALID_MARK "/proc/sys/net/ipv4/conf/all/src_valid_mark"

bool fulltunnel_rule_is_fwmark(const struct rtnl_rule *r, uint32_t mark)
{
	return r->action == FR_ACT_TO_TBL && (r->flags & FIB_RULE_INVERT) && r->has_fwmark &&
	       r->fwmark == mark && r->fwmask == 0xffffffffU && r->table == mark &&
	       !r->has_suppress_prefixlen && !r->other_selectors;
}

bool fulltunnel_rule_is_suppress(const struct rtnl_rule *r)
{
	return r->action == FR_ACT_TO_TBL && !(r->flags & FIB_RULE_INVERT) &&
	       !(r->has_fwmark && (r->fwmark || r->fwmask)) && r->table == RT_TABLE_MAIN &&
	       r->has_suppress_prefixlen && r->suppress_prefixlen == 0 && !r->other_selectors;
}

static bool table_used(const struct rtnl_route *r, size_t n, uint32_t table)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].table == table)
			return true;
	return false;
}

int fulltunnel_free_table(struct nl_sock *s, const uint32_t *except, size_t n_except,
			  uint32_t *table)
{
	_cleanup_free_ struct rtnl_route *r4 = NULL, *r6 = NULL;
	size_t n4 = 0, n6 = 0;
	int r = rtnl_route_dump(s, AF_INET, 0, &r4, &n4);

	if (r == 0)
		r = rtnl_route_dump(s, AF_INET6, 0, &r6, &n6);
	if (r < 0)
		return r;
	for (uint32_t t = FIRST_TABLE; t != 0; t++) {
		bool taken = false;

		for (size_t i = 0; i < n_except; i++)
			taken |= except[i] == t;
		if (!taken && !table_used(r4, n4, t) && !table_used(r6, n6, t)) {
			*table = t;
			return 0;
		}
	}
	return -ENOSPC;
}

static int choose_fwmark(struct fulltunnel_ctx *c, uint32_t dev_fwmark)
{
	struct log_line cmd;
	uint32_t n;

	/* A configured (or PreUp-set) fwmark is used as is (upstream 81879fe). */
	if (dev_fwmark) {
		c->fwmark = dev_fwmark;
		return 0;
	}
	int r = kst_free_mark(c->rtnl, c->nft, &n);

	if (r < 0) {
		log_step_error("ip route show table all", r);
		return r;
	}
	log_line(&cmd, "wg set %s fwmark %u", c->ifname, n);
	if (!c->dry_run) {
		r = plan_change(c->plan);
		if (r == 0)
			r = wg_set_fwmark(NULL, c->ifname, n);
		if (log_line_end(&cmd, r) < 0)
			return r;
	}
	c->fwmark = n;
	return 0;
}

struct rule_undo {
	struct nl_sock *rtnl;
	struct rtnl_rule rule;
	char cmd[96];
};

static void undo_rule(const void *data)
{
	const struct rule_undo *u = data;
	struct log_line cmd;

	log_line(&cmd, "%s", u->cmd);
	int r = rtnl_rule_del(u->rtnl, &u->rule);

	log_line_end(&cmd, r == -ENOENT ? 0 : r);
}

typedef bool (*rule_match_fn)(const struct rtnl_rule *r, uint32_t mark);

static bool match_fwmark(const struct rtnl_rule *r, uint32_t mark)
{
	return fulltunnel_rule_is_fwmark(r, mark);
}

static bool match_suppress(const struct rtnl_rule *r, uint32_t mark)
{
	(void)mark;
	return fulltunnel_rule_is_suppress(r);
}

static bool has_priority(const struct rtnl_rule *r, size_t n, uint32_t prio)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].priority == prio)
			return true;
	return false;
}

/* The kernel picks the priority of a rule added without one; find the rule this run
 * created (present now, absent before) so that the undo deletes exactly it. */
static int find_new_rule(struct fulltunnel_ctx *c, int family, const struct rtnl_rule *before,
			 size_t nb, rule_match_fn match, struct rtnl_rule *out)
{
	_cleanup_free_ struct rtnl_rule *after = NULL;
	size_t na = 0;
	int r = rtnl_rule_dump(c->rtnl, family, &after, &na);

	if (r < 0)
		return r;
	for (size_t i = 0; i < na; i++) {
		if (match(&after[i], c->fwmark) && !has_priority(before, nb, after[i].priority)) {
			*out = after[i];
			return 0;
		}
	}
	return -ENOENT;
}

static int add_rule(struct fulltunnel_ctx *c, int family, bool suppress)
{
	_cleanup_free_ struct rtnl_rule *before = NULL;
	struct rule_undo u = { .rtnl = c->rtnl };
	size_t nb = 0;
	struct log_line cmd;

	if (suppress)
		log_line(&cmd, "ip -%c rule add table main suppress_prefixlength 0",
			 ip_family_flag(family));
	else
		log_line(&cmd, "ip -%c rule add not fwmark %u table %u", ip_family_flag(family),
			 c->fwmark, c->fwmark);
	if (c->dry_run)
		return 0;
	int r = rtnl_rule_dump(c->rtnl, family, &before, &nb);

	if (r == 0)
		r = plan_change(c->plan);
	if (r == 0)
		r = suppress ? rtnl_rule_add_suppress(c->rtnl, family)
			     : rtnl_rule_add_fwmark(c->rtnl, family, c->fwmark);
	if (r == 0)
		r = find_new_rule(c, family, before, nb, suppress ? match_suppress : match_fwmark,
				  &u.rule);
	if (log_line_end(&cmd, r) < 0)
		return r;
	if (suppress)
		snprintf(u.cmd, sizeof(u.cmd),
			 "ip -%c rule delete table main suppress_prefixlength 0",
			 ip_family_flag(family));
	else
		snprintf(u.cmd, sizeof(u.cmd), "ip -%c rule delete table %u",
			 ip_family_flag(family), c->fwmark);
	return plan_push_undo(c->plan, undo_rule, &u, sizeof(u));
}

static int add_default_route(struct fulltunnel_ctx *c, const struct route_entry *e)
{
	struct log_line cmd;

	log_line(&cmd, "ip -%c route add %s dev %s table %u", ip_family_flag(e->family), e->text,
		 c->ifname, c->fwmark);
	if (c->dry_run)
		return 0;
	int r = plan_change(c->plan);

	if (r == 0)
		r = rtnl_route_add(c->rtnl, c->ifindex, e->family, e->addr, e->len, c->fwmark);
	return log_line_end(&cmd, r);
}

/* Read net.ipv4.conf.all.src_valid_mark and set it to 1 when it is not (logged). */
static int sysctl_src_valid_mark(struct plan *p, bool dry_run)
{
	struct log_line cmd;
	char buf[16] = "";
	_cleanup_close_ int fd = open(SRC_VALID_MARK, O_RDONLY | O_CLOEXEC);

	/* Already 1: no line and no write, so a read-only /proc/sys works (ac74ed6). */
	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && buf[0] == '1' &&
	    (buf[1] == '\n' || buf[1] == '\0'))
		return 0;
	log_line(&cmd, "sysctl -q net.ipv4.conf.all.src_valid_mark=1");
	if (dry_run)
		return 0;
	int r = plan_change(p);
	_cleanup_close_ int wfd = r < 0 ? -1 : open(SRC_VALID_MARK, O_WRONLY | O_CLOEXEC);

	if (r == 0 && (wfd < 0 || write(wfd, "1\n", 2) != 2))
		r = -errno;
	return log_line_end(&cmd, r);
}

struct nft_undo {
	struct nl_sock *nft;
	int family; /* NFPROTO_* */
	char name[IFNAMSIZ];
};

static void undo_nft(const void *data)
{
	const struct nft_undo *u = data;
	struct log_line cmd;

	log_line(&cmd, "nft -f /dev/fd/63");
	log_line_end(&cmd, nft_delete_tables(u->nft, u->name, &u->family, 1));
}

static int family_addresses(struct fulltunnel_ctx *c, int family, struct rtnl_addr **out, size_t *n)
{
	if (!c->dry_run)
		return rtnl_addr_list(c->rtnl, c->ifindex, family, out, n);
	struct rtnl_addr *a = calloc(c->cfg->n_addresses + 1, sizeof(*a));
	size_t k = 0;

	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < c->cfg->n_addresses; i++) {
		if (c->cfg->addresses[i].family != family)
			continue;
		a[k].family = family;
		a[k].prefixlen = c->cfg->addresses[i].prefixlen;
		memcpy(a[k++].addr, c->cfg->addresses[i].addr, 16);
	}
	*out = a;
	*n = k;
	return 0;
}

static int add_firewall(struct fulltunnel_ctx *c, int family)
{
	struct log_line cmd;
	_cleanup_free_ struct rtnl_addr *addrs = NULL;
	size_t n = 0;
	/* Addresses read back now, in kernel order: hooks' and fe80 ones included. */
	int r = family_addresses(c, family, &addrs, &n);

	if (r == 0 && family == AF_INET)
		r = sysctl_src_valid_mark(c->plan, c->dry_run);
	if (r < 0)
		return r;
	log_line(&cmd, "nft -f /dev/fd/63");
	if (c->dry_run)
		return 0;
	r = *c->nft ? 0 : nl_open(c->nft, NETLINK_NETFILTER);
	if (r == 0)
		r = plan_change(c->plan);
	if (r == 0)
		r = nft_up(*c->nft, family, c->ifname, c->fwmark, addrs, n);
	if (log_line_end(&cmd, r) < 0)
		return r;
	struct nft_undo u = { .nft = *c->nft,
			      .family = family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4 };

	snprintf(u.name, sizeof(u.name), "%s", c->ifname);
	return plan_push_undo(c->plan, undo_nft, &u, sizeof(u));
}

int fulltunnel_add(struct fulltunnel_ctx *c, const struct route_entry *e, uint32_t dev_fwmark)
{
	int r = 0;

	if (!c->fwmark)
		r = choose_fwmark(c, dev_fwmark);
	if (r == 0)
		r = add_rule(c, e->family, false);
	if (r == 0)
		r = add_rule(c, e->family, true);
	if (r == 0)
		r = add_default_route(c, e);
	if (r == 0)
		r = add_firewall(c, e->family);
	return r;
}
