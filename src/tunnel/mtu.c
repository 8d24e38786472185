// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "tunnel/mtu.h"

#include "base/macro.h"
#include "netlink/rtnl.h"

uint32_t mtu_fold(uint32_t m, uint32_t candidate)
{
	/* Since upstream 5150cd6 the smallest endpoint MTU wins. */
	return candidate && candidate < m ? candidate : m;
}

uint32_t mtu_finish(uint32_t m)
{
	if (m == 0 || m >= MTU_NONE)
		m = 1500;
	return m - 80;
}

static bool endpoint_usable(const struct wg_peer *p)
{
	if (!(p->flags & WGPEER_HAS_ENDPOINT))
		return false;
	if (p->endpoint.sa.sa_family == AF_INET)
		return true;
	/* wg-quick's pattern does not match "fe80::1%eth0": zoned endpoints are skipped */
	return p->endpoint.sa.sa_family == AF_INET6 && p->endpoint.in6.sin6_scope_id == 0;
}

int mtu_auto(struct nl_sock *s, const struct wg_device *dev, uint32_t *mtu)
{
	uint32_t m = MTU_NONE;

	for (size_t i = 0; i < dev->n_peers; i++) {
		uint32_t v = 0;

		if (!endpoint_usable(&dev->peers[i]))
			continue;
		/* An unreachable endpoint contributes nothing. */
		if (rtnl_route_get_mtu(s, &dev->peers[i].endpoint.sa, &v) == 0)
			m = mtu_fold(m, v);
	}
	if (m == MTU_NONE) {
		uint32_t v = 0;
		int r = rtnl_default_route_mtu(s, &v);

		if (r < 0 && r != -ENOENT && r != -ENETUNREACH)
			return r;
		m = mtu_fold(m, v);
	}
	*mtu = mtu_finish(m);
	return 0;
}
