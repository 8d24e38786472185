// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Keys are secrets, so every character is decoded with arithmetic on masks instead of
// table lookups or branches that depend on its value: how long a decode takes, and
// which cache lines it touches, says nothing about the key.

#include "base/key.h"

#include <endian.h>

#include "base/macro.h"

/* All ones when lo <= c <= hi, else 0 (c, lo and hi within 0..255). Relies on an
 * arithmetic right shift of a negative int, as gcc and clang do. */
static int in_range_mask(int c, int lo, int hi)
{
	return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

/* Base64 is decoded eight characters at a time, one a byte of a 64-bit word ("lane"),
 * with arithmetic that no carry or borrow takes from one lane to the next. */
#define LANES(b) ((uint64_t)(b)*0x0101010101010101ULL)
#define HIGH	 LANES(0x80)

/* Bit 7 of each lane: is the character t or more? hx lanes are 0x80 + a character
 * below 0x80, so no lane borrows from the next. */
static uint64_t at_least(uint64_t hx, unsigned t)
{
	return hx - LANES(t);
}

/* Eight characters, the first in the lowest lane, into their 6-bit values; *bad gets
 * bits for every invalid character (whose lane then holds junk). */
static uint64_t b64_values(uint64_t x, uint64_t *bad)
{
	uint64_t hx = x | HIGH;
	uint64_t plus = at_least(hx, '+') & ~at_least(hx, '+' + 1) & HIGH;
	uint64_t slash = at_least(hx, '/') & ~at_least(hx, '0') & HIGH;
	uint64_t digit = at_least(hx, '0') & ~at_least(hx, '9' + 1) & HIGH;
	uint64_t upper = at_least(hx, 'A') & ~at_least(hx, 'Z' + 1) & HIGH;
	uint64_t lower = at_least(hx, 'a') & ~at_least(hx, 'z' + 1) & HIGH;
	/* Per class, what to take from 0x80 + c for its value + 0x6d ('+' is 62 + 0x6d
	 * already): at most 90, so neither subtraction below borrows. */
	uint64_t sub = (slash >> 7) * 3 + (digit >> 7) * 15 + (upper >> 7) * 84 + (lower >> 7) * 90;

	*bad |= (x & HIGH) | (~(plus | slash | digit | upper | lower) & HIGH);
	return hx - sub - LANES(0x6d);
}

/* Eight 6-bit values, the first in the lowest lane, into 48 bits, the first value
 * highest: pairs in 16-bit lanes, then fours in 32-bit lanes, then all eight. */
static uint64_t b64_pack(uint64_t v)
{
	v = ((v & 0x00ff00ff00ff00ffULL) << 6) | ((v >> 8) & 0x00ff00ff00ff00ffULL);
	v = ((v & 0x0000ffff0000ffffULL) << 12) | ((v >> 16) & 0x0000ffff0000ffffULL);
	return ((v & 0xffffffffULL) << 24) | (v >> 32);
}

/* The eight characters at s into 48 bits, the first character's highest. */
static uint64_t b64_decode8(const char *s, uint64_t *bad)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return b64_pack(b64_values(le64toh(w), bad));
}

/* The base64 character of a 6-bit value. */
static char b64_char(int v)
{
	int c = v + 'A';

	c += ((25 - v) >> 8) & ('a' - 26 - 'A');
	c -= ((51 - v) >> 8) & ('a' - 26 - ('0' - 52));
	c -= ((61 - v) >> 8) & (('0' - 52) - ('+' - 62));
	c += ((62 - v) >> 8) & ('/' - 63 - ('+' - 62));
	return (char)c;
}

/* bad is negative when any character was invalid: then no half-decoded key stays. */
static int decode_result(uint8_t key[static KEY_LEN], int bad)
{
	if (bad < 0) {
		explicit_zero(key, KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

int key_from_base64(uint8_t key[static KEY_LEN], const char *s)
{
	char last[8];
	uint64_t bad = 0, bits;

	if (!s || strlen(s) != KEY_B64_LEN || s[KEY_B64_LEN - 1] != '=')
		return -EINVAL;
	for (int i = 0; i < 5; i++) {
		bits = htobe64(b64_decode8(s + 8 * i, &bad) << 16);
		memcpy(key + 6 * i, &bits, 6);
	}
	/* The last three characters, then 'A' (zero bits) for the padding '=' and on */
	memcpy(last, s + 40, 3);
	memset(last + 3, 'A', sizeof(last) - 3);
	bits = b64_decode8(last, &bad);
	key[30] = (uint8_t)(bits >> 40);
	key[31] = (uint8_t)(bits >> 32);
	/* Bits beyond the 32nd byte: the two of the 43rd character must be zero too
	 * (behaviour.md §2.8). */
	bad |= bits & 0xffffffffULL;
	explicit_zero(last, sizeof(last));
	return decode_result(key, -(int)(bad != 0));
}

void key_to_base64(char out[static KEY_B64_LEN + 1], const uint8_t key[static KEY_LEN])
{
	for (int i = 0; i < 11; i++) {
		unsigned acc = (unsigned)key[3 * i] << 16;

		if (i < 10)
			acc |= (unsigned)key[3 * i + 1] << 8 | key[3 * i + 2];
		else
			acc |= (unsigned)key[3 * i + 1] << 8;
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = b64_char((int)(acc >> (18 - 6 * j)) & 63);
	}
	out[KEY_B64_LEN - 1] = '=';
	out[KEY_B64_LEN] = '\0';
}

/* The value of a hex digit (either case), or -1. */
static int hex_value(int c)
{
	int v = -1;

	v += in_range_mask(c, '0', '9') & (c - '0' + 1);
	v += in_range_mask(c, 'a', 'f') & (c - 'a' + 11);
	v += in_range_mask(c, 'A', 'F') & (c - 'A' + 11);
	return v;
}

int key_from_hex(uint8_t key[static KEY_LEN], const char *s)
{
	int bad = 0;

	if (!s || strlen(s) != KEY_HEX_LEN)
		return -EINVAL;
	for (int i = 0; i < KEY_LEN; i++) {
		int hi = hex_value((unsigned char)s[2 * i]);
		int lo = hex_value((unsigned char)s[2 * i + 1]);

		bad |= hi | lo;
		key[i] = (uint8_t)(((hi & 15) << 4) | (lo & 15));
	}
	return decode_result(key, bad);
}

void key_to_hex(char out[static KEY_HEX_LEN + 1], const uint8_t key[static KEY_LEN])
{
	for (int i = 0; i < KEY_LEN; i++) {
		int hi = key[i] >> 4, lo = key[i] & 15;

		out[2 * i] = (char)(hi + '0' + (((9 - hi) >> 8) & ('a' - '0' - 10)));
		out[2 * i + 1] = (char)(lo + '0' + (((9 - lo) >> 8) & ('a' - '0' - 10)));
	}
	out[KEY_HEX_LEN] = '\0';
}

bool key_is_zero(const uint8_t key[static KEY_LEN])
{
	volatile uint8_t acc = 0;

	for (int i = 0; i < KEY_LEN; i++)
		acc |= key[i];
	return (1 & ((acc - 1) >> 8)) == 1;
}
