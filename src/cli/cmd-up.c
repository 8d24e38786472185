// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` (spec §3): checks that change nothing, then a plan of steps, each with its undo.

#include <limits.h>
#include <sys/stat.h>

#include "cli/cmd-common.h"
#include "config/file.h"
#include "config/endpoint.h"
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
#include "tunnel/up.h"
#include "wg/device.h"
#include "wg/uapi.h"

/* The ifindex a dry run pretends the new link has. */
#define DRY_RUN_IFINDEX (-1)

struct link_undo {
	char name[IFNAMSIZ];
	int ifindex;
};

/* Deletes the link where it is: in T after the move (killswitch-netns §5.4). Only the
 * link this run created goes: one of the same name with another ifindex was made by
 * someone else after ours went (issue 18); a move may renumber ours (c->ifindex). */
static void undo_link(void *ctx, const void *data)
{
	struct up_ctx *c = ctx;
	const struct link_undo *u = data;
	struct rtnl_link l;
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "%s link delete dev %s", c->moved ? c->ip : "ip", u->name);
	log_cmd("%s", cmd);
	int r = rtnl_link_get(up_rtnl(c), u->name, &l);

	if (r == 0 && l.ifindex != (c->moved ? c->ifindex : u->ifindex)) {
		log_error("%s: not deleted: it is not the link this run created", cmd);
		return;
	}
	if (r == 0)
		r = rtnl_link_del(up_rtnl(c), l.ifindex);
	if (r < 0 && r != -ENODEV)
		log_step_error(cmd, r);
	if (r == 0)
		wg_uapi_wait_gone(u->name);
}

static int push_link_undo(struct up_ctx *c, int ifindex)
{
	struct link_undo u = { .ifindex = ifindex };

	snprintf(u.name, sizeof(u.name), "%s", c->ifname);
	return plan_push_undo(&c->plan, undo_link, &u, sizeof(u));
}

/* §3.2: without the kernel module, start the userspace implementation. */
static int start_userspace(struct up_ctx *c)
{
	const char *impl = preflight_userspace_impl();
	char *argv[] = { (char *)impl, (char *)c->ifname, NULL };
	char what[PATH_MAX];
	struct spawn_result res;

	log_bang("Missing WireGuard kernel module. Falling back to slow userspace "
		 "implementation.");
	log_cmd("%s %s", impl, c->ifname);
	snprintf(what, sizeof(what), "%s %s", impl, c->ifname);
	int r = plan_change(&c->plan);

	if (r == 0)
		r = spawn_run(argv, NULL, 0, &res);
	if (r < 0) {
		log_error("%s: %s", what, strerror(-r));
		return r;
	}
	r = spawn_check(what, &res);
	struct rtnl_link l;
	int g = rtnl_link_get(c->rtnl, c->ifname, &l);

	/* A link left by a failed start may be another creator's: only a successful
	 * start proves it ours. */
	if (r == 0 && g == 0) {
		c->ifindex = l.ifindex;
		return push_link_undo(c, l.ifindex);
	}
	if (r == 0) {
		log_error("%s: did not create the interface", what);
		r = -ENODEV;
	} else if (g == 0) {
		log_error("`%s' exists but %s failed: left alone", c->ifname, what);
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

	log_cmd("ip link add dev %s type wireguard", c->ifname);
	if (c->dry_run) {
		c->ifindex = DRY_RUN_IFINDEX;
		return 0;
	}
	char cmd[64];
	int r = plan_change(&c->plan);

	snprintf(cmd, sizeof(cmd), "ip link add dev %s type wireguard", c->ifname);
	if (r == 0) {
		/* NLM_F_EXCL: a link someone made since prepare() is EEXIST, never ours. */
		r = rtnl_link_add(c->rtnl, c->ifname, "wireguard");
		if (r < 0 && r != -EEXIST && userspace_possible())
			return start_userspace(c);
	}
	if (r == 0)
		r = rtnl_link_get(c->rtnl, c->ifname, &l);
	if (r == 0)
		r = push_link_undo(c, l.ifindex);
	if (r < 0) {
		log_step_error(cmd, r);
		return r;
	}
	c->ifindex = l.ifindex;
	return 0;
}

static int step_preup(void *ctx)
{
	struct up_ctx *c = ctx;

	return hook_run_all(&c->cfg, CFG_PRE_UP, c->ifname, c->dry_run);
}

static int step_postup(void *ctx)
{
	struct up_ctx *c = ctx;

	return hook_run_all(&c->cfg, CFG_POST_UP, c->ifname, c->dry_run);
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
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "wg addconf %s /dev/fd/63", c->ifname);
	log_cmd("%s", cmd);
	warn_host_bits(&c->cfg.dev);
	if (c->dry_run)
		return 0;
	snprintf(c->cfg.dev.name, sizeof(c->cfg.dev.name), "%s", c->ifname);
	int r = plan_change(&c->plan);

	if (r == 0)
		r = wg_set_device(up_genl(c), &c->cfg.dev);
	if (r < 0)
		log_step_error(cmd, r);
	return r;
}

static int step_addresses(void *ctx)
{
	struct up_ctx *c = ctx;

	for (size_t i = 0; i < c->cfg.n_addresses; i++) {
		const struct cfg_address *a = &c->cfg.addresses[i];
		char cmd[PATH_MAX + 256];

		snprintf(cmd, sizeof(cmd), "%s -%c address add %s dev %s", c->ip,
			 a->family == AF_INET6 ? '6' : '4', a->text, c->ifname);
		log_cmd("%s", cmd);
		if (c->dry_run)
			continue;
		int r = plan_change(&c->plan);

		if (r == 0)
			r = rtnl_addr_add(up_rtnl(c), c->ifindex, a->family, a->addr, a->prefixlen);
		if (r < 0) {
			log_step_error(cmd, r);
			return r;
		}
	}
	return 0;
}

/* The device as the kernel holds it; in a dry run, the config stands in for it. */
static int read_device(struct up_ctx *c)
{
	if (c->have_dev)
		return 0;
	if (c->dry_run) {
		c->have_dev = true;
		return 0;
	}
	int r = wg_get_device(up_genl(c), c->ifname, &c->dev);

	if (r < 0) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "wg show %s", c->ifname);
		log_step_error(cmd, r);
		return r;
	}
	c->have_dev = true;
	return 0;
}

static const struct wg_device *device(const struct up_ctx *c)
{
	return c->dry_run ? &c->cfg.dev : &c->dev;
}

static int step_mtu(void *ctx)
{
	struct up_ctx *c = ctx;
	uint32_t mtu = c->cfg.mtu;
	char cmd[PATH_MAX + 96];
	int r = read_device(c);

	if (r < 0)
		return r;
	if (!mtu) {
		r = mtu_auto(c->rtnl, device(c), &mtu);
		if (r < 0) {
			log_step_error("ip route get", r);
			return r;
		}
	}
	snprintf(cmd, sizeof(cmd), "%s link set mtu %u up dev %s", c->ip, mtu, c->ifname);
	log_cmd("%s", cmd);
	if (c->dry_run)
		return 0;
	r = plan_change(&c->plan);
	if (r == 0)
		r = rtnl_link_set_mtu_up(up_rtnl(c), c->ifindex, mtu);
	if (r < 0)
		log_step_error(cmd, r);
	return r;
}

struct dns_undo {
	char prefix[64];
	char name[IFNAMSIZ];
};

static void undo_dns(void *ctx, const void *data)
{
	const struct dns_undo *u = data;

	(void)ctx;
	dns_down(u->prefix, u->name, false);
}

static int step_dns(void *ctx)
{
	struct up_ctx *c = ctx;

	if (!c->cfg.n_dns_servers || c->no_dns)
		return 0;
	int r = c->dry_run ? 0 : plan_change(&c->plan);

	if (r == 0)
		r = dns_up(c->dns_tool, c->dns_prefix, c->ifname, &c->cfg, c->dry_run);
	/* resolvectl settings go with the link: nothing to undo (§3.7). */
	if (r < 0 || c->dry_run || c->dns_tool != DNS_TOOL_RESOLVCONF)
		return r;
	struct dns_undo u = { 0 };

	snprintf(u.prefix, sizeof(u.prefix), "%s", c->dns_prefix);
	snprintf(u.name, sizeof(u.name), "%s", c->ifname);
	return plan_push_undo(&c->plan, undo_dns, &u, sizeof(u));
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

static void route_cmd(const struct up_ctx *c, const struct route_entry *e, char *cmd,
		      size_t size)
{
	const char *table = c->cfg.table_mode == CFG_TABLE_ID ? c->cfg.table_text : NULL;

	snprintf(cmd, size, "%s -%c route add %s dev %s%s%s", c->ip,
		 e->family == AF_INET6 ? '6' : '4', e->text, c->ifname, table ? " table " : "",
		 table ? table : "");
}

/* Send the queued routes; on failure, name the route that failed. */
static int flush_routes(struct up_ctx *c, struct route_batch *b)
{
	size_t failed = 0;
	int r = b->n ? rtnl_route_add_batch(up_rtnl(c), b->rt, b->n, &failed) : 0;

	if (r < 0) {
		char cmd[PATH_MAX + 192];

		route_cmd(c, b->e[failed], cmd, sizeof(cmd));
		log_step_error(cmd, r);
	}
	b->n = 0;
	return r;
}

static int add_route(struct up_ctx *c, struct route_batch *b, const struct route_entry *e,
		     uint32_t table)
{
	char cmd[PATH_MAX + 192];

	route_cmd(c, e, cmd, sizeof(cmd));
	log_cmd("%s", cmd);
	if (c->dry_run)
		return 0;
	int r = plan_change(&c->plan);

	if (r < 0) {
		/* What was printed before this line is done first. */
		int f = flush_routes(c, b);

		if (f == 0)
			log_step_error(cmd, r);
		return f < 0 ? f : r;
	}
	b->rt[b->n] = (struct rtnl_route){ .family = e->family, .dst_len = e->len,
					   .table = table, .oif = c->ifindex };
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
	if (!c->dry_run)
		return main_routes_dump(up_rtnl(c), out, n);
	struct rtnl_route *r = calloc(c->cfg.n_addresses + 1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < c->cfg.n_addresses; i++) {
		const struct cfg_address *a = &c->cfg.addresses[i];

		r[i] = (struct rtnl_route){ .family = a->family, .dst_len = a->prefixlen,
					    .table = RT_TABLE_MAIN, .oif = DRY_RUN_IFINDEX };
		memcpy(r[i].dst, a->addr, 16);
		ip_mask(a->family, r[i].dst, a->prefixlen);
	}
	*out = r;
	*n = c->cfg.n_addresses;
	return 0;
}

static int route_one(struct up_ctx *c, struct route_batch *b, const struct route_entry *e,
		     const struct rtnl_route *mr, size_t n_mr)
{
	switch (c->cfg.table_mode) {
	case CFG_TABLE_OFF:
		return 0;
	case CFG_TABLE_ID:
		return add_route(c, b, e, c->cfg.table);
	case CFG_TABLE_AUTO:
		break;
	}
	/* In a target a /0 is a plain route (killswitch-netns §5.4). */
	if (e->len == 0 && !c->moved) {
		int r = flush_routes(c, b);

		return r < 0 ? r : fulltunnel_add(c, e);
	}
	if (routes_covered(mr, n_mr, c->ifindex, e))
		return 0;
	return add_route(c, b, e, RT_TABLE_MAIN);
}

static bool needs_lock(const struct up_ctx *c, const struct route_entry *list, size_t n)
{
	if (c->dry_run || c->moved || c->cfg.table_mode != CFG_TABLE_AUTO)
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

	if (c->cfg.table_mode == CFG_TABLE_OFF)
		return 0;
	int r = read_device(c);

	if (r == 0)
		r = routes_from_device(device(c), &list, &n);
	if (r == 0 && c->cfg.table_mode == CFG_TABLE_AUTO)
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

	if (c->cfg.dev.fwmark) {
		*mark = c->cfg.dev.fwmark;
		return 0;
	}
	r = kst_free_mark(c->rtnl, &c->nft, mark);
	if (r < 0) {
		log_step_error("ip route show table all", r);
		return r;
	}
	c->cfg.dev.fwmark = *mark;
	c->cfg.dev.flags |= WGDEV_HAS_FWMARK;
	return 0;
}

/* Step 0 with a target (§5.6): tun-IF in T without a mark rule; when H has a switch,
 * the device gets a mark and H a tun-IF that lets only that mark out. */
static int install_in_target(struct up_ctx *c, uint32_t mark)
{
	int r = kst_install_in(&c->ns.socks.nft, c->ns.given, c->ifname, &c->cfg, c->ks_level,
			       c->dry_run);

	c->ks_installed = !c->dry_run && (r == 0 || r == -EPROTO);
	if (r == 0 && c->ks_host)
		r = kst_install_mark_only(&c->nft, c->ifname, c->ks_level, mark, c->dry_run);
	return r;
}

/* Step 0: closed before the link exists; no undo, only an explicit unlock opens it. */
static int step_killswitch(void *ctx)
{
	struct up_ctx *c = ctx;
	_cleanup_(lock_drop) int lock = -1;
	bool target = c->ns.kind != NETNS_NONE;
	uint32_t mark = 0;
	int r;

	if (c->ks_level == CFG_KS_OFF)
		return 0;
	if (!c->dry_run && (r = lock_take(&lock)) < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	r = !target || c->ks_host ? ks_mark(c, &mark) : 0;
	if (r < 0)
		return r;
	r = c->dry_run ? 0 : plan_change(&c->plan);
	if (r < 0) {
		log_cmd("nft -f /dev/fd/63");
		log_step_error("nft -f /dev/fd/63", r);
		return r;
	}
	if (target)
		return install_in_target(c, mark);
	r = kst_install(&c->nft, c->ifname, &c->cfg, c->ks_level, mark, c->dry_run);
	/* A batch is atomic: only a failed check leaves something unverified behind. */
	c->ks_installed = !c->dry_run && (r == 0 || r == -EPROTO);
	return r;
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
 * up in T. A kill switch in T (§5.6) goes first, as step 0, through c->ns.socks.nft. */
static const struct plan_step up_netns_steps[] = {
	{ "killswitch", step_killswitch },
	{ "link", step_link },
	{ "PreUp", step_preup },
	{ "device", step_device },
	{ "move", up_netns_step_move },
	{ "lo", up_netns_step_lo },
	{ "addresses", step_addresses },
	{ "mtu", step_mtu },
	{ "routes", step_routes },
	{ "dns", up_netns_step_dns },
	{ "PostUp", step_postup },
};

/* §3.0 step 4 and §6 i: DNS must be settable before anything changes. */
static int check_dns(struct up_ctx *c)
{
	if (!c->cfg.n_dns_servers || c->no_dns || c->ns.kind != NETNS_NONE)
		return 0;
	c->dns_tool = dns_choose();
	if (c->dns_tool == DNS_TOOL_NONE) {
		log_error("%s:%u: DNS: neither resolvconf nor a running systemd-resolved "
			  "(resolvectl) is available; install openresolv or resolvconf, or "
			  "enable systemd-resolved",
			  c->file.path, c->cfg.dns_servers[0].line);
		return -ENOENT;
	}
	dns_prefix(c->dns_prefix, sizeof(c->dns_prefix));
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
	bool target = c->ns.kind != NETNS_NONE;
	enum cfg_ks_level installed =
		kst_installed_level(target ? &c->ns.socks.nft : &c->nft, c->ifname);

	if (installed > c->ks_level)
		c->ks_level = installed;
	c->ks_host = target && c->ks_level != CFG_KS_OFF && kst_engaged(&c->nft);
}

/* §3.0: everything that can fail without changing the system. */
static int prepare(struct up_ctx *c, const char *arg, const struct cmd_opts *opts)
{
	struct rtnl_link l;
	int r = cmd_load(arg, CFG_LOAD_HINT, &c->file, &c->cfg, &c->rtnl);

	if (r < 0)
		return r;
	c->ifname = c->file.ifname;
	c->ks_level = kst_level(&c->cfg, opts->kill_switch);
	kst_warn_allows(&c->cfg, c->file.path, c->ks_level);
	r = kst_check_endpoints(&c->cfg, c->file.path, c->ks_level, false);
	r = r ?: up_netns_prepare(c, opts->netns);
	if (r < 0)
		return r;
	r = rtnl_link_get(c->rtnl, c->ifname, &l);
	if (r == 0) {
		log_error("`%s' already exists", c->ifname);
		return -EEXIST;
	}
	if (r != -ENODEV) {
		log_step_error("ip link show", r);
		return r;
	}
	/* A live userspace device of that name, wherever its TUN is (killswitch-netns §2.4). */
	if (wg_uapi_alive(c->ifname)) {
		log_error("`%s' already exists", c->ifname);
		return -EEXIST;
	}
	prepare_switch(c);
	r = check_dns(c);
	struct preflight pf = {
		.cfg = &c->cfg, .path = c->file.path, .ifname = c->ifname, .backend = true,
		.kill_switch = c->ks_level != CFG_KS_OFF,
	};

	if (r == 0)
		r = preflight_check(&pf);
	if (r == 0 && has_host_endpoint(&c->cfg) && kst_engaged(&c->nft))
		cfg_endpoint_error_note(" (a kill switch is engaged here; see 'wgq killswitch status')");
	if (r == 0)
		r = cfg_resolve_endpoints(&c->cfg, c->file.path);
	if (r == 0 && c->ks_level != CFG_KS_OFF)
		kst_warn_ssh(&c->cfg, c->ifname);
	return r;
}

static void up_ctx_free(struct up_ctx *c)
{
	plan_free(&c->plan);
	cfg_clear(&c->cfg);
	cfg_file_clear(&c->file);
	wgdev_clear(&c->dev);
	if (c->rtnl)
		nl_close(c->rtnl);
	if (c->nft)
		nl_close(c->nft);
	netns_target_close(&c->ns);
}

int cmd_up(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(up_ctx_free) struct up_ctx c = { .dry_run = opts->dry_run,
						   .no_dns = opts->no_dns,
						   .ns = { .fd = -1 } };

	c.plan.dry_run = opts->dry_run;
	/* Before any change a signal just ends the run (§4.4). */
	int r = prepare(&c, arg, opts);

	if (r < 0)
		return r;
	plan_signals_catch();
	if (c.ns.kind != NETNS_NONE)
		r = plan_run(&c.plan, up_netns_steps, ARRAY_SIZE(up_netns_steps), &c);
	else
		r = plan_run(&c.plan, up_steps, ARRAY_SIZE(up_steps), &c);
	if (r < 0 && c.ks_installed)
		kst_left_in_place(c.ifname, c.ks_level);
	return r;
}
