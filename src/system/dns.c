// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "system/dns.h"

#include <limits.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/readfile.h"
#include "system/spawn.h"

#define RESOLVED_SOCKET "/run/systemd/resolve/io.systemd.Resolve"
#define INTERFACE_ORDER "/etc/resolvconf/interface-order"

/* Where a unit or cron job with a short PATH still finds them (issue 18). */
static const char *const fallback_dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

static bool which_fallback(const char *name, char *out, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(fallback_dirs); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", fallback_dirs[i], name);
		if (spawn_which(path, out, size))
			return true;
	}
	return false;
}

bool dns_which(const char *name, char *out, size_t size)
{
	return spawn_which(name, out, size) || which_fallback(name, out, size);
}

static bool resolved_runs(void)
{
	return access(RESOLVED_SOCKET, F_OK) == 0;
}

/* PATH decides first, as in wg-quick; the standard directories only then. */
enum dns_tool dns_choose(void)
{
	char path[PATH_MAX];

	if (spawn_which("resolvconf", path, sizeof(path)))
		return DNS_TOOL_RESOLVCONF;
	if (spawn_which("resolvectl", path, sizeof(path)) && resolved_runs())
		return DNS_TOOL_RESOLVECTL;
	if (which_fallback("resolvconf", path, sizeof(path)))
		return DNS_TOOL_RESOLVCONF;
	if (which_fallback("resolvectl", path, sizeof(path)) && resolved_runs())
		return DNS_TOOL_RESOLVECTL;
	return DNS_TOOL_NONE;
}

int dns_check(const struct cfg *cfg, const char *path, enum dns_tool *tool)
{
	*tool = DNS_TOOL_NONE;
	if (!cfg->n_dns_servers)
		return 0;
	*tool = dns_choose();
	if (*tool != DNS_TOOL_NONE)
		return 0;
	log_error("%s:%u: DNS: neither resolvconf nor a running systemd-resolved (resolvectl) "
		  "is available; install openresolv or resolvconf, or enable systemd-resolved",
		  path, cfg->dns_servers[0].line);
	return -ENOENT;
}

struct order_prefix {
	char *out;
	size_t size;
};

/* "tun*" -> "tun." : letters, digits and '-' followed by one '*'. For read_file_lines:
 * 1 (stop) with the prefix written. */
static int order_line_prefix(char *line, void *data)
{
	struct order_prefix *o = data;

	line += strspn(line, " \t");
	size_t len = strcspn(line, "\n");

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len < 2 || line[len - 1] != '*')
		return 0;
	for (size_t i = 0; i + 1 < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-",
			    line[i]))
			return 0;
	snprintf(o->out, o->size, "%.*s.", (int)(len - 1), line);
	return 1;
}

void dns_prefix(char *out, size_t size)
{
	char path[PATH_MAX];
	struct stat st;

	out[0] = '\0';
	/* systemd's resolvconf emulation is a symlink to resolvectl (upstream d3b40af). */
	if (stat(INTERFACE_ORDER, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !dns_which("resolvconf", path, sizeof(path)) || lstat(path, &st) < 0 ||
	    S_ISLNK(st.st_mode))
		return;
	(void)read_file_lines(INTERFACE_ORDER, order_line_prefix,
			      &(struct order_prefix){ .out = out, .size = size });
}

char *dns_resolvconf_input(const struct cfg *cfg, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < cfg->n_dns_servers; i++)
		fprintf(f, "nameserver %s\n", cfg->dns_servers[i].text);
	if (cfg->n_dns_search) {
		fputs("search", f);
		for (size_t i = 0; i < cfg->n_dns_search; i++)
			fprintf(f, " %s", cfg->dns_search[i].text);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int run_logged(char **argv, const char *input, size_t input_len, bool dry_run)
{
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; argv[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	if (fclose(f) != 0)
		return -ENOMEM;
	log_cmd("%s", line);
	if (dry_run)
		return 0;
	struct spawn_result res;
	char *name = argv[0], path[PATH_MAX];
	int r = -ENOENT;

	if (dns_which(name, path, sizeof(path))) {
		argv[0] = path; /* the log keeps the bare name */
		r = spawn_run(argv, input, input_len, &res);
		argv[0] = name;
	}

	if (r < 0) {
		log_error("%s: %s", line, strerror(-r));
		return r;
	}
	return spawn_check(line, &res);
}

int dns_resolvconf_set(const char *prefix, const char *ifname, const char *input, size_t len,
		       bool dry_run)
{
	char record[IFNAMSIZ + 64];
	char *argv[] = { "resolvconf", "-a", record, "-m", "0", "-x", NULL };

	snprintf(record, sizeof(record), "%s%s", prefix, ifname);
	return run_logged(argv, input, len, dry_run);
}

static int resolvconf_add(const char *prefix, const char *ifname, const struct cfg *cfg,
			  bool dry_run)
{
	size_t len = 0;
	_cleanup_free_ char *input = dns_resolvconf_input(cfg, &len);

	if (!input)
		return -ENOMEM;
	return dns_resolvconf_set(prefix, ifname, input, len, dry_run);
}

/* What systemd's resolvconf emulation does for `-x`: the servers, and the search
 * domains plus the routing domain "~." so that all queries go to this link. */
static int resolvectl_set(const char *ifname, const struct cfg *cfg, bool dry_run)
{
	size_t n = cfg->n_dns_servers > cfg->n_dns_search ? cfg->n_dns_servers : cfg->n_dns_search;
	_cleanup_free_ char **argv = calloc(n + 5, sizeof(*argv));

	if (!argv)
		return -ENOMEM;
	argv[0] = "resolvectl";
	argv[1] = "dns";
	argv[2] = (char *)ifname;
	for (size_t i = 0; i < cfg->n_dns_servers; i++)
		argv[3 + i] = cfg->dns_servers[i].text;
	argv[3 + cfg->n_dns_servers] = NULL;
	int r = run_logged(argv, NULL, 0, dry_run);

	if (r < 0)
		return r;
	argv[1] = "domain";
	for (size_t i = 0; i < cfg->n_dns_search; i++)
		argv[3 + i] = cfg->dns_search[i].text;
	argv[3 + cfg->n_dns_search] = "~.";
	argv[4 + cfg->n_dns_search] = NULL;
	return run_logged(argv, NULL, 0, dry_run);
}

int dns_up(enum dns_tool tool, const char *prefix, const char *ifname, const struct cfg *cfg,
	   bool dry_run)
{
	switch (tool) {
	case DNS_TOOL_RESOLVCONF:
		return resolvconf_add(prefix, ifname, cfg, dry_run);
	case DNS_TOOL_RESOLVECTL:
		return resolvectl_set(ifname, cfg, dry_run);
	case DNS_TOOL_NONE:
		break;
	}
	return -ENOENT;
}

int dns_down(const char *prefix, const char *ifname, bool dry_run)
{
	char record[IFNAMSIZ + 64];
	/* -f last, for Debian's resolvconf: no error when the record is gone. */
	char *argv[] = { "resolvconf", "-d", record, "-f", NULL };

	snprintf(record, sizeof(record), "%s%s", prefix, ifname);
	return run_logged(argv, NULL, 0, dry_run);
}

char *dns_record_normalize(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1), *w = out;

	if (!out)
		return NULL;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		if (len && *p != '#') {
			memcpy(w, p, len);
			w += len;
			*w++ = '\n';
		}
		p += len + (p[len] == '\n');
	}
	*w = '\0';
	return out;
}

static void record_path(char *out, size_t size, const char *dir, const char *prefix,
			const char *ifname)
{
	snprintf(out, size, "/run/resolvconf/%s/%s%s", dir, prefix, ifname);
}

bool dns_record_exists(const char *prefix, const char *ifname)
{
	char path[PATH_MAX];

	record_path(path, sizeof(path), "interfaces", prefix, ifname); /* openresolv */
	if (access(path, F_OK) == 0)
		return true;
	record_path(path, sizeof(path), "interface", prefix, ifname); /* Debian resolvconf */
	return access(path, F_OK) == 0;
}

char *dns_record_read(const char *prefix, const char *ifname)
{
	char record[IFNAMSIZ + 64], path[PATH_MAX];
	char *argv[] = { "resolvconf", "-l", record, NULL };
	struct spawn_result res;
	char *out = NULL;
	size_t len;

	if (!dns_record_exists(prefix, ifname))
		return NULL;
	snprintf(record, sizeof(record), "%s%s", prefix, ifname);
	if (dns_which(argv[0], path, sizeof(path))) {
		argv[0] = path;
		if (spawn_capture(argv, &out, &len, &res) == 0 && !res.status && !res.signal && len)
			return out;
	}
	free(out);
	record_path(path, sizeof(path), "interfaces", prefix, ifname);
	out = read_file_text(path);
	if (out)
		return out;
	record_path(path, sizeof(path), "interface", prefix, ifname);
	return read_file_text(path);
}
