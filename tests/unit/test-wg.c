// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The WireGuard device layer without a device: WG_CMD_SET_DEVICE splitting (spec
// behaviour.md §7.3), merging of multipart WG_CMD_GET_DEVICE replies, and the UAPI text
// (behaviour.md §7.5). The keys below are made-up test data; still, failures never print them.

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>

#include "base/macro.h"
#include "wg/sync.h"
#include "wg/genl.h"
#include "wg/uapi.h"

#define FAMILY_ID 0x1d
#define BIG_BUF	  (64 * 1024)
/* The largest single item of a message: a peer header with every attribute plus
 * one IPv6 allowed IP with flags. A message that is not the last must be fuller
 * than its limit minus this, or the splitter wastes round trips. */
#define MAX_ITEM 256

static void fill_key(uint8_t key[static WG_KEY_LEN], uint32_t n, uint8_t tag)
{
	for (int i = 0; i < WG_KEY_LEN; i++)
		key[i] = (uint8_t)(tag + 13 * i);
	key[0] = tag;
	memcpy(key + 1, &n, sizeof(n));
}

static bool key_eq(const void *a, const void *b)
{
	return memcmp(a, b, WG_KEY_LEN) == 0;
}

static void add_aip4(struct wg_peer *peer, uint32_t addr, uint8_t cidr, bool remove)
{
	struct wg_allowedip aip = { .family = AF_INET, .cidr = cidr, .remove = remove };

	aip.ip4.s_addr = htonl(addr);
	assert_int_equal(wgdev_peer_add_allowedip(peer, &aip), 0);
}

static void add_aip6(struct wg_peer *peer, uint32_t low, uint8_t cidr, bool remove)
{
	struct wg_allowedip aip = { .family = AF_INET6, .cidr = cidr, .remove = remove };

	aip.raw[0] = 0xfd;
	memcpy(aip.raw + 12, &low, sizeof(low));
	assert_int_equal(wgdev_peer_add_allowedip(peer, &aip), 0);
}

static void set_endpoint4(struct wg_peer *peer, uint32_t addr, uint16_t port)
{
	peer->endpoint.in.sin_family = AF_INET;
	peer->endpoint.in.sin_addr.s_addr = htonl(addr);
	peer->endpoint.in.sin_port = htons(port);
	peer->flags |= WGPEER_HAS_ENDPOINT;
}

static void set_endpoint6(struct wg_peer *peer, const char *addr, uint16_t port)
{
	peer->endpoint.in6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, addr, &peer->endpoint.in6.sin6_addr), 1);
	peer->endpoint.in6.sin6_port = htons(port);
	peer->flags |= WGPEER_HAS_ENDPOINT;
}

static void init_device(struct wg_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	strcpy(dev->name, "wgtest0");
	fill_key(dev->private_key, 0, 1);
	dev->listen_port = 51820;
	dev->fwmark = 0xca6c;
	dev->flags = WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK;
}

/* Every peer: a preshared key, an endpoint, one /32 and one /128. Every seventh
 * peer is incremental (no REPLACE_ALLOWEDIPS) and removes its IPv4 prefix. */
static void make_many_peers(struct wg_device *dev, uint32_t n)
{
	init_device(dev);
	for (uint32_t i = 0; i < n; i++) {
		struct wg_peer *peer = wgdev_add_peer(dev);
		bool incremental = i % 7 == 3;

		assert_non_null(peer);
		fill_key(peer->public_key, i, 2);
		fill_key(peer->preshared_key, i, 3);
		peer->flags = WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE;
		peer->flags |= incremental ? 0 : WGPEER_REPLACE_ALLOWEDIPS;
		peer->keepalive = (uint16_t)(i % 60);
		if (i % 2)
			set_endpoint6(peer, "2001:db8::7", (uint16_t)(1000 + i % 50000));
		else
			set_endpoint4(peer, 0xc6336400 + i % 256, (uint16_t)(1000 + i % 50000));
		add_aip4(peer, 0x0a000000 + i, 32, incremental);
		add_aip6(peer, i, 128, false);
	}
}

/* One peer with n prefixes of one family. */
static void make_big_peer(struct wg_device *dev, int family, uint32_t n)
{
	struct wg_peer *peer;

	init_device(dev);
	peer = wgdev_add_peer(dev);
	assert_non_null(peer);
	fill_key(peer->public_key, 77, 2);
	fill_key(peer->preshared_key, 77, 3);
	peer->flags = WGPEER_HAS_PRESHARED_KEY | WGPEER_REPLACE_ALLOWEDIPS;
	set_endpoint4(peer, 0xc0000201, 51820);
	for (uint32_t i = 0; i < n; i++) {
		if (family == AF_INET)
			add_aip4(peer, 0x0a000000 + (i << 8), 24, i % 1000 == 999);
		else
			add_aip6(peer, i, 96 + i % 33, i % 1000 == 999);
	}
}

/* --- parsing a SET message back --- */

struct split_state {
	const struct wg_device *dev;
	size_t limit;
	size_t messages;
	size_t peer, aip; /* what must come next */
};

/* The attributes must tile [start, start + len) exactly: a nest length that
 * wrapped at 16 bits would leave bytes over, or run past the end. */
static void assert_tiles(const void *start, size_t len)
{
	const struct nlattr *a = start;
	int left = (int)len;

	while (left > 0) {
		assert_true(mnl_attr_ok(a, left));
		left -= (int)MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	assert_int_equal(left, 0);
}

static void nest_table(const struct nlattr *nest, const struct nlattr **tb, size_t n)
{
	const struct nlattr *a;

	memset(tb, 0, n * sizeof(*tb));
	assert_tiles(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
	mnl_attr_for_each_nested(a, nest) {
		assert_in_range(mnl_attr_get_type(a), 1, n - 1);
		assert_null(tb[mnl_attr_get_type(a)]); /* no duplicates */
		tb[mnl_attr_get_type(a)] = a;
	}
}

static void check_allowedip(const struct nlattr *nest, const struct wg_allowedip *want)
{
	const struct nlattr *tb[WG_GENL_ALLOWEDIP_A_FLAGS + 1];
	size_t alen = want->family == AF_INET ? 4 : 16;

	nest_table(nest, tb, ARRAY_SIZE(tb));
	assert_non_null(tb[WGALLOWEDIP_A_FAMILY]);
	assert_int_equal(mnl_attr_get_u16(tb[WGALLOWEDIP_A_FAMILY]), want->family);
	assert_non_null(tb[WGALLOWEDIP_A_IPADDR]);
	assert_int_equal(mnl_attr_get_payload_len(tb[WGALLOWEDIP_A_IPADDR]), alen);
	assert_memory_equal(mnl_attr_get_payload(tb[WGALLOWEDIP_A_IPADDR]), want->raw, alen);
	assert_non_null(tb[WGALLOWEDIP_A_CIDR_MASK]);
	assert_int_equal(mnl_attr_get_u8(tb[WGALLOWEDIP_A_CIDR_MASK]), want->cidr);
	if (!want->remove) {
		assert_null(tb[WG_GENL_ALLOWEDIP_A_FLAGS]);
		return;
	}
	assert_non_null(tb[WG_GENL_ALLOWEDIP_A_FLAGS]);
	assert_int_equal(mnl_attr_get_u32(tb[WG_GENL_ALLOWEDIP_A_FLAGS]),
			 WG_GENL_ALLOWEDIP_F_REMOVE_ME);
}

/* A peer's first chunk: flags, preshared key, endpoint and keepalive as configured. */
static void check_peer_header(const struct nlattr **tb, const struct wg_peer *want)
{
	bool replace = want->flags & WGPEER_REPLACE_ALLOWEDIPS;

	assert_int_equal(!!tb[WGPEER_A_FLAGS], replace);
	if (replace)
		assert_int_equal(mnl_attr_get_u32(tb[WGPEER_A_FLAGS]), WGPEER_F_REPLACE_ALLOWEDIPS);
	assert_int_equal(!!tb[WGPEER_A_PRESHARED_KEY], !!(want->flags & WGPEER_HAS_PRESHARED_KEY));
	if (tb[WGPEER_A_PRESHARED_KEY]) {
		assert_int_equal(mnl_attr_get_payload_len(tb[WGPEER_A_PRESHARED_KEY]), WG_KEY_LEN);
		assert_true(key_eq(mnl_attr_get_payload(tb[WGPEER_A_PRESHARED_KEY]),
				   want->preshared_key));
	}
	assert_non_null(tb[WGPEER_A_ENDPOINT]);
	size_t eplen = want->endpoint.sa.sa_family == AF_INET ? sizeof(struct sockaddr_in)
							      : sizeof(struct sockaddr_in6);

	assert_int_equal(mnl_attr_get_payload_len(tb[WGPEER_A_ENDPOINT]), eplen);
	assert_memory_equal(mnl_attr_get_payload(tb[WGPEER_A_ENDPOINT]), &want->endpoint, eplen);
	assert_int_equal(!!tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL],
			 !!(want->flags & WGPEER_HAS_KEEPALIVE));
	if (tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL])
		assert_int_equal(mnl_attr_get_u16(tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]),
				 want->keepalive);
}

/* Returns true when the peer is complete. */
static bool check_peer(struct split_state *st, const struct nlattr *nest, bool first)
{
	const struct nlattr *tb[WGPEER_A_MAX + 1];
	const struct nlattr *a;
	const struct wg_peer *want;
	bool continued = st->aip > 0;
	size_t before = st->aip;

	assert_in_range(st->peer, 0, st->dev->n_peers - 1);
	want = &st->dev->peers[st->peer];
	nest_table(nest, tb, ARRAY_SIZE(tb));
	assert_non_null(tb[WGPEER_A_PUBLIC_KEY]);
	assert_true(key_eq(mnl_attr_get_payload(tb[WGPEER_A_PUBLIC_KEY]), want->public_key));
	if (continued) {
		/* Only the key and allowed IPs, and only at the start of a message. */
		assert_true(first);
		for (size_t t = 1; t < ARRAY_SIZE(tb); t++)
			if (t != WGPEER_A_PUBLIC_KEY && t != WGPEER_A_ALLOWEDIPS)
				assert_null(tb[t]);
	} else {
		check_peer_header(tb, want);
	}
	if (tb[WGPEER_A_ALLOWEDIPS]) {
		assert_tiles(mnl_attr_get_payload(tb[WGPEER_A_ALLOWEDIPS]),
			     mnl_attr_get_payload_len(tb[WGPEER_A_ALLOWEDIPS]));
		mnl_attr_for_each_nested(a, tb[WGPEER_A_ALLOWEDIPS]) {
			assert_in_range(st->aip, 0, want->n_allowedips - 1);
			check_allowedip(a, &want->allowedips[st->aip++]);
		}
	}
	/* A chunk that carries nothing new would be a wasted round trip. */
	assert_true(st->aip > before || want->n_allowedips == 0);
	if (st->aip < want->n_allowedips)
		return false;
	st->peer++;
	st->aip = 0;
	return true;
}

static void check_peers(struct split_state *st, const struct nlattr *peers)
{
	const struct nlattr *a;
	bool first = true, open = false;

	assert_tiles(mnl_attr_get_payload(peers), mnl_attr_get_payload_len(peers));
	mnl_attr_for_each_nested(a, peers) {
		assert_false(open); /* an unfinished peer must end the message */
		open = !check_peer(st, a, first);
		first = false;
	}
	assert_false(first); /* no empty peers nest */
}

static void check_device_attrs(const struct split_state *st, const struct nlattr **tb)
{
	const struct wg_device *dev = st->dev;
	bool first = st->messages == 1;

	assert_null(tb[WGDEVICE_A_FLAGS]); /* addconf: never REPLACE_PEERS */
	assert_int_equal(!!tb[WGDEVICE_A_PRIVATE_KEY], first);
	assert_int_equal(!!tb[WGDEVICE_A_LISTEN_PORT], first);
	assert_int_equal(!!tb[WGDEVICE_A_FWMARK], first);
	if (!first)
		return;
	assert_true(key_eq(mnl_attr_get_payload(tb[WGDEVICE_A_PRIVATE_KEY]), dev->private_key));
	assert_int_equal(mnl_attr_get_u16(tb[WGDEVICE_A_LISTEN_PORT]), dev->listen_port);
	assert_int_equal(mnl_attr_get_u32(tb[WGDEVICE_A_FWMARK]), dev->fwmark);
}

static void check_message(struct split_state *st, const struct nlmsghdr *nlh, bool last)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[WGDEVICE_A_MAX + 1] = { 0 };
	const struct nlattr *a;

	st->messages++;
	assert_true(nlh->nlmsg_len < 65536);
	assert_true(nlh->nlmsg_len <= st->limit);
	if (!last)
		assert_true(nlh->nlmsg_len > st->limit - MAX_ITEM);
	assert_int_equal(nlh->nlmsg_type, FAMILY_ID);
	assert_int_equal(g->cmd, WG_CMD_SET_DEVICE);
	assert_int_equal(g->version, 1);
	assert_tiles((const char *)g + MNL_ALIGN(sizeof(*g)),
		     mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(sizeof(*g)));
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		assert_in_range(mnl_attr_get_type(a), 1, WGDEVICE_A_MAX);
		assert_null(tb[mnl_attr_get_type(a)]);
		tb[mnl_attr_get_type(a)] = a;
	}
	assert_non_null(tb[WGDEVICE_A_IFNAME]);
	assert_string_equal(mnl_attr_get_str(tb[WGDEVICE_A_IFNAME]), st->dev->name);
	check_device_attrs(st, tb);
	if (tb[WGDEVICE_A_PEERS])
		check_peers(st, tb[WGDEVICE_A_PEERS]);
	else
		assert_true(st->messages == 1 && st->dev->n_peers == 0);
}

static size_t run_split(const struct wg_device *dev, size_t size)
{
	_cleanup_free_ void *buf = malloc(BIG_BUF);
	struct split_state st = { .dev = dev, .limit = size < 60 * 1024 ? size : 60 * 1024 };
	struct wg_genl_cursor cur = { 0 };
	bool done = false;

	assert_non_null(buf);
	while (!done) {
		struct nlmsghdr *nlh = wg_genl_build_set(buf, size, FAMILY_ID, dev, &cur, &done);

		assert_non_null(nlh);
		check_message(&st, nlh, done);
		assert_true(st.messages < 100000);
	}
	assert_int_equal(st.peer, dev->n_peers);
	assert_int_equal(st.aip, 0);
	return st.messages;
}

struct split_case {
	const char *name;
	int kind; /* 0: many peers, else the family of one big peer */
	uint32_t n;
	size_t bufsize;
};

static const struct split_case split_cases[] = {
	{ "10000 peers", 0, 10000, BIG_BUF },
	{ "10000 peers, 1 KiB", 0, 10000, 1024 },
	{ "1 peer, 10000 IPv4", AF_INET, 10000, BIG_BUF },
	{ "1 peer, 10000 IPv4, 1 KiB", AF_INET, 10000, 1024 },
	{ "1 peer, 10000 IPv6", AF_INET6, 10000, BIG_BUF },
	{ "1 peer, 10000 IPv6, 1 KiB", AF_INET6, 10000, 1024 },
	{ "3 peers, 300 bytes", 0, 3, 300 },
	{ "no peers", 0, 0, BIG_BUF },
};

static void test_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		struct wg_device dev;

		if (c->kind)
			make_big_peer(&dev, c->kind, c->n);
		else
			make_many_peers(&dev, c->n);
		size_t n = run_split(&dev, c->bufsize);

		print_message("split %s: %zu messages\n", c->name, n);
		wgdev_clear(&dev);
	}
}

static void test_split_too_small(void **state)
{
	_cleanup_free_ void *buf = malloc(BIG_BUF);
	struct wg_genl_cursor cur = { 0 };
	struct wg_device dev;
	bool done = true;

	(void)state;
	make_many_peers(&dev, 2);
	/* Room for the device attributes, not for a peer: the first message still
	 * goes out, then nothing more fits. */
	assert_non_null(wg_genl_build_set(buf, 120, FAMILY_ID, &dev, &cur, &done));
	assert_false(done);
	assert_true(cur.started);
	assert_int_equal(cur.peer, 0);
	assert_null(wg_genl_build_set(buf, 120, FAMILY_ID, &dev, &cur, &done));
	assert_false(done);
	memset(&cur, 0, sizeof(cur));
	assert_null(wg_genl_build_set(buf, 40, FAMILY_ID, &dev, &cur, &done));
	wgdev_clear(&dev);
}

static void test_fwmark_only(void **state)
{
	char buf[256];
	struct wg_device dev = { .name = "wg0", .flags = WGDEV_HAS_FWMARK, .fwmark = 51820 };
	struct wg_genl_cursor cur = { 0 };
	const struct nlattr *a;
	bool done = false;
	int n = 0;

	(void)state;
	struct nlmsghdr *nlh = wg_genl_build_set(buf, sizeof(buf), FAMILY_ID, &dev, &cur, &done);

	assert_non_null(nlh);
	assert_true(done);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		n++;
		if (mnl_attr_get_type(a) == WGDEVICE_A_FWMARK)
			assert_int_equal(mnl_attr_get_u32(a), 51820);
		else
			assert_int_equal(mnl_attr_get_type(a), WGDEVICE_A_IFNAME);
	}
	assert_int_equal(n, 2);
}

static void test_build_get(void **state)
{
	char buf[256];
	struct nlmsghdr *nlh = wg_genl_build_get(buf, FAMILY_ID, "wg7");
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	int n = 0;

	(void)state;
	assert_int_equal(nlh->nlmsg_type, FAMILY_ID);
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(g->cmd, WG_CMD_GET_DEVICE);
	assert_int_equal(g->version, 1);
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		n++;
		assert_int_equal(mnl_attr_get_type(a), WGDEVICE_A_IFNAME);
		assert_string_equal(mnl_attr_get_str(a), "wg7");
	}
	assert_int_equal(n, 1);
}

/* --- merging GET replies --- */

static struct nlmsghdr *reply_start(void *buf, bool with_device)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	uint8_t key[WG_KEY_LEN];

	nlh->nlmsg_type = FAMILY_ID;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g->cmd = WG_CMD_GET_DEVICE;
	g->version = 1;
	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wgtest0");
	if (!with_device)
		return nlh;
	fill_key(key, 0, 1);
	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, key);
	fill_key(key, 0, 9);
	mnl_attr_put(nlh, WGDEVICE_A_PUBLIC_KEY, WG_KEY_LEN, key);
	mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, 51820);
	mnl_attr_put_u32(nlh, WGDEVICE_A_FWMARK, 0);
	return nlh;
}

static void reply_aips(struct nlmsghdr *nlh, uint32_t from, uint32_t to)
{
	struct nlattr *list = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);

	for (uint32_t i = from; i < to; i++) {
		struct nlattr *n = mnl_attr_nest_start(nlh, 0);
		uint32_t addr = htonl(0x0a000000 + i);

		mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, AF_INET);
		mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, sizeof(addr), &addr);
		mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, 32);
		mnl_attr_nest_end(nlh, n);
	}
	mnl_attr_nest_end(nlh, list);
}

/* A peer's full entry: psk (zero for even n), IPv4 endpoint, keepalive n % 2 * 25,
 * handshake n.5 s, rx/tx. */
static void reply_peer_full(struct nlmsghdr *nlh, uint32_t n, uint32_t from, uint32_t to)
{
	struct nlattr *p = mnl_attr_nest_start(nlh, 0);
	uint8_t key[WG_KEY_LEN] = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(51000 + n) };
	int64_t ts[2] = { 1700000000 + n, 500000000 };

	fill_key(key, n, 2);
	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, key);
	memset(key, 0, sizeof(key));
	if (n % 2)
		fill_key(key, n, 3);
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN, key);
	sin.sin_addr.s_addr = htonl(0xc0000200 + n);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, (uint16_t)(n % 2 * 25));
	mnl_attr_put(nlh, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(ts), ts);
	mnl_attr_put_u64(nlh, WGPEER_A_RX_BYTES, 1000 + n);
	mnl_attr_put_u64(nlh, WGPEER_A_TX_BYTES, 2000 + n);
	mnl_attr_put_u32(nlh, WGPEER_A_PROTOCOL_VERSION, 1);
	reply_aips(nlh, from, to);
	mnl_attr_nest_end(nlh, p);
}

/* The kernel's continuation: only the key and more allowed IPs. */
static void reply_peer_more(struct nlmsghdr *nlh, uint32_t n, uint32_t from, uint32_t to)
{
	struct nlattr *p = mnl_attr_nest_start(nlh, 0);
	uint8_t key[WG_KEY_LEN];

	fill_key(key, n, 2);
	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, key);
	reply_aips(nlh, from, to);
	mnl_attr_nest_end(nlh, p);
}

static void check_merged_peer(const struct wg_peer *p, uint32_t n, uint32_t from, uint32_t to)
{
	uint8_t key[WG_KEY_LEN];

	fill_key(key, n, 2);
	assert_true(key_eq(p->public_key, key));
	assert_int_equal(p->n_allowedips, to - from);
	for (uint32_t i = from; i < to; i++) {
		assert_int_equal(p->allowedips[i - from].family, AF_INET);
		assert_int_equal(p->allowedips[i - from].cidr, 32);
		assert_int_equal(ntohl(p->allowedips[i - from].ip4.s_addr), 0x0a000000 + i);
	}
	assert_int_equal(p->endpoint.in.sin_family, AF_INET);
	assert_int_equal(ntohl(p->endpoint.in.sin_addr.s_addr), 0xc0000200 + n);
	assert_int_equal(ntohs(p->endpoint.in.sin_port), 51000 + n);
	assert_int_equal(p->keepalive, n % 2 * 25);
	assert_int_equal(p->last_handshake_sec, 1700000000 + n);
	assert_int_equal(p->last_handshake_nsec, 500000000);
	assert_int_equal(p->rx_bytes, 1000 + n);
	assert_int_equal(p->tx_bytes, 2000 + n);
	uint32_t want = WGPEER_HAS_ENDPOINT;

	if (n % 2)
		want |= WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE;
	assert_int_equal(p->flags, want);
	fill_key(key, n, 3);
	if (n % 2)
		assert_true(key_eq(p->preshared_key, key));
}

static void test_parse_get_merge(void **state)
{
	char buf[3][8192];
	struct nlmsghdr *m[3];
	struct nlattr *peers;
	struct wg_device dev = { 0 };
	uint8_t key[WG_KEY_LEN];

	(void)state;
	/* Peer 1 spans messages 1 and 2, peer 2 spans 2 and 3, peer 3 starts message 3
	 * after it; peer 4 has no allowed IPs. */
	m[0] = reply_start(buf[0], true);
	peers = mnl_attr_nest_start(m[0], WGDEVICE_A_PEERS);
	reply_peer_full(m[0], 0, 0, 3);
	reply_peer_full(m[0], 1, 100, 150);
	mnl_attr_nest_end(m[0], peers);
	m[1] = reply_start(buf[1], false);
	peers = mnl_attr_nest_start(m[1], WGDEVICE_A_PEERS);
	reply_peer_more(m[1], 1, 150, 230);
	reply_peer_full(m[1], 2, 300, 301);
	mnl_attr_nest_end(m[1], peers);
	m[2] = reply_start(buf[2], false);
	peers = mnl_attr_nest_start(m[2], WGDEVICE_A_PEERS);
	reply_peer_more(m[2], 2, 301, 305);
	reply_peer_full(m[2], 3, 400, 400);
	mnl_attr_nest_end(m[2], peers);
	for (int i = 0; i < 3; i++)
		assert_int_equal(wg_genl_parse_get(m[i], &dev), MNL_CB_OK);

	assert_int_equal(dev.flags, WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_PUBLIC_KEY |
					    WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK);
	fill_key(key, 0, 1);
	assert_true(key_eq(dev.private_key, key));
	fill_key(key, 0, 9);
	assert_true(key_eq(dev.public_key, key));
	assert_int_equal(dev.listen_port, 51820);
	assert_int_equal(dev.fwmark, 0);
	assert_int_equal(dev.n_peers, 4);
	check_merged_peer(&dev.peers[0], 0, 0, 3);
	check_merged_peer(&dev.peers[1], 1, 100, 230);
	check_merged_peer(&dev.peers[2], 2, 300, 305);
	check_merged_peer(&dev.peers[3], 3, 400, 400);
	wgdev_clear(&dev);
}

static void test_parse_get_zero_private(void **state)
{
	char buf[1024];
	struct nlmsghdr *nlh = reply_start(buf, false);
	uint8_t zero[WG_KEY_LEN] = { 0 };
	struct wg_device dev = { 0 };

	(void)state;
	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, zero);
	assert_int_equal(wg_genl_parse_get(nlh, &dev), MNL_CB_OK);
	assert_int_equal(dev.flags, 0);
	assert_int_equal(dev.n_peers, 0);
}

static void test_parse_get_bad(void **state)
{
	static const uint16_t bad_lens[] = { 31, 33 };
	char buf[1024];
	struct wg_device dev = { 0 };
	uint8_t key[64] = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_lens); i++) {
		struct nlmsghdr *nlh = reply_start(buf, false);
		struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
		struct nlattr *p = mnl_attr_nest_start(nlh, 0);

		mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, bad_lens[i], key);
		mnl_attr_nest_end(nlh, p);
		mnl_attr_nest_end(nlh, peers);
		errno = 0;
		assert_int_equal(wg_genl_parse_get(nlh, &dev), MNL_CB_ERROR);
		assert_int_equal(errno, EBADMSG);
		assert_int_equal(dev.n_peers, 0);
	}
}

/* --- UAPI --- */

#define HEX_PRIV    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
#define HEX_PUB1    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_PSK1    "5555555555555555555555555555555555555555555555555555555555555555"
#define HEX_PUB2_LC "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
#define HEX_PUB2    "B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECF"
#define HEX_ZERO    "0000000000000000000000000000000000000000000000000000000000000000"

static void make_uapi_device(struct wg_device *dev)
{
	struct wg_peer *p;

	memset(dev, 0, sizeof(*dev));
	strcpy(dev->name, "wgtest0");
	for (int i = 0; i < WG_KEY_LEN; i++)
		dev->private_key[i] = (uint8_t)(i + 1);
	dev->listen_port = 51820;
	dev->fwmark = 4294967295U;
	dev->flags = WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK;
	p = wgdev_add_peer(dev);
	memset(p->public_key, 0xaa, WG_KEY_LEN);
	memset(p->preshared_key, 0x55, WG_KEY_LEN);
	p->flags = WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE | WGPEER_REPLACE_ALLOWEDIPS;
	p->keepalive = 25;
	set_endpoint4(p, 0xc0000201, 51820);
	add_aip4(p, 0x0a000000, 24, false);
	add_aip6(p, 0, 64, false);
	p = wgdev_add_peer(dev);
	for (int i = 0; i < WG_KEY_LEN; i++)
		p->public_key[i] = (uint8_t)(0xb0 + i);
	set_endpoint6(p, "2001:db8::1", 51821);
	p->flags |= WGPEER_HAS_KEEPALIVE; /* keepalive 0: "off" is still sent */
	add_aip4(p, 0x0a010000, 16, true);
	add_aip4(p, 0xc0a80101, 32, false);
}

/* The set=1 text of dev is want. */
static void check_uapi_text(const struct wg_device *dev, const char *want)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(wg_uapi_write_set(f, dev), 0);
	assert_int_equal(fclose(f), 0);
	/* A boolean: on failure, do not print the text (it has keys). */
	assert_int_equal(len, strlen(want));
	assert_true(memcmp(text, want, len) == 0);
	explicit_zero(text, len);
	free(text);
}

static void test_uapi_write(void **state)
{
#define WANT_DEVICE                                                                                \
	"private_key=" HEX_PRIV "\n"                                                               \
	"listen_port=51820\n"                                                                      \
	"fwmark=4294967295\n"
#define WANT_PEER1                                                                                 \
	"public_key=" HEX_PUB1 "\n"                                                                \
	"preshared_key=" HEX_PSK1 "\n"                                                             \
	"endpoint=192.0.2.1:51820\n"                                                               \
	"persistent_keepalive_interval=25\n"                                                       \
	"replace_allowed_ips=true\n"                                                               \
	"allowed_ip=10.0.0.0/24\n"                                                                 \
	"allowed_ip=fd00::/64\n"
	struct wg_device dev;

	(void)state;
	make_uapi_device(&dev);
	check_uapi_text(&dev, WANT_DEVICE WANT_PEER1 "public_key=" HEX_PUB2_LC "\n"
						     "endpoint=[2001:db8::1]:51821\n"
						     "persistent_keepalive_interval=0\n"
						     "allowed_ip=-10.1.0.0/16\n"
						     "allowed_ip=192.168.1.1/32\n");
	/* A removed peer (reload): its key and remove=true, nothing else it has. */
	dev.peers[1].flags |= WGPEER_REMOVE;
	check_uapi_text(&dev, WANT_DEVICE WANT_PEER1 "public_key=" HEX_PUB2_LC "\n"
						     "remove=true\n");
	dev.flags = 0;
	dev.peers[0].flags |= WGPEER_REMOVE;
	check_uapi_text(&dev, "public_key=" HEX_PUB1 "\nremove=true\n"
			      "public_key=" HEX_PUB2_LC "\nremove=true\n");
	wgdev_clear(&dev);
#undef WANT_DEVICE
#undef WANT_PEER1
}

static void test_uapi_write_empty(void **state)
{
	struct wg_device dev = { .name = "wg0" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(wg_uapi_write_set(f, &dev), 0);
	fclose(f);
	assert_int_equal(len, 0);
	free(text);
}

/* What wireguard-go 0.0.20220316 answers to get=1, with a scope id added. */
static const char get_reply[] = "private_key=" HEX_PRIV "\n"
				"listen_port=51820\n"
				"fwmark=3405643776\n"
				"public_key=" HEX_PUB1 "\n"
				"preshared_key=" HEX_PSK1 "\n"
				"protocol_version=1\n"
				"endpoint=192.0.2.1:51820\n"
				"last_handshake_time_sec=1700000000\n"
				"last_handshake_time_nsec=123456789\n"
				"tx_bytes=4096\n"
				"rx_bytes=18446744073709551615\n"
				"persistent_keepalive_interval=25\n"
				"allowed_ip=10.0.0.0/24\n"
				"allowed_ip=fd00::/64\n"
				"public_key=" HEX_PUB2 "\n"
				"preshared_key=" HEX_ZERO "\n"
				"protocol_version=1\n"
				"endpoint=[fe80::1%7]:51821\n"
				"last_handshake_time_sec=0\n"
				"last_handshake_time_nsec=0\n"
				"tx_bytes=0\n"
				"rx_bytes=0\n"
				"persistent_keepalive_interval=0\n"
				"some_future_key=whatever\n"
				"errno=0\n"
				"\n";

static int read_get_text(const char *text, struct wg_device *dev)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	assert_non_null(f);
	r = wg_uapi_read_get(f, dev);
	fclose(f);
	return r;
}

static void check_get_peers(const struct wg_device *dev)
{
	const struct wg_peer *p = &dev->peers[0];
	uint8_t key[WG_KEY_LEN];
	char ip[INET6_ADDRSTRLEN];

	memset(key, 0xaa, sizeof(key));
	assert_true(key_eq(p->public_key, key));
	memset(key, 0x55, sizeof(key));
	assert_true(key_eq(p->preshared_key, key));
	assert_int_equal(p->flags,
			 WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_ENDPOINT | WGPEER_HAS_KEEPALIVE);
	assert_int_equal(p->endpoint.in.sin_family, AF_INET);
	assert_int_equal(ntohl(p->endpoint.in.sin_addr.s_addr), 0xc0000201);
	assert_int_equal(ntohs(p->endpoint.in.sin_port), 51820);
	assert_int_equal(p->last_handshake_sec, 1700000000);
	assert_int_equal(p->last_handshake_nsec, 123456789);
	assert_int_equal(p->tx_bytes, 4096);
	assert_true(p->rx_bytes == UINT64_MAX);
	assert_int_equal(p->keepalive, 25);
	assert_int_equal(p->n_allowedips, 2);
	assert_int_equal(p->allowedips[0].family, AF_INET);
	assert_int_equal(ntohl(p->allowedips[0].ip4.s_addr), 0x0a000000);
	assert_int_equal(p->allowedips[0].cidr, 24);
	assert_int_equal(p->allowedips[1].family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, p->allowedips[1].raw, ip, sizeof(ip)), "fd00::");
	assert_int_equal(p->allowedips[1].cidr, 64);

	p = &dev->peers[1];
	for (int i = 0; i < WG_KEY_LEN; i++)
		key[i] = (uint8_t)(0xb0 + i);
	assert_true(key_eq(p->public_key, key));
	assert_int_equal(p->flags, WGPEER_HAS_ENDPOINT);
	assert_int_equal(p->endpoint.in6.sin6_family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &p->endpoint.in6.sin6_addr, ip, sizeof(ip)),
			    "fe80::1");
	assert_int_equal(p->endpoint.in6.sin6_scope_id, 7);
	assert_int_equal(ntohs(p->endpoint.in6.sin6_port), 51821);
	assert_int_equal(p->n_allowedips, 0);
}

static void test_uapi_read(void **state)
{
	struct wg_device dev = { .name = "wgtest0" };
	uint8_t key[WG_KEY_LEN];

	(void)state;
	assert_int_equal(read_get_text(get_reply, &dev), 0);
	assert_string_equal(dev.name, "wgtest0");
	assert_int_equal(dev.flags,
			 WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK);
	for (int i = 0; i < WG_KEY_LEN; i++)
		key[i] = (uint8_t)(i + 1);
	assert_true(key_eq(dev.private_key, key));
	assert_int_equal(dev.listen_port, 51820);
	assert_int_equal(dev.fwmark, 3405643776U);
	assert_int_equal(dev.n_peers, 2);
	check_get_peers(&dev);
	wgdev_clear(&dev);
}

static const struct {
	const char *text;
	int ret;
	size_t peers;
} read_cases[] = {
	{ "errno=0\n\n", 0, 0 },
	{ "listen_port=1\nerrno=22\n\n", -EINVAL, 0 },
	{ "errno=-22\n\n", -EINVAL, 0 }, /* wireguard-go 0.0.20220316 */
	{ "errno=--22\n\n", -EPROTO, 0 },
	{ "public_key=" HEX_PUB1 "\nerrno=0\n\n", 0, 1 },
	{ "errno=0\n", -EPROTO, 0 },	     /* no end */
	{ "listen_port=1\n\n", -EPROTO, 0 }, /* no errno */
	{ "garbage\nerrno=0\n\n", -EPROTO, 0 },
	{ "listen_port=65536\nerrno=0\n\n", -EPROTO, 0 },
	{ "fwmark=-1\nerrno=0\n\n", -EPROTO, 0 },
	{ "private_key=abc\nerrno=0\n\n", -EPROTO, 0 },
	{ "public_key=" HEX_PUB1 "\nallowed_ip=10.0.0.0/33\nerrno=0\n\n", -EPROTO, 1 },
	{ "public_key=" HEX_PUB1 "\nallowed_ip=10.0.0.0\nerrno=0\n\n", -EPROTO, 1 },
	{ "public_key=" HEX_PUB1 "\nendpoint=1.2.3.4\nerrno=0\n\n", -EPROTO, 1 },
	{ "public_key=" HEX_PUB1 "\nendpoint=[::1:5\nerrno=0\n\n", -EPROTO, 1 },
	{ "public_key=" HEX_PUB1 "\nendpoint=1.2.3.4:70000\nerrno=0\n\n", -EPROTO, 1 },
	{ "public_key=" HEX_PUB1 "\nendpoint=::1:5\nerrno=0\n\n", -EPROTO, 1 },
	{ "errno=x\n\n", -EPROTO, 0 },
};

static void test_uapi_read_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(read_cases); i++) {
		struct wg_device dev = { 0 };

		print_message("case %zu\n", i);
		assert_int_equal(read_get_text(read_cases[i].text, &dev), read_cases[i].ret);
		assert_int_equal(dev.n_peers, read_cases[i].peers);
		wgdev_clear(&dev);
	}
}

/* --- removing peers (reload) --- */

/* A removed peer carries its key and WGPEER_F_REMOVE_ME only, whatever else it has. */
static void test_remove_peer_genl(void **state)
{
	char buf[1024];
	struct wg_device dev = { .name = "wg0" };
	struct wg_genl_cursor cur = { 0 };
	const struct nlattr *a, *tb[WGPEER_A_MAX + 1];
	static const uint32_t want_flags[] = { WGPEER_F_REMOVE_ME, WGPEER_F_REPLACE_ALLOWEDIPS,
					       WGPEER_F_REMOVE_ME | WGPEER_F_REPLACE_ALLOWEDIPS };
	bool done = false;
	size_t i = 0;

	(void)state;
	for (uint32_t n = 0; n < 3; n++) {
		struct wg_peer *p = wgdev_add_peer(&dev);

		fill_key(p->public_key, n, 2);
		fill_key(p->preshared_key, n, 3);
		set_endpoint4(p, 0xc0000201, 51820);
		p->flags |= WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE;
		p->flags |= n == 1 ? WGPEER_REPLACE_ALLOWEDIPS : WGPEER_REMOVE;
		p->flags |= n == 2 ? WGPEER_REPLACE_ALLOWEDIPS : 0;
		p->keepalive = 25;
		if (n == 1)
			add_aip4(p, 0x0a000000, 24, false);
	}
	struct nlmsghdr *nlh = wg_genl_build_set(buf, sizeof(buf), FAMILY_ID, &dev, &cur, &done);

	assert_non_null(nlh);
	assert_true(done);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != WGDEVICE_A_PEERS)
			continue;
		const struct nlattr *peer;

		mnl_attr_for_each_nested(peer, a) {
			nest_table(peer, tb, ARRAY_SIZE(tb));
			assert_true(key_eq(mnl_attr_get_payload(tb[WGPEER_A_PUBLIC_KEY]),
					   dev.peers[i].public_key));
			assert_int_equal(mnl_attr_get_u32(tb[WGPEER_A_FLAGS]), want_flags[i]);
			assert_int_equal(!!tb[WGPEER_A_PRESHARED_KEY], i == 1);
			assert_int_equal(!!tb[WGPEER_A_ENDPOINT], i == 1);
			assert_int_equal(!!tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL], i == 1);
			assert_int_equal(!!tb[WGPEER_A_ALLOWEDIPS], i == 1);
			i++;
		}
	}
	assert_int_equal(i, 3);
	wgdev_clear(&dev);
}

/* --- the reload diff --- */

static struct wg_peer *sync_peer(struct wg_device *d, uint32_t n, uint16_t keepalive)
{
	struct wg_peer *p = wgdev_add_peer(d);

	assert_non_null(p);
	fill_key(p->public_key, n, 2);
	if (keepalive) {
		p->flags |= WGPEER_HAS_KEEPALIVE;
		p->keepalive = keepalive;
	}
	return p;
}

static void set_psk(struct wg_peer *p, uint32_t n)
{
	fill_key(p->preshared_key, n, 3);
	p->flags |= WGPEER_HAS_PRESHARED_KEY;
}

/* The peer at d->peers[i] as wanted: key, flags, psk (tag 0: zero), keepalive, one
 * IPv4 /16 list (from the high bytes given), endpoint address or 0. */
static void check_sync_peer(const struct wg_device *d, size_t i, uint32_t n, uint32_t flags,
			    uint32_t psk, uint16_t keepalive, const uint32_t *aips, size_t n_aips,
			    uint32_t endpoint)
{
	const struct wg_peer *p = &d->peers[i];
	uint8_t key[WG_KEY_LEN] = { 0 };

	print_message("peer %zu\n", i);
	assert_true(i < d->n_peers);
	fill_key(key, n, 2);
	assert_true(key_eq(p->public_key, key));
	assert_int_equal(p->flags, flags);
	memset(key, 0, sizeof(key));
	if (psk)
		fill_key(key, psk, 3);
	if (flags & WGPEER_HAS_PRESHARED_KEY)
		assert_true(key_eq(p->preshared_key, key));
	assert_int_equal(p->keepalive, keepalive);
	assert_int_equal(p->n_allowedips, n_aips);
	for (size_t j = 0; j < n_aips; j++) {
		assert_int_equal(p->allowedips[j].family, AF_INET);
		assert_int_equal(p->allowedips[j].cidr, 16);
		assert_int_equal(ntohl(p->allowedips[j].ip4.s_addr), aips[j]);
		assert_false(p->allowedips[j].remove);
	}
	if (endpoint)
		assert_int_equal(ntohl(p->endpoint.in.sin_addr.s_addr), endpoint);
}

/* Same peers, lists in another order, host bits and a repeat: nothing to send. */
static void test_sync_unchanged(void **state)
{
	struct wg_device cur = { 0 }, cfg = { 0 }, target, apply = { 0 }, revert = { 0 };
	struct wg_peer *p;

	(void)state;
	p = sync_peer(&cur, 1, 25);
	set_psk(p, 1);
	set_endpoint4(p, 0xc0000201, 51820);
	add_aip4(p, 0x0a000000, 24, false);
	add_aip6(p, 0, 64, false);
	p = sync_peer(&cfg, 1, 25);
	set_psk(p, 1);
	set_endpoint4(p, 0xc0000201, 51820);
	p->flags |= WGPEER_REPLACE_ALLOWEDIPS;
	add_aip6(p, 0x05000000, 64, false);
	add_aip4(p, 0x0a000007, 24, false);
	add_aip4(p, 0x0a000000, 24, false);
	/* A peer without Endpoint keeps its roamed one; keepalive off matches 0. */
	p = sync_peer(&cur, 2, 0);
	set_endpoint4(p, 0xc0000202, 1000);
	sync_peer(&cfg, 2, 0)->flags |= WGPEER_HAS_KEEPALIVE;
	cfg.flags = WGDEV_HAS_LISTEN_PORT;
	cfg.listen_port = cur.listen_port = 51820;
	assert_int_equal(wg_sync_target(&cfg, &target), 0);
	assert_int_equal(wg_sync_diff(&cur, &target, WGDEV_HAS_LISTEN_PORT, &apply, &revert), 0);
	assert_false(wg_sync_changes(&apply));
	assert_false(wg_sync_changes(&revert));
	wgdev_clear(&cur);
	wgdev_clear(&cfg);
	wgdev_clear(&target);
}

/* cur: peer 1 unchanged, peer 2 removed, peer 3 changed; the config adds peer 4. */
static void make_sync_case(struct wg_device *cur, struct wg_device *cfg)
{
	struct wg_peer *p;

	fill_key(cur->private_key, 1, 1);
	fill_key(cfg->private_key, 2, 1);
	cur->flags = WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK;
	cfg->flags = WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK;
	cur->listen_port = 51820;
	cfg->listen_port = 51821;
	cfg->fwmark = 1234;
	add_aip4(sync_peer(cur, 1, 0), 0x0a010000, 16, false);
	add_aip4(sync_peer(cfg, 1, 0), 0x0a010000, 16, false);
	p = sync_peer(cur, 2, 10);
	set_psk(p, 2);
	set_endpoint4(p, 0xc0000202, 2);
	add_aip4(p, 0x0a020000, 16, false);
	p = sync_peer(cur, 3, 0);
	set_psk(p, 3);
	set_endpoint4(p, 0xc0000203, 3);
	add_aip4(p, 0x0a030000, 16, false);
	p = sync_peer(cfg, 3, 15);
	add_aip4(p, 0x0a030000, 16, false);
	add_aip4(p, 0x0a210000, 16, false);
	p = sync_peer(cfg, 4, 0);
	set_endpoint4(p, 0xc0000204, 4);
	add_aip4(p, 0x0a040000, 16, false);
	add_aip4(p, 0x0a050000, 16, true); /* a '-' entry: not part of the list */
}

static void test_sync_changes(void **state)
{
	struct wg_device cur = { 0 }, cfg = { 0 }, target, apply = { 0 }, revert = { 0 };
	const uint32_t all = WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK;
	const uint32_t full =
		WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE | WGPEER_REPLACE_ALLOWEDIPS;

	(void)state;
	make_sync_case(&cur, &cfg);
	assert_int_equal(wg_sync_target(&cfg, &target), 0);
	assert_int_equal(wg_sync_diff(&cur, &target, all, &apply, &revert), 0);
	assert_int_equal(apply.flags, all);
	assert_true(key_eq(apply.private_key, cfg.private_key));
	assert_int_equal(apply.listen_port, 51821);
	assert_int_equal(apply.fwmark, 1234);
	assert_int_equal(apply.n_peers, 3);
	check_sync_peer(&apply, 0, 2, WGPEER_REMOVE, 0, 0, NULL, 0, 0);
	check_sync_peer(&apply, 1, 3, full, 0, 15, (uint32_t[]){ 0x0a030000, 0x0a210000 }, 2, 0);
	check_sync_peer(&apply, 2, 4, full | WGPEER_HAS_ENDPOINT, 0, 0, (uint32_t[]){ 0x0a040000 },
			1, 0xc0000204);
	assert_int_equal(revert.flags, all);
	assert_true(key_eq(revert.private_key, cur.private_key));
	assert_int_equal(revert.listen_port, 51820);
	assert_int_equal(revert.fwmark, 0);
	assert_int_equal(revert.n_peers, 3);
	check_sync_peer(&revert, 0, 3, full | WGPEER_HAS_ENDPOINT, 3, 0, (uint32_t[]){ 0x0a030000 },
			1, 0xc0000203);
	check_sync_peer(&revert, 1, 4, WGPEER_REMOVE, 0, 0, NULL, 0, 0);
	check_sync_peer(&revert, 2, 2, full | WGPEER_HAS_ENDPOINT, 2, 10,
			(uint32_t[]){ 0x0a020000 }, 1, 0xc0000202);
	wgdev_clear(&apply);
	wgdev_clear(&revert);
	/* Settings outside the mask stay; so do settings the config leaves out. */
	target.flags &= ~WGDEV_HAS_LISTEN_PORT;
	assert_int_equal(wg_sync_diff(&cur, &target, WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_PRIVATE_KEY,
				      &apply, &revert),
			 0);
	assert_int_equal(apply.flags, WGDEV_HAS_PRIVATE_KEY);
	assert_int_equal(revert.flags, WGDEV_HAS_PRIVATE_KEY);
	wgdev_clear(&apply);
	wgdev_clear(&revert);
	wgdev_clear(&cur);
	wgdev_clear(&cfg);
	wgdev_clear(&target);
}

/* Each kind of peer difference on its own is a change, sent as the whole peer. */
static void test_sync_peer_fields(void **state)
{
	static const char *const what[] = { "endpoint",	 "psk added",	  "psk removed",
					    "keepalive", "prefix length", "family" };

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(what); k++) {
		struct wg_device cur = { 0 }, cfg = { 0 }, target, apply = { 0 }, revert = { 0 };
		struct wg_peer *c = sync_peer(&cur, 9, 5), *t = sync_peer(&cfg, 9, 5);

		print_message("%s\n", what[k]);
		set_endpoint4(c, 0xc0000209, 9);
		set_endpoint4(t, k == 0 ? 0xc000020a : 0xc0000209, 9);
		if (k == 1)
			set_psk(t, 9);
		if (k == 2)
			set_psk(c, 9);
		t->keepalive = k == 3 ? 6 : 5;
		add_aip4(c, 0x0a090000, 16, false);
		if (k == 5)
			add_aip6(t, 0, 16, false);
		else
			add_aip4(t, 0x0a090000, k == 4 ? 17 : 16, false);
		assert_int_equal(wg_sync_target(&cfg, &target), 0);
		assert_int_equal(wg_sync_diff(&cur, &target, 0, &apply, &revert), 0);
		assert_int_equal(apply.n_peers, 1);
		assert_int_equal(revert.n_peers, 1);
		assert_int_equal(apply.flags, 0);
		assert_int_equal(apply.peers[0].flags,
				 WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_KEEPALIVE |
					 WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_ENDPOINT);
		assert_int_equal(revert.peers[0].flags, apply.peers[0].flags);
		assert_true(key_eq(revert.peers[0].preshared_key, c->preshared_key));
		wgdev_clear(&apply);
		wgdev_clear(&revert);
		wgdev_clear(&cur);
		wgdev_clear(&cfg);
		wgdev_clear(&target);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_too_small),
		cmocka_unit_test(test_fwmark_only),
		cmocka_unit_test(test_build_get),
		cmocka_unit_test(test_parse_get_merge),
		cmocka_unit_test(test_parse_get_zero_private),
		cmocka_unit_test(test_parse_get_bad),
		cmocka_unit_test(test_uapi_write),
		cmocka_unit_test(test_uapi_write_empty),
		cmocka_unit_test(test_uapi_read),
		cmocka_unit_test(test_uapi_read_cases),
		cmocka_unit_test(test_remove_peer_genl),
		cmocka_unit_test(test_sync_unchanged),
		cmocka_unit_test(test_sync_changes),
		cmocka_unit_test(test_sync_peer_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
