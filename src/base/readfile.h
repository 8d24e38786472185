// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The one way wgq reads a file: whole, into memory (config files, rt_tables, resolvconf
// records, /proc files are all small), then as text or line by line.
#pragma once

#include <stddef.h>

enum {
	/* The file holds a secret (a config's keys): every buffer read_file lets go of
	 * (grown, or on an error) is wiped first. The caller wipes the one it returns. */
	READ_FILE_SECRET = 1U << 0,
};

/* Read at most max bytes of the file at path into a new buffer *text (free it),
 * NUL-terminated after *len bytes (len may be NULL); the file may hold NUL bytes
 * too. 0, or -errno of open or read (*text NULL), or -ENOMEM. */
int read_file(const char *path, size_t max, unsigned flags, char **text, size_t *len);

/* The whole file as a string (up to its first NUL byte, if any), or NULL when it
 * cannot be read or is empty. */
char *read_file_text(const char *path);

/* Call fn(line, data) on each line of the file at path, without its '\n' (writable,
 * NUL-terminated), until fn returns non-zero. fn's last return value, 0 when every
 * line was read, or -errno when the file cannot be read (fn not called). */
int read_file_lines(const char *path, int (*fn)(char *line, void *data), void *data);
