// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// One policy rule added or deleted at a named priority, logged, with its exact
// inverse as the undo: what reload needs to move a full tunnel to another fwmark
// make-before-break (the new rule beside the old one, a bypass rule for the new mark
// while the device changes).

#include <netinet/in.h>

#include <linux/fib_rules.h>

#include "base/ip.h"
#include "base/log.h"
#include "tunnel/fulltunnel.h"

/* Print ip -F rule VERB priority P [not ]fwmark M table T */
static void rule_cmd(struct log_line *l, const struct rtnl_rule *rule, bool add)
{
	char table[16] = "main";

	if (rule->table != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), "%u", rule->table);
	log_line(l, "ip -%c rule %s priority %u %sfwmark %u table %s", ip_family_flag(rule->family),
		 add ? "add" : "delete", rule->priority,
		 rule->flags & FIB_RULE_INVERT ? "not " : "", rule->fwmark, table);
}

struct rule_op {
	struct nl_sock *rtnl;
	struct rtnl_rule rule;
	bool add;
};

static int rule_op_run(const struct rule_op *op, bool inverse)
{
	return op->add != inverse ? rtnl_rule_add(op->rtnl, &op->rule)
				  : rtnl_rule_del(op->rtnl, &op->rule);
}

static void undo_rule_op(const void *data)
{
	const struct rule_op *op = data;
	struct log_line cmd;

	rule_cmd(&cmd, &op->rule, !op->add);
	log_line_end(&cmd, rule_op_run(op, true));
}

int fulltunnel_rule_change(struct fulltunnel_ctx *c, const struct rtnl_rule *rule, bool add)
{
	struct rule_op op = { .rtnl = c->rtnl, .rule = *rule, .add = add };
	struct log_line cmd;

	op.rule.action = FR_ACT_TO_TBL;
	op.rule.has_fwmark = true;
	op.rule.fwmask = 0xffffffffU;
	rule_cmd(&cmd, &op.rule, add);
	if (c->dry_run)
		return 0;
	int r = plan_change(c->plan);

	if (r == 0)
		r = rule_op_run(&op, false);
	if (log_line_end(&cmd, r) < 0)
		return r;
	return plan_push_undo(c->plan, undo_rule_op, &op, sizeof(op));
}
