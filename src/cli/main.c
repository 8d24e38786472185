// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Dispatch (behaviour.md §1): a table of verbs, usage printed from it, auto-sudo.

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <strings.h>

#include "config-build.h"
#include "config/file.h"
#include "config/config.h"
#include "system/lock.h"
#include "base/log.h"
#include "base/macro.h"
#include "system/spawn.h"
#include "cli/commands.h"

enum root_need {
	ROOT_ALWAYS,
	ROOT_UNLESS_READABLE, /* strip: only when the file cannot be read (behaviour.md §6 g) */
};

struct command {
	const char *name;
	int (*run)(const char *arg, const struct cmd_opts *opts);
	enum root_need root;
	bool dry_run;	  /* accepts --dry-run */
	bool netns;	  /* accepts --netns X */
	bool no_dns;	  /* accepts --no-dns */
	bool kill_switch; /* accepts --kill-switch[=LEVEL] */
	bool locks;	  /* takes the interface lock (lock.h) unless it is a dry run */
	const char *help;
	bool own_synopsis; /* another grammar: a synopsis line of its own */
};

static const struct command commands[] = {
	{ "up", cmd_up, ROOT_ALWAYS, true, true, true, true, true,
	  "create and configure the interface" },
	{ "down", cmd_down, ROOT_ALWAYS, true, true, false, false, true,
	  "remove the interface and what up added" },
	{ "save", cmd_save, ROOT_ALWAYS, false, true, false, false, false,
	  "write the running state back to the file" },
	{ "strip", cmd_strip, ROOT_UNLESS_READABLE, false, false, false, false, false,
	  "print the config without wgq's keys, for wg(8)" },
	{ "reload", cmd_reload, ROOT_ALWAYS, true, true, true, true, true,
	  "apply a changed config to the running interface" },
	{ "killswitch", cmd_killswitch, ROOT_ALWAYS, true, false, false, false, false,
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
	fprintf(stderr,
		" ] --dry-run [ CONFIG_FILE | INTERFACE ]\n"
		"       %s killswitch [ on | off | status ] [ CONFIG_FILE | INTERFACE ]\n"
		"       %s killswitch off --all\n"
		"       %s [ -h | --help | help | --version ]\n\n",
		prog, prog, prog);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "  %-7s %s\n", commands[i].name, commands[i].help);
	fputs("\n"
	      "  --dry-run  print the [#] plan and change nothing\n"
	      "  --netns NAME|PID|PATH\n"
	      "             up, down, save, reload, killswitch: the interface lives in that "
	      "network\n"
	      "             namespace (overrides Namespace)\n"
	      "  --no-dns   up, reload: ignore the config's DNS entries\n"
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
	      "  Namespace  a named network namespace (/run/netns/NAME) for the interface\n"
	      "  KillSwitch off, on or lockdown: block traffic outside the tunnel\n"
	      "  KillSwitchAllow\n"
	      "             prefixes reachable outside the tunnel while it is engaged\n"
	      "\n",
	      stderr);
	fprintf(stderr, "See %s(8) for details.\n", "wgq");
}

/* The path we were invoked by, made absolute without resolving symlinks, so that a
 * wg-quick compatibility name keeps its name after sudo (behaviour.md §1.4). */
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
	int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

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

/* wg-quick runs with its own directory first in PATH and LC_ALL=C (behaviour.md §1.6). */
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

/* The interface an argument names: itself, or a path's basename without ".conf".
 * false when it names none; the command then reports the argument. */
static bool arg_ifname(const char *arg, char *out, size_t size)
{
	const char *base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
	size_t len = strlen(base);

	if (base == arg && cfg_is_ifname(arg)) {
		snprintf(out, size, "%s", arg);
		return true;
	}
	if (len <= 5 || !streq(base + len - 5, ".conf") || len - 5 >= size)
		return false;
	snprintf(out, size, "%.*s", (int)(len - 5), base);
	return cfg_is_ifname(out);
}

/* Serialise runs on one interface before anything is read (issue 18). */
static int lock_for(const struct command *cmd, const char *arg, bool dry_run)
{
	char ifname[64];
	int r;

	if (!cmd->locks || dry_run || !arg_ifname(arg, ifname, sizeof(ifname)))
		return 0;
	r = lock_interface(ifname);
	if (r < 0 && r != -EBUSY)
		log_error("%s/.wgq-%s.lock: %s", LOCK_DIR, ifname, strerror(-r));
	return r;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Say what is wrong with the command line; main() then prints the usage. */
#define usage_error(...) (log_error(__VA_ARGS__), -EINVAL)

static bool is_info_option(const char *a)
{
	return streq(a, "-h") || streq(a, "--help") || streq(a, "help") || streq(a, "--version");
}

/* --netns X, --netns=X and --no-dns (killswitch-netns.md §2.2): 1 when a is one of them
 * (*i moved past a separate value), 0 when not, or -EINVAL. */
static int parse_netns_option(int argc, char **argv, int *i, struct cmd_opts *opts)
{
	const char *a = argv[*i];

	if (streq(a, "--no-dns"))
		opts->no_dns = true;
	else if (streq(a, "--netns") && *i + 1 < argc)
		opts->netns = argv[++*i];
	else if (!strncmp(a, "--netns=", 8))
		opts->netns = a + 8;
	else if (streq(a, "--netns"))
		return usage_error("--netns needs a NAME, PID or PATH");
	else
		return 0;
	if (opts->netns && !*opts->netns)
		return usage_error("--netns needs a NAME, PID or PATH");
	return 1;
}

/* --kill-switch[=on|lockdown]: 1 when a is it, 0 when not, or -EINVAL. The option only
 * raises the level, so `off` is a usage error. */
static int parse_kill_switch(const char *a, struct cmd_opts *opts)
{
	const char *v = a + strlen("--kill-switch");

	if (strncmp(a, "--kill-switch", 13) || (*v && *v != '='))
		return 0;
	if (!*v || !strcasecmp(v, "=on"))
		opts->kill_switch = CFG_KS_ON;
	else if (!strcasecmp(v, "=lockdown"))
		opts->kill_switch = CFG_KS_LOCKDOWN;
	else if (!strcasecmp(v, "=off"))
		return usage_error("--kill-switch=off: the option only raises the level; "
				   "'wgq killswitch off' opens a switch");
	else
		return usage_error("--kill-switch: '%s' is not on or lockdown", v + 1);
	return 1;
}

/* Options the command does not take. */
static int check_options(const struct command *cmd, const struct cmd_opts *opts)
{
	if (opts->dry_run && !cmd->dry_run)
		return usage_error("%s does not take --dry-run", cmd->name);
	if (opts->netns && !cmd->netns)
		return usage_error("%s does not take --netns", cmd->name);
	if (opts->no_dns && !cmd->no_dns)
		return usage_error("%s does not take --no-dns", cmd->name);
	if (opts->kill_switch && !cmd->kill_switch)
		return usage_error("%s does not take --kill-switch", cmd->name);
	if (opts->all)
		return usage_error("%s does not take --all", cmd->name);
	return 0;
}

/* killswitch on ARG, off ARG, off --all, status [ARG]. */
static int check_killswitch(const char **words, int n, struct cmd_opts *opts, const char **arg)
{
	const char *act = n >= 2 ? words[1] : NULL;

	if (!act)
		return usage_error("killswitch needs on, off or status");
	if (!streq(act, "on") && !streq(act, "off") && !streq(act, "status"))
		return usage_error("killswitch: unknown action '%s'", act);
	opts->action = act;
	*arg = n == 3 ? words[2] : NULL;
	if (opts->kill_switch || opts->no_dns)
		return usage_error("killswitch does not take %s",
				   opts->no_dns ? "--no-dns" : "--kill-switch");
	if (opts->all && !streq(act, "off"))
		return usage_error("killswitch %s does not take --all", act);
	if (opts->dry_run && streq(act, "status"))
		return usage_error("killswitch status does not take --dry-run");
	if (opts->all && n == 3)
		return usage_error("unexpected argument '%s'", words[2]);
	if (!streq(act, "status") && !opts->all && n == 2)
		return usage_error("killswitch %s needs a CONFIG_FILE or INTERFACE", act);
	return 0;
}

/* One option of a; 1 when it was one, 0 when not, or -EINVAL. */
static int parse_option(int argc, char **argv, int *i, struct cmd_opts *opts)
{
	const char *a = argv[*i];
	int o = parse_netns_option(argc, argv, i, opts);

	o = o ?: parse_kill_switch(a, opts);
	if (o != 0)
		return o;
	if (streq(a, "--dry-run"))
		opts->dry_run = true;
	else if (streq(a, "--all"))
		opts->all = true;
	else if (is_info_option(a) && (*i == 1 || a[0] == '-'))
		return usage_error("'%s' takes no other arguments", a);
	else if (a[0] == '-' && a[1])
		return usage_error("unknown option '%s'", a);
	else
		return 0;
	return 1;
}

/* The command and its argument from argv, or -EINVAL after saying what is wrong (nothing
 * for no arguments at all, where the usage alone is the answer). */
static int parse_args(int argc, char **argv, const struct command **cmd, const char **arg,
		      struct cmd_opts *opts)
{
	const char *words[3];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		int o = parse_option(argc, argv, &i, opts);

		if (o < 0)
			return o;
		if (o > 0)
			continue;
		if (n == 3)
			return usage_error("unexpected argument '%s'", argv[i]);
		words[n++] = argv[i];
	}
	if (n == 0)
		return opts->dry_run ? usage_error("missing command") : -EINVAL;
	*cmd = find_command(words[0]);
	if (!*cmd)
		return usage_error("unknown command '%s'", words[0]);
	if ((*cmd)->own_synopsis)
		return check_killswitch(words, n, opts, arg);
	if (n == 1)
		return usage_error("%s needs a CONFIG_FILE or INTERFACE", words[0]);
	if (n == 3)
		return usage_error("unexpected argument '%s'", words[2]);
	*arg = words[1];
	return check_options(*cmd, opts);
}

int main(int argc, char **argv)
{
	struct cmd_opts opts = { 0 };
	const struct command *cmd = NULL;
	const char *arg = NULL;

	log_init(argv[0]);
	if (argc == 2 &&
	    (streq(argv[1], "-h") || streq(argv[1], "--help") || streq(argv[1], "help"))) {
		usage();
		return EXIT_SUCCESS;
	}
	if (argc == 2 && streq(argv[1], "--version")) {
		printf("%s %s\n", log_prog(), VERSION);
		return EXIT_SUCCESS;
	}
	if (parse_args(argc, argv, &cmd, &arg, &opts) < 0) {
		usage();
		return EXIT_FAILURE;
	}
	if (getuid() != 0 && (cmd->root == ROOT_ALWAYS || !can_read(arg))) {
		exec_sudo(argv[0], argc, argv);
		return EXIT_FAILURE;
	}
	set_environment(argv[0]);
	if (lock_for(cmd, arg, opts.dry_run) < 0)
		return EXIT_FAILURE;
	return cmd->run(arg, &opts) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
