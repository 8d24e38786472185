// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Naming and opening the target namespace (killswitch-netns.md §5.2, §5.3).

#include "system/netns.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/util.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

static void set_given(struct netns_target *t, enum netns_kind kind, const char *given)
{
	t->kind = kind;
	snprintf(t->given, sizeof(t->given), "%s", given);
	switch (kind) {
	case NETNS_NAME:
		snprintf(t->name, sizeof(t->name), "%s", given);
		snprintf(t->path, sizeof(t->path), "%s/%s", NETNS_RUN_DIR, given);
		break;
	case NETNS_PID:
		snprintf(t->path, sizeof(t->path), "/proc/%s/ns/net", given);
		break;
	case NETNS_PATH:
		snprintf(t->path, sizeof(t->path), "%s", given);
		break;
	case NETNS_NONE:
		break;
	}
}

void netns_target_init(struct netns_target *t, const char *flag, const char *key)
{
	*t = (struct netns_target){ .fd = -1 };
	if (flag && strchr(flag, '/'))
		set_given(t, NETNS_PATH, flag);
	else if (flag && str_all_digits(flag))
		set_given(t, NETNS_PID, flag);
	else if (flag)
		set_given(t, NETNS_NAME, flag);
	else if (key) {
		set_given(t, NETNS_NAME, key);
		t->from_key = true;
	}
}

static int open_error(const struct netns_target *t, int err)
{
	char dir[PATH_MAX + 8];
	struct stat st;

	if (err != -ENOENT || t->kind != NETNS_PID)
		return err;
	snprintf(dir, sizeof(dir), "/proc/%s", t->given);
	return stat(dir, &st) < 0 ? -ESRCH : err;
}

/* nsfs, a network namespace, and not the one we run in. */
static int check_fd(int fd)
{
	struct statfs sfs;
	struct stat st, self;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ENOTTY;
	int type = ioctl(fd, NS_GET_NSTYPE);

	if (type < 0)
		return errno == ENOTTY || errno == EINVAL ? -ENOTTY : -errno;
	if (type != CLONE_NEWNET)
		return -ENOTTY;
	if (fstat(fd, &st) < 0 || stat("/proc/self/ns/net", &self) < 0)
		return -errno;
	if (st.st_dev == self.st_dev && st.st_ino == self.st_ino)
		return -EEXIST;
	return 0;
}

int netns_open(struct netns_target *t)
{
	_cleanup_close_ int fd = open(t->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return open_error(t, -errno);
	int r = check_fd(fd);

	if (r < 0)
		return r;
	t->fd = TAKE_FD(fd);
	return 0;
}

bool netns_same(const struct netns_target *a, const struct netns_target *b)
{
	struct stat sa, sb;

	if (a->fd < 0 || b->fd < 0 || fstat(a->fd, &sa) < 0 || fstat(b->fd, &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool netns_gone(int r)
{
	return r == -ENOENT || r == -ESRCH || r == -ENOTTY || r == -ENOTDIR;
}

static const char *flag_reason(int r)
{
	switch (r) {
	case -ENOENT:
	case -ENOTDIR:
		return "no such namespace";
	case -ESRCH:
		return "no such process";
	case -ENOTTY:
		return "is not a network namespace";
	case -EEXIST:
		return "is wgq's own network namespace";
	default:
		return NULL;
	}
}

void netns_print_error(const struct netns_target *t, int r, const char *path, unsigned line)
{
	const char *why = flag_reason(r);

	if (t->from_key && (r == -ENOENT || r == -ENOTDIR))
		log_error("%s:%u: Namespace: '%s' does not exist (no %s)", path, line, t->given,
			  t->path);
	else if (t->from_key && why)
		log_error("%s:%u: Namespace: '%s' %s", path, line, t->given, why);
	else if (why)
		log_error("--netns: '%s': %s", t->given, why);
	else
		log_error("--netns: '%s': %s", t->given, strerror(-r));
}

static int open_all(struct netns_socks *s)
{
	int r = nl_open(&s->rtnl, NETLINK_ROUTE);

	if (r == 0)
		r = nl_open(&s->genl, NETLINK_GENERIC);
	if (r == 0)
		r = nl_open(&s->nft, NETLINK_NETFILTER);
	return r;
}

int netns_open_socks(struct netns_target *t)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (self < 0 || setns(t->fd, CLONE_NEWNET) < 0) {
		int err = -errno;

		log_error("setns %s: %s", t->given, strerror(-err));
		return err;
	}
	int r = open_all(&t->socks);

	/* Nothing may run in T but the socket calls above. */
	if (setns(self, CLONE_NEWNET) < 0) {
		log_error("setns back to wgq's own namespace: %s", strerror(errno));
		abort();
	}
	if (r < 0)
		log_error("netlink in namespace '%s': %s", t->given, strerror(-r));
	return r;
}

int netns_target_setup(struct netns_target *t, const char *flag, const char *key, const char *path,
		       unsigned line)
{
	netns_target_init(t, flag, key);
	if (t->kind == NETNS_NONE)
		return 0;
	int r = netns_open(t);

	if (r < 0) {
		netns_print_error(t, r, path, line);
		return r;
	}
	return netns_open_socks(t);
}

void netns_ip_prefix(const struct netns_target *t, char *out, size_t size)
{
	if (!t || t->kind == NETNS_NONE)
		snprintf(out, size, "ip");
	else
		snprintf(out, size, "ip -n %s", t->given);
}

void netns_export_env(const struct netns_target *t)
{
	if (!t || t->kind == NETNS_NONE)
		return;
	setenv("WGQ_NETNS", t->given, 1);
	setenv("WGQ_NETNS_PATH", t->path, 1);
}

void netns_target_close(struct netns_target *t)
{
	struct nl_sock **all[] = { &t->socks.rtnl, &t->socks.genl, &t->socks.nft };

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		if (*all[i])
			nl_close(*all[i]);
		*all[i] = NULL;
	}
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
