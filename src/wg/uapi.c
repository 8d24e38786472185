// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The userspace backend: the UAPI text protocol on /var/run/wireguard/IF.sock
// (behaviour.md §3.2, §7.5). Keys cross the socket in hex and go nowhere else: the stdio
// buffers and line buffers that held them are ours, and wiped.

#include "wg/uapi.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <poll.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "base/key.h"
#include "base/macro.h"
#include "base/number.h"

/* --- writing a set=1 request --- */

static void write_endpoint(FILE *f, const union wg_endpoint *ep)
{
	char ip[INET6_ADDRSTRLEN], zone[IFNAMSIZ + 1] = "";

	if (ep->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &ep->in.sin_addr, ip, sizeof(ip));
		fprintf(f, "endpoint=%s:%u\n", ip, ntohs(ep->in.sin_port));
		return;
	}
	if (ep->sa.sa_family != AF_INET6)
		return;
	inet_ntop(AF_INET6, &ep->in6.sin6_addr, ip, sizeof(ip));
	if (ep->in6.sin6_scope_id && !if_indextoname(ep->in6.sin6_scope_id, zone + 1))
		snprintf(zone + 1, sizeof(zone) - 1, "%" PRIu32, ep->in6.sin6_scope_id);
	if (zone[1])
		zone[0] = '%';
	fprintf(f, "endpoint=[%s%s]:%u\n", ip, zone, ntohs(ep->in6.sin6_port));
}

static void write_allowedip(FILE *f, const struct wg_allowedip *aip)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(aip->family, aip->raw, ip, sizeof(ip)))
		return;
	fprintf(f, "allowed_ip=%s%s/%u\n", aip->remove ? "-" : "", ip, aip->cidr);
}

static void write_peer(FILE *f, const struct wg_peer *peer, char hex[static KEY_HEX_LEN + 1])
{
	key_to_hex(hex, peer->public_key);
	fprintf(f, "public_key=%s\n", hex);
	if (peer->flags & WGPEER_REMOVE) {
		fputs("remove=true\n", f);
		return;
	}
	if (peer->flags & WGPEER_HAS_PRESHARED_KEY) {
		key_to_hex(hex, peer->preshared_key);
		fprintf(f, "preshared_key=%s\n", hex);
	}
	if (peer->flags & WGPEER_HAS_ENDPOINT)
		write_endpoint(f, &peer->endpoint);
	if (peer->flags & WGPEER_HAS_KEEPALIVE)
		fprintf(f, "persistent_keepalive_interval=%u\n", peer->keepalive);
	/* Before the allowed_ip lines: it empties the list at the point it is read. */
	if (peer->flags & WGPEER_REPLACE_ALLOWEDIPS)
		fputs("replace_allowed_ips=true\n", f);
	for (size_t i = 0; i < peer->n_allowedips; i++)
		write_allowedip(f, &peer->allowedips[i]);
}

int wg_uapi_write_set(FILE *f, const struct wg_device *dev)
{
	char hex[KEY_HEX_LEN + 1];

	/* addconf semantics (behaviour.md §2.9): never replace_peers. */
	if (dev->flags & WGDEV_HAS_PRIVATE_KEY) {
		key_to_hex(hex, dev->private_key);
		fprintf(f, "private_key=%s\n", hex);
	}
	if (dev->flags & WGDEV_HAS_LISTEN_PORT)
		fprintf(f, "listen_port=%u\n", dev->listen_port);
	if (dev->flags & WGDEV_HAS_FWMARK)
		fprintf(f, "fwmark=%" PRIu32 "\n", dev->fwmark);
	for (size_t i = 0; i < dev->n_peers; i++)
		write_peer(f, &dev->peers[i], hex);
	explicit_zero(hex, sizeof(hex));
	return ferror(f) ? -EIO : 0;
}

/* --- reading replies --- */

struct line {
	char *s;
	size_t cap;
};

static void line_wipe(struct line *l)
{
	if (!l->s)
		return;
	explicit_zero(l->s, l->cap);
	free(l->s);
}

/* Read one "key=value" line: 1, or 0 for the empty line that ends a reply, or
 * -EPROTO when the stream ends first or the line is not key=value. */
static int next_line(FILE *f, struct line *l, char **key, char **value)
{
	ssize_t n = getline(&l->s, &l->cap, f);

	if (n <= 0 || l->s[n - 1] != '\n')
		return -EPROTO;
	l->s[n - 1] = '\0';
	if (n == 1)
		return 0;
	*key = l->s;
	*value = strchr(l->s, '=');
	if (!*value)
		return -EPROTO;
	*(*value)++ = '\0';
	return 1;
}

/* A decimal number without sign or spaces, at most max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	return parse_u64(s, NUMBER_DECIMAL, 0, max, out) < 0 ? -EPROTO : 0;
}

/* "errno=N" as -N. wireguard-go up to at least 0.0.20220316 writes the negative
 * code ("errno=-22"), wg(8) and the kernel-style daemons the positive one. */
static int parse_status(const char *value, int *status)
{
	uint64_t v;
	int r = parse_uint(value + (*value == '-'), INT32_MAX, &v);

	if (r < 0)
		return r;
	*status = -(int)v;
	return 0;
}

static int split_endpoint(const char *s, char *host, size_t size, const char **port)
{
	const char *end = *s == '[' ? strchr(s, ']') : strrchr(s, ':');
	const char *start = *s == '[' ? s + 1 : s;

	if (!end || (*s == '[' && end[1] != ':'))
		return -EPROTO;
	if ((size_t)(end - start) >= size)
		return -EPROTO;
	memcpy(host, start, (size_t)(end - start));
	host[end - start] = '\0';
	*port = *s == '[' ? end + 2 : end + 1;
	return 0;
}

/* A numeric zone is an ifindex; anything else names an interface. */
static int parse_scope(const char *zone, uint32_t *scope)
{
	uint64_t v;

	if (parse_uint(zone, UINT32_MAX, &v) == 0) {
		*scope = (uint32_t)v;
		return 0;
	}
	*scope = if_nametoindex(zone);
	return *scope ? 0 : -EPROTO;
}

/* "IP:PORT" or "[IPV6%ZONE]:PORT", as wireguard-go prints them. */
static int parse_endpoint(const char *s, union wg_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + IFNAMSIZ + 1];
	const char *port;
	uint64_t p;
	int r = split_endpoint(s, host, sizeof(host), &port);

	if (r < 0 || parse_uint(port, UINT16_MAX, &p) < 0)
		return -EPROTO;
	memset(ep, 0, sizeof(*ep));
	if (*s != '[') {
		ep->in.sin_family = AF_INET;
		ep->in.sin_port = htons((uint16_t)p);
		return inet_pton(AF_INET, host, &ep->in.sin_addr) == 1 ? 0 : -EPROTO;
	}
	char *zone = strchr(host, '%');

	ep->in6.sin6_family = AF_INET6;
	ep->in6.sin6_port = htons((uint16_t)p);
	if (zone) {
		*zone++ = '\0';
		if (parse_scope(zone, &ep->in6.sin6_scope_id) < 0)
			return -EPROTO;
	}
	return inet_pton(AF_INET6, host, &ep->in6.sin6_addr) == 1 ? 0 : -EPROTO;
}

static int parse_allowedip(const char *s, struct wg_peer *peer)
{
	char ip[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct wg_allowedip aip = { .family = strchr(s, ':') ? AF_INET6 : AF_INET };
	uint64_t cidr;

	if (!slash || (size_t)(slash - s) >= sizeof(ip))
		return -EPROTO;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	if (inet_pton(aip.family, ip, aip.raw) != 1 ||
	    parse_uint(slash + 1, aip.family == AF_INET ? 32 : 128, &cidr) < 0)
		return -EPROTO;
	aip.cidr = (uint8_t)cidr;
	return wgdev_peer_add_allowedip(peer, &aip);
}

static int parse_key(const char *value, uint8_t key[static WG_KEY_LEN])
{
	return key_from_hex(key, value) < 0 ? -EPROTO : 0;
}

/* A number or key of a get=1 reply: the field it fills, of size bytes at offset. */
struct uapi_field {
	const char *key;
	size_t offset, size;
	uint64_t max;	   /* a decimal up to max; 0: a hex key */
	uint32_t flag;	   /* set once read… */
	bool flag_nonzero; /* …only when read and not zero: zero means none */
};

// clang-format off
#define UAPI_FIELD(type, key, field, max, flag, nonzero) \
	{ key, offsetof(type, field), sizeof(((type *)0)->field), max, flag, nonzero }

static const struct uapi_field device_fields[] = {
	UAPI_FIELD(struct wg_device, "private_key", private_key, 0, WGDEV_HAS_PRIVATE_KEY, true),
	UAPI_FIELD(struct wg_device, "listen_port", listen_port, UINT16_MAX, WGDEV_HAS_LISTEN_PORT,
		   false),
	UAPI_FIELD(struct wg_device, "fwmark", fwmark, UINT32_MAX, WGDEV_HAS_FWMARK, false),
};

/* endpoint and allowed_ip are parsed apart; protocol_version and keys of newer
 * implementations are ignored. */
static const struct uapi_field peer_fields[] = {
	UAPI_FIELD(struct wg_peer, "preshared_key", preshared_key, 0, WGPEER_HAS_PRESHARED_KEY,
		   true),
	UAPI_FIELD(struct wg_peer, "persistent_keepalive_interval", keepalive, UINT16_MAX,
		   WGPEER_HAS_KEEPALIVE, true),
	UAPI_FIELD(struct wg_peer, "last_handshake_time_sec", last_handshake_sec, INT64_MAX, 0,
		   false),
	UAPI_FIELD(struct wg_peer, "last_handshake_time_nsec", last_handshake_nsec, INT64_MAX, 0,
		   false),
	UAPI_FIELD(struct wg_peer, "rx_bytes", rx_bytes, UINT64_MAX, 0, false),
	UAPI_FIELD(struct wg_peer, "tx_bytes", tx_bytes, UINT64_MAX, 0, false),
};
// clang-format on

static const struct uapi_field *find_field(const struct uapi_field *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (streq(t[i].key, key))
			return &t[i];
	return NULL;
}

/* A number to a field of 2, 4 or 8 bytes; parse_uint kept it within the field. */
static void store_uint(void *field, size_t size, uint64_t v)
{
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	if (size == sizeof(v16))
		memcpy(field, &v16, size);
	else if (size == sizeof(v32))
		memcpy(field, &v32, size);
	else
		memcpy(field, &v, sizeof(v));
}

static int read_field(const struct uapi_field *f, void *obj, uint32_t *flags, const char *value)
{
	uint8_t *field = (uint8_t *)obj + f->offset;
	uint64_t v = 0;
	bool zero;
	int r;

	if (!f->max) {
		r = parse_key(value, field);
		zero = key_is_zero(field);
	} else {
		r = parse_uint(value, f->max, &v);
		store_uint(field, f->size, v);
		zero = !v;
	}
	if (!f->flag_nonzero || (!r && !zero))
		*flags |= f->flag;
	return r;
}

static int peer_field(struct wg_peer *peer, const char *key, const char *value)
{
	const struct uapi_field *f;
	int r;

	/* The most frequent line first: a server's reply is mostly allowed IPs. */
	if (streq(key, "allowed_ip"))
		return parse_allowedip(value, peer);
	f = find_field(peer_fields, ARRAY_SIZE(peer_fields), key);
	if (f)
		return read_field(f, peer, &peer->flags, value);
	if (!streq(key, "endpoint"))
		return 0;
	r = parse_endpoint(value, &peer->endpoint);
	if (!r)
		peer->flags |= WGPEER_HAS_ENDPOINT;
	return r;
}

static int device_field(struct wg_device *dev, const char *key, const char *value)
{
	const struct uapi_field *f = find_field(device_fields, ARRAY_SIZE(device_fields), key);

	return f ? read_field(f, dev, &dev->flags, value) : 0;
}

static int get_field(struct wg_device *dev, const char *key, const char *value)
{
	struct wg_peer *peer;

	if (!streq(key, "public_key")) {
		if (!dev->n_peers)
			return device_field(dev, key, value);
		return peer_field(&dev->peers[dev->n_peers - 1], key, value);
	}
	peer = wgdev_add_peer(dev);
	if (!peer)
		return -ENOMEM;
	return parse_key(value, peer->public_key);
}

int wg_uapi_read_get(FILE *f, struct wg_device *dev)
{
	_cleanup_(line_wipe) struct line l = { 0 };
	bool have_status = false;
	int status = 0;

	for (;;) {
		char *key, *value;
		int r = next_line(f, &l, &key, &value);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (streq(key, "errno"))
			r = parse_status(value, &status);
		else if (dev) /* NULL: the reply to a set, where only errno counts */
			r = get_field(dev, key, value);
		if (r < 0)
			return r;
		have_status |= streq(key, "errno");
	}
	return have_status ? status : -EPROTO;
}

/* The reply to set=1: only errno=N and the empty line. */
static int read_status(FILE *f)
{
	return wg_uapi_read_get(f, NULL);
}

/* --- the connection --- */

/* Room for many lines per send; larger buys nothing on a local socket. A get=1
 * reply of a server is megabytes: read in larger pieces, it takes an eighth of the
 * recv calls. */
#define UAPI_BUF_SIZE  8192
#define UAPI_RBUF_SIZE 65536

struct uapi_conn {
	int fd;
	int err; /* first error of send or recv */
	FILE *w, *r;
	char wbuf[UAPI_BUF_SIZE];
	char rbuf[UAPI_RBUF_SIZE];
};

/* remove_stale: a socket whose daemon is gone is removed (behaviour.md §3.2). */
static int connect_to(const char *ifname, bool remove_stale, int *out)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!*ifname || strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/'))
		return -EINVAL;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock", WG_UAPI_DIR, ifname);
	/* Only a socket may be removed as stale below. */
	if (stat(addr.sun_path, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		/* The daemon died and left its socket behind (behaviour.md §3.2). */
		if (err == -ECONNREFUSED && remove_stale)
			(void)unlink(addr.sun_path);
		return err;
	}
	*out = TAKE_FD(fd);
	return 0;
}

static int connect_socket(const char *ifname, int *out)
{
	return connect_to(ifname, true, out);
}

bool wg_uapi_alive(const char *ifname)
{
	_cleanup_close_ int fd = -1;

	return connect_socket(ifname, &fd) == 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Has the daemon at the other end of fd hung up, or is it still there after ms? */
static bool hung_up(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };

	return poll(&p, 1, ms) > 0;
}

void wg_uapi_wait_gone(const char *ifname)
{
	/* The implementation notices its TUN link is gone, removes its socket and exits
	 * (tens of ms with many peers); one that had barely started exits without
	 * removing it. Up to 1 s, a stat every 1 ms, with one connection held open: it
	 * is hung up when the daemon exits, and only then is a socket still there
	 * checked again (a stale one is removed). A new connection per look made the
	 * daemon serve each while it was shutting down. */
	struct timespec t0;
	_cleanup_close_ int fd = -1;
	struct stat st;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(path, sizeof(path), "%s/%s.sock", WG_UAPI_DIR, ifname);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (connect_socket(ifname, &fd) < 0)
		return;
	while (stat(path, &st) == 0 && ms_since(&t0) < 1000) {
		if (!hung_up(fd, 1))
			continue;
		closep(&fd);
		fd = -1;
		if (connect_socket(ifname, &fd) < 0)
			return; /* gone, or stale and now removed */
		usleep(1000);
	}
}

/* MSG_NOSIGNAL: the daemon hangs up after rejecting a request, and a SIGPIPE would
 * kill us before the rollback. */
static ssize_t conn_write(void *cookie, const char *buf, size_t len)
{
	struct uapi_conn *c = cookie;
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(c->fd, buf + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			c->err = c->err ? c->err : -errno;
			return 0;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static ssize_t conn_read(void *cookie, char *buf, size_t len)
{
	struct uapi_conn *c = cookie;

	for (;;) {
		ssize_t n = recv(c->fd, buf, len, 0);

		if (n >= 0 || errno != EINTR) {
			if (n < 0 && !c->err)
				c->err = -errno;
			return n;
		}
	}
}

static void conn_free(struct uapi_conn **p)
{
	struct uapi_conn *c = *p;

	if (!c)
		return;
	if (c->w)
		fclose(c->w);
	if (c->r)
		fclose(c->r);
	if (c->fd >= 0)
		close(c->fd);
	explicit_zero(c, sizeof(*c));
	free(c);
}

static int conn_open_as(const char *ifname, bool remove_stale, struct uapi_conn **out)
{
	_cleanup_(conn_free) struct uapi_conn *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->fd = -1;
	r = connect_to(ifname, remove_stale, &c->fd);
	if (r < 0)
		return r;
	c->w = fopencookie(c, "w", (cookie_io_functions_t){ .write = conn_write });
	c->r = fopencookie(c, "r", (cookie_io_functions_t){ .read = conn_read });
	if (!c->w || !c->r)
		return -ENOMEM;
	/* Our own buffers, so that conn_free can wipe the hex keys they held. */
	if (setvbuf(c->w, c->wbuf, _IOFBF, sizeof(c->wbuf)) ||
	    setvbuf(c->r, c->rbuf, _IOFBF, sizeof(c->rbuf)))
		return -ENOMEM;
	*out = TAKE_PTR(c);
	return 0;
}

static int conn_open(const char *ifname, struct uapi_conn **out)
{
	return conn_open_as(ifname, true, out);
}

/* After the request: the daemon's errno=N if it sent one, else the send error. */
static int conn_flush(struct uapi_conn *c)
{
	if (fflush(c->w) == 0 && !ferror(c->w))
		return 0;
	return c->err ? c->err : -EIO;
}

int wg_uapi_set_device(const struct wg_device *dev)
{
	_cleanup_(conn_free) struct uapi_conn *c = NULL;
	int r = conn_open(dev->name, &c);

	if (r < 0)
		return r;
	fputs("set=1\n", c->w);
	(void)wg_uapi_write_set(c->w, dev);
	fputs("\n", c->w);
	int sent = conn_flush(c);
	/* A daemon that rejects a line replies at once and hangs up: its errno says
	 * more than our EPIPE, so read the reply even when sending failed. */
	r = read_status(c->r);
	if (r == -EPROTO && c->err)
		return c->err;
	return r < 0 ? r : sent;
}

int wg_uapi_get_device(const char *ifname, struct wg_device *out)
{
	_cleanup_(conn_free) struct uapi_conn *c = NULL;
	int r = conn_open(ifname, &c);

	if (r == -ENOENT)
		return -ENODEV;
	if (r < 0)
		return r;
	fputs("get=1\n\n", c->w);
	r = conn_flush(c);
	if (r < 0)
		return r;
	return wg_uapi_read_get(c->r, out);
}

struct wg_uapi_ahead {
	char ifname[IFNAMSIZ];
	struct uapi_conn *conn;
};

void wg_uapi_ahead_free(struct wg_uapi_ahead **p)
{
	if (!*p)
		return;
	conn_free(&(*p)->conn);
	free(*p);
	*p = NULL;
}

/* Quietly: no message, and a stale socket stays for the read that counts. */
struct wg_uapi_ahead *wg_uapi_get_ahead(const char *ifname)
{
	_cleanup_(wg_uapi_ahead_free) struct wg_uapi_ahead *a = calloc(1, sizeof(*a));

	if (!a || conn_open_as(ifname, false, &a->conn) < 0)
		return NULL;
	fputs("get=1\n\n", a->conn->w);
	if (conn_flush(a->conn) < 0)
		return NULL;
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	return TAKE_PTR(a);
}

int wg_uapi_take_ahead(struct wg_uapi_ahead **ahead, const char *ifname, struct wg_device *out)
{
	_cleanup_(wg_uapi_ahead_free) struct wg_uapi_ahead *a = *ahead;

	*ahead = NULL;
	if (!a || !streq(a->ifname, ifname))
		return 1;
	return wg_uapi_read_get(a->conn->r, out);
}
