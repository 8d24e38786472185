// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `down` (spec §4.1): works from system state, so an edited config still leaves
// nothing behind (§6 c), and removes only this tunnel's rules (§6 d).

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <limits.h>

#include "config-file.h"
#include "dns.h"
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
};

static char fam_flag(int family)
{
	return family == AF_INET6 ? '6' : '4';
}

static bool table_routes_through(struct down_ctx *c, int family, uint32_t table)
{
	_cleanup_free_ struct rtnl_route *r = NULL;
	size_t n = 0;

	if (rtnl_route_dump(c->rtnl, family, table, &r, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (r[i].table == table && r[i].oif == c->ifindex)
			return true;
	return false;
}

/* Does the current config make this a full tunnel of that family? */
static bool config_full_tunnel(const struct down_ctx *c, int family)
{
	if (c->cfg.table_mode != CFG_TABLE_AUTO)
		return false;
	for (size_t i = 0; i < c->dev.n_peers; i++)
		for (size_t j = 0; j < c->dev.peers[i].n_allowedips; j++) {
			const struct wg_allowedip *a = &c->dev.peers[i].allowedips[j];

			if (a->family == family && a->cidr == 0)
				return true;
		}
	return false;
}

static uint32_t prio_distance(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

/* The suppress rule paired with the fwmark rule at prio: at prio - 1 where up put
 * it, else the nearest one, the lower priority winning a tie. */
static const struct rtnl_rule *paired_suppress(const struct rtnl_rule *r, size_t n,
					       uint32_t prio, const bool *used)
{
	const struct rtnl_rule *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (used[i] || !fulltunnel_rule_is_suppress(&r[i]))
			continue;
		if (!best)
			best = &r[i];
		uint32_t d = prio_distance(r[i].priority, prio),
			 bd = prio_distance(best->priority, prio);

		if (r[i].priority + 1 == prio)
			return &r[i];
		if (d < bd || (d == bd && r[i].priority < best->priority))
			best = &r[i];
	}
	return best;
}

static int delete_rule(struct down_ctx *c, const struct rtnl_rule *rule, const char *cmd)
{
	log_cmd("%s", cmd);
	if (c->dry_run)
		return 0;
	int r = rtnl_rule_del(c->rtnl, rule);

	if (r < 0)
		log_step_error(cmd, r);
	return r;
}

static int delete_family_rules(struct down_ctx *c, int family, uint32_t mark)
{
	_cleanup_free_ struct rtnl_rule *rules = NULL;
	_cleanup_free_ bool *used = NULL;
	size_t n = 0;
	char cmd[96];
	int r = rtnl_rule_dump(c->rtnl, family, &rules, &n);

	if (r < 0) {
		log_step_error("ip rule show", r);
		return r;
	}
	if (!table_routes_through(c, family, mark) && !config_full_tunnel(c, family))
		return 0; /* another tunnel's rules (§6 d) */
	used = calloc(n + 1, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!fulltunnel_rule_is_fwmark(&rules[i], mark))
			continue;
		used[i] = true;
		snprintf(cmd, sizeof(cmd), "ip -%c rule delete table %u", fam_flag(family), mark);
		r = delete_rule(c, &rules[i], cmd);
		if (r < 0)
			return r;
		const struct rtnl_rule *s = paired_suppress(rules, n, rules[i].priority, used);

		if (!s)
			continue;
		used[s - rules] = true;
		snprintf(cmd, sizeof(cmd), "ip -%c rule delete table main suppress_prefixlength 0",
			 fam_flag(family));
		r = delete_rule(c, s, cmd);
		if (r < 0)
			return r;
	}
	return 0;
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

/* Failures here are reported and ignored, as in wg-quick. */
static void delete_dns(struct down_ctx *c)
{
	char path[PATH_MAX], prefix[64];

	if (!spawn_which("resolvconf", path, sizeof(path)))
		return;
	dns_prefix(prefix, sizeof(prefix));
	if (c->cfg.n_dns_servers || dns_record_exists(prefix, c->ifname))
		(void)dns_down(prefix, c->ifname, c->dry_run);
}

static void delete_firewall(struct down_ctx *c)
{
	static const char cmd[] = "nft -f /dev/fd/63";
	_cleanup_nl_ struct nl_sock *s = NULL;
	int families[8];
	size_t n = 0;
	int r = nl_open(&s, NETLINK_NETFILTER);

	if (r == 0)
		r = nft_find_tables(s, c->ifname, families, ARRAY_SIZE(families), &n);
	if (r < 0 || n == 0)
		return;
	log_cmd("%s", cmd);
	if (c->dry_run)
		return;
	r = nft_delete_tables(s, c->ifname, families, n);
	if (r < 0)
		log_step_error(cmd, r);
}

static int teardown(struct down_ctx *c)
{
	int r = delete_rules(c);

	if (r == 0)
		r = delete_link(c);
	if (r < 0)
		return r;
	delete_dns(c);
	delete_firewall(c);
	return 0;
}

static int prepare(struct down_ctx *c, const char *arg)
{
	int r = cfg_load(arg, CFG_LOAD_LENIENT, &c->file, &c->cfg);

	if (r < 0)
		return r;
	c->ifname = c->file.ifname;
	r = nl_open(&c->rtnl, NETLINK_ROUTE);
	if (r < 0) {
		log_error("rtnetlink: %s", strerror(-r));
		return r;
	}
	return wg_interface_check(c->rtnl, c->ifname, &c->ifindex);
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
	r = wg_get_device(c.ifname, &c.dev);
	if (r < 0) {
		log_step_error("wg show", r);
		return r;
	}
	/* Once the teardown has started it runs to the end; a signal only makes the
	 * exit status 1. */
	plan_signals_catch();
	r = teardown(&c);
	if (r == 0)
		r = hook_run_all(&c.cfg, CFG_POST_DOWN, c.ifname, c.dry_run);
	if (r == 0 && plan_interrupted())
		r = -EINTR;
	return r;
}
