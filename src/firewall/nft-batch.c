// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "firewall/nft-batch.h"

#include <errno.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>

/* Every message is first built in a scratch buffer of this size, because libnftnl puts
 * attributes without bounds checks. The longest, a kill-switch rule, has at most about
 * 20 expressions of < 64 bytes each; names are bounded by IFNAMSIZ and addresses by 16
 * bytes. */
#define NFT_SCRATCH_MAX 2048

/* Scratch space for one message, aligned for struct nlmsghdr. Declare it zeroed
 * (`= {0}` clears all of data): libmnl 1.0.4 does not clear attribute padding, and
 * stack garbage must not go to the kernel. */
union msg_buf {
	char data[NFT_SCRATCH_MAX];
	struct nlmsghdr nlh;
};

static uint32_t batch_seq(struct nft_batch *b)
{
	if (b->sock)
		return nl_next_seq(b->sock);
	return ++b->seq;
}

static int batch_append(struct nft_batch *b, const struct nlmsghdr *nlh)
{
	return nl_batch_put(b->buf, b->size, &b->len, nlh);
}

int nft_batch_begin(struct nft_batch *b)
{
	union msg_buf m = { 0 };

	return batch_append(b, nftnl_batch_begin(m.data, batch_seq(b)));
}

int nft_batch_end(struct nft_batch *b)
{
	union msg_buf m = { 0 };

	return batch_append(b, nftnl_batch_end(m.data, batch_seq(b)));
}

int nft_batch_put(struct nft_batch *b, const struct nft_msg *msg)
{
	union msg_buf m = { 0 };
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(m.data, msg->type, msg->family,
						     msg->flags | NLM_F_ACK, batch_seq(b));

	if (msg->table)
		nftnl_table_nlmsg_build_payload(nlh, msg->table);
	else if (msg->chain)
		nftnl_chain_nlmsg_build_payload(nlh, msg->chain);
	else if (msg->rule)
		nftnl_rule_nlmsg_build_payload(nlh, msg->rule);
	return batch_append(b, nlh);
}

int nft_batch_table(struct nft_batch *b, uint16_t type, uint16_t family, const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nft_msg msg = { .type = type, .family = family, .table = t };
	int err;

	if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0) {
		err = -ENOMEM;
		goto out;
	}
	if (type == NFT_MSG_NEWTABLE) {
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
		msg.flags = NLM_F_CREATE;
	}
	err = nft_batch_put(b, &msg);
out:
	if (t)
		nftnl_table_free(t);
	return err;
}
