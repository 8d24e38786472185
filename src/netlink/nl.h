// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The one netlink round-trip layer (behaviour.md §7.1). Only nl.c touches sockets.
#pragma once

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct nl_sock;

/* Open a socket on bus (NETLINK_ROUTE, NETLINK_GENERIC, NETLINK_NETFILTER) with
 * NETLINK_EXT_ACK and NETLINK_CAP_ACK set. 0 or -errno. */
int nl_open(struct nl_sock **out, int bus);
void nl_close(struct nl_sock *s);
static inline void nl_closep(struct nl_sock **s)
{
	if (*s)
		nl_close(*s);
}
#define _cleanup_nl_ __attribute__((cleanup(nl_closep)))

/* A fresh, non-zero sequence number for a message of a batch. */
uint32_t nl_next_seq(struct nl_sock *s);
/* Start a message at buf: zero the first `zero` bytes (libmnl does not clear attribute
 * padding, which would otherwise carry stale bytes to the kernel), put the header. */
static inline struct nlmsghdr *nl_msg_start(void *buf, size_t zero)
{
	memset(buf, 0, zero);
	return mnl_nlmsg_put_header(buf);
}
/* Enough for any rtnetlink request wgq builds. */
#define NL_SMALL_MSG 1024

/* Buffer size for building one message that nl_talk can send (and receive). */
#define NL_BUF_SIZE (64 * 1024)

/*
 * Send one request (not a dump) and read every reply until its ack.
 * Sets a fresh seq, NLM_F_REQUEST and NLM_F_ACK.
 * cb (may be NULL) runs for every data message. Returns 0, or the kernel's -errno
 * (the extended ack text is then log_step_error()'s detail), or -errno of the socket.
 */
int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* A dump (the caller sets NLM_F_DUMP): replies are read until NLMSG_DONE, and the
 * dump is repeated (after reset(data)) when a reply carries
 * NLM_F_DUMP_INTR. reset may be NULL when the callback keeps nothing. */
int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void (*reset)(void *data),
	    void *data);

/*
 * Send several messages in one sendmsg (buf holds them back to back, each with a seq
 * from nl_next_seq()). Every message that has NLM_F_ACK gets its reply read; after the
 * first error the remaining replies are drained without blocking. Returns 0 or the
 * first -errno; *failed_seq (may be NULL) gets that message's seq.
 */
int nl_talk_batch(struct nl_sock *s, const void *buf, size_t len, uint32_t *failed_seq);
/* Copy one message to buf (size bytes, *len used so far) for nl_talk_batch; -EMSGSIZE
 * when it does not fit. */
int nl_batch_put(char *buf, size_t size, size_t *len, const struct nlmsghdr *nlh);

/* The extended ack text of the last failed request, or NULL. */

/* Resolve a generic netlink family id (CTRL_CMD_GETFAMILY). 0 or -errno (-ENOENT when
 * the family does not exist). */
int nl_genl_family(struct nl_sock *s, const char *name, uint16_t *id);
