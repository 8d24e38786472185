// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// DNS for a named target namespace (killswitch-netns.md §5.5): wgq's own
// /etc/netns/NAME/resolv.conf and nsswitch.conf, never resolvconf or resolvectl.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "system/netns.h"
#include "base/plan.h"

#define NETNS_ETC_DIR "/etc/netns"

/* Names of the two files, in the order they are written. */
extern const char *const netns_dns_files[2];

/*
 * Before any change (killswitch-netns.md §5.3 step 4): nameservers with a PID or path target are
 * refused (FILE:LINE of the first DNS line); with a named one, an existing file without IF's marker
 * is refused; the nscd warning. 0 or -EINVAL (printed).
 */
int netns_dns_check(const struct netns_target *t, const struct cfg *cfg, const char *path,
		    const char *ifname);

/* Contents: resolv.conf from cfg; nsswitch.conf from the host's text (may be NULL).
 * malloc'd, NULL without memory. */
char *netns_dns_resolv_text(const struct cfg *cfg, const char *ifname);
char *netns_dns_nsswitch_text(const char *host, const char *ifname);

/* Write file i (0 resolv.conf, 1 nsswitch.conf) of /etc/netns/NAME atomically, mode
 * 0644, creating the directories; logs `[#] install -D …`, then plan_change(p) (nothing
 * written when p->dry_run). 0 or -errno (printed). */
int netns_dns_write(const char *name, size_t i, const struct cfg *cfg, const char *ifname,
		    struct plan *p);
/* reload: write each file whose text differs from what it should be, each with an
 * undo that puts the old text back (or removes the file it created). 0 or -errno. */
int netns_dns_sync(const char *name, const struct cfg *cfg, const char *ifname, struct plan *p);
/* Remove file i when it carries IF's marker ([#] rm -f FILE), then the directory
 * when empty ([#] rmdir DIR). Failures are printed and ignored. */
void netns_dns_remove_one(const char *name, size_t i, const char *ifname, bool dry_run);
/* down (killswitch-netns.md §5.7 step 5): both files with IF's marker in one [#] rm -f line, then
 * rmdir. With p (reload), a plan_change first (its failure is returned), and an undo per file that
 * writes it back. 0 or -errno. */
int netns_dns_remove(const char *name, const char *ifname, bool dry_run, struct plan *p);
