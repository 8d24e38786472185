// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "log.h"

#include <stdarg.h>

#include "nl.h"

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

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void log_cmd(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("[#] ", fmt, ap);
	va_end(ap);
}

void log_bang(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("[!] ", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", prog);
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

void log_step_error(const char *cmd, int err)
{
	const char *ext = nl_extack();

	if (ext && *ext)
		log_error("%s: %s: %s", cmd, strerror(err < 0 ? -err : err), ext);
	else
		log_error("%s: %s", cmd, strerror(err < 0 ? -err : err));
}
