// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kernel backend of the WireGuard device (behaviour.md §3.2, §7.2, §7.3): the generic
// netlink family "wireguard". wg/device.c chooses it; tests build and parse its
// messages directly.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink/nl.h"
#include "wg/model.h"

struct nlmsghdr;

/* genl: NULL opens a socket in wgq's own namespace (see wg/device.h). */
int wg_genl_set_device(struct nl_sock *genl, const struct wg_device *dev);
/* -ENODEV also when the kernel has no "wireguard" family. */
int wg_genl_get_device(struct nl_sock *genl, const char *ifname, struct wg_device *out);

/* --- messages, exposed for tests --- */

/* Newer than Debian 12's <linux/wireguard.h> (WGALLOWEDIP_A_FLAGS and
 * WGALLOWEDIP_F_REMOVE_ME); ABI numbers. */
#define WG_GENL_ALLOWEDIP_A_FLAGS     4
#define WG_GENL_ALLOWEDIP_F_REMOVE_ME (1U << 0)

/* Where a split WG_CMD_SET_DEVICE continues (behaviour.md §7.3). Start zeroed. */
struct wg_genl_cursor {
	size_t peer;  /* next peer to add */
	size_t aip;   /* next allowed IP of that peer; > 0 means a continued peer */
	bool started; /* the first message (with device attributes) was built */
};
/* Build the next message into buf (size bytes, at most 64 KiB is used). Returns the
 * message, and sets *done when every peer and allowed IP has been placed; NULL when
 * not even one peer or allowed IP fits in an empty message (size too small). */
struct nlmsghdr *wg_genl_build_set(void *buf, size_t size, uint16_t family_id,
				   const struct wg_device *dev, struct wg_genl_cursor *cur,
				   bool *done);
struct nlmsghdr *wg_genl_build_get(void *buf, uint16_t family_id, const char *ifname);
/* Merge one WG_CMD_GET_DEVICE reply message into dev. MNL_CB_OK or MNL_CB_ERROR. */
int wg_genl_parse_get(const struct nlmsghdr *nlh, void *dev);
