// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// glibc's inet_pton is already as strict as we need: AF_INET takes only four decimal
// parts of 0-255 without leading zeros, so iproute2's legacy shorthand ("10.1") and
// its octal and hex parts ("010.0.0.1", "0x0a.0.0.1") are refused (spec §2.6), and
// AF_INET6 takes no zone.

#include "ip.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "macro.h"

static unsigned family_bits(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

int ip_parse(const char *s, int *family, uint8_t addr[16])
{
	uint8_t buf[16] = {0};

	if (inet_pton(AF_INET, s, buf) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, s, buf) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	memcpy(addr, buf, sizeof(buf));
	return 0;
}

/* Decimal digits only, at most max. Leading zeros count as decimal, as wg reads
 * AllowedIPs. */
static int parse_len(const char *s, unsigned max, uint8_t *len)
{
	unsigned v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*len = (uint8_t)v;
	return 0;
}

int ip_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *len, bool *has_len)
{
	char text[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int fam = memchr(s, ':', n) ? AF_INET6 : AF_INET;
	uint8_t buf[16] = {0};
	uint8_t l = (uint8_t)family_bits(fam);

	if (n >= sizeof(text))
		return -EINVAL;
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(fam, text, buf) != 1)
		return -EINVAL;
	if (slash && parse_len(slash + 1, family_bits(fam), &l) < 0)
		return -EINVAL;
	*family = fam;
	memcpy(addr, buf, sizeof(buf));
	*len = l;
	*has_len = slash != NULL;
	return 0;
}

int ip_netmask_len(const char *s, uint8_t *len)
{
	struct in_addr a;
	uint32_t mask, inv;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	mask = ntohl(a.s_addr);
	inv = ~mask;
	/* A contiguous mask has its zero bits at the end: ~mask is 2^k - 1. */
	if (inv & (inv + 1))
		return -EINVAL;
	*len = (uint8_t)__builtin_popcount(mask);
	return 0;
}

void ip_mask(int family, uint8_t addr[16], uint8_t len)
{
	unsigned bits = family_bits(family);

	if (len >= bits)
		return;
	addr[len / 8] &= (uint8_t)(0xff00 >> (len % 8));
	for (unsigned i = len / 8 + 1; i < bits / 8; i++)
		addr[i] = 0;
}

bool ip_covers(int family, const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
	uint8_t ma[16] = {0}, mb[16] = {0};
	unsigned bytes = family_bits(family) / 8;

	if (alen > blen || alen > family_bits(family))
		return false;
	memcpy(ma, a, bytes);
	memcpy(mb, b, bytes);
	ip_mask(family, ma, alen);
	ip_mask(family, mb, alen);
	return memcmp(ma, mb, bytes) == 0;
}

void ip_format(char *out, size_t size, int family, const uint8_t *addr)
{
	if (!size)
		return;
	if (!inet_ntop(family, addr, out, (socklen_t)size))
		out[0] = '\0';
}

void ip_format_prefix(char *out, size_t size, int family, const uint8_t *addr, uint8_t len)
{
	char text[INET6_ADDRSTRLEN];

	ip_format(text, sizeof(text), family, addr);
	if (size)
		snprintf(out, size, "%s/%u", text, (unsigned)len);
}
