// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The config parser's private state and the helpers its files share (config.c: the core;
// keys-wgquick.c, keys-device.c: the keys; address.c: Address and KillSwitchAllow
// entries). Internal to src/config/: no other folder includes it.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "base/macro.h"

enum cfg_section {
	SEC_NONE,
	SEC_INTERFACE,
	SEC_PEER,
	SEC_SKIP, /* lenient mode, after a bad header: ignore lines up to the next one */
};

struct cfg_warning {
	unsigned line;
	char *msg;
};

struct cfg_peer_key {
	unsigned line; /* of the PublicKey; 0 for none yet */
	uint32_t hash; /* of the key, once the section is over */
};

struct cfg_parser {
	struct cfg *cfg;
	const char *const *rt_dirs;
	bool lenient;
	bool failed;
	unsigned line; /* the line being fed */

	enum cfg_section sect; /* the section as wg(8) sees it */
	bool wgq_iface;	       /* wg-quick's own test: the header is exactly [Interface] */
	bool seen_iface;
	struct cfg_peer_key *keys; /* per peer */
	size_t cap_keys;
	size_t peer_entries, peer_plain; /* AllowedIPs entries of this peer; without +/- */

	char *buf; /* scratch copies of the line being parsed */
	size_t cap_buf;
	size_t cap_stripped, cap_addresses, cap_servers, cap_search, cap_ks_allows;
	size_t stripped_hint; /* room for the kept lines at first: the file's size if known */
	size_t cap_hooks[CFG_HOOK_KINDS];

	char *err;
	unsigned err_line;
	struct cfg_warning *warnings;
	size_t n_warnings, cap_warnings, next_warning;
};

/* One line taken apart (behaviour.md §2.4). All strings live in the parser's scratch buffer. */
struct cfg_line {
	const char *text; /* trimmed of spaces and tabs only: what strip prints */
	size_t len;
	size_t eq; /* offset of the first '=' before any '#' in text (with value) */
	char *key; /* before the first '=' of the text cut at '#', trimmed */
	size_t key_len;
	char *value; /* after that '=', trimmed; NULL when there is none */
	char *dkey;  /* key and value with all whitespace removed, as wg reads them */
	size_t dkey_len;
	char *dvalue;
};

/* A string literal and its length, for cfgp_name_is() and the key tables. */
#define NAME_LEN(s) s, sizeof(s) - 1

struct cfg_own_key {
	const char *name;
	size_t len;
	int (*parse)(struct cfg_parser *p, const struct cfg_own_key *k, const struct cfg_line *l);
	enum cfg_hook_kind hook;
};

struct cfg_dev_key {
	const char *name;
	size_t len;
	enum cfg_section sect;
	int (*parse)(struct cfg_parser *p, const struct cfg_dev_key *k, char *value);
};

/* Text (config.c) */

/* The part of s[0..n) without leading and trailing whitespace: its start, and its
 * length in *n. */
const char *cfgp_trim_range(const char *s, size_t *n);
/* s[0..n) is name in any case, as strcasecmp compares in the C locale. */
bool cfgp_name_is(const char *s, size_t n, const char *name, size_t name_len);
/* The array grown to hold n + 1 elements, or NULL (arr untouched) without memory. */
void *cfgp_grow_array(void *arr, size_t *cap, size_t n, size_t size);

/* Errors (config.c) */

/* An error; in lenient mode (down, behaviour.md §2.11) only a warning, and parsing goes on. */
_printf_format_(3, 4) int cfgp_fail(struct cfg_parser *p, unsigned line, const char *fmt, ...);
/* An error in one of wgq's own [Interface] keys: fatal even in lenient mode. */
_printf_format_(2, 3) int cfgp_fail_own(struct cfg_parser *p, const char *fmt, ...);

/* wg-quick's own [Interface] keys (keys-wgquick.c): the entry of key, or NULL. */
const struct cfg_own_key *cfgp_find_own_key(const char *key, size_t len);

/* The keys that go to the device (keys-device.c) */

/* The entry of key, or NULL. */
const struct cfg_dev_key *cfgp_find_dev_key(const char *key, size_t len);
/* The peer whose section is being parsed. */
struct wg_peer *cfgp_cur_peer(struct cfg_parser *p);

/* Entries of Address and KillSwitchAllow (address.c); entry is the word as written. */
int cfgp_add_address(struct cfg_parser *p, char *entry);
int cfgp_add_ks_allow(struct cfg_parser *p, char *entry);
