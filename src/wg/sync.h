// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The device part of `reload` (issue 8), as `wg syncconf` does it: from the device as
// read back and the device a config describes, the changes to send and the changes
// that undo them. Plain data; no I/O.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "wg/model.h"

/* The device a config describes once applied: its settings and peers, each peer's
 * allowed IPs masked and without '-' entries (so '+'/'-' lists are taken as the whole
 * list). The name is not copied. 0 or -ENOMEM (out is then cleared). */
int wg_sync_target(const struct wg_device *cfg_dev, struct wg_device *out);

/*
 * From cur (read back) to target (from wg_sync_target): *apply gets
 *   - the device settings among mask (WGDEV_HAS_PRIVATE_KEY, _LISTEN_PORT, _FWMARK)
 *     that target sets and cur differs in;
 *   - a WGPEER_REMOVE entry (key only) for each peer of cur missing from target;
 *   - each peer of target that is new or differs, with its whole state: replaced
 *     allowed IPs, and a zero preshared key and keepalive 0 when target has none
 *     (an endpoint only when target has one: a roamed endpoint stays);
 * and *revert what puts cur back. A peer that is the same in both is in neither, so
 * its session and handshake stay. apply and revert must be zeroed; their names stay
 * empty. 0 or -ENOMEM.
 */
int wg_sync_diff(const struct wg_device *cur, const struct wg_device *target, uint32_t mask,
		 struct wg_device *apply, struct wg_device *revert);

/* Does d (from wg_sync_diff) change anything? */
bool wg_sync_changes(const struct wg_device *d);
