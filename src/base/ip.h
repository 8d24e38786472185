// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Strict IP address and prefix parsing and formatting.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IP_PREFIX_STRLEN 64 /* "ffff:...:ffff/128" with room to spare */

/* A literal IPv4 (dotted quad, no shorthand) or IPv6 address (no zone).
 * 0 or -EINVAL. addr gets 4 or 16 bytes. */
int ip_parse(const char *s, int *family, uint8_t addr[16]);
/* "ADDR[/N]": family by ':' in the text; N decimal, <= 32/128. has_len tells whether
 * a '/N' was present; without it *len is 32/128. 0 or -EINVAL. */
int ip_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *len, bool *has_len);
/* Clear the host bits beyond len. */
void ip_mask(int family, uint8_t addr[16], uint8_t len);
/* Does prefix (a/alen) cover (b/blen)? Same family; alen <= blen and b masked to alen
 * equals a. */
bool ip_covers(int family, const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen);
/* memcmp's order of two addresses (4 bytes for AF_INET, 16 for AF_INET6, none for
 * another family), without a call: a server's route sorts make millions. */
static inline int ip_addr_cmp(int family, const uint8_t *a, const uint8_t *b)
{
	size_t n = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	for (size_t i = 0; i < n; i += 4) {
		uint32_t x = (uint32_t)a[i] << 24 | (uint32_t)a[i + 1] << 16 |
			     (uint32_t)a[i + 2] << 8 | a[i + 3];
		uint32_t y = (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 |
			     (uint32_t)b[i + 2] << 8 | b[i + 3];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}
/* Standard text (inet_ntop: lower case, compressed IPv6). */
void ip_format(char *out, size_t size, int family, const uint8_t *addr);
/* "ADDR/LEN" */
void ip_format_prefix(char *out, size_t size, int family, const uint8_t *addr, uint8_t len);
/* The family flag of an ip(8) command: '6' for AF_INET6, else '4' (`ip -4 ...`). */
char ip_family_flag(int family);
/* A contiguous dotted IPv4 netmask ("255.255.255.0") to its length, as ip accepts
 * after an Address's '/' (behaviour.md §2.6). 0 or -EINVAL. */
int ip_netmask_len(const char *s, uint8_t *len);
