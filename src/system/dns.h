// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// DNS through resolvconf, or resolvectl when only systemd-resolved is there (spec
// behaviour.md §3.7, §4.1 step 7, §6 i).
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

enum dns_tool {
	DNS_TOOL_NONE,
	DNS_TOOL_RESOLVCONF,
	DNS_TOOL_RESOLVECTL,
};

/* Find resolvconf or resolvectl: in PATH, then in /usr/sbin, /sbin, /usr/bin and /bin.
 * true with its path in out. */
bool dns_which(const char *name, char *out, size_t size);
/* Which tool up would use: resolvconf in PATH, else resolvectl in PATH with resolved
 * running, else the same two in the standard directories, else none. */
enum dns_tool dns_choose(void);
/* behaviour.md §3.0 step 4, §6 i: the tool for cfg's nameservers (DNS_TOOL_NONE when it has none),
 * or the refusal of behaviour.md §3.7 printed (FILE:LINE of the first DNS line) and -ENOENT. */
int dns_check(const struct cfg *cfg, const char *path, enum dns_tool *tool);
/* The interface prefix ("tun." with Debian's interface-order), or "". */
void dns_prefix(char *out, size_t size);
/* The stdin text for `resolvconf -a`: nameserver lines, then one search line. */
char *dns_resolvconf_input(const struct cfg *cfg, size_t *len);
/* Configure DNS (logs its [#] lines; runs nothing with dry_run). 0 or -errno. */
int dns_up(enum dns_tool tool, const char *prefix, const char *ifname, const struct cfg *cfg,
	   bool dry_run);
/* `resolvconf -a PREFIXIF -m 0 -x` (logged) with this stdin text: reload puts back a
 * record it read. 0 or -errno; failures are printed. */
int dns_resolvconf_set(const char *prefix, const char *ifname, const char *input, size_t len,
		       bool dry_run);
/* `resolvconf -d PREFIXIF -f` (logged). 0 or -errno; failures are printed. */
int dns_down(const char *prefix, const char *ifname, bool dry_run);
/* Does resolvconf hold a record for PREFIXIF (openresolv or Debian resolvconf)? */
bool dns_record_exists(const char *prefix, const char *ifname);
/* The record's text (`resolvconf -l PREFIXIF`, else the record file); NULL when none. */
char *dns_record_read(const char *prefix, const char *ifname);
/* A record's text without its comment and blank lines: what resolvconf -a was given,
 * so that a record compares with dns_resolvconf_input(). malloc'd; NULL without memory. */
char *dns_record_normalize(const char *text);
