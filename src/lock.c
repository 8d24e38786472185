// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "macro.h"

int lock_take(int *fd)
{
	/* The directory wireguard-go uses; a private one in the test sandboxes. */
	if (mkdir(LOCK_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	*fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
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
