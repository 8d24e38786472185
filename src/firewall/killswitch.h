// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kill switch's nf_tables table `inet wgq-killswitch` (killswitch-netns.md §3): one
// table per network namespace, base chains `output` and `forward`, one `tun-IF` chain
// per tunnel. Everything takes an explicit context, so a caller may pass a socket
// opened in another namespace and no mark.
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "netlink/nl.h"

#define KS_TABLE "wgq-killswitch"
/* A chain name: "tun-" and an interface name, or a base chain. */
#define KS_NAME_MAX 32

/* A destination prefix (an allow, or a nameserver as a host prefix). */
struct ks_prefix {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t len;
};

/* What one tunnel's chain holds (killswitch-netns.md §3.3). */
struct ks_params {
	const char *ifname;
	enum cfg_ks_level level; /* CFG_KS_ON or CFG_KS_LOCKDOWN */
	uint32_t mark;		 /* 0: no mark rule */
	uint32_t mark_old;	 /* reload: accepted beside mark until the device has it */
	const struct ks_prefix *allows;
	size_t n_allows;
	const struct ks_prefix *dns; /* all nameservers; those inside an allow get rules */
	size_t n_dns;
	bool empty; /* no rules at all (a broken config, killswitch-netns.md §2.3) */
	/* Only `meta mark N accept`: H's part for a target (killswitch-netns.md §5.6). */
	bool mark_only;
};

/* A chain of the table as read back. */
struct ks_chain {
	char name[KS_NAME_MAX];
	bool base;
	uint32_t hook;
	uint32_t policy;
	enum cfg_ks_level level; /* tun-*: from the comment (CFG_KS_OFF: unknown) */
};

/* A rule as read back: enough to compare it and to report on it. */
struct ks_rule {
	char chain[KS_NAME_MAX];
	uint64_t handle;
	char *sig;		/* its expressions as text, counters left out */
	char jump[KS_NAME_MAX]; /* the target when the rule is only `jump X` */
	uint64_t packets;	/* of its counter */
	uint32_t mark;		/* `meta mark N accept` */
	bool is_mark;
	struct ks_prefix allow; /* `ip daddr P accept` */
	bool is_allow;
};

/* The table as read back. */
struct ks_state {
	bool table;
	struct ks_chain *chains;
	size_t n_chains;
	struct ks_rule *rules;
	size_t n_rules;
};

/* Read the table (absent: st->table false). 0 or -errno. */
int ks_read(struct nl_sock *s, struct ks_state *st);
void ks_state_clear(struct ks_state *st);
/* The chain tun-IF in st, or NULL. */
const struct ks_chain *ks_find(const struct ks_state *st, const char *ifname);
/* Does tun-IF in st hold exactly p's rules and level? */
bool ks_tun_matches(const struct ks_state *st, const struct ks_params *p);
/* Counters of the rejects: output (all), output tcp/53, forward. */
void ks_counters(const struct ks_state *st, uint64_t out[3]);
/* Intact (killswitch-netns.md §2.3) for ifname: table, base chains, tun-IF, one jump in each. */
bool ks_intact(const struct ks_state *st, const char *ifname);

/* Build the install-or-replace batch for p against the current state st into buf.
 * Seqs from nl_next_seq(s), or from 1 when s is NULL. Length, or -errno. */
int ks_build_install(void *buf, size_t size, struct nl_sock *s, const struct ks_state *st,
		     const struct ks_params *p);
/* Read, build, send one batch, read again and verify tun-IF holds exactly p's rules.
 * -EPROTO when the check fails. 0 or -errno. */
int ks_install(struct nl_sock *s, const struct ks_params *p);
/* Remove ifname's part (killswitch-netns.md §3.4): DELTABLE when it is the only tunnel. *removed
 * tells whether there was one. 0 or -errno; ENOENT counts as removed. */
int ks_remove(struct nl_sock *s, const char *ifname, bool *removed);
/* Delete the whole table (off --all); absent is fine. */
int ks_remove_all(struct nl_sock *s);
/* The marks of every tun-* chain (for the fwmark search, killswitch-netns.md §4.1). *marks is
 * malloc'd. */
int ks_marks(struct nl_sock *s, uint32_t **marks, size_t *n);

/* Print the table as `nft list` would show it with p installed on st (killswitch-netns.md §3.2
 * form). */
void ks_print(FILE *f, const struct ks_state *st, const struct ks_params *p);

/* Params from a config: allows and nameservers into caller arrays (n_allows +
 * n_dns_servers entries). */
int ks_params_from_cfg(const struct cfg *cfg, struct ks_prefix *allows, struct ks_prefix *dns,
		       struct ks_params *p);
const char *ks_level_name(enum cfg_ks_level level);
/* The prefix length of one address of family: 32 or 128. */
uint8_t ks_host_len(int family);
