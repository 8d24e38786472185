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

void log_print(enum log_kind kind, const char *fmt, ...)
{
	va_list ap;

	switch (kind) {
	case LOG_CMD:
		fputs("[#] ", stderr);
		break;
	case LOG_BANG:
		fputs("[!] ", stderr);
		break;
	case LOG_ERROR:
		fprintf(stderr, "%s: ", prog);
		break;
	case LOG_WARNING:
		fprintf(stderr, "%s: warning: ", prog);
		break;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void log_step_error(const char *cmd, int err)
{
	const char *ext = nl_extack();

	if (ext && *ext)
		log_error("%s: %s: %s", cmd, strerror(err < 0 ? -err : err), ext);
	else
		log_error("%s: %s", cmd, strerror(err < 0 ? -err : err));
}
