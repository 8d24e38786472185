// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "base/plan.h"

#include <signal.h>

#include "config-build.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/number.h"
#include "base/util.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const int plan_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void set_handler(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(plan_sigs); i++)
		sigaction(plan_sigs[i], &sa, NULL);
}

void plan_signals_catch(void)
{
	set_handler(on_signal);
}

/* Ignore them from now on (rollback, teardown); the flag stays. */
static void plan_signals_ignore(void)
{
	set_handler(SIG_IGN);
}

bool plan_interrupted(void)
{
	return interrupted;
}

int plan_push_undo(struct plan *p, plan_undo_fn fn, const void *data, size_t size)
{
	void *copy = malloc(size ? size : 1);
	struct plan_undo *u =
		copy ? array_append(&p->undo, &p->n_undo, &p->cap_undo, sizeof(*u)) : NULL;

	if (!u) {
		free(copy);
		return -ENOMEM;
	}
	if (size)
		memcpy(copy, data, size);
	*u = (struct plan_undo){ .fn = fn, .data = copy };
	return 0;
}

int plan_change(struct plan *p)
{
	p->changes++;
#if WGQ_FAULT_INJECTION
	/* Tests only: WGQ_FAIL_STEP=N fails the Nth change; WGQ_SIGNAL_STEP=N:SIG sends
	 * SIG to ourselves just before it, so the change is made and then undone. */
	const char *fail = getenv("WGQ_FAIL_STEP"), *sig = getenv("WGQ_SIGNAL_STEP");
	struct number n = { 0 }, signo = { 0 };

	if (fail && number_scan(fail, NUMBER_DECIMAL, &n) == 0 && n.value == p->changes)
		return -EIO;
	if (sig && number_scan(sig, NUMBER_DECIMAL, &n) == 0 && n.value == p->changes &&
	    *n.end == ':' && number_scan(n.end + 1, NUMBER_DECIMAL, &signo) == 0)
		raise((int)signo.value);
	if (getenv("WGQ_COUNT_STEPS"))
		fprintf(stderr, "wgq-fault-injection: change %u\n", p->changes);
#endif
	return 0;
}

/* Undo every recorded change in reverse order, with signals ignored. */
static void plan_rollback(struct plan *p)
{
	plan_signals_ignore();
	while (p->n_undo > 0) {
		struct plan_undo *u = &p->undo[--p->n_undo];

		u->fn(u->data);
		free(u->data);
	}
}

int plan_run(struct plan *p, const struct plan_step *steps, size_t n, void *ctx)
{
	for (size_t i = 0; i <= n; i++) {
		/* Signals are acted on between steps: the step in progress finishes and
		 * is then undone with the others (behaviour.md §4.4). */
		if (plan_interrupted()) {
			plan_rollback(p);
			return -EINTR;
		}
		if (i == n)
			break;
		int r = steps[i].run(ctx);

		if (r < 0) {
			plan_rollback(p);
			return r;
		}
	}
	return 0;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n_undo; i++)
		free(p->undo[i].data);
	free(p->undo);
	p->undo = NULL;
	p->n_undo = p->cap_undo = 0;
}
