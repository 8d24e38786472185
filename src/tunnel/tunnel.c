// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "tunnel/tunnel.h"

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
