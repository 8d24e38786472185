// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The system checks of up and reload before their first change (issue 18 item 6).
// Each check first asks whether the config needs the part at all, then looks at the
// system without changing it (reads of /proc/sys, a dump request, a family lookup),
// and names the config line that needs what is missing.

#include "tunnel/preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "firewall/nft.h"
#include "netlink/nl.h"
#include "system/spawn.h"
#include "tunnel/fulltunnel.h"

#define PROC_IPV6      "/proc/sys/net/ipv6"
#define SRC_VALID_MARK "/proc/sys/net/ipv4/conf/all/src_valid_mark"
#define FIX_OFF	       "or set Table = off and route yourself"

/* The first config entry that needs a part: its line, key and value as text. */
struct need {
	unsigned line;
	const char *key;
	char value[IP_PREFIX_STRLEN];
};

static void need_report(const struct preflight *p, const struct need *n, const char *why)
{
	log_error("%s:%u: %s: '%s' %s", p->path, n->line, n->key, n->value, why);
}

/* The first IPv6 address, or allowed IP that gets a route. */
static bool needs_ipv6(const struct cfg *cfg, struct need *n)
{
	for (size_t i = 0; i < cfg->n_addresses; i++)
		if (cfg->addresses[i].family == AF_INET6) {
			*n = (struct need){ .line = cfg->addresses[i].line, .key = "Address" };
			snprintf(n->value, sizeof(n->value), "%s", cfg->addresses[i].text);
			return true;
		}
	for (size_t i = 0; cfg->table_mode != CFG_TABLE_OFF && i < cfg->dev.n_peers; i++) {
		const struct wg_peer *peer = &cfg->dev.peers[i];

		for (size_t j = 0; j < peer->n_allowedips; j++) {
			const struct wg_allowedip *a = &peer->allowedips[j];

			if (a->family != AF_INET6 || a->remove)
				continue;
			*n = (struct need){ .line = peer->line, .key = "AllowedIPs" };
			ip_format_prefix(n->value, sizeof(n->value), a->family, a->raw, a->cidr);
			return true;
		}
	}
	return false;
}

/* The /0 of a full tunnel of family, when the config makes one. */
static bool needs_full_tunnel(const struct cfg *cfg, int family, struct need *n)
{
	if (!fulltunnel_wanted(cfg, &cfg->dev, family))
		return false;
	for (size_t i = 0; i < cfg->dev.n_peers; i++)
		for (size_t j = 0; j < cfg->dev.peers[i].n_allowedips; j++) {
			const struct wg_allowedip *a = &cfg->dev.peers[i].allowedips[j];

			if (a->family != family || a->cidr || a->remove)
				continue;
			*n = (struct need){ .line = cfg->dev.peers[i].line, .key = "AllowedIPs" };
			snprintf(n->value, sizeof(n->value),
				 family == AF_INET ? "0.0.0.0/0" : "::/0");
			return true;
		}
	return false;
}

/* The first character of a /proc/sys file, or 0 when it cannot be read. */
static char sysctl_char(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char c = 0;

	if (fd < 0 || read(fd, &c, 1) != 1)
		return 0;
	return c;
}

static int check_ipv6(const struct preflight *p)
{
	struct need n;
	char path[128];

	if (!needs_ipv6(p->cfg, &n))
		return 0;
	if (access(PROC_IPV6, F_OK) < 0) {
		need_report(p, &n,
			    "needs IPv6, which this kernel does not have (" PROC_IPV6
			    " is missing: booted with ipv6.disable=1, or built without IPv6); "
			    "boot without ipv6.disable=1, or remove the IPv6 entries from "
			    "Address and AllowedIPs");
		return -EAFNOSUPPORT;
	}
	const char *confs[] = { "all", p->running ? p->ifname : "default" };
	char names[96] = "", fix[128] = "";

	for (size_t i = 0; i < ARRAY_SIZE(confs); i++) {
		snprintf(path, sizeof(path), PROC_IPV6 "/conf/%s/disable_ipv6", confs[i]);
		if (sysctl_char(path) != '1')
			continue;
		size_t ln = strlen(names), lf = strlen(fix);

		snprintf(names + ln, sizeof(names) - ln, "%snet.ipv6.conf.%s.disable_ipv6",
			 ln ? " and " : "", confs[i]);
		snprintf(fix + lf, sizeof(fix) - lf, " net.ipv6.conf.%s.disable_ipv6=0", confs[i]);
	}
	if (!*names)
		return 0;
	log_error("%s:%u: %s: '%s' needs IPv6, which is disabled (%s = 1); enable it "
		  "(`sysctl -w%s`), or remove the IPv6 entries from Address and AllowedIPs",
		  p->path, n.line, n.key, n.value, names, fix);
	return -EAFNOSUPPORT;
}

/* An IPv4 full tunnel sets src_valid_mark to 1 (behaviour.md §3.9); 1 already needs no write. */
static int check_src_valid_mark(const struct preflight *p)
{
	struct need n;
	char c = sysctl_char(SRC_VALID_MARK);

	if (c == 0 || c == '1' || !needs_full_tunnel(p->cfg, AF_INET, &n))
		return 0;
	if (access(SRC_VALID_MARK, W_OK) == 0)
		return 0;
	int err = -errno;
	char why[512];

	snprintf(why, sizeof(why),
		 "makes a full tunnel, which needs net.ipv4.conf.all.src_valid_mark = 1, but it "
		 "is 0 and cannot be set (" SRC_VALID_MARK ": %s); set it to 1 where /proc/sys "
		 "is writable (`sysctl -w net.ipv4.conf.all.src_valid_mark=1`, for a container "
		 "on its host or in its runtime's sysctl settings), " FIX_OFF,
		 strerror(-err));
	need_report(p, &n, why);
	return err;
}

static int probe_nf_tables(const char *ifname)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	int fams[4];
	size_t n = 0;
	int r = nl_open(&s, NETLINK_NETFILTER);

	return r < 0 ? r : nft_find_tables(s, ifname, fams, ARRAY_SIZE(fams), &n);
}

static int check_nf_tables(const struct preflight *p)
{
	struct need n;

	if (!needs_full_tunnel(p->cfg, AF_INET, &n) && !needs_full_tunnel(p->cfg, AF_INET6, &n))
		return 0;
	int r = probe_nf_tables(p->ifname);

	if (r == 0)
		return 0;
	char why[384];

	snprintf(why, sizeof(why),
		 "makes a full tunnel, whose wg-quick-IF table needs nf_tables, which is not "
		 "available (%s); load it (`modprobe nf_tables`, a kernel with "
		 "CONFIG_NF_TABLES), " FIX_OFF,
		 strerror(-r));
	need_report(p, &n, why);
	return r;
}

/* The kill switch is an nf_tables table: without nf_tables it cannot close. */
static int check_kill_switch(const struct preflight *p)
{
	if (!p->kill_switch)
		return 0;
	int r = probe_nf_tables(p->ifname);

	if (r == 0)
		return 0;
	if (p->cfg->kill_switch_line)
		log_error("%s:%u: KillSwitch: the kill switch needs nf_tables, which is not "
			  "available (%s); load it (`modprobe nf_tables`, a kernel with "
			  "CONFIG_NF_TABLES)",
			  p->path, p->cfg->kill_switch_line, strerror(-r));
	else
		log_error("--kill-switch: the kill switch needs nf_tables, which is not available "
			  "(%s); load it (`modprobe nf_tables`, a kernel with CONFIG_NF_TABLES)",
			  strerror(-r));
	return r;
}

const char *preflight_userspace_impl(void)
{
	const char *impl = getenv("WG_QUICK_USERSPACE_IMPLEMENTATION");

	return impl && *impl ? impl : "wireguard-go";
}

/* The kernel module, loaded, or loadable (the family lookup loads it), or else the
 * userspace implementation up falls back to (behaviour.md §3.2). */
static int check_backend(void)
{
	_cleanup_nl_ struct nl_sock *s = NULL;
	const char *impl = preflight_userspace_impl();
	char path[PATH_MAX];
	uint16_t id;
	struct stat st;

	if (stat("/sys/module/wireguard", &st) == 0 || spawn_which(impl, path, sizeof(path)))
		return 0;
	if (nl_open(&s, NETLINK_GENERIC) == 0 && nl_genl_family(s, "wireguard", &id) == 0)
		return 0;
	log_error("neither the WireGuard kernel module nor a userspace implementation is "
		  "available (no module wireguard, no `%s' in PATH); load the module "
		  "(`modprobe wireguard`; Debian's kernels have it) or install wireguard-go "
		  "(`apt install wireguard-go`), or name another implementation in "
		  "WG_QUICK_USERSPACE_IMPLEMENTATION",
		  impl);
	return -EOPNOTSUPP;
}

int preflight_check(const struct preflight *p)
{
	int r = p->backend ? check_backend() : 0;

	if (r == 0)
		r = check_ipv6(p);
	if (r == 0)
		r = check_src_valid_mark(p);
	if (r == 0)
		r = check_nf_tables(p);
	if (r == 0)
		r = check_kill_switch(p);
	return r;
}
