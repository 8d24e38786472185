// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The expressions of the kill switch's rules, as nft 1.0.6 generates them for the
// listing of killswitch-netns.md §3.2 (checked with `nft --debug=netlink`), including the
// implicit `meta nfproto` / `meta l4proto` dependencies of an inet table.

#include "firewall/killswitch-rules.h"

#include <libnftnl/expr.h>
#include <limits.h>
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
#include "firewall/nft-expr.h"

/* Ports and values of the fixed rules (killswitch-netns.md §3.2). */
#define PORT_DNS	  53
#define PORT_DHCP_CLIENT  68
#define PORT_DHCP_SERVER  67
#define PORT_DHCP6_CLIENT 546
#define PORT_DHCP6_SERVER 547
#define ND_ROUTER_SOLICIT 133
#define ND_NEIGH_SOLICIT  135
#define ND_NEIGH_ADVERT	  136
#define ND_HOPLIMIT	  255 /* neighbour discovery only from the link itself */
#define LINK_LOCAL_LEN	  10  /* fe80::/10 */
/* Where the ports sit in a UDP or TCP header. */
#define L4_SPORT_OFF  0
#define L4_DPORT_OFF  2
#define L4_PORT_LEN   2
#define ICMP_TYPE_OFF 0

static int cmp_u8(struct nftnl_rule *r, uint8_t v)
{
	return nft_expr_cmp(r, NFT_CMP_EQ, &v, sizeof(v));
}

static int accept_(struct nftnl_rule *r)
{
	return nft_expr_verdict(r, NF_ACCEPT, NULL);
}

/* meta nfproto FAMILY (inet dependency) */
static int nfproto(struct nftnl_rule *r, int family)
{
	return nft_expr_meta_load(r, NFT_META_NFPROTO)
		       ?: cmp_u8(r, family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
}

static int dport53(struct nftnl_rule *r, uint8_t proto)
{
	static const uint8_t port[L4_PORT_LEN] = { PORT_DNS >> 8, PORT_DNS & 0xff };

	return nft_expr_l4proto(r, proto) ?:
	       nft_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, L4_DPORT_OFF, L4_PORT_LEN) ?:
	       nft_expr_cmp(r, NFT_CMP_EQ, port, sizeof(port));
}

/* Bytes of an address of family (AF_INET or AF_INET6). */
static uint32_t addr_len(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static uint32_t addr_offset(int family, bool src)
{
	if (family == AF_INET)
		return src ? offsetof(struct iphdr, saddr) : offsetof(struct iphdr, daddr);
	return src ? offsetof(struct ip6_hdr, ip6_src) : offsetof(struct ip6_hdr, ip6_dst);
}

/* ip daddr P / ip6 daddr P (saddr with src): whole bytes are compared as they are;
 * otherwise nft loads the whole address and masks it. */
static int prefix_match(struct nftnl_rule *r, const struct ks_prefix *p, bool src)
{
	uint32_t alen = addr_len(p->family);
	uint32_t off = addr_offset(p->family, src);
	uint8_t addr[sizeof(p->addr)], mask[sizeof(p->addr)] = { 0 };

	memcpy(addr, p->addr, sizeof(addr));
	ip_mask(p->family, addr, p->len);
	int err = nfproto(r, p->family);

	if (err || p->len % CHAR_BIT == 0)
		return err ?: nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off,
					      p->len / CHAR_BIT) ?:
			      nft_expr_cmp(r, NFT_CMP_EQ, addr, p->len / CHAR_BIT);
	memset(mask, 0xff, sizeof(mask));
	ip_mask(p->family, mask, p->len);
	return nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, off, alen) ?:
	       nft_expr_bitwise(r, mask, alen) ?: nft_expr_cmp(r, NFT_CMP_EQ, addr, alen);
}

/* icmpv6 type T ip6 hoplimit 255 accept */
static int rule_nd(struct nftnl_rule *r, uint8_t type)
{
	return nfproto(r, AF_INET6) ?: nft_expr_l4proto(r, IPPROTO_ICMPV6) ?:
	       nft_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, ICMP_TYPE_OFF, 1) ?:
	       cmp_u8(r, type) ?:
	       nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offsetof(struct ip6_hdr, ip6_hlim),
				1) ?:
	       cmp_u8(r, ND_HOPLIMIT) ?: accept_(r);
}

/* udp sport S udp dport D: nft merges both into one 4-byte load. */
static int udp_ports(struct nftnl_rule *r, uint16_t sport, uint16_t dport)
{
	uint8_t p[2 * L4_PORT_LEN] = { (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8),
				       (uint8_t)dport };

	return nft_expr_l4proto(r, IPPROTO_UDP) ?:
	       nft_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, L4_SPORT_OFF, sizeof(p)) ?:
	       nft_expr_cmp(r, NFT_CMP_EQ, p, sizeof(p));
}

static int rule_dhcp6(struct nftnl_rule *r)
{
	static const struct ks_prefix ll = { .family = AF_INET6,
					     .addr = { 0xfe, 0x80 },
					     .len = LINK_LOCAL_LEN };

	return prefix_match(r, &ll, true) ?: udp_ports(r, PORT_DHCP6_CLIENT, PORT_DHCP6_SERVER) ?:
	       accept_(r);
}

static int rule_reject_any(struct nftnl_rule *r)
{
	return nft_expr_counter(r)
		       ?: nft_expr_reject(r, NFT_REJECT_ICMPX_UNREACH,
					  NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
}

int ksr_output_fixed(struct nftnl_rule *r, unsigned i)
{
	switch (i) {
	case 0:
		return nft_expr_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, "lo") ?: accept_(r);
	case 1:
		return rule_nd(r, ND_ROUTER_SOLICIT);
	case 2:
		return rule_nd(r, ND_NEIGH_SOLICIT);
	case 3:
		return rule_nd(r, ND_NEIGH_ADVERT);
	case 4:
		return udp_ports(r, PORT_DHCP_CLIENT, PORT_DHCP_SERVER) ?: accept_(r);
	case 5:
		return rule_dhcp6(r);
	case 6:
		return dport53(r, IPPROTO_TCP) ?: nft_expr_counter(r) ?:
		       nft_expr_reject(r, NFT_REJECT_TCP_RST, 0);
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
	return nft_expr_verdict(r, NFT_JUMP, chain);
}

static int tun_dns(struct nftnl_rule *r, const struct ks_prefix *ns, uint8_t proto)
{
	struct ks_prefix host = *ns;

	host.len = ks_host_len(ns->family);
	return prefix_match(r, &host, false) ?: dport53(r, proto) ?: accept_(r);
}

static bool inside(const struct ks_prefix *a, const struct ks_prefix *net)
{
	uint8_t m[sizeof(a->addr)];

	if (a->family != net->family)
		return false;
	memcpy(m, a->addr, sizeof(m));
	ip_mask(net->family, m, net->len);
	return memcmp(m, net->addr, addr_len(net->family)) == 0;
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

/* ct state established,related */
static int ct_established(struct nftnl_rule *r)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t zero = 0;

	return nft_expr_ct_load(r, NFT_CT_STATE) ?: nft_expr_bitwise(r, &mask, sizeof(mask)) ?:
	       nft_expr_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* oifname "IF" accept */
static int rule_oif(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)arg;
	return nft_expr_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, p->ifname) ?: accept_(r);
}

/* iifname "IF" ct state established,related accept */
static int rule_replies(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)arg;
	return nft_expr_ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, p->ifname) ?:
	       ct_established(r) ?: accept_(r);
}

/* meta mark N accept */
static int rule_mark(struct nftnl_rule *r, const struct ks_params *p, const void *arg)
{
	(void)p;
	return nft_expr_meta_load(r, NFT_META_MARK) ?:
	       nft_expr_cmp(r, NFT_CMP_EQ, arg, sizeof(p->mark)) ?: accept_(r);
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
	return dport53(r, *(const uint8_t *)arg) ?: nft_expr_verdict(r, NFT_RETURN, NULL);
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

/* The rules of tun-IF in order (killswitch-netns.md §3.3); a callback gets each as it is built. */
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
