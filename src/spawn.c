// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "spawn.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "log.h"
#include "macro.h"
#include "util.h"

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

static int read_all(int fd, char **out, size_t *out_len)
{
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			char *n = realloc(buf, cap *= 2);

			if (!n)
				return -ENOMEM;
			buf = n;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out_len = len;
	*out = TAKE_PTR(buf);
	return 0;
}

static int wait_child(pid_t pid, struct spawn_result *res)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + res->signal;
	return 0;
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

static int spawn_full(char *const argv[], const char *input, size_t input_len, char **out,
		      size_t *out_len, struct spawn_result *res)
{
	_cleanup_(pipes_close) struct pipes p = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int child_errno = 0;

	if (pipe2(p.err, O_CLOEXEC) < 0 || (input && pipe2(p.in, O_CLOEXEC) < 0) ||
	    (out && pipe2(p.out, O_CLOEXEC) < 0))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(argv, p.in[0], p.out[1], p.err[1]);
	close(TAKE_FD(p.err[1]));
	close(TAKE_FD(p.in[0]));
	close(TAKE_FD(p.out[1]));
	if (input) {
		/* A child that exits early must not kill us with SIGPIPE. */
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);

		write_all(p.in[1], input, input_len); /* a reader that stops: its exit status tells */
		close(TAKE_FD(p.in[1]));
		signal(SIGPIPE, old);
	}
	int r = out ? read_all(p.out[0], out, out_len) : 0;
	ssize_t n = read(p.err[0], &child_errno, sizeof(child_errno));
	int w = wait_child(pid, res);

	if (n == (ssize_t)sizeof(child_errno)) {
		if (out)
			free(TAKE_PTR(*out));
		return -child_errno;
	}
	return r < 0 ? r : w;
}

int spawn_run(char *const argv[], const char *input, size_t input_len,
	      struct spawn_result *res)
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
