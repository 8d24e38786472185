// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The WireGuard device model shared by the config parser (what to set) and the
// backends (what was read back). Plain data; helpers in wg/model.c.
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define WG_KEY_LEN 32

enum {
	WGDEV_HAS_PRIVATE_KEY = 1U << 0,
	WGDEV_HAS_PUBLIC_KEY = 1U << 1,
	WGDEV_HAS_LISTEN_PORT = 1U << 2,
	WGDEV_HAS_FWMARK = 1U << 3,
};

enum {
	WGPEER_HAS_PRESHARED_KEY = 1U << 0,
	WGPEER_HAS_ENDPOINT = 1U << 1,
	WGPEER_HAS_KEEPALIVE = 1U << 2,
	WGPEER_REPLACE_ALLOWEDIPS = 1U << 3,
	WGPEER_REMOVE = 1U << 4, /* remove the peer (reload): only its key is sent */
};

struct wg_allowedip {
	uint16_t family; /* AF_INET or AF_INET6 */
	uint8_t cidr;
	bool remove; /* a '-' entry: WGALLOWEDIP_F_REMOVE_ME */
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
		uint8_t raw[16];
	};
};

union wg_endpoint {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct wg_peer {
	uint8_t public_key[WG_KEY_LEN];
	uint8_t preshared_key[WG_KEY_LEN];
	uint32_t flags;		    /* WGPEER_* */
	union wg_endpoint endpoint; /* valid with WGPEER_HAS_ENDPOINT */
	uint16_t keepalive;	    /* seconds; valid with WGPEER_HAS_KEEPALIVE */
	struct wg_allowedip *allowedips;
	size_t n_allowedips, cap_allowedips;

	/* Config only. */
	char *endpoint_text;   /* Endpoint value after whitespace removal, or NULL */
	bool endpoint_is_host; /* the text names a host that up must resolve */
	unsigned line;	       /* line of the [Peer] header */
	unsigned endpoint_line;

	/* Read back only. */
	int64_t last_handshake_sec;
	int64_t last_handshake_nsec;
	uint64_t rx_bytes, tx_bytes;
};

struct wg_device {
	char name[IFNAMSIZ];
	uint32_t flags; /* WGDEV_* */
	uint8_t private_key[WG_KEY_LEN];
	uint8_t public_key[WG_KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
	struct wg_peer *peers;
	size_t n_peers, cap_peers;
};

/* Append a zeroed peer; returns it, or NULL when out of memory. */
struct wg_peer *wgdev_add_peer(struct wg_device *dev);
/* Append an allowed IP to a peer; 0 or -ENOMEM. */
int wgdev_peer_add_allowedip(struct wg_peer *peer, const struct wg_allowedip *aip);
/* Free everything the device owns and wipe key material; the struct itself stays. */
void wgdev_clear(struct wg_device *dev);
