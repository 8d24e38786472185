// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers

#include "base/number.h"

#include <errno.h>

/* 0-15 for a decimal or hex digit (either case), 16 otherwise. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (unsigned)((c | 0x20) - 'a' + 10);
	return 16;
}

/* Does s start with the hex prefix of dialect d (followed by what it needs)? */
static bool hex_prefix(const char *s, enum number_dialect d)
{
	if (s[0] != '0')
		return false;
	switch (d) {
	case NUMBER_BASE0:
		return (s[1] == 'x' || s[1] == 'X') && s[2];
	case NUMBER_HEX_LOWER_0X:
		return s[1] == 'x' && s[2];
	case NUMBER_SCANF:
		return s[1] == 'x' && digit_value(s[2]) < 16;
	default:
		return false;
	}
}

/* The base of the number at *s, past its prefix or sign (*s moved over them). */
static unsigned number_base(const char **s, enum number_dialect d, struct number *n)
{
	if (hex_prefix(*s, d)) {
		*s += 2;
		return 16;
	}
	if (d == NUMBER_SCANF && (**s == '-' || **s == '+'))
		n->negative = *(*s)++ == '-';
	else if (d == NUMBER_BASE0 && **s == '0')
		return 8;
	return 10;
}

int number_scan(const char *s, enum number_dialect d, struct number *n)
{
	const char *start;
	unsigned base, v;

	*n = (struct number){ .end = s };
	base = number_base(&s, d, n);
	for (start = s; (v = digit_value(*s)) < base; s++) {
		if (n->value > (UINT64_MAX - v) / base)
			n->overflow = true;
		n->value = n->overflow ? UINT64_MAX : n->value * base + v;
		/* "0" is the whole of a number without leading zeros. */
		if (d == NUMBER_DECIMAL_NO_LEADING_ZERO && s == start && *s == '0') {
			s++;
			break;
		}
	}
	if (s == start) {
		*n = (struct number){ .end = n->end };
		return -EINVAL;
	}
	n->end = s;
	return 0;
}

int parse_u64(const char *s, enum number_dialect d, uint64_t min, uint64_t max, uint64_t *out)
{
	struct number n;

	if (number_scan(s, d, &n) < 0 || *n.end || n.negative)
		return -EINVAL;
	if (n.overflow || n.value < min || n.value > max)
		return -ERANGE;
	*out = n.value;
	return 0;
}

int parse_u32(const char *s, enum number_dialect d, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	int r = parse_u64(s, d, min, max, &v);

	if (r == 0)
		*out = (uint32_t)v;
	return r;
}
