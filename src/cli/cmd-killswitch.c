// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `killswitch on|off|status` (killswitch-netns.md §2.3).

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>

#include "config/file.h"
#include "base/ip.h"
#include "firewall/killswitch.h"
#include "tunnel/ks-tunnel.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/readfile.h"
#include "system/netns.h"
#include "netlink/rtnl.h"
#include "cli/commands.h"
#include "wg/device.h"

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

/* Is IF a WireGuard interface where genl is (NULL: here)? Its fwmark in *mark. */
static bool running(struct nl_sock *genl, const char *ifname, uint32_t *mark)
{
	struct wg_device dev = { 0 };
	bool up = wg_get_device(genl, ifname, &dev) == 0;

	*mark = up ? dev.fwmark : 0;
	wgdev_clear(&dev);
	return up;
}

/* Where the verb works: the --netns target (or the file's Namespace), through sockets
 * opened there, else wgq's own namespace (killswitch-netns.md §2.2, §5.6). */
struct ks_at {
	struct netns_target ns;
	struct nl_sock *nft;	/* here: this namespace's; with a target: H's (its mark part) */
	char cmd[LOG_LINE_MAX]; /* the logged command of a batch */
};

static int at_open(struct ks_at *at, const char *flag, const struct cfg *cfg, const char *path)
{
	int r = netns_target_setup(&at->ns, flag, cfg ? cfg->netns : NULL, path,
				   cfg ? cfg->netns_line : 0);

	if (at->ns.kind == NETNS_NONE)
		snprintf(at->cmd, sizeof(at->cmd), "nft -f /dev/fd/63");
	else
		snprintf(at->cmd, sizeof(at->cmd), "ip netns exec %s nft -f /dev/fd/63",
			 at->ns.given);
	return r;
}

static bool at_target(const struct ks_at *at)
{
	return at->ns.kind != NETNS_NONE;
}

/* The socket of the namespace the switch is in. */
static struct nl_sock **at_nft(struct ks_at *at)
{
	return at_target(at) ? &at->ns.socks.nft : &at->nft;
}

static struct nl_sock *at_genl(const struct ks_at *at)
{
	return at_target(at) ? at->ns.socks.genl : NULL;
}

static void at_close(struct ks_at *at)
{
	netns_target_close(&at->ns);
	if (at->nft)
		nl_close(at->nft);
}

/* A broken or missing file still closes the switch: an empty chain at lockdown. */
static int on_broken(struct ks_at *at, const char *ifname, bool dry_run)
{
	struct ks_params p = { .ifname = ifname, .level = CFG_KS_LOCKDOWN, .empty = true };
	struct nl_sock **nft = at_nft(at);
	struct log_line l;
	int r = 0;

	log_line(&l, "%s", at->cmd);
	if (!dry_run) {
		r = *nft ? 0 : nl_open(nft, NETLINK_NETFILTER);
		r = r ?: ks_install(*nft, &p);
		if (r == -EPROTO)
			log_error("kill switch for %s could not be verified", ifname);
		else
			(void)log_line_end(&l, r);
	}
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

/* With a target: T's tun-IF without a mark rule; when H has a switch and the device a
 * mark, H's mark-only part too (killswitch-netns.md §5.6). */
static int on_install(struct ks_at *at, const char *ifname, const struct cfg *cfg,
		      enum cfg_ks_level level, uint32_t mark, bool dry_run)
{
	if (!at_target(at))
		return kst_install(&at->nft, ifname, cfg, level, mark, dry_run);
	int r = kst_install_in(at_nft(at), at->ns.given, ifname, cfg, level, dry_run);

	if (r == 0 && mark && kst_engaged(&at->nft))
		r = kst_install_mark_only(&at->nft, ifname, level, mark, dry_run);
	return r;
}

static int ks_on(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(at_close) struct ks_at at = { .ns = { .fd = -1 } };
	struct cfg_file file = { 0 };
	struct cfg cfg = { 0 };
	char ifname[IFNAMSIZ];
	uint32_t mark = 0;
	int r = ifname_of(arg, ifname);

	if (r < 0)
		return r;
	if (cfg_load(arg, 0, &file, &cfg) < 0) {
		r = at_open(&at, opts->netns, NULL, NULL);
		return r < 0 ? r : on_broken(&at, ifname, opts->dry_run);
	}
	enum cfg_ks_level level = kst_level(&cfg, CFG_KS_ON);

	r = at_open(&at, opts->netns, &cfg, file.path);
	r = r ?: kst_check_endpoints(&cfg, file.path, level, false);
	if (r == 0) {
		mark = cfg.dev.fwmark;
		if (!mark)
			running(at_genl(&at), ifname, &mark);
		kst_warn_ssh(&cfg, ifname);
		r = on_install(&at, ifname, &cfg, level, mark, opts->dry_run);
	}
	if (r == 0 && opts->dry_run)
		print_plan(at_nft(&at), ifname, &cfg, level, at_target(&at) ? 0 : mark);
	cfg_clear(&cfg);
	cfg_file_clear(&file);
	return r;
}

static int at_open_quietly(struct ks_at *at, const char *flag, const char *arg);

static int ks_off_all(struct ks_at *at, bool dry_run)
{
	if (!kst_engaged(at_nft(at)))
		return 0;
	struct log_line l;

	log_line(&l, "%s", at->cmd);
	return log_line_end(&l, dry_run ? 0 : ks_remove_all(*at_nft(at)));
}

static int ks_off(const char *arg, const struct cmd_opts *opts)
{
	_cleanup_(at_close) struct ks_at at = { .ns = { .fd = -1 } };
	char ifname[IFNAMSIZ];
	bool removed = false, h = false;
	int r = at_open_quietly(&at, opts->netns, opts->all ? NULL : arg);

	if (r == 0 && opts->all)
		return ks_off_all(&at, opts->dry_run);
	r = r ?: ifname_of(arg, ifname);
	r = r
		    ?: kst_remove_in(at_nft(&at), at_target(&at) ? at.ns.given : NULL, ifname,
				     opts->dry_run, &removed);
	/* With a target, H's mark-only part goes too. */
	if (r == 0 && at_target(&at))
		r = kst_remove(&at.nft, ifname, opts->dry_run, &h);
	if (r == 0 && !removed && !h)
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
static bool status_line(struct nl_sock *genl, const struct ks_state *st, const char *ifname,
			enum cfg_ks_level file)
{
	const struct ks_chain *c = ks_find(st, ifname);
	uint32_t mark = 0;

	if (!c) {
		bool expected = file == CFG_KS_LOCKDOWN ||
				(file == CFG_KS_ON && running(genl, ifname, &mark));

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
/* The file of arg (a name or a path) read quietly and leniently into *cfg, its path into
 * *path (malloc'd). false when it cannot be read. */
static bool read_quietly(const char *arg, struct cfg *cfg, char **path)
{
	_cleanup_free_ char *text = NULL;
	const struct cfg_options opts = { .lenient = true };
	struct cfg_parser *p = NULL;
	size_t len = 0;
	bool ok = false;

	if (asprintf(path, cfg_is_ifname(arg) ? "/etc/wireguard/%s.conf" : "%s", arg) < 0) {
		*path = NULL;
		return false;
	}
	if (read_file(*path, 1 << 20, READ_FILE_SECRET, &text, &len) < 0)
		return false;
	if (cfg_parser_new(&p, cfg, &opts) == 0 && cfg_parser_feed_buffer(p, text, len) == 0 &&
	    cfg_parser_finish(p) == 0)
		ok = true;
	cfg_parser_free(p);
	return ok;
}

static enum cfg_ks_level file_level(const char *arg)
{
	_cleanup_free_ char *path = NULL;
	struct cfg cfg = { 0 };
	enum cfg_ks_level level = read_quietly(arg, &cfg, &path) ? cfg.kill_switch : CFG_KS_OFF;

	cfg_clear(&cfg);
	return level;
}

/* off and status: the target from --netns, else from the file's Namespace
 * (killswitch-netns.md §2.3). */
static int at_open_quietly(struct ks_at *at, const char *flag, const char *arg)
{
	_cleanup_free_ char *path = NULL;
	struct cfg cfg = { 0 };
	bool have = !flag && arg && read_quietly(arg, &cfg, &path);
	int r = at_open(at, flag, have ? &cfg : NULL, path);

	cfg_clear(&cfg);
	return r;
}

static bool listed(char (*names)[IFNAMSIZ], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(names[i], name))
			return true;
	return false;
}

/* Every tun-* chain, then every /etc/wireguard config with a kill switch. */
static bool status_all(struct nl_sock *genl, const struct ks_state *st)
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
		ok &= status_line(genl, st, names[i], file_level(names[i]));
	return ok;
}

static int ks_status(const char *arg, const char *netns)
{
	_cleanup_(at_close) struct ks_at at = { .ns = { .fd = -1 } };
	struct ks_state st = { 0 };
	char ifname[IFNAMSIZ];
	uint64_t c[3];
	bool ok;
	int r = at_open_quietly(&at, netns, arg);

	r = r ?: (arg ? ifname_of(arg, ifname) : 0);
	if (r < 0)
		return r;
	r = *at_nft(&at) ? 0 : nl_open(at_nft(&at), NETLINK_NETFILTER);
	r = r ?: ks_read(*at_nft(&at), &st);
	if (r < 0) {
		log_error("nfnetlink: %s", strerror(-r));
		ks_state_clear(&st);
		return r;
	}
	ok = arg ? status_line(at_genl(&at), &st, ifname, file_level(arg))
		 : status_all(at_genl(&at), &st);
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
		return ks_on(arg, opts);
	if (streq(opts->action, "off"))
		return ks_off(arg, opts);
	return ks_status(arg, opts->netns);
}
