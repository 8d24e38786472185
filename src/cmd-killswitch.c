// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `killswitch on|off|status` (killswitch-netns §2.3).

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>

#include "config-file.h"
#include "ip.h"
#include "killswitch.h"
#include "ks-tunnel.h"
#include "log.h"
#include "macro.h"
#include "rtnl.h"
#include "subcommands.h"
#include "wg.h"

static void nl_closepp(struct nl_sock **s)
{
	if (*s)
		nl_close(*s);
}

/* IF from a name or from FILE's name (FILE need not exist). */
static int ifname_of(const char *arg, char out[static IFNAMSIZ])
{
	const char *base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
	size_t len = strlen(base);
	char name[IFNAMSIZ];

	if (cfg_is_ifname(arg)) {
		snprintf(out, IFNAMSIZ, "%s", arg);
		return 0;
	}
	if (len > 5 && len - 5 < IFNAMSIZ && streq(base + len - 5, ".conf")) {
		memcpy(name, base, len - 5);
		name[len - 5] = '\0';
		if (cfg_is_ifname(name)) {
			snprintf(out, IFNAMSIZ, "%s", name);
			return 0;
		}
	}
	log_error("The config file must be a valid interface name, followed by .conf");
	return -EINVAL;
}

/* Is IF a WireGuard interface here? Its fwmark in *mark. */
static bool running(const char *ifname, uint32_t *mark)
{
	struct wg_device dev = { 0 };
	bool up = wg_get_device(NULL, ifname, &dev) == 0;

	*mark = up ? dev.fwmark : 0;
	wgdev_clear(&dev);
	return up;
}

/* A broken or missing file still closes the switch: an empty chain at lockdown. */
static int on_broken(struct nl_sock **nft, const char *ifname, bool dry_run)
{
	struct cfg empty = { 0 };
	struct ks_params p = { .ifname = ifname, .level = CFG_KS_LOCKDOWN, .empty = true };
	int r = 0;

	log_cmd("nft -f /dev/fd/63");
	if (!dry_run) {
		r = *nft ? 0 : nl_open(nft, NETLINK_NETFILTER);
		r = r ?: ks_install(*nft, &p);
		if (r == -EPROTO)
			log_error("kill switch for %s could not be verified", ifname);
		else if (r < 0)
			log_step_error("nft -f /dev/fd/63", r);
	}
	cfg_clear(&empty);
	return -EINVAL;
}

static void print_plan(struct nl_sock **nft, const char *ifname, const struct cfg *cfg,
		       enum cfg_ks_level level, uint32_t mark)
{
	struct ks_prefix *allows = calloc(cfg->n_ks_allows + 1, sizeof(*allows));
	struct ks_prefix *dns = calloc(cfg->n_dns_servers + 1, sizeof(*dns));
	struct ks_params p = { .ifname = ifname, .level = level, .mark = mark };
	struct ks_state st = { 0 };

	if (allows && dns && (*nft || nl_open(nft, NETLINK_NETFILTER) == 0)) {
		ks_params_from_cfg(cfg, allows, dns, &p);
		(void)ks_read(*nft, &st);
		ks_print(stdout, &st, &p);
		fflush(stdout);
	}
	ks_state_clear(&st);
	free(allows);
	free(dns);
}

static int ks_on(const char *arg, bool dry_run)
{
	_cleanup_(nl_closepp) struct nl_sock *nft = NULL;
	struct cfg_file file = { 0 };
	struct cfg cfg = { 0 };
	char ifname[IFNAMSIZ];
	uint32_t mark = 0;
	int r = ifname_of(arg, ifname);

	if (r < 0)
		return r;
	if (cfg_load(arg, 0, &file, &cfg) < 0)
		return on_broken(&nft, ifname, dry_run);
	enum cfg_ks_level level = kst_level(&cfg, CFG_KS_ON);

	r = kst_check_endpoints(&cfg, file.path, level, false);
	if (r == 0) {
		mark = cfg.dev.fwmark;
		if (!mark)
			running(ifname, &mark);
		kst_warn_ssh(&cfg, ifname);
		r = kst_install(&nft, ifname, &cfg, level, mark, dry_run);
	}
	if (r == 0 && dry_run)
		print_plan(&nft, ifname, &cfg, level, mark);
	cfg_clear(&cfg);
	cfg_file_clear(&file);
	return r;
}

static int ks_off(const char *arg, bool all, bool dry_run)
{
	_cleanup_(nl_closepp) struct nl_sock *nft = NULL;
	char ifname[IFNAMSIZ];
	bool removed = false;
	int r;

	if (all) {
		if (!kst_engaged(&nft))
			return 0;
		log_cmd("nft -f /dev/fd/63");
		r = dry_run ? 0 : ks_remove_all(nft);
		if (r < 0)
			log_step_error("nft -f /dev/fd/63", r);
		return r;
	}
	r = ifname_of(arg, ifname);
	r = r ?: kst_remove(&nft, ifname, dry_run, &removed);
	if (r == 0 && !removed)
		log_error("no kill switch for %s", ifname);
	return r;
}

/* --- status --- */

static void print_allows(const struct ks_state *st, const char *chain)
{
	const char *sep = ", allow ";

	for (size_t i = 0; i < st->n_rules; i++) {
		const struct ks_rule *r = &st->rules[i];
		char text[IP_PREFIX_STRLEN];

		if (!r->is_allow || !streq(r->chain, chain))
			continue;
		ip_format_prefix(text, sizeof(text), r->allow.family, r->allow.addr, r->allow.len);
		printf("%s%s", sep, text);
		sep = " ";
	}
}

static uint32_t chain_mark(const struct ks_state *st, const char *chain)
{
	for (size_t i = 0; i < st->n_rules; i++)
		if (st->rules[i].is_mark && streq(st->rules[i].chain, chain))
			return st->rules[i].mark;
	return 0;
}

/* One line for IF; false when its switch is expected but not intact. */
static bool status_line(const struct ks_state *st, const char *ifname, enum cfg_ks_level file)
{
	const struct ks_chain *c = ks_find(st, ifname);
	uint32_t mark = 0;

	if (!c) {
		bool expected =
			file == CFG_KS_LOCKDOWN || (file == CFG_KS_ON && running(ifname, &mark));

		if (expected)
			printf("%s: %s, MISSING\n", ifname, ks_level_name(file));
		else
			printf("%s: %s, not engaged\n", ifname, ks_level_name(file));
		return !expected;
	}
	enum cfg_ks_level level = c->level > file ? c->level : file;
	bool ok = ks_intact(st, ifname);

	printf("%s: %s, %s", ifname, ks_level_name(level), ok ? "intact" : "NOT INTACT");
	mark = chain_mark(st, c->name);
	if (mark)
		printf(", fwmark 0x%x", mark);
	print_allows(st, c->name);
	putchar('\n');
	return ok;
}

/* The level a config asks for, CFG_KS_OFF when it cannot be read or parsed. Quietly:
 * status reports on stdout only. */
static enum cfg_ks_level file_level(const char *arg)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	const struct cfg_options opts = { .lenient = true };
	struct cfg_parser *p = NULL;
	struct cfg cfg = { 0 };
	size_t len = 0;
	enum cfg_ks_level level = CFG_KS_OFF;

	if (asprintf(&path, cfg_is_ifname(arg) ? "/etc/wireguard/%s.conf" : "%s", arg) < 0)
		return CFG_KS_OFF;
	FILE *f = fopen(path, "re");

	if (!f)
		return CFG_KS_OFF;
	text = malloc(1 << 20);
	len = text ? fread(text, 1, 1 << 20, f) : 0;
	fclose(f);
	if (text && cfg_parser_new(&p, &cfg, &opts) == 0 &&
	    cfg_parser_feed_buffer(p, text, len) == 0 && cfg_parser_finish(p) == 0)
		level = cfg.kill_switch;
	cfg_parser_free(p);
	cfg_clear(&cfg);
	return level;
}

static bool listed(char (*names)[IFNAMSIZ], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(names[i], name))
			return true;
	return false;
}

/* Every tun-* chain, then every /etc/wireguard config with a kill switch. */
static bool status_all(const struct ks_state *st)
{
	char names[256][IFNAMSIZ];
	size_t n = 0;
	bool ok = true;

	for (size_t i = 0; i < st->n_chains && n < ARRAY_SIZE(names); i++)
		if (!strncmp(st->chains[i].name, "tun-", 4))
			snprintf(names[n++], IFNAMSIZ, "%s", st->chains[i].name + 4);
	DIR *d = opendir("/etc/wireguard");
	struct dirent *e;

	while (d && (e = readdir(d)) && n < ARRAY_SIZE(names)) {
		char ifname[IFNAMSIZ];
		size_t len = strlen(e->d_name);

		if (len <= 5 || !streq(e->d_name + len - 5, ".conf") || len - 5 >= IFNAMSIZ)
			continue;
		memcpy(ifname, e->d_name, len - 5);
		ifname[len - 5] = '\0';
		if (cfg_is_ifname(ifname) && !listed(names, n, ifname) &&
		    file_level(ifname) != CFG_KS_OFF)
			snprintf(names[n++], IFNAMSIZ, "%s", ifname);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		ok &= status_line(st, names[i], file_level(names[i]));
	return ok;
}

static int ks_status(const char *arg)
{
	_cleanup_(nl_closepp) struct nl_sock *nft = NULL;
	struct ks_state st = { 0 };
	char ifname[IFNAMSIZ];
	uint64_t c[3];
	bool ok;
	int r = arg ? ifname_of(arg, ifname) : 0;

	r = r ?: nl_open(&nft, NETLINK_NETFILTER);
	r = r ?: ks_read(nft, &st);
	if (r < 0) {
		log_error("nfnetlink: %s", strerror(-r));
		ks_state_clear(&st);
		return r;
	}
	ok = arg ? status_line(&st, ifname, file_level(arg)) : status_all(&st);
	ks_counters(&st, c);
	printf("rejected: output %" PRIu64 ", output-dns %" PRIu64 ", forward %" PRIu64 "\n", c[0],
	       c[1], c[2]);
	fflush(stdout);
	ks_state_clear(&st);
	return ok ? 0 : -ENOENT;
}

int cmd_killswitch(const char *arg, const struct cmd_opts *opts)
{
	if (streq(opts->action, "on"))
		return ks_on(arg, opts->dry_run);
	if (streq(opts->action, "off"))
		return ks_off(arg, opts->all, opts->dry_run);
	return ks_status(arg);
}
