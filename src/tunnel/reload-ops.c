// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// reload's changes of one address or route, each logged with its exact inverse as the
// undo, and the route lookups its steps share.

#include "tunnel/reload.h"

#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"

/* --- one address or route change and its inverse --- */

static int rt_op_run(const struct rt_op *op, bool inverse)
{
	struct nl_sock *s = op->rtnl;
	int ifindex = op->ifindex;

	if (op->route && op->add != inverse)
		return rtnl_route_add(s, ifindex, op->family, op->addr, op->len, op->table);
	if (op->route)
		return rtnl_route_del(s, ifindex, op->family, op->addr, op->len, op->table);
	if (op->add != inverse)
		return rtnl_addr_add(s, ifindex, op->family, op->addr, op->len);
	return rtnl_addr_del(s, ifindex, op->family, op->addr, op->len);
}

void reload_undo_rt_op(const void *data)
{
	const struct rt_op *op = data;
	struct log_line cmd;

	log_line(&cmd, "%s", op->undo_cmd);
	log_line_end(&cmd, rt_op_run(op, true));
}

static int apply_rt_op(struct reload_ctx *c, const struct rt_op *op)
{
	struct log_line cmd;

	log_line(&cmd, "%s", op->cmd);
	if (c->t.dry_run)
		return 0;
	int r = plan_change(&c->t.plan);

	if (r == 0)
		r = rt_op_run(op, false);
	if (log_line_end(&cmd, r) < 0)
		return r;
	return plan_push_undo(&c->t.plan, reload_undo_rt_op, op, sizeof(*op));
}

/* "ip -4 route VERB P dev IF [table T]": T as written in the config when given,
 * else the number, and nothing for main. */
void reload_route_cmd(char *out, size_t size, const char *ip, const char *verb,
		      const struct rt_op *op, const char *ifname, const char *table_text)
{
	char prefix[IP_PREFIX_STRLEN], table[32] = "";

	ip_format_prefix(prefix, sizeof(prefix), op->family, op->addr, op->len);
	if (table_text)
		snprintf(table, sizeof(table), " table %s", table_text);
	else if (op->table != RT_TABLE_MAIN)
		snprintf(table, sizeof(table), " table %u", op->table);
	snprintf(out, size, "%.128s -%c route %s %s dev %s%s", ip, ip_family_flag(op->family), verb,
		 prefix, ifname, table);
}

int reload_change_route(struct reload_ctx *c, bool add, int family, const uint8_t *dst, uint8_t len,
			uint32_t table, const char *table_text)
{
	struct rt_op op = { .rtnl = tunnel_rtnl(&c->t),
			    .ifindex = c->t.ifindex,
			    .route = true,
			    .add = add,
			    .family = family,
			    .len = len,
			    .table = table };

	memcpy(op.addr, dst, 16);
	reload_route_cmd(op.cmd, sizeof(op.cmd), c->t.ip, add ? "add" : "del", &op, c->t.ifname,
			 table_text);
	reload_route_cmd(op.undo_cmd, sizeof(op.undo_cmd), c->t.ip, add ? "del" : "add", &op,
			 c->t.ifname, table_text);
	return apply_rt_op(c, &op);
}

/* text: the address as the config wrote it (additions), else NULL. */
int reload_change_addr(struct reload_ctx *c, bool add, int family, const uint8_t *addr, uint8_t len,
		       const char *text)
{
	struct rt_op op = { .rtnl = tunnel_rtnl(&c->t),
			    .ifindex = c->t.ifindex,
			    .add = add,
			    .family = family,
			    .len = len };
	char shown[IP_PREFIX_STRLEN] = "";

	memcpy(op.addr, addr, 16);
	if (!text)
		ip_format_prefix(shown, sizeof(shown), family, addr, len);
	snprintf(op.cmd, sizeof(op.cmd), "%.128s -%c address %s %s dev %s", c->t.ip,
		 ip_family_flag(family), add ? "add" : "del", text ? text : shown, c->t.ifname);
	snprintf(op.undo_cmd, sizeof(op.undo_cmd), "%.128s -%c address %s %s dev %s", c->t.ip,
		 ip_family_flag(family), add ? "del" : "add", text ? text : shown, c->t.ifname);
	return apply_rt_op(c, &op);
}

/* --- reading the state --- */

/* Is route r one that wgq's route steps make (ip route add P dev IF: proto boot, no
 * gateway or source, the kernel's default metric)? */
bool reload_wgq_route(const struct reload_ctx *c, const struct rtnl_route *r)
{
	uint32_t metric = r->family == AF_INET6 ? 1024 : 0;

	return r->oif == c->t.ifindex && r->protocol == RTPROT_BOOT && !r->cloned &&
	       r->type == RTN_UNICAST && !r->nexthop && r->priority == metric;
}

static int addr_cmp(int family, const uint8_t *a, const uint8_t *b)
{
	return ip_addr_cmp(family, a, b);
}

static int num_cmp(long long a, long long b)
{
	return (a > b) - (a < b);
}

/* Family, prefix length, table, address: the order of the lookups of reload. */
int reload_route_cmp(const void *a, const void *b)
{
	const struct rtnl_route *x = a, *y = b;

	return num_cmp(x->family, y->family) ?: num_cmp(x->dst_len, y->dst_len) ?:
	       num_cmp(x->table, y->table) ?: addr_cmp(x->family, x->dst, y->dst);
}

struct rtnl_route reload_route_key(const struct route_entry *e, uint32_t table)
{
	struct rtnl_route k = { .family = e->family, .dst_len = e->len, .table = table };

	memcpy(k.dst, e->addr, 16);
	return k;
}

/* Every route of both families in every table. */
int reload_dump_routes(struct reload_ctx *c, struct rtnl_route **out, size_t *n)
{
	int r = routes_dump(tunnel_rtnl(&c->t), 0, out, n);

	if (r < 0)
		log_step_error("ip route show table all", r);
	return r;
}

bool reload_route_present(const struct reload_ctx *c, const struct rtnl_route *rt, size_t n,
			  int family, const uint8_t *dst, uint8_t len, uint32_t table)
{
	for (size_t i = 0; i < n; i++)
		if (reload_wgq_route(c, &rt[i]) && rt[i].family == family && rt[i].dst_len == len &&
		    rt[i].table == table && !memcmp(rt[i].dst, dst, rtnl_addr_len(family)))
			return true;
	return false;
}
