// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Dispatch (spec §1): a table of verbs, usage printed from it, auto-sudo.

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <strings.h>

#include "config-build.h"
#include "config-file.h"
#include "config.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"
#include "subcommands.h"

enum root_need {
	ROOT_ALWAYS,
	ROOT_UNLESS_READABLE, /* strip: only when the file cannot be read (§6 g) */
};

struct command {
	const char *name;
	int (*run)(const char *arg, const struct cmd_opts *opts);
	enum root_need root;
	bool dry_run; /* accepts --dry-run */
	const char *help;
	bool own_synopsis; /* another grammar: a synopsis line of its own */
};

static const struct command commands[] = {
	{ "up", cmd_up, ROOT_ALWAYS, true, "create and configure the interface" },
	{ "down", cmd_down, ROOT_ALWAYS, true, "remove the interface and what up added" },
	{ "save", cmd_save, ROOT_ALWAYS, false, "write the running state back to the file" },
	{ "strip", cmd_strip, ROOT_UNLESS_READABLE, false,
	  "print the config without wgq's keys, for wg(8)" },
	{ "reload", cmd_reload, ROOT_ALWAYS, true,
	  "apply a changed config to the running interface" },
	{ "killswitch", cmd_killswitch, ROOT_ALWAYS, true,
	  "on|off|status: engage, release or check the kill switch", true },
};

static void usage(void)
{
	const char *prog = log_prog();

	const char *sep = "";

	fprintf(stderr, "Usage: %s [ ", prog);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!commands[i].own_synopsis)
			fprintf(stderr, "%s%s", i ? " | " : "", commands[i].name);
	fprintf(stderr, " ] [ CONFIG_FILE | INTERFACE ]\n       %s [ ", prog);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!commands[i].dry_run || commands[i].own_synopsis)
			continue;
		fprintf(stderr, "%s%s", sep, commands[i].name);
		sep = " | ";
	}
	fprintf(stderr, " ] --dry-run [ CONFIG_FILE | INTERFACE ]\n"
			"       %s killswitch [ on | off | status ] [ CONFIG_FILE | INTERFACE ]\n"
			"       %s killswitch off --all\n"
			"       %s [ -h | --help | help | --version ]\n\n",
		prog, prog, prog);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "  %-7s %s\n", commands[i].name, commands[i].help);
	fputs("\n"
	      "  --dry-run  print the [#] plan and change nothing\n"
	      "  --kill-switch[=on|lockdown]\n"
	      "             up, reload: raise the kill switch level (never lowers it)\n"
	      "\n"
	      "CONFIG_FILE is a file whose name is the interface name followed by .conf,\n"
	      "for example ./wg0.conf. INTERFACE is a bare interface name, for example wg0,\n"
	      "whose config is /etc/wireguard/INTERFACE.conf.\n"
	      "\n"
	      "The file is a wg(8) configuration plus these [Interface] keys, handled here:\n"
	      "  Address    IP addresses (with prefix) for the interface; repeatable\n"
	      "  DNS        name servers and search domains, set through resolvconf\n"
	      "  MTU        the link MTU; automatic when unset\n"
	      "  Table      routing table for the allowed IPs: auto, off, a number or name\n"
	      "  PreUp, PostUp, PreDown, PostDown\n"
	      "             bash commands run around up and down; %i is the interface\n"
	      "  SaveConfig true: write the running state back to the file on down\n"
	      "  KillSwitch off, on or lockdown: block traffic outside the tunnel\n"
	      "  KillSwitchAllow\n"
	      "             prefixes reachable outside the tunnel while it is engaged\n"
	      "\n",
	      stderr);
	fprintf(stderr, "See %s(8) for details.\n", "wgq");
}

/* The path we were invoked by, made absolute without resolving symlinks, so that a
 * wg-quick compatibility name keeps its name after sudo (§1.4). */
static bool self_path(const char *argv0, char *out, size_t size)
{
	if (!strchr(argv0, '/'))
		return spawn_which(argv0, out, size);
	if (argv0[0] == '/') {
		snprintf(out, size, "%s", argv0);
		return true;
	}
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		return false;
	return (size_t)snprintf(out, size, "%s/%s", cwd, argv0) < size;
}

static int exec_sudo(const char *argv0, int argc, char **argv)
{
	char self[PATH_MAX], prompt[128];

	if (!self_path(argv0, self, sizeof(self)) &&
	    readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		snprintf(self, sizeof(self), "%s", argv0);
	snprintf(prompt, sizeof(prompt),
		 "%s must be run as root. Please enter the password for %%u to continue: ",
		 log_prog());
	char **args = calloc((size_t)argc + 6, sizeof(*args));

	if (!args)
		return -ENOMEM;
	size_t k = 0;

	args[k++] = "sudo";
	args[k++] = "-p";
	args[k++] = prompt;
	args[k++] = "--";
	args[k++] = self;
	for (int i = 1; i < argc; i++)
		args[k++] = argv[i];
	fflush(stderr);
	execvp("sudo", args);
	log_error("Unable to execute sudo: %s", strerror(errno));
	free(args);
	return -errno;
}

static bool can_read(const char *arg)
{
	struct cfg_file f = { 0 };
	bool ok = false;

	/* Resolve quietly: the root run prints any error itself. */
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	if (cfg_file_resolve(arg, 0, &f) == 0)
		ok = access(f.path, R_OK) == 0;
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
	cfg_file_clear(&f);
	return ok;
}

/* wg-quick runs with its own directory first in PATH and LC_ALL=C (§1.6). */
static void set_environment(const char *argv0)
{
	char self[PATH_MAX];

	setenv("LC_ALL", "C", 1);
	if (!self_path(argv0, self, sizeof(self)))
		return;
	char *slash = strrchr(self, '/');

	if (!slash)
		return;
	*slash = '\0';
	const char *path = getenv("PATH");
	_cleanup_free_ char *np = NULL;

	if (asprintf(&np, "%s%s%s", self[0] ? self : "/", path ? ":" : "", path ? path : "") >= 0)
		setenv("PATH", np, 1);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* --kill-switch[=on|lockdown]: it only raises the level, so `off` is a usage error. */
static bool parse_kill_switch(const char *arg, struct cmd_opts *opts)
{
	const char *v = arg + strlen("--kill-switch");

	if (!*v)
		opts->kill_switch = CFG_KS_ON;
	else if (!strcasecmp(v, "=on"))
		opts->kill_switch = CFG_KS_ON;
	else if (!strcasecmp(v, "=lockdown"))
		opts->kill_switch = CFG_KS_LOCKDOWN;
	else
		return false;
	return true;
}

/* Flags anywhere after the verb; at most two words besides the verb. */
static bool parse_args(int argc, char **argv, struct cmd_opts *opts, const char **args, int *n)
{
	for (int i = 1; i < argc; i++) {
		bool ks = !strncmp(argv[i], "--kill-switch", 13) &&
			  (!argv[i][13] || argv[i][13] == '=');

		if (ks && !parse_kill_switch(argv[i], opts))
			return false;
		if (ks)
			continue;
		if (streq(argv[i], "--dry-run"))
			opts->dry_run = true;
		else if (streq(argv[i], "--all"))
			opts->all = true;
		else if (*n < 3)
			args[(*n)++] = argv[i];
		else
			return false;
	}
	return true;
}

/* killswitch ACTION [ARG]; the others VERB ARG. */
static const struct command *check_args(const char **args, int n, struct cmd_opts *opts,
					const char **arg)
{
	const struct command *cmd = n >= 1 ? find_command(args[0]) : NULL;

	if (!cmd)
		return NULL;
	if (streq(cmd->name, "killswitch")) {
		if (n < 2 || opts->kill_switch)
			return NULL;
		opts->action = args[1];
		*arg = n == 3 ? args[2] : NULL;
		if (streq(args[1], "off") && (opts->all ? n == 2 : n == 3))
			return cmd;
		if (streq(args[1], "on") && n == 3 && !opts->all)
			return cmd;
		if (streq(args[1], "status") && !opts->all && !opts->dry_run)
			return cmd;
		return NULL;
	}
	*arg = n == 2 ? args[1] : NULL;
	if (n != 2 || opts->all ||
	    (opts->kill_switch && !streq(cmd->name, "up") && !streq(cmd->name, "reload")))
		return NULL;
	return cmd;
}

int main(int argc, char **argv)
{
	struct cmd_opts opts = { 0 };
	const char *args[3];
	int n = 0;

	log_init(argv[0]);
	if (argc == 2 && (streq(argv[1], "-h") || streq(argv[1], "--help") ||
			  streq(argv[1], "help"))) {
		usage();
		return EXIT_SUCCESS;
	}
	if (argc == 2 && streq(argv[1], "--version")) {
		printf("%s %s\n", log_prog(), VERSION);
		return EXIT_SUCCESS;
	}
	const char *arg = NULL;
	const struct command *cmd =
		parse_args(argc, argv, &opts, args, &n) ? check_args(args, n, &opts, &arg) : NULL;

	if (!cmd || (opts.dry_run && !cmd->dry_run)) {
		usage();
		return EXIT_FAILURE;
	}
	if (getuid() != 0 && (cmd->root == ROOT_ALWAYS || !can_read(arg))) {
		exec_sudo(argv[0], argc, argv);
		return EXIT_FAILURE;
	}
	set_environment(argv[0]);
	return cmd->run(arg, &opts) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
