// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `reload` (issue 8): the checks, the state read back, the plan and its device, MTU,
// DNS and kill-switch steps. See reload.h.

#include "tunnel/reload.h"

#include <limits.h>

#include "base/log.h"
#include "base/macro.h"
#include "firewall/killswitch.h"
#include "system/dns.h"
#include "system/spawn.h"
#include "tunnel/ks-tunnel.h"
#include "tunnel/mtu.h"
#include "tunnel/preflight.h"
#include "tunnel/up-netns.h"
#include "wg/device.h"
#include "wg/sync.h"
#include "config/endpoint.h"
#include "wg/uapi.h"

const int reload_families[2] = { AF_INET, AF_INET6 };

int reload_push_undo(struct reload_ctx *c, plan_undo_fn fn)
{
	struct reload_undo_ref u = { .c = c };

	return plan_push_undo(&c->t.plan, fn, &u, sizeof(u));
}

/* --- reading the state --- */

static bool has_fwmark_rule(struct reload_ctx *c, int family, uint32_t mark)
{
	_cleanup_free_ struct rtnl_rule *rules = NULL;
	size_t n = 0;

	if (rtnl_rule_dump(tunnel_rtnl(&c->t), family, &rules, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (fulltunnel_rule_is_fwmark(&rules[i], mark))
			return true;
	return false;
}

/* A full tunnel of family is this tunnel's when the rules for its fwmark exist and
 * its table routes through IF (behaviour.md §4.1 step 5). */
static void read_full_tunnels(struct reload_ctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(reload_families); i++) {
		int f = reload_families[i];

		/* In a target a /0 is a plain route (killswitch-netns.md §5.4). */
		if (c->t.moved)
			continue;
		c->ft0[i] = c->mark0 && has_fwmark_rule(c, f, c->mark0) &&
			    fulltunnel_table_routes_through(c->t.rtnl, f, c->mark0, c->t.ifindex);
		c->ft1[i] = fulltunnel_wanted(&c->t.cfg, &c->target, f);
	}
}

static int read_dns(struct reload_ctx *c)
{
	dns_prefix(c->t.dns_prefix, sizeof(c->t.dns_prefix));
	_cleanup_free_ char *record = dns_record_read(c->t.dns_prefix, c->t.ifname);

	if (record && !(c->dns0 = dns_record_normalize(record)))
		return -ENOMEM;
	return 0;
}

/* The fwmark goes with the device step unless a full tunnel uses it now: then the
 * full-tunnel step changes it, between taking the old tunnel down and making the
 * new one, so that the tunnel's own packets never loop. */
static uint32_t device_mask(const struct reload_ctx *c)
{
	return WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT |
	       (reload_any(c->ft0) ? 0 : WGDEV_HAS_FWMARK);
}

static enum cfg_ks_level ks_level(const struct reload_ctx *c)
{
	return c->ks_want > c->ks_have ? c->ks_want : c->ks_have;
}

/* With a kill switch the device must keep a mark: the config's, else the one it has,
 * else a free one (killswitch-netns.md §4.1, §4.2). */
static int ks_choose_mark(struct reload_ctx *c)
{
	struct wg_device *d = &c->t.cfg.dev;

	if (ks_level(c) == CFG_KS_OFF)
		return 0;
	if (!d->fwmark && c->mark0) {
		d->fwmark = c->mark0;
	} else if (!d->fwmark) {
		int r = kst_free_mark(c->t.rtnl, &c->t.nft, &d->fwmark);

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

	if (c->t.ns.kind != NETNS_NONE)
		wg_uapi_ahead_free(&c->ahead); /* asked in H: the device may be T's */
	if (c->ahead && routes_dump(tunnel_rtnl(&c->t), 0, &c->rt0, &c->n_rt0) < 0)
		c->n_rt0 = 0; /* the routes step dumps them itself */
	r = wg_get_device_ahead(tunnel_genl(&c->t), c->t.ifname, &c->ahead, &c->cur);

	snprintf(cmd, sizeof(cmd), "wg showconf %s", c->t.ifname);
	if (r == 0) {
		snprintf(cmd, sizeof(cmd), "ip address show dev %s", c->t.ifname);
		r = rtnl_addr_list(tunnel_rtnl(&c->t), c->t.ifindex, AF_UNSPEC, &c->addrs0,
				   &c->n_addrs0);
	}
	if (r == 0) {
		snprintf(cmd, sizeof(cmd), "ip link show dev %s", c->t.ifname);
		r = rtnl_link_get_index(tunnel_rtnl(&c->t), c->t.ifindex, &l);
	}
	if (r < 0) {
		log_step_error(cmd, r);
		return r;
	}
	c->mtu0 = l.mtu;
	c->mark0 = c->mark = c->cur.fwmark;
	r = ks_choose_mark(c);
	r = r ?: wg_sync_target(&c->t.cfg.dev, &c->target);
	if (r == 0)
		r = c->t.moved ? 0 : read_dns(c);
	if (r < 0)
		return r;
	read_full_tunnels(c);
	return wg_sync_diff(&c->cur, &c->target, device_mask(c), &c->apply, &c->revert);
}

/* --- the steps --- */

static void undo_device(const void *data)
{
	const struct reload_undo_ref *u = data;
	const struct reload_ctx *c = u->c;
	struct log_line cmd;

	log_line(&cmd, "wg syncconf %s /dev/fd/63", c->t.ifname);
	log_line_end(&cmd, wg_set_device(tunnel_genl(&c->t), &c->revert));
}

/* Like `wg syncconf`, sending only what changes. The undo is recorded first: a device
 * split over several messages may fail halfway, and reverting a peer that was not
 * changed yet is harmless. */
static int step_device(void *ctx)
{
	struct reload_ctx *c = ctx;
	struct log_line cmd;

	if (!wg_sync_changes(&c->apply))
		return 0;
	log_line(&cmd, "wg syncconf %s /dev/fd/63", c->t.ifname);
	if (c->apply.flags & WGDEV_HAS_FWMARK)
		c->mark = c->apply.fwmark;
	if (c->t.dry_run)
		return 0;
	snprintf(c->apply.name, sizeof(c->apply.name), "%s", c->t.ifname);
	snprintf(c->revert.name, sizeof(c->revert.name), "%s", c->t.ifname);
	int r = reload_push_undo(c, undo_device);

	if (r == 0)
		r = plan_change(&c->t.plan);
	if (r == 0)
		r = wg_set_device(tunnel_genl(&c->t), &c->apply);
	return log_line_end(&cmd, r);
}

static void undo_mtu(const void *data)
{
	const struct reload_undo_ref *u = data;
	const struct reload_ctx *c = u->c;
	struct log_line cmd;

	log_line(&cmd, "%s link set mtu %u dev %s", c->t.ip, c->mtu0, c->t.ifname);
	log_line_end(&cmd, rtnl_link_set_mtu(tunnel_rtnl(&c->t), c->t.ifindex, c->mtu0));
}

/* Did the device step set or remove an endpoint? Else those read before still hold. */
static bool endpoints_changed(const struct reload_ctx *c)
{
	for (size_t i = 0; i < c->apply.n_peers; i++)
		if (c->apply.peers[i].flags & (WGPEER_HAS_ENDPOINT | WGPEER_REMOVE))
			return true;
	return false;
}

/* The automatic MTU as up computes it (behaviour.md §3.6), from the endpoints read back (read
 * again only when the device step changed them: a read of a server is 10s of ms). */
static int auto_mtu(struct reload_ctx *c, uint32_t *mtu)
{
	char cmd[64];
	int r = 0;

	if (!c->t.dry_run && !endpoints_changed(c)) {
		r = mtu_auto(c->t.rtnl, &c->cur, mtu);
		if (r < 0)
			log_step_error("ip route get", r);
		return r;
	}
	if (!c->t.dry_run) {
		wgdev_clear(&c->dev);
		r = wg_get_device(tunnel_genl(&c->t), c->t.ifname, &c->dev);
		snprintf(cmd, sizeof(cmd), "wg show %s", c->t.ifname);
	}
	if (r == 0) {
		r = mtu_auto(c->t.rtnl, c->t.dry_run ? &c->t.cfg.dev : &c->dev, mtu);
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
	uint32_t mtu = c->t.cfg.mtu;
	int r;

	if (!mtu && reload_any(c->ft0))
		return 0;
	if (!mtu && (r = auto_mtu(c, &mtu)) < 0)
		return r;
	if (mtu == c->mtu0)
		return 0;
	r = tunnel_set_mtu(&c->t, mtu, false);
	if (r < 0 || c->t.dry_run)
		return r;
	return reload_push_undo(c, undo_mtu);
}

/* --- DNS --- */

static void undo_dns(const void *data)
{
	const struct reload_undo_ref *u = data;
	const struct reload_ctx *c = u->c;

	if (c->dns0)
		dns_resolvconf_set(c->t.dns_prefix, c->t.ifname, c->dns0, strlen(c->dns0), false);
	else
		dns_down(c->t.dns_prefix, c->t.ifname, false);
}

/* The resolvconf record is replaced when its text changes and removed when the
 * config has no nameserver any more. resolvectl settings cannot be compared: they are
 * set again. */
static int step_dns(void *ctx)
{
	struct reload_ctx *c = ctx;
	const struct cfg *cfg = &c->t.cfg;
	char path[PATH_MAX];
	size_t len = 0;
	_cleanup_free_ char *want = cfg->n_dns_servers ? dns_resolvconf_input(cfg, &len) : NULL;
	int r;

	if (c->t.no_dns)
		return 0;
	if (c->t.moved)
		return reload_netns_dns(&c->t);
	if (cfg->n_dns_servers && !want)
		return -ENOMEM;
	if (c->t.dns_tool == DNS_TOOL_RESOLVECTL)
		return dns_up(c->t.dns_tool, c->t.dns_prefix, c->t.ifname, cfg, c->t.dry_run);
	if (want ? c->dns0 && streq(want, c->dns0) : !c->dns0)
		return 0;
	if (!want && !spawn_which("resolvconf", path, sizeof(path)))
		return 0;
	r = c->t.dry_run ? 0 : plan_change(&c->t.plan);
	if (r == 0)
		r = want ? dns_resolvconf_set(c->t.dns_prefix, c->t.ifname, want, len, c->t.dry_run)
			 : dns_down(c->t.dns_prefix, c->t.ifname, c->t.dry_run);
	if (r < 0 || c->t.dry_run)
		return r;
	return reload_push_undo(c, undo_dns);
}

/* First: install or raise, never lower (killswitch-netns.md §4.2); no undo, like up's step 0. */
static int step_killswitch(void *ctx)
{
	struct reload_ctx *c = ctx;

	if (ks_level(c) == CFG_KS_OFF)
		return 0;
	if (c->ks_have > c->ks_want)
		log_error("kill switch for %s stays at %s; 'wgq killswitch off %s' removes it",
			  c->t.ifname, ks_level_name(c->ks_have), c->t.ifname);
	if (c->ks_want == CFG_KS_OFF)
		return 0;
	int r = c->t.dry_run ? 0 : plan_change(&c->t.plan);

	return r
		       ?: kst_replace(&c->t.nft, c->t.ifname, &c->t.cfg, ks_level(c), c->ks_mark,
				      c->ks_mark_old, true, c->t.dry_run);
}

/* Last: the device carries the new mark now; the old one goes. */
static int step_killswitch_mark(void *ctx)
{
	struct reload_ctx *c = ctx;

	if (c->ks_want == CFG_KS_OFF || !c->ks_mark_old)
		return 0;
	int r = c->t.dry_run ? 0 : plan_change(&c->t.plan);

	return r
		       ?: kst_replace(&c->t.nft, c->t.ifname, &c->t.cfg, ks_level(c), c->ks_mark, 0,
				      false, c->t.dry_run);
}

// clang-format off
static const struct plan_step reload_steps[] = {
	{ "killswitch", step_killswitch },
	{ "device", step_device },
	{ "addresses", reload_step_addresses },
	{ "mtu", step_mtu },
	{ "routes", reload_step_routes },
	{ "dns", step_dns },
	{ "killswitch-mark", step_killswitch_mark },
};
// clang-format on

/* A switch in a target (killswitch-netns.md §5.6) stays as up made it: reload warns when the file
 * asks for another level, and leaves T's and H's rulesets alone. */
static void ks_target_untouched(struct reload_ctx *c)
{
	enum cfg_ks_level have = kst_installed_level(&c->t.ns.socks.nft, c->t.ifname);

	if (have != c->ks_want)
		log_warning("reload leaves the kill switch of %s in namespace '%s' at %s; use down "
			    "and up to change it",
			    c->t.ifname, c->t.ns.given, ks_level_name(have));
	c->ks_want = c->ks_have = CFG_KS_OFF;
}

/* Everything that can fail without changing the system: up's checks (behaviour.md §3.0), then the
 * state read back. */
void reload_ask_ahead(struct reload_ctx *c, const char *arg, const char *netns)
{
	if (!netns && cfg_is_ifname(arg))
		c->ahead = wg_uapi_get_ahead(arg);
}

int reload_prepare(struct reload_ctx *c, int kill_switch, const char *netns)
{
	int r;

	c->t.ifname = c->t.file.ifname;
	r = kst_prepare(&c->t.cfg, c->t.file.path, kill_switch, &c->ks_want);
	r = r ?: reload_netns_find(&c->t, netns);
	if (r == 0 && c->t.moved)
		ks_target_untouched(c);
	else if (r == 0)
		c->ks_have = kst_installed_level(&c->t.nft, c->t.ifname);
	if (r == 0 && c->ks_want != CFG_KS_OFF && c->ks_have == CFG_KS_OFF)
		kst_warn_ssh(&c->t.cfg, c->t.ifname);
	if (r == 0 && !c->t.moved && !c->t.no_dns)
		r = dns_check(&c->t.cfg, c->t.file.path, &c->t.dns_tool);
	if (r == 0)
		r = tunnel_preflight(&c->t, true, c->ks_want != CFG_KS_OFF);
	if (r == 0)
		r = cfg_resolve_endpoints(&c->t.cfg, c->t.file.path);
	if (r == 0)
		r = read_state(c);
	return r;
}

void reload_ctx_free(struct reload_ctx *c)
{
	tunnel_free(&c->t);
	wgdev_clear(&c->dev);
	wgdev_clear(&c->cur);
	wgdev_clear(&c->target);
	wgdev_clear(&c->apply);
	wgdev_clear(&c->revert);
	free(c->addrs0);
	free(c->snap);
	free(c->dns0);
	wg_uapi_ahead_free(&c->ahead);
	free(c->rt0);
}

int reload_run(struct reload_ctx *c)
{
	plan_signals_catch();
	return plan_run(&c->t.plan, reload_steps, ARRAY_SIZE(reload_steps), c);
}
