// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Deleting a route that rtnl_route_add() made (reload, and its rollback): kept apart
// from rtnl-route.c, whose sending of routes is being batched.

#include "netlink/rtnl.h"

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
