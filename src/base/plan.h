// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `up` as a list of steps (behaviour.md §3.1, §4.4, §6 b). Each step that changes the system
// pushes the undo of what it did; a failure or SIGINT/SIGTERM/SIGHUP between steps
// undoes exactly the completed changes, in reverse order, once.
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct plan_step {
	const char *name;
	int (*run)(void *ctx); /* 0 or -errno; prints its own error */
};

/* An undo: logs its [#] line and reverts one change. data is the plan's own copy and
 * holds everything the undo needs (a pointer to a context of the undo's own type when
 * it needs state read at rollback time): an undo gets no other context. */
typedef void (*plan_undo_fn)(const void *data);

struct plan_undo {
	plan_undo_fn fn;
	void *data;
};

struct plan {
	bool dry_run;
	struct plan_undo *undo;
	size_t n_undo, cap_undo;
	unsigned changes; /* state-changing operations so far (fault injection) */
};

/* Catch SIGINT, SIGTERM and SIGHUP into a flag (plan_interrupted). */
void plan_signals_catch(void);
bool plan_interrupted(void);

/* Record that a change was made and how to undo it. Copies size bytes of data. */
int plan_push_undo(struct plan *p, plan_undo_fn fn, const void *data, size_t size);
/* Call before every state-changing operation; in a fault-injection build it fails the
 * Nth one (WGQ_FAIL_STEP=N) with -EIO. 0 otherwise. */
int plan_change(struct plan *p);
/* Run the steps, each given ctx; on failure or signal roll back and return the error
 * (-EINTR for a signal). */
int plan_run(struct plan *p, const struct plan_step *steps, size_t n, void *ctx);
void plan_free(struct plan *p);
