// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The userspace backend of the WireGuard device (spec §3.2, §7.5): the UAPI text
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

/* --- UAPI text protocol, exposed for tests --- */

/* Write the `set=1` request (without the final empty line's reply) to f. */
int wg_uapi_write_set(FILE *f, const struct wg_device *dev);
/* Parse a `get=1` reply from f into dev (dev->name untouched). 0 or -errno, or the
 * negative errno=N the implementation reported. */
int wg_uapi_read_get(FILE *f, struct wg_device *dev);
