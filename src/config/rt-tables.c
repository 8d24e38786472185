// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Routing table names, read the way iproute2 reads them (behaviour.md §3.8), so that a name
// means the same table for wgq as it does for `ip route add ... table NAME`.

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "config/rt-tables.h"
#include "base/macro.h"
#include "base/number.h"
#include "base/readfile.h"

static const char *const default_dirs[] = { "/etc/iproute2", "/usr/share/iproute2", NULL };

struct rt_match {
	const char *name;
	bool found;
	uint32_t id;
};

/*
 * iproute2 keeps the names in 256 lists indexed by id & 255, each newest first, and
 * answers with the first match walking the lists upwards. So the lowest id & 255
 * wins, and among equals the entry read last; the built-ins are read first.
 */
static void rt_consider(struct rt_match *m, uint32_t id, const char *name)
{
	if (!streq(name, m->name))
		return;
	if (m->found && (id & 255) > (m->id & 255))
		return;
	m->found = true;
	m->id = id;
}

/* "0x" and hex digits, else decimal with an optional sign, as sscanf's "0x%x" and
 * "%d" read it. Negative or above INT_MAX: *skip (iproute2 keeps the id in an int
 * and drops negative ones). Returns the end, or NULL without any digit. */
static char *rt_parse_id(char *p, uint32_t *id, bool *skip)
{
	struct number n;

	if (number_scan(p, NUMBER_SCANF, &n) < 0)
		return NULL;
	*skip = (n.negative && n.value) || n.value > INT_MAX;
	*id = (uint32_t)n.value;
	return p + (n.end - p);
}

/* One line: 1 with *id and *name (inside line), 0 to skip, -EINVAL when
 * iproute2 would call the file corrupted (it then stops reading it). */
static int rt_parse_line(char *line, uint32_t *id, char **name)
{
	char *p = line, *end;
	bool skip = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\n' || !*p)
		return 0;
	p = rt_parse_id(p, id, &skip);
	if (!p)
		return -EINVAL;
	/* sscanf's " %s": any whitespace, possibly none, then a word. */
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return -EINVAL;
	for (end = p; *end && !isspace((unsigned char)*end); end++)
		;
	*end = '\0';
	*name = p;
	return skip ? 0 : 1;
}

/* One line for read_file_lines: 1 stops at a corrupted line. */
static int rt_read_line(char *line, void *data)
{
	uint32_t id = 0;
	char *name = NULL;
	int r = rt_parse_line(line, &id, &name);

	if (r > 0)
		rt_consider(data, id, name);
	return r < 0;
}

/* -errno of open, so the caller can tell an absent file. */
static int rt_read_file(const char *path, struct rt_match *m)
{
	int r = read_file_lines(path, rt_read_line, m);

	return r < 0 ? r : 0;
}

static int rt_conf_filter(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	return de->d_name[0] != '.' && len > 5 && streq(de->d_name + len - 5, ".conf");
}

/* Does an earlier directory have DIR/rt_tables.d/NAME? Then it overrides this one. */
static bool rt_overridden(const char *const *dirs, size_t upto, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < upto; i++) {
		int n = snprintf(path, sizeof(path), "%s/rt_tables.d/%s", dirs[i], name);

		if (n > 0 && (size_t)n < sizeof(path) && lstat(path, &st) == 0)
			return true;
	}
	return false;
}

/* The *.conf files of dirs[idx]/rt_tables.d, in name order (iproute2 takes readdir
 * order; only names that appear twice in one id & 255 list can tell the difference). */
static void rt_read_dir(const char *const *dirs, size_t idx, struct rt_match *m)
{
	char path[PATH_MAX];
	struct dirent **list = NULL;
	int n;

	if (snprintf(path, sizeof(path), "%s/rt_tables.d", dirs[idx]) >= (int)sizeof(path))
		return;
	n = scandir(path, &list, rt_conf_filter, alphasort);
	for (int i = 0; i < n; i++) {
		int len = snprintf(path, sizeof(path), "%s/rt_tables.d/%s", dirs[idx],
				   list[i]->d_name);

		if (len > 0 && (size_t)len < sizeof(path) &&
		    !rt_overridden(dirs, idx, list[i]->d_name))
			(void)rt_read_file(path, m);
		free(list[i]);
	}
	free(list);
}

int rt_table_lookup(const char *name, const char *const *dirs, uint32_t *id)
{
	struct rt_match m = { .name = name };
	char path[PATH_MAX];
	size_t n = 0;

	if (!dirs)
		dirs = default_dirs;
	rt_consider(&m, 253, "default");
	rt_consider(&m, 254, "main");
	rt_consider(&m, 255, "local");
	/* The first rt_tables that exists; a later directory is only a fallback for an
	 * absent file, not for an unreadable one. */
	for (; dirs[n]; n++) {
		int len = snprintf(path, sizeof(path), "%s/rt_tables", dirs[n]);

		if (len > 0 && (size_t)len < sizeof(path) && rt_read_file(path, &m) != -ENOENT)
			break;
	}
	while (dirs[n])
		n++;
	/* rt_tables.d: the last directory first, its files yielding to same-named ones
	 * of earlier directories, which are read after it. */
	while (n-- > 0)
		rt_read_dir(dirs, n, &m);
	if (!m.found)
		return -ENOENT;
	*id = m.id;
	return 0;
}
