// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// up's routes step (behaviour.md §3.8, §3.9): a route per allowed IP not covered by a route
// already there, in batches; a /0 with Table auto becomes a full tunnel.

#include <limits.h>

#include "base/log.h"
#include "base/macro.h"
#include "system/lock.h"
#include "tunnel/fulltunnel.h"
#include "tunnel/routes.h"
#include "tunnel/up.h"

/*
 * The routes of up_step_routes go to the kernel in batches (rtnl_route_add_batch): the
 * [#] lines of a batch are printed, then its routes are sent in one message. The
 * lines keep the order and text of one `ip route add` per route.
 */
#define ROUTE_BATCH 512

struct route_batch {
	struct rtnl_route rt[ROUTE_BATCH];
	const struct route_entry *e[ROUTE_BATCH];
	size_t n;
};

/* The [#] line of one route, formatted (not printed): add_route prints it when the
 * route is queued, flush_routes names it when the batch fails. */
static void route_cmd(const struct up_ctx *c, const struct route_entry *e, struct log_line *l)
{
	const char *table = c->t.cfg.table_mode == CFG_TABLE_ID ? c->t.cfg.table_text : NULL;

	snprintf(l->text, sizeof(l->text), "%s -%c route add %s dev %s%s%s", c->t.ip,
		 ip_family_flag(e->family), e->text, c->t.ifname, table ? " table " : "",
		 table ? table : "");
}

/* Send the queued routes; on failure, name the route that failed. */
static int flush_routes(struct up_ctx *c, struct route_batch *b)
{
	size_t failed = 0;
	int r = b->n ? rtnl_route_add_batch(tunnel_rtnl(&c->t), b->rt, b->n, &failed) : 0;

	if (r < 0) {
		struct log_line cmd;

		route_cmd(c, b->e[failed], &cmd);
		log_line_end(&cmd, r);
	}
	b->n = 0;
	return r;
}

static int add_route(struct up_ctx *c, struct route_batch *b, const struct route_entry *e,
		     uint32_t table)
{
	struct log_line cmd;

	route_cmd(c, e, &cmd);
	log_cmd("%s", cmd.text);
	if (c->t.dry_run)
		return 0;
	int r = plan_change(&c->t.plan);

	if (r < 0) {
		/* What was printed before this line is done first. */
		int f = flush_routes(c, b);

		return f < 0 ? f : log_line_end(&cmd, r);
	}
	b->rt[b->n] = (struct rtnl_route){
		.family = e->family, .dst_len = e->len, .table = table, .oif = c->t.ifindex
	};
	memcpy(b->rt[b->n].dst, e->addr, sizeof(e->addr));
	b->e[b->n++] = e;
	return b->n == ROUTE_BATCH ? flush_routes(c, b) : 0;
}

/* The main table's routes for the covering check: one dump per family instead of a
 * query per prefix. In a dry run the address prefix routes do not exist yet, so the
 * configured addresses stand in for them. */
static int main_routes(struct up_ctx *c, struct rtnl_route **out, size_t *n)
{
	if (!c->t.dry_run)
		return routes_dump(tunnel_rtnl(&c->t), RT_TABLE_MAIN, out, n);
	struct rtnl_route *r = calloc(c->t.cfg.n_addresses + 1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < c->t.cfg.n_addresses; i++) {
		const struct cfg_address *a = &c->t.cfg.addresses[i];

		r[i] = (struct rtnl_route){ .family = a->family,
					    .dst_len = a->prefixlen,
					    .table = RT_TABLE_MAIN,
					    .oif = UP_DRY_RUN_IFINDEX };
		memcpy(r[i].dst, a->addr, 16);
		ip_mask(a->family, r[i].dst, a->prefixlen);
	}
	*out = r;
	*n = c->t.cfg.n_addresses;
	return 0;
}

/* behaviour.md §3.9 for a /0; the table and mark chosen for the first family serve the second. */
static int full_tunnel(struct up_ctx *c, const struct route_entry *e)
{
	struct fulltunnel_ctx ft = tunnel_fulltunnel(&c->t, c->fwmark);
	int r = fulltunnel_add(&ft, e, c->t.dry_run ? c->t.cfg.dev.fwmark : c->dev.fwmark);

	c->fwmark = ft.fwmark;
	return r;
}

static int route_one(struct up_ctx *c, struct route_batch *b, const struct route_entry *e,
		     const struct rtnl_route *mr, size_t n_mr)
{
	switch (c->t.cfg.table_mode) {
	case CFG_TABLE_OFF:
		return 0;
	case CFG_TABLE_ID:
		return add_route(c, b, e, c->t.cfg.table);
	case CFG_TABLE_AUTO:
		break;
	}
	/* In a target a /0 is a plain route (killswitch-netns.md §5.4). */
	if (e->len == 0 && !c->t.moved) {
		int r = flush_routes(c, b);

		return r < 0 ? r : full_tunnel(c, e);
	}
	if (routes_covered(mr, n_mr, c->t.ifindex, e))
		return 0;
	return add_route(c, b, e, RT_TABLE_MAIN);
}

static bool needs_lock(const struct up_ctx *c, const struct route_entry *list, size_t n)
{
	if (c->t.dry_run || c->t.moved || c->t.cfg.table_mode != CFG_TABLE_AUTO)
		return false;
	for (size_t i = 0; i < n; i++)
		if (list[i].len == 0)
			return true;
	return false;
}

int up_step_routes(void *ctx)
{
	struct up_ctx *c = ctx;
	_cleanup_free_ struct route_entry *list = NULL;
	_cleanup_free_ struct rtnl_route *mr = NULL;
	size_t n = 0, n_mr = 0;

	if (c->t.cfg.table_mode == CFG_TABLE_OFF)
		return 0;
	int r = up_read_device(c);

	if (r == 0)
		r = routes_from_device(up_device(c), &list, &n);
	if (r == 0 && c->t.cfg.table_mode == CFG_TABLE_AUTO)
		r = main_routes(c, &mr, &n_mr);
	if (r < 0) {
		log_step_error("ip route show", r);
		return r;
	}
	/* Concurrent ups must not choose the same table (lock.h). */
	_cleanup_(lock_drop) int lock = -1;

	if (needs_lock(c, list, n) && (r = lock_take(&lock)) < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	_cleanup_free_ struct route_batch *b = calloc(1, sizeof(*b));

	if (!b) {
		log_step_error("ip route add", -ENOMEM);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		r = route_one(c, b, &list[i], mr, n_mr);
		if (r < 0)
			return r;
	}
	return flush_routes(c, b);
}
