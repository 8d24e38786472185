// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Addresses are parsed here and not with inet_pton, which needs a NUL-terminated copy
// of each AllowedIPs entry (a large server's config has tens of thousands), but the
// rules are glibc's inet_pton's, which are as strict as we need: AF_INET takes only
// four decimal parts of 0-255 without leading zeros, so iproute2's legacy shorthand
// ("10.1") and its octal and hex parts ("010.0.0.1", "0x0a.0.0.1") are refused (spec
// behaviour.md §2.6), and AF_INET6 takes no zone.

#include "base/ip.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "base/macro.h"
#include "base/number.h"

static unsigned family_bits(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* s[0..n): four parts of 1-3 digits, 0-255 without a leading zero, joined by dots. */
static int parse_ipv4(const char *s, size_t n, uint8_t out[static 4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start;
		unsigned v = 0;

		if (part && (i == n || s[i++] != '.'))
			return -EINVAL;
		for (start = i; i < n && is_digit(s[i]); i++) {
			if (i > start && v == 0)
				return -EINVAL;
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255)
				return -EINVAL;
		}
		if (i == start)
			return -EINVAL;
		out[part] = (uint8_t)v;
	}
	return i == n ? 0 : -EINVAL;
}

/* An IPv6 address being read: the text, where we are, and the bytes so far. */
struct ipv6_text {
	const char *s;
	size_t n, i;
	uint8_t a[16];
	size_t len;
	size_t gap; /* where "::" stands in a; SIZE_MAX: nowhere yet */
};

/* One group of 1-4 hex digits. */
static int parse_group(struct ipv6_text *t, unsigned *v)
{
	size_t start = t->i;
	int d;

	*v = 0;
	for (; t->i < t->n && (d = hex_value(t->s[t->i])) >= 0; t->i++) {
		if (t->i - start == 4)
			return -EINVAL;
		*v = *v << 4 | (unsigned)d;
	}
	return t->i == start ? -EINVAL : 0;
}

/* Groups joined by ':', "::" once; a dotted IPv4 address may end the text where it
 * fits. */
static int parse_groups(struct ipv6_text *t)
{
	unsigned v;

	while (t->i < t->n) {
		size_t start = t->i;

		if (parse_group(t, &v) < 0)
			return -EINVAL;
		if (t->i < t->n && t->s[t->i] == '.') {
			if (t->len + 4 > 16 ||
			    parse_ipv4(t->s + start, t->n - start, t->a + t->len))
				return -EINVAL;
			t->len += 4;
			return 0;
		}
		if (t->len + 2 > 16 || (t->i < t->n && t->s[t->i] != ':'))
			return -EINVAL;
		t->a[t->len++] = (uint8_t)(v >> 8);
		t->a[t->len++] = (uint8_t)v;
		if (t->i == t->n)
			return 0;
		if (++t->i == t->n)
			return -EINVAL; /* a ':' at the end that is not "::" */
		if (t->s[t->i] == ':') {
			if (t->gap != SIZE_MAX)
				return -EINVAL;
			t->gap = t->len;
			t->i++;
		}
	}
	return 0;
}

/* s[0..n): eight groups, or fewer with one "::" standing for at least one zero group. */
static int parse_ipv6(const char *s, size_t n, uint8_t out[static 16])
{
	struct ipv6_text t = { .s = s, .n = n, .gap = SIZE_MAX };

	if (!n)
		return -EINVAL;
	if (s[0] == ':') {
		if (n < 2 || s[1] != ':')
			return -EINVAL;
		t.gap = 0;
		t.i = 2;
	}
	if (parse_groups(&t) < 0)
		return -EINVAL;
	if (t.gap == SIZE_MAX ? t.len != 16 : t.len == 16)
		return -EINVAL;
	/* The groups after "::" move to the end; zeros fill the hole. */
	if (t.gap != SIZE_MAX) {
		memmove(t.a + t.gap + 16 - t.len, t.a + t.gap, t.len - t.gap);
		memset(t.a + t.gap, 0, 16 - t.len);
	}
	memcpy(out, t.a, 16);
	return 0;
}

/* IPv4 first, then IPv6. Never both can succeed: only IPv6 text has a ':', and all
 * of it does, so this also decides as "the family by a ':' in the text". */
static int parse_address(const char *s, size_t n, int *family, uint8_t addr[16])
{
	uint8_t buf[16] = { 0 };

	if (parse_ipv4(s, n, buf) == 0)
		*family = AF_INET;
	else if (parse_ipv6(s, n, buf) == 0)
		*family = AF_INET6;
	else
		return -EINVAL;
	memcpy(addr, buf, sizeof(buf));
	return 0;
}

int ip_parse(const char *s, int *family, uint8_t addr[16])
{
	return parse_address(s, strlen(s), family, addr);
}

/* Decimal digits only, at most max. Leading zeros count as decimal, as wg reads
 * AllowedIPs. */
static int parse_len(const char *s, unsigned max, uint8_t *len)
{
	uint32_t v = 0;

	if (parse_u32(s, NUMBER_DECIMAL, 0, max, &v) < 0)
		return -EINVAL;
	*len = (uint8_t)v;
	return 0;
}

int ip_parse_prefix(const char *s, int *family, uint8_t addr[16], uint8_t *len, bool *has_len)
{
	const char *slash = strchrnul(s, '/');
	uint8_t buf[16];
	int fam;
	uint8_t l;

	if (parse_address(s, (size_t)(slash - s), &fam, buf) < 0)
		return -EINVAL;
	l = (uint8_t)family_bits(fam);
	if (*slash && parse_len(slash + 1, family_bits(fam), &l) < 0)
		return -EINVAL;
	*family = fam;
	memcpy(addr, buf, sizeof(buf));
	*len = l;
	*has_len = *slash != '\0';
	return 0;
}

int ip_netmask_len(const char *s, uint8_t *len)
{
	uint8_t a[4];
	uint32_t mask, inv;

	if (parse_ipv4(s, strlen(s), a) < 0)
		return -EINVAL;
	mask = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
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
	uint8_t ma[16] = { 0 }, mb[16] = { 0 };
	unsigned bytes = family_bits(family) / 8;

	if (alen > blen || alen > family_bits(family))
		return false;
	memcpy(ma, a, bytes);
	memcpy(mb, b, bytes);
	ip_mask(family, ma, alen);
	ip_mask(family, mb, alen);
	return memcmp(ma, mb, bytes) == 0;
}

/* n (0-255) in decimal at p, without leading zeros; returns the end. */
static char *put_uint8(char *p, unsigned n)
{
	if (n >= 100)
		*p++ = (char)('0' + n / 100);
	if (n >= 10)
		*p++ = (char)('0' + n / 10 % 10);
	*p++ = (char)('0' + n % 10);
	return p;
}

/* inet_ntop's IPv4 text, written directly: inet_ntop formats it with sprintf, and a
 * server's route list formats tens of thousands of them. */
static void format_ipv4(char out[static INET_ADDRSTRLEN], const uint8_t *addr)
{
	char *p = out;

	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_uint8(p, addr[i]);
	}
	*p = '\0';
}

void ip_format(char *out, size_t size, int family, const uint8_t *addr)
{
	char v4[INET_ADDRSTRLEN];

	if (!size)
		return;
	if (family == AF_INET) {
		format_ipv4(v4, addr);
		if (strlen(v4) < size)
			memcpy(out, v4, strlen(v4) + 1);
		else
			out[0] = '\0';
		return;
	}
	if (!inet_ntop(family, addr, out, (socklen_t)size))
		out[0] = '\0';
}

void ip_format_prefix(char *out, size_t size, int family, const uint8_t *addr, uint8_t len)
{
	char text[INET6_ADDRSTRLEN + 4];
	size_t n;

	ip_format(text, INET6_ADDRSTRLEN, family, addr);
	n = strlen(text);
	text[n++] = '/';
	n = (size_t)(put_uint8(text + n, len) - text);
	text[n] = '\0';
	if (!size)
		return;
	n = n < size ? n : size - 1; /* cut short as snprintf would */
	memcpy(out, text, n);
	out[n] = '\0';
}

char ip_family_flag(int family)
{
	return family == AF_INET6 ? '6' : '4';
}
