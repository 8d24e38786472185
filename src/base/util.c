// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "base/util.h"

#include <errno.h>
#include <unistd.h>

#include "base/macro.h"

void *array_append(void *items, size_t *n, size_t *cap, size_t size)
{
	void **arr = items;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *p = reallocarray(*arr, ncap, size);

		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	void *slot = (char *)*arr + (*n)++ * size;

	memset(slot, 0, size);
	return slot;
}

int array_reserve(void *items, size_t *cap, size_t want, size_t size)
{
	void **arr = items;
	size_t ncap = *cap * 2;
	void *p;

	if (want <= *cap)
		return 0;
	if (ncap < want)
		ncap = want;
	p = reallocarray(*arr, ncap, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

bool str_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}
