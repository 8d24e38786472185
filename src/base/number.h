// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The one number parser. Each value wgq reads is read the way the tool it stands in
// for reads it (ip, wg, iproute2's files), so there are dialects; each is named here
// with the values that use it. No dialect skips spaces; only NUMBER_SCANF takes a
// sign.
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum number_dialect {
	/* ASCII digits only, leading zeros allowed ("007" is 7). Ports, PersistentKeepalive,
	 * AllowedIPs prefix lengths, WG_ENDPOINT_RESOLUTION_RETRIES, IPv6 zone numbers,
	 * UAPI values, pids. */
	NUMBER_DECIMAL,
	/* ASCII digits without a leading zero ("0" itself is fine). ip(8) reads an MTU and
	 * an Address prefix length with strtoul base 0, where "010" would be octal 8:
	 * refusing leading zeros keeps wgq and ip from reading two different numbers. */
	NUMBER_DECIMAL_NO_LEADING_ZERO,
	/* iproute2's table number (strtoul base 0, but with a digit first): "0x" or "0X"
	 * and hex digits, a leading "0" and octal digits, else decimal. */
	NUMBER_BASE0,
	/* wg(8)'s FwMark: a lower-case "0x" and hex digits (either case), else decimal;
	 * "0X10" is not a number. */
	NUMBER_HEX_LOWER_0X,
	/* The id of an rt_tables line, as iproute2's sscanf "0x%x", then "%d": a lower-case
	 * "0x" and at least one hex digit, else an optional sign and decimal digits
	 * ("-0x5" is -0 followed by "x5"). For number_scan only. */
	NUMBER_SCANF,
};

/* A number read from the start of a text by number_scan. */
struct number {
	uint64_t value;	 /* saturated at UINT64_MAX */
	bool overflow;	 /* the digits were more than UINT64_MAX */
	bool negative;	 /* a '-' sign (NUMBER_SCANF only) */
	const char *end; /* the first character after the number */
};

/* Read the longest number of dialect d at the start of s into *n (what follows is left
 * to the caller). 0, or -EINVAL when s does not start with one. */
int number_scan(const char *s, enum number_dialect d, struct number *n);

/* All of s one number of dialect d (not NUMBER_SCANF), from min to max. 0 and *out set;
 * -EINVAL when s is not such a number (empty, a sign, a space, a foreign character:
 * checked before the range); -ERANGE when it is one, outside min..max. */
int parse_u64(const char *s, enum number_dialect d, uint64_t min, uint64_t max, uint64_t *out);
/* The same for a 32-bit value. */
int parse_u32(const char *s, enum number_dialect d, uint32_t min, uint32_t max, uint32_t *out);
