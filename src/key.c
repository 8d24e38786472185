// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Keys are secrets, so every character is decoded with arithmetic on masks instead of
// table lookups or branches that depend on its value: how long a decode takes, and
// which cache lines it touches, says nothing about the key.

#include "key.h"

#include "macro.h"

/* All ones when lo <= c <= hi, else 0 (c, lo and hi within 0..255). Relies on an
 * arithmetic right shift of a negative int, as gcc and clang do. */
static int in_range_mask(int c, int lo, int hi)
{
	return ((lo - 1 - c) & (c - hi - 1)) >> 8;
}

/* The 6-bit value of a base64 character, or -1. */
static int b64_value(int c)
{
	int v = -1;

	v += in_range_mask(c, 'A', 'Z') & (c - 'A' + 1);
	v += in_range_mask(c, 'a', 'z') & (c - 'a' + 27);
	v += in_range_mask(c, '0', '9') & (c - '0' + 53);
	v += in_range_mask(c, '+', '+') & 63;
	v += in_range_mask(c, '/', '/') & 64;
	return v;
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

/* Four characters into 24 bits; *bad becomes negative on an invalid character. */
static unsigned b64_quad(const char *s, int *bad)
{
	unsigned acc = 0;

	for (int i = 0; i < 4; i++) {
		int v = b64_value((unsigned char)s[i]);

		*bad |= v;
		acc = (acc << 6) | (unsigned)(v & 63);
	}
	return acc;
}

/* bad is negative when any character was invalid: then no half-decoded key stays. */
static int decode_result(uint8_t key[static 32], int bad)
{
	if (bad < 0) {
		explicit_zero(key, 32);
		return -EINVAL;
	}
	return 0;
}

int key_from_base64(uint8_t key[static 32], const char *s)
{
	char last[4];
	int bad = 0;
	unsigned acc;

	if (!s || strlen(s) != KEY_B64_LEN || s[KEY_B64_LEN - 1] != '=')
		return -EINVAL;
	for (int i = 0; i < 10; i++) {
		acc = b64_quad(s + 4 * i, &bad);
		key[3 * i] = (uint8_t)(acc >> 16);
		key[3 * i + 1] = (uint8_t)(acc >> 8);
		key[3 * i + 2] = (uint8_t)acc;
	}
	/* The padding '=' stands for zero bits; the two bits of the 43rd character that
	 * fall beyond the 32nd byte must be zero too (spec §2.8). */
	memcpy(last, s + 40, 3);
	last[3] = 'A';
	acc = b64_quad(last, &bad);
	key[30] = (uint8_t)(acc >> 16);
	key[31] = (uint8_t)(acc >> 8);
	bad |= -(int)((acc >> 6) & 3);
	explicit_zero(last, sizeof(last));
	return decode_result(key, bad);
}

void key_to_base64(char out[static KEY_B64_LEN + 1], const uint8_t key[static 32])
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

int key_from_hex(uint8_t key[static 32], const char *s)
{
	int bad = 0;

	if (!s || strlen(s) != KEY_HEX_LEN)
		return -EINVAL;
	for (int i = 0; i < 32; i++) {
		int hi = hex_value((unsigned char)s[2 * i]);
		int lo = hex_value((unsigned char)s[2 * i + 1]);

		bad |= hi | lo;
		key[i] = (uint8_t)(((hi & 15) << 4) | (lo & 15));
	}
	return decode_result(key, bad);
}

void key_to_hex(char out[static KEY_HEX_LEN + 1], const uint8_t key[static 32])
{
	for (int i = 0; i < 32; i++) {
		int hi = key[i] >> 4, lo = key[i] & 15;

		out[2 * i] = (char)(hi + '0' + (((9 - hi) >> 8) & ('a' - '0' - 10)));
		out[2 * i + 1] = (char)(lo + '0' + (((9 - lo) >> 8) & ('a' - '0' - 10)));
	}
	out[KEY_HEX_LEN] = '\0';
}

bool key_is_zero(const uint8_t key[static 32])
{
	volatile uint8_t acc = 0;

	for (int i = 0; i < 32; i++)
		acc |= key[i];
	return (1 & ((acc - 1) >> 8)) == 1;
}
