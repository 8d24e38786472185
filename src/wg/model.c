// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "wg/model.h"

#include "base/macro.h"
#include "base/util.h"

struct wg_peer *wgdev_add_peer(struct wg_device *dev)
{
	return array_append(&dev->peers, &dev->n_peers, &dev->cap_peers, sizeof(struct wg_peer));
}

int wgdev_peer_add_allowedip(struct wg_peer *peer, const struct wg_allowedip *aip)
{
	struct wg_allowedip *a = array_append(&peer->allowedips, &peer->n_allowedips,
					      &peer->cap_allowedips, sizeof(*a));

	if (!a)
		return -ENOMEM;
	*a = *aip;
	return 0;
}

void wgdev_clear(struct wg_device *dev)
{
	for (size_t i = 0; i < dev->n_peers; i++) {
		free(dev->peers[i].allowedips);
		free(dev->peers[i].endpoint_text);
		explicit_zero(dev->peers[i].preshared_key, WG_KEY_LEN);
	}
	free(dev->peers);
	explicit_zero(dev, sizeof(*dev));
}
