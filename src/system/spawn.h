// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Running programs: always an argv, never a shell string (hooks pass their text to
// bash as one argument). stdout and stderr are inherited; stderr is flushed first.
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct spawn_result {
	int status; /* exit status when !signaled */
	int signal; /* the killing signal, or 0 */
};

/*
 * Run argv[0] (looked up in PATH when it has no '/') with argv. When input is not
 * NULL, it is written to the child's stdin through a pipe; otherwise stdin is
 * inherited. Waits for the child. 0 with *res filled, or -errno when the program could
 * not be started (-ENOENT when it does not exist).
 */
int spawn_run(char *const argv[], const char *input, size_t input_len, struct spawn_result *res);
/* Like spawn_run, but the child's stdout is captured into *out (malloc'd, NUL
 * terminated). */
int spawn_capture(char *const argv[], char **out, size_t *out_len, struct spawn_result *res);
/* 0 for a clean exit 0; otherwise prints "PROG: WHAT: exited with status S" (or "was
 * killed by signal NAME") and returns -ECHILD. */
int spawn_check(const char *what, const struct spawn_result *res);
/* Find name in PATH (or take it as a path when it contains '/'): true when an
 * executable file is found; its path goes into out. */
bool spawn_which(const char *name, char *out, size_t size);
/* The signal's name without "SIG", e.g. "TERM". */
const char *spawn_signame(int sig);
