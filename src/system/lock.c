// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "system/lock.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <net/if.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/number.h"
#include "base/util.h"

#define LOCK_DIR_MODE  0700
#define LOCK_FILE_MODE 0600
/* Room for a pid in decimal with its '\n' or "IF:" and the NUL. */
#define PID_TEXT_SIZE 32

int lock_take(int *fd)
{
	/* The directory wireguard-go uses; a private one in the test sandboxes. */
	if (mkdir(LOCK_DIR, LOCK_DIR_MODE) < 0 && errno != EEXIST)
		return -errno;
	*fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, LOCK_FILE_MODE);
	if (*fd < 0)
		return -errno;
	while (flock(*fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = -errno;

			lock_drop(fd);
			return e;
		}
	}
	return 0;
}

void lock_drop(int *fd)
{
	if (*fd >= 0)
		close(*fd); /* closing releases the flock */
	*fd = -1;
}

/* Held until the process exits: exit releases it, and O_CLOEXEC keeps it from helpers
 * (a wireguard-go daemon that inherited it would hold it for ever). */
static int iface_lock_fd = -1;

/* The holder's pid. It writes it just after taking the lock: a holder that has not yet
 * is given up to 200 ms; 0 when it still has not. */
static long holder_pid(int fd)
{
	for (int i = 0; i < 20; i++) {
		char buf[PID_TEXT_SIZE] = "";
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		struct number pid = { 0 };

		/* "PID\n", as write_pid puts it. */
		if (n > 0 && number_scan(buf, NUMBER_DECIMAL, &pid) == 0 && pid.value > 0 &&
		    pid.value <= LONG_MAX)
			return (long)pid.value;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return 0;
}

static void report_busy(const char *ifname, long pid)
{
	const char *env = getenv(LOCK_ENV);
	char mine[IFNAMSIZ + PID_TEXT_SIZE];

	snprintf(mine, sizeof(mine), "%s:%ld", ifname, pid);
	if (pid && env && streq(env, mine))
		log_error("`%s' is being changed by the wgq run (pid %ld) whose hook called "
			  "this one; a hook cannot up, down or reload its own interface",
			  ifname, pid);
	else if (pid)
		log_error("`%s' is being changed by another wgq run (pid %ld); nothing was "
			  "changed, try again when it has finished",
			  ifname, pid);
	else
		log_error("`%s' is being changed by another wgq run; nothing was changed, try "
			  "again when it has finished",
			  ifname);
}

static int write_pid(int fd, const char *ifname)
{
	char buf[PID_TEXT_SIZE], env[IFNAMSIZ + PID_TEXT_SIZE];
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len)
		return -errno;
	snprintf(env, sizeof(env), "%s:%ld", ifname, (long)getpid());
	return setenv(LOCK_ENV, env, 1) < 0 ? -errno : 0;
}

/* A finished run's pid must not be read as the next holder's. */
static void clear_pid(void)
{
	(void)!ftruncate(iface_lock_fd, 0);
}

int lock_interface(const char *ifname)
{
	char path[sizeof(LOCK_DIR) + IFNAMSIZ + 16];

	if (mkdir(LOCK_DIR, LOCK_DIR_MODE) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/.wgq-%s.lock", LOCK_DIR, ifname);
	_cleanup_close_ int fd =
		open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, LOCK_FILE_MODE);

	if (fd < 0)
		return -errno;
	/* No pid in the file: the holder is starting, or it has finished (its exit cleared
	 * the pid) and is about to release the lock; ask again, up to 2 s in all. */
	for (int tries = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; tries++) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -errno;
		long pid = holder_pid(fd);

		if (pid || tries >= 10) {
			report_busy(ifname, pid);
			return -EBUSY;
		}
	}
	int r = write_pid(fd, ifname);

	if (r == 0) {
		iface_lock_fd = TAKE_FD(fd);
		atexit(clear_pid);
	}
	return r;
}
