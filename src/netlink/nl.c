// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "netlink/nl.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include "base/log.h"
#include "base/macro.h"

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;
	char *buf; /* receive buffer */
};

/* Large enough for any reply the kernel sends in one datagram (it sizes dump
 * messages from the reader's buffer, up to 32 KiB pages) and for big acks. */
#define NL_RECV_SIZE (256 * 1024)
#define NL_SOCK_BUF  (8 * 1024 * 1024)

/* A batch of a thousand messages is answered by a thousand acks, all queued before
 * we read the first: the default buffers overflow (ENOBUFS) while the kernel has
 * committed the change. Root may exceed the sysctl limits (the FORCE variants). */
static void set_buffers(struct nl_sock *s)
{
	int fd = mnl_socket_get_fd(s->mnl), size = NL_SOCK_BUF;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

int nl_open(struct nl_sock **out, int bus)
{
	struct nl_sock *s = calloc(1, sizeof(*s));
	int one = 1;

	if (!s)
		return -ENOMEM;
	s->buf = malloc(NL_RECV_SIZE);
	/* Hooks and helpers must not inherit it. */
	s->mnl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!s->buf || !s->mnl)
		goto fail;
	/* Both are best effort: old kernels lack them and we still work. */
	(void)mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
	set_buffers(s);
	if (mnl_socket_bind(s->mnl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	s->portid = mnl_socket_get_portid(s->mnl);
	s->seq = (uint32_t)getpid() << 8;
	*out = s;
	return 0;
fail:;
	int err = errno ? -errno : -ENOMEM;

	nl_close(s);
	return err;
}

void nl_close(struct nl_sock *s)
{
	if (s->mnl)
		mnl_socket_close(s->mnl);
	/* A WireGuard GET reply carried the private key through this buffer. */
	if (s->buf)
		explicit_zero(s->buf, NL_RECV_SIZE);
	free(s->buf);
	free(s);
}

uint32_t nl_next_seq(struct nl_sock *s)
{
	if (++s->seq == 0)
		s->seq = 1;
	return s->seq;
}

/* Copy NLMSGERR_ATTR_MSG, if the kernel sent one, into extack. */
static void parse_extack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&e->msg);
	if (mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_for_each_payload((const void *)((const char *)e + off),
				  mnl_nlmsg_get_payload_len(nlh) - off) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		log_set_detail(mnl_attr_get_str(attr));
	}
}

struct talk_state {
	mnl_cb_t cb;
	void *data;
	int err;   /* first kernel error */
	bool intr; /* a dump reply carried NLM_F_DUMP_INTR */
	bool done; /* ack or NLMSG_DONE seen */
};

static int on_data(const struct nlmsghdr *nlh, void *arg)
{
	struct talk_state *st = arg;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		st->intr = true;
	if (!st->cb)
		return MNL_CB_OK;
	/* A failing callback must not stop the loop: the ack or NLMSG_DONE may sit
	 * in the same datagram, and the socket must be drained for the next request. */
	errno = 0;
	if (st->cb(nlh, st->data) < MNL_CB_STOP && !st->err)
		st->err = errno ? -errno : -EBADMSG;
	return MNL_CB_OK;
}

static int on_error(const struct nlmsghdr *nlh, void *arg)
{
	struct talk_state *st = arg;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		st->err = -EBADMSG;
		st->done = true;
		return MNL_CB_STOP;
	}
	if (e->error) {
		parse_extack(nlh);
		if (!st->err)
			st->err = e->error;
	}
	st->done = true;
	return MNL_CB_STOP;
}

static int on_done(const struct nlmsghdr *nlh, void *arg)
{
	struct talk_state *st = arg;

	/* A dump that failed midway reports the error in NLMSG_DONE's payload. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int e = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (e < 0 && !st->err)
			st->err = e;
	}
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		st->intr = true;
	st->done = true;
	return MNL_CB_STOP;
}

static int on_noop(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return MNL_CB_OK;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = on_noop,
	[NLMSG_ERROR] = on_error,
	[NLMSG_DONE] = on_done,
	[NLMSG_OVERRUN] = on_noop,
};

static int send_all(struct nl_sock *s, const void *buf, size_t len)
{
	ssize_t n = mnl_socket_sendto(s->mnl, buf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/* Run the messages of one datagram that answer seq. A reply to an earlier request
 * (an ack left unread) is skipped: stopping the datagram at it would also skip the
 * NLMSG_DONE behind it, and the next recv would wait for ever. */
static void run_replies(struct nl_sock *s, size_t len, uint32_t seq, struct talk_state *st)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left) && !st->done; nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq != seq)
			continue;
		int r = mnl_cb_run2(nlh, nlh->nlmsg_len, seq, s->portid, on_data, st, ctl_cbs,
				    ARRAY_SIZE(ctl_cbs));
		if (r < 0 && !st->done && !st->err)
			st->err = errno ? -errno : -EIO; /* portid mismatch */
		if (r <= MNL_CB_STOP)
			break;
	}
}

/* Read replies for seq until the state says done. */
static int recv_until_done(struct nl_sock *s, uint32_t seq, struct talk_state *st)
{
	while (!st->done) {
		ssize_t n = mnl_socket_recvfrom(s->mnl, s->buf, NL_RECV_SIZE);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		run_replies(s, (size_t)n, seq, st);
	}
	return 0;
}

/* NLM_F_DUMP cannot be told from the flags alone: its NLM_F_MATCH bit is also
 * NLM_F_EXCL. So the caller says which it is. A dump ends with NLMSG_DONE and gets no
 * extra ack. */
static int talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, bool dump)
{
	struct talk_state st = { .cb = cb, .data = data };

	log_set_detail(NULL);
	nlh->nlmsg_seq = nl_next_seq(s);
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	int r = send_all(s, nlh, nlh->nlmsg_len);

	if (r < 0)
		return r;
	r = recv_until_done(s, nlh->nlmsg_seq, &st);
	if (r < 0)
		return r;
	if (st.intr && !st.err)
		return -EINTR;
	return st.err;
}

int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	return talk(s, nlh, cb, data, false);
}

int nl_dump(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void (*reset)(void *data),
	    void *data)
{
	/* NLM_F_DUMP_INTR means the object changed during the dump: start over. */
	for (int tries = 0;; tries++) {
		int r = talk(s, nlh, cb, data, true);

		if (r != -EINTR || tries >= 10)
			return r;
		if (reset)
			reset(data);
	}
}

/* Count how many messages of a batch ask for an ack. */
static size_t count_acks(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;
	size_t n = 0;

	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_flags & NLM_F_ACK)
			n++;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return n;
}

struct batch_state {
	size_t acks;
	int err;
	uint32_t failed_seq;
};

static void batch_note(struct batch_state *b, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	b->acks++;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		if (!b->err)
			b->err = -EBADMSG;
		return;
	}
	if (e->error && !b->err) {
		parse_extack(nlh);
		b->err = e->error;
		b->failed_seq = nlh->nlmsg_seq;
	}
}

static int batch_read(struct nl_sock *s, struct batch_state *b, int flags)
{
	ssize_t n = recv(mnl_socket_get_fd(s->mnl), s->buf, NL_RECV_SIZE, flags);

	if (n < 0)
		return -errno;
	const struct nlmsghdr *nlh = (const void *)s->buf;
	int left = (int)n;

	while (mnl_nlmsg_ok(nlh, left)) {
		if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_pid == s->portid)
			batch_note(b, nlh);
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return 0;
}

int nl_batch_put(char *buf, size_t size, size_t *len, const struct nlmsghdr *nlh)
{
	size_t n = MNL_ALIGN(nlh->nlmsg_len);

	if (n > size - *len)
		return -EMSGSIZE;
	memcpy(buf + *len, nlh, n);
	*len += n;
	return 0;
}

int nl_talk_batch(struct nl_sock *s, const void *buf, size_t len, uint32_t *failed_seq)
{
	struct batch_state b = { 0 };
	size_t want = count_acks(buf, len);

	log_set_detail(NULL);
	int r = send_all(s, buf, len);

	if (r < 0)
		return r;
	/* The kernel handles a batch within our sendmsg, so every reply is queued once
	 * it returns. After an error, read without blocking until nothing is left: the
	 * kernel may skip acks (an aborted nf_tables batch), and an error reply to a
	 * message without NLM_F_ACK is counted as an ack, so the acks still due must not
	 * be left behind for the next request. */
	while (b.acks < want || b.err) {
		r = batch_read(s, &b, b.err ? MSG_DONTWAIT : 0);
		if (r == -EINTR)
			continue;
		if (r < 0)
			break;
	}
	if (failed_seq)
		*failed_seq = b.failed_seq;
	if (b.err)
		return b.err;
	return r == -EAGAIN ? 0 : r;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	}
	return MNL_CB_OK;
}

int nl_genl_family(struct nl_sock *s, const char *name, uint16_t *id)
{
	char buf[256];
	struct nlmsghdr *nlh = nl_msg_start(buf, sizeof(buf));
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = GENL_ID_CTRL;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	*id = 0;
	int r = nl_talk(s, nlh, family_cb, id);

	if (r < 0)
		return r;
	return *id ? 0 : -ENOENT;
}
