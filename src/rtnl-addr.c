// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Interface addresses (spec §3.5, §3.9 step 5, §7.2).

#include "rtnl.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

#include "macro.h"

/* ip(8)'s default: host scope for 127/8 only; IPv6 ::1 stays universe (spec §3.5). */
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
	nlh = nl_msg_start(buf, NL_SMALL_MSG);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
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

struct addr_list {
	int ifindex;
	int family;
	size_t base; /* entries kept before this family's dump */
	struct rtnl_addr *items;
	size_t n, cap;
	int err;
};

/* A repeated dump only drops what the interrupted dump of the same family added. */
static void addr_list_restart(void *data)
{
	struct addr_list *l = data;

	l->n = l->base;
	l->err = 0;
}

static void addr_list_free(struct addr_list *l)
{
	free(l->items);
}

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

static int addr_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *l = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct rtnl_addr a = { 0 };

	if (nlh->nlmsg_type != RTM_NEWADDR || l->err)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa)) {
		l->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	/* A kernel without this family answers with every family's addresses. */
	if ((int)ifa->ifa_index != l->ifindex || ifa->ifa_family != l->family)
		return MNL_CB_OK;
	int r = parse_addr(nlh, &a);

	if (r == -ENOENT)
		return MNL_CB_OK;
	if (r < 0) {
		l->err = r;
		return MNL_CB_ERROR;
	}
	struct rtnl_addr *slot = rtnl_array_add((void **)&l->items, &l->n, &l->cap, sizeof(*slot));
	if (!slot) {
		l->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	*slot = a;
	return MNL_CB_OK;
}

static int addr_dump_family(struct nl_sock *s, struct addr_list *l, int family)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = nl_msg_start(buf, NL_SMALL_MSG);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_index = (uint32_t)l->ifindex; /* a filter only where strict checking is on */
	l->family = family;
	l->base = l->n;
	int r = nl_dump(s, nlh, addr_list_cb, addr_list_restart, l);

	return l->err ? l->err : r;
}

int rtnl_addr_list(struct nl_sock *s, int ifindex, int family, struct rtnl_addr **out, size_t *n)
{
	_cleanup_(addr_list_free) struct addr_list l = { .ifindex = ifindex };
	int r;

	if (family != AF_UNSPEC && !rtnl_addr_len(family))
		return -EAFNOSUPPORT;
	if (family == AF_UNSPEC || family == AF_INET) {
		r = addr_dump_family(s, &l, AF_INET);
		if (r < 0)
			return r;
	}
	if (family == AF_UNSPEC || family == AF_INET6) {
		r = addr_dump_family(s, &l, AF_INET6);
		if (r < 0)
			return r;
	}
	*n = l.n;
	*out = TAKE_PTR(l.items);
	return 0;
}
