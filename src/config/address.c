// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Entries of Address and KillSwitchAllow (behaviour.md §2.6, killswitch-netns.md §2.1): an IP
// address with an optional prefix length, checked before up would fail midway.

#include <arpa/inet.h>

#include "config/parser.h"
#include "base/ip.h"
#include "base/number.h"

/* ip reads a prefix length with strtoul base 0, so "024" would be octal there: only
 * plain decimal is accepted. A dotted IPv4 netmask must be contiguous. */
static int parse_address_len(const char *s, int family, uint8_t *len)
{
	uint32_t v;

	if (family == AF_INET && strchr(s, '.'))
		return ip_netmask_len(s, len);
	if (parse_u32(s, NUMBER_DECIMAL_NO_LEADING_ZERO, 0, family == AF_INET ? 32 : 128, &v) < 0)
		return -EINVAL;
	*len = (uint8_t)v;
	return 0;
}

static int parse_address(char *entry, struct cfg_address *a)
{
	char *slash = strchr(entry, '/');
	int r;

	if (slash)
		*slash = '\0';
	r = ip_parse(entry, &a->family, a->addr);
	if (r == 0 && (a->family == AF_INET6) != (strchr(entry, ':') != NULL))
		r = -EINVAL;
	a->prefixlen = a->family == AF_INET ? 32 : 128;
	if (r == 0 && slash)
		r = parse_address_len(slash + 1, a->family, &a->prefixlen);
	if (slash)
		*slash = '/';
	return r;
}

/* The kernel refuses a second copy midway through up: IPv4 compares address and
 * prefix, IPv6 the address alone. */
static const struct cfg_address *find_address(const struct cfg *cfg, const struct cfg_address *a)
{
	for (size_t i = 0; i < cfg->n_addresses; i++) {
		const struct cfg_address *o = &cfg->addresses[i];

		if (o->family != a->family || memcmp(o->addr, a->addr, 16))
			continue;
		if (a->family == AF_INET6 || o->prefixlen == a->prefixlen)
			return o;
	}
	return NULL;
}

/* Append a, with entry as its text, to the list *arr of *n entries. */
static int push_address(struct cfg_address **arr, size_t *cap, size_t *n, struct cfg_address a,
			const char *entry)
{
	struct cfg_address *grown = cfgp_grow_array(*arr, cap, *n, sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	*arr = grown;
	a.text = strdup(entry);
	if (!a.text)
		return -ENOMEM;
	grown[(*n)++] = a;
	return 0;
}

/* IPv6 addresses the kernel never puts on a WireGuard link (up would fail midway):
 * what kind, or NULL. */
static const char *unassignable(const struct cfg_address *a)
{
	static const uint8_t any[16], loopback[16] = { [15] = 1 };

	if (a->family != AF_INET6)
		return NULL;
	if (!memcmp(a->addr, any, 16))
		return "the unspecified address";
	if (!memcmp(a->addr, loopback, 16))
		return "the loopback address";
	return a->addr[0] == 0xff ? "a multicast address" : NULL;
}

int cfgp_add_address(struct cfg_parser *p, char *entry)
{
	struct cfg *cfg = p->cfg;
	struct cfg_address a = { .line = p->line };
	const char *kind;

	if (parse_address(entry, &a) < 0)
		return cfgp_fail_own(p, "Address: '%s' is not an IP address or prefix", entry);
	if ((kind = unassignable(&a)))
		return cfgp_fail_own(p, "Address: '%s' is %s, which no interface can have", entry,
				     kind);
	if (find_address(cfg, &a))
		return cfgp_fail_own(p, "Address: '%s' is listed twice", entry);
	return push_address(&cfg->addresses, &p->cap_addresses, &cfg->n_addresses, a, entry);
}
static bool has_host_bits(const struct cfg_address *a)
{
	uint8_t m[16];

	memcpy(m, a->addr, 16);
	ip_mask(a->family, m, a->prefixlen);
	return memcmp(m, a->addr, 16) != 0;
}

int cfgp_add_ks_allow(struct cfg_parser *p, char *entry)
{
	struct cfg *cfg = p->cfg;
	struct cfg_address a = { .line = p->line };

	if (parse_address(entry, &a) < 0)
		return cfgp_fail_own(p, "KillSwitchAllow: '%s' is not an IP prefix", entry);
	if (a.prefixlen == 0)
		return cfgp_fail_own(p,
				     "KillSwitchAllow: '%s' allows everything; use "
				     "KillSwitch = off",
				     entry);
	if (has_host_bits(&a))
		return cfgp_fail_own(p, "KillSwitchAllow: '%s' has host bits set", entry);
	return push_address(&cfg->ks_allows, &p->cap_ks_allows, &cfg->n_ks_allows, a, entry);
}
