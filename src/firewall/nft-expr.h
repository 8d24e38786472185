// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The nf_tables expressions both of wgq's tables are made of (the wg-quick-IF table,
// firewall/nft.c, and the kill switch's, firewall/killswitch-rules.c): each function
// appends one expression, or one short run of them, to a rule, as nft 1.0.6 generates
// it (`nft --debug=netlink`). All of them use register 1 (the 16-byte NFT_REG_1).
// 0, or -ENOMEM (no memory) or -EINVAL (data longer than the expression holds).
#pragma once

#include <libnftnl/rule.h>
#include <stdint.h>

/* meta load KEY => reg 1 */
int nft_expr_meta_load(struct nftnl_rule *r, uint32_t key);
/* meta set KEY with reg 1 */
int nft_expr_meta_set(struct nftnl_rule *r, uint32_t key);
/* cmp OP reg 1 DATA (len bytes) */
int nft_expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
/* payload load LEN bytes @ BASE header + OFFSET => reg 1 */
int nft_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);
/* bitwise reg 1 = (reg 1 & MASK) ^ 0, len bytes */
int nft_expr_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len);
/* fib saddr type => reg 1: the address type of the packet's source address */
int nft_expr_fib_saddr_type(struct nftnl_rule *r);
/* ct load KEY => reg 1 */
int nft_expr_ct_load(struct nftnl_rule *r, uint32_t key);
/* ct set KEY with reg 1 */
int nft_expr_ct_set(struct nftnl_rule *r, uint32_t key);
/* The verdict v (NF_ACCEPT, NF_DROP, NFT_RETURN; NFT_JUMP with chain, else NULL). */
int nft_expr_verdict(struct nftnl_rule *r, int v, const char *chain);
/* counter, from 0 packets and 0 bytes */
int nft_expr_counter(struct nftnl_rule *r);
/* reject of this type (NFT_REJECT_*) and code */
int nft_expr_reject(struct nftnl_rule *r, uint32_t type, uint8_t code);

/* Runs of them. */
/* meta l4proto PROTO */
int nft_expr_l4proto(struct nftnl_rule *r, uint8_t proto);
/* iifname / oifname (key NFT_META_IIFNAME or _OIFNAME) OP "IF": the whole NUL-padded
 * name is compared, as nft does. */
int nft_expr_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *ifname);
