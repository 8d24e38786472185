// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// wg-quick's own [Interface] keys (behaviour.md §2.6): Address, DNS, MTU, Table, the hooks,
// SaveConfig, and wgq's Namespace, KillSwitch and KillSwitchAllow. Errors in them are
// fatal even in lenient mode. Addresses themselves are read in address.c.

#include <net/if.h>
#include <resolv.h>
#include <strings.h>

#include "config/parser.h"
#include "config/file.h"
#include "config/rt-tables.h"
#include "base/ip.h"
#include "base/macro.h"
#include "base/number.h"

#define CFG_RT_TABLE_MAIN 254

/* Own keys (behaviour.md §2.6) */

/* Entries of Address and DNS: commas count as spaces, then bash's word splitting. */
static char *next_word(char **s)
{
	char *w = *s + strspn(*s, " \t,");
	char *end;

	if (!*w)
		return NULL;
	end = w + strcspn(w, " \t,");
	*s = *end ? end + 1 : end;
	*end = '\0';
	return w;
}
/* Address and DNS: commas count as spaces; each word is one entry. */
static int for_each_word(struct cfg_parser *p, const struct cfg_line *l,
			 int (*add)(struct cfg_parser *p, char *word))
{
	char *s = l->value, *w;

	while ((w = next_word(&s))) {
		int r = add(p, w);

		if (r < 0)
			return r;
	}
	return 0;
}

static int own_address(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		       const struct cfg_line *l)
{
	return for_each_word(p, l, cfgp_add_address);
}

static int add_item(struct cfg_item **arr, size_t *n, size_t *cap, const char *text, unsigned line)
{
	struct cfg_item *a = cfgp_grow_array(*arr, cap, *n, sizeof(*a));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*n].text = strdup(text);
	if (!a[*n].text)
		return -ENOMEM;
	a[*n].line = line;
	(*n)++;
	return 0;
}

/* wg-quick's test: only digits and dots, or any ':', makes a nameserver. */
static bool dns_is_server(const char *s)
{
	return s[strspn(s, "0123456789.")] == '\0' || strchr(s, ':');
}

/* IPv4, or IPv6 with an optional %zone as resolv.conf takes it. */
static bool dns_server_valid(char *s)
{
	char *pct = strchr(s, '%');
	uint8_t addr[16];
	int family = 0;
	bool ok;

	if (pct) {
		size_t zlen = strlen(pct + 1);

		if (!zlen || zlen >= IFNAMSIZ || strchr(pct + 1, '%') || strchr(pct + 1, '/'))
			return false;
		*pct = '\0';
	}
	ok = ip_parse(s, &family, addr) == 0 && (!pct || family == AF_INET6);
	if (pct)
		*pct = '%';
	return ok;
}

/* libresolv's idea of a search domain: printable name characters, labels of at most
 * 63 bytes, 255 in all. */
static bool dns_domain_valid(const char *s)
{
	unsigned char wire[NS_MAXCDNAME];

	return res_dnok(s) && ns_name_pton(s, wire, sizeof(wire)) >= 0;
}

static int add_dns(struct cfg_parser *p, char *w)
{
	struct cfg *cfg = p->cfg;

	if (dns_is_server(w)) {
		if (!dns_server_valid(w))
			return cfgp_fail_own(p, "DNS: '%s' is not an IP address", w);
		return add_item(&cfg->dns_servers, &cfg->n_dns_servers, &p->cap_servers, w,
				p->line);
	}
	if (!dns_domain_valid(w))
		return cfgp_fail_own(p, "DNS: '%s' is not a valid domain name", w);
	return add_item(&cfg->dns_search, &cfg->n_dns_search, &p->cap_search, w, p->line);
}

static int own_dns(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		   const struct cfg_line *l)
{
	return for_each_word(p, l, add_dns);
}

/* ip reads the MTU with strtoul base 0: refuse leading zeros rather than differ. */
static int own_mtu(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		   const struct cfg_line *l)
{
	const char *v = l->value;
	uint32_t mtu = 0;

	p->cfg->mtu = 0;
	p->cfg->mtu_line = 0;
	if (!*v)
		return 0;
	if (parse_u32(v, NUMBER_DECIMAL_NO_LEADING_ZERO, 68, 65535, &mtu) < 0)
		return cfgp_fail_own(p, "MTU: '%s' is not a number from 68 to 65535", v);
	p->cfg->mtu = mtu;
	p->cfg->mtu_line = p->line;
	return 0;
}

/* Keywords in any case (behaviour.md §6 f); then a name, then a number, in iproute2's order. */
static int own_table(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		     const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;
	const char *v = l->value;
	uint32_t id = 0;

	free(cfg->table_text);
	cfg->table_text = NULL;
	cfg->table_mode = CFG_TABLE_AUTO;
	cfg->table = 0;
	cfg->table_line = 0;
	if (!*v)
		return 0;
	if (!strcasecmp(v, "off")) {
		cfg->table_mode = CFG_TABLE_OFF;
	} else if (!strcasecmp(v, "auto")) {
		cfg->table_mode = CFG_TABLE_AUTO;
	} else if (rt_table_lookup(v, p->rt_dirs, &id) == 0 ||
		   parse_u32(v, NUMBER_BASE0, 0, UINT32_MAX, &id) == 0) {
		cfg->table_mode = CFG_TABLE_ID;
		/* The kernel puts a route for table 0 (unspecified) into main. */
		cfg->table = id ? id : CFG_RT_TABLE_MAIN;
	} else {
		return cfgp_fail_own(p,
				     "Table: '%s' is not off, auto, a table number or a name from "
				     "rt_tables",
				     v);
	}
	cfg->table_text = strdup(v);
	if (!cfg->table_text)
		return -ENOMEM;
	cfg->table_line = p->line;
	return 0;
}

static int own_hook(struct cfg_parser *p, const struct cfg_own_key *k, const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;
	struct cfg_hook *h;
	const char *text;
	size_t n;

	h = cfgp_grow_array(cfg->hooks[k->hook], &p->cap_hooks[k->hook], cfg->n_hooks[k->hook],
			    sizeof(*h));
	if (!h)
		return -ENOMEM;
	cfg->hooks[k->hook] = h;
	/* The unstripped value: '#' and what follows reach bash (upstream 90deacd). */
	n = l->len - l->eq - 1;
	text = cfgp_trim_range(l->text + l->eq + 1, &n);
	h[cfg->n_hooks[k->hook]].text = strndup(text, n);
	if (!h[cfg->n_hooks[k->hook]].text)
		return -ENOMEM;
	h[cfg->n_hooks[k->hook]++].line = p->line;
	return 0;
}

static int own_save_config(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			   const struct cfg_line *l)
{
	if (!strcasecmp(l->value, "true"))
		p->cfg->save_config = true;
	else if (!strcasecmp(l->value, "false"))
		p->cfg->save_config = false;
	else
		return cfgp_fail_own(p, "SaveConfig: '%s' is neither true nor false", l->value);
	p->cfg->has_save_config = true;
	return 0;
}

/* killswitch-netns.md §2.1: a named namespace; last wins. */
static int own_namespace(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			 const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;

	if (!*l->value)
		return cfgp_fail_own(p, "Namespace: missing value");
	if (!cfg_is_netns_name(l->value))
		return cfgp_fail_own(p, "Namespace: '%s' is not a valid namespace name", l->value);
	free(cfg->netns);
	cfg->netns = strdup(l->value);
	if (!cfg->netns)
		return -ENOMEM;
	cfg->netns_line = p->line;
	return 0;
}

static int own_kill_switch(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			   const struct cfg_line *l)
{
	static const char *const names[] = {
		[CFG_KS_OFF] = "off", [CFG_KS_ON] = "on", [CFG_KS_LOCKDOWN] = "lockdown"
	};

	if (!*l->value)
		return cfgp_fail_own(p, "KillSwitch: missing value");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcasecmp(l->value, names[i])) {
			p->cfg->kill_switch = (enum cfg_ks_level)i;
			p->cfg->kill_switch_line = p->line;
			return 0;
		}
	}
	return cfgp_fail_own(p, "KillSwitch: '%s' is not off, on or lockdown", l->value);
}

static int own_ks_allow(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			const struct cfg_line *l)
{
	return for_each_word(p, l, cfgp_add_ks_allow);
}

static const struct cfg_own_key own_keys[] = {
	{ NAME_LEN("Address"), own_address, 0 },
	{ NAME_LEN("DNS"), own_dns, 0 },
	{ NAME_LEN("MTU"), own_mtu, 0 },
	{ NAME_LEN("Table"), own_table, 0 },
	{ NAME_LEN("PreUp"), own_hook, CFG_PRE_UP },
	{ NAME_LEN("PostUp"), own_hook, CFG_POST_UP },
	{ NAME_LEN("PreDown"), own_hook, CFG_PRE_DOWN },
	{ NAME_LEN("PostDown"), own_hook, CFG_POST_DOWN },
	{ NAME_LEN("SaveConfig"), own_save_config, 0 },
	{ NAME_LEN("Namespace"), own_namespace, 0 },
	{ NAME_LEN("KillSwitch"), own_kill_switch, 0 },
	{ NAME_LEN("KillSwitchAllow"), own_ks_allow, 0 },
};

const struct cfg_own_key *cfgp_find_own_key(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(own_keys); i++)
		if (cfgp_name_is(key, len, own_keys[i].name, own_keys[i].len))
			return &own_keys[i];
	return NULL;
}
