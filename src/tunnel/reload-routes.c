// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// reload's routes of the allowed IPs: gone or moved ones deleted, new ones added, with
// up's covering check (behaviour.md §3.8).

#include "tunnel/reload.h"

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"

/* --- routes --- */

/* A route the config wants: the entry, its table and the table as written. */
struct want_route {
	struct route_entry e;
	uint32_t table;
	const char *table_text;
};

/* A set of routes by family, prefix length, table and address (reload_route_cmp's
 * fields): open addressing, a power of two of slots at least twice the routes. */
struct route_set {
	const struct rtnl_route **slot;
	size_t mask;
};

struct route_plan {
	struct rtnl_route *old; /* the allowed IPs before, as table 0 routes, */
	size_t n_old;
	bool old_sorted; /* sorted at the first was_allowed(), which is often never */
	struct want_route *want;
	size_t n_want;
	struct rtnl_route *rt; /* every route now */
	size_t n_rt;
	/* For lookups in O(1): a server has 10 000s of routes. */
	struct rtnl_route *want_keys; /* the wanted routes */
	struct rtnl_route *present;   /* wgq's routes now */
	size_t n_present;
	struct route_set want_set, present_set;
};

static void route_plan_free(struct route_plan *p)
{
	free(p->old);
	free(p->want);
	free(p->rt);
	free(p->want_keys);
	free(p->present);
	free(p->want_set.slot);
	free(p->present_set.slot);
}

/* Every bit of x moves every bit of the result (MurmurHash3's 64-bit finalizer). */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ x >> 33) * 0xff51afd7ed558ccdULL;
	x = (x ^ x >> 33) * 0xc4ceb9fe1a85ec53ULL;
	return x ^ x >> 33;
}

static size_t route_hash(const struct rtnl_route *r)
{
	uint8_t a[16] = { 0 };
	uint64_t x, y;

	memcpy(a, r->dst, rtnl_addr_len(r->family)); /* the bytes reload_route_cmp compares */
	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	return (size_t)mix64(
		x ^ mix64(y ^ ((uint64_t)r->family << 40 | (uint64_t)r->dst_len << 32 | r->table)));
}

static const struct rtnl_route **route_set_find(const struct route_set *s,
						const struct rtnl_route *r)
{
	size_t i = route_hash(r) & s->mask;

	while (s->slot[i] && reload_route_cmp(s->slot[i], r))
		i = (i + 1) & s->mask;
	return &s->slot[i];
}

/* The set of the n routes at r (kept there: the set points into it). */
static int route_set_fill(struct route_set *s, const struct rtnl_route *r, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	s->slot = calloc(size, sizeof(*s->slot));
	if (!s->slot)
		return -ENOMEM;
	s->mask = size - 1;
	for (size_t i = 0; i < n; i++)
		*route_set_find(s, &r[i]) = &r[i];
	return 0;
}

static bool was_allowed(struct route_plan *p, const struct rtnl_route *r)
{
	struct rtnl_route key = { .family = r->family, .dst_len = r->dst_len };

	if (!p->old_sorted)
		qsort(p->old, p->n_old, sizeof(*p->old), reload_route_cmp);
	p->old_sorted = true;
	memcpy(key.dst, r->dst, 16);
	return bsearch(&key, p->old, p->n_old, sizeof(*p->old), reload_route_cmp);
}

static bool wanted(const struct route_plan *p, const struct rtnl_route *r)
{
	return *route_set_find(&p->want_set, r);
}

static bool present(const struct route_plan *p, const struct want_route *w)
{
	struct rtnl_route key = reload_route_key(&w->e, w->table);

	return *route_set_find(&p->present_set, &key);
}

/* The allowed IPs before, masked, for was_allowed() (repeats do no harm there: no
 * text and no wg-quick order needed, which cost a server 10s of ms). */
static int read_old(struct reload_ctx *c, struct route_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < c->cur.n_peers; i++)
		n += c->cur.peers[i].n_allowedips;
	p->old = calloc(n + 1, sizeof(*p->old));
	if (!p->old)
		return -ENOMEM;
	for (size_t i = 0; i < c->cur.n_peers; i++) {
		const struct wg_peer *peer = &c->cur.peers[i];

		for (size_t j = 0; j < peer->n_allowedips; j++) {
			const struct wg_allowedip *a = &peer->allowedips[j];
			struct rtnl_route *k = &p->old[p->n_old++];

			*k = (struct rtnl_route){ .family = a->family, .dst_len = a->cidr };
			memcpy(k->dst, a->raw, 16);
			ip_mask(a->family, k->dst, a->cidr);
		}
	}
	return 0;
}

/* The sets of wanted() and present(). */
static int index_routes(struct reload_ctx *c, struct route_plan *p)
{
	p->want_keys = calloc(p->n_want + 1, sizeof(*p->want_keys));
	p->present = calloc(p->n_rt + 1, sizeof(*p->present));
	if (!p->want_keys || !p->present)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_want; i++)
		p->want_keys[i] = reload_route_key(&p->want[i].e, p->want[i].table);
	for (size_t i = 0; i < p->n_rt; i++)
		if (reload_wgq_route(c, &p->rt[i]))
			p->present[p->n_present++] = p->rt[i];
	return route_set_fill(&p->want_set, p->want_keys, p->n_want)
		       ?: route_set_fill(&p->present_set, p->present, p->n_present);
}

/* Is r in the table where the config's routes go, a route up would have made there?
 * Such a route goes when unwanted, even when the device no longer has its allowed IP
 * (a peer removed with `wg set` or `wg syncconf`). */
static bool in_own_table(const struct reload_ctx *c, const struct rtnl_route *r)
{
	const struct cfg *cfg = &c->t.cfg;

	switch (cfg->table_mode) {
	case CFG_TABLE_OFF:
		return false;
	case CFG_TABLE_ID:
		return r->table == (cfg->table ? cfg->table : RT_TABLE_MAIN);
	case CFG_TABLE_AUTO:
		break;
	}
	return r->table == RT_TABLE_MAIN && r->dst_len > 0;
}

/* Is route r one of this tunnel's that the full-tunnel step handles? */
static bool full_tunnel_route(const struct reload_ctx *c, const struct rtnl_route *r)
{
	return c->ft0[reload_fi(r->family)] && r->dst_len == 0 && r->table == c->mark0;
}

/* The main table's routes through IF that may cover an allowed IP (behaviour.md §3.8): all
 * but wgq's own. A dry run has not changed the addresses: their prefixes stand in
 * for the kernel's prefix routes, as in up's dry run. */
static int covering_routes(struct reload_ctx *c, struct route_plan *p, struct rtnl_route **out,
			   size_t *n)
{
	const struct cfg *cfg = &c->t.cfg;
	struct rtnl_route *cov = calloc(p->n_rt + cfg->n_addresses + 1, sizeof(*cov));
	size_t k = 0;

	if (!cov)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_rt; i++) {
		const struct rtnl_route *r = &p->rt[i];

		if (r->table != RT_TABLE_MAIN ||
		    (reload_wgq_route(c, r) && (in_own_table(c, r) || was_allowed(p, r))) ||
		    (c->t.dry_run && r->protocol == RTPROT_KERNEL))
			continue;
		cov[k++] = *r;
	}
	for (size_t i = 0; c->t.dry_run && i < cfg->n_addresses; i++) {
		const struct cfg_address *a = &cfg->addresses[i];

		cov[k] = (struct rtnl_route){ .family = a->family,
					      .dst_len = a->prefixlen,
					      .table = RT_TABLE_MAIN,
					      .oif = c->t.ifindex };
		memcpy(cov[k].dst, a->addr, 16);
		ip_mask(a->family, cov[k++].dst, a->prefixlen);
	}
	*out = cov;
	*n = k;
	return 0;
}

/* Which of the allowed IPs get a route, and in which table: up's rules (behaviour.md §3.8); a
 * full tunnel that stays keeps its default route, which is checked like the others. */
static bool want_entry(struct reload_ctx *c, const struct route_entry *e,
		       const struct rtnl_route *cov, size_t n_cov, struct want_route *w)
{
	const struct cfg *cfg = &c->t.cfg;
	size_t f = reload_fi(e->family);

	*w = (struct want_route){ .e = *e, .table = RT_TABLE_MAIN };
	switch (cfg->table_mode) {
	case CFG_TABLE_OFF:
		return false;
	case CFG_TABLE_ID:
		w->table = cfg->table ? cfg->table : RT_TABLE_MAIN; /* table 0 is main */
		w->table_text = cfg->table_text;
		return true;
	case CFG_TABLE_AUTO:
		break;
	}
	if (e->len == 0 && !c->t.moved) {
		w->table = c->mark0;
		return c->ft0[f] && c->ft1[f] && c->mark == c->mark0;
	}
	return !routes_covered(cov, n_cov, c->t.ifindex, e);
}

static int plan_wanted_routes(struct reload_ctx *c, struct route_plan *p)
{
	_cleanup_free_ struct route_entry *list = NULL;
	_cleanup_free_ struct rtnl_route *cov = NULL;
	size_t n = 0, n_cov = 0;
	int r = routes_from_device(&c->target, &list, &n);

	if (r == 0)
		r = covering_routes(c, p, &cov, &n_cov);
	if (r < 0)
		return r;
	p->want = calloc(n + 1, sizeof(*p->want));
	if (!p->want)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (want_entry(c, &list[i], cov, n_cov, &p->want[p->n_want]))
			p->n_want++;
	return 0;
}

/* Still every route, the dump of read_state(): no step before this one changed a
 * route (an address added or removed changes prefix routes, the full-tunnel step its
 * table's routes; the device, MTU and kill-switch steps change none). */
static bool early_routes_valid(const struct reload_ctx *c)
{
	return c->rt0 && !reload_any(c->addr_changed) && !reload_any(c->ft0) && !reload_any(c->ft1);
}

static int read_route_plan(struct reload_ctx *c, struct route_plan *p)
{
	int r = read_old(c, p);

	if (r == 0 && early_routes_valid(c)) {
		p->rt = TAKE_PTR(c->rt0);
		p->n_rt = c->n_rt0;
	} else if (r == 0) {
		r = reload_dump_routes(c, &p->rt, &p->n_rt);
	}
	if (r == 0)
		r = plan_wanted_routes(c, p);
	if (r == 0)
		r = index_routes(c, p);
	return r;
}

/* wgq's routes for allowed IPs that are gone, or in another table now, and unwanted
 * routes of wgq's shape in the config's table; then the new ones, in up's order. */
int reload_sync_routes(struct reload_ctx *c)
{
	_cleanup_(route_plan_free) struct route_plan p = { 0 };
	int r = read_route_plan(c, &p);

	for (size_t i = 0; r == 0 && i < p.n_rt; i++) {
		const struct rtnl_route *rt = &p.rt[i];

		if (!reload_wgq_route(c, rt) || !(in_own_table(c, rt) || was_allowed(&p, rt)) ||
		    full_tunnel_route(c, rt) || wanted(&p, rt))
			continue;
		r = reload_change_route(c, false, rt->family, rt->dst, rt->dst_len, rt->table,
					NULL);
	}
	for (size_t i = 0; r == 0 && i < p.n_want; i++) {
		const struct want_route *w = &p.want[i];

		if (present(&p, w))
			continue;
		r = reload_change_route(c, true, w->e.family, w->e.addr, w->e.len, w->table,
					w->table_text);
	}
	return r;
}
