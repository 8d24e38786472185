// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The WireGuard device, behind one interface with two backends (spec §3.2, §7.2,
// §7.3, §7.5): the kernel's generic netlink family "wireguard", or the UAPI socket
// of a userspace implementation at /var/run/wireguard/IF.sock.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netlink/nl.h"
#include "wg/model.h"

#define WG_UAPI_DIR "/var/run/wireguard"

/* True when IF has a userspace device: its UAPI socket accepts a connection. A
 * stale socket (ECONNREFUSED) is removed and counts as absent. */
bool wg_uapi_alive(const char *ifname);
/* After deleting a userspace device's link: wait (up to 1 s) for its implementation to
 * exit, removing a socket it left behind. */
void wg_uapi_wait_gone(const char *ifname);

/* Each takes the generic netlink socket for a kernel device: NULL opens one in wgq's
 * own namespace; a device in a target namespace needs a socket opened there
 * (killswitch-netns §5.8). A userspace device is reached through its UAPI socket. */

/* addconf (spec §2.9): dev->name names the device; private key, port, fwmark only
 * with their WGDEV_HAS_* flag; no REPLACE_PEERS. 0 or -errno. */
int wg_set_device(struct nl_sock *genl, const struct wg_device *dev);
/* Set only the fwmark (`wg set IF fwmark N`). */
int wg_set_fwmark(struct nl_sock *genl, const char *ifname, uint32_t fwmark);
/* Read the whole device (`wg showconf`); out is zeroed first. Peers in device order,
 * a peer split across dump messages merged. 0 or -errno (-ENODEV when absent). */
int wg_get_device(struct nl_sock *genl, const char *ifname, struct wg_device *out);

/* A get=1 sent ahead to IF's userspace implementation, which builds its reply (10s of
 * ms for a server with many peers) while the caller parses its config. */
struct wg_uapi_ahead;
/* NULL when IF has no live UAPI socket or the request fails: nothing is printed and
 * nothing removed, the read that counts does both. */
struct wg_uapi_ahead *wg_uapi_get_ahead(const char *ifname);
void wg_uapi_ahead_free(struct wg_uapi_ahead **a);
/* wg_get_device, taking the reply to *ahead when it was asked of IF's userspace
 * device; asked again when that read failed. *ahead is used up (NULL after). */
int wg_get_device_ahead(struct nl_sock *genl, const char *ifname, struct wg_uapi_ahead **ahead,
			struct wg_device *out);

/* --- the two backends, chosen by wg-device.c (added by the wg module) --- */

int wg_genl_set_device(struct nl_sock *genl, const struct wg_device *dev);
/* -ENODEV also when the kernel has no "wireguard" family. */
int wg_genl_get_device(struct nl_sock *genl, const char *ifname, struct wg_device *out);
int wg_uapi_set_device(const struct wg_device *dev);
int wg_uapi_get_device(const char *ifname, struct wg_device *out);
/* The reply to *ahead (used up) when it was asked of ifname: 0 or -errno as
 * wg_uapi_get_device; 1 when there is none for ifname. */
int wg_uapi_take_ahead(struct wg_uapi_ahead **ahead, const char *ifname, struct wg_device *out);

/* --- generic netlink, exposed for tests --- */

/* Newer than Debian 12's <linux/wireguard.h> (WGALLOWEDIP_A_FLAGS and
 * WGALLOWEDIP_F_REMOVE_ME); ABI numbers. */
#define WG_GENL_ALLOWEDIP_A_FLAGS     4
#define WG_GENL_ALLOWEDIP_F_REMOVE_ME (1U << 0)

/* Where a split WG_CMD_SET_DEVICE continues (spec §7.3). Start zeroed. */
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

/* --- UAPI text protocol, exposed for tests --- */

/* Write the `set=1` request (without the final empty line's reply) to f. */
int wg_uapi_write_set(FILE *f, const struct wg_device *dev);
/* Parse a `get=1` reply from f into dev (dev->name untouched). 0 or -errno, or the
 * negative errno=N the implementation reported. */
int wg_uapi_read_get(FILE *f, struct wg_device *dev);
