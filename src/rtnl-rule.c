// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Policy routing rules (spec §3.9 steps 2-3, §4.1 step 5, §7.2).

#include "rtnl.h"

#include <linux/fib_rules.h>
#include <sys/socket.h>

#include "macro.h"

/*
 * One message for any rule wgq makes or deletes. Adds carry no FRA_PRIORITY and no
 * FRA_PROTOCOL (spec §3.9): the kernel then picks the priority below the second rule,
 * as it does for ip rule add. Deletes name the priority, since the kernel deletes the
 * first rule that matches the attributes given.
 */
static struct nlmsghdr *build_rule(void *buf, int cmd, const struct rtnl_rule *rule,
				   bool with_priority)
{
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;

	if (!rtnl_addr_len(rule->family) || (cmd != RTM_NEWRULE && cmd != RTM_DELRULE))
		return NULL;
	nlh = nl_msg_start(buf, NL_SMALL_MSG);
	nlh->nlmsg_type = (uint16_t)cmd;
	nlh->nlmsg_flags = cmd == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)rule->family;
	/* As for routes: a table from 256 up only fits in FRA_TABLE. */
	frh->table = rule->table < 256 ? (uint8_t)rule->table : RT_TABLE_UNSPEC;
	frh->action = rule->action;
	frh->flags = rule->flags;
	if (with_priority)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, rule->priority);
	if (rule->has_fwmark) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, rule->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, rule->fwmask);
	}
	if (rule->has_suppress_prefixlen)
		mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, rule->suppress_prefixlen);
	mnl_attr_put_u32(nlh, FRA_TABLE, rule->table);
	return nlh;
}

/* ip rule add not fwmark N table N */
struct nlmsghdr *rtnl_build_rule_fwmark(void *buf, int cmd, int family, uint32_t fwmark,
					uint32_t table, uint32_t priority)
{
	const struct rtnl_rule rule = {
		.family = family,
		.priority = priority,
		.table = table,
		.action = FR_ACT_TO_TBL,
		.flags = FIB_RULE_INVERT,
		.has_fwmark = true,
		.fwmark = fwmark,
		.fwmask = 0xffffffff,
	};

	return build_rule(buf, cmd, &rule, priority != 0);
}

/* ip rule add table main suppress_prefixlength 0 */
struct nlmsghdr *rtnl_build_rule_suppress(void *buf, int cmd, int family, uint32_t priority)
{
	const struct rtnl_rule rule = {
		.family = family,
		.priority = priority,
		.table = RT_TABLE_MAIN,
		.action = FR_ACT_TO_TBL,
		.has_suppress_prefixlen = true,
		.suppress_prefixlen = 0,
	};

	return build_rule(buf, cmd, &rule, priority != 0);
}

static int rule_send(struct nl_sock *s, struct nlmsghdr *nlh)
{
	if (!nlh)
		return -EAFNOSUPPORT;
	return nl_talk(s, nlh, NULL, NULL);
}

int rtnl_rule_add_fwmark(struct nl_sock *s, int family, uint32_t fwmark)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rule_send(s, rtnl_build_rule_fwmark(buf, RTM_NEWRULE, family, fwmark, fwmark, 0));
}

int rtnl_rule_add_suppress(struct nl_sock *s, int family)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rule_send(s, rtnl_build_rule_suppress(buf, RTM_NEWRULE, family, 0));
}

/* Even priority 0 is named: the kernel dumps it without FRA_PRIORITY, but a delete
 * without one would match the first rule of any priority. */
int rtnl_rule_del(struct nl_sock *s, const struct rtnl_rule *rule)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rule_send(s, build_rule(buf, RTM_DELRULE, rule, true));
}

int rtnl_rule_add(struct nl_sock *s, const struct rtnl_rule *rule)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rule_send(s, build_rule(buf, RTM_NEWRULE, rule, true));
}

/* Kernels send FRA_SUPPRESS_PREFIXLEN on every rule, with -1 meaning none (ip rule
 * prints nothing then); treat FRA_SUPPRESS_IFGROUP alike. */
static int parse_suppress(const struct nlattr *attr, bool *set, uint32_t *value)
{
	int r = rtnl_attr_u32(attr, value);

	if (r < 0)
		return r;
	*set = *value != UINT32_MAX;
	if (!*set)
		*value = 0;
	return 0;
}

/*
 * Attributes that do not select packets, or that parse_rule reads. Anything else
 * (iif, oif, l3mdev, uid range, ports, goto, realms, attributes newer than our
 * headers) marks the rule as not of wgq's shape, so down never deletes it.
 */
static int parse_rule_attr(const struct nlattr *attr, struct rtnl_rule *rule, bool *has_mask)
{
	bool ifgroup;
	uint32_t value;
	int r;

	switch (mnl_attr_get_type(attr)) {
	case FRA_PRIORITY:
		return rtnl_attr_u32(attr, &rule->priority);
	case FRA_TABLE:
		return rtnl_attr_u32(attr, &rule->table);
	case FRA_FWMARK:
		rule->has_fwmark = true;
		return rtnl_attr_u32(attr, &rule->fwmark);
	case FRA_FWMASK:
		*has_mask = true;
		return rtnl_attr_u32(attr, &rule->fwmask);
	case FRA_SUPPRESS_PREFIXLEN:
		return parse_suppress(attr, &rule->has_suppress_prefixlen,
				      &rule->suppress_prefixlen);
	case FRA_SUPPRESS_IFGROUP:
		r = parse_suppress(attr, &ifgroup, &value);
		rule->other_selectors |= ifgroup;
		return r;
	case FRA_SRC:
	case FRA_DST: /* selectors only with a non-zero length in the header */
	case FRA_PROTOCOL:
	case FRA_PAD:
		return 0;
	default:
		rule->other_selectors = true;
		return 0;
	}
}

static int parse_rule(const struct nlmsghdr *nlh, struct rtnl_rule *rule)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	bool has_mask = false;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh))
		return -EBADMSG;
	memset(rule, 0, sizeof(*rule));
	rule->family = frh->family;
	rule->table = frh->table; /* FRA_TABLE, always sent by today's kernels, overrides */
	rule->action = frh->action;
	rule->flags = frh->flags;
	rule->other_selectors = frh->src_len || frh->dst_len || frh->tos;
	mnl_attr_for_each(attr, nlh, sizeof(*frh)) {
		int r = parse_rule_attr(attr, rule, &has_mask);

		if (r < 0)
			return r;
	}
	/* A mark given without a mask means the full mask. */
	if (rule->has_fwmark && !has_mask)
		rule->fwmask = 0xffffffff;
	return 0;
}

struct rule_list {
	int family;
	struct rtnl_rule *items;
	size_t n, cap;
	int err;
};

static void rule_list_reset(void *data)
{
	struct rule_list *l = data;

	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
	l->err = 0;
}

static int rule_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_list *l = data;
	struct rtnl_rule rule;

	if (nlh->nlmsg_type != RTM_NEWRULE || l->err)
		return MNL_CB_OK;
	l->err = parse_rule(nlh, &rule);
	if (l->err)
		return MNL_CB_ERROR;
	/* A kernel without this family answers with every family's rules. */
	if (rule.family != l->family)
		return MNL_CB_OK;
	struct rtnl_rule *slot = rtnl_array_add((void **)&l->items, &l->n, &l->cap, sizeof(*slot));
	if (!slot) {
		l->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	*slot = rule;
	return MNL_CB_OK;
}

int rtnl_rule_dump(struct nl_sock *s, int family, struct rtnl_rule **out, size_t *n)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	_cleanup_(rule_list_reset) struct rule_list l = { .family = family };
	struct nlmsghdr *nlh = nl_msg_start(buf, NL_SMALL_MSG);
	struct fib_rule_hdr *frh;

	if (!rtnl_addr_len(family))
		return -EAFNOSUPPORT;
	nlh->nlmsg_type = RTM_GETRULE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)family;
	int r = nl_dump(s, nlh, rule_list_cb, rule_list_reset, &l);

	if (l.err)
		return l.err;
	if (r < 0)
		return r;
	*n = l.n;
	*out = TAKE_PTR(l.items);
	return 0;
}
