// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The [#] log and wgq's messages (behaviour.md §1.5, §5). Everything goes to stderr.
#pragma once

#include <limits.h>

#include "base/macro.h"

/* Remember the program name (basename of argv[0]) used as the message prefix. */
void log_init(const char *argv0);
const char *log_prog(void);

enum log_kind {
	LOG_CMD,     /* "[#] TEXT": a command wg-quick would have run, printed before it */
	LOG_BANG,    /* "[!] TEXT" */
	LOG_ERROR,   /* "PROG: TEXT" */
	LOG_WARNING, /* "PROG: warning: TEXT" */
};

/* One line on stderr, flushed. */
void log_print(enum log_kind kind, const char *fmt, ...) _printf_format_(2, 3);
#define log_cmd(...)	 log_print(LOG_CMD, __VA_ARGS__)
#define log_bang(...)	 log_print(LOG_BANG, __VA_ARGS__)
#define log_error(...)	 log_print(LOG_ERROR, __VA_ARGS__)
#define log_warning(...) log_print(LOG_WARNING, __VA_ARGS__)
/* The kernel's text about the last failed request (a netlink extended ack), appended
 * by log_step_error(); NULL clears it. Set by the netlink layer for each request. */
void log_set_detail(const char *text);
/* "PROG: CMD: strerror(-err)[: DETAIL]" for a failed step whose [#] line was CMD. */
void log_step_error(const char *cmd, int err);

/* A logged step: its [#] line is formatted once into a log_line, printed before the
 * step runs, and named again in the error when the step fails:
 *
 *	struct log_line l;
 *
 *	log_line(&l, "ip link set mtu %u dev %s", mtu, ifname);
 *	r = ...the step...;
 *	return log_line_end(&l, r);
 *
 * LOG_LINE_MAX holds the longest line a step formats (`ip -n PATH ...`). */
#define LOG_LINE_MAX (PATH_MAX + 256)

struct log_line {
	char text[LOG_LINE_MAX];
};

/* Format the [#] line into l and print it. */
void log_line(struct log_line *l, const char *fmt, ...) _printf_format_(2, 3);
/* The step's result: err < 0 is reported as log_step_error(l->text, err). Returns err. */
int log_line_end(const struct log_line *l, int err);
