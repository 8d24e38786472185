// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// up's kill switch (killswitch-netns.md §4.1, §5.6): the level checked before any change,
// and step 0, which installs it before the link exists.

#include "base/log.h"
#include "system/lock.h"
#include "tunnel/ks-tunnel.h"
#include "tunnel/up.h"

/* Never lower a switch already there (killswitch on, a lockdown kept by down); with a
 * target, the switch is T's, and H's own switch asks for a mark (killswitch-netns.md §5.6). */
void up_prepare_switch(struct up_ctx *c)
{
	bool target = c->t.ns.kind != NETNS_NONE;
	enum cfg_ks_level installed =
		kst_installed_level(target ? &c->t.ns.socks.nft : &c->t.nft, c->t.ifname);

	if (installed > c->ks_level)
		c->ks_level = installed;
	c->ks_host = target && c->ks_level != CFG_KS_OFF && kst_engaged(&c->t.nft);
}

/* The mark goes into the device's first configuration (killswitch-netns.md §4.1). */
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

/* Step 0 with a target (killswitch-netns.md §5.6): tun-IF in T without a mark rule; when H has a
 * switch, the device gets a mark and H a tun-IF that lets only that mark out. */
static int install_in_target(struct up_ctx *c, uint32_t mark)
{
	int r = kst_install_in(&c->t.ns.socks.nft, c->t.ns.given, c->t.ifname, &c->t.cfg,
			       c->ks_level, c->t.dry_run);

	c->ks_installed = !c->t.dry_run && (r == 0 || r == -EPROTO);
	if (r == 0 && c->ks_host)
		r = kst_install_mark_only(&c->t.nft, c->t.ifname, c->ks_level, mark, c->t.dry_run);
	return r;
}

/* Step 0: closed before the link exists; no undo, only an explicit unlock opens it. */
int up_step_killswitch(void *ctx)
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
