// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `reload` (issue 8): apply a changed config to a running tunnel without taking it
// down (reload.c). The config is checked as up checks it, the state is read back from
// the system, and each difference becomes one change with its undo (plan.h), logged as
// the command a wg-quick user would run: device, addresses (reload-addrs.c), MTU,
// routes (reload-routes.c) and full tunnel (reload-fulltunnel.c), DNS. Hooks do not
// run. A failure or a signal puts back the state before. One address or route change
// and its inverse, and the route lookups the steps share: reload-ops.c.
#pragma once

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "netlink/rtnl.h"
#include "tunnel/fulltunnel.h"
#include "tunnel/routes.h"
#include "tunnel/tunnel.h"

/* AF_INET, AF_INET6: index reload_fi() of the per-family arrays. */
extern const int reload_families[2];

struct reload_ctx {
	struct wg_device cur;	 /* the device before */
	struct wg_device target; /* the device the config describes */
	struct wg_device apply, revert;
	struct rtnl_addr *addrs0; /* the addresses before, in kernel order */
	size_t n_addrs0;
	struct rtnl_route *snap; /* wgq-made routes through IF before the addresses step */
	size_t n_snap;
	uint32_t mtu0;
	uint32_t mark0;		   /* the fwmark before */
	uint32_t mark;		   /* the fwmark as the steps so far left it */
	bool ft0[2];		   /* a full tunnel per family (index reload_fi()) before, */
	bool ft1[2];		   /* wanted by the config, */
	bool addr_changed[2];	   /* and whether the addresses of the family change */
	char *dns0;		   /* the resolvconf record before, normalized; NULL when none */
	enum cfg_ks_level ks_want; /* the kill switch: the file's and the flag's level, */
	enum cfg_ks_level ks_have; /* the one installed, */
	uint32_t ks_mark, ks_mark_old; /* the mark it accepts, and the old one for now */
	struct wg_device dev;	       /* read back for the MTU when the device step changed it */
	uint32_t ft_mark; /* the full tunnel's table and mark as fulltunnel_add left it */
	struct wg_uapi_ahead *ahead; /* the device's get=1, sent before the config is read */
	struct rtnl_route *rt0;	     /* every route, dumped while the daemon builds that reply; */
	size_t n_rt0;		     /* the routes step takes it when nothing changed them since */
	struct tunnel t;	     /* plan, config, sockets, interface, namespace */
};

/* The index of family in the per-family arrays. */
static inline size_t reload_fi(int family)
{
	return family == AF_INET6;
}

/* Either family? */
static inline bool reload_any(const bool v[2])
{
	return v[0] || v[1];
}

/* Before the config is read: ask IF's userspace implementation for its state now, so
 * that it builds its reply (10s of ms for a server) while the config is parsed; the
 * read of the device before the steps takes it. Not with a namespace or a path. */
void reload_ask_ahead(struct reload_ctx *c, const char *arg, const char *netns);
/* After the config is loaded into c->t (file, cfg, rtnl): up's checks (behaviour.md §3.0), then the
 * state read back; nothing changes. kill_switch: the --kill-switch level (0: none);
 * netns: --netns or NULL. 0 or -errno (printed). */
int reload_prepare(struct reload_ctx *c, int kill_switch, const char *netns);
/* Run the plan; on failure or a signal, roll back. 0 or -errno (printed). */
int reload_run(struct reload_ctx *c);
void reload_ctx_free(struct reload_ctx *c);

/* --- between reload's files --- */

/* The data of an undo that reads the state before from the context at rollback. */
struct reload_undo_ref {
	struct reload_ctx *c;
};

/* Push an undo whose data is a struct reload_undo_ref for c. */
int reload_push_undo(struct reload_ctx *c, plan_undo_fn fn);

/* One address or route change and its inverse (reload-ops.c). */
struct rt_op {
	struct nl_sock *rtnl; /* where the link is, and its index */
	int ifindex;
	bool route; /* else an address */
	bool add;   /* else a delete */
	int family;
	uint8_t addr[16];
	uint8_t len;
	uint32_t table; /* routes */
	char cmd[256], undo_cmd[256];
};

/* Undo op: its undo_cmd logged, the inverse made. */
void reload_undo_rt_op(const void *data);
/* "ip -4 route VERB P dev IF [table T]" into out. */
void reload_route_cmd(char *out, size_t size, const char *ip, const char *verb,
		      const struct rt_op *op, const char *ifname, const char *table_text);
/* Add or delete a route (table_text: the table as the config wrote it, or NULL) or an
 * address (text: as the config wrote it, or NULL), logged, with its undo. */
int reload_change_route(struct reload_ctx *c, bool add, int family, const uint8_t *dst, uint8_t len,
			uint32_t table, const char *table_text);
int reload_change_addr(struct reload_ctx *c, bool add, int family, const uint8_t *addr, uint8_t len,
		       const char *text);

/* Is r a route of the shape wgq's route steps make, through IF? */
bool reload_wgq_route(const struct reload_ctx *c, const struct rtnl_route *r);
/* Family, prefix length, table, address: the order of reload's lookups (qsort). */
int reload_route_cmp(const void *a, const void *b);
struct rtnl_route reload_route_key(const struct route_entry *e, uint32_t table);
/* Every route of both families in every table (errors printed). */
int reload_dump_routes(struct reload_ctx *c, struct rtnl_route **out, size_t *n);
bool reload_route_present(const struct reload_ctx *c, const struct rtnl_route *rt, size_t n,
			  int family, const uint8_t *dst, uint8_t len, uint32_t table);

/* The steps of reload-addrs.c and reload-fulltunnel.c. */
int reload_step_addresses(void *ctx);
int reload_step_routes(void *ctx);
/* The routes of the allowed IPs made to match the config (reload-routes.c). */
int reload_sync_routes(struct reload_ctx *c);
