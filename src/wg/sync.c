// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "wg/sync.h"

#include <endian.h>

#include "base/ip.h"
#include "base/macro.h"

static const uint8_t zero_key[WG_KEY_LEN];

static int copy_target_peer(const struct wg_peer *src, struct wg_device *out)
{
	struct wg_peer *p = wgdev_add_peer(out);

	if (!p)
		return -ENOMEM;
	memcpy(p->public_key, src->public_key, WG_KEY_LEN);
	memcpy(p->preshared_key, src->preshared_key, WG_KEY_LEN);
	p->flags = src->flags &
		   (WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_ENDPOINT | WGPEER_HAS_KEEPALIVE);
	p->endpoint = src->endpoint;
	p->keepalive = src->keepalive;
	for (size_t i = 0; i < src->n_allowedips; i++) {
		struct wg_allowedip a = src->allowedips[i];

		if (a.remove)
			continue;
		ip_mask(a.family, a.raw, a.cidr);
		if (wgdev_peer_add_allowedip(p, &a) < 0)
			return -ENOMEM;
	}
	return 0;
}

int wg_sync_target(const struct wg_device *cfg_dev, struct wg_device *out)
{
	memset(out, 0, sizeof(*out));
	out->flags =
		cfg_dev->flags & (WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK);
	memcpy(out->private_key, cfg_dev->private_key, WG_KEY_LEN);
	out->listen_port = cfg_dev->listen_port;
	out->fwmark = cfg_dev->fwmark;
	for (size_t i = 0; i < cfg_dev->n_peers; i++) {
		if (copy_target_peer(&cfg_dev->peers[i], out) < 0) {
			wgdev_clear(out);
			return -ENOMEM;
		}
	}
	return 0;
}

/* --- comparing peers --- */

static int cmp_aip(const void *pa, const void *pb)
{
	const struct wg_allowedip *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->cidr != b->cidr)
		return a->cidr < b->cidr ? -1 : 1;
	return memcmp(a->raw, b->raw, a->family == AF_INET ? 4 : 16);
}

/* The list sorted, masked and without repeats, in a new array. */
static struct wg_allowedip *aip_set(const struct wg_peer *p, size_t *n)
{
	struct wg_allowedip *s = calloc(p->n_allowedips + 1, sizeof(*s));
	size_t w = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; i < p->n_allowedips; i++) {
		s[i] = p->allowedips[i];
		s[i].remove = false;
		ip_mask(s[i].family, s[i].raw, s[i].cidr);
	}
	qsort(s, p->n_allowedips, sizeof(*s), cmp_aip);
	for (size_t i = 0; i < p->n_allowedips; i++)
		if (w == 0 || cmp_aip(&s[w - 1], &s[i]) != 0)
			s[w++] = s[i];
	*n = w;
	return s;
}

/* Do both lists hold the same masked prefixes in the same order? The common case
 * (a peer that did not change), answered without copying and sorting. */
static bool same_in_order(const struct wg_peer *a, const struct wg_peer *b)
{
	if (a->n_allowedips != b->n_allowedips)
		return false;
	for (size_t i = 0; i < a->n_allowedips; i++) {
		struct wg_allowedip x = a->allowedips[i], y = b->allowedips[i];

		ip_mask(x.family, x.raw, x.cidr);
		ip_mask(y.family, y.raw, y.cidr);
		if (cmp_aip(&x, &y) != 0)
			return false;
	}
	return true;
}

/* 1 when both lists hold the same prefixes, 0 when not, -ENOMEM. */
static int same_allowedips(const struct wg_peer *a, const struct wg_peer *b)
{
	if (same_in_order(a, b))
		return 1;
	size_t na = 0, nb = 0;
	_cleanup_free_ struct wg_allowedip *sa = aip_set(a, &na);
	_cleanup_free_ struct wg_allowedip *sb = aip_set(b, &nb);

	if (!sa || !sb)
		return -ENOMEM;
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (cmp_aip(&sa[i], &sb[i]) != 0)
			return 0;
	return 1;
}

static bool same_endpoint(const union wg_endpoint *a, const union wg_endpoint *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port == b->in.sin_port &&
		       a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	return a->in6.sin6_port == b->in6.sin6_port &&
	       a->in6.sin6_scope_id == b->in6.sin6_scope_id &&
	       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(a->in6.sin6_addr));
}

static const uint8_t *psk_of(const struct wg_peer *p)
{
	return p->flags & WGPEER_HAS_PRESHARED_KEY ? p->preshared_key : zero_key;
}

static uint16_t keepalive_of(const struct wg_peer *p)
{
	return p->flags & WGPEER_HAS_KEEPALIVE ? p->keepalive : 0;
}

/* 1 when applying target to cur would change nothing, 0 when it would, -ENOMEM. */
static int same_peer(const struct wg_peer *cur, const struct wg_peer *target)
{
	if (memcmp(psk_of(cur), psk_of(target), WG_KEY_LEN) != 0 ||
	    keepalive_of(cur) != keepalive_of(target))
		return 0;
	if ((target->flags & WGPEER_HAS_ENDPOINT) &&
	    (!(cur->flags & WGPEER_HAS_ENDPOINT) ||
	     !same_endpoint(&cur->endpoint, &target->endpoint)))
		return 0;
	return same_allowedips(cur, target);
}

/* --- building the two devices --- */

/* The whole state of src as a peer of d: what sets it exactly, short of an endpoint
 * src does not have. */
static int put_state(struct wg_device *d, const struct wg_peer *src)
{
	struct wg_peer *p = wgdev_add_peer(d);

	if (!p)
		return -ENOMEM;
	memcpy(p->public_key, src->public_key, WG_KEY_LEN);
	memcpy(p->preshared_key, psk_of(src), WG_KEY_LEN);
	p->keepalive = keepalive_of(src);
	p->flags = WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE | WGPEER_REPLACE_ALLOWEDIPS |
		   (src->flags & WGPEER_HAS_ENDPOINT);
	p->endpoint = src->endpoint;
	for (size_t i = 0; i < src->n_allowedips; i++) {
		struct wg_allowedip a = src->allowedips[i];

		a.remove = false;
		if (wgdev_peer_add_allowedip(p, &a) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int put_remove(struct wg_device *d, const uint8_t key[static WG_KEY_LEN])
{
	struct wg_peer *p = wgdev_add_peer(d);

	if (!p)
		return -ENOMEM;
	memcpy(p->public_key, key, WG_KEY_LEN);
	p->flags = WGPEER_REMOVE;
	return 0;
}

/* memcmp's order, 8 bytes at a time: keys that differ only at the end (numbered
 * test keys) are common, and a server's sort and lookups make 100 000s. */
static int cmp_peer_key(const void *pa, const void *pb)
{
	const struct wg_peer *const *a = pa, *const *b = pb;

	for (size_t i = 0; i < WG_KEY_LEN; i += sizeof(uint64_t)) {
		uint64_t x, y;

		memcpy(&x, (*a)->public_key + i, sizeof(x));
		memcpy(&y, (*b)->public_key + i, sizeof(y));
		x = be64toh(x);
		y = be64toh(y);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* The peers of d sorted by public key, as an array of pointers to look keys up in. */
static const struct wg_peer **peer_index(const struct wg_device *d)
{
	const struct wg_peer **idx = calloc(d->n_peers + 1, sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < d->n_peers; i++)
		idx[i] = &d->peers[i];
	qsort(idx, d->n_peers, sizeof(*idx), cmp_peer_key);
	return idx;
}

static const struct wg_peer *peer_find(const struct wg_peer **idx, size_t n,
				       const struct wg_peer *key)
{
	const struct wg_peer *const *hit = bsearch(&key, idx, n, sizeof(*idx), cmp_peer_key);

	return hit ? *hit : NULL;
}

static void diff_device(const struct wg_device *cur, const struct wg_device *target, uint32_t mask,
			struct wg_device *apply, struct wg_device *revert)
{
	uint32_t set = target->flags & mask;

	if ((set & WGDEV_HAS_PRIVATE_KEY) &&
	    (!(cur->flags & WGDEV_HAS_PRIVATE_KEY) ||
	     memcmp(cur->private_key, target->private_key, WG_KEY_LEN) != 0)) {
		apply->flags |= WGDEV_HAS_PRIVATE_KEY;
		memcpy(apply->private_key, target->private_key, WG_KEY_LEN);
		/* A device without a key gets the zero key back, which clears it. */
		revert->flags |= WGDEV_HAS_PRIVATE_KEY;
		memcpy(revert->private_key, cur->private_key, WG_KEY_LEN);
	}
	if ((set & WGDEV_HAS_LISTEN_PORT) && target->listen_port != cur->listen_port) {
		apply->flags |= WGDEV_HAS_LISTEN_PORT;
		apply->listen_port = target->listen_port;
		revert->flags |= WGDEV_HAS_LISTEN_PORT;
		revert->listen_port = cur->listen_port;
	}
	if ((set & WGDEV_HAS_FWMARK) && target->fwmark != cur->fwmark) {
		apply->flags |= WGDEV_HAS_FWMARK;
		apply->fwmark = target->fwmark;
		revert->flags |= WGDEV_HAS_FWMARK;
		revert->fwmark = cur->fwmark;
	}
}

/* Peers of cur that target lacks: removed by apply, restored by revert. Removals go
 * first in apply, so that a new peer may take over their allowed IPs. */
static int diff_removed(const struct wg_device *cur, const struct wg_peer **tidx, size_t nt,
			struct wg_device *apply, struct wg_device *revert)
{
	for (size_t i = 0; i < cur->n_peers; i++) {
		const struct wg_peer *p = &cur->peers[i];

		if (peer_find(tidx, nt, p))
			continue;
		if (put_remove(apply, p->public_key) < 0 || put_state(revert, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Peers of target that are new (revert removes them) or differ (revert restores). */
static int diff_changed(const struct wg_device *target, const struct wg_peer **cidx, size_t nc,
			struct wg_device *apply, struct wg_device *revert)
{
	for (size_t i = 0; i < target->n_peers; i++) {
		const struct wg_peer *t = &target->peers[i], *c = peer_find(cidx, nc, t);
		int same = c ? same_peer(c, t) : 0;

		if (same < 0)
			return same;
		if (same)
			continue;
		if (put_state(apply, t) < 0)
			return -ENOMEM;
		if (c ? put_state(revert, c) < 0 : put_remove(revert, t->public_key) < 0)
			return -ENOMEM;
	}
	return 0;
}

int wg_sync_diff(const struct wg_device *cur, const struct wg_device *target, uint32_t mask,
		 struct wg_device *apply, struct wg_device *revert)
{
	_cleanup_free_ const struct wg_peer **cidx = peer_index(cur);
	_cleanup_free_ const struct wg_peer **tidx = peer_index(target);
	/* The restores of removed peers go last in revert, after the removal of any new
	 * peer that took over their allowed IPs. */
	struct wg_device restores = { 0 };
	int r;

	if (!cidx || !tidx)
		return -ENOMEM;
	diff_device(cur, target, mask, apply, revert);
	r = diff_removed(cur, tidx, target->n_peers, apply, &restores);
	if (r == 0)
		r = diff_changed(target, cidx, cur->n_peers, apply, revert);
	for (size_t i = 0; r == 0 && i < restores.n_peers; i++)
		r = put_state(revert, &restores.peers[i]);
	wgdev_clear(&restores);
	return r;
}

bool wg_sync_changes(const struct wg_device *d)
{
	return d->n_peers > 0 || d->flags != 0;
}
