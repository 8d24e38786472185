// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Peer Endpoint values (behaviour.md §2.8, §2.10): splitting, IP literals, ports, and the
// retry setting, and resolving every Endpoint of a config before any change.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "wg/model.h"

struct addrinfo;
struct cfg;

/* Resolve every Endpoint host name of cfg before any change (behaviour.md §2.10): retries from
 * WG_ENDPOINT_RESOLUTION_RETRIES, the retry lines on stderr. Prints the final error
 * as `wgq: FILE:LINE: Endpoint: cannot resolve …`. 0 or -errno. */
int cfg_resolve_endpoints(struct cfg *cfg, const char *path);
/* Text appended to that final error (NULL: none). */
void cfg_endpoint_error_note(const char *note);

/*
 * Split "HOST:PORT" or "[HOST]:PORT" (the brackets may hold an IPv6 %zone; without
 * them the last ':' separates the port) into NUL-terminated host and port. The port
 * must be 1-65535 in decimal or a UDP service name. 0, or -EINVAL with *err set to
 * the tail of `Endpoint: 'VALUE' ...`: "has no port", "has an unmatched '['",
 * "has a port outside 1-65535", "has a port that is not a number or a UDP service
 * name", or "is too long" (host or port larger than its buffer; NI_MAXHOST and
 * NI_MAXSERV are enough for anything getaddrinfo accepts).
 */
int endpoint_split(const char *text, char *host, size_t hostsize, char *port, size_t portsize,
		   const char **err);

/* Decimal digits (leading zeros allowed) up to 65535, or a UDP service name from
 * /etc/services. 0 (also for port 0), -ERANGE above 65535, -EINVAL otherwise. */
int endpoint_parse_port(const char *s, uint16_t *port);

/* 0 and out filled when host is an IPv4 or IPv6 literal (IPv6 with an optional %zone
 * naming an interface or a number) and port is valid and not 0; -EINVAL when host
 * is a host name, left for getaddrinfo (so is a literal whose zone names no
 * interface). */
int endpoint_parse_literal(const char *host, const char *port, union wg_endpoint *out);

/* WG_ENDPOINT_RESOLUTION_RETRIES: NULL gives 15, "infinity" -1, decimal digits up to
 * 2147483647 their value. 0 or -EINVAL. */
int endpoint_parse_retries(const char *s, long *out);

/* What cfg_resolve_endpoints calls to resolve and to wait; tests replace them. */
struct endpoint_ops {
	int (*getaddrinfo)(const char *node, const char *service, const struct addrinfo *hints,
			   struct addrinfo **res);
	void (*freeaddrinfo)(struct addrinfo *res);
	void (*sleep_usec)(unsigned long usec);
};

/* Use ops (which must outlive its use) from now on; NULL restores the real ones. */
void endpoint_set_ops(const struct endpoint_ops *ops);
