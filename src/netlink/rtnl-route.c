// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Routes (behaviour.md §3.6, §3.8, §3.9, §4.1, §7.2).
//
// rtnl_build_route_add() writes one self-contained message at the start of any buffer,
// so rtnl_route_add_batch() lays many routes back to back and sends them with
// nl_talk_batch(); rtnl_route_add() is the one-message case, through nl_talk().

#include "netlink/rtnl.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "base/macro.h"

/* The fields a reply route gives, including what the MTU rule of behaviour.md §3.6 needs. */
struct route_info {
	struct rtnl_route rt;
	uint32_t metric_mtu; /* RTAX_MTU, 0 when absent */
	uint32_t lock;	     /* RTAX_LOCK bits */
};

/* Tables from 256 up only fit in RTA_TABLE; rtm_table then says RT_TABLE_UNSPEC. */
static uint8_t hdr_table(uint32_t table)
{
	return table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
}

static struct nlmsghdr *put_route_msg(void *buf, uint16_t type, uint16_t flags, int family)
{
	return rtnl_msg_start(buf, type, flags, sizeof(struct rtmsg), family);
}

struct nlmsghdr *rtnl_build_route_add(void *buf, int ifindex, int family, const uint8_t *dst,
				      uint8_t dst_len, uint32_t table)
{
	size_t len = rtnl_addr_len(family);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (!len || dst_len > len * 8)
		return NULL;
	nlh = put_route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, family);
	rtm = mnl_nlmsg_get_payload(nlh);
	/* What ip route add creates (behaviour.md §3.8): proto boot, scope link, no metric;
	 * any other protocol would show up as "proto …" in ip route. */
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = hdr_table(table);
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	mnl_attr_put(nlh, RTA_DST, len, dst);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nlh;
}

int rtnl_route_add(struct nl_sock *s, int ifindex, int family, const uint8_t *dst, uint8_t dst_len,
		   uint32_t table)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = rtnl_build_route_add(buf, ifindex, family, dst, dst_len, table);

	if (!nlh)
		return -EINVAL;
	return nl_talk(s, nlh, NULL, NULL);
}

/*
 * The add message with another type: the same table, destination, device, protocol,
 * scope and type. The kernel deletes the first route matching every field given, so
 * naming proto boot spares a kernel prefix route of the same destination, and the
 * device spares the same prefix through another interface.
 */
struct nlmsghdr *rtnl_build_route_del(void *buf, int ifindex, int family, const uint8_t *dst,
				      uint8_t dst_len, uint32_t table)
{
	struct nlmsghdr *nlh = rtnl_build_route_add(buf, ifindex, family, dst, dst_len, table);

	if (!nlh)
		return NULL;
	nlh->nlmsg_type = RTM_DELROUTE;
	nlh->nlmsg_flags = 0;
	return nlh;
}

int rtnl_route_del(struct nl_sock *s, int ifindex, int family, const uint8_t *dst, uint8_t dst_len,
		   uint32_t table)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rtnl_send(s, rtnl_build_route_del(buf, ifindex, family, dst, dst_len, table));
}

/*
 * Lay routes [from, n) back to back in buf (at most size bytes) as one batch: the
 * last message asks for the ack, the others only get a reply when they fail (the
 * kernel reports errors unasked and handles the messages in order), so the whole
 * batch costs one sendmsg and, when it succeeds, one ack. Returns the bytes used and
 * sets *count to the routes placed (0: route from is invalid).
 */
static size_t build_route_batch(struct nl_sock *s, char *buf, size_t size,
				const struct rtnl_route *routes, size_t n, size_t *count)
{
	struct nlmsghdr *last = NULL;
	size_t len = 0, i = 0;

	/* A builder clears NL_SMALL_MSG bytes ahead of its message. */
	for (; i < n && len + NL_SMALL_MSG <= size; i++) {
		const struct rtnl_route *rt = &routes[i];
		struct nlmsghdr *nlh = rtnl_build_route_add(buf + len, rt->oif, rt->family, rt->dst,
							    rt->dst_len, rt->table);

		if (!nlh)
			break;
		nlh->nlmsg_flags |= NLM_F_REQUEST;
		nlh->nlmsg_seq = nl_next_seq(s);
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		last = nlh;
	}
	if (last)
		last->nlmsg_flags |= NLM_F_ACK;
	*count = i;
	return len;
}

/* The index in a batch of the message with this seq; count when none has it. */
static size_t batch_index(const char *buf, size_t len, size_t count, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int left = (int)len;

	for (size_t i = 0; i < count && mnl_nlmsg_ok(nlh, left); i++) {
		if (nlh->nlmsg_seq == seq)
			return i;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return count;
}

int rtnl_route_add_batch(struct nl_sock *s, const struct rtnl_route *routes, size_t n,
			 size_t *failed)
{
	_cleanup_free_ char *buf = malloc(RTNL_ROUTE_BATCH_BYTES);
	size_t done = 0;

	*failed = 0;
	if (!buf)
		return -ENOMEM;
	while (done < n) {
		size_t count;
		size_t len = build_route_batch(s, buf, RTNL_ROUTE_BATCH_BYTES, routes + done,
					       n - done, &count);
		uint32_t seq = 0;
		int r = count ? nl_talk_batch(s, buf, len, &seq) : -EINVAL;

		if (r < 0) {
			/* An error of the socket belongs to the batch's first route. */
			size_t i = seq ? batch_index(buf, len, count, seq) : 0;

			*failed = done + (i < count ? i : 0);
			return r;
		}
		done += count;
	}
	return 0;
}

static const struct rtnl_attr_spec metric_attrs[] = {
	[RTAX_LOCK] = RTNL_U32(struct route_info, lock),
	[RTAX_MTU] = RTNL_U32(struct route_info, metric_mtu),
};

static const struct rtnl_attr_table metric_table = { metric_attrs, ARRAY_SIZE(metric_attrs), NULL };

static int parse_metrics(const struct nlattr *nest, void *obj)
{
	return rtnl_parse_nested(nest, &metric_table, obj);
}

static int parse_dst(const struct nlattr *attr, void *obj)
{
	struct route_info *ri = obj;
	size_t len = rtnl_addr_len(ri->rt.family);

	if (!len || mnl_attr_get_payload_len(attr) != len)
		return -EBADMSG;
	memcpy(ri->rt.dst, mnl_attr_get_payload(attr), len);
	return 0;
}

static int parse_nexthop(const struct nlattr *attr, void *obj)
{
	struct route_info *ri = obj;

	(void)attr;
	ri->rt.nexthop = true;
	return 0;
}

static int parse_gateway(const struct nlattr *attr, void *obj)
{
	struct route_info *ri = obj;
	size_t len = rtnl_addr_len(ri->rt.family);

	ri->rt.nexthop = true;
	if (!len || mnl_attr_get_payload_len(attr) != len)
		return 0; /* not an address of the route's family: not needed */
	memcpy(ri->rt.gateway, mnl_attr_get_payload(attr), len);
	ri->rt.has_gateway = true;
	return 0;
}

static const struct rtnl_attr_spec route_attrs[] = {
	[RTA_GATEWAY] = RTNL_FUNC(parse_gateway),
	[RTA_PREFSRC] = RTNL_FUNC(parse_nexthop),
	[RTA_VIA] = RTNL_FUNC(parse_nexthop),
	[RTA_PRIORITY] = RTNL_U32(struct route_info, rt.priority),
	[RTA_DST] = RTNL_FUNC(parse_dst),
	[RTA_OIF] = RTNL_U32(struct route_info, rt.oif),
	[RTA_METRICS] = RTNL_FUNC(parse_metrics),
	[RTA_TABLE] = RTNL_U32(struct route_info, rt.table),
};

static const struct rtnl_attr_table route_table = { route_attrs, ARRAY_SIZE(route_attrs), NULL };

static int parse_route(const struct nlmsghdr *nlh, struct route_info *ri)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EBADMSG;
	memset(ri, 0, sizeof(*ri));
	ri->rt.family = rtm->rtm_family;
	ri->rt.dst_len = rtm->rtm_dst_len;
	ri->rt.table = rtm->rtm_table; /* RTA_TABLE, when present, overrides it */
	ri->rt.type = rtm->rtm_type;
	ri->rt.protocol = rtm->rtm_protocol;
	ri->rt.cloned = rtm->rtm_flags & RTM_F_CLONED;
	return rtnl_parse_attrs(nlh, sizeof(*rtm), &route_table, ri);
}

/*
 * A dump request for one family and table. Without NETLINK_GET_STRICT_CHK on the
 * socket the kernel ignores the table and sends every table, so the callbacks always
 * filter too. rtm_flags stays 0 so that no cached (cloned) routes are asked for.
 */
static struct nlmsghdr *build_route_dump(void *buf, int family, uint32_t table)
{
	struct nlmsghdr *nlh = put_route_msg(buf, RTM_GETROUTE, NLM_F_DUMP, family);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_table = hdr_table(table);
	if (table)
		mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

/* Which routes of a dump count: what ip route show lists (no cached routes). */
static bool route_wanted(const struct rtnl_route *rt, int family, uint32_t table)
{
	if (rt->family != family || rt->cloned)
		return false;
	return !table || rt->table == table;
}

/* What a route dump keeps. */
struct route_filter {
	int family;
	uint32_t table;
};

static int route_keep(const struct nlmsghdr *nlh, struct rtnl_list *l)
{
	const struct route_filter *f = l->filter;
	struct route_info ri;
	int r = parse_route(nlh, &ri);

	if (r < 0 || !route_wanted(&ri.rt, f->family, f->table))
		return r;
	return rtnl_list_add(l, &ri.rt);
}

int rtnl_route_dump(struct nl_sock *s, int family, uint32_t table, struct rtnl_route **out,
		    size_t *n)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	const struct route_filter f = { .family = family, .table = table };
	_cleanup_(rtnl_list_free) struct rtnl_list l =
		RTNL_LIST_INIT(RTM_NEWROUTE, sizeof(**out), route_keep, &f);

	if (!rtnl_addr_len(family))
		return -EAFNOSUPPORT;
	int r = rtnl_list_dump(s, build_route_dump(buf, family, table), &l);

	if (r < 0)
		return r;
	*out = rtnl_list_take(&l, n);
	return 0;
}

/*
 * behaviour.md §3.6: the route's MTU metric, unless locked ("mtu lock N" does not match
 * wg-quick's pattern); otherwise the MTU of its output device. A multipath route has
 * no RTA_OIF, so only its metric can count.
 */
static int route_pick_mtu(struct nl_sock *s, const struct route_info *ri, uint32_t *mtu)
{
	struct rtnl_link link;

	*mtu = 0;
	if (ri->metric_mtu && !(ri->lock & (1U << RTAX_MTU))) {
		*mtu = ri->metric_mtu;
		return 0;
	}
	if (!ri->rt.oif)
		return 0;
	int r = rtnl_link_get_index(s, ri->rt.oif, &link);

	if (r < 0)
		return r;
	*mtu = link.mtu;
	return 0;
}

struct route_first {
	int family;
	bool default_only; /* keep only the main table's /0 routes */
	bool found;
	struct route_info ri;
	int err;
};

static void route_first_reset(void *data)
{
	struct route_first *f = data;

	f->found = false;
	f->err = 0;
}

static bool route_first_wanted(const struct route_first *f, const struct route_info *ri)
{
	if (!f->default_only)
		return true;
	return route_wanted(&ri->rt, f->family, RT_TABLE_MAIN) && ri->rt.dst_len == 0;
}

static int route_first_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_first *f = data;
	struct route_info ri;

	if (nlh->nlmsg_type != RTM_NEWROUTE || f->found || f->err)
		return MNL_CB_OK;
	f->err = parse_route(nlh, &ri);
	if (f->err)
		return MNL_CB_ERROR;
	if (!route_first_wanted(f, &ri))
		return MNL_CB_OK;
	f->ri = ri;
	f->found = true;
	return MNL_CB_OK;
}

static const uint8_t *sockaddr_ip(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	return (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/* ip route get ADDR: not a dump, one reply route (or an error such as ENETUNREACH). */
static struct nlmsghdr *build_route_get(void *buf, int family, const uint8_t *addr)
{
	struct nlmsghdr *nlh = put_route_msg(buf, RTM_GETROUTE, 0, family);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	size_t len = rtnl_addr_len(family);

	rtm->rtm_dst_len = (uint8_t)(len * 8);
	mnl_attr_put(nlh, RTA_DST, len, addr);
	return nlh;
}

int rtnl_route_get_mtu(struct nl_sock *s, const struct sockaddr *dst, uint32_t *mtu)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	struct route_first f = { .family = dst->sa_family };

	*mtu = 0;
	if (!rtnl_addr_len(f.family))
		return -EAFNOSUPPORT;
	int r = nl_talk(s, build_route_get(buf, f.family, sockaddr_ip(dst)), route_first_cb, &f);

	if (f.err)
		return f.err;
	if (r < 0)
		return r;
	if (!f.found)
		return -ENETUNREACH;
	return route_pick_mtu(s, &f.ri, mtu);
}

int rtnl_default_route_mtu(struct nl_sock *s, uint32_t *mtu)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	struct route_first f = { .family = AF_INET, .default_only = true };

	*mtu = 0;
	int r = nl_dump(s, build_route_dump(buf, AF_INET, RT_TABLE_MAIN), route_first_cb,
			route_first_reset, &f);

	if (f.err)
		return f.err;
	if (r < 0)
		return r;
	if (!f.found)
		return 0;
	return route_pick_mtu(s, &f.ri, mtu);
}
