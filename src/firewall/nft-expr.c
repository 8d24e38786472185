// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "firewall/nft-expr.h"

#include <errno.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <string.h>

#include "base/macro.h"

/* The widest operand of a bitwise: a 16-byte register. */
#define NFT_REG_BYTES 16

struct expr_u32 {
	uint16_t attr;
	uint32_t value;
};

/* Append expression `name` to r with these u32 attributes set, in order. */
static struct nftnl_expr *expr_put(struct nftnl_rule *r, const char *name,
				   const struct expr_u32 *attrs, size_t n)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e)
		return NULL;
	for (size_t i = 0; i < n; i++)
		nftnl_expr_set_u32(e, attrs[i].attr, attrs[i].value);
	nftnl_rule_add_expr(r, e);
	return e;
}

#define EXPR(r, name, ...)                                                                         \
	expr_put(r, name, (const struct expr_u32[]){ __VA_ARGS__ },                                \
		 sizeof((const struct expr_u32[]){ __VA_ARGS__ }) / sizeof(struct expr_u32))
/* The same as 0 or -ENOMEM, for an expression that needs nothing more. */
#define EXPR_RC(r, name, ...) (EXPR(r, name, __VA_ARGS__) ? 0 : -ENOMEM)

int nft_expr_meta_load(struct nftnl_rule *r, uint32_t key)
{
	return EXPR_RC(r, "meta", { NFTNL_EXPR_META_KEY, key },
		       { NFTNL_EXPR_META_DREG, NFT_REG_1 });
}

int nft_expr_meta_set(struct nftnl_rule *r, uint32_t key)
{
	return EXPR_RC(r, "meta", { NFTNL_EXPR_META_KEY, key },
		       { NFTNL_EXPR_META_SREG, NFT_REG_1 });
}

int nft_expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e =
		EXPR(r, "cmp", { NFTNL_EXPR_CMP_SREG, NFT_REG_1 }, { NFTNL_EXPR_CMP_OP, op });

	if (!e)
		return -ENOMEM;
	return nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) < 0 ? -EINVAL : 0;
}

int nft_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	return EXPR_RC(r, "payload", { NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1 },
		       { NFTNL_EXPR_PAYLOAD_BASE, base }, { NFTNL_EXPR_PAYLOAD_OFFSET, offset },
		       { NFTNL_EXPR_PAYLOAD_LEN, len });
}

int nft_expr_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[NFT_REG_BYTES];
	struct nftnl_expr *e =
		EXPR(r, "bitwise", { NFTNL_EXPR_BITWISE_SREG, NFT_REG_1 },
		     { NFTNL_EXPR_BITWISE_DREG, NFT_REG_1 }, { NFTNL_EXPR_BITWISE_LEN, len });

	if (!e)
		return -ENOMEM;
	if (len > sizeof(zero) || nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len) < 0 ||
	    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len) < 0)
		return -EINVAL;
	return 0;
}

int nft_expr_fib_saddr_type(struct nftnl_rule *r)
{
	return EXPR_RC(r, "fib", { NFTNL_EXPR_FIB_DREG, NFT_REG_1 },
		       { NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE },
		       { NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_SADDR });
}

int nft_expr_ct_load(struct nftnl_rule *r, uint32_t key)
{
	return EXPR_RC(r, "ct", { NFTNL_EXPR_CT_KEY, key }, { NFTNL_EXPR_CT_DREG, NFT_REG_1 });
}

int nft_expr_ct_set(struct nftnl_rule *r, uint32_t key)
{
	return EXPR_RC(r, "ct", { NFTNL_EXPR_CT_KEY, key }, { NFTNL_EXPR_CT_SREG, NFT_REG_1 });
}

int nft_expr_verdict(struct nftnl_rule *r, int v, const char *chain)
{
	struct nftnl_expr *e = EXPR(r, "immediate", { NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT },
				    { NFTNL_EXPR_IMM_VERDICT, (uint32_t)v });

	if (!e)
		return -ENOMEM;
	if (chain && nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0)
		return -ENOMEM;
	return 0;
}

int nft_expr_counter(struct nftnl_rule *r)
{
	struct nftnl_expr *e = expr_put(r, "counter", NULL, 0);

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 0);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
	return 0;
}

int nft_expr_reject(struct nftnl_rule *r, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = EXPR(r, "reject", { NFTNL_EXPR_REJECT_TYPE, type });

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	return 0;
}

int nft_expr_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	return nft_expr_meta_load(r, NFT_META_L4PROTO)
		       ?: nft_expr_cmp(r, NFT_CMP_EQ, &proto, sizeof(proto));
}

int nft_expr_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *ifname)
{
	char name[IFNAMSIZ] = { 0 }; /* nft compares the whole NUL-padded name */

	memcpy(name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	return nft_expr_meta_load(r, key) ?: nft_expr_cmp(r, op, name, sizeof(name));
}
