// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The expressions of the kill switch's rules, as nft 1.0.6 generates them for the
// listing of killswitch-netns §3.2 (checked with `nft --debug=netlink`), including the
// implicit `meta nfproto` / `meta l4proto` dependencies of an inet table.

#include "firewall/killswitch-rules.h"

#include <netinet/in.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <string.h>

#include "base/ip.h"
#include "base/macro.h"

static struct nftnl_expr *put(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (e)
		nftnl_rule_add_expr(r, e);
	return e;
}

static int meta_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = put(r, "meta");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	return 0;
}

static int cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = put(r, "cmp");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	return nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) < 0 ? -ENOMEM : 0;
}

static int cmp_u8(struct nftnl_rule *r, uint8_t v)
{
	return cmp(r, NFT_CMP_EQ, &v, 1);
}

static int payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = put(r, "payload");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	return 0;
}

static int bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = put(r, "bitwise");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	if (nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len) < 0 ||
	    nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len) < 0)
		return -ENOMEM;
	return 0;
}

static int verdict(struct nftnl_rule *r, int v, const char *chain)
{
	struct nftnl_expr *e = put(r, "immediate");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	if (chain && nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0)
		return -ENOMEM;
	return 0;
}

static int accept_(struct nftnl_rule *r)
{
	return verdict(r, NF_ACCEPT, NULL);
}

static int counter(struct nftnl_rule *r)
{
	struct nftnl_expr *e = put(r, "counter");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 0);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
	return 0;
}

static int reject(struct nftnl_rule *r, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = put(r, "reject");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	return 0;
}

/* meta nfproto FAMILY (inet dependency) */
static int nfproto(struct nftnl_rule *r, int family)
{
	return meta_load(r, NFT_META_NFPROTO)
		       ?: cmp_u8(r, family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
}

static int l4proto(struct nftnl_rule *r, uint8_t proto)
{
	return meta_load(r, NFT_META_L4PROTO) ?: cmp_u8(r, proto);
}

static int ifname_is(struct nftnl_rule *r, uint32_t key, const char *ifname)
{
	char name[IFNAMSIZ] = { 0 }; /* nft compares the whole NUL-padded name */

	memcpy(name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	return meta_load(r, key) ?: cmp(r, NFT_CMP_EQ, name, sizeof(name));
}

static int dport53(struct nftnl_rule *r, uint8_t proto)
{
	static const uint8_t port[2] = { 0, 53 };

	return l4proto(r, proto) ?: payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2) ?:
	       cmp(r, NFT_CMP_EQ, port, 2);
}

/* ip daddr P / ip6 daddr P (saddr with src): whole bytes are compared as they are;
 * otherwise nft loads the whole address and masks it. */
static int prefix_match(struct nftnl_rule *r, const struct ks_prefix *p, bool src)
{
	bool v4 = p->family == AF_INET;
	uint32_t alen = v4 ? 4 : 16;
	uint32_t off =
		v4 ? (src ? offsetof(struct iphdr, saddr) : offsetof(struct iphdr, daddr))
		   : (src ? offsetof(struct ip6_hdr, ip6_src) : offsetof(struct ip6_hdr, ip6_dst));
	uint8_t addr[16], mask[16] = { 0 };

	memcpy(addr, p->addr, 16);
	ip_mask(p->family, addr, p->len);
	int err = nfproto(r, p->family);

	if (err || p->len % 8 == 0)
		return err ?: payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, p->len / 8u) ?:
			      cmp(r, NFT_CMP_EQ, addr, p->len / 8u);
	memset(mask, 0xff, 16);
	ip_mask(p->family, mask, p->len);
	return payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, alen) ?: bitwise(r, mask, alen) ?:
	       cmp(r, NFT_CMP_EQ, addr, alen);
}

/* icmpv6 type T ip6 hoplimit 255 accept */
static int rule_nd(struct nftnl_rule *r, uint8_t type)
{
	return nfproto(r, AF_INET6) ?: l4proto(r, IPPROTO_ICMPV6) ?:
	       payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1) ?: cmp_u8(r, type) ?:
	       payload(r, NFT_PAYLOAD_NETWORK_HEADER, offsetof(struct ip6_hdr, ip6_hlim), 1) ?:
	       cmp_u8(r, 255) ?: accept_(r);
}

/* udp sport S udp dport D: nft merges both into one 4-byte load. */
static int udp_ports(struct nftnl_rule *r, uint16_t sport, uint16_t dport)
{
	uint8_t p[4] = { (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8),
			 (uint8_t)dport };

	return l4proto(r, IPPROTO_UDP) ?: payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4) ?:
	       cmp(r, NFT_CMP_EQ, p, 4);
}

static int rule_dhcp6(struct nftnl_rule *r)
{
	static const struct ks_prefix ll = { .family = AF_INET6,
					     .addr = { 0xfe, 0x80 },
					     .len = 10 };

	return prefix_match(r, &ll, true) ?: udp_ports(r, 546, 547) ?: accept_(r);
}

static int rule_reject_any(struct nftnl_rule *r)
{
	return counter(r) ?: reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
}

int ksr_output_fixed(struct nftnl_rule *r, unsigned i)
{
	switch (i) {
	case 0:
		return ifname_is(r, NFT_META_OIFNAME, "lo") ?: accept_(r);
	case 1:
		return rule_nd(r, 133); /* nd-router-solicit */
	case 2:
		return rule_nd(r, 135); /* nd-neighbor-solicit */
	case 3:
		return rule_nd(r, 136); /* nd-neighbor-advert */
	case 4:
		return udp_ports(r, 68, 67) ?: accept_(r);
	case 5:
		return rule_dhcp6(r);
	case 6:
		return dport53(r, IPPROTO_TCP) ?: counter(r) ?: reject(r, NFT_REJECT_TCP_RST, 0);
	case 7:
		return rule_reject_any(r);
	}
	return -EINVAL;
}

int ksr_forward_fixed(struct nftnl_rule *r, unsigned i)
{
	return i == 0 ? rule_reject_any(r) : -EINVAL;
}

int ksr_jump(struct nftnl_rule *r, const char *chain)
{
	return verdict(r, NFT_JUMP, chain);
}

static int tun_dns(struct nftnl_rule *r, const struct ks_prefix *ns, uint8_t proto)
{
	struct ks_prefix host = *ns;

	host.len = ns->family == AF_INET ? 32 : 128;
	return prefix_match(r, &host, false) ?: dport53(r, proto) ?: accept_(r);
}

static bool inside(const struct ks_prefix *a, const struct ks_prefix *net)
{
	uint8_t m[16];

	if (a->family != net->family)
		return false;
	memcpy(m, a->addr, 16);
	ip_mask(net->family, m, net->len);
	return memcmp(m, net->addr, net->family == AF_INET ? 4 : 16) == 0;
}

bool ksr_dns_allowed(const struct ks_params *p, size_t i)
{
	for (size_t j = 0; j < p->n_allows; j++)
		if (inside(&p->dns[i], &p->allows[j]))
			return true;
	return false;
}

struct emitter {
	int (*emit)(struct nftnl_rule *r, void *data);
	void *data;
	const struct ks_params *p;
};

typedef int (*tun_rule_fn)(struct nftnl_rule *r, const struct ks_params *p, const void *arg);

/* Build one rule with fn and hand it to the callback. */
static int emit_one(const struct emitter *em, tun_rule_fn fn, const void *arg)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = r ? fn(r, em->p, arg) : -ENOMEM;

	err = err ?: em->emit(r, em->data);
	if (r)
		nftnl_rule_free(r);
	return err;
}

/* oifname "IF" accept */
static int rule_oif(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)arg;
	return ifname_is(r, NFT_META_OIFNAME, p->ifname) ?: accept_(r);
}

static int ksr_ct_established(struct nftnl_rule *r);

/* iifname "IF" ct state established,related accept */
static int rule_replies(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)arg;
	return ifname_is(r, NFT_META_IIFNAME, p->ifname) ?: ksr_ct_established(r) ?: accept_(r);
}

/* meta mark N accept */
static int rule_mark(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)p;
	return meta_load(r, NFT_META_MARK) ?: cmp(r, NFT_CMP_EQ, arg, 4) ?: accept_(r);
}

struct dns_arg {
	const struct ks_prefix *ns;
	uint8_t proto;
};

static int rule_dns(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	const struct dns_arg *d = arg;

	(void)p;
	return tun_dns(r, d->ns, d->proto);
}

/* udp|tcp dport 53 return */
static int rule_dns_return(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)p;
	return dport53(r, *(const uint8_t *)arg) ?: verdict(r, NFT_RETURN, NULL);
}

/* ip(6) daddr P accept */
static int rule_allow(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)p;
	return prefix_match(r, arg, false) ?: accept_(r);
}

static int emit_dns(const struct emitter *em)
{
	static const uint8_t udp = IPPROTO_UDP, tcp = IPPROTO_TCP;
	const struct ks_params *p = em->p;
	int err = 0;

	for (size_t i = 0; !err && i < p->n_dns; i++) {
		if (!ksr_dns_allowed(p, i))
			continue;
		err = emit_one(em, rule_dns, &(struct dns_arg){ &p->dns[i], IPPROTO_UDP })
			      ?: emit_one(em, rule_dns,
					  &(struct dns_arg){ &p->dns[i], IPPROTO_TCP });
	}
	return err ?: emit_one(em, rule_dns_return, &udp) ?: emit_one(em, rule_dns_return, &tcp);
}

/* The rules of tun-IF in order (§3.3); a callback gets each as it is built. */
int ksr_tun_rules(const struct ks_params *p, int (*emit)(struct nftnl_rule *r, void *data),
		  void *data)
{
	const struct emitter em = { .emit = emit, .data = data, .p = p };
	int err;

	if (p->empty)
		return 0;
	if (p->mark_only)
		return emit_one(&em, rule_mark, &p->mark);
	err = emit_one(&em, rule_oif, NULL) ?: emit_one(&em, rule_replies, NULL);
	if (!err && p->mark)
		err = emit_one(&em, rule_mark, &p->mark);
	if (!err && p->mark_old && p->mark_old != p->mark)
		err = emit_one(&em, rule_mark, &p->mark_old);
	err = err ?: emit_dns(&em);
	for (size_t i = 0; !err && i < p->n_allows; i++)
		err = emit_one(&em, rule_allow, &p->allows[i]);
	return err;
}

/* ct state established,related */
static int ksr_ct_established(struct nftnl_rule *r)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t zero = 0;
	struct nftnl_expr *e = put(r, "ct");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	return bitwise(r, &mask, 4) ?: cmp(r, NFT_CMP_NEQ, &zero, 4);
}
