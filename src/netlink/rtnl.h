// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// rtnetlink operations (behaviour.md §7.2). Builders (rtnl_build_*) only fill a caller's
// buffer of NL_BUF_SIZE bytes and return the message; the operations send it through
// nl_talk()/nl_dump() and return 0 or -errno (extended ack: log_step_error()'s detail).
#pragma once

#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink/nl.h"
#include <netinet/in.h>
#include <sys/socket.h>

struct rtnl_link {
	int ifindex;
	uint32_t mtu;
	unsigned flags; /* ifi_flags */
	char kind[32];	/* IFLA_INFO_KIND, "" when none */
	char name[16];
};

struct rtnl_addr {
	int family;
	uint8_t addr[16];
	uint8_t prefixlen;
	uint8_t scope;
};

struct rtnl_route {
	int family;
	uint8_t dst[16];
	uint8_t dst_len;
	uint32_t table;
	int oif; /* 0 when none (e.g. multipath) */
	uint8_t type;
	uint8_t protocol;
	bool cloned;	   /* RTM_F_CLONED */
	uint32_t priority; /* RTA_PRIORITY, the metric */
	bool nexthop;	   /* has RTA_GATEWAY, RTA_VIA or RTA_PREFSRC */
	bool has_gateway;  /* RTA_GATEWAY (dumps only) */
	uint8_t gateway[16];
};

struct rtnl_rule {
	int family;
	uint32_t priority;
	uint32_t table;
	uint8_t action;
	uint32_t flags; /* fib_rule_hdr flags (FIB_RULE_INVERT …) */
	bool has_fwmark;
	uint32_t fwmark, fwmask;
	bool has_suppress_prefixlen;
	uint32_t suppress_prefixlen;
	bool other_selectors; /* src/dst/iif/oif/… anything else that selects */
};

/* Builders (no I/O). They return NULL for a family other than AF_INET/AF_INET6, a
 * prefix length beyond the family's, or a cmd other than RTM_NEWRULE/RTM_DELRULE. */
struct nlmsghdr *rtnl_build_link_get(void *buf, const char *ifname);
struct nlmsghdr *rtnl_build_link_add(void *buf, const char *ifname, const char *kind);
struct nlmsghdr *rtnl_build_link_del(void *buf, int ifindex);
struct nlmsghdr *rtnl_build_link_set_mtu_up(void *buf, int ifindex, uint32_t mtu);
/* killswitch-netns.md §5.4: move a link into the namespace of nsfd; set a link up. */
struct nlmsghdr *rtnl_build_link_set_netns(void *buf, int ifindex, int nsfd);
struct nlmsghdr *rtnl_build_link_set_up(void *buf, int ifindex);
struct nlmsghdr *rtnl_build_addr_add(void *buf, int ifindex, int family, const uint8_t *addr,
				     uint8_t prefixlen);
struct nlmsghdr *rtnl_build_route_add(void *buf, int ifindex, int family, const uint8_t *dst,
				      uint8_t dst_len, uint32_t table);
struct nlmsghdr *rtnl_build_rule_fwmark(void *buf, int cmd, int family, uint32_t fwmark,
					uint32_t table, uint32_t priority /* 0: none */);
struct nlmsghdr *rtnl_build_rule_suppress(void *buf, int cmd, int family,
					  uint32_t priority /* 0: none */);
/* reload: MTU only (the link stays as it is); an address or a route of wgq's (proto
 * boot) deleted, matched as ip(8) del matches them. */
struct nlmsghdr *rtnl_build_link_set_mtu(void *buf, int ifindex, uint32_t mtu);
struct nlmsghdr *rtnl_build_addr_del(void *buf, int ifindex, int family, const uint8_t *addr,
				     uint8_t prefixlen);
struct nlmsghdr *rtnl_build_route_del(void *buf, int ifindex, int family, const uint8_t *dst,
				      uint8_t dst_len, uint32_t table);

/* Link. rtnl_link_get: -ENODEV when absent. */
int rtnl_link_get(struct nl_sock *s, const char *ifname, struct rtnl_link *out);
int rtnl_link_get_index(struct nl_sock *s, int ifindex, struct rtnl_link *out);
int rtnl_link_add(struct nl_sock *s, const char *ifname, const char *kind);
int rtnl_link_del(struct nl_sock *s, int ifindex);
int rtnl_link_set_mtu_up(struct nl_sock *s, int ifindex, uint32_t mtu);
int rtnl_link_set_mtu(struct nl_sock *s, int ifindex, uint32_t mtu);
int rtnl_link_set_netns(struct nl_sock *s, int ifindex, int nsfd);
int rtnl_link_set_up(struct nl_sock *s, int ifindex);

/* Addresses. list: family AF_UNSPEC for both; kernel order, kept to ifindex. */
int rtnl_addr_add(struct nl_sock *s, int ifindex, int family, const uint8_t *addr,
		  uint8_t prefixlen);
int rtnl_addr_list(struct nl_sock *s, int ifindex, int family, struct rtnl_addr **out, size_t *n);
int rtnl_addr_del(struct nl_sock *s, int ifindex, int family, const uint8_t *addr,
		  uint8_t prefixlen);

/* Routes. table as a full 32-bit id (RTA_TABLE). dump: one family, one table (0:
 * all tables), in kernel order. */
int rtnl_route_add(struct nl_sock *s, int ifindex, int family, const uint8_t *dst, uint8_t dst_len,
		   uint32_t table);
int rtnl_route_dump(struct nl_sock *s, int family, uint32_t table, struct rtnl_route **out,
		    size_t *n);
/* Add n routes, each {family, dst, dst_len, table, oif} (the other fields are unused),
 * in order, as rtnl_route_add() would, in batches of at most RTNL_ROUTE_BATCH_BYTES of
 * messages, each one sendmsg. 0, or the first -errno with *failed the index of the route
 * it belongs to (of a socket error: the first route of that batch). The kernel goes on
 * after a failing route, so the routes of its batch after it may have been added. */
#define RTNL_ROUTE_BATCH_BYTES (64 * 1024)
int rtnl_route_add_batch(struct nl_sock *s, const struct rtnl_route *routes, size_t n,
			 size_t *failed);
/* Delete a route rtnl_route_add made. */
int rtnl_route_del(struct nl_sock *s, int ifindex, int family, const uint8_t *dst, uint8_t dst_len,
		   uint32_t table);
/* MTU towards an endpoint (behaviour.md §3.6 step 2): the route's MTU metric unless locked,
 * else its output device's MTU. -ENETUNREACH etc. when there is no route; 0 with
 * *mtu = 0 when the route gives neither. */
int rtnl_route_get_mtu(struct nl_sock *s, const struct sockaddr *dst, uint32_t *mtu);
/* The same rule applied to the first IPv4 default route of the main table (behaviour.md §3.6
 * step 3); *mtu = 0 when none. */
int rtnl_default_route_mtu(struct nl_sock *s, uint32_t *mtu);

/* Policy rules (behaviour.md §3.9, §4.1). */
int rtnl_rule_add_fwmark(struct nl_sock *s, int family, uint32_t fwmark);
int rtnl_rule_add_suppress(struct nl_sock *s, int family);
int rtnl_rule_dump(struct nl_sock *s, int family, struct rtnl_rule **out, size_t *n);
/* Delete exactly this rule (uses its priority, flags, fwmark/mask, table, suppress). */
int rtnl_rule_del(struct nl_sock *s, const struct rtnl_rule *rule);
/* Add exactly this rule back, at its priority (reload's rollback of a delete). */
int rtnl_rule_add(struct nl_sock *s, const struct rtnl_rule *rule);

/* Helpers shared by the rtnl-*.c files only (netlink/rtnl.c, the core). */
/* 4 for AF_INET, 16 for AF_INET6, else 0. */
size_t rtnl_addr_len(int family);
/* nl_talk() for a builder's message; -EINVAL when the builder refused (NULL). */
int rtnl_send(struct nl_sock *s, struct nlmsghdr *nlh);
/* A u32 attribute's value; -EBADMSG when it has the wrong size. */
int rtnl_attr_u32(const struct nlattr *attr, uint32_t *value);
/* A string attribute into dst (size bytes), truncated rather than failing: no name we
 * compare with comes near the limit. -EBADMSG when it is not NUL-terminated. */
int rtnl_attr_strcpy(char *dst, size_t size, const struct nlattr *attr);

/*
 * A dump read into a malloc'd array. For each reply of type, keep() parses it and
 * adds what it wants with rtnl_list_add(); it returns 0 or -errno, and the first
 * error ends the list. An interrupted dump (NLM_F_DUMP_INTR) is repeated.
 */
struct rtnl_list {
	uint16_t type; /* the replies to read: RTM_NEWLINK, … */
	size_t size;   /* of one element */
	int (*keep)(const struct nlmsghdr *nlh, struct rtnl_list *l);
	const void *filter; /* for keep() */
	void *items;
	size_t n, cap;
	size_t base; /* elements of earlier dumps into the same list */
	int err;
};
// clang-format off
#define RTNL_LIST_INIT(msg_type, elem_size, keep_fn, filter_ptr) \
	{ .type = (msg_type), .size = (elem_size), .keep = (keep_fn), .filter = (filter_ptr) }
// clang-format on
/* Run the dump request nlh, appending to what l holds. 0 or -errno. */
int rtnl_list_dump(struct nl_sock *s, struct nlmsghdr *nlh, struct rtnl_list *l);
/* Append a copy of elem (l->size bytes). 0 or -ENOMEM. */
int rtnl_list_add(struct rtnl_list *l, const void *elem);
/* Hand over the array (free() it; it may be NULL when empty) and its length. */
void *rtnl_list_take(struct rtnl_list *l, size_t *n);
/* For _cleanup_: free what was not taken. */
void rtnl_list_free(struct rtnl_list *l);

/* Start a request at buf (zeroing NL_SMALL_MSG bytes) with a zeroed family header of
 * hdrlen bytes (struct ifinfomsg, ifaddrmsg, rtmsg, fib_rule_hdr): all of them begin
 * with the family byte, which this sets. */
struct nlmsghdr *rtnl_msg_start(void *buf, uint16_t type, uint16_t flags, size_t hdrlen,
				int family);

/* How rtnl_parse_attrs() reads one attribute type into an object. */
enum rtnl_attr_kind {
	RTNL_ATTR_NONE, /* no entry: the table's other() */
	RTNL_ATTR_SKIP, /* known, and nothing to read */
	RTNL_ATTR_U32,	/* exactly 4 bytes, to the uint32_t field at offset */
	RTNL_ATTR_STR,	/* NUL-terminated, truncated to the char array at offset */
	RTNL_ATTR_FUNC, /* parse(attr, obj) */
};
struct rtnl_attr_spec {
	enum rtnl_attr_kind kind;
	size_t offset, size;
	int (*parse)(const struct nlattr *attr, void *obj);
};
// clang-format off
#define RTNL_FIELD_SIZE(type, field) sizeof(((type *)0)->field)
/* Does not compile when the field is not 4 bytes. */
#define RTNL_U32(type, field) \
	{ RTNL_ATTR_U32, offsetof(type, field), \
	  4 + 0 * sizeof(char[RTNL_FIELD_SIZE(type, field) == 4 ? 1 : -1]), NULL }
#define RTNL_STR(type, field) \
	{ RTNL_ATTR_STR, offsetof(type, field), RTNL_FIELD_SIZE(type, field), NULL }
#define RTNL_FUNC(fn) { RTNL_ATTR_FUNC, 0, 0, fn }
#define RTNL_SKIP { RTNL_ATTR_SKIP, 0, 0, NULL }
// clang-format on
/* spec is indexed by attribute type; other (may be NULL) gets the types it lacks. */
struct rtnl_attr_table {
	const struct rtnl_attr_spec *spec;
	size_t n;
	int (*other)(const struct nlattr *attr, void *obj);
};
/* Read the attributes after a family header of hdrlen bytes (the caller has checked
 * that much is there) into obj: 0, or the first -errno. */
int rtnl_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct rtnl_attr_table *t,
		     void *obj);
/* The same for the attributes inside a nest. */
int rtnl_parse_nested(const struct nlattr *nest, const struct rtnl_attr_table *t, void *obj);
