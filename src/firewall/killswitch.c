// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kill switch's table (killswitch-netns.md §3.4): one batch per change, read back and
// checked after each.

#include "firewall/killswitch.h"

#include <limits.h>
#include <netinet/in.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "firewall/killswitch-rules.h"
#include "firewall/nft-batch.h"
#include "base/ip.h"
#include "base/macro.h"

/* Batches are sized with this per message: a rule has at most about 20 expressions
 * of < 64 bytes each. */
#define KS_MSG_MAX 2048
#define KS_TUN	   "tun-"
/* Messages of an install besides the old rules, the allows and two per nameserver
 * (BEGIN, table, chains, fixed and tunnel rules, jumps, END), with room to spare. */
#define KS_INSTALL_FIXED 32
#define KS_COMMENT_MAX	 32 /* "wgq lockdown" */
/* Messages of a removal besides the jumps: BEGIN, DELCHAIN or DELTABLE, END, and one
 * to spare. */
#define KS_REMOVE_FIXED 4

static const char *const base_names[2] = { "output", "forward" };

static void tun_name(char out[static KS_NAME_MAX], const char *ifname)
{
	snprintf(out, KS_NAME_MAX, KS_TUN "%s", ifname);
}

/* A base chain (i 0: output, 1: forward), or with ifname the regular tun-IF. */
static int put_chain(struct nft_batch *b, uint16_t type, int i, const char *ifname,
		     enum cfg_ks_level level)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	char name[KS_NAME_MAX];

	if (!c)
		return -ENOMEM;
	if (ifname)
		tun_name(name, ifname);
	else
		snprintf(name, sizeof(name), "%s", base_names[i]);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, KS_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type == NFT_MSG_NEWCHAIN && !ifname) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM,
				    i == 0 ? NF_INET_LOCAL_OUT : NF_INET_FORWARD);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	}
	struct nftnl_udata_buf *ud = NULL;

	if (type == NFT_MSG_NEWCHAIN && ifname) {
		char comment[KS_COMMENT_MAX];

		snprintf(comment, sizeof(comment), "wgq %s", ks_level_name(level));
		ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
		if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_CHAIN_COMMENT, comment))
			nftnl_chain_set_data(c, NFTNL_CHAIN_USERDATA, nftnl_udata_buf_data(ud),
					     nftnl_udata_buf_len(ud));
	}
	int err = nft_batch_put(b, &(struct nft_msg){
					   .type = type,
					   .family = NFPROTO_INET,
					   .flags = type == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0,
					   .chain = c,
				   });

	nftnl_chain_free(c);
	if (ud)
		nftnl_udata_buf_free(ud);
	return err;
}

struct rule_dest {
	struct nft_batch *b;
	const char *chain;
	bool insert; /* at the head (jumps) instead of appended */
};

static int put_rule(struct nftnl_rule *r, void *data)
{
	struct rule_dest *d = data;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, KS_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, d->chain);
	return nft_batch_put(d->b, &(struct nft_msg){
					   .type = NFT_MSG_NEWRULE,
					   .family = NFPROTO_INET,
					   .flags = NLM_F_CREATE | (d->insert ? 0 : NLM_F_APPEND),
					   .rule = r,
				   });
}

static int put_built(struct rule_dest *d, int (*build)(struct nftnl_rule *r, unsigned i),
		     unsigned i)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = r ? build(r, i) : -ENOMEM;

	err = err ?: put_rule(r, d);
	if (r)
		nftnl_rule_free(r);
	return err;
}

static int put_base(struct nft_batch *b, int i)
{
	struct rule_dest d = { .b = b, .chain = base_names[i] };
	unsigned n = i == 0 ? KSR_OUTPUT_FIXED : KSR_FORWARD_FIXED;
	int err = put_chain(b, NFT_MSG_NEWCHAIN, i, NULL, CFG_KS_OFF);

	for (unsigned k = 0; !err && k < n; k++)
		err = put_built(&d, i == 0 ? ksr_output_fixed : ksr_forward_fixed, k);
	return err;
}

static int put_del_rule(struct nft_batch *b, const struct ks_rule *r)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();

	if (!nr)
		return -ENOMEM;
	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, KS_TABLE);
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, r->chain);
	nftnl_rule_set_u64(nr, NFTNL_RULE_HANDLE, r->handle);
	int err = nft_batch_put(
		b,
		&(struct nft_msg){ .type = NFT_MSG_DELRULE, .family = NFPROTO_INET, .rule = nr });

	nftnl_rule_free(nr);
	return err;
}

/* DELRULE for every jump to tun-IF. */
static int put_del_jumps(struct nft_batch *b, const struct ks_state *st, const char *ifname)
{
	char name[KS_NAME_MAX];
	int err = 0;

	tun_name(name, ifname);
	for (size_t i = 0; !err && i < st->n_rules; i++)
		if (streq(st->rules[i].jump, name))
			err = put_del_rule(b, &st->rules[i]);
	return err;
}

static bool has_chain(const struct ks_state *st, const char *name)
{
	for (size_t i = 0; i < st->n_chains; i++)
		if (streq(st->chains[i].name, name))
			return true;
	return false;
}

static int put_tun(struct nft_batch *b, const struct ks_params *p)
{
	char name[KS_NAME_MAX];
	int err = put_chain(b, NFT_MSG_NEWCHAIN, 0, p->ifname, p->level);
	struct rule_dest d = { .b = b, .chain = name };

	tun_name(name, p->ifname);
	err = err ?: ksr_tun_rules(p, put_rule, &d);
	for (int i = 0; !err && i < 2; i++) {
		struct rule_dest j = { .b = b, .chain = base_names[i], .insert = true };
		struct nftnl_rule *r = nftnl_rule_alloc();

		err = r ? ksr_jump(r, name) : -ENOMEM;
		err = err ?: put_rule(r, &j);
		if (r)
			nftnl_rule_free(r);
	}
	return err;
}

int ks_build_install(void *buf, size_t size, struct nl_sock *s, const struct ks_state *st,
		     const struct ks_params *p)
{
	struct nft_batch b = { .buf = buf, .size = size, .sock = s };
	char name[KS_NAME_MAX];
	int err = nft_batch_begin(&b);

	tun_name(name, p->ifname);
	if (!err && !st->table)
		err = nft_batch_table(&b, NFT_MSG_NEWTABLE, NFPROTO_INET, KS_TABLE);
	for (int i = 0; !err && i < 2; i++)
		if (!st->table || !has_chain(st, base_names[i]))
			err = put_base(&b, i);
	if (!err && st->table)
		err = put_del_jumps(&b, st, p->ifname);
	if (!err && st->table && has_chain(st, name))
		err = put_chain(&b, NFT_MSG_DELCHAIN, 0, p->ifname, p->level);
	err = err ?: put_tun(&b, p) ?: nft_batch_end(&b);
	return err < 0 ? err : (int)b.len;
}

/* Bytes enough for the install batch. */
static size_t install_size(const struct ks_state *st, const struct ks_params *p)
{
	return (st->n_rules + p->n_allows + 2 * p->n_dns + KS_INSTALL_FIXED) * KS_MSG_MAX;
}

static int send_install(struct nl_sock *s, const struct ks_state *st, const struct ks_params *p)
{
	size_t size = install_size(st, p);
	_cleanup_free_ void *buf = malloc(size);

	if (!buf)
		return -ENOMEM;
	int len = ks_build_install(buf, size, s, st, p);

	return len < 0 ? len : nl_talk_batch(s, buf, (size_t)len, NULL);
}

int ks_install(struct nl_sock *s, const struct ks_params *p)
{
	_cleanup_(ks_state_clear) struct ks_state st = { 0 };
	int err = ks_read(s, &st);

	err = err ?: send_install(s, &st, p);
	if (err)
		return err;
	ks_state_clear(&st);
	err = ks_read(s, &st);
	if (err)
		return err;
	return ks_intact(&st, p->ifname) && ks_tun_matches(&st, p) ? 0 : -EPROTO;
}

static int send_simple(struct nl_sock *s, const struct ks_state *st, const char *ifname)
{
	char buf[KS_MSG_MAX * KS_REMOVE_FIXED];
	_cleanup_free_ char *big = NULL;
	size_t size = (st->n_rules + KS_REMOVE_FIXED) * KS_MSG_MAX;
	struct nft_batch b = { .buf = buf, .size = sizeof(buf), .sock = s };

	if (ifname && size > sizeof(buf)) {
		big = malloc(size);
		if (!big)
			return -ENOMEM;
		b.buf = big;
		b.size = size;
	}
	int err = nft_batch_begin(&b);

	if (ifname)
		err = err ?: put_del_jumps(&b, st, ifname) ?:
		      put_chain(&b, NFT_MSG_DELCHAIN, 0, ifname, CFG_KS_OFF);
	else
		err = err ?: nft_batch_table(&b, NFT_MSG_DELTABLE, NFPROTO_INET, KS_TABLE);
	err = err ?: nft_batch_end(&b);
	return err ?: nl_talk_batch(s, b.buf, b.len, NULL);
}

static size_t count_tunnels(const struct ks_state *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_chains; i++)
		n += !strncmp(st->chains[i].name, KS_TUN, strlen(KS_TUN));
	return n;
}

int ks_remove(struct nl_sock *s, const char *ifname, bool *removed)
{
	_cleanup_(ks_state_clear) struct ks_state st = { 0 };
	int err = ks_read(s, &st);

	*removed = false;
	if (err || !ks_find(&st, ifname))
		return err;
	*removed = true;
	err = send_simple(s, &st, count_tunnels(&st) == 1 ? NULL : ifname);
	return err == -ENOENT ? 0 : err;
}

int ks_remove_all(struct nl_sock *s)
{
	struct ks_state st = { 0 };
	int err = send_simple(s, &st, NULL);

	return err == -ENOENT ? 0 : err;
}

int ks_marks(struct nl_sock *s, uint32_t **marks, size_t *n)
{
	_cleanup_(ks_state_clear) struct ks_state st = { 0 };
	int err = ks_read(s, &st);

	*n = 0;
	*marks = calloc(st.n_rules + 1, sizeof(**marks));
	if (!*marks)
		return -ENOMEM;
	for (size_t i = 0; !err && i < st.n_rules; i++)
		if (st.rules[i].is_mark && !strncmp(st.rules[i].chain, KS_TUN, strlen(KS_TUN)))
			(*marks)[(*n)++] = st.rules[i].mark;
	return err;
}

uint8_t ks_host_len(int family)
{
	return (uint8_t)((family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr)) *
			 CHAR_BIT);
}

const char *ks_level_name(enum cfg_ks_level level)
{
	static const char *const names[] = {
		[CFG_KS_OFF] = "off",
		[CFG_KS_ON] = "on",
		[CFG_KS_LOCKDOWN] = "lockdown",
	};

	return (size_t)level < ARRAY_SIZE(names) ? names[level] : "off";
}

static void prefix_of(const struct cfg_address *a, struct ks_prefix *p)
{
	p->family = a->family;
	memcpy(p->addr, a->addr, sizeof(p->addr));
	p->len = a->prefixlen;
}

int ks_params_from_cfg(const struct cfg *cfg, struct ks_prefix *allows, struct ks_prefix *dns,
		       struct ks_params *p)
{
	size_t k = 0;

	for (size_t i = 0; i < cfg->n_ks_allows; i++)
		prefix_of(&cfg->ks_allows[i], &allows[i]);
	for (size_t i = 0; i < cfg->n_dns_servers; i++) {
		char text[64];
		int family = 0;

		snprintf(text, sizeof(text), "%s", cfg->dns_servers[i].text);
		text[strcspn(text, "%")] = '\0';
		if (ip_parse(text, &family, dns[k].addr) < 0)
			continue;
		dns[k].family = family;
		dns[k++].len = ks_host_len(family);
	}
	p->allows = allows;
	p->n_allows = cfg->n_ks_allows;
	p->dns = dns;
	p->n_dns = k;
	return 0;
}
