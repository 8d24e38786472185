// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `down` (spec §4.1): works from system state, so an edited config still leaves
// nothing behind (§6 c), and removes only this tunnel's rules (§6 d).

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <limits.h>

#include "cmd-common.h"
#include "config-file.h"
#include "dns.h"
#include "down-leftovers.h"
#include "hooks.h"
#include "lock.h"
#include "log.h"
#include "macro.h"
#include "nft.h"
#include "plan.h"
#include "rtnl.h"
#include "save.h"
#include "spawn.h"
#include "subcommands.h"
#include "up.h"
#include "wg.h"

struct down_ctx {
	struct cfg_file file;
	struct cfg cfg;
	const char *ifname;
	bool dry_run;
	struct nl_sock *rtnl;
	int ifindex;
	struct wg_device dev;
	int dns_err; /* DNS left behind: down ends in failure */
};

/* The rules are this tunnel's when the config still makes it a full tunnel or its
 * table routes through IF; otherwise they are another tunnel's (§6 d). The check that
 * needs no route dump comes first. */
static int delete_family_rules(struct down_ctx *c, int family, uint32_t mark)
{
	if (!fulltunnel_wanted(&c->cfg, &c->dev, family) &&
	    !fulltunnel_table_routes_through(c->rtnl, family, mark, c->ifindex))
		return 0;
	return fulltunnel_del_rules(c->rtnl, family, mark, c->dry_run, NULL);
}

static int delete_rules(struct down_ctx *c)
{
	static const int families[] = { AF_INET, AF_INET6 };
	_cleanup_(lock_drop) int lock = -1;

	if (!c->dev.fwmark)
		return 0;
	int r = c->dry_run ? 0 : lock_take(&lock);

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
 * can (§4.1 step 5). Without one in either family the device, whose fwmark and allowed
 * IPs decide the rest, need not be read: for a server with many peers that read is most
 * of down's work. A failed dump answers yes, so the full path reports it.
 */
static bool rules_may_exist(struct down_ctx *c)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		_cleanup_free_ struct rtnl_rule *rules = NULL;
		size_t n = 0;

		if (rtnl_rule_dump(c->rtnl, families[i], &rules, &n) < 0)
			return true;
		for (size_t j = 0; j < n; j++)
			if (rules[j].fwmark && fulltunnel_rule_is_fwmark(&rules[j], rules[j].fwmark))
				return true;
	}
	return false;
}

/* The device is read only when a rule may be this tunnel's (see above). */
static int read_device(struct down_ctx *c)
{
	if (!rules_may_exist(c))
		return 0;
	int r = wg_get_device(c->ifname, &c->dev);

	if (r < 0)
		log_step_error("wg show", r);
	return r;
}

static int delete_link(struct down_ctx *c)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "ip link delete dev %s", c->ifname);
	log_cmd("%s", cmd);
	if (c->dry_run)
		return 0;
	int r = c->ifindex ? rtnl_link_del(c->rtnl, c->ifindex) : -ENODEV;

	if (r < 0) {
		log_step_error(cmd, r);
		return r;
	}
	wg_uapi_wait_gone(c->ifname);
	return 0;
}

/* Failures are reported and ignored, as in wg-quick. */
static void delete_firewall(struct down_ctx *c)
{
	_cleanup_nl_ struct nl_sock *s = NULL;

	(void)fulltunnel_del_firewall(&s, c->ifname, NFPROTO_UNSPEC, c->dry_run, NULL, NULL);
}

static int teardown(struct down_ctx *c)
{
	int r = delete_rules(c);

	if (r == 0)
		r = delete_link(c);
	if (r < 0)
		return r;
	bool removed;

	/* DNS that cannot be removed fails down, after the rest is done (issue 18). */
	c->dns_err = down_dns(&c->cfg, c->ifname, c->dry_run, &removed, false);
	delete_firewall(c);
	return 0;
}

static int prepare(struct down_ctx *c, const char *arg)
{
	int r = cmd_load(arg, CFG_LOAD_LENIENT, &c->file, &c->cfg, &c->rtnl);

	if (r < 0)
		return r;
	c->ifname = c->file.ifname;
	return 0;
}

/* No link and no userspace socket: what is left is cleaned up instead (issue 18). */
static bool link_gone(struct down_ctx *c)
{
	struct rtnl_link l;

	return rtnl_link_get(c->rtnl, c->ifname, &l) == -ENODEV && !wg_uapi_alive(c->ifname);
}

static void down_ctx_free(struct down_ctx *c)
{
	cfg_clear(&c->cfg);
	cfg_file_clear(&c->file);
	wgdev_clear(&c->dev);
	if (c->rtnl)
		nl_close(c->rtnl);
}

int cmd_down(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(down_ctx_free) struct down_ctx c = { .dry_run = opts->dry_run };
	int r = prepare(&c, arg);

	if (r < 0)
		return r;
	if (link_gone(&c))
		return down_leftovers(c.rtnl, &c.cfg, c.ifname, c.dry_run);
	r = wg_interface_check(c.rtnl, c.ifname, &c.ifindex);
	if (r < 0)
		return r;
	r = hook_run_all(&c.cfg, CFG_PRE_DOWN, c.ifname, c.dry_run);
	if (r < 0)
		return r; /* a failing PreDown stops down: the interface stays up */
	if (c.cfg.save_config && !c.dry_run) {
		r = save_config(c.rtnl, &c.file, &c.cfg);
		if (r < 0)
			return r;
	} else if (c.cfg.save_config) {
		log_cmd("wg showconf %s", c.ifname);
	}
	r = read_device(&c);
	if (r < 0)
		return r;
	/* Once the teardown has started it runs to the end; a signal only makes the
	 * exit status 1. */
	plan_signals_catch();
	r = teardown(&c);
	if (r == 0)
		r = hook_run_all(&c.cfg, CFG_POST_DOWN, c.ifname, c.dry_run);
	if (r == 0 && plan_interrupted())
		r = -EINTR;
	return r < 0 ? r : c.dns_err;
}
