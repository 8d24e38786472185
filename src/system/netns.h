// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The network-namespace target T (killswitch-netns.md §5.2, §5.3): naming it, opening it, and the
// netlink sockets bound to it. wgq stays in its own namespace H; only the sockets live
// in T.
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "config/file.h"
#include "netlink/nl.h"

#define NETNS_RUN_DIR "/run/netns"

enum netns_kind {
	NETNS_NONE, /* no target: everything in H */
	NETNS_NAME, /* /run/netns/NAME */
	NETNS_PID,  /* /proc/PID/ns/net */
	NETNS_PATH, /* any nsfs file */
};

/* Sockets opened inside T (all close-on-exec). NULL until opened. */
struct netns_socks {
	struct nl_sock *rtnl;
	struct nl_sock *genl;
	struct nl_sock *nft;
};

struct netns_target {
	enum netns_kind kind;
	bool from_key;		       /* named by the Namespace key, not --netns */
	char given[PATH_MAX];	       /* as given: log lines and messages */
	char path[PATH_MAX];	       /* the file opened */
	char name[NETNS_NAME_MAX + 1]; /* NETNS_NAME: the name; else "" */
	int fd;			       /* the nsfs file, -1 until opened */
	struct netns_socks socks;
};

/*
 * Which target: the --netns flag (may be NULL) overrides the key (may be NULL). A flag
 * that is all digits is a PID, one with a '/' a path, anything else a name. Fills t
 * (fd -1); kind NETNS_NONE when neither is given. Opens nothing.
 */
void netns_target_init(struct netns_target *t, const char *flag, const char *key);

/*
 * Open T's file and check it (killswitch-netns.md §5.2): 0; -ENOENT (no such namespace or path),
 * -ESRCH (no such process), -ENOTTY (not a network namespace: not nsfs, or another type), -EEXIST
 * (wgq's own namespace), or another -errno of open.
 */
int netns_open(struct netns_target *t);
/* Print the killswitch-netns.md §2.4 refusal for a netns_open() error r. path and line locate the
 * key (used when the target came from it). */
void netns_print_error(const struct netns_target *t, int r, const char *path, unsigned line);
/* Are the opened a and b (b may be unopened: never) the same namespace? */
bool netns_same(const struct netns_target *a, const struct netns_target *b);
/* Is r a netns_open() error meaning "T is gone" for down (killswitch-netns.md §5.7 step 2)? */
bool netns_gone(int r);

/* Enter T, open the rtnetlink, generic and netfilter sockets, come straight back to
 * H. 0 or -errno (printed). Failing to return to H aborts the program. */
int netns_open_socks(struct netns_target *t);

/* netns_target_init, then (with a target) netns_open and netns_open_socks, printing
 * every error; path and line locate the Namespace key. 0 or -errno. */
int netns_target_setup(struct netns_target *t, const char *flag, const char *key, const char *path,
		       unsigned line);

/* "ip" in H, else "ip -n TARGET": the head of a logged ip(8) command. */
void netns_ip_prefix(const struct netns_target *t, char *out, size_t size);

/* The hooks' environment: WGQ_NETNS and WGQ_NETNS_PATH (killswitch-netns.md §5.4). */
void netns_export_env(const struct netns_target *t);

/* Close the sockets and the file. */
void netns_target_close(struct netns_target *t);
