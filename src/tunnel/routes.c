// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "tunnel/routes.h"

#include "base/macro.h"

static int cmp_entry(const void *pa, const void *pb)
{
	const struct route_entry *a = pa, *b = pb;

	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	/* GNU sort -r reverses its last-resort whole-line comparison too (LC_ALL=C). */
	return -strcmp(a->text, b->text);
}

/* Sort: prefix length descending, then the whole text byte by byte descending. */
static void routes_sort(struct route_entry *r, size_t n)
{
	if (n > 1)
		qsort(r, n, sizeof(*r), cmp_entry);
}

/* The same text: the same family, length and (masked) address. */
static bool same_prefix(const struct route_entry *a, const struct route_entry *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

static size_t count_allowedips(const struct wg_device *dev)
{
	size_t n = 0;

	for (size_t i = 0; i < dev->n_peers; i++)
		n += dev->peers[i].n_allowedips;
	return n;
}

int routes_from_device(const struct wg_device *dev, struct route_entry **out, size_t *n)
{
	size_t total = count_allowedips(dev), k = 0;
	struct route_entry *r = calloc(total ? total : 1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < dev->n_peers; i++) {
		const struct wg_peer *p = &dev->peers[i];

		for (size_t j = 0; j < p->n_allowedips; j++) {
			struct route_entry *e = &r[k++];

			e->family = p->allowedips[j].family;
			e->len = p->allowedips[j].cidr;
			memcpy(e->addr, p->allowedips[j].raw, 16);
			ip_mask(e->family, e->addr, e->len);
			ip_format_prefix(e->text, sizeof(e->text), e->family, e->addr, e->len);
		}
	}
	routes_sort(r, k);
	/* Identical prefixes are adjacent after the sort. */
	size_t w = 0;

	for (size_t i = 0; i < k; i++) {
		if (w > 0 && same_prefix(&r[w - 1], &r[i]))
			continue;
		r[w++] = r[i];
	}
	*out = r;
	*n = w;
	return 0;
}

bool routes_covered(const struct rtnl_route *main_routes, size_t n, int ifindex,
		    const struct route_entry *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct rtnl_route *rt = &main_routes[i];

		if (rt->family != e->family || rt->oif != ifindex || rt->cloned)
			continue;
		if (ip_covers(e->family, rt->dst, rt->dst_len, e->addr, e->len))
			return true;
	}
	return false;
}

int routes_dump(struct nl_sock *s, uint32_t table, struct rtnl_route **out, size_t *n)
{
	static const int families[] = { AF_INET, AF_INET6 };
	_cleanup_free_ struct rtnl_route *all = NULL;
	size_t total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		_cleanup_free_ struct rtnl_route *part = NULL;
		size_t k = 0;
		int r = rtnl_route_dump(s, families[i], table, &part, &k);

		if (r < 0)
			return r;
		struct rtnl_route *grown = realloc(all, (total + k + 1) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		all = grown;
		if (k)
			memcpy(all + total, part, k * sizeof(*part));
		total += k;
	}
	*out = TAKE_PTR(all);
	*n = total;
	return 0;
}
