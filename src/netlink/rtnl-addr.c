// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Interface addresses (behaviour.md §3.5, §3.9 step 5, §7.2).

#include "netlink/rtnl.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

#include "base/macro.h"

/* ip(8)'s default: host scope for 127/8 only; IPv6 ::1 stays universe (behaviour.md §3.5). */
static uint8_t addr_scope(int family, const uint8_t *addr)
{
	if (family == AF_INET && addr[0] == 127)
		return RT_SCOPE_HOST;
	return RT_SCOPE_UNIVERSE;
}

struct nlmsghdr *rtnl_build_addr_add(void *buf, int ifindex, int family, const uint8_t *addr,
				     uint8_t prefixlen)
{
	size_t len = rtnl_addr_len(family);
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (!len || prefixlen > len * 8)
		return NULL;
	nlh = rtnl_msg_start(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa), family);
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_scope = addr_scope(family, addr);
	ifa->ifa_index = (uint32_t)ifindex;
	/* Both set and equal: an address without a peer, and no IFA_BROADCAST. */
	mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
	return nlh;
}

/* The kernel finds the address by IFA_LOCAL, the prefix length and IFA_ADDRESS (the
 * peer, equal to the local address here); the scope plays no part. */
struct nlmsghdr *rtnl_build_addr_del(void *buf, int ifindex, int family, const uint8_t *addr,
				     uint8_t prefixlen)
{
	struct nlmsghdr *nlh = rtnl_build_addr_add(buf, ifindex, family, addr, prefixlen);

	if (!nlh)
		return NULL;
	nlh->nlmsg_type = RTM_DELADDR;
	nlh->nlmsg_flags = 0;
	return nlh;
}

int rtnl_addr_add(struct nl_sock *s, int ifindex, int family, const uint8_t *addr,
		  uint8_t prefixlen)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rtnl_send(s, rtnl_build_addr_add(buf, ifindex, family, addr, prefixlen));
}

int rtnl_addr_del(struct nl_sock *s, int ifindex, int family, const uint8_t *addr,
		  uint8_t prefixlen)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return rtnl_send(s, rtnl_build_addr_del(buf, ifindex, family, addr, prefixlen));
}

/* What an address dump keeps (the family changes from one dump to the next). */
struct addr_filter {
	int ifindex;
	int family;
};

/* IFA_LOCAL is the local side of a peer address; IFA_ADDRESS is then the peer. */
static int parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	size_t len = rtnl_addr_len(ifa->ifa_family);
	const struct nlattr *attr, *local = NULL, *address = NULL;

	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = attr;
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = attr;
	}
	attr = local ? local : address;
	if (!attr)
		return -ENOENT;
	if (mnl_attr_get_payload_len(attr) != len)
		return -EBADMSG;
	a->family = ifa->ifa_family;
	memcpy(a->addr, mnl_attr_get_payload(attr), len);
	a->prefixlen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	return 0;
}

static int addr_keep(const struct nlmsghdr *nlh, struct rtnl_list *l)
{
	const struct addr_filter *f = l->filter;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct rtnl_addr a = { 0 };
	int r;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EBADMSG;
	/* A kernel without this family answers with every family's addresses. */
	if ((int)ifa->ifa_index != f->ifindex || ifa->ifa_family != f->family)
		return 0;
	r = parse_addr(nlh, &a);
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : rtnl_list_add(l, &a);
}

/* l's filter is f: its family is the one asked for. */
static int addr_dump_family(struct nl_sock *s, struct rtnl_list *l, struct addr_filter *f,
			    int family)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh =
		rtnl_msg_start(buf, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg), family);
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_index = (uint32_t)f->ifindex; /* a filter only where strict checking is on */
	f->family = family;
	return rtnl_list_dump(s, nlh, l);
}

int rtnl_addr_list(struct nl_sock *s, int ifindex, int family, struct rtnl_addr **out, size_t *n)
{
	struct addr_filter f = { .ifindex = ifindex };
	_cleanup_(rtnl_list_free) struct rtnl_list l =
		RTNL_LIST_INIT(RTM_NEWADDR, sizeof(**out), addr_keep, &f);
	int r;

	if (family != AF_UNSPEC && !rtnl_addr_len(family))
		return -EAFNOSUPPORT;
	if (family == AF_UNSPEC || family == AF_INET) {
		r = addr_dump_family(s, &l, &f, AF_INET);
		if (r < 0)
			return r;
	}
	if (family == AF_UNSPEC || family == AF_INET6) {
		r = addr_dump_family(s, &l, &f, AF_INET6);
		if (r < 0)
			return r;
	}
	*out = rtnl_list_take(&l, n);
	return 0;
}
