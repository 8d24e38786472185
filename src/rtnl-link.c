// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Links (spec §3.0, §3.2, §3.6, §4.1, §7.2), and the helpers the other rtnl-*.c share.

#include "rtnl.h"

#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>

#include "macro.h"

void *rtnl_array_add(void **items, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *p = reallocarray(*items, ncap, size);

		if (!p)
			return NULL;
		*items = p;
		*cap = ncap;
	}
	void *slot = (char *)*items + *n * size;

	memset(slot, 0, size);
	(*n)++;
	return slot;
}

size_t rtnl_addr_len(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

int rtnl_send(struct nl_sock *s, struct nlmsghdr *nlh)
{
	if (!nlh)
		return -EINVAL;
	return nl_talk(s, nlh, NULL, NULL);
}

int rtnl_attr_u32(const struct nlattr *attr, uint32_t *value)
{
	if (mnl_attr_get_payload_len(attr) != sizeof(uint32_t))
		return -EBADMSG;
	*value = mnl_attr_get_u32(attr);
	return 0;
}

static struct nlmsghdr *put_link_msg(void *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, NL_SMALL_MSG);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
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

struct nlmsghdr *rtnl_build_link_set_mtu_up(void *buf, int ifindex, uint32_t mtu)
{
	return build_set_mtu(buf, ifindex, mtu, IFF_UP);
}

struct nlmsghdr *rtnl_build_link_set_mtu(void *buf, int ifindex, uint32_t mtu)
{
	return build_set_mtu(buf, ifindex, mtu, 0);
}

/* Truncates rather than fails: no name we compare with comes near the limit. */
static int attr_strcpy(char *dst, size_t size, const struct nlattr *attr)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return -EBADMSG;
	snprintf(dst, size, "%s", mnl_attr_get_str(attr));
	return 0;
}

static int parse_linkinfo(const struct nlattr *nest, struct rtnl_link *link)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
			return attr_strcpy(link->kind, sizeof(link->kind), attr);
	}
	return 0;
}

static int parse_link(const struct nlmsghdr *nlh, struct rtnl_link *link)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	memset(link, 0, sizeof(*link));
	link->ifindex = ifi->ifi_index;
	link->flags = ifi->ifi_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		int r = 0;

		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			r = attr_strcpy(link->name, sizeof(link->name), attr);
			break;
		case IFLA_MTU:
			r = rtnl_attr_u32(attr, &link->mtu);
			break;
		case IFLA_LINKINFO:
			r = parse_linkinfo(attr, link);
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
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

struct link_list {
	const char *kind;
	struct rtnl_link *items;
	size_t n, cap;
	int err;
};

static void link_list_reset(void *data)
{
	struct link_list *l = data;

	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
	l->err = 0;
}

static int link_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *l = data;
	struct rtnl_link link;

	if (nlh->nlmsg_type != RTM_NEWLINK || l->err)
		return MNL_CB_OK;
	l->err = parse_link(nlh, &link);
	if (l->err)
		return MNL_CB_ERROR;
	if (!streq(link.kind, l->kind))
		return MNL_CB_OK;
	struct rtnl_link *slot = rtnl_array_add((void **)&l->items, &l->n, &l->cap, sizeof(*slot));
	if (!slot) {
		l->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	*slot = link;
	return MNL_CB_OK;
}

int rtnl_link_list_kind(struct nl_sock *s, const char *kind, struct rtnl_link **out, size_t *n)
{
	_Alignas(8) char buf[NL_BUF_SIZE];
	_cleanup_(link_list_reset) struct link_list l = { .kind = kind };
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_GETLINK, NLM_F_DUMP, 0);
	struct nlattr *info;

	/* Kernels that know the kind filter the dump; we filter again for the rest. */
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	int r = nl_dump(s, nlh, link_list_cb, link_list_reset, &l);

	if (l.err)
		return l.err;
	if (r < 0)
		return r;
	*n = l.n;
	*out = TAKE_PTR(l.items);
	return 0;
}
