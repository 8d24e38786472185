// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` (spec §3): checks that change nothing, then a plan of steps, each with its undo.

#include <limits.h>
#include <sys/stat.h>

#include "cli/cmd-common.h"
#include "config/file.h"
#include "system/hooks.h"
#include "tunnel/ks-tunnel.h"
#include "system/lock.h"
#include "base/log.h"
#include "base/macro.h"
#include "tunnel/mtu.h"
#include "tunnel/preflight.h"
#include "system/spawn.h"
#include "cli/commands.h"
#include "tunnel/up-netns.h"
#include "tunnel/fulltunnel.h"
#include "tunnel/up.h"
#include "wg/device.h"

/* The ifindex a dry run pretends the new link has. */
#define DRY_RUN_IFINDEX (-1)

/* c: read at rollback time (where the link is now, its index after a move). */
struct link_undo {
	const struct up_ctx *c;
	char name[IFNAMSIZ];
	int ifindex;
};

/* Deletes the link where it is: in T after the move (killswitch-netns §5.4). Only the
 * link this run created goes: one of the same name with another ifindex was made by
 * someone else after ours went (issue 18); a move may renumber ours (c->t.ifindex). */
static void undo_link(const void *data)
{
	const struct link_undo *u = data;
	const struct up_ctx *c = u->c;
	struct rtnl_link l;
	struct log_line cmd;

	log_line(&cmd, "%s link delete dev %s", c->t.moved ? c->t.ip : "ip", u->name);
	int r = rtnl_link_get(tunnel_rtnl(&c->t), u->name, &l);

	if (r == 0 && l.ifindex != (c->t.moved ? c->t.ifindex : u->ifindex)) {
		log_error("%s: not deleted: it is not the link this run created", cmd.text);
		return;
	}
	if (r == 0)
		r = rtnl_link_del(tunnel_rtnl(&c->t), l.ifindex);
	log_line_end(&cmd, r == -ENODEV ? 0 : r);
	if (r == 0)
		wg_uapi_wait_gone(u->name);
}

static int push_link_undo(struct up_ctx *c, int ifindex)
{
	struct link_undo u = { .c = c, .ifindex = ifindex };

	snprintf(u.name, sizeof(u.name), "%s", c->t.ifname);
	return plan_push_undo(&c->t.plan, undo_link, &u, sizeof(u));
}

/* §3.2: without the kernel module, start the userspace implementation. */
static int start_userspace(struct up_ctx *c)
{
	const char *impl = preflight_userspace_impl();
	char *argv[] = { (char *)impl, (char *)c->t.ifname, NULL };
	struct log_line l;
	const char *what = l.text;
	struct spawn_result res;

	log_bang("Missing WireGuard kernel module. Falling back to slow userspace "
		 "implementation.");
	log_line(&l, "%s %s", impl, c->t.ifname);
	int r = plan_change(&c->t.plan);

	if (r == 0)
		r = spawn_run(argv, NULL, 0, &res);
	if (r < 0) {
		log_error("%s: %s", what, strerror(-r));
		return r;
	}
	r = spawn_check(what, &res);
	struct rtnl_link link;
	int g = rtnl_link_get(c->t.rtnl, c->t.ifname, &link);

	/* A link left by a failed start may be another creator's: only a successful
	 * start proves it ours. */
	if (r == 0 && g == 0) {
		c->t.ifindex = link.ifindex;
		return push_link_undo(c, link.ifindex);
	}
	if (r == 0) {
		log_error("%s: did not create the interface", what);
		r = -ENODEV;
	} else if (g == 0) {
		log_error("`%s' exists but %s failed: left alone", c->t.ifname, what);
	}
	return r;
}

static bool userspace_possible(void)
{
	char path[PATH_MAX];
	struct stat st;

	return stat("/sys/module/wireguard", &st) < 0 &&
	       spawn_which(preflight_userspace_impl(), path, sizeof(path));
}

static int step_link(void *ctx)
{
	struct up_ctx *c = ctx;
	struct rtnl_link l;
	struct log_line cmd;

	log_line(&cmd, "ip link add dev %s type wireguard", c->t.ifname);
	if (c->t.dry_run) {
		c->t.ifindex = DRY_RUN_IFINDEX;
		return 0;
	}
	int r = plan_change(&c->t.plan);

	if (r == 0) {
		/* NLM_F_EXCL: a link someone made since prepare() is EEXIST, never ours. */
		r = rtnl_link_add(c->t.rtnl, c->t.ifname, "wireguard");
		if (r < 0 && r != -EEXIST && userspace_possible())
			return start_userspace(c);
	}
	if (r == 0)
		r = rtnl_link_get(c->t.rtnl, c->t.ifname, &l);
	if (r == 0)
		r = push_link_undo(c, l.ifindex);
	if (log_line_end(&cmd, r) < 0)
		return r;
	c->t.ifindex = l.ifindex;
	return 0;
}

static int step_preup(void *ctx)
{
	struct up_ctx *c = ctx;

	return hook_run_all(&c->t.cfg, CFG_PRE_UP, c->t.ifname, c->t.dry_run);
}

static int step_postup(void *ctx)
{
	struct up_ctx *c = ctx;

	return hook_run_all(&c->t.cfg, CFG_POST_UP, c->t.ifname, c->t.dry_run);
}

/* wg(8) warns about host bits while reading the config; so do we. */
static void warn_host_bits(const struct wg_device *dev)
{
	for (size_t i = 0; i < dev->n_peers; i++) {
		for (size_t j = 0; j < dev->peers[i].n_allowedips; j++) {
			const struct wg_allowedip *a = &dev->peers[i].allowedips[j];
			uint8_t m[16];
			char text[IP_PREFIX_STRLEN];

			memcpy(m, a->raw, 16);
			ip_mask(a->family, m, a->cidr);
			if (!memcmp(m, a->raw, a->family == AF_INET ? 4 : 16))
				continue;
			ip_format_prefix(text, sizeof(text), a->family, a->raw, a->cidr);
			fprintf(stderr, "Warning: AllowedIP has nonzero host part: %s\n", text);
		}
	}
}

static int step_device(void *ctx)
{
	struct up_ctx *c = ctx;
	struct log_line cmd;

	log_line(&cmd, "wg addconf %s /dev/fd/63", c->t.ifname);
	warn_host_bits(&c->t.cfg.dev);
	if (c->t.dry_run)
		return 0;
	snprintf(c->t.cfg.dev.name, sizeof(c->t.cfg.dev.name), "%s", c->t.ifname);
	int r = plan_change(&c->t.plan);

	if (r == 0)
		r = wg_set_device(tunnel_genl(&c->t), &c->t.cfg.dev);
	return log_line_end(&cmd, r);
}

static int step_addresses(void *ctx)
{
	struct up_ctx *c = ctx;

	for (size_t i = 0; i < c->t.cfg.n_addresses; i++) {
		const struct cfg_address *a = &c->t.cfg.addresses[i];
		struct log_line cmd;

		log_line(&cmd, "%s -%c address add %s dev %s", c->t.ip,
			 a->family == AF_INET6 ? '6' : '4', a->text, c->t.ifname);
		if (c->t.dry_run)
			continue;
		int r = plan_change(&c->t.plan);

		if (r == 0)
			r = rtnl_addr_add(tunnel_rtnl(&c->t), c->t.ifindex, a->family, a->addr, a->prefixlen);
		if (log_line_end(&cmd, r) < 0)
			return r;
	}
	return 0;
}

/* The device as the kernel holds it; in a dry run, the config stands in for it. */
static int read_device(struct up_ctx *c)
{
	if (c->have_dev)
		return 0;
	if (c->t.dry_run) {
		c->have_dev = true;
		return 0;
	}
	int r = wg_get_device(tunnel_genl(&c->t), c->t.ifname, &c->dev);

	if (r < 0) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "wg show %s", c->t.ifname);
		log_step_error(cmd, r);
		return r;
	}
	c->have_dev = true;
	return 0;
}

static const struct wg_device *device(const struct up_ctx *c)
{
	return c->t.dry_run ? &c->t.cfg.dev : &c->dev;
}

static int step_mtu(void *ctx)
{
	struct up_ctx *c = ctx;
	uint32_t mtu = c->t.cfg.mtu;
	struct log_line cmd;
	int r = read_device(c);

	if (r < 0)
		return r;
	if (!mtu) {
		r = mtu_auto(c->t.rtnl, device(c), &mtu);
		if (r < 0) {
			log_step_error("ip route get", r);
			return r;
		}
	}
	log_line(&cmd, "%s link set mtu %u up dev %s", c->t.ip, mtu, c->t.ifname);
	if (c->t.dry_run)
		return 0;
	r = plan_change(&c->t.plan);
	if (r == 0)
		r = rtnl_link_set_mtu_up(tunnel_rtnl(&c->t), c->t.ifindex, mtu);
	return log_line_end(&cmd, r);
}

struct dns_undo {
	char prefix[64];
	char name[IFNAMSIZ];
};

static void undo_dns(const void *data)
{
	const struct dns_undo *u = data;

	dns_down(u->prefix, u->name, false);
}

static int step_dns(void *ctx)
{
	struct up_ctx *c = ctx;

	if (!c->t.cfg.n_dns_servers || c->t.no_dns)
		return 0;
	int r = c->t.dry_run ? 0 : plan_change(&c->t.plan);

	if (r == 0)
		r = dns_up(c->t.dns_tool, c->t.dns_prefix, c->t.ifname, &c->t.cfg, c->t.dry_run);
	/* resolvectl settings go with the link: nothing to undo (§3.7). */
	if (r < 0 || c->t.dry_run || c->t.dns_tool != DNS_TOOL_RESOLVCONF)
		return r;
	struct dns_undo u = { 0 };

	snprintf(u.prefix, sizeof(u.prefix), "%s", c->t.dns_prefix);
	snprintf(u.name, sizeof(u.name), "%s", c->t.ifname);
	return plan_push_undo(&c->t.plan, undo_dns, &u, sizeof(u));
}

/*
 * The routes of step_routes go to the kernel in batches (rtnl_route_add_batch): the
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
		 e->family == AF_INET6 ? '6' : '4', e->text, c->t.ifname, table ? " table " : "",
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
	b->rt[b->n] = (struct rtnl_route){ .family = e->family, .dst_len = e->len,
					   .table = table, .oif = c->t.ifindex };
	memcpy(b->rt[b->n].dst, e->addr, sizeof(e->addr));
	b->e[b->n++] = e;
	return b->n == ROUTE_BATCH ? flush_routes(c, b) : 0;
}

static int main_routes_dump(struct nl_sock *s, struct rtnl_route **out, size_t *n)
{
	_cleanup_free_ struct rtnl_route *r4 = NULL, *r6 = NULL;
	size_t n4 = 0, n6 = 0;
	int r = rtnl_route_dump(s, AF_INET, RT_TABLE_MAIN, &r4, &n4);

	if (r == 0)
		r = rtnl_route_dump(s, AF_INET6, RT_TABLE_MAIN, &r6, &n6);
	if (r < 0)
		return r;
	struct rtnl_route *all = realloc(TAKE_PTR(r4), (n4 + n6 + 1) * sizeof(*all));

	if (!all)
		return -ENOMEM;
	if (n6)
		memcpy(all + n4, r6, n6 * sizeof(*all));
	*out = all;
	*n = n4 + n6;
	return 0;
}

/* The main table's routes for the covering check: one dump per family instead of a
 * query per prefix. In a dry run the address prefix routes do not exist yet, so the
 * configured addresses stand in for them. */
static int main_routes(struct up_ctx *c, struct rtnl_route **out, size_t *n)
{
	if (!c->t.dry_run)
		return main_routes_dump(tunnel_rtnl(&c->t), out, n);
	struct rtnl_route *r = calloc(c->t.cfg.n_addresses + 1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < c->t.cfg.n_addresses; i++) {
		const struct cfg_address *a = &c->t.cfg.addresses[i];

		r[i] = (struct rtnl_route){ .family = a->family, .dst_len = a->prefixlen,
					    .table = RT_TABLE_MAIN, .oif = DRY_RUN_IFINDEX };
		memcpy(r[i].dst, a->addr, 16);
		ip_mask(a->family, r[i].dst, a->prefixlen);
	}
	*out = r;
	*n = c->t.cfg.n_addresses;
	return 0;
}

/* §3.9 for a /0; the table and mark chosen for the first family serve the second. */
static int full_tunnel(struct up_ctx *c, const struct route_entry *e)
{
	struct fulltunnel_ctx ft = {
		.plan = &c->t.plan, .rtnl = c->t.rtnl, .nft = &c->t.nft, .ifname = c->t.ifname,
		.ifindex = c->t.ifindex, .dry_run = c->t.dry_run, .cfg = &c->t.cfg, .fwmark = c->fwmark,
	};
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
	/* In a target a /0 is a plain route (killswitch-netns §5.4). */
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

static int step_routes(void *ctx)
{
	struct up_ctx *c = ctx;
	_cleanup_free_ struct route_entry *list = NULL;
	_cleanup_free_ struct rtnl_route *mr = NULL;
	size_t n = 0, n_mr = 0;

	if (c->t.cfg.table_mode == CFG_TABLE_OFF)
		return 0;
	int r = read_device(c);

	if (r == 0)
		r = routes_from_device(device(c), &list, &n);
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

/* The mark goes into the device's first configuration (killswitch-netns §4.1). */
static int ks_mark(struct up_ctx *c, uint32_t *mark)
{
	int r;

	if (c->t.cfg.dev.fwmark) {
		*mark = c->t.cfg.dev.fwmark;
		return 0;
	}
	r = kst_free_mark(c->t.rtnl, &c->t.nft, mark);
	if (r < 0) {
		log_step_error("ip route show table all", r);
		return r;
	}
	c->t.cfg.dev.fwmark = *mark;
	c->t.cfg.dev.flags |= WGDEV_HAS_FWMARK;
	return 0;
}

/* Step 0 with a target (§5.6): tun-IF in T without a mark rule; when H has a switch,
 * the device gets a mark and H a tun-IF that lets only that mark out. */
static int install_in_target(struct up_ctx *c, uint32_t mark)
{
	int r = kst_install_in(&c->t.ns.socks.nft, c->t.ns.given, c->t.ifname, &c->t.cfg, c->ks_level,
			       c->t.dry_run);

	c->ks_installed = !c->t.dry_run && (r == 0 || r == -EPROTO);
	if (r == 0 && c->ks_host)
		r = kst_install_mark_only(&c->t.nft, c->t.ifname, c->ks_level, mark, c->t.dry_run);
	return r;
}

/* Step 0: closed before the link exists; no undo, only an explicit unlock opens it. */
static int step_killswitch(void *ctx)
{
	struct up_ctx *c = ctx;
	_cleanup_(lock_drop) int lock = -1;
	bool target = c->t.ns.kind != NETNS_NONE;
	uint32_t mark = 0;
	int r;

	if (c->ks_level == CFG_KS_OFF)
		return 0;
	if (!c->t.dry_run && (r = lock_take(&lock)) < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	r = !target || c->ks_host ? ks_mark(c, &mark) : 0;
	if (r < 0)
		return r;
	r = c->t.dry_run ? 0 : plan_change(&c->t.plan);
	if (r < 0) {
		struct log_line cmd;

		log_line(&cmd, "nft -f /dev/fd/63");
		return log_line_end(&cmd, r);
	}
	if (target)
		return install_in_target(c, mark);
	r = kst_install(&c->t.nft, c->t.ifname, &c->t.cfg, c->ks_level, mark, c->t.dry_run);
	/* A batch is atomic: only a failed check leaves something unverified behind. */
	c->ks_installed = !c->t.dry_run && (r == 0 || r == -EPROTO);
	return r;
}

static int step_move(void *ctx)
{
	struct up_ctx *c = ctx;

	return up_netns_move(&c->t);
}

static int step_lo(void *ctx)
{
	struct up_ctx *c = ctx;

	return up_netns_lo(&c->t);
}

static int step_netns_dns(void *ctx)
{
	struct up_ctx *c = ctx;

	return up_netns_dns(&c->t);
}

static const struct plan_step up_steps[] = {
	{ "killswitch", step_killswitch },
	{ "link", step_link },
	{ "PreUp", step_preup },
	{ "device", step_device },
	{ "addresses", step_addresses },
	{ "mtu", step_mtu },
	{ "dns", step_dns },
	{ "routes", step_routes },
	{ "PostUp", step_postup },
};

/* With a target namespace (killswitch-netns §5.4): configured in H, moved, then set
 * up in T. A kill switch in T (§5.6) goes first, as step 0, through c->t.ns.socks.nft. */
static const struct plan_step up_netns_steps[] = {
	{ "killswitch", step_killswitch },
	{ "link", step_link },
	{ "PreUp", step_preup },
	{ "device", step_device },
	{ "move", step_move },
	{ "lo", step_lo },
	{ "addresses", step_addresses },
	{ "mtu", step_mtu },
	{ "routes", step_routes },
	{ "dns", step_netns_dns },
	{ "PostUp", step_postup },
};

/* §3.0 step 4 and §6 i: DNS must be settable before anything changes. */
static int check_dns(struct up_ctx *c)
{
	if (!c->t.cfg.n_dns_servers || c->t.no_dns || c->t.ns.kind != NETNS_NONE)
		return 0;
	c->t.dns_tool = dns_choose();
	if (c->t.dns_tool == DNS_TOOL_NONE) {
		log_error("%s:%u: DNS: neither resolvconf nor a running systemd-resolved "
			  "(resolvectl) is available; install openresolv or resolvconf, or "
			  "enable systemd-resolved",
			  c->t.file.path, c->t.cfg.dns_servers[0].line);
		return -ENOENT;
	}
	dns_prefix(c->t.dns_prefix, sizeof(c->t.dns_prefix));
	return 0;
}

static bool has_host_endpoint(const struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->dev.n_peers; i++)
		if (cfg->dev.peers[i].endpoint_text && cfg->dev.peers[i].endpoint_is_host)
			return true;
	return false;
}

/* Never lower a switch already there (killswitch on, a lockdown kept by down); with a
 * target, the switch is T's, and H's own switch asks for a mark (§5.6). */
static void prepare_switch(struct up_ctx *c)
{
	bool target = c->t.ns.kind != NETNS_NONE;
	enum cfg_ks_level installed =
		kst_installed_level(target ? &c->t.ns.socks.nft : &c->t.nft, c->t.ifname);

	if (installed > c->ks_level)
		c->ks_level = installed;
	c->ks_host = target && c->ks_level != CFG_KS_OFF && kst_engaged(&c->t.nft);
}

/* §3.0: everything that can fail without changing the system. */
static int prepare(struct up_ctx *c, const char *arg, const struct cmd_opts *opts)
{
	struct rtnl_link l;
	int r = cmd_load(arg, CFG_LOAD_HINT, &c->t.file, &c->t.cfg, &c->t.rtnl);

	if (r < 0)
		return r;
	c->t.ifname = c->t.file.ifname;
	c->ks_level = kst_level(&c->t.cfg, opts->kill_switch);
	kst_warn_allows(&c->t.cfg, c->t.file.path, c->ks_level);
	r = kst_check_endpoints(&c->t.cfg, c->t.file.path, c->ks_level, false);
	r = r ?: up_netns_prepare(&c->t, opts->netns);
	if (r < 0)
		return r;
	r = rtnl_link_get(c->t.rtnl, c->t.ifname, &l);
	if (r == 0) {
		log_error("`%s' already exists", c->t.ifname);
		return -EEXIST;
	}
	if (r != -ENODEV) {
		log_step_error("ip link show", r);
		return r;
	}
	/* A live userspace device of that name, wherever its TUN is (killswitch-netns §2.4). */
	if (wg_uapi_alive(c->t.ifname)) {
		log_error("`%s' already exists", c->t.ifname);
		return -EEXIST;
	}
	prepare_switch(c);
	r = check_dns(c);
	struct preflight pf = {
		.cfg = &c->t.cfg, .path = c->t.file.path, .ifname = c->t.ifname, .backend = true,
		.kill_switch = c->ks_level != CFG_KS_OFF,
	};

	if (r == 0)
		r = preflight_check(&pf);
	if (r == 0 && has_host_endpoint(&c->t.cfg) && kst_engaged(&c->t.nft))
		cfg_endpoint_error_note(" (a kill switch is engaged here; see 'wgq killswitch status')");
	if (r == 0)
		r = cfg_resolve_endpoints(&c->t.cfg, c->t.file.path);
	if (r == 0 && c->ks_level != CFG_KS_OFF)
		kst_warn_ssh(&c->t.cfg, c->t.ifname);
	return r;
}

static void up_ctx_free(struct up_ctx *c)
{
	tunnel_free(&c->t);
	wgdev_clear(&c->dev);
}

int cmd_up(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(up_ctx_free) struct up_ctx c = {
		.t = { .dry_run = opts->dry_run, .no_dns = opts->no_dns, .ns = { .fd = -1 } },
	};

	c.t.plan.dry_run = opts->dry_run;
	/* Before any change a signal just ends the run (§4.4). */
	int r = prepare(&c, arg, opts);

	if (r < 0)
		return r;
	plan_signals_catch();
	if (c.t.ns.kind != NETNS_NONE)
		r = plan_run(&c.t.plan, up_netns_steps, ARRAY_SIZE(up_netns_steps), &c);
	else
		r = plan_run(&c.t.plan, up_steps, ARRAY_SIZE(up_steps), &c);
	if (r < 0 && c.ks_installed)
		kst_left_in_place(c.t.ifname, c.ks_level);
	return r;
}
