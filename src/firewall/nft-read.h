// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Reading nf_tables objects back from the kernel, for both of wgq's tables (the
// wg-quick-IF tables, firewall/nft.c; the kill switch's, firewall/killswitch-read.c):
// one dump of the tables, chains or rules of a family, each object parsed with
// libnftnl and handed to a callback; and the one-table GETTABLE.
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <stdint.h>

#include "netlink/nl.h"

/* A callback gets each object of the dump that belongs to the table asked for, and
 * must not keep it. 0, or -errno: the dump is then read to its end (so the socket
 * stays in step), the callback is not called again, and the dump returns that. */
typedef int (*nft_table_fn)(struct nftnl_table *t, void *data);
typedef int (*nft_chain_fn)(struct nftnl_chain *c, void *data);
typedef int (*nft_rule_fn)(struct nftnl_rule *r, void *data);

/* What one dump reads: family (NFPROTO_*), table (NULL: every table), and what the
 * callback gets. reset (may be NULL) runs before the dump is repeated after
 * NLM_F_DUMP_INTR, as for nl_dump. */
struct nft_read {
	uint16_t family;
	const char *table;
	void (*reset)(void *data);
	void *data;
};

/* Dump the tables, chains or rules. 0, the callback's -errno, -ENOMEM, -EBADMSG (a
 * message libnftnl cannot parse, or a table without a name) or the kernel's -errno. */
int nft_read_tables(struct nl_sock *s, const struct nft_read *rd, nft_table_fn fn);
int nft_read_chains(struct nl_sock *s, const struct nft_read *rd, nft_chain_fn fn);
int nft_read_rules(struct nl_sock *s, const struct nft_read *rd, nft_rule_fn fn);

/* Does the table exist (a plain GETTABLE, no dump)? 0, -ENOENT or -errno. */
int nft_read_table_exists(struct nl_sock *s, uint16_t family, const char *table);
