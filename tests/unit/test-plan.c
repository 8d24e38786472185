// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The step runner (behaviour.md §4.4, §6 b): undo only completed changes, in reverse order,
// exactly once; a signal between steps rolls back; hooks' %i expansion.

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "system/hooks.h"
#include "base/macro.h"
#include "base/plan.h"

struct trace {
	char log[256];
	int fail_at; /* step index that fails, -1 none */
	int signal_at;
	int ran;
};

/* An undo's data: the trace it writes to and the step's number. */
struct note {
	struct trace *t;
	int id;
};

static void undo_note(const void *data)
{
	const struct note *n = data;
	size_t len = strlen(n->t->log);

	snprintf(n->t->log + len, sizeof(n->t->log) - len, "u%d ", n->id);
}

static int step(struct trace *t, int i)
{
	t->ran++;
	if (t->signal_at == i)
		raise(SIGTERM);
	if (t->fail_at == i)
		return -EIO;
	return 0;
}

static struct plan *current;

#define STEP(n)                                                                                    \
	static int step##n(void *ctx)                                                              \
	{                                                                                          \
		struct note note = { .t = ctx, .id = n };                                          \
		int r = step(ctx, n);                                                              \
		return r < 0 ? r : plan_push_undo(current, undo_note, &note, sizeof(note));        \
	}
STEP(0)
STEP(1)
STEP(2)
STEP(3)

static const struct plan_step steps[] = {
	{ "s0", step0 },
	{ "s1", step1 },
	{ "s2", step2 },
	{ "s3", step3 },
};

static void run_case(int fail_at, int signal_at, int want_rc, int want_ran, const char *want)
{
	struct plan p = { 0 };
	struct trace t = { .fail_at = fail_at, .signal_at = signal_at };

	current = &p;
	plan_signals_catch();
	assert_int_equal(plan_run(&p, steps, ARRAY_SIZE(steps), &t), want_rc);
	assert_int_equal(t.ran, want_ran);
	assert_string_equal(t.log, want);
	plan_free(&p);
}

static void test_success_keeps_everything(void **state)
{
	(void)state;
	run_case(-1, -1, 0, 4, "");
}

static void test_failure_undoes_completed_in_reverse(void **state)
{
	(void)state;
	run_case(0, -1, -EIO, 1, "");
	run_case(2, -1, -EIO, 3, "u1 u0 ");
	run_case(3, -1, -EIO, 4, "u2 u1 u0 ");
}

/* Runs last: the flag stays set for the rest of the process, as in wgq. */
static void test_signal_between_steps(void **state)
{
	(void)state;
	/* the step that saw the signal finishes, is undone with the others */
	run_case(-1, 1, -EINTR, 2, "u1 u0 ");
}

static void test_hook_expand(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "echo %i", "echo wg0" },
		{ "%i%i", "wg0wg0" },
		{ "%%i", "%wg0" },
		{ "no marker %", "no marker %" },
		{ "", "" },
		{ "a # %i kept", "a # wg0 kept" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = hook_expand(cases[i].in, "wg0");

		assert_non_null(s);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_keeps_everything),
		cmocka_unit_test(test_failure_undoes_completed_in_reverse),
		cmocka_unit_test(test_hook_expand),
		cmocka_unit_test(test_signal_between_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
