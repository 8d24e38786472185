// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The config parser (behaviour.md §2): streaming, no I/O. Feed it lines, then finish.
// The result is a plain model that every later module consumes.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wg/model.h"

enum cfg_hook_kind {
	CFG_PRE_UP,
	CFG_POST_UP,
	CFG_PRE_DOWN,
	CFG_POST_DOWN,
	CFG_HOOK_KINDS,
};

enum cfg_table_mode {
	CFG_TABLE_AUTO, /* unset, empty or "auto" */
	CFG_TABLE_OFF,
	CFG_TABLE_ID, /* a number or a name from rt_tables */
};

/* KillSwitch (killswitch-netns.md §2.1), in increasing strength. */
enum cfg_ks_level {
	CFG_KS_OFF,
	CFG_KS_ON,
	CFG_KS_LOCKDOWN,
};

struct cfg_address {
	char *text; /* as written, for log lines */
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t prefixlen; /* 32/128 when the entry had none */
	unsigned line;
};

struct cfg_hook {
	char *text; /* unstripped value, %i not yet expanded */
	unsigned line;
};

/* One entry of a string list with the line it came from. */
struct cfg_item {
	char *text;
	unsigned line;
};

struct cfg {
	/* wgq's own [Interface] keys (behaviour.md §2.6) */
	struct cfg_address *addresses;
	size_t n_addresses;
	struct cfg_item *dns_servers; /* nameservers, config order */
	size_t n_dns_servers;
	struct cfg_item *dns_search; /* search domains, config order */
	size_t n_dns_search;
	uint32_t mtu; /* 0: automatic */
	unsigned mtu_line;
	enum cfg_table_mode table_mode;
	uint32_t table;	  /* with CFG_TABLE_ID */
	char *table_text; /* as written, NULL when Table was not set (or empty) */
	unsigned table_line;
	bool save_config;
	bool has_save_config; /* a SaveConfig line was seen */
	char *netns;	      /* Namespace = NAME (killswitch-netns.md §2.1), NULL when unset */
	unsigned netns_line;
	struct cfg_hook *hooks[CFG_HOOK_KINDS];
	size_t n_hooks[CFG_HOOK_KINDS];
	enum cfg_ks_level kill_switch;
	unsigned kill_switch_line;     /* 0: no KillSwitch line */
	struct cfg_address *ks_allows; /* KillSwitchAllow prefixes, config order */
	size_t n_ks_allows;

	/* The device part (behaviour.md §2.8). */
	struct wg_device dev;
	bool has_fwmark_line; /* the config had a FwMark line (save keeps it, behaviour.md §6 h) */

	/* The kept lines (behaviour.md §2.7), each followed by '\n': exactly what strip prints
	 * before its final extra newline. */
	char *stripped;
	size_t stripped_len;
};

/* Where rt_tables files are read from; tests point it elsewhere. NULL: the default. */
struct cfg_options {
	const char *const *rt_tables_dirs; /* NULL-terminated, default /etc/iproute2,
					      /usr/share/iproute2 */
	bool lenient; /* down: only wgq's own keys are fatal (behaviour.md §2.11) */
};

struct cfg_parser;

/* Allocate a parser filling cfg (which must be zeroed by the caller). */
int cfg_parser_new(struct cfg_parser **out, struct cfg *cfg, const struct cfg_options *opts);
/*
 * Feed one line (without its '\n'; may contain '\r'; len bytes, may contain NUL).
 * Returns 0, or -EINVAL with an error available through cfg_parser_error(), or
 * -ENOMEM. lineno counts from 1.
 */
int cfg_parser_feed(struct cfg_parser *p, unsigned lineno, const char *line, size_t len);
/* Feed a whole file's bytes line by line, numbered from 1, as wg-quick reads them
 * (behaviour.md §2.3): a last line without '\n' counts unless it is only spaces and tabs. Does not
 * call cfg_parser_finish. Returns as cfg_parser_feed. */
int cfg_parser_feed_buffer(struct cfg_parser *p, const char *buf, size_t len);
/* Whole-file checks (a peer without PublicKey, duplicates). 0 or -EINVAL/-ENOMEM. */
int cfg_parser_finish(struct cfg_parser *p);
/* The last error: its line and message (never containing a key). */
unsigned cfg_parser_error_line(const struct cfg_parser *p);
const char *cfg_parser_error(const struct cfg_parser *p);
/* In lenient mode: warnings collected for non-fatal errors, one per call, NULL at end. */
const char *cfg_parser_next_warning(struct cfg_parser *p, unsigned *line);
void cfg_parser_free(struct cfg_parser *p);

/* Free everything cfg owns (wipes keys). */
void cfg_clear(struct cfg *cfg);
