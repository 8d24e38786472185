// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The [#] log and wgq's messages (spec §1.5, §5). Everything goes to stderr.
#pragma once

#include "macro.h"

/* Remember the program name (basename of argv[0]) used as the message prefix. */
void log_init(const char *argv0);
const char *log_prog(void);

/* "[#] TEXT": a command wg-quick would have run, printed before the action. */
void log_cmd(const char *fmt, ...) _printf_format_(1, 2);
/* "[!] TEXT" */
void log_bang(const char *fmt, ...) _printf_format_(1, 2);
/* "PROG: TEXT" */
void log_error(const char *fmt, ...) _printf_format_(1, 2);
/* "PROG: warning: TEXT" */
void log_warning(const char *fmt, ...) _printf_format_(1, 2);
/* "PROG: CMD: strerror(-err)[: EXTACK]" for a failed step whose [#] line was CMD. */
void log_step_error(const char *cmd, int err);
