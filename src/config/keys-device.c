// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The keys that go to the device, as wg(8) reads them (behaviour.md §2.8): PrivateKey,
// ListenPort and FwMark in [Interface]; PublicKey, PresharedKey, AllowedIPs, Endpoint
// and PersistentKeepalive in [Peer]. A value here is wg's view of it: no whitespace.

#include <netdb.h>
#include <strings.h>

#include "config/parser.h"
#include "config/endpoint.h"
#include "base/ip.h"
#include "base/key.h"
#include "base/macro.h"
#include "base/number.h"
#include "base/util.h"

#define MSG_BAD_KEY "not a valid key (44 base64 characters ending in '=')"

/* Device keys (behaviour.md §2.8) */

struct wg_peer *cfgp_cur_peer(struct cfg_parser *p)
{
	return &p->cfg->dev.peers[p->cfg->dev.n_peers - 1];
}

/* Decode into out only when valid; the value is never quoted in a message. */
static int decode_key(const char *v, uint8_t out[static WG_KEY_LEN])
{
	uint8_t key[WG_KEY_LEN];

	if (key_from_base64(key, v) < 0)
		return -EINVAL;
	memcpy(out, key, WG_KEY_LEN);
	explicit_zero(key, sizeof(key));
	return 0;
}

static int dev_private_key(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	if (decode_key(v, p->cfg->dev.private_key) < 0)
		return cfgp_fail(p, p->line, "%s: " MSG_BAD_KEY, k->name);
	p->cfg->dev.flags |= WGDEV_HAS_PRIVATE_KEY;
	return 0;
}

static int dev_listen_port(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	uint16_t port = 0;

	if (endpoint_parse_port(v, &port) < 0)
		return cfgp_fail(p, p->line,
				 "%s: '%s' is not a port from 0 to 65535 or a UDP service name",
				 k->name, v);
	p->cfg->dev.listen_port = port;
	p->cfg->dev.flags |= WGDEV_HAS_LISTEN_PORT;
	return 0;
}

/* wg: "off", or a number (hex after a lower-case "0x"). */
static int parse_fwmark(const char *v, uint32_t *mark)
{
	if (!strcasecmp(v, "off")) {
		*mark = 0;
		return 0;
	}
	return parse_u32(v, NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, mark);
}

static int dev_fwmark(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	uint32_t mark = 0;

	if (parse_fwmark(v, &mark) < 0)
		return cfgp_fail(p, p->line, "%s: '%s' is neither 0/off nor 0-0xffffffff", k->name,
				 v);
	p->cfg->dev.fwmark = mark;
	p->cfg->dev.flags |= WGDEV_HAS_FWMARK;
	p->cfg->has_fwmark_line = true;
	return 0;
}

static int peer_public_key(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	if (decode_key(v, cfgp_cur_peer(p)->public_key) < 0)
		return cfgp_fail(p, p->line, "%s: " MSG_BAD_KEY, k->name);
	p->keys[p->cfg->dev.n_peers - 1].line = p->line;
	return 0;
}

static int peer_preshared_key(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	if (decode_key(v, cfgp_cur_peer(p)->preshared_key) < 0)
		return cfgp_fail(p, p->line, "%s: " MSG_BAD_KEY, k->name);
	cfgp_cur_peer(p)->flags |= WGPEER_HAS_PRESHARED_KEY;
	return 0;
}

/* "[+|-]ADDR[/N]". Host bits may be set: the kernel masks them (case messy). */
static int parse_allowedip(const char *entry, struct wg_allowedip *a)
{
	const char *s = entry;
	uint8_t addr[16];
	bool has_len;
	int family;

	memset(a, 0, sizeof(*a));
	if (*s == '+' || *s == '-')
		a->remove = *s++ == '-';
	if (ip_parse_prefix(s, &family, addr, &a->cidr, &has_len) < 0)
		return -EINVAL;
	a->family = (uint16_t)family;
	memcpy(a->raw, addr, sizeof(a->raw));
	return 0;
}

/* Comma-separated; an empty entry (a trailing comma) is an error. A bad entry drops
 * the whole line, so lenient mode keeps no half of it. */
static int peer_allowedips(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	struct wg_peer *peer = cfgp_cur_peer(p);
	size_t before = peer->n_allowedips, entries = 0, plain = 0, room = before + 1;
	struct wg_allowedip a;
	char *comma = NULL;
	int r;

	/* Room for the whole line at once: most peers have one line of few entries. */
	for (const char *s = v; (s = strchr(s, ',')); s++)
		room++;
	r = array_reserve(&peer->allowedips, &peer->cap_allowedips, room, sizeof(a));
	if (r < 0)
		return r;
	for (char *s = v; s; s = comma ? comma + 1 : NULL) {
		comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		if (parse_allowedip(s, &a) < 0) {
			peer->n_allowedips = before;
			return cfgp_fail(p, p->line, "%s: '%s' is not an IP prefix", k->name, s);
		}
		r = wgdev_peer_add_allowedip(peer, &a);
		if (r < 0)
			return r;
		entries++;
		plain += *s != '+' && *s != '-';
	}
	p->peer_entries += entries;
	p->peer_plain += plain;
	return 0;
}

static int peer_endpoint(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	struct wg_peer *peer = cfgp_cur_peer(p);
	char host[NI_MAXHOST], port[NI_MAXSERV];
	const char *err = "";
	char *text;

	if (endpoint_split(v, host, sizeof(host), port, sizeof(port), &err) < 0)
		return cfgp_fail(p, p->line, "%s: '%s' %s", k->name, v, err);
	text = strdup(v);
	if (!text)
		return -ENOMEM;
	free(peer->endpoint_text);
	peer->endpoint_text = text;
	peer->endpoint_line = p->line;
	memset(&peer->endpoint, 0, sizeof(peer->endpoint));
	peer->flags &= ~WGPEER_HAS_ENDPOINT;
	/* A host name is resolved later, by up only (behaviour.md §2.10). */
	peer->endpoint_is_host = endpoint_parse_literal(host, port, &peer->endpoint) < 0;
	if (!peer->endpoint_is_host)
		peer->flags |= WGPEER_HAS_ENDPOINT;
	return 0;
}

static int peer_keepalive(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	struct wg_peer *peer = cfgp_cur_peer(p);
	uint32_t n = 0;

	if (strcasecmp(v, "off") && parse_u32(v, NUMBER_DECIMAL, 0, 65535, &n) < 0)
		return cfgp_fail(p, p->line, "%s: '%s' is neither 0/off nor 1-65535", k->name, v);
	peer->keepalive = (uint16_t)n;
	peer->flags |= WGPEER_HAS_KEEPALIVE;
	return 0;
}

static const struct cfg_dev_key dev_keys[] = {
	{ NAME_LEN("PrivateKey"), SEC_INTERFACE, dev_private_key },
	{ NAME_LEN("ListenPort"), SEC_INTERFACE, dev_listen_port },
	{ NAME_LEN("FwMark"), SEC_INTERFACE, dev_fwmark },
	{ NAME_LEN("PublicKey"), SEC_PEER, peer_public_key },
	{ NAME_LEN("PresharedKey"), SEC_PEER, peer_preshared_key },
	{ NAME_LEN("AllowedIPs"), SEC_PEER, peer_allowedips },
	{ NAME_LEN("Endpoint"), SEC_PEER, peer_endpoint },
	{ NAME_LEN("PersistentKeepalive"), SEC_PEER, peer_keepalive },
};

const struct cfg_dev_key *cfgp_find_dev_key(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_keys); i++)
		if (cfgp_name_is(key, len, dev_keys[i].name, dev_keys[i].len))
			return &dev_keys[i];
	return NULL;
}
