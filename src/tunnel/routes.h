// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The route list of `up` (behaviour.md §3.8): allowed IPs read back from the device, masked,
// de-duplicated, and sorted exactly as wg-quick's `sort -nr -k 2 -t /`.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ip.h"
#include "netlink/rtnl.h"
#include "wg/model.h"

struct route_entry {
	int family;
	uint8_t addr[16];
	uint8_t len;
	char text[IP_PREFIX_STRLEN]; /* "ADDR/LEN" in standard notation */
};

/* Every allowed IP of every peer, masked, each prefix once, in wg-quick's order. */
int routes_from_device(const struct wg_device *dev, struct route_entry **out, size_t *n);
/* The routes of one table (0: all tables) of both families, IPv4 first, each in
 * kernel order (rtnl_route_dump twice). malloc'd. 0 or -errno. */
int routes_dump(struct nl_sock *s, uint32_t table, struct rtnl_route **out, size_t *n);
/* Does a main-table route through ifindex cover e (behaviour.md §3.8 covering check)? */
bool routes_covered(const struct rtnl_route *main_routes, size_t n, int ifindex,
		    const struct route_entry *e);
