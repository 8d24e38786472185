// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Two locks. The global one covers the full-tunnel window (behaviour.md §3.9, issue "fails
// safe"): concurrent ups must not pick the same free table, and a down must not delete
// rules while an up is choosing priorities. Hooks never run while it is held.
//
// The interface lock serialises up, down and reload of one interface (issue 18): it is
// held for the whole run and refused, not waited for, so the loser changes nothing and
// exits naming the holder. A hook runs while its run holds the interface lock; a wgq it
// starts on the same interface is refused with a message saying so (no deadlock).
#pragma once

#define LOCK_DIR  "/run/wireguard"
#define LOCK_PATH LOCK_DIR "/.wgq.lock"
/* Exported to hooks and helpers as "IFNAME:PID" while the interface lock is held. */
#define LOCK_ENV "WGQ_LOCKED_INTERFACE"

/* Block until the lock is ours; *fd holds it. 0 or -errno. */
int lock_take(int *fd);
/* Release it (closing the file); fd may be -1. */
void lock_drop(int *fd);
/* Take the lock of interface ifname for the rest of the process, without waiting.
 * -EBUSY, with a message naming the holder's pid, when another run holds it. */
int lock_interface(const char *ifname);
