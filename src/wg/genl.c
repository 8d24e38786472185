// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kernel backend: generic netlink family "wireguard" (behaviour.md §7.2, §7.3).

#include "wg/genl.h"

#include <assert.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>

#include "base/key.h"
#include "base/macro.h"

/* The allowed-IP flags attribute is newer than Debian 12's header: it takes the next
 * number after WGALLOWEDIP_A_CIDR_MASK. */
static_assert(WGALLOWEDIP_A_CIDR_MASK == 3, "WireGuard netlink ABI");
static_assert(WG_GENL_ALLOWEDIP_A_FLAGS == WGALLOWEDIP_A_CIDR_MASK + 1, "WireGuard ABI");

/* Below the 16-bit attribute length that bounds WGDEVICE_A_PEERS, with room to spare,
 * and far below the default socket send buffer (behaviour.md §7.3). */
#define WG_GENL_MSG_MAX (60 * 1024)

static struct nlmsghdr *put_header(void *buf, uint16_t family_id, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = family_id;
	g->cmd = cmd;
	g->version = WG_GENL_VERSION;
	return nlh;
}

static size_t endpoint_len(const union wg_endpoint *ep)
{
	if (ep->sa.sa_family == AF_INET)
		return sizeof(ep->in);
	if (ep->sa.sa_family == AF_INET6)
		return sizeof(ep->in6);
	return 0;
}

static bool put_device_attrs(struct nlmsghdr *nlh, size_t limit, const struct wg_device *dev)
{
	if ((dev->flags & WGDEV_HAS_PRIVATE_KEY) &&
	    !mnl_attr_put_check(nlh, limit, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, dev->private_key))
		return false;
	if ((dev->flags & WGDEV_HAS_LISTEN_PORT) &&
	    !mnl_attr_put_u16_check(nlh, limit, WGDEVICE_A_LISTEN_PORT, dev->listen_port))
		return false;
	if ((dev->flags & WGDEV_HAS_FWMARK) &&
	    !mnl_attr_put_u32_check(nlh, limit, WGDEVICE_A_FWMARK, dev->fwmark))
		return false;
	return true;
}

/* Everything of a peer but its key and allowed IPs: sent in its first chunk only. */
static bool put_peer_header(struct nlmsghdr *nlh, size_t limit, const struct wg_peer *peer)
{
	size_t eplen = endpoint_len(&peer->endpoint);
	uint32_t flags = 0;

	if (peer->flags & WGPEER_REPLACE_ALLOWEDIPS)
		flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
	if (peer->flags & WGPEER_REMOVE)
		flags |= WGPEER_F_REMOVE_ME;
	if (flags && !mnl_attr_put_u32_check(nlh, limit, WGPEER_A_FLAGS, flags))
		return false;
	/* The kernel removes the peer and reads nothing else of it. */
	if (peer->flags & WGPEER_REMOVE)
		return true;
	if ((peer->flags & WGPEER_HAS_PRESHARED_KEY) &&
	    !mnl_attr_put_check(nlh, limit, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN,
				peer->preshared_key))
		return false;
	if ((peer->flags & WGPEER_HAS_ENDPOINT) && eplen &&
	    !mnl_attr_put_check(nlh, limit, WGPEER_A_ENDPOINT, eplen, &peer->endpoint))
		return false;
	if ((peer->flags & WGPEER_HAS_KEEPALIVE) &&
	    !mnl_attr_put_u16_check(nlh, limit, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
				    peer->keepalive))
		return false;
	return true;
}

static bool put_allowedip(struct nlmsghdr *nlh, size_t limit, const struct wg_allowedip *aip)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, limit, 0);
	size_t alen = aip->family == AF_INET ? sizeof(aip->ip4) : sizeof(aip->ip6);

	if (!nest)
		return false;
	if (!mnl_attr_put_u16_check(nlh, limit, WGALLOWEDIP_A_FAMILY, aip->family) ||
	    !mnl_attr_put_check(nlh, limit, WGALLOWEDIP_A_IPADDR, alen, aip->raw) ||
	    !mnl_attr_put_u8_check(nlh, limit, WGALLOWEDIP_A_CIDR_MASK, aip->cidr))
		goto cancel;
	/* Only when needed: kernels without the attribute would reject it. */
	if (aip->remove && !mnl_attr_put_u32_check(nlh, limit, WG_GENL_ALLOWEDIP_A_FLAGS,
						   WG_GENL_ALLOWEDIP_F_REMOVE_ME))
		goto cancel;
	mnl_attr_nest_end(nlh, nest);
	return true;
cancel:
	mnl_attr_nest_cancel(nlh, nest);
	return false;
}

/* Place as many of the peer's remaining allowed IPs as fit; false when none did. */
static bool put_allowedips(struct nlmsghdr *nlh, size_t limit, const struct wg_peer *peer,
			   struct wg_genl_cursor *cur)
{
	struct nlattr *list = mnl_attr_nest_start_check(nlh, limit, WGPEER_A_ALLOWEDIPS);
	size_t start = cur->aip;

	if (!list)
		return false;
	while (cur->aip < peer->n_allowedips &&
	       put_allowedip(nlh, limit, &peer->allowedips[cur->aip]))
		cur->aip++;
	if (cur->aip == start) {
		mnl_attr_nest_cancel(nlh, list);
		return false;
	}
	mnl_attr_nest_end(nlh, list);
	return true;
}

/*
 * Add the rest of the peer at cur. Returns true when the peer is complete, false
 * when the message is full; *progress tells whether anything was added. A peer
 * whose header fits but not even one of its allowed IPs is dropped whole and starts
 * the next message, so that its header is never sent twice.
 */
static bool put_peer(struct nlmsghdr *nlh, size_t limit, const struct wg_peer *peer,
		     struct wg_genl_cursor *cur, bool *progress)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, limit, 0);
	bool continued = cur->aip > 0;

	if (!nest)
		return false;
	if (!mnl_attr_put_check(nlh, limit, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, peer->public_key))
		goto cancel;
	/* A continued peer carries only its key and allowed IPs: repeating
	 * REPLACE_ALLOWEDIPS would erase what the previous message added. */
	if (!continued && !put_peer_header(nlh, limit, peer))
		goto cancel;
	if (cur->aip < peer->n_allowedips && !put_allowedips(nlh, limit, peer, cur))
		goto cancel;
	mnl_attr_nest_end(nlh, nest);
	*progress = true;
	if (cur->aip < peer->n_allowedips)
		return false;
	cur->peer++;
	cur->aip = 0;
	return true;
cancel:
	mnl_attr_nest_cancel(nlh, nest);
	return false;
}

static void put_peers(struct nlmsghdr *nlh, size_t limit, const struct wg_device *dev,
		      struct wg_genl_cursor *cur, bool *progress)
{
	struct nlattr *peers = mnl_attr_nest_start_check(nlh, limit, WGDEVICE_A_PEERS);
	bool added = false;

	if (!peers)
		return;
	while (cur->peer < dev->n_peers &&
	       put_peer(nlh, limit, &dev->peers[cur->peer], cur, &added))
		;
	if (!added) {
		mnl_attr_nest_cancel(nlh, peers);
		return;
	}
	mnl_attr_nest_end(nlh, peers);
	*progress = true;
}

struct nlmsghdr *wg_genl_build_set(void *buf, size_t size, uint16_t family_id,
				   const struct wg_device *dev, struct wg_genl_cursor *cur,
				   bool *done)
{
	size_t limit = size < WG_GENL_MSG_MAX ? size : WG_GENL_MSG_MAX;
	bool progress = false;
	struct nlmsghdr *nlh;

	*done = false;
	if (limit < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)))
		return NULL;
	nlh = put_header(buf, family_id, WG_CMD_SET_DEVICE);
	if (!mnl_attr_put_strz_check(nlh, limit, WGDEVICE_A_IFNAME, dev->name))
		return NULL;
	if (!cur->started) {
		if (!put_device_attrs(nlh, limit, dev))
			return NULL;
		cur->started = true;
		progress = true;
	}
	if (cur->peer < dev->n_peers)
		put_peers(nlh, limit, dev, cur, &progress);
	/* Not even one peer header or allowed IP fits in an empty message. */
	if (!progress)
		return NULL;
	*done = cur->peer >= dev->n_peers;
	return nlh;
}

struct nlmsghdr *wg_genl_build_get(void *buf, uint16_t family_id, const char *ifname)
{
	struct nlmsghdr *nlh = put_header(buf, family_id, WG_CMD_GET_DEVICE);

	nlh->nlmsg_flags = NLM_F_DUMP;
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	return nlh;
}

/* --- parsing WG_CMD_GET_DEVICE replies --- */

static const void *attr_exact(const struct nlattr *attr, size_t len)
{
	return mnl_attr_get_payload_len(attr) == len ? mnl_attr_get_payload(attr) : NULL;
}

/* Index a nest's attributes by type (the last one of a type wins). */
static void nest_table(const struct nlattr *nest, const struct nlattr **tb, size_t n)
{
	const struct nlattr *attr;

	memset(tb, 0, n * sizeof(*tb));
	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) < n)
			tb[mnl_attr_get_type(attr)] = attr;
	}
}

static int parse_allowedip(const struct nlattr *nest, struct wg_peer *peer)
{
	const struct nlattr *tb[WG_GENL_ALLOWEDIP_A_FLAGS + 1];
	struct wg_allowedip aip = { 0 };
	const void *addr;

	nest_table(nest, tb, ARRAY_SIZE(tb));
	if (!tb[WGALLOWEDIP_A_FAMILY] || !tb[WGALLOWEDIP_A_IPADDR] ||
	    !tb[WGALLOWEDIP_A_CIDR_MASK] ||
	    mnl_attr_validate(tb[WGALLOWEDIP_A_FAMILY], MNL_TYPE_U16) < 0 ||
	    mnl_attr_validate(tb[WGALLOWEDIP_A_CIDR_MASK], MNL_TYPE_U8) < 0)
		return -EBADMSG;
	aip.family = mnl_attr_get_u16(tb[WGALLOWEDIP_A_FAMILY]);
	aip.cidr = mnl_attr_get_u8(tb[WGALLOWEDIP_A_CIDR_MASK]);
	if (aip.family == AF_INET)
		addr = attr_exact(tb[WGALLOWEDIP_A_IPADDR], sizeof(aip.ip4));
	else if (aip.family == AF_INET6)
		addr = attr_exact(tb[WGALLOWEDIP_A_IPADDR], sizeof(aip.ip6));
	else
		return -EBADMSG;
	if (!addr || aip.cidr > (aip.family == AF_INET ? 32 : 128))
		return -EBADMSG;
	memcpy(aip.raw, addr, mnl_attr_get_payload_len(tb[WGALLOWEDIP_A_IPADDR]));
	return wgdev_peer_add_allowedip(peer, &aip);
}

static int parse_allowedips(const struct nlattr *list, struct wg_peer *peer)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, list) {
		int r = parse_allowedip(attr, peer);

		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_endpoint(const struct nlattr *attr, struct wg_peer *peer)
{
	size_t len = mnl_attr_get_payload_len(attr);
	const struct sockaddr *sa = mnl_attr_get_payload(attr);

	if (len < sizeof(*sa))
		return -EBADMSG;
	if (sa->sa_family == AF_INET && len >= sizeof(peer->endpoint.in))
		memcpy(&peer->endpoint.in, sa, sizeof(peer->endpoint.in));
	else if (sa->sa_family == AF_INET6 && len >= sizeof(peer->endpoint.in6))
		memcpy(&peer->endpoint.in6, sa, sizeof(peer->endpoint.in6));
	else if (sa->sa_family == AF_UNSPEC)
		return 0;
	else
		return -EBADMSG;
	peer->flags |= WGPEER_HAS_ENDPOINT;
	return 0;
}

static int attr_u64(const struct nlattr *attr, uint64_t *out)
{
	if (!attr)
		return 0;
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return -EBADMSG;
	*out = mnl_attr_get_u64(attr);
	return 0;
}

static int parse_peer_numbers(const struct nlattr **tb, struct wg_peer *peer)
{
	const struct nlattr *ka = tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL];
	const struct nlattr *hs = tb[WGPEER_A_LAST_HANDSHAKE_TIME];

	if (ka) {
		if (mnl_attr_validate(ka, MNL_TYPE_U16) < 0)
			return -EBADMSG;
		peer->keepalive = mnl_attr_get_u16(ka);
		if (peer->keepalive)
			peer->flags |= WGPEER_HAS_KEEPALIVE;
	}
	if (hs) {
		/* struct __kernel_timespec: two 64-bit fields, only 4-byte aligned here. */
		int64_t ts[2];

		if (mnl_attr_get_payload_len(hs) != sizeof(ts))
			return -EBADMSG;
		memcpy(ts, mnl_attr_get_payload(hs), sizeof(ts));
		peer->last_handshake_sec = ts[0];
		peer->last_handshake_nsec = ts[1];
	}
	if (attr_u64(tb[WGPEER_A_RX_BYTES], &peer->rx_bytes) < 0 ||
	    attr_u64(tb[WGPEER_A_TX_BYTES], &peer->tx_bytes) < 0)
		return -EBADMSG;
	return 0;
}

/* Fill peer from tb; the caller has matched or stored the public key. */
static int parse_peer_attrs(const struct nlattr **tb, struct wg_peer *peer)
{
	const struct nlattr *psk = tb[WGPEER_A_PRESHARED_KEY];
	int r;

	if (psk) {
		if (mnl_attr_get_payload_len(psk) != WG_KEY_LEN)
			return -EBADMSG;
		memcpy(peer->preshared_key, mnl_attr_get_payload(psk), WG_KEY_LEN);
		if (!key_is_zero(peer->preshared_key))
			peer->flags |= WGPEER_HAS_PRESHARED_KEY;
	}
	if (tb[WGPEER_A_ENDPOINT]) {
		r = parse_endpoint(tb[WGPEER_A_ENDPOINT], peer);
		if (r < 0)
			return r;
	}
	r = parse_peer_numbers(tb, peer);
	if (r < 0)
		return r;
	if (tb[WGPEER_A_ALLOWEDIPS])
		return parse_allowedips(tb[WGPEER_A_ALLOWEDIPS], peer);
	return 0;
}

/* The kernel continues a peer with many allowed IPs in the next message of the dump,
 * repeating only its public key: merge it into the last peer. */
static int parse_peer(const struct nlattr *nest, struct wg_device *dev, bool first)
{
	const struct nlattr *tb[WGPEER_A_MAX + 1];
	struct wg_peer *peer = NULL;
	const uint8_t *key;

	nest_table(nest, tb, ARRAY_SIZE(tb));
	key = tb[WGPEER_A_PUBLIC_KEY] ? attr_exact(tb[WGPEER_A_PUBLIC_KEY], WG_KEY_LEN) : NULL;
	if (!key)
		return -EBADMSG;
	if (first && dev->n_peers &&
	    memcmp(dev->peers[dev->n_peers - 1].public_key, key, WG_KEY_LEN) == 0)
		peer = &dev->peers[dev->n_peers - 1];
	if (!peer && !(peer = wgdev_add_peer(dev)))
		return -ENOMEM;
	memcpy(peer->public_key, key, WG_KEY_LEN);
	return parse_peer_attrs(tb, peer);
}

static int parse_peers(const struct nlattr *list, struct wg_device *dev)
{
	const struct nlattr *attr;
	bool first = true;

	mnl_attr_for_each_nested(attr, list) {
		int r = parse_peer(attr, dev, first);

		if (r < 0)
			return r;
		first = false;
	}
	return 0;
}

// clang-format off
#define DEVICE_FIELD(field, flag) \
	{ offsetof(struct wg_device, field), sizeof(((struct wg_device *)0)->field), flag }
// clang-format on

/* The device's fixed-size attributes: the field each fills and the flag it sets. */
static const struct device_field {
	size_t offset, len;
	uint32_t flag;
} device_fields[] = {
	[WGDEVICE_A_PRIVATE_KEY] = DEVICE_FIELD(private_key, WGDEV_HAS_PRIVATE_KEY),
	[WGDEVICE_A_PUBLIC_KEY] = DEVICE_FIELD(public_key, WGDEV_HAS_PUBLIC_KEY),
	[WGDEVICE_A_LISTEN_PORT] = DEVICE_FIELD(listen_port, WGDEV_HAS_LISTEN_PORT),
	[WGDEVICE_A_FWMARK] = DEVICE_FIELD(fwmark, WGDEV_HAS_FWMARK),
};

static int parse_device_attr(const struct nlattr *attr, struct wg_device *dev)
{
	uint16_t type = mnl_attr_get_type(attr);
	const struct device_field *f;
	const void *value;

	if (type == WGDEVICE_A_PEERS)
		return parse_peers(attr, dev);
	if (type >= ARRAY_SIZE(device_fields) || !device_fields[type].len)
		return 0;
	f = &device_fields[type];
	value = attr_exact(attr, f->len);
	if (!value)
		return -EBADMSG;
	memcpy((uint8_t *)dev + f->offset, value, f->len);
	/* A device without a private key reports zeros. */
	if (type != WGDEVICE_A_PRIVATE_KEY || !key_is_zero(dev->private_key))
		dev->flags |= f->flag;
	return 0;
}

int wg_genl_parse_get(const struct nlmsghdr *nlh, void *data)
{
	struct wg_device *dev = data;
	const struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		int r = parse_device_attr(attr, dev);

		/* libmnl callbacks report their error through errno (nl.c reads it). */
		if (r < 0) {
			errno = -r;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

/* --- talking to the kernel --- */

struct genl_conn {
	struct nl_sock *sock;
	bool own; /* opened here, closed here */
	uint16_t family;
};

static void genl_conn_close(struct genl_conn *c)
{
	if (c->sock && c->own)
		nl_close(c->sock);
}

/* Without the module there is no family: say so as "Operation not supported". A
 * caller's socket (of a target namespace) is used as it is. */
static int genl_conn_open(struct genl_conn *c, struct nl_sock *genl)
{
	int r = 0;

	c->sock = genl;
	if (!genl) {
		r = nl_open(&c->sock, NETLINK_GENERIC);
		c->own = r == 0;
	}
	if (r < 0)
		return r;
	r = nl_genl_family(c->sock, WG_GENL_NAME, &c->family);
	return r == -ENOENT ? -EOPNOTSUPP : r;
}

/* The send buffer holds keys: wipe it before freeing. */
static void wipe_msgbuf(void **p)
{
	if (!*p)
		return;
	explicit_zero(*p, NL_BUF_SIZE);
	free(*p);
}

int wg_genl_set_device(struct nl_sock *genl, const struct wg_device *dev)
{
	_cleanup_(genl_conn_close) struct genl_conn c = { 0 };
	_cleanup_(wipe_msgbuf) void *buf = NULL;
	struct wg_genl_cursor cur = { 0 };
	bool done = false;
	int r = genl_conn_open(&c, genl);

	if (r < 0)
		return r;
	if (!(buf = malloc(NL_BUF_SIZE)))
		return -ENOMEM;
	while (!done) {
		struct nlmsghdr *nlh =
			wg_genl_build_set(buf, NL_BUF_SIZE, c.family, dev, &cur, &done);

		if (!nlh)
			return -EMSGSIZE;
		/* One message at a time, each acked: stop at the first error. */
		r = nl_talk(c.sock, nlh, NULL, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

static void reset_device(void *data)
{
	struct wg_device *dev = data;
	char name[IFNAMSIZ];

	memcpy(name, dev->name, sizeof(name));
	wgdev_clear(dev);
	memcpy(dev->name, name, sizeof(name));
}

int wg_genl_get_device(struct nl_sock *genl, const char *ifname, struct wg_device *out)
{
	_cleanup_(genl_conn_close) struct genl_conn c = { 0 };
	char buf[256];
	int r = genl_conn_open(&c, genl);

	/* No family means no kernel WireGuard device of any name. */
	if (r == -EOPNOTSUPP)
		return -ENODEV;
	if (r < 0)
		return r;
	r = nl_dump(c.sock, wg_genl_build_get(buf, c.family, ifname), wg_genl_parse_get,
		    reset_device, out);
	return r;
}
