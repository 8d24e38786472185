// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The core of the rtnl module, shared by every rtnl-*.c: message headers, sending,
// table-driven attribute parsing and dumps into a growable array.

#include "netlink/rtnl.h"

#include <sys/socket.h>

#include "base/macro.h"
#include "base/util.h"

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

struct nlmsghdr *rtnl_msg_start(void *buf, uint16_t type, uint16_t flags, size_t hdrlen, int family)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, NL_SMALL_MSG);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = (unsigned char)family;
	return nlh;
}

/* --- table-driven attribute parsing, for every rtnl-*.c --- */

int rtnl_attr_strcpy(char *dst, size_t size, const struct nlattr *attr)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return -EBADMSG;
	snprintf(dst, size, "%s", mnl_attr_get_str(attr));
	return 0;
}

static int parse_attr(const struct nlattr *attr, const struct rtnl_attr_table *t, void *obj)
{
	uint16_t type = mnl_attr_get_type(attr);
	const struct rtnl_attr_spec *spec = type < t->n ? &t->spec[type] : NULL;
	char *field = (char *)obj + (spec ? spec->offset : 0);

	switch (spec ? spec->kind : RTNL_ATTR_NONE) {
	case RTNL_ATTR_NONE:
		return t->other ? t->other(attr, obj) : 0;
	case RTNL_ATTR_SKIP:
		return 0;
	case RTNL_ATTR_U32:
		return rtnl_attr_u32(attr, (uint32_t *)(void *)field);
	case RTNL_ATTR_STR:
		return rtnl_attr_strcpy(field, spec->size, attr);
	case RTNL_ATTR_FUNC:
		return spec->parse(attr, obj);
	}
	return 0;
}

struct attr_walk {
	const struct rtnl_attr_table *t;
	void *obj;
	int err;
};

static int attr_walk_cb(const struct nlattr *attr, void *data)
{
	struct attr_walk *w = data;

	w->err = parse_attr(attr, w->t, w->obj);
	return w->err < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

int rtnl_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct rtnl_attr_table *t,
		     void *obj)
{
	struct attr_walk w = { .t = t, .obj = obj };

	(void)mnl_attr_parse(nlh, (unsigned)hdrlen, attr_walk_cb, &w);
	return w.err;
}

int rtnl_parse_nested(const struct nlattr *nest, const struct rtnl_attr_table *t, void *obj)
{
	struct attr_walk w = { .t = t, .obj = obj };

	(void)mnl_attr_parse_nested(nest, attr_walk_cb, &w);
	return w.err;
}

/* --- dumps into a growable array, for every rtnl-*.c --- */

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_list *l = data;

	if (nlh->nlmsg_type != l->type || l->err)
		return MNL_CB_OK;
	l->err = l->keep(nlh, l);
	return l->err ? MNL_CB_ERROR : MNL_CB_OK;
}

/* A repeated dump only drops what the interrupted one added. */
static void list_restart(void *data)
{
	struct rtnl_list *l = data;

	l->n = l->base;
	l->err = 0;
}

int rtnl_list_dump(struct nl_sock *s, struct nlmsghdr *nlh, struct rtnl_list *l)
{
	l->base = l->n;
	int r = nl_dump(s, nlh, list_cb, list_restart, l);

	return l->err ? l->err : r;
}

int rtnl_list_add(struct rtnl_list *l, const void *elem)
{
	void *slot = array_append(&l->items, &l->n, &l->cap, l->size);

	if (!slot)
		return -ENOMEM;
	memcpy(slot, elem, l->size);
	return 0;
}

void *rtnl_list_take(struct rtnl_list *l, size_t *n)
{
	*n = l->n;
	return TAKE_PTR(l->items);
}

void rtnl_list_free(struct rtnl_list *l)
{
	free(l->items);
}
