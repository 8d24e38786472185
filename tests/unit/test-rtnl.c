// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The rtnetlink layer without root: every builder's message is parsed back and checked
// field by field, and the operations run against a fake nl_talk()/nl_dump() that
// records each request and answers with hand-built kernel replies. Defining those two
// here keeps nl.c (and any socket) out of this binary.

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "base/macro.h"
#include "netlink/rtnl.h"
#include "wg/model.h"
#include "base/util.h"

/* ---- The fake transport ---- */

#define FAKE_MAX  4
#define FAKE_SIZE 8192

static struct {
	_Alignas(8) char req[FAKE_MAX][FAKE_SIZE];
	size_t nreq;
	_Alignas(8) char rep[FAKE_MAX][FAKE_SIZE];
	size_t rep_len[FAKE_MAX];
	int rep_err[FAKE_MAX]; /* the kernel's answer after the replies */
	bool intr[FAKE_MAX];   /* the dump is interrupted once, then repeated */
} fake;

/* Batches (rtnl_route_add_batch): each is kept whole; batch i fails with err[i],
 * naming its message fail[i] (SIZE_MAX: no message, as a socket error). */
#define FAKE_BATCHES 8

static struct {
	_Alignas(8) char buf[FAKE_BATCHES][RTNL_ROUTE_BATCH_BYTES];
	size_t len[FAKE_BATCHES];
	size_t n;
	int err[FAKE_BATCHES];
	size_t fail[FAKE_BATCHES];
	uint32_t seq;
} fb;

static int fake_setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	memset(&fb, 0, sizeof(fb));
	fb.seq = 1000;
	return 0;
}

static int fake_run(size_t idx, mnl_cb_t cb, void *data)
{
	int left = (int)fake.rep_len[idx];
	const struct nlmsghdr *nlh = (const void *)fake.rep[idx];
	int err = 0;

	while (cb && mnl_nlmsg_ok(nlh, left)) {
		/* As nl.c does: a failing callback is remembered, the loop goes on. */
		errno = 0;
		if (cb(nlh, data) < MNL_CB_STOP && !err)
			err = errno ? -errno : -EBADMSG;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return err ? err : fake.rep_err[idx];
}

static size_t fake_record(const struct nlmsghdr *nlh)
{
	assert_true(fake.nreq < FAKE_MAX);
	assert_true(nlh->nlmsg_len <= FAKE_SIZE);
	memcpy(fake.req[fake.nreq], nlh, nlh->nlmsg_len);
	return fake.nreq++;
}

int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	(void)s;
	return fake_run(fake_record(nlh), cb, data);
}

int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void (*reset)(void *data),
	    void *data)
{
	size_t idx = fake_record(nlh);

	(void)s;
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	if (fake.intr[idx]) {
		(void)fake_run(idx, cb, data);
		assert_non_null(reset);
		reset(data);
	}
	return fake_run(idx, cb, data);
}

uint32_t nl_next_seq(struct nl_sock *s)
{
	(void)s;
	return ++fb.seq;
}

int nl_talk_batch(struct nl_sock *s, const void *buf, size_t len, uint32_t *failed_seq)
{
	size_t i = fb.n++;
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	(void)s;
	assert_true(i < FAKE_BATCHES);
	assert_true(len <= RTNL_ROUTE_BATCH_BYTES);
	memcpy(fb.buf[i], buf, len);
	fb.len[i] = len;
	*failed_seq = 0;
	for (size_t k = 0; mnl_nlmsg_ok(nlh, left); k++, nlh = mnl_nlmsg_next(nlh, &left))
		if (fb.err[i] && k == fb.fail[i])
			*failed_seq = nlh->nlmsg_seq;
	return fb.err[i];
}

static const struct nlmsghdr *req(size_t idx)
{
	assert_true(idx < fake.nreq);
	return (const void *)fake.req[idx];
}

/* Start a reply message for request idx; reply_end() commits it. */
static struct nlmsghdr *reply_start(size_t idx, uint16_t type, const void *hdr, size_t len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(fake.rep[idx] + fake.rep_len[idx]);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, len), hdr, len);
	return nlh;
}

static void reply_end(size_t idx, const struct nlmsghdr *nlh)
{
	fake.rep_len[idx] += NLMSG_ALIGN(nlh->nlmsg_len);
	assert_true(fake.rep_len[idx] < FAKE_SIZE - 512);
}

/* ---- Parsing messages back ---- */

#define TB_MAX 64

struct attrs {
	const struct nlattr *tb[TB_MAX];
	int count;
	size_t bytes;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	assert_true(type < TB_MAX);
	assert_null(t->tb[type]); /* each attribute once */
	t->tb[type] = attr;
	t->count++;
	t->bytes += NLA_ALIGN(attr->nla_len);
	return MNL_CB_OK;
}

/* Parse a message with a fixed header of hdrlen; the attributes must fill it exactly. */
static void parse_msg(const struct nlmsghdr *nlh, size_t hdrlen, struct attrs *t)
{
	memset(t, 0, sizeof(*t));
	assert_true(nlh->nlmsg_len >= NLMSG_HDRLEN + hdrlen);
	assert_int_equal(mnl_attr_parse(nlh, (unsigned)hdrlen, attr_cb, t), MNL_CB_OK);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen) + t->bytes);
}

static void parse_nest(const struct nlattr *nest, struct attrs *t)
{
	memset(t, 0, sizeof(*t));
	assert_non_null(nest);
	assert_int_equal(mnl_attr_parse_nested(nest, attr_cb, t), MNL_CB_OK);
	assert_int_equal(mnl_attr_get_payload_len(nest), t->bytes);
}

static void assert_u32_attr(const struct nlattr *attr, uint32_t value)
{
	assert_non_null(attr);
	assert_int_equal(mnl_attr_get_payload_len(attr), 4);
	assert_int_equal(mnl_attr_get_u32(attr), value);
}

static void assert_bytes_attr(const struct nlattr *attr, const void *value, size_t len)
{
	assert_non_null(attr);
	assert_int_equal(mnl_attr_get_payload_len(attr), len);
	assert_memory_equal(mnl_attr_get_payload(attr), value, len);
}

static void assert_str_attr(const struct nlattr *attr, const char *value)
{
	assert_bytes_attr(attr, value, strlen(value) + 1);
}

static void assert_header(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags)
{
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_flags, flags);
	assert_int_equal(nlh->nlmsg_seq, 0);
	assert_int_equal(nlh->nlmsg_pid, 0);
}

static int pton(const char *text, uint8_t addr[16])
{
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	memset(addr, 0, 16);
	assert_int_equal(inet_pton(family, text, addr), 1);
	return family;
}

static _Alignas(8) char buf[NL_BUF_SIZE];

/* ---- Link builders ---- */

static void test_build_link_get(void **state)
{
	static const char *const names[] = { "wg0", "a", "fifteen-chars-x" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct nlmsghdr *nlh = rtnl_build_link_get(buf, names[i]);
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		struct attrs t;

		assert_header(nlh, RTM_GETLINK, 0);
		parse_msg(nlh, sizeof(*ifi), &t);
		assert_int_equal(ifi->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi->ifi_index, 0);
		assert_int_equal(ifi->ifi_flags, 0);
		assert_int_equal(ifi->ifi_change, 0);
		assert_int_equal(t.count, 1);
		assert_str_attr(t.tb[IFLA_IFNAME], names[i]);
	}
}

static void test_build_link_add(void **state)
{
	static const struct {
		const char *name, *kind;
	} cases[] = { { "wg0", "wireguard" }, { "dm0", "dummy" }, { "x", "veth" } };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nlmsghdr *nlh = rtnl_build_link_add(buf, cases[i].name, cases[i].kind);
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		struct attrs t, info;

		assert_header(nlh, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		parse_msg(nlh, sizeof(*ifi), &t);
		assert_int_equal(ifi->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi->ifi_index, 0);
		assert_int_equal(ifi->ifi_flags, 0);
		assert_int_equal(ifi->ifi_change, 0);
		assert_int_equal(t.count, 2);
		assert_str_attr(t.tb[IFLA_IFNAME], cases[i].name);
		assert_true(t.tb[IFLA_LINKINFO]->nla_type & NLA_F_NESTED);
		parse_nest(t.tb[IFLA_LINKINFO], &info);
		assert_int_equal(info.count, 1);
		assert_str_attr(info.tb[IFLA_INFO_KIND], cases[i].kind);
	}
}

static void test_build_link_del(void **state)
{
	static const int ifindexes[] = { 1, 7, 65536, 2147483647 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ifindexes); i++) {
		struct nlmsghdr *nlh = rtnl_build_link_del(buf, ifindexes[i]);
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		struct attrs t;

		assert_header(nlh, RTM_DELLINK, 0);
		parse_msg(nlh, sizeof(*ifi), &t);
		assert_int_equal(t.count, 0);
		assert_int_equal(ifi->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi->ifi_index, ifindexes[i]);
		assert_int_equal(ifi->ifi_flags, 0);
		assert_int_equal(ifi->ifi_change, 0);
	}
}

static void test_build_link_set_mtu_up(void **state)
{
	static const struct {
		int ifindex;
		uint32_t mtu;
	} cases[] = { { 3, 1420 }, { 9, 65535 }, { 2, 1280 }, { 100000, 68 } };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nlmsghdr *nlh =
			rtnl_build_link_set_mtu_up(buf, cases[i].ifindex, cases[i].mtu);
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		struct attrs t;

		assert_header(nlh, RTM_NEWLINK, 0);
		parse_msg(nlh, sizeof(*ifi), &t);
		assert_int_equal(ifi->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi->ifi_index, cases[i].ifindex);
		assert_int_equal(ifi->ifi_flags, IFF_UP);
		assert_int_equal(ifi->ifi_change, IFF_UP);
		assert_int_equal(t.count, 1);
		assert_u32_attr(t.tb[IFLA_MTU], cases[i].mtu);
	}
}

/* reload: the MTU alone, the link's flags untouched. */
static void test_build_link_set_mtu(void **state)
{
	static const uint32_t mtus[] = { 1280, 1420, 68, 65535 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mtus); i++) {
		struct nlmsghdr *nlh = rtnl_build_link_set_mtu(buf, 20 + (int)i, mtus[i]);
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		struct attrs t;

		assert_header(nlh, RTM_NEWLINK, 0);
		parse_msg(nlh, sizeof(*ifi), &t);
		assert_int_equal(ifi->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi->ifi_index, 20 + i);
		assert_int_equal(ifi->ifi_flags, 0);
		assert_int_equal(ifi->ifi_change, 0);
		assert_int_equal(t.count, 1);
		assert_u32_attr(t.tb[IFLA_MTU], mtus[i]);
	}
}

/* ---- Address builder ---- */

/* Add, and (del) reload's delete, which names the address as ip address del does:
 * local and address, the prefix length, the interface. */
static void check_addr_builder(bool del)
{
	static const struct {
		const char *addr;
		uint8_t len;
		uint8_t scope;
	} cases[] = {
		{ "10.13.13.1", 24, RT_SCOPE_UNIVERSE },
		{ "10.0.0.2", 32, RT_SCOPE_UNIVERSE },
		{ "127.0.0.5", 8, RT_SCOPE_HOST },
		{ "127.255.255.255", 32, RT_SCOPE_HOST },
		{ "126.255.255.255", 32, RT_SCOPE_UNIVERSE },
		{ "128.0.0.1", 1, RT_SCOPE_UNIVERSE },
		{ "0.0.0.0", 0, RT_SCOPE_UNIVERSE },
		{ "fd00::2", 128, RT_SCOPE_UNIVERSE },
		{ "fd00:1::5", 64, RT_SCOPE_UNIVERSE },
		{ "::1", 128, RT_SCOPE_UNIVERSE }, /* ip(8) only makes 127/8 host scope */
		{ "7f00::1", 128, RT_SCOPE_UNIVERSE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t addr[16];
		int family = pton(cases[i].addr, addr);
		size_t alen = family == AF_INET ? 4 : 16;
		struct nlmsghdr *nlh =
			del ? rtnl_build_addr_del(buf, 42 + (int)i, family, addr, cases[i].len)
			    : rtnl_build_addr_add(buf, 42 + (int)i, family, addr, cases[i].len);
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
		struct attrs t;

		if (del)
			assert_header(nlh, RTM_DELADDR, 0);
		else
			assert_header(nlh, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
		parse_msg(nlh, sizeof(*ifa), &t);
		assert_int_equal(ifa->ifa_family, family);
		assert_int_equal(ifa->ifa_prefixlen, cases[i].len);
		assert_int_equal(ifa->ifa_flags, 0);
		assert_int_equal(ifa->ifa_scope, cases[i].scope);
		assert_int_equal(ifa->ifa_index, 42 + i);
		assert_int_equal(t.count, 2); /* no IFA_BROADCAST, no flags */
		assert_bytes_attr(t.tb[IFA_LOCAL], addr, alen);
		assert_bytes_attr(t.tb[IFA_ADDRESS], addr, alen);
	}
	if (!del)
		return;
	static const uint8_t zero[16];

	assert_null(rtnl_build_addr_del(buf, 1, AF_INET, zero, 33));
	assert_null(rtnl_build_addr_del(buf, 1, AF_UNSPEC, zero, 0));
}

static void test_build_addr_add(void **state)
{
	(void)state;
	check_addr_builder(false);
	check_addr_builder(true);
}

/* ---- Route builder ---- */

static const uint32_t tables[] = {
	0, 100, 253, 254, 255, 256, 1234, 51820, 0x7fffffff, 0xffffffff
};

/* Add, and (del) reload's delete of wgq's own route: the add's fields (proto boot,
 * the device, the table), so that a kernel prefix route or the same prefix through
 * another device is never hit. */
static void check_route_builder(bool del)
{
	static const struct {
		const char *dst;
		uint8_t len;
	} dsts[] = { { "10.42.0.0", 24 }, { "0.0.0.0", 0 },    { "10.13.13.3", 32 },
		     { "::", 0 },	  { "fd00:99::", 48 }, { "2001:db8::1", 128 } };

	for (size_t d = 0; d < ARRAY_SIZE(dsts); d++) {
		for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
			uint8_t addr[16];
			int family = pton(dsts[d].dst, addr);
			struct nlmsghdr *nlh = del ? rtnl_build_route_del(buf, 5, family, addr,
									  dsts[d].len, tables[i])
						   : rtnl_build_route_add(buf, 5, family, addr,
									  dsts[d].len, tables[i]);
			const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
			struct attrs t;

			if (del)
				assert_header(nlh, RTM_DELROUTE, 0);
			else
				assert_header(nlh, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
			parse_msg(nlh, sizeof(*rtm), &t);
			assert_int_equal(rtm->rtm_family, family);
			assert_int_equal(rtm->rtm_dst_len, dsts[d].len);
			assert_int_equal(rtm->rtm_src_len, 0);
			assert_int_equal(rtm->rtm_tos, 0);
			assert_int_equal(rtm->rtm_table,
					 tables[i] < 256 ? tables[i] : RT_TABLE_UNSPEC);
			assert_int_equal(rtm->rtm_protocol, RTPROT_BOOT);
			assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
			assert_int_equal(rtm->rtm_type, RTN_UNICAST);
			assert_int_equal(rtm->rtm_flags, 0);
			assert_int_equal(t.count, 3); /* no RTA_PRIORITY, no RTA_PREFSRC */
			assert_u32_attr(t.tb[RTA_TABLE], tables[i]);
			assert_bytes_attr(t.tb[RTA_DST], addr, family == AF_INET ? 4 : 16);
			assert_u32_attr(t.tb[RTA_OIF], 5);
		}
	}
	static const uint8_t zero[16];

	assert_null(del ? rtnl_build_route_del(buf, 6, AF_INET6, zero, 129, 254)
			: rtnl_build_route_add(buf, 6, AF_INET6, zero, 129, 254));
}

static void test_build_route_add(void **state)
{
	(void)state;
	check_route_builder(false);
	check_route_builder(true);
}

/* ---- Rule builders ---- */

static const int families[] = { AF_INET, AF_INET6 };
static const uint32_t priorities[] = { 0, 1, 32765, 0xffffffff };

static void check_rule_msg(const struct nlmsghdr *nlh, int cmd, int family, uint32_t table,
			   uint32_t priority, struct attrs *t)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);

	assert_header(nlh, (uint16_t)cmd, cmd == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	parse_msg(nlh, sizeof(*frh), t);
	assert_int_equal(frh->family, family);
	assert_int_equal(frh->dst_len, 0);
	assert_int_equal(frh->src_len, 0);
	assert_int_equal(frh->tos, 0);
	assert_int_equal(frh->table, table < 256 ? table : RT_TABLE_UNSPEC);
	assert_int_equal(frh->res1, 0);
	assert_int_equal(frh->res2, 0);
	assert_int_equal(frh->action, FR_ACT_TO_TBL);
	assert_u32_attr(t->tb[FRA_TABLE], table);
	assert_null(t->tb[FRA_PROTOCOL]);
	if (priority)
		assert_u32_attr(t->tb[FRA_PRIORITY], priority);
	else
		assert_null(t->tb[FRA_PRIORITY]);
}

static const int cmds[] = { RTM_NEWRULE, RTM_DELRULE };

static void check_fwmark_rule(int cmd, int family, uint32_t table, uint32_t priority)
{
	uint32_t mark = table ^ 0x10000;
	struct nlmsghdr *nlh = rtnl_build_rule_fwmark(buf, cmd, family, mark, table, priority);
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct attrs t;

	check_rule_msg(nlh, cmd, family, table, priority, &t);
	assert_int_equal(frh->flags, FIB_RULE_INVERT);
	assert_int_equal(t.count, priority ? 4 : 3);
	assert_u32_attr(t.tb[FRA_FWMARK], mark);
	assert_u32_attr(t.tb[FRA_FWMASK], 0xffffffff);
}

static void test_build_rule_fwmark(void **state)
{
	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		for (size_t c = 0; c < ARRAY_SIZE(cmds); c++) {
			for (size_t i = 1; i < ARRAY_SIZE(tables); i++) {
				for (size_t p = 0; p < ARRAY_SIZE(priorities); p++)
					check_fwmark_rule(cmds[c], families[f], tables[i],
							  priorities[p]);
			}
		}
	}
}

static void check_suppress_rule(int cmd, int family, uint32_t priority)
{
	struct nlmsghdr *nlh = rtnl_build_rule_suppress(buf, cmd, family, priority);
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct attrs t;

	check_rule_msg(nlh, cmd, family, RT_TABLE_MAIN, priority, &t);
	assert_int_equal(frh->flags, 0);
	assert_int_equal(t.count, priority ? 3 : 2);
	assert_u32_attr(t.tb[FRA_SUPPRESS_PREFIXLEN], 0);
	assert_null(t.tb[FRA_FWMARK]);
}

static void test_build_rule_suppress(void **state)
{
	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		for (size_t c = 0; c < ARRAY_SIZE(cmds); c++) {
			for (size_t p = 0; p < ARRAY_SIZE(priorities); p++)
				check_suppress_rule(cmds[c], families[f], priorities[p]);
		}
	}
}

static void test_build_rejects(void **state)
{
	uint8_t addr[16] = { 10 };

	(void)state;
	assert_null(rtnl_build_addr_add(buf, 1, AF_UNSPEC, addr, 8));
	assert_null(rtnl_build_addr_add(buf, 1, AF_INET, addr, 33));
	assert_null(rtnl_build_addr_add(buf, 1, AF_INET6, addr, 129));
	assert_null(rtnl_build_route_add(buf, 1, AF_PACKET, addr, 0, 254));
	assert_null(rtnl_build_route_add(buf, 1, AF_INET, addr, 33, 254));
	assert_null(rtnl_build_route_add(buf, 1, AF_INET6, addr, 129, 254));
	assert_null(rtnl_build_rule_fwmark(buf, RTM_NEWRULE, AF_UNSPEC, 1, 1, 0));
	assert_null(rtnl_build_rule_fwmark(buf, RTM_GETRULE, AF_INET, 1, 1, 0));
	assert_null(rtnl_build_rule_suppress(buf, RTM_NEWROUTE, AF_INET6, 0));
	assert_non_null(rtnl_build_addr_add(buf, 1, AF_INET6, addr, 128));
	assert_non_null(rtnl_build_route_add(buf, 1, AF_INET, addr, 32, 254));
}

/* ---- Operations that only send ---- */

/* The operation sent exactly what the builder makes, once, and passed on the answer. */
static void assert_sent(const struct nlmsghdr *want)
{
	assert_int_equal(fake.nreq, 1);
	assert_int_equal(req(0)->nlmsg_len, want->nlmsg_len);
	assert_memory_equal(req(0), want, want->nlmsg_len);
}

static void test_ops_send_builder_messages(void **state)
{
	uint8_t addr[16];

	(void)state;
	fake_setup(NULL);
	fake.rep_err[0] = -EOPNOTSUPP;
	assert_int_equal(rtnl_link_add(NULL, "wg0", "wireguard"), -EOPNOTSUPP);
	assert_sent(rtnl_build_link_add(buf, "wg0", "wireguard"));

	fake_setup(NULL);
	assert_int_equal(rtnl_link_del(NULL, 12), 0);
	assert_sent(rtnl_build_link_del(buf, 12));

	fake_setup(NULL);
	assert_int_equal(rtnl_link_set_mtu_up(NULL, 12, 1420), 0);
	assert_sent(rtnl_build_link_set_mtu_up(buf, 12, 1420));

	fake_setup(NULL);
	fake.rep_err[0] = -EACCES;
	assert_int_equal(rtnl_addr_add(NULL, 7, pton("fd00::2", addr), addr, 128), -EACCES);
	assert_sent(rtnl_build_addr_add(buf, 7, AF_INET6, addr, 128));

	fake_setup(NULL);
	fake.rep_err[0] = -EEXIST;
	assert_int_equal(rtnl_route_add(NULL, 7, pton("0.0.0.0", addr), addr, 0, 51820), -EEXIST);
	assert_sent(rtnl_build_route_add(buf, 7, AF_INET, addr, 0, 51820));

	fake_setup(NULL);
	assert_int_equal(rtnl_rule_add_fwmark(NULL, AF_INET6, 51820), 0);
	assert_sent(rtnl_build_rule_fwmark(buf, RTM_NEWRULE, AF_INET6, 51820, 51820, 0));

	fake_setup(NULL);
	assert_int_equal(rtnl_rule_add_suppress(NULL, AF_INET), 0);
	assert_sent(rtnl_build_rule_suppress(buf, RTM_NEWRULE, AF_INET, 0));

	fake_setup(NULL);
	assert_int_equal(rtnl_route_add(NULL, 7, AF_INET, addr, 40, 254), -EINVAL);
	assert_int_equal(rtnl_rule_add_suppress(NULL, AF_UNSPEC), -EAFNOSUPPORT);
	assert_int_equal(fake.nreq, 0);
}

/* reload's operations, for each answer of the kernel. */
static void test_ops_reload(void **state)
{
	static const int answers[] = { 0, -EADDRNOTAVAIL, -ESRCH, -EPERM };
	uint8_t a4[16], a6[16];
	int ret[3];

	(void)state;
	pton("10.1.2.3", a4);
	pton("fd00::", a6);
	for (size_t i = 0; i < ARRAY_SIZE(answers); i++) {
		fake_setup(NULL);
		for (size_t k = 0; k < ARRAY_SIZE(ret); k++)
			fake.rep_err[k] = answers[i];
		ret[0] = rtnl_link_set_mtu(NULL, 12, 1380);
		ret[1] = rtnl_addr_del(NULL, 7, AF_INET, a4, 24);
		ret[2] = rtnl_route_del(NULL, 7, AF_INET6, a6, 8, 1234);
		assert_int_equal(fake.nreq, 3);
		for (size_t k = 0; k < ARRAY_SIZE(ret); k++)
			assert_int_equal(ret[k], answers[i]);
		assert_memory_equal(req(0), rtnl_build_link_set_mtu(buf, 12, 1380),
				    req(0)->nlmsg_len);
		assert_memory_equal(req(1), rtnl_build_addr_del(buf, 7, AF_INET, a4, 24),
				    req(1)->nlmsg_len);
		assert_memory_equal(req(2), rtnl_build_route_del(buf, 7, AF_INET6, a6, 8, 1234),
				    req(2)->nlmsg_len);
	}
	fake_setup(NULL);
	assert_int_equal(rtnl_route_del(NULL, 7, AF_INET, a4, 33, 254), -EINVAL);
	assert_int_equal(rtnl_addr_del(NULL, 7, AF_INET6, a6, 129), -EINVAL);
	assert_int_equal(fake.nreq, 0);
}

/* ---- Route batches ---- */

/* Route i of a test batch: two IPv4 /32s (52-byte messages) among the first four, then
 * IPv6 /128s (64 bytes), so that a 64 KiB batch holds (65536 - 1024) / 64 + 1 = 1009
 * messages (a builder needs NL_SMALL_MSG bytes of room); tables main and others. */
static struct rtnl_route batch_route(size_t i)
{
	bool v4 = i < 4 && i % 2 == 0;
	struct rtnl_route rt = { .family = v4 ? AF_INET : AF_INET6,
				 .oif = 7 + (int)(i % 2),
				 .table = i % 3 ? 254 : 51820 + (uint32_t)i };

	rt.dst_len = v4 ? 32 : 128;
	rt.dst[0] = v4 ? 10 : 0xfd;
	rt.dst[1] = (uint8_t)(i >> 16);
	rt.dst[2] = (uint8_t)(i >> 8);
	rt.dst[3] = (uint8_t)i;
	return rt;
}

/* Check that the batches hold routes [0, n) in order, each message as the builder
 * makes it with a fresh seq and NLM_F_REQUEST, and NLM_F_ACK on each batch's last. */
static void assert_batches(const struct rtnl_route *routes, size_t n)
{
	_Alignas(8) char want[NL_BUF_SIZE];
	size_t k = 0;

	for (size_t b = 0; b < fb.n; b++) {
		const struct nlmsghdr *nlh = (const void *)fb.buf[b];
		int left = (int)fb.len[b];

		assert_true(mnl_nlmsg_ok(nlh, left));
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left), k++) {
			const struct rtnl_route *rt = &routes[k];
			struct nlmsghdr *w = rtnl_build_route_add(want, rt->oif, rt->family,
								  rt->dst, rt->dst_len, rt->table);
			bool last = left == (int)NLMSG_ALIGN(nlh->nlmsg_len);

			assert_true(k < n);
			w->nlmsg_flags |= NLM_F_REQUEST | (last ? NLM_F_ACK : 0);
			w->nlmsg_seq = 1001 + (uint32_t)k;
			assert_int_equal(nlh->nlmsg_len, w->nlmsg_len);
			assert_memory_equal(nlh, w, w->nlmsg_len);
		}
		assert_int_equal(left, 0);
	}
	assert_int_equal(k, n);
	assert_int_equal(fake.nreq, 0); /* nothing through nl_talk */
}

static void test_route_add_batch(void **state)
{
	static const size_t sizes[] = { 1, 3, 1009, 1010, 3000 };
	static struct rtnl_route routes[3000];
	size_t failed = 99;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(routes); i++)
		routes[i] = batch_route(i);
	for (size_t c = 0; c < ARRAY_SIZE(sizes); c++) {
		fake_setup(NULL);
		assert_int_equal(rtnl_route_add_batch(NULL, routes, sizes[c], &failed), 0);
		assert_batches(routes, sizes[c]);
		/* Full batches: as many messages as leave room for one more builder. */
		assert_int_equal(fb.n, (sizes[c] + 1008) / 1009);
	}
	fake_setup(NULL);
	assert_int_equal(rtnl_route_add_batch(NULL, routes, 0, &failed), 0);
	assert_int_equal(fb.n, 0);
}

static void test_route_add_batch_errors(void **state)
{
	static const struct {
		size_t n, batch, msg; /* the failing batch and its message (SIZE_MAX: none) */
		int err;
		size_t failed, sent; /* the route blamed, the batches sent */
	} cases[] = {
		{ 3, 0, 0, -EEXIST, 0, 1 },
		{ 3, 0, 2, -ENETUNREACH, 2, 1 },
		{ 3000, 1, 5, -EEXIST, 1014, 2 },
		{ 3000, 2, 981, -EINVAL, 2999, 3 },
		{ 3000, 1, SIZE_MAX, -ENOBUFS, 1009, 2 },
	};
	static struct rtnl_route routes[3000];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(routes); i++)
		routes[i] = batch_route(i);
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		size_t failed = 99;

		fake_setup(NULL);
		fb.err[cases[c].batch] = cases[c].err;
		fb.fail[cases[c].batch] = cases[c].msg;
		assert_int_equal(rtnl_route_add_batch(NULL, routes, cases[c].n, &failed),
				 cases[c].err);
		assert_int_equal(failed, cases[c].failed);
		assert_int_equal(fb.n, cases[c].sent);
	}
	/* An invalid route: the routes before it go out, then it is blamed. */
	fake_setup(NULL);
	routes[2].dst_len = 33;
	size_t failed = 99;

	assert_int_equal(rtnl_route_add_batch(NULL, routes, 5, &failed), -EINVAL);
	assert_int_equal(failed, 2);
	assert_int_equal(fb.n, 1);
	assert_batches(routes, 2);
}

/* ---- Links: replies ---- */

static void reply_link(size_t idx, int ifindex, unsigned flags, const char *name, uint32_t mtu,
		       const char *kind)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = ifindex,
				 .ifi_flags = flags };
	struct nlmsghdr *nlh = reply_start(idx, RTM_NEWLINK, &ifi, sizeof(ifi));

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (kind) {
		struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
		mnl_attr_nest_end(nlh, info);
	}
	reply_end(idx, nlh);
}

static void test_link_get(void **state)
{
	struct rtnl_link link;
	struct attrs t;

	(void)state;
	reply_link(0, 9, IFF_UP | IFF_POINTOPOINT | IFF_NOARP, "wg0", 1420, "wireguard");
	assert_int_equal(rtnl_link_get(NULL, "wg0", &link), 0);
	assert_int_equal(link.ifindex, 9);
	assert_int_equal(link.flags, IFF_UP | IFF_POINTOPOINT | IFF_NOARP);
	assert_int_equal(link.mtu, 1420);
	assert_string_equal(link.name, "wg0");
	assert_string_equal(link.kind, "wireguard");
	assert_header(req(0), RTM_GETLINK, 0);
	parse_msg(req(0), sizeof(struct ifinfomsg), &t);
	assert_int_equal(t.count, 1);
	assert_str_attr(t.tb[IFLA_IFNAME], "wg0");

	/* A link without IFLA_LINKINFO (lo, physical devices) has no kind. */
	reply_link(1, 1, IFF_UP | IFF_LOOPBACK, "lo", 65536, NULL);
	assert_int_equal(rtnl_link_get_index(NULL, 1, &link), 0);
	assert_string_equal(link.name, "lo");
	assert_string_equal(link.kind, "");
	assert_int_equal(link.mtu, 65536);
	assert_header(req(1), RTM_GETLINK, 0);
	parse_msg(req(1), sizeof(struct ifinfomsg), &t);
	assert_int_equal(t.count, 0);
	assert_int_equal(((const struct ifinfomsg *)mnl_nlmsg_get_payload(req(1)))->ifi_index, 1);

	fake.rep_err[2] = -ENODEV;
	assert_int_equal(rtnl_link_get(NULL, "nope", &link), -ENODEV);
	/* An ack without a link (never seen from a kernel) still means absent. */
	assert_int_equal(rtnl_link_get(NULL, "nope", &link), -ENODEV);
	assert_int_equal(rtnl_link_get(NULL, "sixteen-chars-xx", &link), -EINVAL);
	assert_int_equal(rtnl_link_get(NULL, "", &link), -EINVAL);
	assert_int_equal(fake.nreq, 4);
}

static void test_link_get_malformed(void **state)
{
	struct ifinfomsg ifi = { .ifi_index = 3 };
	struct rtnl_link link;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = reply_start(0, RTM_NEWLINK, &ifi, sizeof(ifi));
	mnl_attr_put_u16(nlh, IFLA_MTU, 1500); /* wrong size */
	reply_end(0, nlh);
	assert_int_equal(rtnl_link_get(NULL, "x", &link), -EBADMSG);

	nlh = reply_start(1, RTM_NEWLINK, &ifi, sizeof(ifi) - 4); /* truncated header */
	reply_end(1, nlh);
	assert_int_equal(rtnl_link_get(NULL, "x", &link), -EBADMSG);

	nlh = reply_start(2, RTM_NEWLINK, &ifi, sizeof(ifi));
	mnl_attr_put(nlh, IFLA_IFNAME, 3, "abc"); /* not NUL-terminated */
	reply_end(2, nlh);
	assert_int_equal(rtnl_link_get(NULL, "x", &link), -EBADMSG);
}

/* ---- Addresses: replies ---- */

static void reply_addr(size_t idx, int ifindex, const char *local, const char *address, uint8_t len,
		       uint8_t scope)
{
	uint8_t a[16], l[16];
	int family = pton(address ? address : local, a);
	struct ifaddrmsg ifa = { .ifa_family = (uint8_t)family,
				 .ifa_prefixlen = len,
				 .ifa_scope = scope,
				 .ifa_index = (uint32_t)ifindex };
	struct nlmsghdr *nlh = reply_start(idx, RTM_NEWADDR, &ifa, sizeof(ifa));
	size_t alen = family == AF_INET ? 4 : 16;

	if (address)
		mnl_attr_put(nlh, IFA_ADDRESS, alen, a);
	if (local) {
		pton(local, l);
		mnl_attr_put(nlh, IFA_LOCAL, alen, l);
	}
	mnl_attr_put_strz(nlh, IFA_LABEL, "x");
	reply_end(idx, nlh);
}

static void assert_addr(const struct rtnl_addr *a, const char *text, uint8_t len, uint8_t scope)
{
	uint8_t want[16];
	int family = pton(text, want);

	assert_int_equal(a->family, family);
	assert_memory_equal(a->addr, want, family == AF_INET ? 4 : 16);
	assert_int_equal(a->prefixlen, len);
	assert_int_equal(a->scope, scope);
}

static void assert_addr_dump_req(size_t idx, int family, int ifindex)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(req(idx));
	struct attrs t;

	assert_header(req(idx), RTM_GETADDR, NLM_F_DUMP);
	parse_msg(req(idx), sizeof(*ifa), &t);
	assert_int_equal(t.count, 0);
	assert_int_equal(ifa->ifa_family, family);
	assert_int_equal(ifa->ifa_index, ifindex);
	assert_int_equal(ifa->ifa_prefixlen, 0);
	assert_int_equal(ifa->ifa_scope, 0);
	assert_int_equal(ifa->ifa_flags, 0);
}

static void test_addr_list_both(void **state)
{
	struct rtnl_addr *addrs = NULL;
	size_t n = 0;

	(void)state;
	reply_addr(0, 1, "127.0.0.1", "127.0.0.1", 8, RT_SCOPE_HOST);
	reply_addr(0, 5, "127.0.0.5", "127.0.0.5", 8, RT_SCOPE_HOST);
	reply_addr(0, 5, "10.42.0.1", "10.42.0.1", 24, RT_SCOPE_UNIVERSE);
	reply_addr(0, 5, "10.0.0.1", "10.0.0.2", 32, RT_SCOPE_UNIVERSE); /* peer */
	reply_addr(0, 6, "10.9.9.9", "10.9.9.9", 32, RT_SCOPE_UNIVERSE);
	reply_addr(1, 5, NULL, "fd00::2", 64, RT_SCOPE_UNIVERSE);
	reply_addr(1, 6, NULL, "fd00::6", 64, RT_SCOPE_UNIVERSE);
	reply_addr(1, 5, NULL, "fe80::1", 64, RT_SCOPE_LINK);
	reply_addr(1, 5, "10.7.7.7", "10.7.7.7", 32, 0); /* old kernel: all families */
	fake.intr[1] = true;
	assert_int_equal(rtnl_addr_list(NULL, 5, AF_UNSPEC, &addrs, &n), 0);
	assert_int_equal(n, 5);
	assert_addr(&addrs[0], "127.0.0.5", 8, RT_SCOPE_HOST);
	assert_addr(&addrs[1], "10.42.0.1", 24, RT_SCOPE_UNIVERSE);
	assert_addr(&addrs[2], "10.0.0.1", 32, RT_SCOPE_UNIVERSE);
	assert_addr(&addrs[3], "fd00::2", 64, RT_SCOPE_UNIVERSE);
	assert_addr(&addrs[4], "fe80::1", 64, RT_SCOPE_LINK);
	free(addrs);
	assert_int_equal(fake.nreq, 2);
	assert_addr_dump_req(0, AF_INET, 5);
	assert_addr_dump_req(1, AF_INET6, 5);
}

static void test_addr_list_one_family(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(fams); f++) {
		struct rtnl_addr *addrs = NULL;
		size_t n = 9;

		fake_setup(NULL);
		reply_addr(0, 3, "10.1.1.1", "10.1.1.1", 24, 0);
		reply_addr(0, 3, NULL, "fd00::3", 128, 0);
		assert_int_equal(rtnl_addr_list(NULL, 3, fams[f], &addrs, &n), 0);
		assert_int_equal(fake.nreq, 1);
		assert_addr_dump_req(0, fams[f], 3);
		assert_int_equal(n, 1);
		assert_addr(&addrs[0], fams[f] == AF_INET ? "10.1.1.1" : "fd00::3",
			    fams[f] == AF_INET ? 24 : 128, 0);
		free(addrs);
	}
	fake_setup(NULL);
	struct rtnl_addr *none = NULL;
	size_t n = 0;

	assert_int_equal(rtnl_addr_list(NULL, 3, AF_INET, &none, &n), 0);
	assert_int_equal(n, 0);
	free(none);
	assert_int_equal(rtnl_addr_list(NULL, 3, AF_PACKET, &none, &n), -EAFNOSUPPORT);
	fake.rep_err[1] = -EIO;
	assert_int_equal(rtnl_addr_list(NULL, 3, AF_UNSPEC, &none, &n), -EIO);
	assert_int_equal(fake.nreq, 2); /* the failed IPv4 dump stops before IPv6 */
}

static void test_addr_list_malformed(void **state)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_index = 2 };
	struct rtnl_addr *addrs = NULL;
	size_t n = 0;
	struct nlmsghdr *nlh = reply_start(0, RTM_NEWADDR, &ifa, sizeof(ifa));

	(void)state;
	mnl_attr_put(nlh, IFA_LOCAL, 16, "0123456789abcdef"); /* IPv6 size in IPv4 */
	reply_end(0, nlh);
	assert_int_equal(rtnl_addr_list(NULL, 2, AF_INET, &addrs, &n), -EBADMSG);
	assert_null(addrs);
}

/* ---- Routes: replies ---- */

struct route_reply {
	const char *dst; /* NULL: no RTA_DST */
	uint8_t dst_len;
	uint8_t rtm_table;
	uint32_t rta_table; /* 0: no RTA_TABLE */
	int oif;	    /* 0: no RTA_OIF */
	uint32_t mtu;	    /* 0: no RTAX_MTU */
	uint32_t lock;	    /* 0: no RTAX_LOCK */
	unsigned flags;
	uint8_t type;
	int family; /* with dst NULL */
};

static void reply_route(size_t idx, const struct route_reply *r)
{
	uint8_t dst[16];
	int family = r->dst ? pton(r->dst, dst) : r->family;
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)family,
		.rtm_dst_len = r->dst_len,
		.rtm_table = r->rtm_table,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = r->type ? r->type : RTN_UNICAST,
		.rtm_flags = r->flags,
	};
	struct nlmsghdr *nlh = reply_start(idx, RTM_NEWROUTE, &rtm, sizeof(rtm));

	if (r->rta_table)
		mnl_attr_put_u32(nlh, RTA_TABLE, r->rta_table);
	if (r->dst)
		mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, dst);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, 1024);
	if (r->mtu || r->lock) {
		struct nlattr *m = mnl_attr_nest_start(nlh, RTA_METRICS);

		if (r->lock)
			mnl_attr_put_u32(nlh, RTAX_LOCK, r->lock);
		mnl_attr_put_u32(nlh, RTAX_ADVMSS, 1360);
		if (r->mtu)
			mnl_attr_put_u32(nlh, RTAX_MTU, r->mtu);
		mnl_attr_nest_end(nlh, m);
	}
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	else
		mnl_attr_put(nlh, RTA_MULTIPATH, 8, "\x10\0\0\0\0\0\0\0");
	reply_end(idx, nlh);
}

static void assert_route_dump_req(size_t idx, int family, uint32_t table)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(req(idx));
	struct attrs t;

	assert_header(req(idx), RTM_GETROUTE, NLM_F_DUMP);
	parse_msg(req(idx), sizeof(*rtm), &t);
	assert_int_equal(rtm->rtm_family, family);
	assert_int_equal(rtm->rtm_table, table < 256 ? table : RT_TABLE_UNSPEC);
	assert_int_equal(rtm->rtm_flags, 0); /* no cached routes */
	assert_int_equal(rtm->rtm_dst_len, 0);
	assert_int_equal(rtm->rtm_scope, 0);
	if (table) {
		assert_int_equal(t.count, 1);
		assert_u32_attr(t.tb[RTA_TABLE], table);
	} else {
		assert_int_equal(t.count, 0);
	}
}

// clang-format off
static const struct route_reply mixed_routes[] = {
	{ .dst = "0.0.0.0", .dst_len = 0, .rtm_table = 254, .rta_table = 254, .oif = 2 },
	{ .dst = "10.42.0.0", .dst_len = 24, .rtm_table = 254, .oif = 9 }, /* no RTA_TABLE */
	{ .dst = "0.0.0.0", .dst_len = 0, .rtm_table = RT_TABLE_COMPAT, .rta_table = 51820,
	  .oif = 9 },
	{ .dst = "10.9.0.0", .dst_len = 16, .rtm_table = 100, .rta_table = 100, .oif = 9 },
	{ .dst = "10.42.0.7", .dst_len = 32, .rtm_table = 254, .rta_table = 254, .oif = 9,
	  .flags = RTM_F_CLONED },
	{ .dst = NULL, .family = AF_INET, .dst_len = 0, .rtm_table = 254, .rta_table = 254,
	  .oif = 0, .type = RTN_UNICAST }, /* multipath default */
	{ .dst = "fd00::", .dst_len = 64, .rtm_table = 254, .rta_table = 254, .oif = 9 },
	{ .dst = "127.0.0.1", .dst_len = 32, .rtm_table = 255, .rta_table = 255, .oif = 1,
	  .type = RTN_LOCAL },
};
// clang-format on

static void test_route_dump_tables(void **state)
{
	static const struct {
		uint32_t table;
		size_t n;
		size_t idx[6]; /* indexes into mixed_routes, in order */
	} cases[] = {
		{ 254, 3, { 0, 1, 5 } },
		{ 51820, 1, { 2 } },
		{ 100, 1, { 3 } },
		{ 1234, 0, { 0 } },
		{ 0, 6, { 0, 1, 2, 3, 5, 7 } },
	};

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct rtnl_route *routes = NULL;
		size_t n = 99;

		fake_setup(NULL);
		for (size_t i = 0; i < ARRAY_SIZE(mixed_routes); i++)
			reply_route(0, &mixed_routes[i]);
		assert_int_equal(rtnl_route_dump(NULL, AF_INET, cases[c].table, &routes, &n), 0);
		assert_route_dump_req(0, AF_INET, cases[c].table);
		assert_int_equal(n, cases[c].n);
		for (size_t i = 0; i < n; i++) {
			const struct route_reply *w = &mixed_routes[cases[c].idx[i]];
			uint8_t dst[16] = { 0 };

			if (w->dst)
				pton(w->dst, dst);
			assert_int_equal(routes[i].family, AF_INET);
			assert_memory_equal(routes[i].dst, dst, 16);
			assert_int_equal(routes[i].dst_len, w->dst_len);
			assert_int_equal(routes[i].table,
					 w->rta_table ? w->rta_table : w->rtm_table);
			assert_int_equal(routes[i].oif, w->oif);
			assert_int_equal(routes[i].type, w->type ? w->type : RTN_UNICAST);
			assert_int_equal(routes[i].protocol, RTPROT_BOOT);
			assert_false(routes[i].cloned);
		}
		free(routes);
	}
}

static void test_route_dump_ipv6(void **state)
{
	// clang-format off
	static const struct route_reply r6[] = {
		{ .dst = "::", .dst_len = 0, .rtm_table = RT_TABLE_UNSPEC, .rta_table = 1234,
		  .oif = 7 },
		{ .dst = "fd00:99::", .dst_len = 48, .rtm_table = 254, .rta_table = 254, .oif = 7 },
		{ .dst = "2001:db8::1", .dst_len = 128, .rtm_table = 254, .rta_table = 254,
		  .oif = 7, .flags = RTM_F_CLONED },
	};
	// clang-format on
	struct rtnl_route *routes = NULL;
	size_t n = 0;
	uint8_t dst[16];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(r6); i++)
		reply_route(0, &r6[i]);
	reply_route(0, &mixed_routes[0]); /* another family: dropped */
	assert_int_equal(rtnl_route_dump(NULL, AF_INET6, 0, &routes, &n), 0);
	assert_route_dump_req(0, AF_INET6, 0);
	assert_int_equal(n, 2);
	pton("fd00:99::", dst);
	assert_memory_equal(routes[1].dst, dst, 16);
	assert_int_equal(routes[0].table, 1234);
	assert_int_equal(routes[0].family, AF_INET6);
	free(routes);

	for (size_t i = 0; i < ARRAY_SIZE(r6); i++)
		reply_route(1, &r6[i]);
	assert_int_equal(rtnl_route_dump(NULL, AF_INET6, 1234, &routes, &n), 0);
	assert_route_dump_req(1, AF_INET6, 1234);
	assert_int_equal(n, 1);
	assert_int_equal(routes[0].oif, 7);
	free(routes);
	assert_int_equal(rtnl_route_dump(NULL, AF_UNSPEC, 0, &routes, &n), -EAFNOSUPPORT);
}

static void test_route_dump_malformed(void **state)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_table = 254 };
	struct rtnl_route *routes = NULL;
	size_t n = 0;
	struct nlmsghdr *nlh = reply_start(0, RTM_NEWROUTE, &rtm, sizeof(rtm));

	(void)state;
	mnl_attr_put(nlh, RTA_DST, 4, "\x0a\0\0\0"); /* IPv4 size in IPv6 */
	reply_end(0, nlh);
	assert_int_equal(rtnl_route_dump(NULL, AF_INET6, 254, &routes, &n), -EBADMSG);
	assert_null(routes);
}

// clang-format off
/* The MTU rule of behaviour.md §3.6: metric unless locked, else the output device. */
static const struct mtu_case {
	const char *name;
	struct route_reply route;
	uint32_t link_mtu; /* the RTM_GETLINK answer, 0: none expected */
	uint32_t want;
} mtu_cases[] = {
	{ "metric", { .mtu = 1400, .oif = 2 }, 0, 1400 },
	{ "metric without device", { .mtu = 1400 }, 0, 1400 },
	{ "locked metric -> device", { .mtu = 1400, .lock = 1U << RTAX_MTU, .oif = 2 }, 1500,
	  1500 },
	{ "locked with other bits", { .mtu = 1400, .lock = (1U << RTAX_MTU) | 1U << RTAX_WINDOW,
				       .oif = 3 }, 9000, 9000 },
	{ "other lock only", { .mtu = 1400, .lock = 1U << RTAX_WINDOW, .oif = 2 }, 0, 1400 },
	{ "lock without mtu", { .lock = 1U << RTAX_MTU, .oif = 4 }, 1280, 1280 },
	{ "no metrics -> device", { .oif = 2 }, 1500, 1500 },
	{ "nothing", { .oif = 0 }, 0, 0 },
	{ "locked, no device", { .mtu = 1400, .lock = 1U << RTAX_MTU }, 0, 0 },
};
// clang-format on

static void check_mtu_case(const struct mtu_case *c, size_t route_req)
{
	if (!c->link_mtu) {
		assert_int_equal(fake.nreq, route_req + 1);
		return;
	}
	assert_int_equal(fake.nreq, route_req + 2);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req(route_req + 1));

	assert_header(req(route_req + 1), RTM_GETLINK, 0);
	assert_int_equal(ifi->ifi_index, c->route.oif);
}

static void check_route_get_mtu(const char *endpoint, const struct mtu_case *c)
{
	union wg_endpoint ep = { 0 };
	struct route_reply r = c->route;
	uint8_t addr[16];
	uint32_t mtu = 77;
	struct attrs t;

	fake_setup(NULL);
	ep.sa.sa_family = (sa_family_t)pton(endpoint, addr);
	if (ep.sa.sa_family == AF_INET)
		memcpy(&ep.in.sin_addr, addr, 4);
	else
		memcpy(&ep.in6.sin6_addr, addr, 16);
	r.dst = endpoint;
	r.dst_len = ep.sa.sa_family == AF_INET ? 32 : 128;
	r.rtm_table = 254;
	r.flags = RTM_F_CLONED; /* a route get answers with a clone */
	reply_route(0, &r);
	if (c->link_mtu)
		reply_link(1, c->route.oif, IFF_UP, "up0", c->link_mtu, "veth");
	assert_int_equal(rtnl_route_get_mtu(NULL, &ep.sa, &mtu), 0);
	if (mtu != c->want)
		fail_msg("%s %s: mtu %u, want %u", endpoint, c->name, mtu, c->want);
	check_mtu_case(c, 0);

	const struct rtmsg *rtm = mnl_nlmsg_get_payload(req(0));

	assert_header(req(0), RTM_GETROUTE, 0);
	parse_msg(req(0), sizeof(*rtm), &t);
	assert_int_equal(rtm->rtm_family, ep.sa.sa_family);
	assert_int_equal(rtm->rtm_dst_len, r.dst_len);
	assert_int_equal(rtm->rtm_table, 0);
	assert_int_equal(rtm->rtm_flags, 0);
	assert_int_equal(t.count, 1);
	assert_bytes_attr(t.tb[RTA_DST], addr, r.dst_len / 8);
}

static void test_route_get_mtu(void **state)
{
	static const char *const endpoints[] = { "198.51.100.7", "2001:db8:1::7" };

	(void)state;
	for (size_t e = 0; e < ARRAY_SIZE(endpoints); e++) {
		for (size_t i = 0; i < ARRAY_SIZE(mtu_cases); i++)
			check_route_get_mtu(endpoints[e], &mtu_cases[i]);
	}
}

static void test_route_get_mtu_errors(void **state)
{
	union wg_endpoint ep = { .in = { .sin_family = AF_INET } };
	uint32_t mtu = 5;

	(void)state;
	fake.rep_err[0] = -ENETUNREACH;
	assert_int_equal(rtnl_route_get_mtu(NULL, &ep.sa, &mtu), -ENETUNREACH);
	assert_int_equal(mtu, 0);
	reply_route(1, &(struct route_reply){ .dst = "0.0.0.0", .dst_len = 32, .oif = 8 });
	fake.rep_err[2] = -ENODEV; /* the device vanished meanwhile */
	assert_int_equal(rtnl_route_get_mtu(NULL, &ep.sa, &mtu), -ENODEV);
	ep.sa.sa_family = AF_UNIX;
	assert_int_equal(rtnl_route_get_mtu(NULL, &ep.sa, &mtu), -EAFNOSUPPORT);
	assert_int_equal(fake.nreq, 3);
}

static void test_default_route_mtu(void **state)
{
	/* Routes that come before the default in the dump and must not count. */
	// clang-format off
	static const struct route_reply noise[] = {
		{ .dst = "0.0.0.0", .dst_len = 0, .rtm_table = 100, .rta_table = 100, .oif = 5,
		  .mtu = 1111 },
		{ .dst = "0.0.0.0", .dst_len = 0, .rtm_table = RT_TABLE_COMPAT, .rta_table = 51820,
		  .oif = 5, .mtu = 1112 },
		{ .dst = "10.0.0.0", .dst_len = 8, .rtm_table = 254, .rta_table = 254, .oif = 5,
		  .mtu = 1113 },
		{ .dst = "192.0.2.1", .dst_len = 0, .rtm_table = 254, .rta_table = 254, .oif = 5,
		  .mtu = 1114, .flags = RTM_F_CLONED },
		{ .dst = "::", .dst_len = 0, .rtm_table = 254, .rta_table = 254, .oif = 5,
		  .mtu = 1115 },
	};
	// clang-format on

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mtu_cases); i++) {
		const struct mtu_case *c = &mtu_cases[i];
		struct route_reply r = c->route, second = {
			.dst = "0.0.0.0", .rtm_table = 254, .rta_table = 254, .oif = 6, .mtu = 1300
		};
		uint32_t mtu = 77;

		fake_setup(NULL);
		for (size_t k = 0; k < ARRAY_SIZE(noise); k++)
			reply_route(0, &noise[k]);
		r.family = AF_INET; /* a multipath default has no RTA_DST on some kernels */
		r.rtm_table = 254;
		r.rta_table = i % 2 ? 254 : 0;
		reply_route(0, &r);
		reply_route(0, &second); /* a higher metric: never looked at */
		if (c->link_mtu)
			reply_link(1, c->route.oif, IFF_UP, "up0", c->link_mtu, "veth");
		assert_int_equal(rtnl_default_route_mtu(NULL, &mtu), 0);
		if (mtu != c->want)
			fail_msg("%s: mtu %u, want %u", c->name, mtu, c->want);
		assert_route_dump_req(0, AF_INET, RT_TABLE_MAIN);
		check_mtu_case(c, 0);
	}

	uint32_t mtu = 77;

	fake_setup(NULL);
	for (size_t k = 0; k < ARRAY_SIZE(noise); k++)
		reply_route(0, &noise[k]);
	assert_int_equal(rtnl_default_route_mtu(NULL, &mtu), 0);
	assert_int_equal(mtu, 0);
	assert_int_equal(fake.nreq, 1);
	fake.rep_err[1] = -EPERM;
	assert_int_equal(rtnl_default_route_mtu(NULL, &mtu), -EPERM);
}

/* ---- Rules: replies ---- */

struct rule_reply {
	uint8_t family, table, action, src_len, dst_len, tos;
	uint32_t flags;
	int attrs[8][2]; /* { type, u32 value }, type 0 ends; type < 0: a u8 attribute */
};

static void reply_rule(size_t idx, const struct rule_reply *r)
{
	struct fib_rule_hdr frh = { .family = r->family,
				    .table = r->table,
				    .action = r->action,
				    .flags = r->flags,
				    .src_len = r->src_len,
				    .dst_len = r->dst_len,
				    .tos = r->tos };
	struct nlmsghdr *nlh = reply_start(idx, RTM_NEWRULE, &frh, sizeof(frh));

	for (size_t i = 0; i < ARRAY_SIZE(r->attrs) && r->attrs[i][0]; i++) {
		if (r->attrs[i][0] < 0)
			mnl_attr_put_u8(nlh, (uint16_t)-r->attrs[i][0], (uint8_t)r->attrs[i][1]);
		else
			mnl_attr_put_u32(nlh, (uint16_t)r->attrs[i][0], (uint32_t)r->attrs[i][1]);
	}
	reply_end(idx, nlh);
}

// clang-format off
#define NONE (-1) /* the kernel's "not set" for the suppress attributes */
/* What every rule carries on today's kernels, selector or not. */
#define BASE(prio, tbl) { FRA_TABLE, tbl }, { -FRA_PROTOCOL, RTPROT_KERNEL }, \
	{ FRA_PRIORITY, prio }
#define STD(prio, tbl) BASE(prio, tbl), { FRA_SUPPRESS_PREFIXLEN, NONE }

static const struct {
	struct rule_reply reply;
	struct rtnl_rule want;
} rule_cases[] = {
	{ { AF_INET, 255, FR_ACT_TO_TBL, .attrs = { { FRA_TABLE, 255 },
		{ FRA_SUPPRESS_PREFIXLEN, NONE }, { -FRA_PROTOCOL, RTPROT_KERNEL } } },
	  { .family = AF_INET, .priority = 0, .table = 255, .action = FR_ACT_TO_TBL } },
	{ { AF_INET, 254, FR_ACT_TO_TBL, .attrs = { BASE(32764, 254),
		{ FRA_SUPPRESS_PREFIXLEN, 0 } } },
	  { .family = AF_INET, .priority = 32764, .table = 254, .action = FR_ACT_TO_TBL,
	    .has_suppress_prefixlen = true, .suppress_prefixlen = 0 } },
	{ { AF_INET, RT_TABLE_COMPAT, FR_ACT_TO_TBL, .flags = FIB_RULE_INVERT, .attrs = {
		STD(32765, 51820), { FRA_FWMARK, 51820 }, { FRA_FWMASK, -1 } } },
	  { .family = AF_INET, .priority = 32765, .table = 51820, .action = FR_ACT_TO_TBL,
	    .flags = FIB_RULE_INVERT, .has_fwmark = true, .fwmark = 51820,
	    .fwmask = 0xffffffff } },
	{ { AF_INET, 10, FR_ACT_TO_TBL, .attrs = { { FRA_PRIORITY, 100 }, { FRA_FWMARK, 10 } } },
	  { .family = AF_INET, .priority = 100, .table = 10, .action = FR_ACT_TO_TBL,
	    .has_fwmark = true, .fwmark = 10, .fwmask = 0xffffffff } },
	{ { AF_INET, 254, FR_ACT_TO_TBL, .attrs = { STD(32766, 254),
		{ FRA_SUPPRESS_IFGROUP, NONE } } },
	  { .family = AF_INET, .priority = 32766, .table = 254, .action = FR_ACT_TO_TBL } },
	{ { AF_INET, 254, FR_ACT_TO_TBL, .attrs = { STD(200, 254),
		{ FRA_SUPPRESS_IFGROUP, 3 } } },
	  { .family = AF_INET, .priority = 200, .table = 254, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 254, FR_ACT_TO_TBL, .src_len = 8, .attrs = { STD(201, 254),
		{ FRA_SRC, 10 } } },
	  { .family = AF_INET, .priority = 201, .table = 254, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 254, FR_ACT_TO_TBL, .dst_len = 24, .attrs = { STD(202, 254),
		{ FRA_DST, 10 } } },
	  { .family = AF_INET, .priority = 202, .table = 254, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 254, FR_ACT_TO_TBL, .tos = 0x10, .attrs = { STD(203, 254) } },
	  { .family = AF_INET, .priority = 203, .table = 254, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 0, FR_ACT_TO_TBL, .attrs = { STD(204, 7), { -FRA_L3MDEV, 1 } } },
	  { .family = AF_INET, .priority = 204, .table = 7, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 0, FR_ACT_TO_TBL, .attrs = { STD(205, 7), { -FRA_IP_PROTO, 17 } } },
	  { .family = AF_INET, .priority = 205, .table = 7, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 0, FR_ACT_TO_TBL, .attrs = { STD(206, 7), { FRA_TUN_ID, 1 } } },
	  { .family = AF_INET, .priority = 206, .table = 7, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET, 0, FR_ACT_GOTO, .attrs = { STD(207, 0), { FRA_GOTO, 300 } } },
	  { .family = AF_INET, .priority = 207, .table = 0, .action = FR_ACT_GOTO,
	    .other_selectors = true } },
	{ { AF_INET, 0, FR_ACT_TO_TBL, .attrs = { STD(208, 7), { 99, 1 } } }, /* unknown */
	  { .family = AF_INET, .priority = 208, .table = 7, .action = FR_ACT_TO_TBL,
	    .other_selectors = true } },
	{ { AF_INET6, RT_TABLE_COMPAT, FR_ACT_TO_TBL, .flags = FIB_RULE_INVERT, .attrs = {
		STD(32763, 1234), { FRA_FWMARK, 1234 }, { FRA_FWMASK, 0xff } } },
	  { .family = AF_INET6, .priority = 32763, .table = 1234, .action = FR_ACT_TO_TBL,
	    .flags = FIB_RULE_INVERT, .has_fwmark = true, .fwmark = 1234, .fwmask = 0xff } },
};
// clang-format on

static void assert_rule(const struct rtnl_rule *got, const struct rtnl_rule *want, size_t i)
{
	if (got->family != want->family || got->priority != want->priority ||
	    got->table != want->table || got->action != want->action || got->flags != want->flags ||
	    got->has_fwmark != want->has_fwmark || got->fwmark != want->fwmark ||
	    got->fwmask != want->fwmask ||
	    got->has_suppress_prefixlen != want->has_suppress_prefixlen ||
	    got->suppress_prefixlen != want->suppress_prefixlen ||
	    got->other_selectors != want->other_selectors)
		fail_msg("rule case %zu: prio %u table %u action %u flags %#x fw %d %#x/%#x "
			 "sup %d %u other %d",
			 i, got->priority, got->table, got->action, got->flags, got->has_fwmark,
			 got->fwmark, got->fwmask, got->has_suppress_prefixlen,
			 got->suppress_prefixlen, got->other_selectors);
}

static void test_rule_dump(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(fams); f++) {
		struct rtnl_rule *rules = NULL;
		size_t n = 0, k = 0;
		struct attrs t;

		fake_setup(NULL);
		for (size_t i = 0; i < ARRAY_SIZE(rule_cases); i++)
			reply_rule(0, &rule_cases[i].reply);
		assert_int_equal(rtnl_rule_dump(NULL, fams[f], &rules, &n), 0);
		for (size_t i = 0; i < ARRAY_SIZE(rule_cases); i++) {
			if (rule_cases[i].want.family != fams[f])
				continue;
			assert_true(k < n);
			assert_rule(&rules[k++], &rule_cases[i].want, i);
		}
		assert_int_equal(k, n);
		free(rules);
		const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(req(0));

		assert_header(req(0), RTM_GETRULE, NLM_F_DUMP);
		parse_msg(req(0), sizeof(*frh), &t);
		assert_int_equal(t.count, 0);
		assert_int_equal(frh->family, fams[f]);
	}
}

static void test_rule_dump_errors(void **state)
{
	struct rtnl_rule *rules = NULL;
	size_t n = 0;
	struct fib_rule_hdr frh = { .family = AF_INET };
	struct nlmsghdr *nlh = reply_start(0, RTM_NEWRULE, &frh, sizeof(frh));

	(void)state;
	mnl_attr_put_u16(nlh, FRA_PRIORITY, 5);
	reply_end(0, nlh);
	assert_int_equal(rtnl_rule_dump(NULL, AF_INET, &rules, &n), -EBADMSG);
	assert_null(rules);
	fake.rep_err[1] = -EAFNOSUPPORT;
	assert_int_equal(rtnl_rule_dump(NULL, AF_INET6, &rules, &n), -EAFNOSUPPORT);
	assert_int_equal(rtnl_rule_dump(NULL, AF_UNSPEC, &rules, &n), -EAFNOSUPPORT);
	assert_int_equal(fake.nreq, 2);
}

/* A delete names the exact rule: priority always (even 0), and every selector. So
 * does reload's rollback when it adds a deleted rule back, create-exclusive. */
static void check_rule_del_add(bool add)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_cases); i++) {
		const struct rtnl_rule *r = &rule_cases[i].want;
		const struct fib_rule_hdr *frh;
		struct attrs t;

		fake_setup(NULL);
		fake.rep_err[0] = i == 3 ? -ENOENT : 0;
		assert_int_equal(add ? rtnl_rule_add(NULL, r) : rtnl_rule_del(NULL, r),
				 i == 3 ? -ENOENT : 0);
		assert_header(req(0), add ? RTM_NEWRULE : RTM_DELRULE,
			      add ? NLM_F_CREATE | NLM_F_EXCL : 0);
		parse_msg(req(0), sizeof(*frh), &t);
		frh = mnl_nlmsg_get_payload(req(0));
		assert_int_equal(frh->family, r->family);
		assert_int_equal(frh->table, r->table < 256 ? r->table : 0);
		assert_int_equal(frh->action, r->action);
		assert_int_equal(frh->flags, r->flags);
		assert_int_equal(t.count, 2 + 2 * r->has_fwmark + r->has_suppress_prefixlen);
		assert_u32_attr(t.tb[FRA_PRIORITY], r->priority);
		assert_u32_attr(t.tb[FRA_TABLE], r->table);
		if (r->has_fwmark) {
			assert_u32_attr(t.tb[FRA_FWMARK], r->fwmark);
			assert_u32_attr(t.tb[FRA_FWMASK], r->fwmask);
		}
		if (r->has_suppress_prefixlen)
			assert_u32_attr(t.tb[FRA_SUPPRESS_PREFIXLEN], r->suppress_prefixlen);
	}
	fake_setup(NULL);
	assert_int_equal(add ? rtnl_rule_add(NULL, &(struct rtnl_rule){ .family = AF_UNSPEC })
			     : rtnl_rule_del(NULL, &(struct rtnl_rule){ .family = AF_UNSPEC }),
			 -EAFNOSUPPORT);
	assert_int_equal(fake.nreq, 0);
}

static void test_rule_del(void **state)
{
	(void)state;
	check_rule_del_add(false);
	check_rule_del_add(true);
}

/* ---- Shared helpers ---- */

static void test_array_add(void **state)
{
	uint32_t *items = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	for (uint32_t i = 0; i < 10000; i++) {
		uint32_t *slot = array_append(&items, &n, &cap, sizeof(*slot));

		assert_non_null(slot);
		assert_int_equal(*slot, 0);
		*slot = i * 3;
	}
	assert_int_equal(n, 10000);
	assert_true(cap >= n);
	for (uint32_t i = 0; i < 10000; i++)
		assert_int_equal(items[i], i * 3);
	free(items);
	assert_int_equal(rtnl_addr_len(AF_INET), 4);
	assert_int_equal(rtnl_addr_len(AF_INET6), 16);
	assert_int_equal(rtnl_addr_len(AF_UNSPEC), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_build_link_get, fake_setup),
		cmocka_unit_test_setup(test_build_link_add, fake_setup),
		cmocka_unit_test_setup(test_build_link_del, fake_setup),
		cmocka_unit_test_setup(test_build_link_set_mtu_up, fake_setup),
		cmocka_unit_test_setup(test_build_link_set_mtu, fake_setup),
		cmocka_unit_test_setup(test_build_addr_add, fake_setup),
		cmocka_unit_test_setup(test_build_route_add, fake_setup),
		cmocka_unit_test_setup(test_build_rule_fwmark, fake_setup),
		cmocka_unit_test_setup(test_build_rule_suppress, fake_setup),
		cmocka_unit_test_setup(test_build_rejects, fake_setup),
		cmocka_unit_test_setup(test_ops_send_builder_messages, fake_setup),
		cmocka_unit_test_setup(test_ops_reload, fake_setup),
		cmocka_unit_test_setup(test_route_add_batch, fake_setup),
		cmocka_unit_test_setup(test_route_add_batch_errors, fake_setup),
		cmocka_unit_test_setup(test_link_get, fake_setup),
		cmocka_unit_test_setup(test_link_get_malformed, fake_setup),
		cmocka_unit_test_setup(test_addr_list_both, fake_setup),
		cmocka_unit_test_setup(test_addr_list_one_family, fake_setup),
		cmocka_unit_test_setup(test_addr_list_malformed, fake_setup),
		cmocka_unit_test_setup(test_route_dump_tables, fake_setup),
		cmocka_unit_test_setup(test_route_dump_ipv6, fake_setup),
		cmocka_unit_test_setup(test_route_dump_malformed, fake_setup),
		cmocka_unit_test_setup(test_route_get_mtu, fake_setup),
		cmocka_unit_test_setup(test_route_get_mtu_errors, fake_setup),
		cmocka_unit_test_setup(test_default_route_mtu, fake_setup),
		cmocka_unit_test_setup(test_rule_dump, fake_setup),
		cmocka_unit_test_setup(test_rule_dump_errors, fake_setup),
		cmocka_unit_test_setup(test_rule_del, fake_setup),
		cmocka_unit_test_setup(test_array_add, fake_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
