// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Reading the kill switch's table back, and the "intact" check (killswitch-netns
// killswitch-netns.md §2.3): rules are compared by the text of their expressions, counters left
// out.

#include <limits.h>
#include <netinet/in.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "firewall/killswitch-rules.h"
#include "firewall/killswitch.h"
#include "base/macro.h"
#include "firewall/nft-read.h"

#define SIG_MAX	      4096
#define SIG_EXPR_ROOM 256 /* room one expression's text may need */
/* Rules of tun-IF besides two per nameserver and one per allow, at the most: oifname,
 * iifname, two marks, two returns (and room to spare). */
#define TUN_FIXED_RULES 8
#define WALK_EXPRS_MAX	24 /* expressions remembered for analyse() */
/* The expressions of the rules analyse() recognises: `jump X`; `meta mark N accept`;
 * `ip daddr P accept` (meta, cmp, payload, cmp, immediate), with a bitwise when P does
 * not end on a byte. Indices are into those. */
#define JUMP_EXPRS	  1
#define MARK_EXPRS	  3
#define PREFIX_EXPRS	  5
#define PREFIX_MASK_EXPRS 6
#define PREFIX_NFPROTO	  1 /* the cmp of meta nfproto */
#define PREFIX_PAYLOAD	  2
#define PREFIX_BITWISE	  3
#define GROW_FIRST	  4 /* elements of a first allocation */

static void *grow(void *arr, size_t n, size_t size)
{
	/* Doubling at powers of two; n is the count before the new element. */
	if (n & (n - 1) || n == 1)
		return arr;
	return realloc(arr, (n ? n * 2 : GROW_FIRST) * size);
}

/* A zeroed new element at the end of arr (n elements so far, arr may move); the caller
 * counts it. NULL: no memory, arr unchanged. */
#define NEW_SLOT(arr, n)                                                                           \
	({                                                                                         \
		__typeof__(arr) _a = grow(arr, n, sizeof(*(arr)));                                 \
		if (_a) {                                                                          \
			(arr) = _a;                                                                \
			memset(&_a[n], 0, sizeof(*_a));                                            \
		}                                                                                  \
		_a ? &_a[n] : NULL;                                                                \
	})

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **out = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_CHAIN_COMMENT)
		*out = nftnl_udata_get(attr);
	return 0;
}

static enum cfg_ks_level chain_level(const struct nftnl_chain *c)
{
	uint32_t len = 0;
	const void *ud = nftnl_chain_get_data(c, NFTNL_CHAIN_USERDATA, &len);
	const char *comment = NULL;

	if (!ud || nftnl_udata_parse(ud, len, comment_cb, &comment) < 0 || !comment)
		return CFG_KS_OFF;
	if (!strncmp(comment, "wgq lockdown", len))
		return CFG_KS_LOCKDOWN;
	return !strncmp(comment, "wgq on", len) ? CFG_KS_ON : CFG_KS_OFF;
}

static int chain_cb(struct nftnl_chain *c, void *data)
{
	struct ks_state *st = data;
	struct ks_chain *k = NEW_SLOT(st->chains, st->n_chains);

	if (!k)
		return -ENOMEM;
	st->n_chains++;
	snprintf(k->name, sizeof(k->name), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	k->base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
	k->hook = k->base ? nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) : 0;
	k->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY)
			    ? nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY)
			    : NF_ACCEPT;
	k->level = chain_level(c);
	return 0;
}

struct expr_walk {
	char *sig;
	size_t len;
	struct ks_rule *r;
	const struct nftnl_expr *e[WALK_EXPRS_MAX];
	size_t n;
};

static int expr_cb(struct nftnl_expr *e, void *data)
{
	struct expr_walk *w = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (w->n < ARRAY_SIZE(w->e))
		w->e[w->n++] = e;
	if (streq(name, "counter")) {
		w->r->packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		return MNL_CB_OK;
	}
	if (w->len + SIG_EXPR_ROOM >= SIG_MAX)
		return MNL_CB_OK;
	w->len += (size_t)snprintf(w->sig + w->len, SIG_MAX - w->len, "[%s ", name);
	int n = nftnl_expr_snprintf(w->sig + w->len, SIG_MAX - w->len, e, NFTNL_OUTPUT_DEFAULT, 0);

	if (n > 0 && (size_t)n < SIG_MAX - w->len)
		w->len += (size_t)n;
	w->len += (size_t)snprintf(w->sig + w->len, SIG_MAX - w->len, "]");
	return MNL_CB_OK;
}

static bool is_name(const struct nftnl_expr *e, const char *name)
{
	return streq(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), name);
}

static bool is_verdict(const struct nftnl_expr *e, int v)
{
	return is_name(e, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
	       (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == v;
}

static void analyse_prefix(struct expr_walk *w)
{
	uint32_t dlen = 0, mlen = 0;
	const uint8_t *d = nftnl_expr_get(w->e[w->n - 2], NFTNL_EXPR_CMP_DATA, &dlen);
	const uint8_t *mask = NULL;
	struct ks_prefix *p = &w->r->allow;
	uint8_t fam =
		*(const uint8_t *)nftnl_expr_get(w->e[PREFIX_NFPROTO], NFTNL_EXPR_CMP_DATA, &mlen);

	p->family = fam == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	if (w->n == PREFIX_MASK_EXPRS)
		mask = nftnl_expr_get(w->e[PREFIX_BITWISE], NFTNL_EXPR_BITWISE_MASK, &mlen);
	if (!d || dlen > sizeof(p->addr) || (mask && mlen != dlen))
		return;
	memcpy(p->addr, d, dlen);
	p->len = (uint8_t)(dlen * CHAR_BIT);
	if (mask) {
		p->len = 0;
		for (uint32_t i = 0; i < mlen; i++)
			p->len += (uint8_t)__builtin_popcount(mask[i]);
	}
	w->r->is_allow = true;
}

/* Recognise `jump X`, `meta mark N accept` and `ip(6) daddr P accept`. */
static void analyse(struct expr_walk *w)
{
	const struct nftnl_expr *last = w->n ? w->e[w->n - 1] : NULL;

	if (w->n == JUMP_EXPRS && is_verdict(last, NFT_JUMP))
		snprintf(w->r->jump, sizeof(w->r->jump), "%s",
			 nftnl_expr_get_str(last, NFTNL_EXPR_IMM_CHAIN));
	if (w->n == MARK_EXPRS && is_name(w->e[0], "meta") &&
	    nftnl_expr_get_u32(w->e[0], NFTNL_EXPR_META_KEY) == NFT_META_MARK &&
	    is_verdict(last, NF_ACCEPT)) {
		w->r->mark = nftnl_expr_get_u32(w->e[1], NFTNL_EXPR_CMP_DATA);
		w->r->is_mark = true;
	}
	if ((w->n == PREFIX_EXPRS || w->n == PREFIX_MASK_EXPRS) && is_name(w->e[0], "meta") &&
	    nftnl_expr_get_u32(w->e[0], NFTNL_EXPR_META_KEY) == NFT_META_NFPROTO &&
	    is_name(w->e[PREFIX_PAYLOAD], "payload") && is_verdict(last, NF_ACCEPT))
		analyse_prefix(w);
}

/* Fill r from a parsed rule. sig is malloc'd. */
static int describe(struct nftnl_rule *nr, struct ks_rule *r)
{
	struct expr_walk w = { .r = r };

	w.sig = calloc(1, SIG_MAX);
	if (!w.sig)
		return -ENOMEM;
	nftnl_expr_foreach(nr, expr_cb, &w);
	analyse(&w);
	r->sig = w.sig;
	return 0;
}

static int rule_cb(struct nftnl_rule *nr, void *data)
{
	struct ks_state *st = data;
	struct ks_rule *r = NEW_SLOT(st->rules, st->n_rules);

	if (!r)
		return -ENOMEM;
	snprintf(r->chain, sizeof(r->chain), "%s", nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN));
	r->handle = nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE);
	int err = describe(nr, r);

	if (!err)
		st->n_rules++;
	return err;
}

/* A dump the kernel interrupted (NLM_F_DUMP_INTR) is repeated from the start: forget
 * what its first pass read. */
static void chains_reset(void *data)
{
	struct ks_state *st = data;

	st->n_chains = 0;
}

static void rules_reset(void *data)
{
	struct ks_state *st = data;

	for (size_t i = 0; i < st->n_rules; i++)
		free(st->rules[i].sig);
	st->n_rules = 0;
}

int ks_read(struct nl_sock *s, struct ks_state *st)
{
	const struct nft_read chains = {
		.family = NFPROTO_INET, .table = KS_TABLE, .data = st, .reset = chains_reset
	};
	const struct nft_read rules = {
		.family = NFPROTO_INET, .table = KS_TABLE, .data = st, .reset = rules_reset
	};

	/* Most namespaces have no switch: one GETTABLE answers that, without dumping
	 * every inet chain and rule while other runs commit. */
	ks_state_clear(st);
	int err = nft_read_table_exists(s, NFPROTO_INET, KS_TABLE);

	st->table = err == 0;
	if (err < 0)
		return err == -ENOENT ? 0 : err;
	/* Chains then rules: a change in between shows as "not intact", which the
	 * caller reports; a retry reads again. */
	err = nft_read_chains(s, &chains, chain_cb);
	if (err == 0)
		err = nft_read_rules(s, &rules, rule_cb);
	if (err == -ENOENT)
		err = 0;
	return err;
}

void ks_state_clear(struct ks_state *st)
{
	for (size_t i = 0; i < st->n_rules; i++)
		free(st->rules[i].sig);
	free(st->rules);
	free(st->chains);
	*st = (struct ks_state){ 0 };
}

const struct ks_chain *ks_find(const struct ks_state *st, const char *ifname)
{
	char name[KS_NAME_MAX];

	snprintf(name, sizeof(name), "tun-%s", ifname);
	for (size_t i = 0; i < st->n_chains; i++)
		if (streq(st->chains[i].name, name))
			return &st->chains[i];
	return NULL;
}

/* The signature of a rule built locally, as describe() makes it for the kernel's. */
static int local_sig(int (*build)(struct nftnl_rule *r, unsigned i), unsigned i, char **sig)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct ks_rule r = { 0 };
	int err = nr ? build(nr, i) : -ENOMEM;

	err = err ?: describe(nr, &r);
	if (nr)
		nftnl_rule_free(nr);
	*sig = r.sig;
	return err;
}

static bool base_ok(const struct ks_state *st, int i)
{
	static const char *const names[2] = { "output", "forward" };
	static const uint32_t hooks[2] = { NF_INET_LOCAL_OUT, NF_INET_FORWARD };
	unsigned n = i == 0 ? KSR_OUTPUT_FIXED : KSR_FORWARD_FIXED, k = 0;
	const struct ks_chain *c = NULL;

	for (size_t j = 0; j < st->n_chains; j++)
		if (streq(st->chains[j].name, names[i]))
			c = &st->chains[j];
	if (!c || !c->base || c->hook != hooks[i] || c->policy != NF_DROP)
		return false;
	for (size_t j = 0; j < st->n_rules; j++) {
		const struct ks_rule *r = &st->rules[j];
		_cleanup_free_ char *sig = NULL;

		if (!streq(r->chain, names[i]) || r->jump[0])
			continue;
		if (k >= n || local_sig(i == 0 ? ksr_output_fixed : ksr_forward_fixed, k++, &sig) ||
		    !streq(sig, r->sig))
			return false;
	}
	return k == n;
}

static unsigned count_jumps(const struct ks_state *st, const char *chain, const char *target)
{
	unsigned n = 0;

	for (size_t j = 0; j < st->n_rules; j++)
		if (streq(st->rules[j].chain, chain) && streq(st->rules[j].jump, target))
			n++;
	return n;
}

bool ks_intact(const struct ks_state *st, const char *ifname)
{
	char name[KS_NAME_MAX];

	snprintf(name, sizeof(name), "tun-%s", ifname);
	return st->table && base_ok(st, 0) && base_ok(st, 1) && ks_find(st, ifname) &&
	       count_jumps(st, "output", name) == 1 && count_jumps(st, "forward", name) == 1;
}

void ks_counters(const struct ks_state *st, uint64_t out[3])
{
	out[0] = out[1] = out[2] = 0;
	for (size_t j = 0; j < st->n_rules; j++) {
		const struct ks_rule *r = &st->rules[j];

		if (!strstr(r->sig, "[reject "))
			continue;
		if (streq(r->chain, "forward"))
			out[2] += r->packets;
		else if (streq(r->chain, "output") && strstr(r->sig, "type 1 "))
			out[1] += r->packets;
		else if (streq(r->chain, "output"))
			out[0] += r->packets;
	}
}

struct sig_list {
	char **sigs;
	size_t n, cap;
};

static int collect_sig(struct nftnl_rule *nr, void *data)
{
	struct sig_list *l = data;
	struct ks_rule r = { 0 };

	if (l->n == l->cap)
		return -ENOBUFS;
	int err = describe(nr, &r);

	if (err == 0)
		l->sigs[l->n++] = r.sig;
	return err;
}

bool ks_tun_matches(const struct ks_state *st, const struct ks_params *p)
{
	struct sig_list l = { .cap = TUN_FIXED_RULES + 2 * p->n_dns + p->n_allows };
	char name[KS_NAME_MAX];
	bool ok;
	size_t k = 0;

	l.sigs = calloc(l.cap, sizeof(*l.sigs));
	ok = l.sigs && ksr_tun_rules(p, collect_sig, &l) == 0;
	snprintf(name, sizeof(name), "tun-%s", p->ifname);
	for (size_t j = 0; ok && j < st->n_rules; j++) {
		if (!streq(st->rules[j].chain, name))
			continue;
		ok = k < l.n && streq(st->rules[j].sig, l.sigs[k]);
		k++;
	}
	ok = ok && k == l.n;
	const struct ks_chain *c = ks_find(st, p->ifname);

	ok = ok && c && c->level == p->level;
	for (size_t i = 0; l.sigs && i < l.n; i++)
		free(l.sigs[i]);
	free(l.sigs);
	return ok;
}
