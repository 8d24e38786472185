// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The userspace backend of the WireGuard device (behaviour.md §3.2, §7.5): the UAPI text
// protocol on the socket of a userspace implementation, /var/run/wireguard/IF.sock.
// wg/device.c chooses it; the commands ask wg_uapi_alive which kind a device is.
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "wg/model.h"

#define WG_UAPI_DIR "/var/run/wireguard"

/* True when IF has a userspace device: its UAPI socket accepts a connection. A
 * stale socket (ECONNREFUSED) is removed and counts as absent. */
bool wg_uapi_alive(const char *ifname);
/* After deleting a userspace device's link: wait (up to 1 s) for its implementation to
 * exit, removing a socket it left behind. */
void wg_uapi_wait_gone(const char *ifname);

int wg_uapi_set_device(const struct wg_device *dev);
int wg_uapi_get_device(const char *ifname, struct wg_device *out);

/* A get=1 sent ahead to IF's userspace implementation, which builds its reply (10s of
 * ms for a server with many peers) while the caller parses its config. */
struct wg_uapi_ahead;
/* NULL when IF has no live UAPI socket or the request fails: nothing is printed and
 * nothing removed, the read that counts does both. */
struct wg_uapi_ahead *wg_uapi_get_ahead(const char *ifname);
void wg_uapi_ahead_free(struct wg_uapi_ahead **a);
/* The reply to *ahead (used up) when it was asked of ifname: 0 or -errno as
 * wg_uapi_get_device; 1 when there is none for ifname. */
int wg_uapi_take_ahead(struct wg_uapi_ahead **ahead, const char *ifname, struct wg_device *out);

/* --- UAPI text protocol, exposed for tests --- */

/* Write the `set=1` request (without the final empty line's reply) to f. */
int wg_uapi_write_set(FILE *f, const struct wg_device *dev);
/* Parse a `get=1` reply from f into dev (dev->name untouched). 0 or -errno, or the
 * negative errno=N the implementation reported. */
int wg_uapi_read_get(FILE *f, struct wg_device *dev);
