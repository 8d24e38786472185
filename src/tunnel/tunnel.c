// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "tunnel/tunnel.h"

#include "base/log.h"
#include "netlink/rtnl.h"
#include "tunnel/preflight.h"

void tunnel_free(struct tunnel *t)
{
	plan_free(&t->plan);
	cfg_clear(&t->cfg);
	cfg_file_clear(&t->file);
	if (t->rtnl)
		nl_close(t->rtnl);
	if (t->nft)
		nl_close(t->nft);
	netns_target_close(&t->ns);
}

int tunnel_set_mtu(struct tunnel *t, uint32_t mtu, bool up)
{
	struct log_line cmd;

	log_line(&cmd, "%s link set mtu %u%s dev %s", t->ip, mtu, up ? " up" : "", t->ifname);
	if (t->dry_run)
		return 0;
	int r = plan_change(&t->plan);

	if (r == 0 && up)
		r = rtnl_link_set_mtu_up(tunnel_rtnl(t), t->ifindex, mtu);
	else if (r == 0)
		r = rtnl_link_set_mtu(tunnel_rtnl(t), t->ifindex, mtu);
	return log_line_end(&cmd, r);
}

struct fulltunnel_ctx tunnel_fulltunnel(struct tunnel *t, uint32_t fwmark)
{
	return (struct fulltunnel_ctx){
		.plan = &t->plan,
		.rtnl = t->rtnl,
		.nft = &t->nft,
		.ifname = t->ifname,
		.ifindex = t->ifindex,
		.dry_run = t->dry_run,
		.cfg = &t->cfg,
		.fwmark = fwmark,
	};
}

int tunnel_preflight(const struct tunnel *t, bool running, bool kill_switch)
{
	const struct preflight pf = {
		.cfg = &t->cfg,
		.path = t->file.path,
		.ifname = t->ifname,
		.running = running,
		.backend = !running,
		.kill_switch = kill_switch,
	};

	return preflight_check(&pf);
}
