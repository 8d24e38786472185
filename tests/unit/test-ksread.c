// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Reading the kill switch back (firewall/killswitch-read.c) without root: ks_read runs
// against a fake nl layer that answers its GETTABLE and its chain and rule dumps with
// kernel-style replies, made from a real install batch (ks_build_install) rebuilt with
// libnftnl. A dump the kernel interrupts (NLM_F_DUMP_INTR) is answered twice, with the
// reset between, as nl_dump does: the second pass alone must count.
// The nl_* functions the linked modules need are defined here (nl_talk and nl_dump for
// nft-read.c, nl_talk_batch for killswitch.c, nl_next_seq and nl_batch_put for
// nft-batch.c), which keeps netlink/nl.c, and any socket, out of this binary.

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "base/macro.h"
#include "firewall/killswitch.h"
#include "netlink/nl.h"

#define BATCH_SIZE (128 * 1024)
#define REPLY_SIZE (128 * 1024)
#define MSG_ROOM   8192 /* one rebuilt reply at the most */
#define HANDLE_0   100	/* the first handle the fake kernel gives */

/* ---- The fake kernel ---- */

static struct {
	int table_err; /* the GETTABLE's answer: 0 or -ENOENT */
	_Alignas(8) char chains[REPLY_SIZE];
	size_t chains_len;
	_Alignas(8) char rules[REPLY_SIZE];
	size_t rules_len;
	bool intr_chains, intr_rules; /* that dump is interrupted once */
	unsigned gettable, dumps, resets;
	size_t n_chains, n_rules; /* of the install batch, own table only */
} fake;

static int fake_setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

/* Every message of buf to cb, as nl.c's loop does: the first failure is kept. */
static int fake_run(const char *buf, size_t len, mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int left = (int)len, err = 0;

	while (cb && mnl_nlmsg_ok(nlh, left)) {
		errno = 0;
		if (cb(nlh, data) < MNL_CB_STOP && !err)
			err = errno ? -errno : -EBADMSG;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return err;
}

static uint16_t nft_type(const struct nlmsghdr *nlh)
{
	assert_int_equal(NFNL_SUBSYS_ID(nlh->nlmsg_type), NFNL_SUBSYS_NFTABLES);
	return NFNL_MSG_TYPE(nlh->nlmsg_type);
}

/* The one request that is not a dump: GETTABLE inet wgq-killswitch. */
int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct nftnl_table *t = nftnl_table_alloc();
	_Alignas(8) char rep[MSG_ROOM] = { 0 };
	struct nlmsghdr *r;

	(void)s;
	assert_int_equal(nft_type(nlh), NFT_MSG_GETTABLE);
	assert_false(nlh->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(nftnl_table_nlmsg_parse(nlh, t), 0);
	assert_string_equal(nftnl_table_get_str(t, NFTNL_TABLE_NAME), KS_TABLE);
	assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), NFPROTO_INET);
	fake.gettable++;
	r = nftnl_nlmsg_build_hdr(rep, NFT_MSG_NEWTABLE, NFPROTO_INET, 0, nlh->nlmsg_seq);
	nftnl_table_nlmsg_build_payload(r, t);
	nftnl_table_free(t);
	if (fake.table_err)
		return fake.table_err;
	return fake_run(rep, r->nlmsg_len, cb, data);
}

int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void (*reset)(void *data),
	    void *data)
{
	uint16_t type = nft_type(nlh);
	bool chains = type == NFT_MSG_GETCHAIN;

	(void)s;
	assert_true(chains || type == NFT_MSG_GETRULE);
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family,
			 NFPROTO_INET);
	const char *buf = chains ? fake.chains : fake.rules;
	size_t len = chains ? fake.chains_len : fake.rules_len;

	fake.dumps++;
	if (chains ? fake.intr_chains : fake.intr_rules) {
		/* The first pass ends with NLM_F_DUMP_INTR: nl.c resets, dumps again. */
		(void)fake_run(buf, len, cb, data);
		if (reset) {
			reset(data);
			fake.resets++;
		}
	}
	return fake_run(buf, len, cb, data);
}

uint32_t nl_next_seq(struct nl_sock *s)
{
	(void)s;
	fail_msg("no batch is sent with a socket here");
	return 0;
}

int nl_talk_batch(struct nl_sock *s, const void *buf, size_t len, uint32_t *failed_seq)
{
	(void)s, (void)buf, (void)len, (void)failed_seq;
	fail_msg("no batch is sent here");
	return -EIO;
}

/* ks_build_install's messages into the test's buffer, which is big enough. */
int nl_batch_put(char *buf, size_t size, size_t *len, const struct nlmsghdr *nlh)
{
	size_t end = *len + NLMSG_ALIGN(nlh->nlmsg_len);

	assert_true(end <= size);
	memcpy(buf + *len, nlh, end - *len);
	*len = end;
	return 0;
}

/* ---- Dump replies from an install batch ---- */

static const struct ks_prefix allows[] = {
	{ .family = AF_INET, .addr = { 10, 20, 0, 0 }, .len = 16 },
	{ .family = AF_INET6, .addr = { 0xfd, 0x12, 0, 0x34 }, .len = 48 },
	{ .family = AF_INET, .addr = { 198, 51, 100, 7 }, .len = 32 },
};
static const struct ks_prefix dns[] = {
	{ .family = AF_INET, .addr = { 10, 20, 0, 53 }, .len = 32 },
	{ .family = AF_INET6, .addr = { 0xfd, 0x12, 0, 0x34, [15] = 0x53 }, .len = 128 },
	{ .family = AF_INET, .addr = { 9, 9, 9, 9 }, .len = 32 }, /* outside: no rules */
};
static const struct ks_params wgx = {
	.ifname = "wgx",
	.level = CFG_KS_LOCKDOWN,
	.mark = 0xca6c,
	.allows = allows,
	.n_allows = ARRAY_SIZE(allows),
	.dns = dns,
	.n_dns = ARRAY_SIZE(dns),
};

/* The header of a reply at buf + len, as the kernel sends it in a dump (NLM_F_MULTI);
 * the caller puts the object, with its handle, and counts the bytes. */
static struct nlmsghdr *reply_start(char *buf, size_t len, uint16_t type, uint64_t handle)
{
	assert_true(len + MSG_ROOM <= REPLY_SIZE);
	return nftnl_nlmsg_build_hdr(buf + len, type, NFPROTO_INET, NLM_F_MULTI, (uint32_t)handle);
}

static void put_chain(struct nftnl_chain *c, uint64_t handle)
{
	struct nlmsghdr *nlh = reply_start(fake.chains, fake.chains_len, NFT_MSG_NEWCHAIN, handle);

	nftnl_chain_set_u64(c, NFTNL_CHAIN_HANDLE, handle);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	fake.chains_len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_rule(struct nftnl_rule *r, uint64_t handle)
{
	struct nlmsghdr *nlh = reply_start(fake.rules, fake.rules_len, NFT_MSG_NEWRULE, handle);

	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	fake.rules_len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* One batch message (NEWCHAIN or NEWRULE) replayed as a dump reply. */
static void replay(const struct nlmsghdr *nlh, uint64_t handle)
{
	uint16_t type = nft_type(nlh);

	if (type == NFT_MSG_NEWCHAIN) {
		struct nftnl_chain *c = nftnl_chain_alloc();

		assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
		put_chain(c, handle);
		nftnl_chain_free(c);
		fake.n_chains++;
	} else if (type == NFT_MSG_NEWRULE) {
		struct nftnl_rule *r = nftnl_rule_alloc();

		assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
		put_rule(r, handle);
		nftnl_rule_free(r);
		fake.n_rules++;
	}
}

/* A chain and a rule of another inet table, which the dumps also carry. */
static void put_foreign(void)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "filter");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "output");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	put_chain(c, 1);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "output");
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	put_rule(r, 2);
	nftnl_chain_free(c);
	nftnl_rule_free(r);
}

/* The kernel after a fresh install of wgx: its chains and rules, with a foreign table's
 * between them. */
static void fake_installed(void)
{
	_cleanup_free_ char *batch = malloc(BATCH_SIZE);
	struct ks_state none = { 0 };
	int len = ks_build_install(batch, BATCH_SIZE, NULL, &none, &wgx);
	const struct nlmsghdr *nlh = (const void *)batch;
	uint64_t handle = HANDLE_0;

	assert_true(len > 0);
	for (int left = len; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (handle == HANDLE_0 + 3) /* after the table, output, its first rule */
			put_foreign();
		if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES)
			replay(nlh, handle++);
	}
	/* output, forward, tun-wgx; their fixed rules, the tunnel's, two jumps. */
	assert_int_equal(fake.n_chains, 3);
	assert_true(fake.n_rules > 2 * wgx.n_allows);
}

/* ---- The cases ---- */

/* st, read from the fake kernel, must be the batch's; each interrupted dump reset once. */
static void check_read(struct ks_state *st)
{
	assert_int_equal(fake.gettable, 1);
	assert_true(st->table);
	assert_int_equal(st->n_chains, fake.n_chains);
	assert_int_equal(st->n_rules, fake.n_rules);
	assert_non_null(ks_find(st, "wgx"));
	assert_int_equal(ks_find(st, "wgx")->level, CFG_KS_LOCKDOWN);
	assert_true(ks_intact(st, "wgx"));
	assert_true(ks_tun_matches(st, &wgx));
	assert_false(ks_intact(st, "wg0"));
	assert_int_equal(fake.resets, fake.intr_chains + fake.intr_rules);
	ks_state_clear(st);
}

/* One read of the installed switch, the dumps interrupted as asked. */
static void read_installed(bool intr_chains, bool intr_rules)
{
	struct ks_state st = { 0 };

	fake_installed();
	fake.intr_chains = intr_chains;
	fake.intr_rules = intr_rules;
	assert_int_equal(ks_read(NULL, &st), 0);
	assert_int_equal(fake.dumps, 2);
	check_read(&st);
}

static void test_plain(void **state)
{
	(void)state;
	read_installed(false, false);
}

static void test_chains_interrupted(void **state)
{
	(void)state;
	read_installed(true, false);
}

static void test_rules_interrupted(void **state)
{
	(void)state;
	read_installed(false, true);
}

/* Both, into a state that already held a read: ks_read starts from nothing. */
static void test_both_interrupted(void **state)
{
	struct ks_state st = { 0 };

	(void)state;
	fake_installed();
	assert_int_equal(ks_read(NULL, &st), 0);
	fake.intr_chains = fake.intr_rules = true;
	fake.gettable = 0;
	assert_int_equal(ks_read(NULL, &st), 0);
	check_read(&st);
}

/* No table: one GETTABLE, no dump. */
static void test_absent(void **state)
{
	struct ks_state st = { 0 };

	(void)state;
	fake_installed();
	fake.table_err = -ENOENT;
	assert_int_equal(ks_read(NULL, &st), 0);
	assert_false(st.table);
	assert_int_equal(st.n_chains, 0);
	assert_int_equal(st.n_rules, 0);
	assert_int_equal(fake.gettable, 1);
	assert_int_equal(fake.dumps, 0);
	assert_false(ks_intact(&st, "wgx"));
	ks_state_clear(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain, fake_setup),
		cmocka_unit_test_setup(test_chains_interrupted, fake_setup),
		cmocka_unit_test_setup(test_rules_interrupted, fake_setup),
		cmocka_unit_test_setup(test_both_interrupted, fake_setup),
		cmocka_unit_test_setup(test_absent, fake_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
