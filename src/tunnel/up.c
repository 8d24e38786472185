// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` (behaviour.md §3): checks that change nothing, then a plan of steps, each with its undo.
// The routes step is up-routes.c's, the kill switch's up-killswitch.c's.

#include "tunnel/up.h"

#include <limits.h>
#include <sys/stat.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "netlink/rtnl.h"
#include "system/hooks.h"
#include "system/spawn.h"
#include "tunnel/ks-tunnel.h"
#include "tunnel/mtu.h"
#include "tunnel/preflight.h"
#include "tunnel/up-netns.h"
#include "wg/device.h"
#include "wg/uapi.h"
#include "config/endpoint.h"

/* c: read at rollback time (where the link is now, its index after a move). */
struct link_undo {
	const struct up_ctx *c;
	char name[IFNAMSIZ];
	int ifindex;
};

/* Deletes the link where it is: in T after the move (killswitch-netns.md §5.4). Only the
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

/* behaviour.md §3.2: without the kernel module, start the userspace implementation. */
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
		c->t.ifindex = UP_DRY_RUN_IFINDEX;
		return 0;
	}
	int r = plan_change(&c->t.plan);

	if (r == 0) {
		/* NLM_F_EXCL: a link someone made since up_prepare() is EEXIST, never ours. */
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

		log_line(&cmd, "%s -%c address add %s dev %s", c->t.ip, ip_family_flag(a->family),
			 a->text, c->t.ifname);
		if (c->t.dry_run)
			continue;
		int r = plan_change(&c->t.plan);

		if (r == 0)
			r = rtnl_addr_add(tunnel_rtnl(&c->t), c->t.ifindex, a->family, a->addr,
					  a->prefixlen);
		if (log_line_end(&cmd, r) < 0)
			return r;
	}
	return 0;
}

int up_read_device(struct up_ctx *c)
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

const struct wg_device *up_device(const struct up_ctx *c)
{
	return c->t.dry_run ? &c->t.cfg.dev : &c->dev;
}

static int step_mtu(void *ctx)
{
	struct up_ctx *c = ctx;
	uint32_t mtu = c->t.cfg.mtu;
	int r = up_read_device(c);

	if (r < 0)
		return r;
	if (!mtu) {
		r = mtu_auto(c->t.rtnl, up_device(c), &mtu);
		if (r < 0) {
			log_step_error("ip route get", r);
			return r;
		}
	}
	return tunnel_set_mtu(&c->t, mtu, true);
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
	/* resolvectl settings go with the link: nothing to undo (behaviour.md §3.7). */
	if (r < 0 || c->t.dry_run || c->t.dns_tool != DNS_TOOL_RESOLVCONF)
		return r;
	struct dns_undo u = { 0 };

	snprintf(u.prefix, sizeof(u.prefix), "%s", c->t.dns_prefix);
	snprintf(u.name, sizeof(u.name), "%s", c->t.ifname);
	return plan_push_undo(&c->t.plan, undo_dns, &u, sizeof(u));
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
	{ "killswitch", up_step_killswitch },
	{ "link", step_link },
	{ "PreUp", step_preup },
	{ "device", step_device },
	{ "addresses", step_addresses },
	{ "mtu", step_mtu },
	{ "dns", step_dns },
	{ "routes", up_step_routes },
	{ "PostUp", step_postup },
};

/* With a target namespace (killswitch-netns.md §5.4): configured in H, moved, then set
 * up in T. A kill switch in T (killswitch-netns.md §5.6) goes first, as step 0, through
 * c->t.ns.socks.nft. */
static const struct plan_step up_netns_steps[] = {
	{ "killswitch", up_step_killswitch },
	{ "link", step_link },
	{ "PreUp", step_preup },
	{ "device", step_device },
	{ "move", step_move },
	{ "lo", step_lo },
	{ "addresses", step_addresses },
	{ "mtu", step_mtu },
	{ "routes", up_step_routes },
	{ "dns", step_netns_dns },
	{ "PostUp", step_postup },
};

static bool has_host_endpoint(const struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->dev.n_peers; i++)
		if (cfg->dev.peers[i].endpoint_text && cfg->dev.peers[i].endpoint_is_host)
			return true;
	return false;
}

/* behaviour.md §3.0: everything that can fail without changing the system. */
int up_prepare(struct up_ctx *c, int kill_switch, const char *netns)
{
	struct rtnl_link l;
	int r;

	c->t.ifname = c->t.file.ifname;
	r = kst_prepare(&c->t.cfg, c->t.file.path, kill_switch, &c->ks_level);
	r = r ?: up_netns_prepare(&c->t, netns);
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
	/* A live userspace device of that name, wherever its TUN is (killswitch-netns.md §2.4). */
	if (wg_uapi_alive(c->t.ifname)) {
		log_error("`%s' already exists", c->t.ifname);
		return -EEXIST;
	}
	up_prepare_switch(c);
	/* behaviour.md §3.0 step 4 and §6 i: DNS must be settable before anything changes. */
	r = c->t.no_dns || c->t.ns.kind != NETNS_NONE
		    ? 0
		    : dns_check(&c->t.cfg, c->t.file.path, &c->t.dns_tool);
	if (r == 0 && c->t.dns_tool != DNS_TOOL_NONE)
		dns_prefix(c->t.dns_prefix, sizeof(c->t.dns_prefix));
	if (r == 0)
		r = tunnel_preflight(&c->t, false, c->ks_level != CFG_KS_OFF);
	if (r == 0 && has_host_endpoint(&c->t.cfg) && kst_engaged(&c->t.nft))
		cfg_endpoint_error_note(
			" (a kill switch is engaged here; see 'wgq killswitch status')");
	if (r == 0)
		r = cfg_resolve_endpoints(&c->t.cfg, c->t.file.path);
	if (r == 0 && c->ks_level != CFG_KS_OFF)
		kst_warn_ssh(&c->t.cfg, c->t.ifname);
	return r;
}

void up_ctx_free(struct up_ctx *c)
{
	tunnel_free(&c->t);
	wgdev_clear(&c->dev);
}

int up_run(struct up_ctx *c)
{
	int r;

	plan_signals_catch();
	if (c->t.ns.kind != NETNS_NONE)
		r = plan_run(&c->t.plan, up_netns_steps, ARRAY_SIZE(up_netns_steps), c);
	else
		r = plan_run(&c->t.plan, up_steps, ARRAY_SIZE(up_steps), c);
	if (r < 0 && c->ks_installed)
		kst_left_in_place(c->t.ifname, c->ks_level);
	return r;
}
