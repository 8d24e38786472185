// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kill switch as the verbs use it (killswitch-netns.md §2.4, §4): the effective
// level, the checks before any change, the logged install and removal.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "netlink/nl.h"

/* The effective level: the higher of the file's and the flag's (0: none). */
enum cfg_ks_level kst_level(const struct cfg *cfg, int flag);
/* killswitch-netns.md §2.4: a lockdown refuses host-name endpoints. warn_only (down): warnings.
 * -EINVAL. */
int kst_check_endpoints(const struct cfg *cfg, const char *path, enum cfg_ks_level level,
			bool warn_only);
/* up's and reload's first checks: *level the effective level, its warning for allows
 * (killswitch-netns.md §2.4) and the endpoints a lockdown refuses. 0 or -EINVAL (printed). */
int kst_prepare(const struct cfg *cfg, const char *path, int flag, enum cfg_ks_level *level);
/* killswitch-netns.md §2.4: the warning for allows while the effective level is off. */
void kst_warn_allows(const struct cfg *cfg, const char *path, enum cfg_ks_level level);
/* killswitch-netns.md §4.4: warn when SSH_CONNECTION names a client outside the allows. */
void kst_warn_ssh(const struct cfg *cfg, const char *ifname);
/* Is a wgq-killswitch table present in this namespace (opens *nft when NULL)? */
bool kst_engaged(struct nl_sock **nft);
/* The first free table from 51820 that no tun-* chain uses as its mark
 * (killswitch-netns.md §4.1). */
int kst_free_mark(struct nl_sock *rtnl, struct nl_sock **nft, uint32_t *mark);
/* Install or replace tun-IF (killswitch-netns.md §3.4), logging `[#] nft -f /dev/fd/63`. Prints
 * errors; an unverified result prints `kill switch for IF could not be verified`. */
int kst_install(struct nl_sock **nft, const char *ifname, const struct cfg *cfg,
		enum cfg_ks_level level, uint32_t mark, bool dry_run);
/* killswitch-netns.md §5.6: tun-IF in a target namespace, through a socket opened there (no mark
 * rule); logged as `[#] ip netns exec WHERE nft -f /dev/fd/63`. */
int kst_install_in(struct nl_sock **nft, const char *where, const char *ifname,
		   const struct cfg *cfg, enum cfg_ks_level level, bool dry_run);
/* killswitch-netns.md §5.6: H's part for a tunnel whose switch is in a target: only `meta mark N
 * accept`. */
int kst_install_mark_only(struct nl_sock **nft, const char *ifname, enum cfg_ks_level level,
			  uint32_t mark, bool dry_run);
/* reload (killswitch-netns.md §4.2): the same, but with skip_same nothing is sent (or logged) when
 * tun-IF already holds exactly these rules intact; mark_old is accepted beside mark. */
int kst_replace(struct nl_sock **nft, const char *ifname, const struct cfg *cfg,
		enum cfg_ks_level level, uint32_t mark, uint32_t mark_old, bool skip_same,
		bool dry_run);
/* Remove IF's part, logged when there is one. *removed (may be NULL). 0 or -errno. */
int kst_remove(struct nl_sock **nft, const char *ifname, bool dry_run, bool *removed);
/* The same in namespace where (NULL: here), for the log line. */
int kst_remove_in(struct nl_sock **nft, const char *where, const char *ifname, bool dry_run,
		  bool *removed);
/* The level recorded in tun-IF, CFG_KS_OFF when there is none. */
enum cfg_ks_level kst_installed_level(struct nl_sock **nft, const char *ifname);
/* killswitch-netns.md §4.2: the message after a failed or signalled up. */
void kst_left_in_place(const char *ifname, enum cfg_ks_level level);
