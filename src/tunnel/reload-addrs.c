// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// reload's addresses step: the kernel's addresses made to match the config, with the
// routes the kernel flushes meanwhile put back on rollback.

#include "tunnel/reload.h"

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"

/* Is the config's address x the kernel's address a (with_len: with its length)? */
static bool addr_match(const struct cfg_address *x, const struct rtnl_addr *a, bool with_len)
{
	return x->family == a->family && (!with_len || x->prefixlen == a->prefixlen) &&
	       !memcmp(x->addr, a->addr, rtnl_addr_len(a->family));
}

static bool cfg_has_addr(const struct cfg *cfg, const struct rtnl_addr *a, bool with_len)
{
	for (size_t i = 0; i < cfg->n_addresses; i++)
		if (addr_match(&cfg->addresses[i], a, with_len))
			return true;
	return false;
}

/* Which addresses of the kernel go: not in the config, and not an IPv6 link-local
 * address, which the kernel makes itself on a userspace TUN device. */
static bool addr_goes(const struct reload_ctx *c, const struct rtnl_addr *a)
{
	if (a->family == AF_INET6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80)
		return false;
	return !cfg_has_addr(&c->t.cfg, a, true);
}

/* first: an IPv6 address that comes back with another prefix length must go first,
 * or the kernel refuses the new one; every other removal waits until the additions
 * are done, so that the link keeps an IPv4 address (without one, the kernel flushes
 * every IPv4 route through it). */
static int remove_addrs(struct reload_ctx *c, bool first)
{
	for (size_t i = 0; i < c->n_addrs0; i++) {
		const struct rtnl_addr *a = &c->addrs0[i];
		bool early = a->family == AF_INET6 && cfg_has_addr(&c->t.cfg, a, false);

		if (!addr_goes(c, a) || early != first)
			continue;
		c->addr_changed[reload_fi(a->family)] = true;
		int r = reload_change_addr(c, false, a->family, a->addr, a->prefixlen, NULL);

		if (r < 0)
			return r;
	}
	return 0;
}

static bool kernel_has_addr(const struct reload_ctx *c, const struct cfg_address *x)
{
	for (size_t i = 0; i < c->n_addrs0; i++)
		if (addr_match(x, &c->addrs0[i], true))
			return true;
	return false;
}

static int add_addrs(struct reload_ctx *c)
{
	for (size_t i = 0; i < c->t.cfg.n_addresses; i++) {
		const struct cfg_address *x = &c->t.cfg.addresses[i];

		if (kernel_has_addr(c, x))
			continue;
		c->addr_changed[reload_fi(x->family)] = true;
		int r = reload_change_addr(c, true, x->family, x->addr, x->prefixlen, x->text);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Rollback helper: wgq-made routes that existed before the addresses step and are
 * missing now, flushed by the kernel with the last IPv4 address, are added back
 * once the addresses are back. */
static void undo_vanished_routes(const void *data)
{
	const struct reload_undo_ref *u = data;
	struct reload_ctx *c = u->c;
	_cleanup_free_ struct rtnl_route *rt = NULL;
	size_t n = 0;

	if (reload_dump_routes(c, &rt, &n) < 0)
		return;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (reload_wgq_route(c, &rt[i]))
			rt[k++] = rt[i];
	qsort(rt, k, sizeof(*rt), reload_route_cmp);
	for (size_t i = 0; i < c->n_snap; i++) {
		const struct rtnl_route *s = &c->snap[i];
		struct rt_op op = { .rtnl = tunnel_rtnl(&c->t),
				    .ifindex = c->t.ifindex,
				    .route = true,
				    .family = s->family,
				    .len = s->dst_len,
				    .table = s->table };

		if (bsearch(s, rt, k, sizeof(*rt), reload_route_cmp))
			continue;
		memcpy(op.addr, s->dst, 16);
		reload_route_cmd(op.undo_cmd, sizeof(op.undo_cmd), c->t.ip, "add", &op, c->t.ifname,
				 NULL);
		reload_undo_rt_op(&op);
	}
}

static int snapshot_routes(struct reload_ctx *c)
{
	_cleanup_free_ struct rtnl_route *rt = NULL;
	size_t n = 0;
	int r = reload_dump_routes(c, &rt, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (reload_wgq_route(c, &rt[i]))
			rt[c->n_snap++] = rt[i];
	c->snap = TAKE_PTR(rt);
	return reload_push_undo(c, undo_vanished_routes);
}

/* Does the addresses step change anything? */
static bool addrs_change(const struct reload_ctx *c)
{
	for (size_t i = 0; i < c->n_addrs0; i++)
		if (addr_goes(c, &c->addrs0[i]))
			return true;
	for (size_t i = 0; i < c->t.cfg.n_addresses; i++)
		if (!kernel_has_addr(c, &c->t.cfg.addresses[i]))
			return true;
	return false;
}

int reload_step_addresses(void *ctx)
{
	struct reload_ctx *c = ctx;
	int r = c->t.dry_run || !addrs_change(c) ? 0 : snapshot_routes(c);

	if (r == 0)
		r = remove_addrs(c, true);
	if (r == 0)
		r = add_addrs(c);
	if (r == 0)
		r = remove_addrs(c, false);
	return r;
}
