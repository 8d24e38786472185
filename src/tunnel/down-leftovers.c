// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "tunnel/down-leftovers.h"

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <limits.h>

#include "system/dns.h"
#include "system/lock.h"
#include "base/log.h"
#include "base/macro.h"
#include "netlink/rtnl.h"
#include "tunnel/fulltunnel.h"
#include "base/util.h"

int down_dns(const struct cfg *cfg, const char *ifname, bool dry_run, bool *removed,
	     bool record_only)
{
	char path[PATH_MAX], prefix[64];
	bool found = dns_which("resolvconf", path, sizeof(path));

	*removed = false;
	dns_prefix(prefix, sizeof(prefix));
	bool had = dns_record_exists(prefix, ifname);
	/* resolvectl's settings went with the link (behaviour.md §3.7): only a record needs
	 * resolvconf. */
	bool want = cfg->n_dns_servers && !record_only && dns_choose() == DNS_TOOL_RESOLVCONF;

	if (found && (want || had))
		(void)dns_down(prefix, ifname, dry_run); /* prints its own failure */
	if (dry_run || !had) {
		*removed = had;
		return 0;
	}
	if (!dns_record_exists(prefix, ifname)) {
		*removed = true;
		return 0;
	}
	if (found)
		log_error("DNS of `%s' was left in place: resolvconf could not remove the record "
			  "%s%s; remove it with `resolvconf -d %s%s'",
			  ifname, prefix, ifname, prefix, ifname);
	else
		log_error("DNS of `%s' was left in place: resolvconf is not in PATH, /usr/sbin, "
			  "/sbin, /usr/bin or /bin; remove the record %s%s with `resolvconf -d'",
			  ifname, prefix, ifname);
	return -EIO;
}

/* Does any route live in this table? A failed dump answers yes: nothing is deleted. */
static bool table_has_routes(struct nl_sock *s, int family, uint32_t table)
{
	_cleanup_free_ struct rtnl_route *r = NULL;
	size_t n = 0;

	if (rtnl_route_dump(s, family, table, &r, &n) < 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (r[i].table == table)
			return true;
	return false;
}

/* The marks of fwmark rules of wgq's shape whose table is empty: their link is gone. */
static int orphan_marks(struct nl_sock *s, uint32_t *marks, size_t max, size_t *n_marks)
{
	static const int families[] = { AF_INET, AF_INET6 };

	*n_marks = 0;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		_cleanup_free_ struct rtnl_rule *rules = NULL;
		size_t n = 0;
		int r = rtnl_rule_dump(s, families[f], &rules, &n);

		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++) {
			uint32_t m = rules[i].fwmark;
			bool seen = false;

			if (!m || !fulltunnel_rule_is_fwmark(&rules[i], m) ||
			    table_has_routes(s, families[f], m))
				continue;
			for (size_t j = 0; j < *n_marks; j++)
				seen = seen || marks[j] == m;
			if (!seen && *n_marks < max)
				marks[(*n_marks)++] = m;
		}
	}
	return 0;
}

static bool cfg_full_tunnel(const struct cfg *cfg)
{
	return fulltunnel_wanted(cfg, &cfg->dev, AF_INET) ||
	       fulltunnel_wanted(cfg, &cfg->dev, AF_INET6);
}

/* The rules of ifname's full tunnel: the config's FwMark when it names an orphan mark,
 * else the only orphan mark. Several, and none is the config's: left, and said so. */
static int leftover_rules(struct nl_sock *s, const struct cfg *cfg, const char *ifname,
			  bool dry_run, size_t *removed)
{
	uint32_t marks[16], mark = 0;
	size_t n = 0;
	/* No up may choose priorities meanwhile (lock.h). */
	_cleanup_(lock_drop) int lock = -1;
	int r = dry_run ? 0 : lock_take(&lock);

	if (r < 0) {
		log_error("%s: %s", LOCK_PATH, strerror(-r));
		return r;
	}
	r = orphan_marks(s, marks, ARRAY_SIZE(marks), &n);

	for (size_t i = 0; r == 0 && i < n; i++)
		if (marks[i] == cfg->dev.fwmark)
			mark = marks[i];
	if (r < 0 || n == 0)
		return r;
	if (!mark && n > 1) {
		log_error("`%s': left %zu sets of fwmark rules whose tables are empty: cannot tell "
			  "which were its own",
			  ifname, n);
		return 0;
	}
	mark = mark ? mark : marks[0];
	r = fulltunnel_del_rules(s, AF_INET, mark, dry_run, NULL);
	if (r == 0)
		r = fulltunnel_del_rules(s, AF_INET6, mark, dry_run, NULL);
	*removed = r == 0;
	return r;
}

int down_leftovers(struct nl_sock *rtnl, const struct cfg *cfg, const char *ifname, bool dry_run)
{
	_cleanup_nl_ struct nl_sock *nft = NULL;
	size_t tables = 0, rules = 0;
	bool dns = false;
	int r = fulltunnel_del_firewall(&nft, ifname, NFPROTO_UNSPEC, dry_run, NULL, &tables);

	if (r == 0 && (tables || cfg_full_tunnel(cfg)))
		r = leftover_rules(rtnl, cfg, ifname, dry_run, &rules);
	int d = down_dns(cfg, ifname, dry_run, &dns, true);

	if (r < 0 || d < 0)
		return r < 0 ? r : d;
	if (!tables && !rules && !dns)
		return -ENODEV; /* the caller says it is not a WireGuard interface */
	log_bang("`%s' was already gone; removed what it left: %s%s%s%s%s", ifname,
		 rules ? "its policy rules" : "", rules && (tables || dns) ? ", " : "",
		 tables ? "its nf_tables tables" : "", tables && dns ? ", " : "",
		 dns ? "its DNS record" : "");
	return 0;
}
