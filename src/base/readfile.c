// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "base/readfile.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/macro.h"

struct read_buf {
	char *data;
	size_t len, cap;
	bool secret;
};

static void buf_free(struct read_buf *b)
{
	if (b->data && b->secret)
		explicit_zero(b->data, b->cap);
	free(b->data);
	b->data = NULL;
}

/* Room for need bytes: doubled (from 4096), or need when that is more. */
static int buf_reserve(struct read_buf *b, size_t need)
{
	size_t cap = b->cap ? 2 * b->cap : 4096;
	char *n;

	if (need <= b->cap)
		return 0;
	if (cap < need)
		cap = need;
	n = malloc(cap);
	if (!n)
		return -ENOMEM;
	if (b->data)
		memcpy(n, b->data, b->len);
	buf_free(b);
	b->data = n;
	b->cap = cap;
	return 0;
}

/* Read until the end of fd or max bytes, keeping one byte for the NUL. One allocation
 * of the size fstat gives; more only for files that lie about it (/proc). */
static int buf_read(struct read_buf *b, int fd, size_t max)
{
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	/* The data, one byte to see the end of the file in, and the NUL. */
	r = buf_reserve(b, ((size_t)st.st_size < max ? (size_t)st.st_size : max) + 2);
	while (r == 0 && b->len < max) {
		size_t room = b->cap - b->len - 1;
		ssize_t n = read(fd, b->data + b->len, room < max - b->len ? room : max - b->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		b->len += (size_t)n;
		r = buf_reserve(b, b->len + 2);
	}
	return r;
}

int read_file(const char *path, size_t max, unsigned flags, char **text, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct read_buf b = { .secret = flags & READ_FILE_SECRET };
	int r;

	*text = NULL;
	if (fd < 0)
		return -errno;
	r = buf_read(&b, fd, max);
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	b.data[b.len] = '\0';
	*text = b.data;
	if (len)
		*len = b.len;
	return 0;
}

char *read_file_text(const char *path)
{
	char *text = NULL;
	size_t len = 0;

	if (read_file(path, SIZE_MAX, 0, &text, &len) < 0 || !len) {
		free(text);
		return NULL;
	}
	return text;
}

int read_file_lines(const char *path, int (*fn)(char *line, void *data), void *data)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path, SIZE_MAX, 0, &text, &len);

	for (char *p = text, *end = text + len; r == 0 && p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = p;

		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : end;
		r = fn(line, data);
	}
	return r;
}
