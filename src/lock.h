// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// One lock for the full-tunnel window (spec §3.9, issue "fails safe"): concurrent ups
// must not pick the same free table, and a down must not delete rules while an up is
// choosing priorities. Hooks never run while it is held, so a hook may call wgq.
#pragma once

#define LOCK_DIR "/run/wireguard"
#define LOCK_PATH LOCK_DIR "/.wgq.lock"

/* Block until the lock is ours; *fd holds it. 0 or -errno. */
int lock_take(int *fd);
/* Release it (closing the file); fd may be -1. */
void lock_drop(int *fd);
