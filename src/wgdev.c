// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "wgdev.h"

#include "macro.h"

struct wg_peer *wgdev_add_peer(struct wg_device *dev)
{
	if (dev->n_peers == dev->cap_peers) {
		size_t cap = dev->cap_peers ? dev->cap_peers * 2 : 8;
		struct wg_peer *p = realloc(dev->peers, cap * sizeof(*p));

		if (!p)
			return NULL;
		dev->peers = p;
		dev->cap_peers = cap;
	}
	struct wg_peer *peer = &dev->peers[dev->n_peers++];

	memset(peer, 0, sizeof(*peer));
	return peer;
}

int wgdev_peer_add_allowedip(struct wg_peer *peer, const struct wg_allowedip *aip)
{
	if (peer->n_allowedips == peer->cap_allowedips) {
		size_t cap = peer->cap_allowedips ? peer->cap_allowedips * 2 : 4;
		struct wg_allowedip *a = realloc(peer->allowedips, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		peer->allowedips = a;
		peer->cap_allowedips = cap;
	}
	peer->allowedips[peer->n_allowedips++] = *aip;
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
