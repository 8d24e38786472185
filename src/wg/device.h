// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The WireGuard device, behind one interface with two backends (behaviour.md §3.2, §7.2,
// behaviour.md §7.3, §7.5): the kernel's generic netlink family "wireguard", or the UAPI socket
// of a userspace implementation at /var/run/wireguard/IF.sock. This is the front end
// (wg/device.c); the backends are wg/genl.h and wg/uapi.h.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "netlink/nl.h"
#include "wg/model.h"

/* Is IF a WireGuard interface (kernel link of kind wireguard, or a live UAPI socket)?
 * Prints "`IF' is not a WireGuard interface" when not. 0 or -errno. */
int wg_interface_check(struct nl_sock *rtnl, const char *ifname, int *ifindex);
/* The same without the message, and a UAPI socket counts only with a link of that
 * name in rtnl's namespace (the socket is shared by every namespace). -ENODEV when
 * not (other errors printed). */
int wg_interface_find(struct nl_sock *rtnl, const char *ifname, int *ifindex);

/* Each takes the generic netlink socket for a kernel device: NULL opens one in wgq's
 * own namespace; a device in a target namespace needs a socket opened there
 * (killswitch-netns.md §5.8). A userspace device is reached through its UAPI socket. */

/* addconf (behaviour.md §2.9): dev->name names the device; private key, port, fwmark only
 * with their WGDEV_HAS_* flag; no REPLACE_PEERS. 0 or -errno. */
int wg_set_device(struct nl_sock *genl, const struct wg_device *dev);
/* Set only the fwmark (`wg set IF fwmark N`). */
int wg_set_fwmark(struct nl_sock *genl, const char *ifname, uint32_t fwmark);
/* Read the whole device (`wg showconf`); out is zeroed first. Peers in device order,
 * a peer split across dump messages merged. 0 or -errno (-ENODEV when absent). */
int wg_get_device(struct nl_sock *genl, const char *ifname, struct wg_device *out);

struct wg_uapi_ahead;
/* wg_get_device, taking the reply to *ahead (wg/uapi.h) when it was asked of IF's
 * userspace device; asked again when that read failed. *ahead is used up (NULL after). */
int wg_get_device_ahead(struct nl_sock *genl, const char *ifname, struct wg_uapi_ahead **ahead,
			struct wg_device *out);
