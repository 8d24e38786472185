// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Finding and reading the config file (behaviour.md §2.1-§2.3) and printing its errors
// (behaviour.md §2.11). The parsing itself is config.c's.

#include "config/file.h"

#include <sys/stat.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/readfile.h"
#include "base/util.h"

#define CFG_DIR	   "/etc/wireguard"
#define IFNAME_MAX 15

static const char ifname_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_=+.-";

/* The file's bytes; they hold keys, so they are wiped before being freed. Only the
 * first len bytes were ever written: wiping the rest would only fault in fresh pages. */
struct cfg_bytes {
	char *data;
	size_t len;
};

static void cfg_bytes_clear(struct cfg_bytes *b)
{
	if (b->data)
		explicit_zero(b->data, b->len);
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static void parser_freep(struct cfg_parser **p)
{
	cfg_parser_free(*p);
}

bool cfg_is_ifname(const char *arg)
{
	size_t n = strlen(arg);

	return n >= 1 && n <= IFNAME_MAX && strspn(arg, ifname_chars) == n;
}

bool cfg_is_netns_name(const char *name)
{
	size_t len = strnlen(name, NETNS_NAME_MAX + 1);

	return len > 0 && len <= NETNS_NAME_MAX && !strchr(name, '/') && !streq(name, ".") &&
	       !streq(name, "..");
}

/* NAME from `(^|/)NAME\.conf$`, taken from the path as given (behaviour.md §2.1 step 3). The kernel
 * refuses "." and "..", so they are refused here before any change. */
static bool name_from_path(const char *path, char name[static IFNAMSIZ])
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	if (n < 6 || !streq(base + n - 5, ".conf"))
		return false;
	n -= 5;
	if (n > IFNAME_MAX || strspn(base, ifname_chars) < n)
		return false;
	memcpy(name, base, n);
	name[n] = '\0';
	return !streq(name, ".") && !streq(name, "..");
}

/* behaviour.md §6 j: `up wg0.conf` looks for /etc/wireguard/wg0.conf.conf. */
static void print_hint(const char *arg)
{
	size_t n = strlen(arg);
	_cleanup_free_ char *local = NULL;
	struct stat st;

	if (n < 5 || !streq(arg + n - 5, ".conf"))
		return;
	if (asprintf(&local, "./%s", arg) < 0) {
		local = NULL;
		return;
	}
	if (stat(local, &st) == 0)
		log_error("use `%s' to bring up the file in the current directory", local);
}

int cfg_file_resolve(const char *arg, unsigned flags, struct cfg_file *file)
{
	_cleanup_free_ char *path = NULL;
	bool by_name = cfg_is_ifname(arg);
	struct stat st;
	int r;

	memset(file, 0, sizeof(*file));
	r = by_name ? asprintf(&path, "%s/%s.conf", CFG_DIR, arg) : asprintf(&path, "%s", arg);
	if (r < 0) {
		path = NULL;
		log_error("%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* bash's -e: anything stat cannot see does not exist. */
	if (stat(path, &st) < 0) {
		log_error("`%s' does not exist", path);
		if (by_name && (flags & CFG_LOAD_HINT))
			print_hint(arg);
		return -ENOENT;
	}
	if (!name_from_path(path, file->ifname)) {
		log_error("The config file must be a valid interface name, followed by .conf");
		return -EINVAL;
	}
	file->path = realpath(path, NULL);
	if (!file->path) {
		r = -errno;
		log_error("Unable to read `%s': %s", path, strerror(-r));
		return r;
	}
	return 0;
}

void cfg_file_clear(struct cfg_file *file)
{
	free(file->path);
	memset(file, 0, sizeof(*file));
}

/* behaviour.md §2.2: the "other" bits of the file AND those of its directory. No program prefix. */
static void warn_world_accessible(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	struct stat f, d;
	char *slash;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	/* the directory of /wg0.conf is / */
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(path, &f) < 0 || stat(dir, &d) < 0)
		return;
	if (f.st_mode & d.st_mode & 0007) {
		fprintf(stderr, "Warning: `%s' is world accessible\n", path);
		fflush(stderr);
	}
}

static void print_warnings(struct cfg_parser *p, const char *path)
{
	const char *msg;
	unsigned line;

	while ((msg = cfg_parser_next_warning(p, &line)))
		log_warning("%s:%u: %s", path, line, msg);
}

static int parse_bytes(const char *path, const struct cfg_bytes *b, unsigned flags, struct cfg *cfg)
{
	const struct cfg_options opts = { .lenient = flags & CFG_LOAD_LENIENT };
	_cleanup_(parser_freep) struct cfg_parser *p = NULL;
	int r;

	r = cfg_parser_new(&p, cfg, &opts);
	if (r == 0)
		r = cfg_parser_feed_buffer(p, b->data, b->len);
	if (r == 0)
		r = cfg_parser_finish(p);
	if (p)
		print_warnings(p, path);
	if (r == -EINVAL)
		log_error("%s:%u: %s", path, cfg_parser_error_line(p), cfg_parser_error(p));
	else if (r < 0)
		log_error("%s: %s", path, strerror(-r));
	return r;
}

int cfg_load(const char *arg, unsigned flags, struct cfg_file *file, struct cfg *cfg)
{
	_cleanup_(cfg_bytes_clear) struct cfg_bytes bytes = { 0 };
	int r;

	r = cfg_file_resolve(arg, flags, file);
	if (r < 0)
		return r;
	warn_world_accessible(file->path);
	r = read_file(file->path, SIZE_MAX, READ_FILE_SECRET, &bytes.data, &bytes.len);
	if (r < 0)
		log_error("Unable to read `%s': %s", file->path, strerror(-r));
	else
		r = parse_bytes(file->path, &bytes, flags, cfg);
	if (r < 0) {
		cfg_clear(cfg);
		cfg_file_clear(file);
	}
	return r;
}
