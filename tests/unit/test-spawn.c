// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Running helpers (issue 18): output captured whole (more than a pipe holds), stdin fed,
// a missing program reported, and a signal arriving while a helper runs ending that
// helper's process group (SIGKILL after the grace for one ignoring SIGTERM).

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <time.h>

#include "base/macro.h"
#include "base/plan.h"
#include "system/spawn.h"

static void capture_large(void **state)
{
	/* 300 000 bytes: several times a pipe's buffer. */
	char *argv[] = { "sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x", NULL };
	_cleanup_free_ char *out = NULL;
	struct spawn_result res;
	size_t len = 0;

	(void)state;
	assert_int_equal(spawn_capture(argv, &out, &len, &res), 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(len, 300000);
	assert_int_equal(strspn(out, "x"), 300000);
}

static void stdin_fed(void **state)
{
	char *argv[] = { "sh", "-c", "[ \"$(cat)\" = hello ]", NULL };
	struct spawn_result res;

	(void)state;
	assert_int_equal(spawn_run(argv, "hello", 5, &res), 0);
	assert_int_equal(res.status, 0);
}

static void missing_program(void **state)
{
	char *argv[] = { "/nonexistent/wgq-helper", NULL };
	struct spawn_result res;

	(void)state;
	assert_int_equal(spawn_run(argv, NULL, 0, &res), -ENOENT);
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void signal_stops_group(void **state)
{
	/* The shell ignores SIGTERM, and so does its sleep (inherited through exec): it
	 * takes the SIGKILL after the grace. Its background child signals us 0.2 s in. */
	char *argv[] = { "sh", "-c",
			 "trap '' TERM; (sleep 0.2; kill -TERM \"$WGQ_TEST_PARENT\") & sleep 30",
			 NULL };
	struct spawn_result res;
	char pid[32];

	(void)state;
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WGQ_TEST_PARENT", pid, 1);
	plan_signals_catch();
	int64_t start = ms_now();

	assert_int_equal(spawn_run(argv, NULL, 0, &res), 0);
	int64_t took = ms_now() - start;

	assert_int_equal(res.signal, SIGKILL);
	assert_true(plan_interrupted()); /* raised again for the plan once reaped */
	assert_true(took >= 1000 && took < 5000);
}

int main(void)
{
	/* The signal test goes last: it leaves SIGTERM caught and the plan interrupted. */
	const struct CMUnitTest tests[] = { cmocka_unit_test(capture_large),
					    cmocka_unit_test(stdin_fed),
					    cmocka_unit_test(missing_program),
					    cmocka_unit_test(signal_stops_group) };

	return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
