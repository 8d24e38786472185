// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `strip` (behaviour.md §4.3): the config without wgq's own keys, byte for byte what
// wg-quick prints, for `wg syncconf IF <(wgq strip IF)`.

#include "config/file.h"
#include "config/config.h"
#include "base/log.h"
#include "base/macro.h"
#include "cli/commands.h"

int cmd_strip(const char *arg, const struct cmd_opts *opts _unused_)
{
	_cleanup_(cfg_file_clear) struct cfg_file file = { 0 };
	_cleanup_(cfg_clear) struct cfg cfg = { 0 };
	int r;

	r = cfg_load(arg, 0, &file, &cfg);
	if (r < 0)
		return r;
	errno = 0;
	/* wg-quick's `echo "$WG_CONFIG"`: the kept lines, then one more newline. */
	fwrite(cfg.stripped, 1, cfg.stripped_len, stdout);
	fputc('\n', stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		r = errno ? -errno : -EIO;
		log_error("Unable to write the configuration: %s", strerror(-r));
		return r;
	}
	return 0;
}
