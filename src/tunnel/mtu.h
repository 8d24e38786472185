// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The automatic MTU (behaviour.md §3.6).
#pragma once

#include <stdint.h>

#include "netlink/nl.h"
#include "wg/model.h"

/* Fold one candidate into the running minimum m (start at MTU_NONE): zero means
 * "nothing found" and is ignored. */
#define MTU_NONE 2147483647U
uint32_t mtu_fold(uint32_t m, uint32_t candidate);
/* The final rule: m not strictly between 0 and MTU_NONE gives 1500; minus 80. */
uint32_t mtu_finish(uint32_t m);
/* The smallest route MTU towards the device's endpoints, else the first IPv4 main
 * default route's, minus 80 (1420 on a 1500 uplink). 0 or -errno. */
int mtu_auto(struct nl_sock *s, const struct wg_device *dev, uint32_t *mtu);
