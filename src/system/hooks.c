// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "system/hooks.h"

#include "base/log.h"
#include "base/macro.h"
#include "system/spawn.h"

const char *hook_kind_name(enum cfg_hook_kind kind)
{
	switch (kind) {
	case CFG_PRE_UP:
		return "PreUp";
	case CFG_POST_UP:
		return "PostUp";
	case CFG_PRE_DOWN:
		return "PreDown";
	case CFG_POST_DOWN:
		return "PostDown";
	case CFG_HOOK_KINDS:
		break;
	}
	return "?";
}

char *hook_expand(const char *text, const char *ifname)
{
	size_t n = 0, ilen = strlen(ifname);

	for (const char *p = text; (p = strstr(p, "%i")); p += 2)
		n++;
	char *out = malloc(strlen(text) + n * ilen + 1);

	if (!out)
		return NULL;
	char *o = out;

	for (const char *p = text; *p;) {
		if (p[0] == '%' && p[1] == 'i') {
			memcpy(o, ifname, ilen);
			o += ilen;
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static int run_one(enum cfg_hook_kind kind, const char *script)
{
	/* wg-quick runs hooks in a subshell of itself, which has errexit, pipefail and
	 * extglob on: the same options make `false; echo after` fail here too. */
	char *argv[] = {
		"bash", "-e", "-o", "pipefail", "-O", "extglob", "-c", (char *)script, NULL
	};
	struct spawn_result res;
	int r = spawn_run(argv, NULL, 0, &res);

	if (r < 0) {
		log_error("%s hook failed: bash: %s", hook_kind_name(kind), strerror(-r));
		return r;
	}
	if (res.signal) {
		log_error("%s hook was killed by signal %s", hook_kind_name(kind),
			  spawn_signame(res.signal));
		return -ECHILD;
	}
	if (res.status) {
		log_error("%s hook failed with exit status %d", hook_kind_name(kind), res.status);
		return -ECHILD;
	}
	return 0;
}

int hook_run_all(const struct cfg *cfg, enum cfg_hook_kind kind, const char *ifname, bool dry_run)
{
	for (size_t i = 0; i < cfg->n_hooks[kind]; i++) {
		_cleanup_free_ char *script = hook_expand(cfg->hooks[kind][i].text, ifname);

		if (!script)
			return -ENOMEM;
		log_cmd("%s", script);
		if (dry_run)
			continue;
		int r = run_one(kind, script);

		if (r < 0)
			return r;
	}
	return 0;
}
