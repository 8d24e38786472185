// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Policy routing rules (behaviour.md §3.9 steps 2-3, §4.1 step 5, §7.2).

#include "netlink/rtnl.h"

#include <linux/fib_rules.h>
#include <sys/socket.h>

#include "base/macro.h"

/*
 * One message for any rule wgq makes or deletes. Adds carry no FRA_PRIORITY and no
 * FRA_PROTOCOL (behaviour.md §3.9): the kernel then picks the priority below the second rule,
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
	nlh = rtnl_msg_start(buf, (uint16_t)cmd, cmd == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0,
			     sizeof(*frh), rule->family);
	frh = mnl_nlmsg_get_payload(nlh);
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

/* The rules of behaviour.md §3.9: to a table, at priority (0: none). */
static struct nlmsghdr *build_wgq_rule(void *buf, int cmd, int family, uint32_t priority,
				       const struct rtnl_rule *shape)
{
	struct rtnl_rule rule = *shape;

	rule.family = family;
	rule.priority = priority;
	rule.action = FR_ACT_TO_TBL;
	return build_rule(buf, cmd, &rule, priority != 0);
}

/* ip rule add not fwmark N table N */
struct nlmsghdr *rtnl_build_rule_fwmark(void *buf, int cmd, int family, uint32_t fwmark,
					uint32_t table, uint32_t priority)
{
	const struct rtnl_rule rule = {
		.table = table,
		.flags = FIB_RULE_INVERT,
		.has_fwmark = true,
		.fwmark = fwmark,
		.fwmask = 0xffffffff,
	};

	return build_wgq_rule(buf, cmd, family, priority, &rule);
}

/* ip rule add table main suppress_prefixlength 0 */
struct nlmsghdr *rtnl_build_rule_suppress(void *buf, int cmd, int family, uint32_t priority)
{
	const struct rtnl_rule rule = { .table = RT_TABLE_MAIN, .has_suppress_prefixlen = true };

	return build_wgq_rule(buf, cmd, family, priority, &rule);
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

/* A rule being parsed: a mark given without a mask means the full mask. */
struct rule_parse {
	struct rtnl_rule rule;
	bool has_mask;
};

static int parse_mark(const struct nlattr *attr, void *obj)
{
	struct rule_parse *p = obj;

	if (mnl_attr_get_type(attr) == FRA_FWMASK) {
		p->has_mask = true;
		return rtnl_attr_u32(attr, &p->rule.fwmask);
	}
	p->rule.has_fwmark = true;
	return rtnl_attr_u32(attr, &p->rule.fwmark);
}

/* Kernels send FRA_SUPPRESS_PREFIXLEN on every rule, with -1 meaning none (ip rule
 * prints nothing then); FRA_SUPPRESS_IFGROUP alike, which selects when set. */
static int parse_suppress(const struct nlattr *attr, void *obj)
{
	struct rtnl_rule *rule = &((struct rule_parse *)obj)->rule;
	uint32_t value;
	int r = rtnl_attr_u32(attr, &value);

	if (r < 0)
		return r;
	if (mnl_attr_get_type(attr) == FRA_SUPPRESS_IFGROUP) {
		rule->other_selectors |= value != UINT32_MAX;
		return 0;
	}
	rule->has_suppress_prefixlen = value != UINT32_MAX;
	rule->suppress_prefixlen = rule->has_suppress_prefixlen ? value : 0;
	return 0;
}

static int parse_other(const struct nlattr *attr, void *obj)
{
	(void)attr;
	((struct rule_parse *)obj)->rule.other_selectors = true;
	return 0;
}

/*
 * Attributes that do not select packets, or that parse_rule reads. Anything else
 * (iif, oif, l3mdev, uid range, ports, goto, realms, attributes newer than our
 * headers) marks the rule as not of wgq's shape, so down never deletes it.
 */
static const struct rtnl_attr_spec rule_attrs[] = {
	[FRA_DST] = RTNL_SKIP, /* selectors only with a non-zero length in the header */
	[FRA_SRC] = RTNL_SKIP,
	[FRA_PRIORITY] = RTNL_U32(struct rule_parse, rule.priority),
	[FRA_FWMARK] = RTNL_FUNC(parse_mark),
	[FRA_SUPPRESS_IFGROUP] = RTNL_FUNC(parse_suppress),
	[FRA_SUPPRESS_PREFIXLEN] = RTNL_FUNC(parse_suppress),
	[FRA_TABLE] = RTNL_U32(struct rule_parse, rule.table),
	[FRA_FWMASK] = RTNL_FUNC(parse_mark),
	[FRA_PAD] = RTNL_SKIP,
	[FRA_PROTOCOL] = RTNL_SKIP,
};

static const struct rtnl_attr_table rule_table = { rule_attrs, ARRAY_SIZE(rule_attrs),
						   parse_other };

static int parse_rule(const struct nlmsghdr *nlh, struct rtnl_rule *rule)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct rule_parse p = { 0 };
	int r;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh))
		return -EBADMSG;
	p.rule = (struct rtnl_rule){
		.family = frh->family,
		.table = frh->table, /* FRA_TABLE, always sent by today's kernels, overrides */
		.action = frh->action,
		.flags = frh->flags,
		.other_selectors = frh->src_len || frh->dst_len || frh->tos,
	};
	r = rtnl_parse_attrs(nlh, sizeof(*frh), &rule_table, &p);
	if (r < 0)
		return r;
	if (p.rule.has_fwmark && !p.has_mask)
		p.rule.fwmask = 0xffffffff;
	*rule = p.rule;
	return 0;
}

static int rule_keep(const struct nlmsghdr *nlh, struct rtnl_list *l)
{
	const int *family = l->filter;
	struct rtnl_rule rule;
	int r = parse_rule(nlh, &rule);

	/* A kernel without this family answers with every family's rules. */
	if (r < 0 || rule.family != *family)
		return r;
	return rtnl_list_add(l, &rule);
}

int rtnl_rule_dump(struct nl_sock *s, int family, struct rtnl_rule **out, size_t *n)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	_cleanup_(rtnl_list_free) struct rtnl_list l =
		RTNL_LIST_INIT(RTM_NEWRULE, sizeof(**out), rule_keep, &family);
	struct nlmsghdr *nlh;
	int r;

	if (!rtnl_addr_len(family))
		return -EAFNOSUPPORT;
	nlh = rtnl_msg_start(buf, RTM_GETRULE, NLM_F_DUMP, sizeof(struct fib_rule_hdr), family);
	r = rtnl_list_dump(s, nlh, &l);
	if (r < 0)
		return r;
	*out = rtnl_list_take(&l, n);
	return 0;
}
