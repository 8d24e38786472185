// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "tunnel/ks-tunnel.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/ip.h"
#include "firewall/killswitch.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/number.h"
#include "base/readfile.h"
#include "netlink/rtnl.h"
#include "tunnel/fulltunnel.h"

#define KS_LOG "nft -f /dev/fd/63"

/* The logged command of a batch in namespace where (NULL: wgq's own, killswitch-netns.md §5.4 step
 * 0). */
/* The [#] line of a change of the ruleset in namespace where (NULL: here), formatted
 * (printed by the caller only when something changes). */
static void ks_log(struct log_line *l, const char *where)
{
	if (!where)
		snprintf(l->text, sizeof(l->text), KS_LOG);
	else
		snprintf(l->text, sizeof(l->text), "ip netns exec %s " KS_LOG, where);
}

enum cfg_ks_level kst_level(const struct cfg *cfg, int flag)
{
	return (int)cfg->kill_switch > flag ? cfg->kill_switch : (enum cfg_ks_level)flag;
}

int kst_prepare(const struct cfg *cfg, const char *path, int flag, enum cfg_ks_level *level)
{
	*level = kst_level(cfg, flag);
	kst_warn_allows(cfg, path, *level);
	return kst_check_endpoints(cfg, path, *level, false);
}

int kst_check_endpoints(const struct cfg *cfg, const char *path, enum cfg_ks_level level,
			bool warn_only)
{
	if (level != CFG_KS_LOCKDOWN)
		return 0;
	for (size_t i = 0; i < cfg->dev.n_peers; i++) {
		const struct wg_peer *p = &cfg->dev.peers[i];

		if (!p->endpoint_text || !p->endpoint_is_host)
			continue;
		log_print(warn_only ? LOG_WARNING : LOG_ERROR,
			  "%s:%u: Endpoint: '%s' is a host name, which cannot be resolved while "
			  "KillSwitch = lockdown blocks DNS; use an IP address",
			  path, p->endpoint_line, p->endpoint_text);
		if (!warn_only)
			return -EINVAL;
	}
	return 0;
}

void kst_warn_allows(const struct cfg *cfg, const char *path, enum cfg_ks_level level)
{
	if (level == CFG_KS_OFF && cfg->n_ks_allows)
		log_warning("%s:%u: KillSwitchAllow has no effect while KillSwitch is off", path,
			    cfg->ks_allows[0].line);
}

/* SSH_CONNECTION of pid's environment (sudo may have dropped ours). */
static bool env_of(pid_t pid, char *out, size_t size)
{
	_cleanup_free_ char *buf = NULL;
	char path[64];
	size_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (read_file(path, 65535, 0, &buf, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
		if (!strncmp(buf + i, "SSH_CONNECTION=", 15)) {
			snprintf(out, size, "%s", buf + i + 15);
			return true;
		}
	}
	return false;
}

static pid_t parent_of(pid_t pid)
{
	_cleanup_free_ char *line = NULL;
	char path[64];
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, 1023, 0, &line, NULL) < 0)
		return 0;
	line[strcspn(line, "\n")] = '\0';
	/* The name may hold spaces and parentheses: parse after the last ')'. */
	char *p = strrchr(line, ')');
	struct number n;

	/* ") S PPID ...": the state (one character), then the parent's pid. */
	if (p && p[1] == ' ' && p[2] && p[3] == ' ' &&
	    number_scan(p + 4, NUMBER_DECIMAL, &n) == 0 && n.value <= INT_MAX)
		ppid = (int)n.value;
	return (pid_t)ppid;
}

static bool ssh_connection(char *out, size_t size)
{
	const char *e = getenv("SSH_CONNECTION");

	if (e && *e) {
		snprintf(out, size, "%s", e);
		return true;
	}
	for (pid_t p = getppid(); p > 1; p = parent_of(p))
		if (env_of(p, out, size))
			return true;
	return false;
}

void kst_warn_ssh(const struct cfg *cfg, const char *ifname)
{
	char conn[256];
	uint8_t addr[16], m[16];
	int family = 0;

	if (!ssh_connection(conn, sizeof(conn)))
		return;
	conn[strcspn(conn, " ")] = '\0';
	if (ip_parse(conn, &family, addr) < 0)
		return;
	for (size_t i = 0; i < cfg->n_ks_allows; i++) {
		const struct cfg_address *a = &cfg->ks_allows[i];

		memcpy(m, addr, 16);
		ip_mask(family, m, a->prefixlen);
		if (a->family == family && !memcmp(m, a->addr, family == AF_INET ? 4 : 16))
			return;
	}
	log_warning("the kill switch for %s will cut this SSH session from %s; add it to "
		    "KillSwitchAllow to keep it",
		    ifname, conn);
}

static int open_nft(struct nl_sock **nft)
{
	int r = *nft ? 0 : nl_open(nft, NETLINK_NETFILTER);

	if (r < 0)
		log_error("nfnetlink: %s", strerror(-r));
	return r;
}

/* For questions only: without nf_tables there is no switch, and nothing to say. */
static bool open_nft_quiet(struct nl_sock **nft)
{
	return *nft || nl_open(nft, NETLINK_NETFILTER) == 0;
}

bool kst_engaged(struct nl_sock **nft)
{
	struct ks_state st = { 0 };
	bool on = open_nft_quiet(nft) && ks_read(*nft, &st) == 0 && st.table;

	ks_state_clear(&st);
	return on;
}

int kst_free_mark(struct nl_sock *rtnl, struct nl_sock **nft, uint32_t *mark)
{
	_cleanup_free_ uint32_t *marks = NULL;
	size_t n = 0;
	int r = open_nft(nft);

	r = r ?: ks_marks(*nft, &marks, &n);
	return r ?: fulltunnel_free_table(rtnl, marks, n, mark);
}

/* Is tun-IF already exactly p, intact? */
static bool unchanged(struct nl_sock **nft, const struct ks_params *p)
{
	struct ks_state st = { 0 };
	bool same = open_nft(nft) == 0 && ks_read(*nft, &st) == 0 && ks_intact(&st, p->ifname) &&
		    ks_tun_matches(&st, p);

	ks_state_clear(&st);
	return same;
}

static int install(struct nl_sock **nft, const char *where, const struct cfg *cfg,
		   struct ks_params p, bool skip_same, bool dry_run)
{
	size_t na = cfg->n_ks_allows + 1, nd = cfg->n_dns_servers + 1;
	_cleanup_free_ struct ks_prefix *allows = calloc(na, sizeof(*allows));
	_cleanup_free_ struct ks_prefix *dns = calloc(nd, sizeof(*dns));
	const char *ifname = p.ifname;
	struct log_line cmd;

	ks_log(&cmd, where);
	if (!allows || !dns)
		return -ENOMEM;
	ks_params_from_cfg(cfg, allows, dns, &p);
	if (skip_same && unchanged(nft, &p))
		return 0;
	log_cmd("%s", cmd.text);
	if (dry_run)
		return 0;
	int r = open_nft(nft);

	r = r ?: ks_install(*nft, &p);
	if (r == -EPROTO)
		log_error("kill switch for %s could not be verified", ifname);
	else
		log_line_end(&cmd, r);
	return r;
}

int kst_install(struct nl_sock **nft, const char *ifname, const struct cfg *cfg,
		enum cfg_ks_level level, uint32_t mark, bool dry_run)
{
	struct ks_params p = { .ifname = ifname, .level = level, .mark = mark };

	return install(nft, NULL, cfg, p, false, dry_run);
}

int kst_install_in(struct nl_sock **nft, const char *where, const char *ifname,
		   const struct cfg *cfg, enum cfg_ks_level level, bool dry_run)
{
	struct ks_params p = { .ifname = ifname, .level = level };

	return install(nft, where, cfg, p, false, dry_run);
}

int kst_install_mark_only(struct nl_sock **nft, const char *ifname, enum cfg_ks_level level,
			  uint32_t mark, bool dry_run)
{
	static const struct cfg none;
	struct ks_params p = { .ifname = ifname, .level = level, .mark = mark, .mark_only = true };

	return install(nft, NULL, &none, p, false, dry_run);
}

int kst_replace(struct nl_sock **nft, const char *ifname, const struct cfg *cfg,
		enum cfg_ks_level level, uint32_t mark, uint32_t mark_old, bool skip_same,
		bool dry_run)
{
	struct ks_params p = {
		.ifname = ifname, .level = level, .mark = mark, .mark_old = mark_old
	};

	return install(nft, NULL, cfg, p, skip_same, dry_run);
}

int kst_remove_in(struct nl_sock **nft, const char *where, const char *ifname, bool dry_run,
		  bool *removed)
{
	struct log_line cmd;
	bool gone = false;
	int r = open_nft(nft);

	ks_log(&cmd, where);
	if (r == 0 && dry_run) {
		gone = kst_installed_level(nft, ifname) != CFG_KS_OFF;
		if (gone)
			log_cmd("%s", cmd.text);
	} else if (r == 0) {
		struct ks_state st = { 0 };

		r = ks_read(*nft, &st);
		gone = r == 0 && ks_find(&st, ifname);
		ks_state_clear(&st);
		if (gone)
			log_cmd("%s", cmd.text);
		r = log_line_end(&cmd, r ?: (gone ? ks_remove(*nft, ifname, &gone) : 0));
	}
	if (removed)
		*removed = gone;
	return r;
}

int kst_remove(struct nl_sock **nft, const char *ifname, bool dry_run, bool *removed)
{
	return kst_remove_in(nft, NULL, ifname, dry_run, removed);
}

enum cfg_ks_level kst_installed_level(struct nl_sock **nft, const char *ifname)
{
	struct ks_state st = { 0 };
	enum cfg_ks_level level = CFG_KS_OFF;

	if (open_nft_quiet(nft) && ks_read(*nft, &st) == 0) {
		const struct ks_chain *c = ks_find(&st, ifname);

		/* A tun-IF with an unreadable comment is kept as if locked down. */
		if (c)
			level = c->level == CFG_KS_OFF ? CFG_KS_LOCKDOWN : c->level;
	}
	ks_state_clear(&st);
	return level;
}

void kst_left_in_place(const char *ifname, enum cfg_ks_level level)
{
	if (level == CFG_KS_LOCKDOWN)
		log_error("kill switch for %s left in place; 'wgq killswitch off %s' removes it",
			  ifname, ifname);
	else
		log_error("kill switch for %s left in place; 'wgq down %s' or 'wgq killswitch off "
			  "%s' removes it",
			  ifname, ifname, ifname);
}
