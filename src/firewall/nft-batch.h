// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Writing an nf_tables batch (BEGIN, messages, END) into a caller's buffer, for both of
// wgq's tables (the wg-quick-IF tables, firewall/nft.c; the kill switch's,
// firewall/killswitch.c). The caller sends it with nl_talk_batch.
#pragma once

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink/nl.h"

/* A batch being written into buf (size bytes, len used). Seqs come from
 * nl_next_seq(sock), or count from 1 when sock is NULL (tests). */
struct nft_batch {
	char *buf;
	size_t size;
	size_t len;
	struct nl_sock *sock;
	uint32_t seq;
};

/* One message: type (NFT_MSG_*), family (NFPROTO_*), flags besides NLM_F_ACK (always
 * set), and the one object whose attributes it carries. */
struct nft_msg {
	uint16_t type;
	uint16_t family;
	uint16_t flags;
	const struct nftnl_table *table;
	const struct nftnl_chain *chain;
	struct nftnl_rule *rule;
};

/* Each appends one message: 0, -ENOMEM or -EMSGSIZE (it does not fit; the batch is
 * unchanged). */
int nft_batch_begin(struct nft_batch *b);
int nft_batch_end(struct nft_batch *b);
int nft_batch_put(struct nft_batch *b, const struct nft_msg *msg);
/* NEWTABLE as `nft add table` sends it (NLM_F_CREATE, no EXCL, flags 0), or DELTABLE:
 * the table name of family. */
int nft_batch_table(struct nft_batch *b, uint16_t type, uint16_t family, const char *name);
