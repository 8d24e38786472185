// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `reload` (issue 8): apply a changed config to a running tunnel without taking it
// down. The config is checked as up checks it, the state is read back from the
// system, and each difference becomes one change with its undo (plan.h), logged as
// the command a wg-quick user would run: device, addresses, MTU, routes and full
// tunnel, DNS. Hooks do not run. A failure or a signal puts back the state before.

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <limits.h>

#include "tunnel/ks-tunnel.h"
#include "firewall/killswitch.h"
#include "cli/cmd-common.h"
#include "config/file.h"
#include "system/dns.h"
#include "system/lock.h"
#include "base/log.h"
#include "base/macro.h"
#include "tunnel/mtu.h"
#include "firewall/nft.h"
#include "tunnel/preflight.h"
#include "tunnel/save.h"
#include "system/spawn.h"
#include "cli/commands.h"
#include "tunnel/up-netns.h"
#include "tunnel/up.h"
#include "wg/sync.h"
#include "wg/device.h"

static const int families[] = { AF_INET, AF_INET6 };

struct reload_ctx {
	struct up_ctx up;	 /* first: fulltunnel.c's undos take the context as an up_ctx */
	struct wg_device cur;	 /* the device before */
	struct wg_device target; /* the device the config describes */
	struct wg_device apply, revert;
	struct rtnl_addr *addrs0; /* the addresses before, in kernel order */
	size_t n_addrs0;
	struct rtnl_route *snap; /* wgq-made routes through IF before the addresses step */
	size_t n_snap;
	uint32_t mtu0;
	uint32_t mark0;	      /* the fwmark before */
	uint32_t mark;	      /* the fwmark as the steps so far left it */
	bool ft0[2];	      /* a full tunnel per family (index fi()) before, */
	bool ft1[2];	      /* wanted by the config, */
	bool addr_changed[2]; /* and whether the addresses of the family change */
	char *dns0;	      /* the resolvconf record before, normalized; NULL when none */
	enum cfg_ks_level ks_want; /* the kill switch: the file's and the flag's level, */
	enum cfg_ks_level ks_have; /* the one installed, */
	uint32_t ks_mark, ks_mark_old; /* the mark it accepts, and the old one for now */
	struct wg_uapi_ahead *ahead;   /* the device's get=1, sent before the config is read */
};

static size_t fi(int family)
{
	return family == AF_INET6;
}

static char fam_flag(int family)
{
	return family == AF_INET6 ? '6' : '4';
}

static bool any(const bool v[2])
{
	return v[0] || v[1];
}

/* --- one address or route change and its inverse --- */

struct rt_op {
	bool route; /* else an address */
	bool add;   /* else a delete */
	int family;
	uint8_t addr[16];
	uint8_t len;
	uint32_t table; /* routes */
	char cmd[256], undo_cmd[256];
};

static int rt_op_run(struct reload_ctx *c, const struct rt_op *op, bool inverse)
{
	struct nl_sock *s = up_rtnl(&c->up);
	int ifindex = c->up.ifindex;

	if (op->route && op->add != inverse)
		return rtnl_route_add(s, ifindex, op->family, op->addr, op->len, op->table);
	if (op->route)
		return rtnl_route_del(s, ifindex, op->family, op->addr, op->len, op->table);
	if (op->add != inverse)
		return rtnl_addr_add(s, ifindex, op->family, op->addr, op->len);
	return rtnl_addr_del(s, ifindex, op->family, op->addr, op->len);
}

static void undo_rt_op(void *ctx, const void *data)
{
	const struct rt_op *op = data;

	log_cmd("%s", op->undo_cmd);
	int r = rt_op_run(ctx, op, true);

	if (r < 0)
		log_step_error(op->undo_cmd, r);
}

static int apply_rt_op(struct reload_ctx *c, const struct rt_op *op)
{
	log_cmd("%s", op->cmd);
	if (c->up.dry_run)
		return 0;
	int r = plan_change(&c->up.plan);

	if (r == 0)
		r = rt_op_run(c, op, false);
	if (r < 0) {
		log_step_error(op->cmd, r);
		return r;
	}
	return plan_push_undo(&c->up.plan, undo_rt_op, op, sizeof(*op));
}

/* "ip -4 route VERB P dev IF [table T]": T as written in the config when given,
 * else the number, and nothing for main. */
static void route_cmd(char *out, size_t size, const char *ip, const char *verb,
		      const struct rt_op *op, const char *ifname, const char *table_text)
{
	char prefix[IP_PREFIX_STRLEN], table[32] = "";

	ip_format_prefix(prefix, sizeof(prefix), op->family, op->addr, op->len);
	if (table_text)
		snprintf(table, sizeof(table), " table %s", table_text);
	else if (op->table != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), " table %u", op->table);
	snprintf(out, size, "%.128s -%c route %s %s dev %s%s", ip, fam_flag(op->family), verb,
		 prefix, ifname, table);
}

static int change_route(struct reload_ctx *c, bool add, int family, const uint8_t *dst, uint8_t len,
			uint32_t table, const char *table_text)
{
	struct rt_op op = {
		.route = true, .add = add, .family = family, .len = len, .table = table
	};

	memcpy(op.addr, dst, 16);
	route_cmd(op.cmd, sizeof(op.cmd), c->up.ip, add ? "add" : "del", &op, c->up.ifname,
		  table_text);
	route_cmd(op.undo_cmd, sizeof(op.undo_cmd), c->up.ip, add ? "del" : "add", &op,
		  c->up.ifname, table_text);
	return apply_rt_op(c, &op);
}

/* text: the address as the config wrote it (additions), else NULL. */
static int change_addr(struct reload_ctx *c, bool add, int family, const uint8_t *addr, uint8_t len,
		       const char *text)
{
	struct rt_op op = { .add = add, .family = family, .len = len };
	char shown[IP_PREFIX_STRLEN] = "";

	memcpy(op.addr, addr, 16);
	if (!text)
		ip_format_prefix(shown, sizeof(shown), family, addr, len);
	snprintf(op.cmd, sizeof(op.cmd), "%.128s -%c address %s %s dev %s", c->up.ip,
		 fam_flag(family), add ? "add" : "del", text ? text : shown, c->up.ifname);
	snprintf(op.undo_cmd, sizeof(op.undo_cmd), "%.128s -%c address %s %s dev %s", c->up.ip,
		 fam_flag(family), add ? "del" : "add", text ? text : shown, c->up.ifname);
	return apply_rt_op(c, &op);
}

/* --- reading the state --- */

/* Is route r one that wgq's route steps make (ip route add P dev IF: proto boot, no
 * gateway or source, the kernel's default metric)? */
static bool wgq_route(const struct reload_ctx *c, const struct rtnl_route *r)
{
	uint32_t metric = r->family == AF_INET6 ? 1024 : 0;

	return r->oif == c->up.ifindex && r->protocol == RTPROT_BOOT && !r->cloned &&
	       r->type == RTN_UNICAST && !r->nexthop && r->priority == metric;
}

static int addr_cmp(int family, const uint8_t *a, const uint8_t *b)
{
	return ip_addr_cmp(family, a, b);
}

static int num_cmp(long long a, long long b)
{
	return (a > b) - (a < b);
}

/* Family, prefix length, table, address: the order of the lookups of reload. */
static int route_cmp(const void *a, const void *b)
{
	const struct rtnl_route *x = a, *y = b;

	return num_cmp(x->family, y->family) ?: num_cmp(x->dst_len, y->dst_len) ?:
	       num_cmp(x->table, y->table) ?: addr_cmp(x->family, x->dst, y->dst);
}

static struct rtnl_route route_key(const struct route_entry *e, uint32_t table)
{
	struct rtnl_route k = { .family = e->family, .dst_len = e->len, .table = table };

	memcpy(k.dst, e->addr, 16);
	return k;
}

/* Every route of both families in every table. */
static int dump_routes(struct reload_ctx *c, struct rtnl_route **out, size_t *n)
{
	int r = routes_dump(up_rtnl(&c->up), 0, out, n);

	if (r < 0)
		log_step_error("ip route show table all", r);
	return r;
}

static bool route_present(const struct reload_ctx *c, const struct rtnl_route *rt, size_t n,
			  int family, const uint8_t *dst, uint8_t len, uint32_t table)
{
	for (size_t i = 0; i < n; i++)
		if (wgq_route(c, &rt[i]) && rt[i].family == family && rt[i].dst_len == len &&
		    rt[i].table == table && !memcmp(rt[i].dst, dst, rtnl_addr_len(family)))
			return true;
	return false;
}

static bool has_fwmark_rule(struct reload_ctx *c, int family, uint32_t mark)
{
	_cleanup_free_ struct rtnl_rule *rules = NULL;
	size_t n = 0;

	if (rtnl_rule_dump(up_rtnl(&c->up), family, &rules, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (fulltunnel_rule_is_fwmark(&rules[i], mark))
			return true;
	return false;
}

/* A full tunnel of family is this tunnel's when the rules for its fwmark exist and
 * its table routes through IF (spec §4.1 step 5). */
static void read_full_tunnels(struct reload_ctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		int f = families[i];

		/* In a target a /0 is a plain route (killswitch-netns §5.4). */
		if (c->up.moved)
			continue;
		c->ft0[i] = c->mark0 && has_fwmark_rule(c, f, c->mark0) &&
			    fulltunnel_table_routes_through(c->up.rtnl, f, c->mark0, c->up.ifindex);
		c->ft1[i] = fulltunnel_wanted(&c->up.cfg, &c->target, f);
	}
}

static int read_dns(struct reload_ctx *c)
{
	dns_prefix(c->up.dns_prefix, sizeof(c->up.dns_prefix));
	_cleanup_free_ char *record = dns_record_read(c->up.dns_prefix, c->up.ifname);

	if (record && !(c->dns0 = dns_record_normalize(record)))
		return -ENOMEM;
	return 0;
}

/* The fwmark goes with the device step unless a full tunnel uses it now: then the
 * full-tunnel step changes it, between taking the old tunnel down and making the
 * new one, so that the tunnel's own packets never loop. */
static uint32_t device_mask(const struct reload_ctx *c)
{
	return WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | (any(c->ft0) ? 0 : WGDEV_HAS_FWMARK);
}

static enum cfg_ks_level ks_level(const struct reload_ctx *c)
{
	return c->ks_want > c->ks_have ? c->ks_want : c->ks_have;
}

/* With a kill switch the device must keep a mark: the config's, else the one it has,
 * else a free one (killswitch-netns §4.1, §4.2). */
static int ks_choose_mark(struct reload_ctx *c)
{
	struct wg_device *d = &c->up.cfg.dev;

	if (ks_level(c) == CFG_KS_OFF)
		return 0;
	if (!d->fwmark && c->mark0) {
		d->fwmark = c->mark0;
	} else if (!d->fwmark) {
		int r = kst_free_mark(c->up.rtnl, &c->up.nft, &d->fwmark);

		if (r < 0) {
			log_step_error("ip route show table all", r);
			return r;
		}
	}
	d->flags |= WGDEV_HAS_FWMARK;
	c->ks_mark = d->fwmark;
	c->ks_mark_old = c->mark0 != d->fwmark ? c->mark0 : 0;
	return 0;
}

static int read_state(struct reload_ctx *c)
{
	struct rtnl_link l;
	char cmd[64];
	int r;

	if (c->up.ns.kind != NETNS_NONE)
		wg_uapi_ahead_free(&c->ahead); /* asked in H: the device may be T's */
	r = wg_get_device_ahead(up_genl(&c->up), c->up.ifname, &c->ahead, &c->cur);

	snprintf(cmd, sizeof(cmd), "wg showconf %s", c->up.ifname);
	if (r == 0) {
		snprintf(cmd, sizeof(cmd), "ip address show dev %s", c->up.ifname);
		r = rtnl_addr_list(up_rtnl(&c->up), c->up.ifindex, AF_UNSPEC, &c->addrs0,
				   &c->n_addrs0);
	}
	if (r == 0) {
		snprintf(cmd, sizeof(cmd), "ip link show dev %s", c->up.ifname);
		r = rtnl_link_get_index(up_rtnl(&c->up), c->up.ifindex, &l);
	}
	if (r < 0) {
		log_step_error(cmd, r);
		return r;
	}
	c->mtu0 = l.mtu;
	c->mark0 = c->mark = c->cur.fwmark;
	r = ks_choose_mark(c);
	r = r ?: wg_sync_target(&c->up.cfg.dev, &c->target);
	if (r == 0)
		r = c->up.moved ? 0 : read_dns(c);
	if (r < 0)
		return r;
	read_full_tunnels(c);
	return wg_sync_diff(&c->cur, &c->target, device_mask(c), &c->apply, &c->revert);
}

/* --- the steps --- */

static void undo_device(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;
	char cmd[64];

	(void)data;
	snprintf(cmd, sizeof(cmd), "wg syncconf %s /dev/fd/63", c->up.ifname);
	log_cmd("%s", cmd);
	int r = wg_set_device(up_genl(&c->up), &c->revert);

	if (r < 0)
		log_step_error(cmd, r);
}

/* Like `wg syncconf`, sending only what changes. The undo is recorded first: a device
 * split over several messages may fail halfway, and reverting a peer that was not
 * changed yet is harmless. */
static int step_device(void *ctx)
{
	struct reload_ctx *c = ctx;
	char cmd[64];

	if (!wg_sync_changes(&c->apply))
		return 0;
	snprintf(cmd, sizeof(cmd), "wg syncconf %s /dev/fd/63", c->up.ifname);
	log_cmd("%s", cmd);
	if (c->apply.flags & WGDEV_HAS_FWMARK)
		c->mark = c->apply.fwmark;
	if (c->up.dry_run)
		return 0;
	snprintf(c->apply.name, sizeof(c->apply.name), "%s", c->up.ifname);
	snprintf(c->revert.name, sizeof(c->revert.name), "%s", c->up.ifname);
	int r = plan_push_undo(&c->up.plan, undo_device, NULL, 0);

	if (r == 0)
		r = plan_change(&c->up.plan);
	if (r == 0)
		r = wg_set_device(up_genl(&c->up), &c->apply);
	if (r < 0)
		log_step_error(cmd, r);
	return r;
}

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
	return !cfg_has_addr(&c->up.cfg, a, true);
}

/* first: an IPv6 address that comes back with another prefix length must go first,
 * or the kernel refuses the new one; every other removal waits until the additions
 * are done, so that the link keeps an IPv4 address (without one, the kernel flushes
 * every IPv4 route through it). */
static int remove_addrs(struct reload_ctx *c, bool first)
{
	for (size_t i = 0; i < c->n_addrs0; i++) {
		const struct rtnl_addr *a = &c->addrs0[i];
		bool early = a->family == AF_INET6 && cfg_has_addr(&c->up.cfg, a, false);

		if (!addr_goes(c, a) || early != first)
			continue;
		c->addr_changed[fi(a->family)] = true;
		int r = change_addr(c, false, a->family, a->addr, a->prefixlen, NULL);

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
	for (size_t i = 0; i < c->up.cfg.n_addresses; i++) {
		const struct cfg_address *x = &c->up.cfg.addresses[i];

		if (kernel_has_addr(c, x))
			continue;
		c->addr_changed[fi(x->family)] = true;
		int r = change_addr(c, true, x->family, x->addr, x->prefixlen, x->text);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Rollback helper: wgq-made routes that existed before the addresses step and are
 * missing now, flushed by the kernel with the last IPv4 address, are added back
 * once the addresses are back. */
static void undo_vanished_routes(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;
	_cleanup_free_ struct rtnl_route *rt = NULL;
	size_t n = 0;

	(void)data;
	if (dump_routes(c, &rt, &n) < 0)
		return;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (wgq_route(c, &rt[i]))
			rt[k++] = rt[i];
	qsort(rt, k, sizeof(*rt), route_cmp);
	for (size_t i = 0; i < c->n_snap; i++) {
		const struct rtnl_route *s = &c->snap[i];
		struct rt_op op = {
			.route = true, .family = s->family, .len = s->dst_len, .table = s->table
		};

		if (bsearch(s, rt, k, sizeof(*rt), route_cmp))
			continue;
		memcpy(op.addr, s->dst, 16);
		route_cmd(op.undo_cmd, sizeof(op.undo_cmd), c->up.ip, "add", &op, c->up.ifname,
			  NULL);
		undo_rt_op(c, &op);
	}
}

static int snapshot_routes(struct reload_ctx *c)
{
	_cleanup_free_ struct rtnl_route *rt = NULL;
	size_t n = 0;
	int r = dump_routes(c, &rt, &n);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (wgq_route(c, &rt[i]))
			rt[c->n_snap++] = rt[i];
	c->snap = TAKE_PTR(rt);
	return plan_push_undo(&c->up.plan, undo_vanished_routes, NULL, 0);
}

/* Does the addresses step change anything? */
static bool addrs_change(const struct reload_ctx *c)
{
	for (size_t i = 0; i < c->n_addrs0; i++)
		if (addr_goes(c, &c->addrs0[i]))
			return true;
	for (size_t i = 0; i < c->up.cfg.n_addresses; i++)
		if (!kernel_has_addr(c, &c->up.cfg.addresses[i]))
			return true;
	return false;
}

static int step_addresses(void *ctx)
{
	struct reload_ctx *c = ctx;
	int r = c->up.dry_run || !addrs_change(c) ? 0 : snapshot_routes(c);

	if (r == 0)
		r = remove_addrs(c, true);
	if (r == 0)
		r = add_addrs(c);
	if (r == 0)
		r = remove_addrs(c, false);
	return r;
}

static void undo_mtu(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;
	char cmd[PATH_MAX + 96];

	(void)data;
	snprintf(cmd, sizeof(cmd), "%s link set mtu %u dev %s", c->up.ip, c->mtu0, c->up.ifname);
	log_cmd("%s", cmd);
	int r = rtnl_link_set_mtu(up_rtnl(&c->up), c->up.ifindex, c->mtu0);

	if (r < 0)
		log_step_error(cmd, r);
}

/* Did the device step set or remove an endpoint? Else those read before still hold. */
static bool endpoints_changed(const struct reload_ctx *c)
{
	for (size_t i = 0; i < c->apply.n_peers; i++)
		if (c->apply.peers[i].flags & (WGPEER_HAS_ENDPOINT | WGPEER_REMOVE))
			return true;
	return false;
}

/* The automatic MTU as up computes it (§3.6), from the endpoints read back (read
 * again only when the device step changed them: a read of a server is 10s of ms). */
static int auto_mtu(struct reload_ctx *c, uint32_t *mtu)
{
	char cmd[64];
	int r = 0;

	if (!c->up.dry_run && !endpoints_changed(c)) {
		r = mtu_auto(c->up.rtnl, &c->cur, mtu);
		if (r < 0)
			log_step_error("ip route get", r);
		return r;
	}
	if (!c->up.dry_run) {
		wgdev_clear(&c->up.dev);
		r = wg_get_device(up_genl(&c->up), c->up.ifname, &c->up.dev);
		snprintf(cmd, sizeof(cmd), "wg show %s", c->up.ifname);
	}
	if (r == 0) {
		r = mtu_auto(c->up.rtnl, c->up.dry_run ? &c->up.cfg.dev : &c->up.dev, mtu);
		snprintf(cmd, sizeof(cmd), "ip route get");
	}
	if (r < 0)
		log_step_error(cmd, r);
	return r;
}

/* An automatic MTU is computed again, except while a full tunnel is up: the route to
 * an endpoint then leads into the tunnel itself, and the MTU stays as it is. */
static int step_mtu(void *ctx)
{
	struct reload_ctx *c = ctx;
	uint32_t mtu = c->up.cfg.mtu;
	char cmd[PATH_MAX + 96];
	int r;

	if (!mtu && any(c->ft0))
		return 0;
	if (!mtu && (r = auto_mtu(c, &mtu)) < 0)
		return r;
	if (mtu == c->mtu0)
		return 0;
	snprintf(cmd, sizeof(cmd), "%s link set mtu %u dev %s", c->up.ip, mtu, c->up.ifname);
	log_cmd("%s", cmd);
	if (c->up.dry_run)
		return 0;
	r = plan_change(&c->up.plan);
	if (r == 0)
		r = rtnl_link_set_mtu(up_rtnl(&c->up), c->up.ifindex, mtu);
	if (r < 0) {
		log_step_error(cmd, r);
		return r;
	}
	return plan_push_undo(&c->up.plan, undo_mtu, NULL, 0);
}

/* --- routes --- */

/* A route the config wants: the entry, its table and the table as written. */
struct want_route {
	struct route_entry e;
	uint32_t table;
	const char *table_text;
};

struct route_plan {
	struct rtnl_route *old; /* the allowed IPs before, as table 0 routes, */
	size_t n_old;
	bool old_sorted; /* sorted at the first was_allowed(), which is often never */
	struct want_route *want;
	size_t n_want;
	struct rtnl_route *rt; /* every route now */
	size_t n_rt;
	/* For lookups in O(log n), sorted (route_cmp): a server has 10 000s of routes. */
	struct rtnl_route *want_keys; /* the wanted routes */
	struct rtnl_route *present;   /* wgq's routes now */
	size_t n_present;
};

static void route_plan_free(struct route_plan *p)
{
	free(p->old);
	free(p->want);
	free(p->rt);
	free(p->want_keys);
	free(p->present);
}

static bool was_allowed(struct route_plan *p, const struct rtnl_route *r)
{
	struct rtnl_route key = { .family = r->family, .dst_len = r->dst_len };

	if (!p->old_sorted)
		qsort(p->old, p->n_old, sizeof(*p->old), route_cmp);
	p->old_sorted = true;
	memcpy(key.dst, r->dst, 16);
	return bsearch(&key, p->old, p->n_old, sizeof(*p->old), route_cmp);
}

static bool wanted(const struct route_plan *p, const struct rtnl_route *r)
{
	return bsearch(r, p->want_keys, p->n_want, sizeof(*r), route_cmp);
}

static bool present(const struct route_plan *p, const struct want_route *w)
{
	struct rtnl_route key = route_key(&w->e, w->table);

	return bsearch(&key, p->present, p->n_present, sizeof(key), route_cmp);
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

/* The sorted lookups of wanted() and present(). */
static int index_routes(struct reload_ctx *c, struct route_plan *p)
{
	p->want_keys = calloc(p->n_want + 1, sizeof(*p->want_keys));
	p->present = calloc(p->n_rt + 1, sizeof(*p->present));
	if (!p->want_keys || !p->present)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_want; i++)
		p->want_keys[i] = route_key(&p->want[i].e, p->want[i].table);
	for (size_t i = 0; i < p->n_rt; i++)
		if (wgq_route(c, &p->rt[i]))
			p->present[p->n_present++] = p->rt[i];
	qsort(p->want_keys, p->n_want, sizeof(*p->want_keys), route_cmp);
	qsort(p->present, p->n_present, sizeof(*p->present), route_cmp);
	return 0;
}

/* Is r in the table where the config's routes go, a route up would have made there?
 * Such a route goes when unwanted, even when the device no longer has its allowed IP
 * (a peer removed with `wg set` or `wg syncconf`). */
static bool in_own_table(const struct reload_ctx *c, const struct rtnl_route *r)
{
	const struct cfg *cfg = &c->up.cfg;

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
	return c->ft0[fi(r->family)] && r->dst_len == 0 && r->table == c->mark0;
}

/* The main table's routes through IF that may cover an allowed IP (spec §3.8): all
 * but wgq's own. A dry run has not changed the addresses: their prefixes stand in
 * for the kernel's prefix routes, as in up's dry run. */
static int covering_routes(struct reload_ctx *c, struct route_plan *p,
			   struct rtnl_route **out, size_t *n)
{
	const struct cfg *cfg = &c->up.cfg;
	struct rtnl_route *cov = calloc(p->n_rt + cfg->n_addresses + 1, sizeof(*cov));
	size_t k = 0;

	if (!cov)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_rt; i++) {
		const struct rtnl_route *r = &p->rt[i];

		if (r->table != RT_TABLE_MAIN ||
		    (wgq_route(c, r) && (in_own_table(c, r) || was_allowed(p, r))) ||
		    (c->up.dry_run && r->protocol == RTPROT_KERNEL))
			continue;
		cov[k++] = *r;
	}
	for (size_t i = 0; c->up.dry_run && i < cfg->n_addresses; i++) {
		const struct cfg_address *a = &cfg->addresses[i];

		cov[k] = (struct rtnl_route){ .family = a->family,
					      .dst_len = a->prefixlen,
					      .table = RT_TABLE_MAIN,
					      .oif = c->up.ifindex };
		memcpy(cov[k].dst, a->addr, 16);
		ip_mask(a->family, cov[k++].dst, a->prefixlen);
	}
	*out = cov;
	*n = k;
	return 0;
}

/* Which of the allowed IPs get a route, and in which table: up's rules (§3.8); a
 * full tunnel that stays keeps its default route, which is checked like the others. */
static bool want_entry(struct reload_ctx *c, const struct route_entry *e,
		       const struct rtnl_route *cov, size_t n_cov, struct want_route *w)
{
	const struct cfg *cfg = &c->up.cfg;
	size_t f = fi(e->family);

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
	if (e->len == 0 && !c->up.moved) {
		w->table = c->mark0;
		return c->ft0[f] && c->ft1[f] && c->mark == c->mark0;
	}
	return !routes_covered(cov, n_cov, c->up.ifindex, e);
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

static int read_route_plan(struct reload_ctx *c, struct route_plan *p)
{
	int r = read_old(c, p);

	if (r == 0)
		r = dump_routes(c, &p->rt, &p->n_rt);
	if (r == 0)
		r = plan_wanted_routes(c, p);
	if (r == 0)
		r = index_routes(c, p);
	return r;
}

/* wgq's routes for allowed IPs that are gone, or in another table now, and unwanted
 * routes of wgq's shape in the config's table; then the new ones, in up's order. */
static int sync_routes(struct reload_ctx *c)
{
	_cleanup_(route_plan_free) struct route_plan p = { 0 };
	int r = read_route_plan(c, &p);

	for (size_t i = 0; r == 0 && i < p.n_rt; i++) {
		const struct rtnl_route *rt = &p.rt[i];

		if (!wgq_route(c, rt) || !(in_own_table(c, rt) || was_allowed(&p, rt)) ||
		    full_tunnel_route(c, rt) || wanted(&p, rt))
			continue;
		r = change_route(c, false, rt->family, rt->dst, rt->dst_len, rt->table, NULL);
	}
	for (size_t i = 0; r == 0 && i < p.n_want; i++) {
		const struct want_route *w = &p.want[i];

		if (present(&p, w))
			continue;
		r = change_route(c, true, w->e.family, w->e.addr, w->e.len, w->table,
				 w->table_text);
	}
	return r;
}

/* --- full tunnel --- */

struct mark_undo {
	uint32_t mark;
	bool if_chosen; /* only when fulltunnel_add chose another one */
};

static void undo_mark(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;
	const struct mark_undo *u = data;
	char cmd[96];

	if (u->if_chosen && c->up.fwmark == u->mark)
		return;
	snprintf(cmd, sizeof(cmd), "wg set %s fwmark %u", c->up.ifname, u->mark);
	log_cmd("%s", cmd);
	int r = wg_set_fwmark(up_genl(&c->up), c->up.ifname, u->mark);

	if (r < 0)
		log_step_error(cmd, r);
}

static int set_mark(struct reload_ctx *c, uint32_t mark)
{
	struct mark_undo u = { .mark = c->mark };
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "wg set %s fwmark %u", c->up.ifname, mark);
	log_cmd("%s", cmd);
	c->mark = mark;
	if (c->up.dry_run)
		return 0;
	int r = plan_change(&c->up.plan);

	if (r == 0)
		r = wg_set_fwmark(up_genl(&c->up), c->up.ifname, mark);
	if (r < 0) {
		log_step_error(cmd, r);
		return r;
	}
	return plan_push_undo(&c->up.plan, undo_mark, &u, sizeof(u));
}

struct nft_undo {
	int family;
	bool replace; /* else the table was deleted */
};

static void undo_nft(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;
	const struct nft_undo *u = data;
	static const char cmd[] = "nft -f /dev/fd/63";

	log_cmd("%s", cmd);
	int r = u->replace ? nft_replace(c->up.nft, u->family, c->up.ifname, c->mark0, c->addrs0,
					 c->n_addrs0)
			   : nft_up(c->up.nft, u->family, c->up.ifname, c->mark0, c->addrs0,
				    c->n_addrs0);

	if (r < 0)
		log_step_error(cmd, r);
}

/* The rules, the default route in the table and the nft table of a full tunnel of
 * family go, in that order: traffic leaves the table before the table empties. */
static int remove_full_tunnel(struct reload_ctx *c, int family)
{
	static const uint8_t any_addr[16];
	_cleanup_free_ struct rtnl_route *rt = NULL;
	struct nft_undo u = { .family = family };
	size_t n = 0, n_del = 0;
	int r = fulltunnel_del_rules(c->up.rtnl, family, c->mark0, c->up.dry_run, &c->up.plan);

	if (r == 0)
		r = dump_routes(c, &rt, &n);
	if (r == 0 && route_present(c, rt, n, family, any_addr, 0, c->mark0))
		r = change_route(c, false, family, any_addr, 0, c->mark0, NULL);
	if (r == 0)
		r = fulltunnel_del_firewall(&c->up.nft, c->up.ifname,
					    family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4,
					    c->up.dry_run, &c->up.plan, &n_del);
	if (r < 0 || !n_del || c->up.dry_run)
		return r;
	return plan_push_undo(&c->up.plan, undo_nft, &u, sizeof(u));
}

/* The undo of a default route fulltunnel_add may have added to the table it chose
 * (in up it goes with the link): only when it is there. */
static void undo_default_route(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;
	static const uint8_t any_addr[16];
	_cleanup_free_ struct rtnl_route *rt = NULL;
	const int *family = data;
	size_t n = 0;

	if (!c->up.fwmark || dump_routes(c, &rt, &n) < 0 ||
	    !route_present(c, rt, n, *family, any_addr, 0, c->up.fwmark))
		return;
	struct rt_op op = { .route = true, .add = true, .family = *family, .table = c->up.fwmark };

	route_cmd(op.undo_cmd, sizeof(op.undo_cmd), c->up.ip, "del", &op, c->up.ifname, NULL);
	undo_rt_op(c, &op);
}

/* up's procedure (§3.9) with the fwmark the device has, or a free table when none. */
static int add_full_tunnel(struct reload_ctx *c, int family)
{
	struct route_entry e = { .family = family };
	struct mark_undo u = { .mark = c->mark, .if_chosen = true };
	int r = 0;

	ip_format_prefix(e.text, sizeof(e.text), family, e.addr, 0);
	c->up.fwmark = c->up.dev.fwmark = c->mark;
	if (!c->up.dry_run && !c->mark)
		r = plan_push_undo(&c->up.plan, undo_mark, &u, sizeof(u));
	if (r == 0 && !c->up.dry_run)
		r = plan_push_undo(&c->up.plan, undo_default_route, &family, sizeof(family));
	if (r == 0)
		r = fulltunnel_add(&c->up, &e);
	c->mark = c->up.fwmark;
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
	static const char cmd[] = "nft -f /dev/fd/63";
	_cleanup_free_ struct rtnl_addr *addrs = NULL;
	size_t n = 0;
	int r;

	if (c->up.dry_run) {
		if (force || c->addr_changed[fi(family)])
			log_cmd("%s", cmd);
		return 0;
	}
	r = rtnl_addr_list(up_rtnl(&c->up), c->up.ifindex, family, &addrs, &n);
	if (r < 0) {
		log_step_error("ip address show", r);
		return r;
	}
	if (!force && same_family_addrs(addrs, n, c->addrs0, c->n_addrs0, family))
		return 0;
	log_cmd("%s", cmd);
	r = c->up.nft ? 0 : nl_open(&c->up.nft, NETLINK_NETFILTER);
	if (r == 0)
		r = plan_change(&c->up.plan);
	if (r == 0)
		r = nft_replace(c->up.nft, family, c->up.ifname, c->mark, addrs, n);
	if (r < 0)
		log_step_error(cmd, r);
	return r < 0 ? r : 1;
}

static int refresh_firewall(struct reload_ctx *c, int family, bool force)
{
	struct nft_undo u = { .family = family, .replace = true };
	int r = replace_firewall(c, family, force);

	if (r <= 0)
		return r;
	return plan_push_undo(&c->up.plan, undo_nft, &u, sizeof(u));
}

/* The fwmark the full tunnels use from now on: the config's, else the current one. */
static bool mark_changes(const struct reload_ctx *c)
{
	const struct wg_device *t = &c->target;

	return any(c->ft0) && (t->flags & WGDEV_HAS_FWMARK) && t->fwmark && t->fwmark != c->mark0;
}

static int remove_full_tunnels(struct reload_ctx *c, bool all)
{
	bool removed = false, kept = false;
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(families); i++) {
		if (!c->ft0[i])
			continue;
		if (!all && c->ft1[i]) {
			kept = true;
			continue;
		}
		removed = true;
		r = remove_full_tunnel(c, families[i]);
	}
	/* A new family's tunnel takes over the mark, as up takes a device's mark. */
	if (r < 0 || !removed || kept || (any(c->ft1) && !all))
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
	int r = rtnl_rule_dump(c->up.rtnl, family, &rules, &n);

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

	r = change_route(c, true, family, any_addr, 0, mark, NULL);
	return r ?: fulltunnel_rule_change(&c->up, &bypass, true);
}

/* After it: the firewall with the new mark, the new rule beside the old one (at its
 * priority, after it), then the old rule, the bypass and the old table's route go.
 * Traffic is routed into IF at every moment; the suppress rule stays. */
static int swap_finish(struct reload_ctx *c, int family, uint32_t mark,
		       const struct rtnl_rule *old)
{
	static const uint8_t any_addr[16];
	_cleanup_free_ struct rtnl_route *rt = NULL;
	struct rtnl_rule bypass = bypass_rule(old, mark), rule = *old;
	size_t n = 0;
	int r = replace_firewall(c, family, true);

	r = r < 0 ? r : 0;
	rule.fwmark = rule.table = mark;
	r = r ?: fulltunnel_rule_change(&c->up, &rule, true);
	r = r ?: fulltunnel_rule_change(&c->up, old, false);
	r = r ?: fulltunnel_rule_change(&c->up, &bypass, false);
	r = r ?: dump_routes(c, &rt, &n);
	if (r < 0 || !route_present(c, rt, n, family, any_addr, 0, c->mark0))
		return r;
	return change_route(c, false, family, any_addr, 0, c->mark0, NULL);
}

/* The firewalls of the families that swap, as before, ip6 first as up makes them:
 * undone one by one they would come back in the wrong order. Pushed before the
 * first is replaced; rebuilding one not replaced yet changes nothing. */
static void undo_swap_firewalls(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;

	(void)data;
	for (size_t i = ARRAY_SIZE(families); i-- > 0;) {
		struct nft_undo u = { .family = families[i], .replace = true };

		if (c->ft0[i] && c->ft1[i])
			undo_nft(c, &u);
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

	r = r ?: sync_routes(c);
	for (size_t i = ARRAY_SIZE(families); r == 0 && i-- > 0;)
		if (c->ft0[i] && c->ft1[i])
			r = swap_prepare(c, families[i], mark, &old[i]);
	r = r ?: set_mark(c, mark);
	if (r == 0 && !c->up.dry_run)
		r = plan_push_undo(&c->up.plan, undo_swap_firewalls, NULL, 0);
	for (size_t i = ARRAY_SIZE(families); r == 0 && i-- > 0;) {
		if (c->ft0[i] && c->ft1[i])
			r = swap_finish(c, families[i], mark, &old[i]);
		else if (c->ft1[i])
			r = add_full_tunnel(c, families[i]);
	}
	return r;
}

static int step_routes_locked(struct reload_ctx *c)
{
	bool all = mark_changes(c), made = false;

	if (all && any(c->ft1))
		return swap_full_tunnels(c);
	int r = remove_full_tunnels(c, all);

	if (r == 0)
		r = sync_routes(c);
	/* In up's order: ::/0 before 0.0.0.0/0. */
	for (size_t i = ARRAY_SIZE(families); r == 0 && i-- > 0;) {
		if (!c->ft1[i])
			continue;
		if (all || !c->ft0[i]) {
			r = add_full_tunnel(c, families[i]);
			made = true;
		} else {
			r = refresh_firewall(c, families[i], made);
		}
	}
	return r;
}

static int step_routes(void *ctx)
{
	struct reload_ctx *c = ctx;
	_cleanup_(lock_drop) int lock = -1;
	int r;

	/* Full-tunnel changes take up's lock (lock.h). */
	if (!c->up.dry_run && (any(c->ft0) || any(c->ft1)) && (r = lock_take(&lock)) < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	return step_routes_locked(c);
}

/* --- DNS --- */

static void undo_dns(void *ctx, const void *data)
{
	struct reload_ctx *c = ctx;

	(void)data;
	if (c->dns0)
		dns_resolvconf_set(c->up.dns_prefix, c->up.ifname, c->dns0, strlen(c->dns0), false);
	else
		dns_down(c->up.dns_prefix, c->up.ifname, false);
}

/* The resolvconf record is replaced when its text changes and removed when the
 * config has no nameserver any more. resolvectl settings cannot be compared: they are
 * set again. */
static int step_dns(void *ctx)
{
	struct reload_ctx *c = ctx;
	const struct cfg *cfg = &c->up.cfg;
	char path[PATH_MAX];
	size_t len = 0;
	_cleanup_free_ char *want = cfg->n_dns_servers ? dns_resolvconf_input(cfg, &len) : NULL;
	int r;

	if (c->up.no_dns)
		return 0;
	if (c->up.moved)
		return reload_netns_dns(&c->up);
	if (cfg->n_dns_servers && !want)
		return -ENOMEM;
	if (c->up.dns_tool == DNS_TOOL_RESOLVECTL)
		return dns_up(c->up.dns_tool, c->up.dns_prefix, c->up.ifname, cfg, c->up.dry_run);
	if (want ? c->dns0 && streq(want, c->dns0) : !c->dns0)
		return 0;
	if (!want && !spawn_which("resolvconf", path, sizeof(path)))
		return 0;
	r = c->up.dry_run ? 0 : plan_change(&c->up.plan);
	if (r == 0)
		r = want ? dns_resolvconf_set(c->up.dns_prefix, c->up.ifname, want, len,
					      c->up.dry_run)
			 : dns_down(c->up.dns_prefix, c->up.ifname, c->up.dry_run);
	if (r < 0 || c->up.dry_run)
		return r;
	return plan_push_undo(&c->up.plan, undo_dns, NULL, 0);
}

/* First: install or raise, never lower (§4.2); no undo, like up's step 0. */
static int step_killswitch(void *ctx)
{
	struct reload_ctx *c = ctx;

	if (ks_level(c) == CFG_KS_OFF)
		return 0;
	if (c->ks_have > c->ks_want)
		log_error("kill switch for %s stays at %s; 'wgq killswitch off %s' removes it",
			  c->up.ifname, ks_level_name(c->ks_have), c->up.ifname);
	if (c->ks_want == CFG_KS_OFF)
		return 0;
	int r = c->up.dry_run ? 0 : plan_change(&c->up.plan);

	return r ?: kst_replace(&c->up.nft, c->up.ifname, &c->up.cfg, ks_level(c), c->ks_mark,
				c->ks_mark_old, true, c->up.dry_run);
}

/* Last: the device carries the new mark now; the old one goes. */
static int step_killswitch_mark(void *ctx)
{
	struct reload_ctx *c = ctx;

	if (c->ks_want == CFG_KS_OFF || !c->ks_mark_old)
		return 0;
	int r = c->up.dry_run ? 0 : plan_change(&c->up.plan);

	return r ?: kst_replace(&c->up.nft, c->up.ifname, &c->up.cfg, ks_level(c), c->ks_mark, 0,
				false, c->up.dry_run);
}

// clang-format off
static const struct plan_step reload_steps[] = {
	{ "killswitch", step_killswitch },
	{ "device", step_device },
	{ "addresses", step_addresses },
	{ "mtu", step_mtu },
	{ "routes", step_routes },
	{ "dns", step_dns },
	{ "killswitch-mark", step_killswitch_mark },
};
// clang-format on

/* A switch in a target (§5.6) stays as up made it: reload warns when the file asks for
 * another level, and leaves T's and H's rulesets alone. */
static void ks_target_untouched(struct reload_ctx *c)
{
	enum cfg_ks_level have = kst_installed_level(&c->up.ns.socks.nft, c->up.ifname);

	if (have != c->ks_want)
		log_warning("reload leaves the kill switch of %s in namespace '%s' at %s; use down "
			    "and up to change it",
			    c->up.ifname, c->up.ns.given, ks_level_name(have));
	c->ks_want = c->ks_have = CFG_KS_OFF;
}

/* Everything that can fail without changing the system: up's checks (§3.0), then the
 * state read back. */
static int prepare(struct reload_ctx *c, const char *arg, const struct cmd_opts *opts)
{
	/* A userspace implementation builds its reply (10s of ms for a server) while the
	 * config is parsed; read_state takes it. */
	if (!opts->netns && cfg_is_ifname(arg))
		c->ahead = wg_uapi_get_ahead(arg);
	int r = cmd_load(arg, 0, &c->up.file, &c->up.cfg, &c->up.rtnl);

	if (r < 0)
		return r;
	c->up.ifname = c->up.file.ifname;
	c->ks_want = kst_level(&c->up.cfg, opts->kill_switch);
	kst_warn_allows(&c->up.cfg, c->up.file.path, c->ks_want);
	r = kst_check_endpoints(&c->up.cfg, c->up.file.path, c->ks_want, false);
	r = r ?: reload_netns_find(&c->up, opts->netns);
	if (r == 0 && c->up.moved)
		ks_target_untouched(c);
	else if (r == 0)
		c->ks_have = kst_installed_level(&c->up.nft, c->up.ifname);
	if (r == 0 && c->ks_want != CFG_KS_OFF && c->ks_have == CFG_KS_OFF)
		kst_warn_ssh(&c->up.cfg, c->up.ifname);
	if (r == 0 && !c->up.moved && !c->up.no_dns)
		r = dns_check(&c->up.cfg, c->up.file.path, &c->up.dns_tool);
	struct preflight pf = {
		.cfg = &c->up.cfg, .path = c->up.file.path, .ifname = c->up.ifname, .running = true,
		.kill_switch = c->ks_want != CFG_KS_OFF,
	};

	if (r == 0)
		r = preflight_check(&pf);
	if (r == 0)
		r = cfg_resolve_endpoints(&c->up.cfg, c->up.file.path);
	if (r == 0)
		r = read_state(c);
	return r;
}

static void reload_ctx_free(struct reload_ctx *c)
{
	plan_free(&c->up.plan);
	cfg_clear(&c->up.cfg);
	cfg_file_clear(&c->up.file);
	wgdev_clear(&c->up.dev);
	wgdev_clear(&c->cur);
	wgdev_clear(&c->target);
	wgdev_clear(&c->apply);
	wgdev_clear(&c->revert);
	free(c->addrs0);
	free(c->snap);
	free(c->dns0);
	wg_uapi_ahead_free(&c->ahead);
	if (c->up.rtnl)
		nl_close(c->up.rtnl);
	if (c->up.nft)
		nl_close(c->up.nft);
	netns_target_close(&c->up.ns);
}

int cmd_reload(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(reload_ctx_free) struct reload_ctx c = { .up.dry_run = opts->dry_run,
							   .up.no_dns = opts->no_dns,
							   .up.ns = { .fd = -1 } };

	c.up.plan.dry_run = opts->dry_run;
	/* Before any change a signal just ends the run. */
	int r = prepare(&c, arg, opts);

	if (r < 0)
		return r;
	plan_signals_catch();
	return plan_run(&c.up.plan, reload_steps, ARRAY_SIZE(reload_steps), &c);
}
