// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` into a target namespace (killswitch-netns.md §5.3, §5.4).

#include "tunnel/up-netns.h"

#include <dirent.h>
#include <net/if.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "netlink/rtnl.h"
#include "system/netns-dns.h"
#include "tunnel/fulltunnel.h"
#include "wg/device.h"
#include "wg/uapi.h"

static int check_link_in_target(struct tunnel *c)
{
	struct rtnl_link l;
	int r = rtnl_link_get(c->ns.socks.rtnl, c->ifname, &l);

	if (r == 0) {
		log_error("`%s' already exists in namespace '%s'", c->ifname, c->ns.given);
		return -EEXIST;
	}
	if (r != -ENODEV) {
		log_step_error("ip link show", r);
		return r;
	}
	/* The device is born in H, and the UAPI socket is shared (killswitch-netns.md §5.3
	 * step 2). */
	r = rtnl_link_get(c->rtnl, c->ifname, &l);
	if (r == 0 || wg_uapi_alive(c->ifname)) {
		log_error("`%s' already exists", c->ifname);
		return -EEXIST;
	}
	if (r != -ENODEV)
		log_step_error("ip link show", r);
	return r == -ENODEV ? 0 : r;
}

static void refuse_default(const struct tunnel *c, const struct rtnl_route *rt)
{
	char dst[IP_PREFIX_STRLEN], via[IP_PREFIX_STRLEN + 8] = "", dev[IFNAMSIZ + 8] = "";
	struct rtnl_link l;

	ip_format_prefix(dst, sizeof(dst), rt->family, rt->dst, 0);
	if (rt->has_gateway) {
		char gw[IP_PREFIX_STRLEN];

		ip_format(gw, sizeof(gw), rt->family, rt->gateway);
		snprintf(via, sizeof(via), " via %s", gw);
	}
	if (rt->oif && rtnl_link_get_index(c->ns.socks.rtnl, rt->oif, &l) == 0)
		snprintf(dev, sizeof(dev), " dev %s", l.name);
	log_error("namespace '%s' already has a default route (%s%s%s); remove it, or use "
		  "Table = off with KillSwitch",
		  c->ns.given, dst, via, dev);
}

/* killswitch-netns.md §5.3 step 3: a /0 with Table auto becomes T's default route; one must not be
 * there. */
static int check_default_routes(struct tunnel *c)
{
	static const int families[] = { AF_INET, AF_INET6 };

	if (c->cfg.table_mode != CFG_TABLE_AUTO)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		_cleanup_free_ struct rtnl_route *rt = NULL;
		size_t n = 0;

		if (!fulltunnel_wanted(&c->cfg, &c->cfg.dev, families[i]))
			continue;
		int r = rtnl_route_dump(c->ns.socks.rtnl, families[i], RT_TABLE_MAIN, &rt, &n);

		if (r < 0) {
			log_step_error("ip route show", r);
			return r;
		}
		for (size_t j = 0; j < n; j++) {
			if (rt[j].dst_len == 0) {
				refuse_default(c, &rt[j]);
				return -EEXIST;
			}
		}
	}
	return 0;
}

int up_netns_prepare(struct tunnel *c, const char *netns_flag)
{
	int r = netns_target_setup(&c->ns, netns_flag, c->cfg.netns, c->file.path,
				   c->cfg.netns_line);

	netns_ip_prefix(&c->ns, c->ip, sizeof(c->ip));
	if (r < 0 || c->ns.kind == NETNS_NONE)
		return r;
	r = check_link_in_target(c);
	if (r == 0)
		r = check_default_routes(c);
	if (r == 0 && !c->no_dns)
		r = netns_dns_check(&c->ns, &c->cfg, c->file.path, c->ifname);
	if (r == 0)
		netns_export_env(&c->ns);
	return r;
}

static int refuse_move(const struct tunnel *c)
{
	log_error("reload cannot move %s to another namespace; use down and up", c->ifname);
	return -EINVAL;
}

/* Is IF a WireGuard link in the named namespace at the dirent name (not T)? */
static bool in_named(const struct tunnel *c, const char *name)
{
	struct netns_target o;
	int ifindex;
	bool found = false;

	netns_target_init(&o, NULL, name);
	if (netns_open(&o) == 0 && !netns_same(&o, &c->ns) && netns_open_socks(&o) == 0)
		found = wg_interface_find(o.socks.rtnl, c->ifname, &ifindex) == 0;
	netns_target_close(&o);
	return found;
}

/* A kernel device leaves no trace in H once moved: look in the named namespaces. */
static bool in_other_named(const struct tunnel *c)
{
	_cleanup_closedir_ DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (cfg_is_netns_name(e->d_name) && in_named(c, e->d_name))
			return true;
	return false;
}

/* IF is not where the target says: in H, behind a UAPI socket elsewhere, or in
 * another named namespace. */
static int find_elsewhere(struct tunnel *c)
{
	int ifindex, r = wg_interface_find(c->rtnl, c->ifname, &ifindex);

	if (r == 0 && c->ns.kind != NETNS_NONE)
		return refuse_move(c);
	if (r == 0) {
		c->ifindex = ifindex;
		return 0;
	}
	if (r == -ENODEV && (wg_uapi_alive(c->ifname) || in_other_named(c)))
		return refuse_move(c);
	if (r == -ENODEV)
		log_error("`%s' is not a WireGuard interface", c->ifname);
	return r;
}

int reload_netns_find(struct tunnel *c, const char *netns_flag)
{
	int r = netns_target_setup(&c->ns, netns_flag, c->cfg.netns, c->file.path,
				   c->cfg.netns_line);

	netns_ip_prefix(&c->ns, c->ip, sizeof(c->ip));
	if (r < 0)
		return r;
	if (c->ns.kind == NETNS_NONE)
		return find_elsewhere(c);
	r = wg_interface_find(c->ns.socks.rtnl, c->ifname, &c->ifindex);
	if (r == -ENODEV)
		return find_elsewhere(c);
	if (r < 0)
		return r;
	c->moved = true;
	netns_export_env(&c->ns);
	return c->no_dns ? 0 : netns_dns_check(&c->ns, &c->cfg, c->file.path, c->ifname);
}

int reload_netns_dns(struct tunnel *c)
{
	if (c->ns.kind != NETNS_NAME)
		return 0;
	if (!c->cfg.n_dns_servers)
		return netns_dns_remove(c->ns.name, c->ifname, c->dry_run, &c->plan);
	return netns_dns_sync(c->ns.name, &c->cfg, c->ifname, &c->plan);
}

int up_netns_move(struct tunnel *c)
{
	struct log_line cmd;
	struct rtnl_link l;

	log_line(&cmd, "ip link set dev %s netns %s", c->ifname, c->ns.given);
	if (c->dry_run) {
		c->moved = true;
		return 0;
	}
	int r = plan_change(&c->plan);

	if (r == 0)
		r = rtnl_link_set_netns(c->rtnl, c->ifindex, c->ns.fd);
	if (r == 0) {
		c->moved = true;
		/* The index may change when T already uses it. */
		r = rtnl_link_get(c->ns.socks.rtnl, c->ifname, &l);
		if (r == 0)
			c->ifindex = l.ifindex;
	}
	return log_line_end(&cmd, r);
}

int up_netns_lo(struct tunnel *c)
{
	struct log_line cmd;
	struct rtnl_link lo;
	int r = rtnl_link_get(c->ns.socks.rtnl, "lo", &lo);

	if (r < 0) {
		log_step_error("ip link show dev lo", r);
		return r;
	}
	if (lo.flags & IFF_UP)
		return 0;
	log_line(&cmd, "%s link set dev lo up", c->ip);
	if (c->dry_run)
		return 0;
	r = plan_change(&c->plan);
	if (r == 0)
		r = rtnl_link_set_up(c->ns.socks.rtnl, lo.ifindex);
	return log_line_end(&cmd, r);
}

struct dns_file_undo {
	char name[NETNS_NAME_MAX + 1];
	char ifname[IFNAMSIZ];
	size_t file;
};

static void undo_dns_file(const void *data)
{
	const struct dns_file_undo *u = data;

	netns_dns_remove_one(u->name, u->file, u->ifname, false);
}

int up_netns_dns(struct tunnel *c)
{

	if (!c->cfg.n_dns_servers || c->no_dns || c->ns.kind != NETNS_NAME)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(netns_dns_files); i++) {
		int r = netns_dns_write(c->ns.name, i, &c->cfg, c->ifname, &c->plan);

		if (r < 0)
			return r;
		if (c->dry_run)
			continue;
		struct dns_file_undo u = { .file = i };

		snprintf(u.name, sizeof(u.name), "%s", c->ns.name);
		snprintf(u.ifname, sizeof(u.ifname), "%s", c->ifname);
		r = plan_push_undo(&c->plan, undo_dns_file, &u, sizeof(u));
		if (r < 0)
			return r;
	}
	return 0;
}
