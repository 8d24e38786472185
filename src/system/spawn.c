// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "system/spawn.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <poll.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/plan.h"
#include "base/util.h"

static const int reset_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

/* In the child: default signal dispositions (the parent may be ignoring them during
 * a rollback) and an empty mask, then exec. Reports errno through errfd. */
_noreturn_ static void child_exec(char *const argv[], int in_fd, int out_fd, int errfd)
{
	sigset_t none;

	for (size_t i = 0; i < ARRAY_SIZE(reset_signals); i++)
		signal(reset_signals[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0); /* its own group: a signal to us is passed on to all of it */
	if (in_fd >= 0 && dup2(in_fd, STDIN_FILENO) < 0)
		goto fail;
	if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
		goto fail;
	execvp(argv[0], argv);
fail:;
	int e = errno;

	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

/*
 * A helper runs in its own process group, watched through a signalfd with SIGCHLD,
 * SIGINT, SIGTERM and SIGHUP blocked (issue 18). A caught signal sends SIGTERM to the
 * group, then SIGKILL after SPAWN_GRACE_MS, and is raised again once the helper is
 * reaped, so the plan sees it as before. A helper started after a signal (rollback) gets
 * SPAWN_ROLLBACK_MS before the same escalation: an interrupted run ends in seconds.
 */
#define SPAWN_GRACE_MS 1000
/* A rollback's helper gets 3 s, or four times the longest a helper took to succeed in
 * this run when that is more: openresolv's `-d` takes seconds in an emulated (TCG)
 * guest, where its `-a` was as slow, and must still remove the DNS record there. */
#define SPAWN_ROLLBACK_MS     3000
#define SPAWN_ROLLBACK_FACTOR 4

static int64_t longest_ok_ms;

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

struct watch {
	pid_t pid;
	const char *name; /* argv[0], for messages */
	int sfd, out_fd;  /* out_fd: capture pipe, -1 when none or at EOF */
	int caught;	  /* the last SIGINT/SIGTERM/SIGHUP seen, or 0 */
	int stage;	  /* signals sent to the group: 0, SIGTERM, SIGKILL */
	int64_t deadline; /* CLOCK_MONOTONIC ms of the next escalation, or -1 */
	struct buffer {
		char *data;
		size_t len, cap;
	} out;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void escalate(struct watch *w)
{
	int sig = w->stage ? SIGKILL : SIGTERM;

	if (w->stage == SIGKILL)
		return;
	log_warning("%s (pid %d) %s: sending SIG%s to its process group", w->name, (int)w->pid,
		    w->caught ? "interrupted" : "outlived the rollback's limit",
		    spawn_signame(sig));
	kill(-w->pid, sig);
	w->stage = sig;
	w->deadline = sig == SIGTERM ? now_ms() + SPAWN_GRACE_MS : -1;
}

static void read_signals(struct watch *w)
{
	struct signalfd_siginfo si;

	while (read(w->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		w->caught = (int)si.ssi_signo;
		if (!w->stage)
			escalate(w);
	}
}

/* Read what is there; -errno, or 0 (out_fd -1 at EOF). */
static int read_output(struct watch *w)
{
	for (;;) {
		struct buffer *b = &w->out;

		if (b->len + 1 >= b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *n = realloc(b->data, cap);

			if (!n)
				return -ENOMEM;
			b->data = n;
			b->cap = cap;
		}
		ssize_t r = read(w->out_fd, b->data + b->len, b->cap - b->len - 1);

		if (r < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (r == 0) {
			close(TAKE_FD(w->out_fd));
			return 0;
		}
		b->len += (size_t)r;
	}
}

static int wait_one(struct watch *w)
{
	struct pollfd p[2] = { { .fd = w->sfd, .events = POLLIN },
			       { .fd = w->out_fd, .events = POLLIN } };
	int timeout = -1;

	if (w->deadline >= 0) {
		int64_t left = w->deadline - now_ms();

		timeout = left > 0 ? (int)left : 0;
	}
	int n = poll(p, w->out_fd >= 0 ? 2 : 1, timeout);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		escalate(w);
	if (p[0].revents)
		read_signals(w);
	return w->out_fd >= 0 && p[1].revents ? read_output(w) : 0;
}

/* Until the child is reaped; its output (when captured) is drained after that. */
static int supervise(struct watch *w, struct spawn_result *res)
{
	int st = 0, r = 0;

	for (;;) {
		pid_t p = waitpid(w->pid, &st, WNOHANG);

		if (p == w->pid)
			break;
		if (p < 0 && errno != EINTR)
			return -errno;
		int e = wait_one(w);

		if (e < 0 && w->out_fd >= 0) {
			r = e; /* keep waiting; the output is lost */
			close(TAKE_FD(w->out_fd));
		}
	}
	/* A daemon it left behind may hold the pipe: a bounded drain. */
	while (r == 0 && w->out_fd >= 0) {
		struct pollfd pfd = { .fd = w->out_fd, .events = POLLIN };

		if (poll(&pfd, 1, SPAWN_GRACE_MS) <= 0)
			break;
		r = read_output(w);
	}
	res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + res->signal;
	return r;
}

struct pipes {
	int err[2], in[2], out[2];
};

static void pipes_close(struct pipes *p)
{
	int *fds = &p->err[0];

	for (size_t i = 0; i < 6; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void feed_input(int *fd, const char *input, size_t input_len)
{
	/* A child that exits early must not kill us with SIGPIPE. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	write_all(*fd, input, input_len); /* a reader that stops: its exit status tells */
	close(TAKE_FD(*fd));
	signal(SIGPIPE, old);
}

/* After the child is gone: the signal it was stopped for goes to our own handler (or
 * default action) now. */
static void watch_end(struct watch *w, const sigset_t *old)
{
	if (w->sfd >= 0)
		close(TAKE_FD(w->sfd));
	sigprocmask(SIG_SETMASK, old, NULL);
	if (w->caught)
		raise(w->caught);
}

static int watch_start(struct watch *w, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(reset_signals); i++)
		if (reset_signals[i] != SIGPIPE)
			sigaddset(&set, reset_signals[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	w->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w->sfd < 0) {
		int e = -errno;

		sigprocmask(SIG_SETMASK, old, NULL);
		return e;
	}
	return 0;
}

/* Hand the captured output over, NUL terminated; or free it on error. */
static int spawn_output(struct watch *w, int r, char **out, size_t *out_len)
{
	if (r < 0 || !out) {
		free(w->out.data);
		return r;
	}
	if (!w->out.data && !(w->out.data = malloc(1)))
		return -ENOMEM;
	w->out.data[w->out.len] = '\0';
	*out = w->out.data;
	*out_len = w->out.len;
	return 0;
}

static int spawn_full(char *const argv[], const char *input, size_t input_len, char **out,
		      size_t *out_len, struct spawn_result *res)
{
	_cleanup_(pipes_close) struct pipes p = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	struct watch w = { .name = argv[0], .sfd = -1, .out_fd = -1, .deadline = -1 };
	sigset_t old;
	int child_errno = 0, r;

	/* Only our end of the capture pipe is non-blocking: the child's stdout is not. */
	if (pipe2(p.err, O_CLOEXEC) < 0 || (input && pipe2(p.in, O_CLOEXEC) < 0) ||
	    (out && (pipe2(p.out, O_CLOEXEC) < 0 || fcntl(p.out[0], F_SETFL, O_NONBLOCK) < 0)))
		return -errno;
	r = watch_start(&w, &old);
	if (r < 0)
		return r;
	fflush(stdout);
	fflush(stderr);
	w.pid = fork();
	if (w.pid < 0) {
		r = -errno;
		watch_end(&w, &old);
		return r;
	}
	if (w.pid == 0)
		child_exec(argv, p.in[0], p.out[1], p.err[1]);
	setpgid(w.pid, w.pid); /* the child does it too: whoever runs first */
	int64_t start = now_ms();

	if (plan_interrupted())
		w.deadline =
			start + max64(SPAWN_ROLLBACK_MS, SPAWN_ROLLBACK_FACTOR * longest_ok_ms);
	close(TAKE_FD(p.err[1]));
	close(TAKE_FD(p.in[0]));
	close(TAKE_FD(p.out[1]));
	if (input)
		feed_input(&p.in[1], input, input_len);
	w.out_fd = TAKE_FD(p.out[0]);
	r = supervise(&w, res);
	if (r == 0 && !res->status && !res->signal && !w.caught)
		longest_ok_ms = max64(longest_ok_ms, now_ms() - start);
	if (w.out_fd >= 0)
		close(TAKE_FD(w.out_fd));
	watch_end(&w, &old);
	ssize_t n = read(p.err[0], &child_errno, sizeof(child_errno));

	if (n == (ssize_t)sizeof(child_errno)) {
		free(w.out.data);
		return -child_errno;
	}
	return spawn_output(&w, r, out, out_len);
}

int spawn_run(char *const argv[], const char *input, size_t input_len, struct spawn_result *res)
{
	return spawn_full(argv, input, input_len, NULL, NULL, res);
}

int spawn_capture(char *const argv[], char **out, size_t *out_len, struct spawn_result *res)
{
	*out = NULL;
	return spawn_full(argv, NULL, 0, out, out_len, res);
}

const char *spawn_signame(int sig)
{
	const char *name = sigabbrev_np(sig);

	return name ? name : "UNKNOWN";
}

int spawn_check(const char *what, const struct spawn_result *res)
{
	if (res->signal) {
		log_error("%s: was killed by signal %s", what, spawn_signame(res->signal));
		return -ECHILD;
	}
	if (res->status) {
		log_error("%s: exited with status %d", what, res->status);
		return -ECHILD;
	}
	return 0;
}

static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

bool spawn_which(const char *name, char *out, size_t size)
{
	if (!*name)
		return false;
	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return is_executable(name);
	}
	const char *path = getenv("PATH");

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		if (len && (size_t)snprintf(out, size, "%.*s/%s", (int)len, path, name) < size &&
		    is_executable(out))
			return true;
		path += len;
		if (*path == ':')
			path++;
	}
	return false;
}
