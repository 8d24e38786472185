// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "base/log.h"

#include <stdarg.h>

#include "base/util.h"

static const char *prog = "wgq";

void log_init(const char *argv0)
{
	if (!argv0 || !*argv0)
		return;
	const char *slash = strrchr(argv0, '/');

	prog = slash ? slash + 1 : argv0;
}

const char *log_prog(void)
{
	return prog;
}

static const char *kind_prefix(enum log_kind kind)
{
	switch (kind) {
	case LOG_CMD:
		return "[#] ";
	case LOG_BANG:
		return "[!] ";
	case LOG_ERROR:
		return ": ";
	case LOG_WARNING:
		return ": warning: ";
	}
	return "";
}

/*
 * The line is formatted first and written with one write(), so lines of concurrent
 * wgq processes (and of hooks sharing stderr) never interleave mid-line, and a line
 * costs one system call. A line too long for the stack buffer goes to the heap.
 */
void log_print(enum log_kind kind, const char *fmt, ...)
{
	_cleanup_free_ char *heap = NULL;
	char stack[1024], *buf = stack;
	const char *name = kind == LOG_ERROR || kind == LOG_WARNING ? prog : "";
	int saved = errno, head = snprintf(stack, sizeof(stack), "%s%s", name, kind_prefix(kind));
	va_list ap;

	if (head < 0 || (size_t)head >= sizeof(stack))
		head = 0;
	va_start(ap, fmt);
	int body = vsnprintf(stack + head, sizeof(stack) - (size_t)head, fmt, ap);
	va_end(ap);

	if (body < 0)
		body = 0;
	size_t len = (size_t)head + (size_t)body;

	if (len + 1 >= sizeof(stack)) {
		heap = malloc(len + 2);
		if (heap) {
			memcpy(heap, stack, (size_t)head);
			va_start(ap, fmt);
			vsnprintf(heap + head, (size_t)body + 1, fmt, ap);
			va_end(ap);
			buf = heap;
		} else {
			len = sizeof(stack) - 2; /* truncated rather than lost */
		}
	}
	buf[len++] = '\n';
	fflush(stderr);			    /* anything stdio still holds for stderr comes first */
	write_all(STDERR_FILENO, buf, len); /* a failing stderr is not reported */
	errno = saved;
}

static char detail[512];

void log_set_detail(const char *text)
{
	snprintf(detail, sizeof(detail), "%s", text ? text : "");
}

void log_step_error(const char *cmd, int err)
{
	const char *ext = detail;

	if (*ext)
		log_error("%s: %s: %s", cmd, strerror(err < 0 ? -err : err), ext);
	else
		log_error("%s: %s", cmd, strerror(err < 0 ? -err : err));
}

void log_line(struct log_line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
	log_cmd("%s", l->text);
}

int log_line_end(const struct log_line *l, int err)
{
	if (err < 0)
		log_step_error(l->text, err);
	return err;
}
