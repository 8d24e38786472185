// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "firewall/nft.h"

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <stddef.h>

#include "base/macro.h"
#include "firewall/nft-batch.h"
#include "firewall/nft-expr.h"
#include "firewall/nft-read.h"

#define NFT_TABLE_PREFIX "wg-quick-"

/* The longest message, an IPv6 preraw rule, is about 420 bytes: names are bounded by
 * IFNAMSIZ and addresses by 16 bytes. Batches are sized with this per message. */
#define NFT_MSG_MAX 1024
/* Messages of an up batch besides the preraw rules: BEGIN, DELTABLE, NEWTABLE, 3
 * chains, 2 mangle rules, END. */
#define NFT_UP_FIXED 9
/* ... and of a delete batch besides its DELTABLEs: BEGIN, END. */
#define NFT_DELETE_FIXED 2

static void chain_freep(struct nftnl_chain **c)
{
	if (*c)
		nftnl_chain_free(*c);
}

static void rule_freep(struct nftnl_rule **r)
{
	if (*r)
		nftnl_rule_free(*r);
}

#define _cleanup_chain_ _cleanup_(chain_freep)
#define _cleanup_rule_	_cleanup_(rule_freep)

static const struct chain_def {
	const char *name;
	uint32_t hook;
	int32_t prio;
} chain_defs[] = {
	/* Order and priorities of the nft text (behaviour.md §3.9 step 5). */
	{ "preraw", NF_INET_PRE_ROUTING, -300 },
	{ "premangle", NF_INET_PRE_ROUTING, -150 },
	{ "postmangle", NF_INET_POST_ROUTING, -150 },
};

static int batch_chain(struct nft_batch *b, int family, const char *table,
		       const struct chain_def *def)
{
	_cleanup_chain_ struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, def->name) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter") < 0)
		return -ENOMEM;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, def->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, def->prio);
	/* No policy: the kernel's default is accept, and nft sends none either. */
	return nft_batch_put(b, &(struct nft_msg){ .type = NFT_MSG_NEWCHAIN,
						   .family = (uint16_t)family,
						   .flags = NLM_F_CREATE,
						   .chain = c });
}

/* iifname != "IF" ip daddr A fib saddr type != local drop */
static int rule_preraw(struct nftnl_rule *r, int family, const char *ifname,
		       const struct rtnl_addr *a)
{
	uint32_t local = RTN_LOCAL;
	bool v4 = family == AF_INET;
	uint32_t off = v4 ? offsetof(struct iphdr, daddr) : offsetof(struct ip6_hdr, ip6_dst);
	uint32_t alen = v4 ? sizeof(struct in_addr) : sizeof(struct in6_addr);

	return nft_expr_ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, ifname) ?:
	       nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, alen) ?:
	       nft_expr_cmp(r, NFT_CMP_EQ, a->addr, alen) ?:
	       nft_expr_fib_saddr_type(r) ?:
	       nft_expr_cmp(r, NFT_CMP_NEQ, &local, sizeof(local)) ?:
	       nft_expr_verdict(r, NF_DROP, NULL);
}

/* meta l4proto udp mark N ct mark set mark */
static int rule_postmangle(struct nftnl_rule *r, uint32_t fwmark)
{
	return nft_expr_l4proto(r, IPPROTO_UDP) ?:
	       nft_expr_meta_load(r, NFT_META_MARK) ?:
	       nft_expr_cmp(r, NFT_CMP_EQ, &fwmark, sizeof(fwmark)) ?:
	       nft_expr_meta_load(r, NFT_META_MARK) ?:
	       nft_expr_ct_set(r, NFT_CT_MARK);
}

/* meta l4proto udp meta mark set ct mark */
static int rule_premangle(struct nftnl_rule *r)
{
	return nft_expr_l4proto(r, IPPROTO_UDP) ?:
	       nft_expr_ct_load(r, NFT_CT_MARK) ?:
	       nft_expr_meta_set(r, NFT_META_MARK);
}

/* The rule's expressions are in r already; add its header and append it. */
static int batch_rule(struct nft_batch *b, int family, const char *table, const char *chain,
		      struct nftnl_rule *r)
{
	if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain) < 0)
		return -ENOMEM;
	return nft_batch_put(b, &(struct nft_msg){ .type = NFT_MSG_NEWRULE,
						   .family = (uint16_t)family,
						   .flags = NLM_F_CREATE | NLM_F_APPEND,
						   .rule = r });
}

static int batch_preraw(struct nft_batch *b, int family, const char *table, const char *ifname,
			const struct rtnl_addr *a)
{
	_cleanup_rule_ struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return -ENOMEM;
	int err = rule_preraw(r, family, ifname, a);

	return err ?: batch_rule(b, family, table, "preraw", r);
}

static int batch_mangle(struct nft_batch *b, int family, const char *table, uint32_t fwmark)
{
	_cleanup_rule_ struct nftnl_rule *post = nftnl_rule_alloc();
	_cleanup_rule_ struct nftnl_rule *pre = nftnl_rule_alloc();

	if (!post || !pre)
		return -ENOMEM;
	/* postmangle first, in the order of wg-quick's text. */
	return rule_postmangle(post, fwmark) ?:
	       batch_rule(b, family, table, "postmangle", post) ?:
	       rule_premangle(pre) ?:
	       batch_rule(b, family, table, "premangle", pre);
}

static int table_name(char out[static IFNAMSIZ + sizeof(NFT_TABLE_PREFIX)], const char *ifname)
{
	size_t len = strlen(ifname);

	if (len == 0 || len >= IFNAMSIZ)
		return -EINVAL;
	memcpy(out, NFT_TABLE_PREFIX, sizeof(NFT_TABLE_PREFIX) - 1);
	memcpy(out + sizeof(NFT_TABLE_PREFIX) - 1, ifname, len + 1);
	return 0;
}

/* The up batch; with replace, the table's DELTABLE comes first in the same batch, so
 * the old rules give way to the new ones at once (reload). */
static int build_table(void *buf, size_t size, struct nl_sock *s, int family, const char *ifname,
		       uint32_t fwmark, const struct rtnl_addr *addrs, size_t n_addrs, bool replace)
{
	struct nft_batch b = { .buf = buf, .size = size, .sock = s };
	char table[IFNAMSIZ + sizeof(NFT_TABLE_PREFIX)];
	int err = table_name(table, ifname);

	if (err < 0)
		return err;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	err = nft_batch_begin(&b);
	if (!err && replace)
		err = nft_batch_table(&b, NFT_MSG_DELTABLE, (uint16_t)family, table);
	err = err ?: nft_batch_table(&b, NFT_MSG_NEWTABLE, (uint16_t)family, table);
	for (size_t i = 0; !err && i < ARRAY_SIZE(chain_defs); i++)
		err = batch_chain(&b, family, table, &chain_defs[i]);
	/* Addresses of the other family are skipped, so a caller may pass either list. */
	for (size_t i = 0; !err && i < n_addrs; i++) {
		if (addrs[i].family == family)
			err = batch_preraw(&b, family, table, ifname, &addrs[i]);
	}
	err = err ?: batch_mangle(&b, family, table, fwmark) ?: nft_batch_end(&b);
	if (err < 0)
		return err;
	return (int)b.len;
}

int nft_build_up(void *buf, size_t size, struct nl_sock *s, int family, const char *ifname,
		 uint32_t fwmark, const struct rtnl_addr *addrs, size_t n_addrs)
{
	return build_table(buf, size, s, family, ifname, fwmark, addrs, n_addrs, false);
}

int nft_build_replace(void *buf, size_t size, struct nl_sock *s, int family, const char *ifname,
		      uint32_t fwmark, const struct rtnl_addr *addrs, size_t n_addrs)
{
	return build_table(buf, size, s, family, ifname, fwmark, addrs, n_addrs, true);
}

/* Enough for the batch: no message is longer than NFT_MSG_MAX, and there are at most
 * NFT_UP_FIXED besides the preraw rules. */
static size_t up_size(size_t n_addrs)
{
	return (n_addrs + NFT_UP_FIXED) * NFT_MSG_MAX;
}

static int send_table(struct nl_sock *s, int family, const char *ifname, uint32_t fwmark,
		      const struct rtnl_addr *addrs, size_t n_addrs, bool replace)
{
	size_t size = up_size(n_addrs);
	_cleanup_free_ void *buf = malloc(size);

	if (!buf)
		return -ENOMEM;
	int len = build_table(buf, size, s, family, ifname, fwmark, addrs, n_addrs, replace);

	if (len < 0)
		return len;
	return nl_talk_batch(s, buf, (size_t)len, NULL);
}

int nft_up(struct nl_sock *s, int family, const char *ifname, uint32_t fwmark,
	   const struct rtnl_addr *addrs, size_t n_addrs)
{
	return send_table(s, family, ifname, fwmark, addrs, n_addrs, false);
}

int nft_replace(struct nl_sock *s, int family, const char *ifname, uint32_t fwmark,
		const struct rtnl_addr *addrs, size_t n_addrs)
{
	return send_table(s, family, ifname, fwmark, addrs, n_addrs, true);
}

struct find_state {
	int *families;
	size_t max;
	size_t n;
};

static void find_reset(void *data)
{
	struct find_state *st = data;

	st->n = 0;
}

static int find_table(struct nftnl_table *t, void *data)
{
	struct find_state *st = data;

	if (st->n == st->max)
		return -ENOBUFS;
	st->families[st->n++] = (int)nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
	return 0;
}

int nft_find_tables(struct nl_sock *s, const char *ifname, int *families, size_t max, size_t *n)
{
	char table[IFNAMSIZ + sizeof(NFT_TABLE_PREFIX)];
	struct find_state st = { .families = families, .max = max };
	const struct nft_read rd = {
		.family = NFPROTO_UNSPEC, .table = table, .reset = find_reset, .data = &st
	};

	*n = 0;
	int err = table_name(table, ifname);

	err = err ?: nft_read_tables(s, &rd, find_table);
	if (err < 0)
		return err;
	*n = st.n;
	return 0;
}

int nft_build_delete(void *buf, size_t size, struct nl_sock *s, const char *ifname,
		     const int *families, size_t n)
{
	struct nft_batch b = { .buf = buf, .size = size, .sock = s };
	char table[IFNAMSIZ + sizeof(NFT_TABLE_PREFIX)];
	int err = table_name(table, ifname);

	if (err < 0)
		return err;
	err = nft_batch_begin(&b);
	for (size_t i = 0; !err && i < n; i++)
		err = nft_batch_table(&b, NFT_MSG_DELTABLE, (uint16_t)families[i], table);
	err = err ?: nft_batch_end(&b);
	if (err < 0)
		return err;
	return (int)b.len;
}

static int send_delete(struct nl_sock *s, const char *ifname, const int *families, size_t n)
{
	size_t size = (n + NFT_DELETE_FIXED) * NFT_MSG_MAX;
	_cleanup_free_ void *buf = malloc(size);

	if (!buf)
		return -ENOMEM;
	int len = nft_build_delete(buf, size, s, ifname, families, n);

	if (len < 0)
		return len;
	return nl_talk_batch(s, buf, (size_t)len, NULL);
}

int nft_delete_tables(struct nl_sock *s, const char *ifname, const int *families, size_t n)
{
	if (n == 0)
		return 0;
	int err = send_delete(s, ifname, families, n);

	if (err != -ENOENT)
		return err;
	/* A table that is already gone counts as deleted, but its ENOENT aborted the whole
	 * batch: delete the others one by one. */
	err = 0;
	for (size_t i = 0; n > 1 && i < n; i++) {
		int r = send_delete(s, ifname, &families[i], 1);

		if (r < 0 && r != -ENOENT && !err)
			err = r;
	}
	return err;
}
