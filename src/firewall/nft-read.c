// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "firewall/nft-read.h"

#include <errno.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "base/macro.h"

/* A request: the header and nfgenmsg, and a table's name for the GETTABLE. */
#define NFT_REQ_MAX 256

union req_buf {
	char data[NFT_REQ_MAX];
	struct nlmsghdr nlh;
};

/* The callback of one dump, by the kind of object. */
union read_fn {
	nft_table_fn table;
	nft_chain_fn chain;
	nft_rule_fn rule;
};

enum read_kind { READ_TABLE, READ_CHAIN, READ_RULE };

/* Its GET request and the NEW messages that answer it, by kind. */
static const uint16_t get_type[] = {
	[READ_TABLE] = NFT_MSG_GETTABLE,
	[READ_CHAIN] = NFT_MSG_GETCHAIN,
	[READ_RULE] = NFT_MSG_GETRULE,
};
static const uint16_t reply_type[] = {
	[READ_TABLE] = NFT_MSG_NEWTABLE,
	[READ_CHAIN] = NFT_MSG_NEWCHAIN,
	[READ_RULE] = NFT_MSG_NEWRULE,
};

union read_obj {
	struct nftnl_table *t;
	struct nftnl_chain *c;
	struct nftnl_rule *r;
};

struct read_state {
	enum read_kind kind;
	const struct nft_read *rd;
	union read_fn fn;
	int err; /* the first error; nothing more is handed on after it */
};

/* 0, -ENOMEM or -EBADMSG; o to be freed with obj_free in any case. */
static int obj_parse(enum read_kind kind, const struct nlmsghdr *nlh, union read_obj *o)
{
	switch (kind) {
	case READ_TABLE:
		if (!(o->t = nftnl_table_alloc()))
			return -ENOMEM;
		return nftnl_table_nlmsg_parse(nlh, o->t) < 0 ||
				       !nftnl_table_is_set(o->t, NFTNL_TABLE_NAME)
			       ? -EBADMSG
			       : 0;
	case READ_CHAIN:
		if (!(o->c = nftnl_chain_alloc()))
			return -ENOMEM;
		return nftnl_chain_nlmsg_parse(nlh, o->c) < 0 ? -EBADMSG : 0;
	case READ_RULE:
		if (!(o->r = nftnl_rule_alloc()))
			return -ENOMEM;
		return nftnl_rule_nlmsg_parse(nlh, o->r) < 0 ? -EBADMSG : 0;
	}
	return -EINVAL;
}

static bool wanted(const struct read_state *st, const char *table)
{
	return !st->rd->table || streq(table ?: "", st->rd->table);
}

/* Hand o to the callback when it belongs to the table asked for. */
static int obj_hand(struct read_state *st, union read_obj *o)
{
	void *data = st->rd->data;

	switch (st->kind) {
	case READ_TABLE:
		return wanted(st, nftnl_table_get_str(o->t, NFTNL_TABLE_NAME))
			       ? st->fn.table(o->t, data)
			       : 0;
	case READ_CHAIN:
		return wanted(st, nftnl_chain_get_str(o->c, NFTNL_CHAIN_TABLE))
			       ? st->fn.chain(o->c, data)
			       : 0;
	case READ_RULE:
		return wanted(st, nftnl_rule_get_str(o->r, NFTNL_RULE_TABLE))
			       ? st->fn.rule(o->r, data)
			       : 0;
	}
	return -EINVAL;
}

static void obj_free(enum read_kind kind, union read_obj *o)
{
	if (kind == READ_TABLE && o->t)
		nftnl_table_free(o->t);
	else if (kind == READ_CHAIN && o->c)
		nftnl_chain_free(o->c);
	else if (kind == READ_RULE && o->r)
		nftnl_rule_free(o->r);
}

static void read_reset(void *data)
{
	struct read_state *st = data;

	st->err = 0;
	st->rd->reset(st->rd->data);
}

static int read_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_state *st = data;
	union read_obj o = { 0 };

	if (st->err || NFNL_MSG_TYPE(nlh->nlmsg_type) != reply_type[st->kind])
		return MNL_CB_OK;
	st->err = obj_parse(st->kind, nlh, &o) ?: obj_hand(st, &o);
	obj_free(st->kind, &o);
	/* Keep reading to the end of the dump so the socket stays in step. */
	return MNL_CB_OK;
}

static int read_dump(struct nl_sock *s, const struct nft_read *rd, enum read_kind kind,
		     union read_fn fn)
{
	struct read_state st = { .kind = kind, .rd = rd, .fn = fn };
	union req_buf m = { 0 };
	struct nlmsghdr *nlh =
		nftnl_nlmsg_build_hdr(m.data, get_type[kind], rd->family, NLM_F_DUMP, 0);
	int err = nl_dump(s, nlh, read_cb, rd->reset ? read_reset : NULL, &st);

	return err ?: st.err;
}

int nft_read_tables(struct nl_sock *s, const struct nft_read *rd, nft_table_fn fn)
{
	return read_dump(s, rd, READ_TABLE, (union read_fn){ .table = fn });
}

int nft_read_chains(struct nl_sock *s, const struct nft_read *rd, nft_chain_fn fn)
{
	return read_dump(s, rd, READ_CHAIN, (union read_fn){ .chain = fn });
}

int nft_read_rules(struct nl_sock *s, const struct nft_read *rd, nft_rule_fn fn)
{
	return read_dump(s, rd, READ_RULE, (union read_fn){ .rule = fn });
}

int nft_read_table_exists(struct nl_sock *s, uint16_t family, const char *table)
{
	union req_buf m = { 0 };
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(m.data, NFT_MSG_GETTABLE, family, 0, 0);

	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return nl_talk(s, nlh, NULL, NULL);
}
