// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// reload's routes step with the full tunnel (behaviour.md §3.9): a full tunnel removed, made,
// its firewall refreshed, or moved to another fwmark make-before-break.

#include "tunnel/reload.h"

#include <linux/netfilter.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "firewall/nft.h"
#include "system/lock.h"
#include "wg/device.h"

/* --- full tunnel --- */

struct mark_undo {
	const struct reload_ctx *c;
	uint32_t mark;
	bool if_chosen; /* only when fulltunnel_add chose another one */
};

static void undo_mark(const void *data)
{
	const struct mark_undo *u = data;
	const struct reload_ctx *c = u->c;
	struct log_line cmd;

	if (u->if_chosen && c->ft_mark == u->mark)
		return;
	log_line(&cmd, "wg set %s fwmark %u", c->t.ifname, u->mark);
	log_line_end(&cmd, wg_set_fwmark(tunnel_genl(&c->t), c->t.ifname, u->mark));
}

static int set_mark(struct reload_ctx *c, uint32_t mark)
{
	struct mark_undo u = { .c = c, .mark = c->mark };
	struct log_line cmd;

	log_line(&cmd, "wg set %s fwmark %u", c->t.ifname, mark);
	c->mark = mark;
	if (c->t.dry_run)
		return 0;
	int r = plan_change(&c->t.plan);

	if (r == 0)
		r = wg_set_fwmark(tunnel_genl(&c->t), c->t.ifname, mark);
	if (log_line_end(&cmd, r) < 0)
		return r;
	return plan_push_undo(&c->t.plan, undo_mark, &u, sizeof(u));
}

struct nft_undo {
	const struct reload_ctx *c;
	int family;
	bool replace; /* else the table was deleted */
};

static void undo_nft(const void *data)
{
	const struct nft_undo *u = data;
	const struct reload_ctx *c = u->c;
	struct log_line cmd;

	log_line(&cmd, "nft -f /dev/fd/63");
	int r = u->replace ? nft_replace(c->t.nft, u->family, c->t.ifname, c->mark0, c->addrs0,
					 c->n_addrs0)
			   : nft_up(c->t.nft, u->family, c->t.ifname, c->mark0, c->addrs0,
				    c->n_addrs0);

	log_line_end(&cmd, r);
}

/* The rules, the default route in the table and the nft table of a full tunnel of
 * family go, in that order: traffic leaves the table before the table empties. */
static int remove_full_tunnel(struct reload_ctx *c, int family)
{
	static const uint8_t any_addr[16];
	_cleanup_free_ struct rtnl_route *rt = NULL;
	struct nft_undo u = { .c = c, .family = family };
	size_t n = 0, n_del = 0;
	int r = fulltunnel_del_rules(c->t.rtnl, family, c->mark0, c->t.dry_run, &c->t.plan);

	if (r == 0)
		r = reload_dump_routes(c, &rt, &n);
	if (r == 0 && reload_route_present(c, rt, n, family, any_addr, 0, c->mark0))
		r = reload_change_route(c, false, family, any_addr, 0, c->mark0, NULL);
	if (r == 0)
		r = fulltunnel_del_firewall(&c->t.nft, c->t.ifname,
					    family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4,
					    c->t.dry_run, &c->t.plan, &n_del);
	if (r < 0 || !n_del || c->t.dry_run)
		return r;
	return plan_push_undo(&c->t.plan, undo_nft, &u, sizeof(u));
}

/* The undo of a default route fulltunnel_add may have added to the table it chose
 * (in up it goes with the link): only when it is there. */
struct default_route_undo {
	struct reload_ctx *c;
	int family;
};

static void undo_default_route(const void *data)
{
	const struct default_route_undo *u = data;
	struct reload_ctx *c = u->c;
	static const uint8_t any_addr[16];
	_cleanup_free_ struct rtnl_route *rt = NULL;
	size_t n = 0;

	if (!c->ft_mark || reload_dump_routes(c, &rt, &n) < 0 ||
	    !reload_route_present(c, rt, n, u->family, any_addr, 0, c->ft_mark))
		return;
	struct rt_op op = { .rtnl = tunnel_rtnl(&c->t),
			    .ifindex = c->t.ifindex,
			    .route = true,
			    .add = true,
			    .family = u->family,
			    .table = c->ft_mark };

	reload_route_cmd(op.undo_cmd, sizeof(op.undo_cmd), c->t.ip, "del", &op, c->t.ifname, NULL);
	reload_undo_rt_op(&op);
}

/* up's procedure (behaviour.md §3.9) with the fwmark the device has, or a free table when none. */
static int add_full_tunnel(struct reload_ctx *c, int family)
{
	struct route_entry e = { .family = family };
	struct mark_undo u = { .c = c, .mark = c->mark, .if_chosen = true };
	struct default_route_undo d = { .c = c, .family = family };
	int r = 0;

	ip_format_prefix(e.text, sizeof(e.text), family, e.addr, 0);
	c->ft_mark = c->mark;
	struct fulltunnel_ctx ft = tunnel_fulltunnel(&c->t, c->ft_mark);

	if (!c->t.dry_run && !c->mark)
		r = plan_push_undo(&c->t.plan, undo_mark, &u, sizeof(u));
	if (r == 0 && !c->t.dry_run)
		r = plan_push_undo(&c->t.plan, undo_default_route, &d, sizeof(d));
	if (r == 0)
		r = fulltunnel_add(&ft, &e, c->t.dry_run ? c->t.cfg.dev.fwmark : c->mark);
	c->mark = c->ft_mark = ft.fwmark;
	return r;
}

static bool same_family_addrs(const struct rtnl_addr *a, size_t na, const struct rtnl_addr *b,
			      size_t nb, int family)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < na && a[i].family != family)
			i++;
		while (j < nb && b[j].family != family)
			j++;
		if (i == na || j == nb)
			return i == na && j == nb;
		if (a[i].prefixlen != b[j].prefixlen || memcmp(a[i].addr, b[j].addr, 16))
			return false;
		i++, j++;
	}
}

/* A full tunnel that stays gets its anti-spoofing rules (one per address) rebuilt
 * when the addresses changed: one batch deletes and makes the table again. force:
 * rebuild anyway, so that the ip table comes after a new ip6 one as in up's listing.
 * 1 when rebuilt (no undo pushed: the caller's), 0 when not, or -errno. */
static int replace_firewall(struct reload_ctx *c, int family, bool force)
{
	struct log_line cmd;
	_cleanup_free_ struct rtnl_addr *addrs = NULL;
	size_t n = 0;
	int r;

	if (c->t.dry_run) {
		if (force || c->addr_changed[reload_fi(family)])
			log_line(&cmd, "nft -f /dev/fd/63");
		return 0;
	}
	r = rtnl_addr_list(tunnel_rtnl(&c->t), c->t.ifindex, family, &addrs, &n);
	if (r < 0) {
		log_step_error("ip address show", r);
		return r;
	}
	if (!force && same_family_addrs(addrs, n, c->addrs0, c->n_addrs0, family))
		return 0;
	log_line(&cmd, "nft -f /dev/fd/63");
	r = c->t.nft ? 0 : nl_open(&c->t.nft, NETLINK_NETFILTER);
	if (r == 0)
		r = plan_change(&c->t.plan);
	if (r == 0)
		r = nft_replace(c->t.nft, family, c->t.ifname, c->mark, addrs, n);
	return log_line_end(&cmd, r) < 0 ? r : 1;
}

static int refresh_firewall(struct reload_ctx *c, int family, bool force)
{
	struct nft_undo u = { .c = c, .family = family, .replace = true };
	int r = replace_firewall(c, family, force);

	if (r <= 0)
		return r;
	return plan_push_undo(&c->t.plan, undo_nft, &u, sizeof(u));
}

/* The fwmark the full tunnels use from now on: the config's, else the current one. */
static bool mark_changes(const struct reload_ctx *c)
{
	const struct wg_device *t = &c->target;

	return reload_any(c->ft0) && (t->flags & WGDEV_HAS_FWMARK) && t->fwmark &&
	       t->fwmark != c->mark0;
}

static int remove_full_tunnels(struct reload_ctx *c, bool all)
{
	bool removed = false, kept = false;
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(reload_families); i++) {
		if (!c->ft0[i])
			continue;
		if (!all && c->ft1[i]) {
			kept = true;
			continue;
		}
		removed = true;
		r = remove_full_tunnel(c, reload_families[i]);
	}
	/* A new family's tunnel takes over the mark, as up takes a device's mark. */
	if (r < 0 || !removed || kept || (reload_any(c->ft1) && !all))
		return r;
	/* No tunnel uses the mark any more: the config's, or none, as up leaves it. */
	uint32_t mark = c->target.flags & WGDEV_HAS_FWMARK ? c->target.fwmark : 0;

	return mark == c->mark ? 0 : set_mark(c, mark);
}

/* --- a full tunnel moving to another fwmark, make-before-break --- */

/* The old `not fwmark` rule of family: its priority is the new rule's. */
static int old_mark_rule(struct reload_ctx *c, int family, struct rtnl_rule *out)
{
	_cleanup_free_ struct rtnl_rule *rules = NULL;
	size_t n = 0;
	int r = rtnl_rule_dump(c->t.rtnl, family, &rules, &n);

	if (r < 0) {
		log_step_error("ip rule show", r);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		if (fulltunnel_rule_is_fwmark(&rules[i], c->mark0)) {
			*out = rules[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* `fwmark NEW table main` just before the old rule: the tunnel's own packets, once the
 * device marks them NEW, bypass the old rule (which would loop them into IF). */
static struct rtnl_rule bypass_rule(const struct rtnl_rule *old, uint32_t mark)
{
	return (struct rtnl_rule){ .family = old->family,
				   .priority = old->priority ? old->priority - 1 : 0,
				   .table = RT_TABLE_MAIN,
				   .fwmark = mark };
}

/* Before the device's mark changes: the new table's default route (no rule points
 * there yet) and the bypass rule. */
static int swap_prepare(struct reload_ctx *c, int family, uint32_t mark, struct rtnl_rule *old)
{
	static const uint8_t any_addr[16];
	int r = old_mark_rule(c, family, old);

	if (r < 0)
		return r;
	struct rtnl_rule bypass = bypass_rule(old, mark);
	struct fulltunnel_ctx ft = tunnel_fulltunnel(&c->t, c->ft_mark);

	r = reload_change_route(c, true, family, any_addr, 0, mark, NULL);
	return r ?: fulltunnel_rule_change(&ft, &bypass, true);
}

/* After it: the firewall with the new mark, the new rule beside the old one (at its
 * priority, after it), then the old rule, the bypass and the old table's route go.
 * Traffic is routed into IF at every moment; the suppress rule stays. */
static int swap_finish(struct reload_ctx *c, int family, uint32_t mark, const struct rtnl_rule *old)
{
	static const uint8_t any_addr[16];
	_cleanup_free_ struct rtnl_route *rt = NULL;
	struct rtnl_rule bypass = bypass_rule(old, mark), rule = *old;
	struct fulltunnel_ctx ft = tunnel_fulltunnel(&c->t, c->ft_mark);
	size_t n = 0;
	int r = replace_firewall(c, family, true);

	r = r < 0 ? r : 0;
	rule.fwmark = rule.table = mark;
	r = r ?: fulltunnel_rule_change(&ft, &rule, true);
	r = r ?: fulltunnel_rule_change(&ft, old, false);
	r = r ?: fulltunnel_rule_change(&ft, &bypass, false);
	r = r ?: reload_dump_routes(c, &rt, &n);
	if (r < 0 || !reload_route_present(c, rt, n, family, any_addr, 0, c->mark0))
		return r;
	return reload_change_route(c, false, family, any_addr, 0, c->mark0, NULL);
}

/* The firewalls of the families that swap, as before, ip6 first as up makes them:
 * undone one by one they would come back in the wrong order. Pushed before the
 * first is replaced; rebuilding one not replaced yet changes nothing. */
static void undo_swap_firewalls(const void *data)
{
	const struct reload_undo_ref *u = data;
	const struct reload_ctx *c = u->c;

	for (size_t i = ARRAY_SIZE(reload_families); i-- > 0;) {
		struct nft_undo one = { .c = c, .family = reload_families[i], .replace = true };

		if (c->ft0[i] && c->ft1[i])
			undo_nft(&one);
	}
}

/* Families that lose their full tunnel go first, as before the mark changes; families
 * that keep it swap; a family that gains one is made as up makes it, with the new
 * mark. In up's order: ::/0 before 0.0.0.0/0. */
static int swap_full_tunnels(struct reload_ctx *c)
{
	uint32_t mark = c->target.fwmark;
	struct rtnl_rule old[2] = { { 0 } };
	int r = remove_full_tunnels(c, false);

	r = r ?: reload_sync_routes(c);
	for (size_t i = ARRAY_SIZE(reload_families); r == 0 && i-- > 0;)
		if (c->ft0[i] && c->ft1[i])
			r = swap_prepare(c, reload_families[i], mark, &old[i]);
	r = r ?: set_mark(c, mark);
	if (r == 0 && !c->t.dry_run)
		r = reload_push_undo(c, undo_swap_firewalls);
	for (size_t i = ARRAY_SIZE(reload_families); r == 0 && i-- > 0;) {
		if (c->ft0[i] && c->ft1[i])
			r = swap_finish(c, reload_families[i], mark, &old[i]);
		else if (c->ft1[i])
			r = add_full_tunnel(c, reload_families[i]);
	}
	return r;
}

static int step_routes_locked(struct reload_ctx *c)
{
	bool all = mark_changes(c), made = false;

	if (all && reload_any(c->ft1))
		return swap_full_tunnels(c);
	int r = remove_full_tunnels(c, all);

	if (r == 0)
		r = reload_sync_routes(c);
	/* In up's order: ::/0 before 0.0.0.0/0. */
	for (size_t i = ARRAY_SIZE(reload_families); r == 0 && i-- > 0;) {
		if (!c->ft1[i])
			continue;
		if (all || !c->ft0[i]) {
			r = add_full_tunnel(c, reload_families[i]);
			made = true;
		} else {
			r = refresh_firewall(c, reload_families[i], made);
		}
	}
	return r;
}

int reload_step_routes(void *ctx)
{
	struct reload_ctx *c = ctx;
	_cleanup_(lock_drop) int lock = -1;
	int r;

	/* Full-tunnel changes take up's lock (lock.h). */
	if (!c->t.dry_run && (reload_any(c->ft0) || reload_any(c->ft1)) &&
	    (r = lock_take(&lock)) < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	return step_routes_locked(c);
}
