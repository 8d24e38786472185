// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Links (behaviour.md §3.0, §3.2, §3.6, §4.1, §7.2).

#include "netlink/rtnl.h"

#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>

#include "base/macro.h"
#include "base/util.h"

/* --- links --- */

static struct nlmsghdr *put_link_msg(void *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh =
		rtnl_msg_start(buf, type, flags, sizeof(struct ifinfomsg), AF_UNSPEC);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_index = ifindex;
	return nlh;
}

struct nlmsghdr *rtnl_build_link_get(void *buf, const char *ifname)
{
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_GETLINK, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return nlh;
}

struct nlmsghdr *rtnl_build_link_add(void *buf, const char *ifname, const char *kind)
{
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

struct nlmsghdr *rtnl_build_link_del(void *buf, int ifindex)
{
	return put_link_msg(buf, RTM_DELLINK, 0, ifindex);
}

/* flags is IFF_UP to bring the link up as well, or 0 to leave its state alone. */
static struct nlmsghdr *build_set_mtu(void *buf, int ifindex, uint32_t mtu, unsigned flags)
{
	/* No create flags: this changes an existing link (ip link set). */
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = flags;
	ifi->ifi_change = flags;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nlh;
}

struct nlmsghdr *rtnl_build_link_set_netns(void *buf, int ifindex, int nsfd)
{
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, 0, ifindex);

	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	return nlh;
}

struct nlmsghdr *rtnl_build_link_set_up(void *buf, int ifindex)
{
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nlh;
}

struct nlmsghdr *rtnl_build_link_set_mtu_up(void *buf, int ifindex, uint32_t mtu)
{
	return build_set_mtu(buf, ifindex, mtu, IFF_UP);
}

struct nlmsghdr *rtnl_build_link_set_mtu(void *buf, int ifindex, uint32_t mtu)
{
	return build_set_mtu(buf, ifindex, mtu, 0);
}

/* The first IFLA_INFO_KIND counts. */
static int parse_linkinfo(const struct nlattr *nest, void *obj)
{
	struct rtnl_link *link = obj;
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
			return rtnl_attr_strcpy(link->kind, sizeof(link->kind), attr);
	}
	return 0;
}

static const struct rtnl_attr_spec link_attrs[] = {
	[IFLA_IFNAME] = RTNL_STR(struct rtnl_link, name),
	[IFLA_MTU] = RTNL_U32(struct rtnl_link, mtu),
	[IFLA_LINKINFO] = RTNL_FUNC(parse_linkinfo),
};

static const struct rtnl_attr_table link_table = { link_attrs, ARRAY_SIZE(link_attrs), NULL };

static int parse_link(const struct nlmsghdr *nlh, struct rtnl_link *link)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	*link = (struct rtnl_link){ .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags };
	return rtnl_parse_attrs(nlh, sizeof(*ifi), &link_table, link);
}

struct link_get {
	struct rtnl_link *out;
	bool found;
	int err;
};

static int link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_get *g = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || g->found || g->err)
		return MNL_CB_OK;
	g->err = parse_link(nlh, g->out);
	if (g->err)
		return MNL_CB_ERROR;
	g->found = true;
	return MNL_CB_OK;
}

static int link_get(struct nl_sock *s, struct nlmsghdr *nlh, struct rtnl_link *out)
{
	struct link_get g = { .out = out };
	int r = nl_talk(s, nlh, link_get_cb, &g);

	if (g.err)
		return g.err;
	if (r < 0)
		return r;
	return g.found ? 0 : -ENODEV;
}

int rtnl_link_get(struct nl_sock *s, const char *ifname, struct rtnl_link *out)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	/* The kernel rejects such a name with a policy error, not ENODEV. */
	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	return link_get(s, rtnl_build_link_get(buf, ifname), out);
}

int rtnl_link_get_index(struct nl_sock *s, int ifindex, struct rtnl_link *out)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return link_get(s, put_link_msg(buf, RTM_GETLINK, 0, ifindex), out);
}

int rtnl_link_add(struct nl_sock *s, const char *ifname, const char *kind)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return nl_talk(s, rtnl_build_link_add(buf, ifname, kind), NULL, NULL);
}

int rtnl_link_del(struct nl_sock *s, int ifindex)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return nl_talk(s, rtnl_build_link_del(buf, ifindex), NULL, NULL);
}

int rtnl_link_set_mtu_up(struct nl_sock *s, int ifindex, uint32_t mtu)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return nl_talk(s, rtnl_build_link_set_mtu_up(buf, ifindex, mtu), NULL, NULL);
}

int rtnl_link_set_mtu(struct nl_sock *s, int ifindex, uint32_t mtu)
{
	_Alignas(8) char buf[NL_BUF_SIZE];

	return nl_talk(s, rtnl_build_link_set_mtu(buf, ifindex, mtu), NULL, NULL);
}

int rtnl_link_set_netns(struct nl_sock *s, int ifindex, int nsfd)
{
	_Alignas(8) char buf[NL_SMALL_MSG];

	return nl_talk(s, rtnl_build_link_set_netns(buf, ifindex, nsfd), NULL, NULL);
}

int rtnl_link_set_up(struct nl_sock *s, int ifindex)
{
	_Alignas(8) char buf[NL_SMALL_MSG];

	return nl_talk(s, rtnl_build_link_set_up(buf, ifindex), NULL, NULL);
}
