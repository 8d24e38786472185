// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The nf_tables batches of nft.c, built in memory and parsed back with libnftnl
// (behaviour.md §3.9 step 5, §4.1 step 8, §7.4). No socket, no root.

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "base/macro.h"
#include "firewall/nft.h"

#define BUF_SIZE  (64 * 1024)
#define MAX_MSGS  64
#define TYPE(msg) ((NFNL_SUBSYS_NFTABLES << 8) | (msg))
#define F_CMD	  (NLM_F_REQUEST | NLM_F_ACK)

struct batch {
	const struct nlmsghdr *msg[MAX_MSGS];
	size_t n;
};

/* Split a batch into its messages; they must fill len exactly. */
static void split(const void *buf, int len, struct batch *b)
{
	const struct nlmsghdr *nlh = buf;
	int left = len;

	assert_true(len > 0);
	b->n = 0;
	while (mnl_nlmsg_ok(nlh, left)) {
		assert_true(b->n < MAX_MSGS);
		b->msg[b->n++] = nlh;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	assert_int_equal(left, 0);
}

/* Seqs count from 1 when no socket is given: unique and in message order. */
static void check_seqs(const struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		assert_int_equal(b->msg[i]->nlmsg_seq, i + 1);
		assert_int_equal(b->msg[i]->nlmsg_pid, 0);
	}
}

static void check_nfgen(const struct nlmsghdr *nlh, int family, uint16_t res_id)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	assert_true(mnl_nlmsg_get_payload_len(nlh) >= sizeof(*g));
	assert_int_equal(g->nfgen_family, family);
	assert_int_equal(g->version, NFNETLINK_V0);
	assert_int_equal(ntohs(g->res_id), res_id);
}

static void check_batch_marker(const struct nlmsghdr *nlh, uint16_t type)
{
	assert_int_equal(nlh->nlmsg_type, type);
	/* No NLM_F_ACK: older kernels never ack BEGIN/END, so nobody would read it. */
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(struct nfgenmsg));
	check_nfgen(nlh, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
}

static void check_table(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags, int family,
			const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();

	assert_non_null(t);
	assert_int_equal(nlh->nlmsg_type, TYPE(type));
	assert_int_equal(nlh->nlmsg_flags, flags);
	check_nfgen(nlh, family, 0);
	assert_int_equal(nftnl_table_nlmsg_parse(nlh, t), 0);
	assert_string_equal(nftnl_table_get_str(t, NFTNL_TABLE_NAME), name);
	assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), family);
	/* NEWTABLE sends flags 0 as nft does; DELTABLE only the name. */
	assert_int_equal(nftnl_table_is_set(t, NFTNL_TABLE_FLAGS), type == NFT_MSG_NEWTABLE);
	if (type == NFT_MSG_NEWTABLE)
		assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS), 0);
	assert_false(nftnl_table_is_set(t, NFTNL_TABLE_USE));
	assert_false(nftnl_table_is_set(t, NFTNL_TABLE_HANDLE));
	assert_false(nftnl_table_is_set(t, NFTNL_TABLE_USERDATA));
	assert_false(nftnl_table_is_set(t, NFTNL_TABLE_OWNER));
	nftnl_table_free(t);
}

struct exp_chain {
	const char *name;
	uint32_t hook;
	int32_t prio;
};

/* In the order of wg-quick's text (behaviour.md §3.9 step 5). */
static const struct exp_chain exp_chains[] = {
	{ "preraw", NF_INET_PRE_ROUTING, -300 },
	{ "premangle", NF_INET_PRE_ROUTING, -150 },
	{ "postmangle", NF_INET_POST_ROUTING, -150 },
};

static void check_chain(const struct nlmsghdr *nlh, int family, const char *table,
			const struct exp_chain *x)
{
	static const uint16_t unset[] = {
		NFTNL_CHAIN_POLICY, NFTNL_CHAIN_USE,	  NFTNL_CHAIN_BYTES,   NFTNL_CHAIN_PACKETS,
		NFTNL_CHAIN_HANDLE, NFTNL_CHAIN_DEV,	  NFTNL_CHAIN_DEVICES, NFTNL_CHAIN_FLAGS,
		NFTNL_CHAIN_ID,	    NFTNL_CHAIN_USERDATA,
	};
	struct nftnl_chain *c = nftnl_chain_alloc();

	assert_non_null(c);
	assert_int_equal(nlh->nlmsg_type, TYPE(NFT_MSG_NEWCHAIN));
	assert_int_equal(nlh->nlmsg_flags, F_CMD | NLM_F_CREATE);
	check_nfgen(nlh, family, 0);
	assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY), family);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), table);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), x->name);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter");
	assert_true(nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM));
	assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), x->hook);
	assert_true(nftnl_chain_is_set(c, NFTNL_CHAIN_PRIO));
	assert_int_equal(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), x->prio);
	for (size_t i = 0; i < ARRAY_SIZE(unset); i++)
		assert_false(nftnl_chain_is_set(c, unset[i]));
	nftnl_chain_free(c);
}

/* One expression: its name, every u32 attribute it must carry, and at most one data
 * attribute. Any other attribute must be absent. */
struct exp_expr {
	const char *name;
	struct {
		uint16_t type; /* 0 ends the list */
		uint32_t val;
	} u32[4];
	uint16_t data_type; /* 0: none */
	const void *data;
	uint32_t data_len;
};

#define META_LOAD(key)                                                                             \
	{                                                                                          \
		.name = "meta",                                                                    \
		.u32 = { { NFTNL_EXPR_META_KEY, key },                                             \
			 { NFTNL_EXPR_META_DREG, 1 } }                                             \
	}
#define META_SET(key)                                                                              \
	{                                                                                          \
		.name = "meta",                                                                    \
		.u32 = { { NFTNL_EXPR_META_KEY, key },                                             \
			 { NFTNL_EXPR_META_SREG, 1 } }                                             \
	}
#define CT_LOAD(key)                                                                               \
	{                                                                                          \
		.name = "ct", .u32 = { { NFTNL_EXPR_CT_KEY, key }, { NFTNL_EXPR_CT_DREG, 1 } }     \
	}
#define CT_SET(key)                                                                                \
	{                                                                                          \
		.name = "ct", .u32 = { { NFTNL_EXPR_CT_KEY, key }, { NFTNL_EXPR_CT_SREG, 1 } }     \
	}
#define CMP(op, d, len)                                                                            \
	{                                                                                          \
		.name = "cmp", .u32 = { { NFTNL_EXPR_CMP_SREG, 1 }, { NFTNL_EXPR_CMP_OP, op } },   \
		.data_type = NFTNL_EXPR_CMP_DATA, .data = d, .data_len = len                       \
	}

static const uint8_t udp_proto[] = { 17 };
static const uint32_t rtn_local = 2; /* host order, as nft writes it */

static const struct exp_expr *find_u32(const struct exp_expr *x, uint16_t type, uint32_t *val)
{
	for (size_t i = 0; i < ARRAY_SIZE(x->u32) && x->u32[i].type; i++) {
		if (x->u32[i].type == type) {
			*val = x->u32[i].val;
			return x;
		}
	}
	return NULL;
}

static void check_expr(const struct nftnl_expr *e, const struct exp_expr *x)
{
	assert_string_equal(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), x->name);
	/* Every attribute type any of these expressions knows lies below 16. */
	for (uint16_t t = NFTNL_EXPR_BASE; t < 16; t++) {
		uint32_t val, len = 0;

		if (find_u32(x, t, &val)) {
			assert_true(nftnl_expr_is_set(e, t));
			assert_int_equal(nftnl_expr_get_u32(e, t), val);
		} else if (x->data_type && t == x->data_type) {
			const void *d = nftnl_expr_get(e, t, &len);

			assert_non_null(d);
			assert_int_equal(len, x->data_len);
			assert_memory_equal(d, x->data, len);
		} else {
			assert_false(nftnl_expr_is_set(e, t));
		}
	}
}

static void check_rule(const struct nlmsghdr *nlh, int family, const char *table, const char *chain,
		       const struct exp_expr *x, size_t n)
{
	static const uint16_t unset[] = {
		NFTNL_RULE_HANDLE,	NFTNL_RULE_COMPAT_PROTO, NFTNL_RULE_COMPAT_FLAGS,
		NFTNL_RULE_POSITION,	NFTNL_RULE_USERDATA,	 NFTNL_RULE_ID,
		NFTNL_RULE_POSITION_ID,
	};
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	size_t i = 0;

	assert_non_null(r);
	assert_int_equal(nlh->nlmsg_type, TYPE(NFT_MSG_NEWRULE));
	assert_int_equal(nlh->nlmsg_flags, F_CMD | NLM_F_CREATE | NLM_F_APPEND);
	check_nfgen(nlh, family, 0);
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
	assert_int_equal(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY), family);
	assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), table);
	assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), chain);
	for (size_t k = 0; k < ARRAY_SIZE(unset); k++)
		assert_false(nftnl_rule_is_set(r, unset[k]));
	it = nftnl_expr_iter_create(r);
	assert_non_null(it);
	while ((e = nftnl_expr_iter_next(it))) {
		assert_true(i < n);
		check_expr(e, &x[i++]);
	}
	assert_int_equal(i, n);
	nftnl_expr_iter_destroy(it);
	nftnl_rule_free(r);
}

/* iifname != "IF" ip daddr A fib saddr type != local drop */
static void check_preraw(const struct nlmsghdr *nlh, int family, const char *table,
			 const char *ifname, const uint8_t *addr)
{
	char padded[16] = { 0 };
	bool v4 = family == AF_INET;

	strcpy(padded, ifname);
	const struct exp_expr x[] = {
		META_LOAD(NFT_META_IIFNAME),
		CMP(NFT_CMP_NEQ, padded, 16),
		{ .name = "payload",
		  .u32 = { { NFTNL_EXPR_PAYLOAD_DREG, 1 },
			   { NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER },
			   { NFTNL_EXPR_PAYLOAD_OFFSET, v4 ? 16 : 24 },
			   { NFTNL_EXPR_PAYLOAD_LEN, v4 ? 4 : 16 } } },
		CMP(NFT_CMP_EQ, addr, v4 ? 4 : 16),
		{ .name = "fib",
		  .u32 = { { NFTNL_EXPR_FIB_DREG, 1 },
			   { NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE },
			   { NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_SADDR } } },
		CMP(NFT_CMP_NEQ, &rtn_local, 4),
		{ .name = "immediate",
		  .u32 = { { NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT },
			   { NFTNL_EXPR_IMM_VERDICT, NF_DROP } } },
	};

	check_rule(nlh, family, table, "preraw", x, ARRAY_SIZE(x));
}

/* meta l4proto udp mark N ct mark set mark */
static void check_postmangle(const struct nlmsghdr *nlh, int family, const char *table,
			     uint32_t fwmark)
{
	const struct exp_expr x[] = {
		META_LOAD(NFT_META_L4PROTO), CMP(NFT_CMP_EQ, udp_proto, 1),
		META_LOAD(NFT_META_MARK),    CMP(NFT_CMP_EQ, &fwmark, 4),
		META_LOAD(NFT_META_MARK),    CT_SET(NFT_CT_MARK),
	};

	check_rule(nlh, family, table, "postmangle", x, ARRAY_SIZE(x));
}

/* meta l4proto udp meta mark set ct mark */
static void check_premangle(const struct nlmsghdr *nlh, int family, const char *table)
{
	const struct exp_expr x[] = {
		META_LOAD(NFT_META_L4PROTO),
		CMP(NFT_CMP_EQ, udp_proto, 1),
		CT_LOAD(NFT_CT_MARK),
		META_SET(NFT_META_MARK),
	};

	check_rule(nlh, family, table, "premangle", x, ARRAY_SIZE(x));
}

struct up_case {
	int family;
	const char *ifname;
	uint32_t fwmark;
	const char *addrs[5]; /* NULL ends; any family */
};

static const struct up_case up_cases[] = {
	{ AF_INET, "wg0", 51820, { NULL } },
	{ AF_INET, "wg0", 51820, { "10.13.13.2" } },
	{ AF_INET, "peer1", 0xdeadbeef, { "10.13.13.2", "192.168.7.1", "172.16.0.9" } },
	{ AF_INET6, "wg0", 51820, { NULL } },
	{ AF_INET6, "wg0", 1, { "fd00::2" } },
	/* 15 characters: the padded name has exactly one NUL. */
	{ AF_INET6, "abcdefghijklmno", 0xca6c, { "fe80::1:2:3:4", "fd00::2", "2001:db8::ffff" } },
	/* Addresses of the other family are skipped, and the order is kept. */
	{ AF_INET6, "wg0", 7, { "10.0.0.1", "fd00::1", "10.0.0.2", "fd00::9" } },
	{ AF_INET, "wg0", 7, { "10.0.0.1", "fd00::1", "10.0.0.2", "fd00::9" } },
};

static size_t make_addrs(const struct up_case *c, struct rtnl_addr *out)
{
	size_t n = 0;

	for (; n < ARRAY_SIZE(c->addrs) && c->addrs[n]; n++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = strchr(c->addrs[n], ':') ? AF_INET6 : AF_INET;
		out[n].prefixlen = out[n].family == AF_INET ? 32 : 128;
		assert_int_equal(inet_pton(out[n].family, c->addrs[n], out[n].addr), 1);
	}
	return n;
}

/* The up batch; with replace (reload), the same after a DELTABLE of the table. */
static void check_up_batch(const struct up_case *c, bool replace)
{
	struct rtnl_addr addrs[ARRAY_SIZE(c->addrs)];
	size_t n = make_addrs(c, addrs), matching = 0, i = 0;
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	char table[32];
	struct batch b;

	assert_non_null(buf);
	snprintf(table, sizeof(table), "wg-quick-%s", c->ifname);
	int len = replace ? nft_build_replace(buf, BUF_SIZE, NULL, c->family, c->ifname, c->fwmark,
					      addrs, n)
			  : nft_build_up(buf, BUF_SIZE, NULL, c->family, c->ifname, c->fwmark,
					 addrs, n);

	split(buf, len, &b);
	for (size_t k = 0; k < n; k++)
		matching += addrs[k].family == c->family;
	assert_int_equal(b.n, 1 + replace + 1 + 3 + matching + 2 + 1);
	check_seqs(&b);
	check_batch_marker(b.msg[i++], NFNL_MSG_BATCH_BEGIN);
	if (replace)
		check_table(b.msg[i++], NFT_MSG_DELTABLE, F_CMD, c->family, table);
	check_table(b.msg[i++], NFT_MSG_NEWTABLE, F_CMD | NLM_F_CREATE, c->family, table);
	for (size_t k = 0; k < ARRAY_SIZE(exp_chains); k++)
		check_chain(b.msg[i++], c->family, table, &exp_chains[k]);
	for (size_t k = 0; k < n; k++) {
		if (addrs[k].family == c->family)
			check_preraw(b.msg[i++], c->family, table, c->ifname, addrs[k].addr);
	}
	check_postmangle(b.msg[i++], c->family, table, c->fwmark);
	check_premangle(b.msg[i++], c->family, table);
	check_batch_marker(b.msg[i++], NFNL_MSG_BATCH_END);
	assert_int_equal(i, b.n);
}

static void test_up(void **state)
{
	check_up_batch(*state, false);
	check_up_batch(*state, true);
}

struct golden {
	size_t len;
	const char *payload; /* after the nlmsghdr: nfgenmsg and attributes */
};

/*
 * What nft 1.0.6 sent (captured on its sendmsg) for the spec's text with IF wg0,
 * N 51820 and the address 10.13.13.2 or fd00::2: table, three chains, three rules.
 * Data in host order is little-endian here.
 */
static const struct golden golden_ip[] = {
	/* table */
	{ 32, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x08\x00\x02\x00\x00\x00\x00\x00" },
	/* chain preraw */
	{ 68, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x0b\x00\x03\x00\x70\x72\x65\x72\x61\x77\x00\x00\x0b\x00\x07\x00"
	      "\x66\x69\x6c\x74\x65\x72\x00\x00\x14\x00\x04\x80\x08\x00\x01\x00\x00\x00\x00\x00"
	      "\x08\x00\x02\x00\xff\xff\xfe\xd4" },
	/* chain premangle */
	{ 72, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x0e\x00\x03\x00\x70\x72\x65\x6d\x61\x6e\x67\x6c\x65\x00\x00\x00"
	      "\x0b\x00\x07\x00\x66\x69\x6c\x74\x65\x72\x00\x00\x14\x00\x04\x80\x08\x00\x01\x00"
	      "\x00\x00\x00\x00\x08\x00\x02\x00\xff\xff\xff\x6a" },
	/* chain postmangle */
	{ 72, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x0f\x00\x03\x00\x70\x6f\x73\x74\x6d\x61\x6e\x67\x6c\x65\x00\x00"
	      "\x0b\x00\x07\x00\x66\x69\x6c\x74\x65\x72\x00\x00\x14\x00\x04\x80\x08\x00\x01\x00"
	      "\x00\x00\x00\x04\x08\x00\x02\x00\xff\xff\xff\x6a" },
	/* rule preraw */
	{ 360, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	       "\x00\x00\x00\x00\x0b\x00\x02\x00\x70\x72\x65\x72\x61\x77\x00\x00\x44\x01\x04\x80"
	       "\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00\x14\x00\x02\x80"
	       "\x08\x00\x02\x00\x00\x00\x00\x06\x08\x00\x01\x00\x00\x00\x00\x01\x38\x00\x01\x80"
	       "\x08\x00\x01\x00\x63\x6d\x70\x00\x2c\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x08\x00\x02\x00\x00\x00\x00\x01\x18\x00\x03\x80\x14\x00\x01\x00\x77\x67\x30\x00"
	       "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x34\x00\x01\x80\x0c\x00\x01\x00"
	       "\x70\x61\x79\x6c\x6f\x61\x64\x00\x24\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x08\x00\x02\x00\x00\x00\x00\x01\x08\x00\x03\x00\x00\x00\x00\x10\x08\x00\x04\x00"
	       "\x00\x00\x00\x04\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80"
	       "\x08\x00\x01\x00\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80"
	       "\x08\x00\x01\x00\x0a\x0d\x0d\x02\x28\x00\x01\x80\x08\x00\x01\x00\x66\x69\x62\x00"
	       "\x1c\x00\x02\x80\x08\x00\x03\x00\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x03"
	       "\x08\x00\x01\x00\x00\x00\x00\x01\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00"
	       "\x20\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x01"
	       "\x0c\x00\x03\x80\x08\x00\x01\x00\x02\x00\x00\x00\x30\x00\x01\x80\x0e\x00\x01\x00"
	       "\x69\x6d\x6d\x65\x64\x69\x61\x74\x65\x00\x00\x00\x1c\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x00\x10\x00\x02\x80\x0c\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x00" },
	/* rule postmangle */
	{ 272, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	       "\x00\x00\x00\x00\x0f\x00\x02\x00\x70\x6f\x73\x74\x6d\x61\x6e\x67\x6c\x65\x00\x00"
	       "\xe8\x00\x04\x80\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x10\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80\x05\x00\x01\x00"
	       "\x11\x00\x00\x00\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80\x08\x00\x01\x00"
	       "\x6c\xca\x00\x00\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x20\x00\x01\x80\x07\x00\x01\x00\x63\x74\x00\x00\x14\x00\x02\x80\x08\x00\x02\x00"
	       "\x00\x00\x00\x03\x08\x00\x04\x00\x00\x00\x00\x01" },
	/* rule premangle */
	{ 192, "\x02\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	       "\x00\x00\x00\x00\x0e\x00\x02\x00\x70\x72\x65\x6d\x61\x6e\x67\x6c\x65\x00\x00\x00"
	       "\x98\x00\x04\x80\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x10\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80\x05\x00\x01\x00"
	       "\x11\x00\x00\x00\x20\x00\x01\x80\x07\x00\x01\x00\x63\x74\x00\x00\x14\x00\x02\x80"
	       "\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01\x24\x00\x01\x80"
	       "\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00\x14\x00\x02\x80\x08\x00\x02\x00"
	       "\x00\x00\x00\x03\x08\x00\x03\x00\x00\x00\x00\x01" },
};
static const struct golden golden_ip6[] = {
	/* table */
	{ 32, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x08\x00\x02\x00\x00\x00\x00\x00" },
	/* chain preraw */
	{ 68, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x0b\x00\x03\x00\x70\x72\x65\x72\x61\x77\x00\x00\x0b\x00\x07\x00"
	      "\x66\x69\x6c\x74\x65\x72\x00\x00\x14\x00\x04\x80\x08\x00\x01\x00\x00\x00\x00\x00"
	      "\x08\x00\x02\x00\xff\xff\xfe\xd4" },
	/* chain premangle */
	{ 72, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x0e\x00\x03\x00\x70\x72\x65\x6d\x61\x6e\x67\x6c\x65\x00\x00\x00"
	      "\x0b\x00\x07\x00\x66\x69\x6c\x74\x65\x72\x00\x00\x14\x00\x04\x80\x08\x00\x01\x00"
	      "\x00\x00\x00\x00\x08\x00\x02\x00\xff\xff\xff\x6a" },
	/* chain postmangle */
	{ 72, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	      "\x00\x00\x00\x00\x0f\x00\x03\x00\x70\x6f\x73\x74\x6d\x61\x6e\x67\x6c\x65\x00\x00"
	      "\x0b\x00\x07\x00\x66\x69\x6c\x74\x65\x72\x00\x00\x14\x00\x04\x80\x08\x00\x01\x00"
	      "\x00\x00\x00\x04\x08\x00\x02\x00\xff\xff\xff\x6a" },
	/* rule preraw */
	{ 372, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	       "\x00\x00\x00\x00\x0b\x00\x02\x00\x70\x72\x65\x72\x61\x77\x00\x00\x50\x01\x04\x80"
	       "\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00\x14\x00\x02\x80"
	       "\x08\x00\x02\x00\x00\x00\x00\x06\x08\x00\x01\x00\x00\x00\x00\x01\x38\x00\x01\x80"
	       "\x08\x00\x01\x00\x63\x6d\x70\x00\x2c\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x08\x00\x02\x00\x00\x00\x00\x01\x18\x00\x03\x80\x14\x00\x01\x00\x77\x67\x30\x00"
	       "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x34\x00\x01\x80\x0c\x00\x01\x00"
	       "\x70\x61\x79\x6c\x6f\x61\x64\x00\x24\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x08\x00\x02\x00\x00\x00\x00\x01\x08\x00\x03\x00\x00\x00\x00\x18\x08\x00\x04\x00"
	       "\x00\x00\x00\x10\x38\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x2c\x00\x02\x80"
	       "\x08\x00\x01\x00\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x18\x00\x03\x80"
	       "\x14\x00\x01\x00\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02"
	       "\x28\x00\x01\x80\x08\x00\x01\x00\x66\x69\x62\x00\x1c\x00\x02\x80\x08\x00\x03\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x01\x0c\x00\x03\x80\x08\x00\x01\x00"
	       "\x02\x00\x00\x00\x30\x00\x01\x80\x0e\x00\x01\x00\x69\x6d\x6d\x65\x64\x69\x61\x74"
	       "\x65\x00\x00\x00\x1c\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x00\x10\x00\x02\x80"
	       "\x0c\x00\x02\x80\x08\x00\x01\x00\x00\x00\x00\x00" },
	/* rule postmangle */
	{ 272, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	       "\x00\x00\x00\x00\x0f\x00\x02\x00\x70\x6f\x73\x74\x6d\x61\x6e\x67\x6c\x65\x00\x00"
	       "\xe8\x00\x04\x80\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x10\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80\x05\x00\x01\x00"
	       "\x11\x00\x00\x00\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80\x08\x00\x01\x00"
	       "\x6c\xca\x00\x00\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x20\x00\x01\x80\x07\x00\x01\x00\x63\x74\x00\x00\x14\x00\x02\x80\x08\x00\x02\x00"
	       "\x00\x00\x00\x03\x08\x00\x04\x00\x00\x00\x00\x01" },
	/* rule premangle */
	{ 192, "\x0a\x00\x00\x00\x11\x00\x01\x00\x77\x67\x2d\x71\x75\x69\x63\x6b\x2d\x77\x67\x30"
	       "\x00\x00\x00\x00\x0e\x00\x02\x00\x70\x72\x65\x6d\x61\x6e\x67\x6c\x65\x00\x00\x00"
	       "\x98\x00\x04\x80\x24\x00\x01\x80\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00"
	       "\x14\x00\x02\x80\x08\x00\x02\x00\x00\x00\x00\x10\x08\x00\x01\x00\x00\x00\x00\x01"
	       "\x2c\x00\x01\x80\x08\x00\x01\x00\x63\x6d\x70\x00\x20\x00\x02\x80\x08\x00\x01\x00"
	       "\x00\x00\x00\x01\x08\x00\x02\x00\x00\x00\x00\x00\x0c\x00\x03\x80\x05\x00\x01\x00"
	       "\x11\x00\x00\x00\x20\x00\x01\x80\x07\x00\x01\x00\x63\x74\x00\x00\x14\x00\x02\x80"
	       "\x08\x00\x02\x00\x00\x00\x00\x03\x08\x00\x01\x00\x00\x00\x00\x01\x24\x00\x01\x80"
	       "\x09\x00\x01\x00\x6d\x65\x74\x61\x00\x00\x00\x00\x14\x00\x02\x80\x08\x00\x02\x00"
	       "\x00\x00\x00\x03\x08\x00\x03\x00\x00\x00\x00\x01" },
};

struct attr_ref {
	const struct nlattr *a;
	bool used;
};

static size_t collect_attrs(const char *p, size_t len, struct attr_ref *out, size_t max)
{
	size_t n = 0;

	for (size_t off = 0; off < len; n++) {
		const struct nlattr *a = (const void *)(p + off);

		assert_true(n < max);
		assert_true(len - off >= sizeof(*a) && a->nla_len >= sizeof(*a));
		out[n] = (struct attr_ref){ a, false };
		off += MNL_ALIGN(a->nla_len);
	}
	return n;
}

/* Same nfgenmsg and the same top-level attributes in any order (libnftnl 1.2.4 puts
 * a chain's hook before its type, nft 1.0.6 after), padding bytes included. */
static void check_same_attrs(const struct nlmsghdr *nlh, const struct golden *g)
{
	const char *ours = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh), hdr = sizeof(struct nfgenmsg);
	struct attr_ref a[16], b[16];

	assert_int_equal(len, g->len);
	assert_memory_equal(ours, g->payload, hdr);
	size_t na = collect_attrs(ours + hdr, len - hdr, a, ARRAY_SIZE(a));
	size_t nb = collect_attrs(g->payload + hdr, len - hdr, b, ARRAY_SIZE(b));

	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		size_t j = 0;

		while (j < nb && (b[j].used || b[j].a->nla_len != a[i].a->nla_len ||
				  memcmp(b[j].a, a[i].a, MNL_ALIGN(a[i].a->nla_len)) != 0))
			j++;
		assert_true(j < nb);
		b[j].used = true;
	}
}

static void test_golden(void **state)
{
	static const struct {
		int family;
		uint8_t addr[16];
		const struct golden *msgs;
	} cases[] = {
		{ AF_INET, { 10, 13, 13, 2 }, golden_ip },
		{ AF_INET6, { 0xfd, [15] = 2 }, golden_ip6 },
	};
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	struct batch b;

	(void)state;
	assert_non_null(buf);
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
		skip();
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct rtnl_addr a = { .family = cases[c].family };

		memcpy(a.addr, cases[c].addr, sizeof(a.addr));
		split(buf, nft_build_up(buf, BUF_SIZE, NULL, cases[c].family, "wg0", 51820, &a, 1),
		      &b);
		assert_int_equal(b.n, 9);
		for (size_t i = 1; i < 8; i++)
			check_same_attrs(b.msg[i], &cases[c].msgs[i - 1]);
	}
}

/* Every size short of the full batch fails with EMSGSIZE and writes nothing past it. */
static void test_up_too_small(void **state)
{
	struct rtnl_addr addrs[3] = {
		{ .family = AF_INET6, .addr = { 0xfd, [15] = 1 } },
		{ .family = AF_INET6, .addr = { 0xfd, [15] = 2 } },
		{ .family = AF_INET6, .addr = { 0xfd, [15] = 3 } },
	};
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	_cleanup_free_ char *ref = malloc(BUF_SIZE);

	(void)state;
	assert_non_null(buf);
	assert_non_null(ref);
	int len = nft_build_up(ref, BUF_SIZE, NULL, AF_INET6, "wg0", 9, addrs, 3);

	assert_true(len > 0 && len < BUF_SIZE);
	for (int size = 0; size < len; size++) {
		memset(buf, 0xa5, BUF_SIZE);
		int r = nft_build_up(buf, (size_t)size, NULL, AF_INET6, "wg0", 9, addrs, 3);

		assert_int_equal(r, -EMSGSIZE);
		for (int k = size; k < len + 64; k++)
			assert_int_equal((uint8_t)buf[k], 0xa5);
	}
	memset(buf, 0xa5, BUF_SIZE);
	assert_int_equal(nft_build_up(buf, (size_t)len, NULL, AF_INET6, "wg0", 9, addrs, 3), len);
	assert_memory_equal(buf, ref, (size_t)len);
}

static void test_up_invalid(void **state)
{
	static const struct {
		int family;
		const char *ifname;
		int err;
	} cases[] = {
		{ AF_INET, "", -EINVAL },
		{ AF_INET, "abcdefghijklmnop", -EINVAL }, /* 16 characters */
		{ AF_UNSPEC, "wg0", -EAFNOSUPPORT },
		{ AF_PACKET, "wg0", -EAFNOSUPPORT },
		{ NFPROTO_INET, "wg0", -EAFNOSUPPORT },
	};
	char buf[4096];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(nft_build_up(buf, sizeof(buf), NULL, cases[i].family,
					      cases[i].ifname, 1, NULL, 0),
				 cases[i].err);
}

static void test_delete(void **state)
{
	static const struct {
		const char *ifname;
		size_t n;
		int families[3];
	} cases[] = {
		{ "peer1", 2, { NFPROTO_IPV6, NFPROTO_IPV4 } },
		{ "wg0", 3, { NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6 } },
		{ "abcdefghijklmno", 1, { NFPROTO_IPV4 } },
		{ "wg0", 0, { 0 } },
	};
	char buf[4096], table[32];
	struct batch b;

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		snprintf(table, sizeof(table), "wg-quick-%s", cases[c].ifname);
		split(buf,
		      nft_build_delete(buf, sizeof(buf), NULL, cases[c].ifname, cases[c].families,
				       cases[c].n),
		      &b);
		assert_int_equal(b.n, cases[c].n + 2);
		check_seqs(&b);
		check_batch_marker(b.msg[0], NFNL_MSG_BATCH_BEGIN);
		for (size_t i = 0; i < cases[c].n; i++)
			check_table(b.msg[i + 1], NFT_MSG_DELTABLE, F_CMD, cases[c].families[i],
				    table);
		check_batch_marker(b.msg[b.n - 1], NFNL_MSG_BATCH_END);
	}
	int fam = NFPROTO_IPV4;

	assert_int_equal(nft_build_delete(buf, sizeof(buf), NULL, "", &fam, 1), -EINVAL);
	assert_int_equal(nft_build_delete(buf, 40, NULL, "wg0", &fam, 1), -EMSGSIZE);
}

#define UP_TEST(i) cmocka_unit_test_prestate(test_up, (void *)&up_cases[i])

int main(void)
{
	const struct CMUnitTest tests[] = {
		UP_TEST(0),
		UP_TEST(1),
		UP_TEST(2),
		UP_TEST(3),
		UP_TEST(4),
		UP_TEST(5),
		UP_TEST(6),
		UP_TEST(7),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_up_too_small),
		cmocka_unit_test(test_up_invalid),
		cmocka_unit_test(test_delete),
	};

	_Static_assert(ARRAY_SIZE(up_cases) == 8, "one UP_TEST per case");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
