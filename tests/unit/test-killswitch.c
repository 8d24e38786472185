// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kill switch (killswitch-netns.md §2, §3): its batches built in memory and parsed
// back with libnftnl, each rule's expressions compared with what nft 1.0.6 generates
// for the listing of killswitch-netns.md §3.2 (`nft --debug=netlink`); and the parser's rules for
// the keys. No socket, no root.

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

#include "config/config.h"
#include "firewall/killswitch.h"
#include "base/macro.h"
#include "tunnel/save.h"

#define BUF_SIZE  (256 * 1024)
#define MAX_MSGS  64
#define TYPE(msg) ((NFNL_SUBSYS_NFTABLES << 8) | (msg))

/* Expected expressions, one string per rule, from nft 1.0.6 for the killswitch-netns.md §3.2
 * listing. */

/* icmpv6 type T ip6 hoplimit 255 accept, for T (hex) 85, 87 and 88 */
#define ND_RULE(t)                                                                                 \
	"[ meta load nfproto => reg 1 ]\n"                                                         \
	"[ cmp eq reg 1 0x0000000a ]\n"                                                            \
	"[ meta load l4proto => reg 1 ]\n"                                                         \
	"[ cmp eq reg 1 0x0000003a ]\n"                                                            \
	"[ payload load 1b @ transport header + 0 => reg 1 ]\n"                                    \
	"[ cmp eq reg 1 0x000000" t " ]\n"                                                         \
	"[ payload load 1b @ network header + 7 => reg 1 ]\n"                                      \
	"[ cmp eq reg 1 0x000000ff ]\n"                                                            \
	"[ immediate reg 0 accept ]\n"

/* ip daddr 192.168.1.1 PROTO dport 53 accept, for PROTO (hex) 11 (udp) and 06 (tcp) */
#define DNS_RULE(proto)                                                                            \
	"[ meta load nfproto => reg 1 ]\n"                                                         \
	"[ cmp eq reg 1 0x00000002 ]\n"                                                            \
	"[ payload load 4b @ network header + 16 => reg 1 ]\n"                                     \
	"[ cmp eq reg 1 0x0101a8c0 ]\n"                                                            \
	"[ meta load l4proto => reg 1 ]\n"                                                         \
	"[ cmp eq reg 1 0x000000" proto " ]\n"                                                     \
	"[ payload load 2b @ transport header + 2 => reg 1 ]\n"                                    \
	"[ cmp eq reg 1 0x00003500 ]\n"                                                            \
	"[ immediate reg 0 accept ]\n"
static const char *const want_output[] = {
	"[ meta load oifname => reg 1 ]\n"
	"[ cmp eq reg 1 0x00006f6c 0x00000000 0x00000000 0x00000000 ]\n"
	"[ immediate reg 0 accept ]\n",
	ND_RULE("85"),
	ND_RULE("87"),
	ND_RULE("88"),
	"[ meta load l4proto => reg 1 ]\n"
	"[ cmp eq reg 1 0x00000011 ]\n"
	"[ payload load 4b @ transport header + 0 => reg 1 ]\n"
	"[ cmp eq reg 1 0x43004400 ]\n"
	"[ immediate reg 0 accept ]\n",
	"[ meta load nfproto => reg 1 ]\n"
	"[ cmp eq reg 1 0x0000000a ]\n"
	"[ payload load 16b @ network header + 8 => reg 1 ]\n"
	"[ bitwise reg 1 = ( reg 1 & 0x0000c0ff 0x00000000 0x00000000 0x00000000 ) ^ 0x00000000 "
	"0x00000000 0x00000000 0x00000000 ]\n"
	"[ cmp eq reg 1 0x000080fe 0x00000000 0x00000000 0x00000000 ]\n"
	"[ meta load l4proto => reg 1 ]\n"
	"[ cmp eq reg 1 0x00000011 ]\n"
	"[ payload load 4b @ transport header + 0 => reg 1 ]\n"
	"[ cmp eq reg 1 0x23022202 ]\n"
	"[ immediate reg 0 accept ]\n",
	"[ meta load l4proto => reg 1 ]\n"
	"[ cmp eq reg 1 0x00000006 ]\n"
	"[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"[ cmp eq reg 1 0x00003500 ]\n"
	"[ counter pkts 0 bytes 0 ]\n"
	"[ reject type 1 code 0 ]\n",
	"[ counter pkts 0 bytes 0 ]\n"
	"[ reject type 2 code 3 ]\n",
};
static const char *const want_forward[] = {
	"[ counter pkts 0 bytes 0 ]\n"
	"[ reject type 2 code 3 ]\n",
};
static const char *const want_tun[] = {
	"[ meta load oifname => reg 1 ]\n"
	"[ cmp eq reg 1 0x00306777 0x00000000 0x00000000 0x00000000 ]\n"
	"[ immediate reg 0 accept ]\n",
	"[ meta load iifname => reg 1 ]\n"
	"[ cmp eq reg 1 0x00306777 0x00000000 0x00000000 0x00000000 ]\n"
	"[ ct load state => reg 1 ]\n"
	"[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
	"[ cmp neq reg 1 0x00000000 ]\n"
	"[ immediate reg 0 accept ]\n",
	"[ meta load mark => reg 1 ]\n"
	"[ cmp eq reg 1 0x0000ca6c ]\n"
	"[ immediate reg 0 accept ]\n",
	DNS_RULE("11"),
	DNS_RULE("06"),
	"[ meta load l4proto => reg 1 ]\n"
	"[ cmp eq reg 1 0x00000011 ]\n"
	"[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"[ cmp eq reg 1 0x00003500 ]\n"
	"[ immediate reg 0 return ]\n",
	"[ meta load l4proto => reg 1 ]\n"
	"[ cmp eq reg 1 0x00000006 ]\n"
	"[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	"[ cmp eq reg 1 0x00003500 ]\n"
	"[ immediate reg 0 return ]\n",
	"[ meta load nfproto => reg 1 ]\n"
	"[ cmp eq reg 1 0x00000002 ]\n"
	"[ payload load 3b @ network header + 16 => reg 1 ]\n"
	"[ cmp eq reg 1 0x0001a8c0 ]\n"
	"[ immediate reg 0 accept ]\n",
	"[ meta load nfproto => reg 1 ]\n"
	"[ cmp eq reg 1 0x0000000a ]\n"
	"[ payload load 8b @ network header + 24 => reg 1 ]\n"
	"[ cmp eq reg 1 0x010000fd 0x00000000 ]\n"
	"[ immediate reg 0 accept ]\n",
};
static const char *const want_jump[] = {
	"[ immediate reg 0 jump -> tun-wg0 ]\n",
};

struct batch {
	const struct nlmsghdr *msg[MAX_MSGS];
	size_t n;
};

/* The messages of a batch of len bytes; seqs count from 1 without a socket. */
static void split(const void *buf, int len, struct batch *b)
{
	size_t off = 0;

	assert_true(len > 0);
	for (b->n = 0; off < (size_t)len; b->n++) {
		const struct nlmsghdr *nlh = (const void *)((const char *)buf + off);

		assert_true(b->n < MAX_MSGS && nlh->nlmsg_len >= NLMSG_HDRLEN);
		assert_int_equal(nlh->nlmsg_seq, b->n + 1);
		b->msg[b->n] = nlh;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	assert_int_equal(off, (size_t)len);
}

static int expr_text(struct nftnl_expr *e, void *data)
{
	char *out = data, line[512];

	nftnl_expr_snprintf(line, sizeof(line), e, NFTNL_OUTPUT_DEFAULT, 0);
	/* nft prints "[ NAME TEXT]"; the text ends in a space. */
	size_t n = strlen(out);

	snprintf(out + n, 4096 - n, "[ %s %s]\n", nftnl_expr_get_str(e, NFTNL_EXPR_NAME), line);
	return MNL_CB_OK;
}

/* A NEWRULE of chain with these expressions; appended or inserted. */
static void check_rule(const struct nlmsghdr *nlh, const char *chain, const char *want, bool append)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char text[4096] = "";

	assert_int_equal(nlh->nlmsg_type, TYPE(NFT_MSG_NEWRULE));
	assert_int_equal(nlh->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | (append ? NLM_F_APPEND : 0));
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
	assert_int_equal(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY), NFPROTO_INET);
	assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), "wgq-killswitch");
	assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), chain);
	nftnl_expr_foreach(r, expr_text, text);
	assert_string_equal(text, want);
	nftnl_rule_free(r);
}

static void check_chain(const struct nlmsghdr *nlh, uint16_t type, const char *name, int hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	assert_int_equal(nlh->nlmsg_type, TYPE(type));
	assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), "wgq-killswitch");
	assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), name);
	if (hook >= 0) {
		assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), hook);
		assert_int_equal(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), 0);
		assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_DROP);
		assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter");
	} else {
		assert_false(nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM));
	}
	nftnl_chain_free(c);
}

static const struct ks_prefix allows[] = {
	{ .family = AF_INET, .addr = { 192, 168, 1, 0 }, .len = 24 },
	{ .family = AF_INET6, .addr = { 0xfd, 0, 0, 1 }, .len = 64 },
};
static const struct ks_prefix dns[] = {
	{ .family = AF_INET, .addr = { 10, 64, 0, 1 }, .len = 32 },
	{ .family = AF_INET, .addr = { 192, 168, 1, 1 }, .len = 32 },
};
static const struct ks_params wg0 = {
	.ifname = "wg0",
	.level = CFG_KS_ON,
	.mark = 51820,
	.allows = allows,
	.n_allows = 2,
	.dns = dns,
	.n_dns = 2,
};

static size_t check_tun(const struct batch *b, size_t i)
{
	check_chain(b->msg[i++], NFT_MSG_NEWCHAIN, "tun-wg0", -1);
	for (size_t k = 0; k < ARRAY_SIZE(want_tun); k++)
		check_rule(b->msg[i++], "tun-wg0", want_tun[k], true);
	/* The jumps go to the head of each base chain (no APPEND). */
	check_rule(b->msg[i++], "output", want_jump[0], false);
	check_rule(b->msg[i++], "forward", want_jump[0], false);
	return i;
}

/* Present (test_replace): tun-wg0 and tun-wg1, and their jumps. */
static struct ks_chain replaced_chains[] = {
	{ .name = "output", .base = true },
	{ .name = "forward", .base = true },
	{ .name = "tun-wg0" },
	{ .name = "tun-wg1" },
};
static struct ks_rule replaced_rules[] = {
	{ .chain = "output", .handle = 34, .jump = "tun-wg0", .sig = (char *)"" },
	{ .chain = "output", .handle = 36, .jump = "tun-wg1", .sig = (char *)"" },
	{ .chain = "forward", .handle = 35, .jump = "tun-wg0", .sig = (char *)"" },
};
static const struct ks_state replaced = {
	.table = true,
	.chains = replaced_chains,
	.n_chains = ARRAY_SIZE(replaced_chains),
	.rules = replaced_rules,
	.n_rules = ARRAY_SIZE(replaced_rules),
};

/* No table yet: table, both base chains with their fixed rules, tun-wg0, jumps. */
static void test_install_fresh(void **state)
{
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	struct ks_state st = { 0 };
	struct batch b;
	size_t i = 0;

	(void)state;
	split(buf, ks_build_install(buf, BUF_SIZE, NULL, &st, &wg0), &b);
	assert_int_equal(b.msg[i++]->nlmsg_type, NFNL_MSG_BATCH_BEGIN);
	assert_int_equal(b.msg[i++]->nlmsg_type, TYPE(NFT_MSG_NEWTABLE));
	check_chain(b.msg[i++], NFT_MSG_NEWCHAIN, "output", NF_INET_LOCAL_OUT);
	for (size_t k = 0; k < ARRAY_SIZE(want_output); k++)
		check_rule(b.msg[i++], "output", want_output[k], true);
	check_chain(b.msg[i++], NFT_MSG_NEWCHAIN, "forward", NF_INET_FORWARD);
	check_rule(b.msg[i++], "forward", want_forward[0], true);
	i = check_tun(&b, i);
	assert_int_equal(b.msg[i++]->nlmsg_type, NFNL_MSG_BATCH_END);
	assert_int_equal(i, b.n);
}

/* Present: the old jumps go by handle and the old chain by name, in the same batch. */
static void test_replace(void **state)
{
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	struct ks_state st = replaced;
	struct batch b;
	size_t i = 0;

	(void)state;
	split(buf, ks_build_install(buf, BUF_SIZE, NULL, &st, &wg0), &b);
	assert_int_equal(b.msg[i++]->nlmsg_type, NFNL_MSG_BATCH_BEGIN);
	for (uint64_t h = 34; h <= 35; h++) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		assert_int_equal(b.msg[i]->nlmsg_type, TYPE(NFT_MSG_DELRULE));
		assert_int_equal(nftnl_rule_nlmsg_parse(b.msg[i++], r), 0);
		assert_int_equal(nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE), h);
		nftnl_rule_free(r);
	}
	check_chain(b.msg[i++], NFT_MSG_DELCHAIN, "tun-wg0", -1);
	i = check_tun(&b, i);
	assert_int_equal(b.msg[i++]->nlmsg_type, NFNL_MSG_BATCH_END);
	assert_int_equal(i, b.n);
}

/* The batches' bytes: each message's length and digest, recorded from the builders of
 * r19 (c23afac) before the kill switch and the wg-quick-IF table shared one set of
 * expression and batch builders, so that any change to what is sent shows here.
 * Data in host order is little-endian here. */
struct golden_msg {
	uint32_t len;
	uint32_t digest;
};

/* FNV-1a, 32 bits. */
static uint32_t fnv1a(const void *p, size_t n, uint32_t h)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#define FNV_BASIS 2166136261u

/* A message's digest: its header (seq included) and nfgenmsg, and the sum of the
 * digests of its top-level attributes with their padding, so that their order does not
 * count (libnftnl versions differ in the order of a chain's; test-nft.c's golden test
 * allows the same). */
static uint32_t msg_digest(const struct nlmsghdr *nlh)
{
	const char *p = (const char *)nlh;
	size_t hdr = NLMSG_HDRLEN + (nlh->nlmsg_len > NLMSG_HDRLEN ? sizeof(struct nfgenmsg) : 0);
	uint32_t sum = 0;

	for (size_t off = hdr; off + sizeof(struct nlattr) <= nlh->nlmsg_len;) {
		const struct nlattr *a = (const void *)(p + off);
		size_t len = NLA_ALIGN(a->nla_len);

		if (a->nla_len < sizeof(*a) || off + len > NLMSG_ALIGN(nlh->nlmsg_len))
			return 0;
		sum += fnv1a(a, len, FNV_BASIS);
		off += len;
	}
	return fnv1a(p, hdr, FNV_BASIS) + sum;
}

/* wg0 installed on no table (test_install_fresh), and over tun-wg0 beside tun-wg1
 * (test_replace). */
static const struct golden_msg golden_fresh[] = {
	{ 20, 0x5c73e3bb },  { 48, 0x77b552bf },  { 92, 0xa3b38ff8 },  { 196, 0xc8e72160 },
	{ 456, 0xb01d24ac }, { 456, 0x3d1af93b }, { 456, 0x55afb711 }, { 280, 0xf493b909 },
	{ 560, 0x63229503 }, { 312, 0x1d113b7d }, { 136, 0x6817eb27 }, { 92, 0x3a05566b },
	{ 136, 0x0d406600 }, { 68, 0x958d6eee },  { 196, 0x86f8ece4 }, { 340, 0xb23833a1 },
	{ 184, 0xb94b516a }, { 456, 0x428b291c }, { 456, 0xb7960834 }, { 280, 0x90b85a40 },
	{ 280, 0x9b7bdd14 }, { 280, 0x0dbc32cc }, { 284, 0x9839093e }, { 116, 0x6df84007 },
	{ 116, 0x9f3bcc8d }, { 20, 0xdb610f91 },
};
static const struct golden_msg golden_replace[] = {
	{ 20, 0x5c73e3bb },  { 64, 0x57e6a829 },  { 64, 0x8a2a3642 },  { 52, 0xc6b37cd7 },
	{ 68, 0x1edd1af5 },  { 196, 0xf0287c5d }, { 340, 0x50f29d5c }, { 184, 0xe9b3ddd3 },
	{ 456, 0xe14592d7 }, { 456, 0x159f75ab }, { 280, 0x049d4893 }, { 280, 0x6b1350ab },
	{ 280, 0x1e04a2a7 }, { 284, 0xf64276b5 }, { 116, 0xc14c4ea4 }, { 116, 0xcfa458f6 },
	{ 20, 0xed1f2756 },
};

static void check_golden(const char *buf, int len, const struct golden_msg *want, size_t n)
{
	struct batch b;

	split(buf, len, &b);
	assert_int_equal(b.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(b.msg[i]->nlmsg_len, want[i].len);
		assert_int_equal(msg_digest(b.msg[i]), want[i].digest);
	}
}

static void test_golden_bytes(void **state)
{
	_cleanup_free_ char *buf = calloc(1, BUF_SIZE);
	struct ks_state fresh = { 0 };
	struct ks_state st = replaced;

	(void)state;
	assert_non_null(buf);
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
		skip();
	check_golden(buf, ks_build_install(buf, BUF_SIZE, NULL, &fresh, &wg0), golden_fresh,
		     ARRAY_SIZE(golden_fresh));
	memset(buf, 0, BUF_SIZE);
	check_golden(buf, ks_build_install(buf, BUF_SIZE, NULL, &st, &wg0), golden_replace,
		     ARRAY_SIZE(golden_replace));
}

/* The batch for p when the table and its base chains exist (buf: BUF_SIZE bytes). */
static void build_on_base(char *buf, const struct ks_params *p, struct batch *b)
{
	struct ks_chain chains[] = { { .name = "output", .base = true },
				     { .name = "forward", .base = true } };
	struct ks_state st = { .table = true, .chains = chains, .n_chains = 2 };

	split(buf, ks_build_install(buf, BUF_SIZE, NULL, &st, p), b);
}

/* No mark (a target, killswitch-netns.md §5.6; killswitch on without one), no allows:
 * no mark rule. */
static void test_no_mark(void **state)
{
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	struct ks_params p = { .ifname = "wg0", .level = CFG_KS_LOCKDOWN };
	struct batch b;

	(void)state;
	build_on_base(buf, &p, &b);
	/* BEGIN, chain, oifname, iifname, 2 returns, 2 jumps, END */
	assert_int_equal(b.n, 9);
	check_rule(b.msg[2], "tun-wg0", want_tun[0], true);
	check_rule(b.msg[3], "tun-wg0", want_tun[1], true);
	check_rule(b.msg[4], "tun-wg0", want_tun[5], true);
	check_rule(b.msg[5], "tun-wg0", want_tun[6], true);
}

/* A broken config (killswitch-netns.md §2.3): an empty chain at lockdown, still jumped to. */
static void test_empty(void **state)
{
	_cleanup_free_ char *buf = malloc(BUF_SIZE);
	struct ks_params p = { .ifname = "wg0", .level = CFG_KS_LOCKDOWN, .empty = true };
	struct batch b;

	(void)state;
	build_on_base(buf, &p, &b);
	assert_int_equal(b.n, 5);
	check_chain(b.msg[1], NFT_MSG_NEWCHAIN, "tun-wg0", -1);
	check_rule(b.msg[2], "output", want_jump[0], false);
}

static int parse(const char *text, struct cfg *cfg, char *err, size_t size)
{
	struct cfg_parser *p = NULL;
	int r = cfg_parser_new(&p, cfg, NULL);

	r = r ?: cfg_parser_feed_buffer(p, text, strlen(text));
	r = r ?: cfg_parser_finish(p);
	if (r < 0 && p)
		snprintf(err, size, "%u: %s", cfg_parser_error_line(p), cfg_parser_error(p));
	cfg_parser_free(p);
	return r;
}

#define IFACE "[Interface]\nPrivateKey = EJJTn5DW112uS1wzCf0r+vDCll2OUnlVp5/k5SJ2gEA=\n"

/* Case-insensitive values, last KillSwitch wins, allows accumulate in order. */
static void test_parse_keys(void **state)
{
	struct cfg cfg = { 0 };
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(IFACE "killswitch = ON\nKillSwitch = LockDown\n"
				     "KillSwitchAllow = 192.168.1.0/24,fd00:1::/64\n"
				     "KillSwitchAllow =\nKillSwitchAllow = 10.1.2.3 ::1\n",
			       &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.kill_switch, CFG_KS_LOCKDOWN);
	assert_int_equal(cfg.kill_switch_line, 4);
	assert_int_equal(cfg.n_ks_allows, 4);
	assert_string_equal(cfg.ks_allows[0].text, "192.168.1.0/24");
	assert_int_equal(cfg.ks_allows[1].prefixlen, 64);
	assert_int_equal(cfg.ks_allows[2].prefixlen, 32);
	assert_int_equal(cfg.ks_allows[3].prefixlen, 128);
	assert_int_equal(cfg.ks_allows[3].line, 7);
	/* strip drops the keys */
	assert_null(strstr(cfg.stripped, "KillSwitch"));
	cfg_clear(&cfg);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *line, *err;
	} cases[] = {
		{ "KillSwitch = 1", "3: KillSwitch: '1' is not off, on or lockdown" },
		{ "KillSwitch =", "3: KillSwitch: missing value" },
		{ "KillSwitchAllow = 10.0.0.0/8 x", "3: KillSwitchAllow: 'x' is not an IP prefix" },
		{ "KillSwitchAllow = 10.0.0.1/8",
		  "3: KillSwitchAllow: '10.0.0.1/8' has host bits set" },
		{ "KillSwitchAllow = ::/0",
		  "3: KillSwitchAllow: '::/0' allows everything; use KillSwitch = off" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cfg cfg = { 0 };
		char text[256], err[256] = "";

		snprintf(text, sizeof(text), IFACE "%s\n", cases[i].line);
		assert_int_equal(parse(text, &cfg, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, cases[i].err);
		cfg_clear(&cfg);
	}
}

/* save writes the keys the config set, after SaveConfig (killswitch-netns.md §2.5): level in lower
 * case, the allows on one line as written. */
static void test_save(void **state)
{
	struct cfg cfg = { 0 };
	char err[256] = "", *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(parse(IFACE
			       "SaveConfig = true\nKillSwitch = LOCKDOWN\n"
			       "KillSwitchAllow = 192.168.1.0/24\nKillSwitchAllow = fd00:1::/64\n",
			       &cfg, err, sizeof(err)),
			 0);
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(save_format(f, &cfg, NULL, 0, NULL, &cfg.dev, 0), 0);
	fclose(f);
	assert_non_null(strstr(text, "SaveConfig = true\nKillSwitch = lockdown\n"
				     "KillSwitchAllow = 192.168.1.0/24, fd00:1::/64\n"));
	free(text);
	cfg_clear(&cfg);
}

/* The killswitch-netns.md §3.2 text form for --dry-run. */
static void test_print(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct ks_state st = { 0 };

	(void)state;
	ks_print(f, &st, &wg0);
	fclose(f);
	assert_non_null(strstr(text, "\tchain tun-wg0 {\n\t\tcomment \"wgq on\"\n"));
	assert_non_null(strstr(text, "\t\tmeta mark 0x0000ca6c accept\n"
				     "\t\tip daddr 192.168.1.1 udp dport 53 accept\n"
				     "\t\tip daddr 192.168.1.1 tcp dport 53 accept\n"
				     "\t\tudp dport 53 return\n"));
	assert_non_null(strstr(text, "\t\tip6 daddr fd00:1::/64 accept\n\t}\n}\n"));
	assert_null(strstr(text, "10.64.0.1"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_fresh), cmocka_unit_test(test_replace),
		cmocka_unit_test(test_no_mark),	      cmocka_unit_test(test_empty),
		cmocka_unit_test(test_parse_keys),    cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_print),	      cmocka_unit_test(test_save),
		cmocka_unit_test(test_golden_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
