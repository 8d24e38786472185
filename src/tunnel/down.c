// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `down` (behaviour.md §4.1): works from system state, so an edited config still leaves
// nothing behind (behaviour.md §6 c), and removes only this tunnel's rules (behaviour.md §6 d).

#include "tunnel/down.h"

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <limits.h>

#include "config/file.h"
#include "system/dns.h"
#include "tunnel/down-leftovers.h"
#include "system/hooks.h"
#include "tunnel/ks-tunnel.h"
#include "system/lock.h"
#include "base/log.h"
#include "base/macro.h"
#include "system/netns-dns.h"
#include "firewall/nft.h"
#include "base/plan.h"
#include "netlink/rtnl.h"
#include "tunnel/save.h"
#include "system/spawn.h"
#include "tunnel/fulltunnel.h"
#include "wg/device.h"
#include "wg/uapi.h"

/* The rtnetlink and generic netlink sockets of the namespace IF is in. */
static struct nl_sock *dev_rtnl(const struct down_ctx *c)
{
	return c->in_target ? c->t.ns.socks.rtnl : c->t.rtnl;
}

static struct nl_sock *dev_genl(const struct down_ctx *c)
{
	return c->in_target ? c->t.ns.socks.genl : NULL;
}

/* The rules are this tunnel's when the config still makes it a full tunnel or its
 * table routes through IF; otherwise they are another tunnel's (behaviour.md §6 d). The check that
 * needs no route dump comes first. */
static int delete_family_rules(struct down_ctx *c, int family, uint32_t mark)
{
	if (!fulltunnel_wanted(&c->t.cfg, &c->dev, family) &&
	    !fulltunnel_table_routes_through(c->t.rtnl, family, mark, c->t.ifindex))
		return 0;
	return fulltunnel_del_rules(c->t.rtnl, family, mark, c->t.dry_run, NULL);
}

static int delete_rules(struct down_ctx *c)
{
	static const int families[] = { AF_INET, AF_INET6 };
	_cleanup_(lock_drop) int lock = -1;

	if (!c->dev.fwmark)
		return 0;
	int r = c->t.dry_run ? 0 : lock_take(&lock);

	if (r < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		r = delete_family_rules(c, families[i], c->dev.fwmark);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Can a policy rule be this tunnel's? Only a rule of wgq's fwmark shape for some mark
 * can (behaviour.md §4.1 step 5). Without one in either family the device, whose fwmark and allowed
 * IPs decide the rest, need not be read: for a server with many peers that read is most
 * of down's work. A failed dump answers yes, so the full path reports it.
 */
static bool rules_may_exist(struct down_ctx *c)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		_cleanup_free_ struct rtnl_rule *rules = NULL;
		size_t n = 0;

		if (rtnl_rule_dump(c->t.rtnl, families[i], &rules, &n) < 0)
			return true;
		for (size_t j = 0; j < n; j++)
			if (rules[j].fwmark &&
			    fulltunnel_rule_is_fwmark(&rules[j], rules[j].fwmark))
				return true;
	}
	return false;
}

/* The device is read only when a rule may be this tunnel's (see above). */
static int read_device(struct down_ctx *c)
{
	if (!rules_may_exist(c))
		return 0;
	int r = wg_get_device(NULL, c->t.ifname, &c->dev);

	if (r < 0)
		log_step_error("wg show", r);
	return r;
}

static int delete_link(struct down_ctx *c)
{
	char ip[PATH_MAX + 8];
	struct log_line cmd;

	netns_ip_prefix(c->in_target ? &c->t.ns : NULL, ip, sizeof(ip));
	log_line(&cmd, "%s link delete dev %s", ip, c->t.ifname);
	if (c->t.dry_run)
		return 0;
	int r = c->t.ifindex ? rtnl_link_del(dev_rtnl(c), c->t.ifindex) : -ENODEV;

	if (log_line_end(&cmd, r) < 0)
		return r;
	wg_uapi_wait_gone(c->t.ifname);
	return 0;
}

/* Failures are reported and ignored, as in wg-quick. A socket of its own: with the one
 * the kill switch reads through, six concurrent downs hung on a table dump (kernel
 * WireGuard guest), which a fresh socket never did. */
static void delete_firewall(struct down_ctx *c)
{
	_cleanup_nl_ struct nl_sock *s = NULL;

	(void)fulltunnel_del_firewall(&s, c->t.ifname, NFPROTO_UNSPEC, c->t.dry_run, NULL, NULL);
}

static int teardown(struct down_ctx *c)
{
	/* In T nothing but the link and the /etc/netns files is ours (killswitch-netns.md §5.7); a
	 * link still in H gets the base teardown. */
	int r = c->in_target ? 0 : delete_rules(c);

	if (r == 0)
		r = delete_link(c);
	if (r < 0)
		return r;
	if (c->t.ns.kind == NETNS_NAME)
		(void)netns_dns_remove(c->t.ns.name, c->t.ifname, c->t.dry_run, NULL);
	if (c->in_target)
		return 0;
	bool removed;

	/* DNS that cannot be removed fails down, after the rest is done (issue 18). */
	c->dns_err = down_dns(&c->t.cfg, c->t.ifname, c->t.dry_run, &removed, false);
	delete_firewall(c);
	return 0;
}

/* Without a target: the base check; when no link of that name is here, its error
 * hints at a forgotten --netns (killswitch-netns.md §5.7 step 1). */
static int find_in_h(struct down_ctx *c, const char *hint)
{
	struct rtnl_link l;
	int r = wg_interface_find(c->t.rtnl, c->t.ifname, &c->t.ifindex);

	/* A live UAPI socket without a link here is a device in another namespace. */
	if (r == -ENODEV)
		log_error("`%s' is not a WireGuard interface%s", c->t.ifname,
			  rtnl_link_get(c->t.rtnl, c->t.ifname, &l) == -ENODEV ? hint : "");
	return r;
}

/* killswitch-netns.md §5.7 step 3: IF in T, else in H (the move never happened). */
static int find_in_target(struct down_ctx *c)
{
	int r = wg_interface_find(c->t.ns.socks.rtnl, c->t.ifname, &c->t.ifindex);

	if (r == 0)
		c->in_target = true;
	return r == -ENODEV ? find_in_h(c, "") : r;
}

/* With a target whose sockets are open, the switch is T's (killswitch-netns.md §5.6). */
static bool ks_in_target(const struct down_ctx *c)
{
	return c->t.ns.kind != NETNS_NONE && c->t.ns.socks.nft;
}

static struct nl_sock **ks_nft(struct down_ctx *c)
{
	return ks_in_target(c) ? &c->t.ns.socks.nft : &c->t.nft;
}

/* Quietly: is IF a WireGuard interface (either backend), in H or in T? */
static bool is_wireguard(struct down_ctx *c)
{
	struct rtnl_link l;

	if (ks_in_target(c) && rtnl_link_get(c->t.ns.socks.rtnl, c->t.ifname, &l) == 0 &&
	    streq(l.kind, "wireguard"))
		return true;
	return (rtnl_link_get(c->t.rtnl, c->t.ifname, &l) == 0 && streq(l.kind, "wireguard")) ||
	       wg_uapi_alive(c->t.ifname);
}

static void ks_stays(const char *ifname)
{
	log_error("kill switch for %s stays (lockdown); 'wgq killswitch off %s' removes it", ifname,
		  ifname);
}

/* IF's part of the switch, and with a target H's mark-only part too (killswitch-netns.md §5.6). */
static int remove_switch(struct down_ctx *c)
{
	bool target = ks_in_target(c);
	int r = kst_remove_in(ks_nft(c), target ? c->t.ns.given : NULL, c->t.ifname, c->t.dry_run,
			      NULL);
	int h = target ? kst_remove(&c->t.nft, c->t.ifname, c->t.dry_run, NULL) : 0;

	return r ?: h;
}

/* The return of prepare() when IF is gone and its switch is not (a failed up). */
#define SWITCH_ONLY 3

/* killswitch-netns.md §4.2: IF is gone but its switch is not (a failed up); first what
 * else a dead link left behind (issue 18), then the switch. found: down_leftovers
 * removed something. */
static int down_switch_only(struct down_ctx *c, bool found)
{
	if (c->ks_level == CFG_KS_LOCKDOWN) {
		if (!found)
			log_error("`%s' is not a WireGuard interface", c->t.ifname);
		ks_stays(c->t.ifname);
		return found ? 0 : -ENODEV;
	}
	return remove_switch(c);
}

/* The level down works with: the higher of the file's and tun-IF's (in T with a
 * target); SWITCH_ONLY: IF is gone and only its kill switch (and maybe a dead link's
 * leftovers) is left. */
static int prepare_switch(struct down_ctx *c)
{
	enum cfg_ks_level installed = kst_installed_level(ks_nft(c), c->t.ifname);

	c->ks_level = installed > c->t.cfg.kill_switch ? installed : c->t.cfg.kill_switch;
	(void)kst_check_endpoints(&c->t.cfg, c->t.file.path, c->ks_level, true);
	if (installed != CFG_KS_OFF && !is_wireguard(c))
		return SWITCH_ONLY;
	return 0;
}

/* No link and no userspace socket: what is left is cleaned up instead (issue 18). */
static bool link_gone(struct down_ctx *c)
{
	struct rtnl_link l;

	return rtnl_link_get(c->t.rtnl, c->t.ifname, &l) == -ENODEV && !wg_uapi_alive(c->t.ifname);
}

#define NO_HINT " (brought up with --netns? pass it again)"

/* 1: T is gone (killswitch-netns.md §5.7 step 2); 2: no target and IF is gone; SWITCH_ONLY: the
 * same with a kill switch left for IF; 0: IF found; or -errno (printed). */
static int prepare(struct down_ctx *c, const char *netns)
{
	int r;

	c->t.ifname = c->t.file.ifname;
	netns_target_init(&c->t.ns, netns, c->t.cfg.netns);
	if (c->t.ns.kind == NETNS_NONE) {
		r = prepare_switch(c);
		if (r != 0)
			return r;
		return link_gone(c) ? 2 : find_in_h(c, NO_HINT);
	}
	netns_export_env(&c->t.ns);
	r = netns_open(&c->t.ns);
	if (netns_gone(r))
		return 1;
	if (r < 0) {
		netns_print_error(&c->t.ns, r, c->t.file.path, c->t.cfg.netns_line);
		return r;
	}
	r = netns_open_socks(&c->t.ns);
	r = r ?: prepare_switch(c);
	return r ?: find_in_target(c);
}

/* killswitch-netns.md §5.7 step 2: nothing is left to delete but wgq's files and H's part of a
 * switch. */
static int down_gone(struct down_ctx *c)
{
	log_error("namespace '%s' is gone; %s went with it", c->t.ns.given, c->t.ifname);
	if (c->t.cfg.save_config)
		log_warning("SaveConfig skipped: the device of %s is gone", c->t.ifname);
	int r = hook_run_all(&c->t.cfg, CFG_PRE_DOWN, c->t.ifname, c->t.dry_run);

	if (c->t.ns.kind == NETNS_NAME)
		(void)netns_dns_remove(c->t.ns.name, c->t.ifname, c->t.dry_run, NULL);
	(void)kst_remove(&c->t.nft, c->t.ifname, c->t.dry_run, NULL);
	int p = hook_run_all(&c->t.cfg, CFG_POST_DOWN, c->t.ifname, c->t.dry_run);

	(void)r;
	return p;
}

/* After PostDown, whatever its status (killswitch-netns.md §4.2). */
static int down_switch(struct down_ctx *c)
{
	if (c->ks_level == CFG_KS_LOCKDOWN) {
		if (kst_installed_level(ks_nft(c), c->t.ifname) != CFG_KS_OFF)
			ks_stays(c->t.ifname);
		return 0;
	}
	return remove_switch(c);
}

void down_ctx_free(struct down_ctx *c)
{
	tunnel_free(&c->t);
	wgdev_clear(&c->dev);
}

int down_run(struct down_ctx *c, const char *netns)
{
	int r = prepare(c, netns);

	if (r == 1)
		return down_gone(c);
	if (r == SWITCH_ONLY) {
		r = c->t.ns.kind == NETNS_NONE && link_gone(c)
			    ? down_leftovers(c->t.rtnl, &c->t.cfg, c->t.ifname, c->t.dry_run)
			    : -ENODEV;
		return r == -ENODEV || r == 0 ? down_switch_only(c, r == 0) : r;
	}
	if (r == 2) {
		r = down_leftovers(c->t.rtnl, &c->t.cfg, c->t.ifname, c->t.dry_run);
		return r == -ENODEV ? find_in_h(c, NO_HINT) : r;
	}
	if (r < 0)
		return r;
	r = hook_run_all(&c->t.cfg, CFG_PRE_DOWN, c->t.ifname, c->t.dry_run);
	if (r < 0)
		return r; /* a failing PreDown stops down: the interface stays up */
	if (c->t.cfg.save_config && !c->t.dry_run) {
		r = save_config(dev_rtnl(c), dev_genl(c), &c->t.file, &c->t.cfg);
		if (r < 0)
			return r;
	} else if (c->t.cfg.save_config) {
		log_cmd("wg showconf %s", c->t.ifname);
	}
	r = c->in_target ? 0 : read_device(c);
	if (r < 0)
		return r;
	/* Once the teardown has started it runs to the end; a signal only makes the
	 * exit status 1. */
	plan_signals_catch();
	r = teardown(c);
	if (r == 0) {
		r = hook_run_all(&c->t.cfg, CFG_POST_DOWN, c->t.ifname, c->t.dry_run);
		int k = c->ks_level != CFG_KS_OFF ? down_switch(c) : 0;

		r = r ?: k;
	}
	if (r == 0 && plan_interrupted())
		r = -EINTR;
	return r < 0 ? r : c->dns_err;
}
