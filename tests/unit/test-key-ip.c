// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Keys, IP parsing, rt_tables names and Endpoint values. Name resolution goes
// through fake endpoint_ops; only "localhost" from /etc/hosts is looked up for real.

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/endpoint.h"
#include "config/rt-tables.h"
#include "base/ip.h"
#include "base/key.h"
#include "base/macro.h"
#include "base/number.h"

#ifndef TEST_DATA
#error "TEST_DATA must name tests/data"
#endif

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- numbers ---- */

struct number_case {
	const char *in;
	enum number_dialect d;
	uint32_t min, max;
	int ret;
	uint32_t out;
};

static const struct number_case number_cases[] = {
	/* decimal: leading zeros, no sign, no space, no prefix */
	{ "0", NUMBER_DECIMAL, 0, 65535, 0, 0 },
	{ "007", NUMBER_DECIMAL, 0, 65535, 0, 7 },
	{ "65535", NUMBER_DECIMAL, 0, 65535, 0, 65535 },
	{ "65536", NUMBER_DECIMAL, 0, 65535, -ERANGE, 0 },
	{ "99999999999999999999999", NUMBER_DECIMAL, 0, UINT32_MAX, -ERANGE, 0 },
	{ "4294967295", NUMBER_DECIMAL, 0, UINT32_MAX, 0, UINT32_MAX },
	{ "4294967296", NUMBER_DECIMAL, 0, UINT32_MAX, -ERANGE, 0 },
	{ "99999x", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ "", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ " 5", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ "5 ", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ "+5", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ "-0", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ "0x5", NUMBER_DECIMAL, 0, 10, -EINVAL, 0 },
	{ "3", NUMBER_DECIMAL, 4, 10, -ERANGE, 0 },
	/* decimal without leading zeros */
	{ "0", NUMBER_DECIMAL_NO_LEADING_ZERO, 0, 32, 0, 0 },
	{ "024", NUMBER_DECIMAL_NO_LEADING_ZERO, 0, 32, -EINVAL, 0 },
	{ "00", NUMBER_DECIMAL_NO_LEADING_ZERO, 0, 32, -EINVAL, 0 },
	{ "24", NUMBER_DECIMAL_NO_LEADING_ZERO, 0, 32, 0, 24 },
	{ "0", NUMBER_DECIMAL_NO_LEADING_ZERO, 68, 65535, -ERANGE, 0 },
	{ "67", NUMBER_DECIMAL_NO_LEADING_ZERO, 68, 65535, -ERANGE, 0 },
	{ "1420", NUMBER_DECIMAL_NO_LEADING_ZERO, 68, 65535, 0, 1420 },
	{ "01420", NUMBER_DECIMAL_NO_LEADING_ZERO, 68, 65535, -EINVAL, 0 },
	/* base 0 (iproute2 table numbers) */
	{ "0", NUMBER_BASE0, 0, UINT32_MAX, 0, 0 },
	{ "010", NUMBER_BASE0, 0, UINT32_MAX, 0, 8 },
	{ "08", NUMBER_BASE0, 0, UINT32_MAX, -EINVAL, 0 },
	{ "0x10", NUMBER_BASE0, 0, UINT32_MAX, 0, 16 },
	{ "0X1f", NUMBER_BASE0, 0, UINT32_MAX, 0, 31 },
	{ "0x", NUMBER_BASE0, 0, UINT32_MAX, -EINVAL, 0 },
	{ "0xg", NUMBER_BASE0, 0, UINT32_MAX, -EINVAL, 0 },
	{ "0xffffffff", NUMBER_BASE0, 0, UINT32_MAX, 0, UINT32_MAX },
	{ "0x100000000", NUMBER_BASE0, 0, UINT32_MAX, -ERANGE, 0 },
	{ "037777777777", NUMBER_BASE0, 0, UINT32_MAX, 0, UINT32_MAX },
	{ "1234", NUMBER_BASE0, 0, UINT32_MAX, 0, 1234 },
	{ "a", NUMBER_BASE0, 0, UINT32_MAX, -EINVAL, 0 },
	{ "+1", NUMBER_BASE0, 0, UINT32_MAX, -EINVAL, 0 },
	{ " 1", NUMBER_BASE0, 0, UINT32_MAX, -EINVAL, 0 },
	/* lower-case 0x (wg's fwmark) */
	{ "0x10", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, 0, 16 },
	{ "0xABC", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, 0, 0xabc },
	{ "0X10", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, -EINVAL, 0 },
	{ "010", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, 0, 10 },
	{ "0x", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, -EINVAL, 0 },
	{ "0x1g", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, -EINVAL, 0 },
	{ "0x100000000", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, -ERANGE, 0 },
	{ "4294967296", NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, -ERANGE, 0 },
};

static void test_number_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(number_cases); i++) {
		const struct number_case *c = &number_cases[i];
		uint32_t out = 12345;

		print_message("parse_u32 '%s' dialect %d\n", c->in, c->d);
		assert_int_equal(parse_u32(c->in, c->d, c->min, c->max, &out), c->ret);
		assert_int_equal(out, c->ret ? 12345 : c->out);
	}
}

static void test_number_u64(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_u64("18446744073709551615", NUMBER_DECIMAL, 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", NUMBER_DECIMAL, 0, UINT64_MAX, &v),
			 -ERANGE);
	assert_int_equal(parse_u64("0xffffffffffffffff", NUMBER_BASE0, 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("-1", NUMBER_SCANF, 0, UINT64_MAX, &v), -EINVAL);
}

/* number_scan: the number at the start, and where it ends. */
static void test_number_scan(void **state)
{
	static const struct {
		const char *in;
		enum number_dialect d;
		int ret;
		uint64_t value;
		bool negative;
		size_t end;
	} cases[] = {
		{ "0x1f main", NUMBER_SCANF, 0, 31, false, 4 },
		{ "0X1f main", NUMBER_SCANF, 0, 0, false, 1 },
		{ "0xg", NUMBER_SCANF, 0, 0, false, 1 },
		{ "-0x5", NUMBER_SCANF, 0, 0, true, 2 },
		{ "-5 x", NUMBER_SCANF, 0, 5, true, 2 },
		{ "+5", NUMBER_SCANF, 0, 5, false, 2 },
		{ "-", NUMBER_SCANF, -EINVAL, 0, false, 0 },
		{ "main", NUMBER_SCANF, -EINVAL, 0, false, 0 },
		{ " 5", NUMBER_SCANF, -EINVAL, 0, false, 0 },
		{ "1234\n", NUMBER_DECIMAL, 0, 1234, false, 4 },
		{ "", NUMBER_DECIMAL, -EINVAL, 0, false, 0 },
		{ "012", NUMBER_DECIMAL_NO_LEADING_ZERO, 0, 0, false, 1 },
		{ "99999999999999999999", NUMBER_DECIMAL, 0, UINT64_MAX, false, 20 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct number n;

		print_message("number_scan '%s'\n", cases[i].in);
		assert_int_equal(number_scan(cases[i].in, cases[i].d, &n), cases[i].ret);
		assert_true(n.value == cases[i].value);
		assert_int_equal(n.negative, cases[i].negative);
		assert_int_equal(n.end - cases[i].in, cases[i].end);
	}
}

/* ---- keys ---- */

struct key_vector {
	const char *b64;
	const char *hex;
};

static const struct key_vector key_vectors[] = {
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	  "0000000000000000000000000000000000000000000000000000000000000000" },
	{ "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" },
	{ "//////////////////////////////////////////8=",
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff" },
	{ "cypYsujS7Qfrej+2I5UELzt7dk2fdmvSqfFtYwfQ8qc=",
	  "732a58b2e8d2ed07eb7a3fb62395042f3b7b764d9f766bd2a9f16d6307d0f2a7" },
};

static void test_key_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(key_vectors); i++) {
		const struct key_vector *v = &key_vectors[i];
		uint8_t a[32], b[32];
		char b64[KEY_B64_LEN + 1], hex[KEY_HEX_LEN + 1];

		assert_int_equal(key_from_base64(a, v->b64), 0);
		assert_int_equal(key_from_hex(b, v->hex), 0);
		assert_memory_equal(a, b, 32);
		key_to_base64(b64, a);
		assert_string_equal(b64, v->b64);
		key_to_hex(hex, a);
		assert_string_equal(hex, v->hex);
		assert_int_equal(key_is_zero(a), i == 0);
	}
}

/* A plain, obviously correct encoder to compare the constant-time one against. */
static void ref_base64(char out[45], const uint8_t key[32])
{
	uint8_t in[33] = { 0 };

	memcpy(in, key, 32);
	for (int i = 0; i < 11; i++) {
		unsigned acc =
			(unsigned)in[3 * i] << 16 | (unsigned)in[3 * i + 1] << 8 | in[3 * i + 2];

		for (int j = 0; j < 4; j++)
			out[4 * i + j] = b64_alphabet[(acc >> (18 - 6 * j)) & 63];
	}
	out[43] = '=';
	out[44] = '\0';
}

static void test_key_roundtrip_all_bytes(void **state)
{
	(void)state;
	for (unsigned seed = 0; seed < 256; seed++) {
		uint8_t key[32], back[32];
		char b64[KEY_B64_LEN + 1], ref[45], hex[KEY_HEX_LEN + 1], refhex[65];

		for (unsigned i = 0; i < 32; i++)
			key[i] = (uint8_t)(seed + i * 37);
		key_to_base64(b64, key);
		ref_base64(ref, key);
		assert_string_equal(b64, ref);
		assert_int_equal(key_from_base64(back, b64), 0);
		assert_memory_equal(back, key, 32);
		key_to_hex(hex, key);
		for (unsigned i = 0; i < 32; i++)
			snprintf(refhex + 2 * i, 3, "%02x", key[i]);
		assert_string_equal(hex, refhex);
		assert_int_equal(key_from_hex(back, hex), 0);
		assert_memory_equal(back, key, 32);
	}
}

/* Every base64 character as the 43rd: only AEIMQUYcgkosw048 leave no stray bits. */
static void test_key_43rd_char(void **state)
{
	(void)state;
	for (int v = 0; v < 64; v++) {
		char s[45];
		uint8_t key[32];

		memset(s, 'A', 42);
		s[42] = b64_alphabet[v];
		s[43] = '=';
		s[44] = '\0';
		if (strchr("AEIMQUYcgkosw048", s[42])) {
			assert_int_equal(key_from_base64(key, s), 0);
			assert_int_equal(key[30], 0);
			assert_int_equal(key[31], v >> 2);
		} else {
			assert_int_equal(key_from_base64(key, s), -EINVAL);
		}
	}
}

static void test_key_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",	 /* 43 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 45 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	 /* no '=' */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",	 /* 43rd is '=' */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ",
		" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	};
	static const char stray[] = "-_ .=*\x80\xff\t:";
	uint8_t key[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(key_from_base64(key, bad[i]), -EINVAL);
	/* One bad character at each of the 43 data positions. */
	for (size_t c = 0; c < sizeof(stray) - 1; c++) {
		for (int pos = 0; pos < 43; pos++) {
			char s[45] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

			s[pos] = stray[c];
			assert_int_equal(key_from_base64(key, s), -EINVAL);
		}
	}
}

static void test_key_hex(void **state)
{
	static const char *const bad[] = {
		"",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
		"g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		" 00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	};
	uint8_t key[32], zero[32] = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(key_from_hex(key, bad[i]), -EINVAL);
	assert_int_equal(
		key_from_hex(key,
			     "FFffFFffFFffFFffFFffFFffFFffFFffFFffFFffFFffFFffFFffFFffFFffFFff"),
		0);
	for (int i = 0; i < 32; i++)
		assert_int_equal(key[i], 0xff);
	assert_true(key_is_zero(zero));
	zero[31] = 1;
	assert_false(key_is_zero(zero));
	zero[31] = 0;
	zero[0] = 0x80;
	assert_false(key_is_zero(zero));
}

/* ---- IP addresses ---- */

struct ip_case {
	const char *in;
	int ret;
	int family;
	const char *canon; /* ip_format of the result */
};

static const struct ip_case ip_cases[] = {
	{ "1.2.3.4", 0, AF_INET, "1.2.3.4" },
	{ "0.0.0.0", 0, AF_INET, "0.0.0.0" },
	{ "255.255.255.255", 0, AF_INET, "255.255.255.255" },
	{ "10.0.0.10", 0, AF_INET, "10.0.0.10" },
	{ "::", 0, AF_INET6, "::" },
	{ "::1", 0, AF_INET6, "::1" },
	{ "FE80::0001", 0, AF_INET6, "fe80::1" },
	{ "2001:DB8:0:0:0:0:0:1", 0, AF_INET6, "2001:db8::1" },
	{ "::ffff:1.2.3.4", 0, AF_INET6, "::ffff:1.2.3.4" },
	{ "10.1", -EINVAL, 0, NULL },
	{ "10.1.2", -EINVAL, 0, NULL },
	{ "010.0.0.1", -EINVAL, 0, NULL },
	{ "1.2.3.04", -EINVAL, 0, NULL },
	{ "00.1.1.1", -EINVAL, 0, NULL },
	{ "0x0a.0.0.1", -EINVAL, 0, NULL },
	{ "167772161", -EINVAL, 0, NULL },
	{ "256.1.1.1", -EINVAL, 0, NULL },
	{ "1.2.3.4.5", -EINVAL, 0, NULL },
	{ " 1.2.3.4", -EINVAL, 0, NULL },
	{ "1.2.3.4 ", -EINVAL, 0, NULL },
	{ "+1.2.3.4", -EINVAL, 0, NULL },
	{ "1.2.3.4/32", -EINVAL, 0, NULL },
	{ "", -EINVAL, 0, NULL },
	{ "fe80::1%eth0", -EINVAL, 0, NULL },
	{ "::ffff:1.2.3.04", -EINVAL, 0, NULL },
	{ "1::2::3", -EINVAL, 0, NULL },
	{ "12345::", -EINVAL, 0, NULL },
	{ "example.com", -EINVAL, 0, NULL },
};

static void test_ip_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ip_cases); i++) {
		const struct ip_case *c = &ip_cases[i];
		uint8_t addr[16];
		int family = -1;
		char out[INET6_ADDRSTRLEN];

		memset(addr, 0xaa, sizeof(addr));
		assert_int_equal(ip_parse(c->in, &family, addr), c->ret);
		if (c->ret)
			continue;
		assert_int_equal(family, c->family);
		ip_format(out, sizeof(out), family, addr);
		assert_string_equal(out, c->canon);
	}
}

/* ip_parse is wgq's own parser: it must accept exactly what inet_pton accepts (IPv4
 * first, then IPv6) and give the same bytes, edge cases included. */
static void test_ip_parse_like_inet_pton(void **state)
{
	static const char *const inputs[] = {
		"1::",
		":1::",
		":::",
		"1:",
		"::",
		"::1",
		"1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8::",
		"::1:2:3:4:5:6:7:8",
		"1:2:3:4::5:6:7:8",
		"1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8",
		"::1.2.3.4",
		"::ffff:1.2.3.4",
		"1:2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6:7:1.2.3.4",
		"::1.2.3.4.5",
		"::1.2.3",
		"::256.1.1.1",
		"::01.2.3.4",
		"1::2::3",
		"12345::",
		"0:0:0:0:0:0:0:0",
		"00000::",
		"1:::2",
		"fe80::1%eth0",
		"1.2.3.4",
		"01.2.3.4",
		"1.2.3",
		"1.2.3.4.",
		"255.255.255.255",
		"256.0.0.0",
		"0.0.0.0",
		" 1.2.3.4",
		"1.2.3.4 ",
		"",
		":",
		"::g",
		"FFFF::",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"::ffff:ffff:ffff:ffff:ffff:ffff:1.2.3.4",
		"1::1.2.3.4",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
		uint8_t addr[16], want[16] = { 0 };
		int family = -1, want_family = AF_INET;
		int ok = inet_pton(AF_INET, inputs[i], want);

		if (ok != 1) {
			want_family = AF_INET6;
			ok = inet_pton(AF_INET6, inputs[i], want);
		}
		assert_int_equal(ip_parse(inputs[i], &family, addr), ok == 1 ? 0 : -EINVAL);
		if (ok != 1)
			continue;
		assert_int_equal(family, want_family);
		assert_memory_equal(addr, want, want_family == AF_INET ? 4 : 16);
	}
}

struct prefix_case {
	const char *in;
	int ret;
	int family;
	const char *canon; /* ip_format_prefix of the result */
	bool has_len;
};

static const struct prefix_case prefix_cases[] = {
	{ "10.0.0.0/8", 0, AF_INET, "10.0.0.0/8", true },
	{ "10.42.0.7/24", 0, AF_INET, "10.42.0.7/24", true },
	{ "10.0.0.1", 0, AF_INET, "10.0.0.1/32", false },
	{ "1.2.3.4/0", 0, AF_INET, "1.2.3.4/0", true },
	{ "1.2.3.4/32", 0, AF_INET, "1.2.3.4/32", true },
	{ "1.2.3.4/024", 0, AF_INET, "1.2.3.4/24", true },
	{ "::/0", 0, AF_INET6, "::/0", true },
	{ "fd00::1", 0, AF_INET6, "fd00::1/128", false },
	{ "FD00:0::1/128", 0, AF_INET6, "fd00::1/128", true },
	{ "2001:db8::/33", 0, AF_INET6, "2001:db8::/33", true },
	{ "1.2.3.4/33", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/100", -EINVAL, 0, NULL, false },
	{ "fd00::1/129", -EINVAL, 0, NULL, false },
	{ "fd00::1/99999999999999999999", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/", -EINVAL, 0, NULL, false },
	{ "/24", -EINVAL, 0, NULL, false },
	{ "/", -EINVAL, 0, NULL, false },
	{ "", -EINVAL, 0, NULL, false },
	{ "+1.2.3.4/32", -EINVAL, 0, NULL, false },
	{ "-1.2.3.4/32", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/+24", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/-1", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/ 24", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/24 ", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/24/1", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/0x18", -EINVAL, 0, NULL, false },
	{ "1.2.3.4/255.255.255.0", -EINVAL, 0, NULL, false },
	{ "10.1/16", -EINVAL, 0, NULL, false },
	{ "010.0.0.0/8", -EINVAL, 0, NULL, false },
	{ "1.2.3.4:5/32", -EINVAL, 0, NULL, false },
	{ "fe80::1%1/64", -EINVAL, 0, NULL, false },
	{ "1111:2222:3333:4444:5555:6666:7777:8888:9999/64", -EINVAL, 0, NULL, false },
};

static void test_ip_parse_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(prefix_cases); i++) {
		const struct prefix_case *c = &prefix_cases[i];
		uint8_t addr[16], len = 200;
		int family = -1;
		bool has_len = !c->has_len;
		char out[IP_PREFIX_STRLEN];

		assert_int_equal(ip_parse_prefix(c->in, &family, addr, &len, &has_len), c->ret);
		if (c->ret)
			continue;
		assert_int_equal(family, c->family);
		assert_int_equal(has_len, c->has_len);
		ip_format_prefix(out, sizeof(out), family, addr, len);
		assert_string_equal(out, c->canon);
	}
}

static void test_ip_netmask(void **state)
{
	static const struct {
		const char *in;
		int ret;
		uint8_t len;
	} cases[] = {
		{ "255.255.255.0", 0, 24 },
		{ "255.255.255.255", 0, 32 },
		{ "0.0.0.0", 0, 0 },
		{ "128.0.0.0", 0, 1 },
		{ "255.255.254.0", 0, 23 },
		{ "255.0.255.0", -EINVAL, 0 },
		{ "255.255.255.1", -EINVAL, 0 },
		{ "0.0.0.255", -EINVAL, 0 },
		{ "255.255.0", -EINVAL, 0 },
		{ "24", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t len = 99;

		assert_int_equal(ip_netmask_len(cases[i].in, &len), cases[i].ret);
		if (!cases[i].ret)
			assert_int_equal(len, cases[i].len);
	}
}

static void test_ip_mask(void **state)
{
	static const struct {
		const char *in;
		uint8_t len;
		const char *out;
	} cases[] = {
		{ "10.42.0.7", 24, "10.42.0.0" },
		{ "10.42.0.7", 32, "10.42.0.7" },
		{ "10.42.0.7", 0, "0.0.0.0" },
		{ "255.255.255.255", 7, "254.0.0.0" },
		{ "255.255.255.255", 9, "255.128.0.0" },
		{ "255.255.255.255", 31, "255.255.255.254" },
		{ "2001:db8:ffff:ffff::1", 36, "2001:db8:f000::" },
		{ "2001:db8:ffff:ffff::1", 128, "2001:db8:ffff:ffff::1" },
		{ "2001:db8:ffff:ffff::1", 0, "::" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t addr[16];
		int family = 0;
		char out[INET6_ADDRSTRLEN];

		assert_int_equal(ip_parse(cases[i].in, &family, addr), 0);
		ip_mask(family, addr, cases[i].len);
		ip_format(out, sizeof(out), family, addr);
		assert_string_equal(out, cases[i].out);
	}
}

static void test_ip_covers(void **state)
{
	static const struct {
		const char *a, *b;
		bool covers;
	} cases[] = {
		{ "10.0.0.0/24", "10.0.0.7/32", true },	 { "10.0.0.0/24", "10.0.0.0/24", true },
		{ "10.0.0.5/24", "10.0.0.9/32", true },	 { "10.0.0.0/24", "10.0.1.0/24", false },
		{ "10.0.0.0/24", "10.0.0.0/16", false }, { "10.0.0.0/25", "10.0.0.128/32", false },
		{ "0.0.0.0/0", "192.168.1.1/32", true }, { "0.0.0.0/0", "0.0.0.0/0", true },
		{ "fd00::/8", "fd12::1/128", true },	 { "fd00::/8", "fe00::/8", false },
		{ "fd00::/8", "fd00::/7", false },	 { "::/0", "2001:db8::/32", true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t a[16], b[16], alen, blen;
		int fa, fb;
		bool h;

		assert_int_equal(ip_parse_prefix(cases[i].a, &fa, a, &alen, &h), 0);
		assert_int_equal(ip_parse_prefix(cases[i].b, &fb, b, &blen, &h), 0);
		assert_int_equal(fa, fb);
		assert_int_equal(ip_covers(fa, a, alen, b, blen), cases[i].covers);
	}
}

static void test_ip_format_prefix(void **state)
{
	uint8_t v4[16] = { 192, 168, 1, 0 }, v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	char out[IP_PREFIX_STRLEN], small[8];

	(void)state;
	ip_format_prefix(out, sizeof(out), AF_INET, v4, 24);
	assert_string_equal(out, "192.168.1.0/24");
	v6[15] = 0xab;
	ip_format_prefix(out, sizeof(out), AF_INET6, v6, 64);
	assert_string_equal(out, "2001:db8::ab/64");
	memset(v6, 0xff, sizeof(v6));
	ip_format_prefix(out, sizeof(out), AF_INET6, v6, 128);
	assert_string_equal(out, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	ip_format_prefix(small, sizeof(small), AF_INET, v4, 24);
	assert_string_equal(small, "192.168");
}

/* ---- rt_tables ---- */

#define RT(d) TEST_DATA "/rt/" d

struct rt_case {
	const char *name;
	int ret;
	uint32_t id;
};

static void check_rt(const char *const *dirs, const struct rt_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t id = 12345;

		print_message("rt_table_lookup %s\n", cases[i].name);
		assert_int_equal(rt_table_lookup(cases[i].name, dirs, &id), cases[i].ret);
		assert_int_equal(id, cases[i].ret ? 12345 : cases[i].id);
	}
}

static void test_rt_first_dir(void **state)
{
	static const char *const dirs[] = { RT("a"), RT("b"), NULL };
	static const struct rt_case cases[] = {
		{ "main", 0, 254 },	    { "local", 0, 255 },      { "default", 0, 253 },
		{ "vpn", 0, 100 },	    { "hexy", 0, 0x200 },     { "hexupper", 0, 500 },
		{ "tabbed", 0, 42 },	    { "Mixed", 0, 7 },	      { "mixed", 0, 8 },
		{ "leadingzero", 0, 10 },   { "fromdconf", 0, 300 },  { "override_a", 0, 400 },
		{ "bdir", 0, 700 },	    { "MIXED", -ENOENT, 0 },  { "Main", -ENOENT, 0 },
		{ "negative", -ENOENT, 0 }, { "toobig", -ENOENT, 0 }, { "commented", -ENOENT, 0 },
		{ "comment", -ENOENT, 0 },  { "#", -ENOENT, 0 },      { "hidden", -ENOENT, 0 },
		{ "notconf", -ENOENT, 0 },  { "onlyb", -ENOENT, 0 },  { "override_b", -ENOENT, 0 },
		{ "", -ENOENT, 0 },	    { "100", -ENOENT, 0 },
	};

	(void)state;
	check_rt(dirs, cases, ARRAY_SIZE(cases));
}

static void test_rt_fallback(void **state)
{
	static const char *const dirs[] = { RT("c"), RT("b"), NULL };
	static const char *const only_c[] = { RT("c"), NULL };
	static const char *const none[] = { NULL };
	static const struct rt_case cases[] = {
		{ "onlyb", 0, 600 },	  { "cdir", 0, 900 },	 { "bdir", 0, 700 },
		{ "override_b", 0, 800 }, { "vpn", -ENOENT, 0 }, { "main", 0, 254 },
	};
	static const struct rt_case cases_c[] = {
		{ "cdir", 0, 900 },
		{ "onlyb", -ENOENT, 0 },
		{ "bdir", -ENOENT, 0 },
	};
	static const struct rt_case cases_none[] = {
		{ "default", 0, 253 },
		{ "vpn", -ENOENT, 0 },
	};

	(void)state;
	check_rt(dirs, cases, ARRAY_SIZE(cases));
	check_rt(only_c, cases_c, ARRAY_SIZE(cases_c));
	check_rt(none, cases_none, ARRAY_SIZE(cases_none));
}

static void test_rt_iproute2_quirks(void **state)
{
	static const char *const corrupt[] = { RT("corrupt"), NULL };
	static const char *const prio[] = { RT("prio"), NULL };
	static const struct rt_case cases_corrupt[] = {
		{ "before", 0, 10 },
		{ "after", -ENOENT, 0 },
	};
	static const struct rt_case cases_prio[] = {
		{ "main", 0, 100 },	 { "dup", 0, 100 }, { "low", 0, 50 },	{ "X10", 0, 0 },
		{ "weird", -ENOENT, 0 }, { "xzz", 0, 0 },   { "glued", 0, 77 }, { "local", 0, 255 },
	};
	uint32_t id = 0;

	(void)state;
	check_rt(corrupt, cases_corrupt, ARRAY_SIZE(cases_corrupt));
	check_rt(prio, cases_prio, ARRAY_SIZE(cases_prio));
	/* The real directories: only a name every iproute2 install agrees on. */
	assert_int_equal(rt_table_lookup("main", NULL, &id), 0);
	assert_int_equal(id, 254);
}

/* ---- Endpoint splitting and literals ---- */

struct split_case {
	const char *in;
	int ret;
	const char *host, *port; /* or the error tail */
};

static const struct split_case split_cases[] = {
	{ "1.2.3.4:51820", 0, "1.2.3.4", "51820" },
	{ "[fd00::1]:51820", 0, "fd00::1", "51820" },
	{ "[fe80::1%eth0]:51820", 0, "fe80::1%eth0", "51820" },
	{ "fe80::1%eth0:51820", 0, "fe80::1%eth0", "51820" },
	{ "::1:51820", 0, "::1", "51820" },
	{ "vpn.example.com:51820", 0, "vpn.example.com", "51820" },
	{ "[vpn.example.com]:1", 0, "vpn.example.com", "1" },
	{ "host:65535", 0, "host", "65535" },
	{ "host:0051820", 0, "host", "0051820" },
	{ "[]:51820", -EINVAL, "has no host", NULL },
	{ ":51820", -EINVAL, "has no host", NULL },
	{ "host:0", -EINVAL, "has a port outside 1-65535", NULL },
	{ "host:000", -EINVAL, "has a port outside 1-65535", NULL },
	{ "host:65536", -EINVAL, "has a port outside 1-65535", NULL },
	{ "host:70000", -EINVAL, "has a port outside 1-65535", NULL },
	{ "host:99999999999999999999", -EINVAL, "has a port outside 1-65535", NULL },
	{ "host", -EINVAL, "has no port", NULL },
	{ "host:", -EINVAL, "has no port", NULL },
	{ "", -EINVAL, "has no port", NULL },
	{ "[::1]", -EINVAL, "has no port", NULL },
	{ "[::1]:", -EINVAL, "has no port", NULL },
	{ "[::1]51820", -EINVAL, "has no port", NULL },
	{ "[::1]x:51820", -EINVAL, "has no port", NULL },
	{ "[::1", -EINVAL, "has an unmatched '['", NULL },
	{ "[::1:51820", -EINVAL, "has an unmatched '['", NULL },
	{ "host:no-such-service-wgq", -EINVAL,
	  "has a port that is not a number or a UDP service name", NULL },
	{ "host:+5", -EINVAL, "has a port that is not a number or a UDP service name", NULL },
	{ "host:-1", -EINVAL, "has a port that is not a number or a UDP service name", NULL },
	{ "a-host-name-longer-than-the-buffer:5", -EINVAL, "is too long", NULL },
	{ "host:000000000000000000000000000000000000000001", -EINVAL, "is too long", NULL },
};

static void test_endpoint_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		char host[32], port[NI_MAXSERV];
		const char *err = NULL;

		print_message("endpoint_split %s\n", c->in);
		assert_int_equal(
			endpoint_split(c->in, host, sizeof(host), port, sizeof(port), &err),
			c->ret);
		if (c->ret) {
			assert_non_null(err);
			assert_string_equal(err, c->host);
			continue;
		}
		assert_string_equal(host, c->host);
		assert_string_equal(port, c->port);
	}
}

static void test_endpoint_service_port(void **state)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];
	const char *err = NULL;
	uint16_t num = 0;

	(void)state;
	if (!getservbyname("ntp", "udp"))
		skip();
	assert_int_equal(endpoint_split("host:ntp", host, sizeof(host), port, sizeof(port), &err),
			 0);
	assert_string_equal(port, "ntp");
	assert_int_equal(endpoint_parse_port("ntp", &num), 0);
	assert_int_equal(num, 123);
	assert_int_equal(endpoint_parse_port("0", &num), 0);
	assert_int_equal(num, 0);
	assert_int_equal(endpoint_parse_port("65536", &num), -ERANGE);
	assert_int_equal(endpoint_parse_port("", &num), -EINVAL);
}

static void expect_v4(const union wg_endpoint *ep, const char *addr, uint16_t port)
{
	union wg_endpoint want;

	memset(&want, 0, sizeof(want));
	want.in.sin_family = AF_INET;
	want.in.sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, addr, &want.in.sin_addr), 1);
	assert_memory_equal(ep, &want, sizeof(want));
}

static void expect_v6(const union wg_endpoint *ep, const char *addr, uint16_t port, uint32_t scope)
{
	union wg_endpoint want;

	memset(&want, 0, sizeof(want));
	want.in6.sin6_family = AF_INET6;
	want.in6.sin6_port = htons(port);
	want.in6.sin6_scope_id = scope;
	assert_int_equal(inet_pton(AF_INET6, addr, &want.in6.sin6_addr), 1);
	assert_memory_equal(ep, &want, sizeof(want));
}

static void test_endpoint_literal(void **state)
{
	static const char *const hosts[] = {
		"example.com",
		"10.1",
		"010.0.0.1",
		"1.2.3.4%lo",
		"fe80::1%",
		"fe80::1%no-such-if0",
		"fe80::1%99999999999",
		"",
		"[::1]",
		"::1 ",
	};
	unsigned lo = if_nametoindex("lo");
	union wg_endpoint ep;

	(void)state;
	memset(&ep, 0x5a, sizeof(ep));
	assert_int_equal(endpoint_parse_literal("192.0.2.1", "51820", &ep), 0);
	expect_v4(&ep, "192.0.2.1", 51820);
	assert_int_equal(endpoint_parse_literal("fd00::1", "1", &ep), 0);
	expect_v6(&ep, "fd00::1", 1, 0);
	assert_int_equal(endpoint_parse_literal("::ffff:1.2.3.4", "65535", &ep), 0);
	expect_v6(&ep, "::ffff:1.2.3.4", 65535, 0);
	assert_int_equal(endpoint_parse_literal("fe80::1%7", "00080", &ep), 0);
	expect_v6(&ep, "fe80::1", 80, 7);
	if (lo) {
		assert_int_equal(endpoint_parse_literal("fe80::1%lo", "51820", &ep), 0);
		expect_v6(&ep, "fe80::1", 51820, lo);
	}
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++)
		assert_int_equal(endpoint_parse_literal(hosts[i], "51820", &ep), -EINVAL);
	assert_int_equal(endpoint_parse_literal("192.0.2.1", "0", &ep), -EINVAL);
	assert_int_equal(endpoint_parse_literal("192.0.2.1", "65536", &ep), -EINVAL);
	assert_int_equal(endpoint_parse_literal("192.0.2.1", "no-such-service-wgq", &ep), -EINVAL);
}

static void test_endpoint_retries(void **state)
{
	static const struct {
		const char *in;
		int ret;
		long out;
	} cases[] = {
		{ NULL, 0, 15 },
		{ "infinity", 0, -1 },
		{ "0", 0, 0 },
		{ "15", 0, 15 },
		{ "007", 0, 7 },
		{ "2147483647", 0, 2147483647L },
		{ "2147483648", -EINVAL, 0 },
		{ "99999999999999999999999", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-0", -EINVAL, 0 },
		{ "+5", -EINVAL, 0 },
		{ " 5", -EINVAL, 0 },
		{ "5 ", -EINVAL, 0 },
		{ "Infinity", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long out = -42;

		assert_int_equal(endpoint_parse_retries(cases[i].in, &out), cases[i].ret);
		assert_int_equal(out, cases[i].ret ? -42 : cases[i].out);
	}
}

/* ---- resolution, with a fake resolver ---- */

static struct {
	int fail_codes[64]; /* returned by the first calls; 0 ends the list */
	int fail_errno;
	int repeat_code; /* returned forever once the list is used up, unless 0 */
	unsigned calls, frees, n_sleeps;
	unsigned long sleeps[64];
	char node[256], service[64];
	struct addrinfo hints;
	int family; /* of the answer */
	struct addrinfo ai;
	union wg_endpoint addr;
} fake;

static int fake_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
			    struct addrinfo **res)
{
	int code = fake.calls < ARRAY_SIZE(fake.fail_codes) ? fake.fail_codes[fake.calls] : 0;

	fake.calls++;
	snprintf(fake.node, sizeof(fake.node), "%s", node);
	snprintf(fake.service, sizeof(fake.service), "%s", service);
	fake.hints = *hints;
	if (!code)
		code = fake.repeat_code;
	if (code) {
		errno = fake.fail_errno;
		return code;
	}
	memset(&fake.ai, 0, sizeof(fake.ai));
	memset(&fake.addr, 0, sizeof(fake.addr));
	fake.ai.ai_family = fake.family;
	if (fake.family == AF_INET6) {
		fake.addr.in6.sin6_family = AF_INET6;
		fake.addr.in6.sin6_port = htons(51820);
		inet_pton(AF_INET6, "2001:db8::7", &fake.addr.in6.sin6_addr);
		fake.ai.ai_addrlen = sizeof(fake.addr.in6);
	} else {
		fake.addr.in.sin_family = AF_INET;
		fake.addr.in.sin_port = htons(51820);
		inet_pton(AF_INET, "192.0.2.7", &fake.addr.in.sin_addr);
		fake.ai.ai_addrlen = sizeof(fake.addr.in);
	}
	fake.ai.ai_addr = &fake.addr.sa;
	*res = &fake.ai;
	return 0;
}

static void fake_freeaddrinfo(struct addrinfo *res)
{
	assert_ptr_equal(res, &fake.ai);
	fake.frees++;
}

static void fake_sleep(unsigned long usec)
{
	if (fake.n_sleeps < ARRAY_SIZE(fake.sleeps))
		fake.sleeps[fake.n_sleeps] = usec;
	fake.n_sleeps++;
}

static const struct endpoint_ops fake_ops = {
	.getaddrinfo = fake_getaddrinfo,
	.freeaddrinfo = fake_freeaddrinfo,
	.sleep_usec = fake_sleep,
};

static int setup_fake(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.family = AF_INET;
	endpoint_set_ops(&fake_ops);
	unsetenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	return 0;
}

static int teardown_fake(void **state)
{
	(void)state;
	endpoint_set_ops(NULL);
	unsetenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	return 0;
}

/* A config with one peer whose Endpoint is text (a host name unless is_host false). */
static void make_cfg(struct cfg *cfg, const char *text, bool is_host)
{
	struct wg_peer *peer;

	memset(cfg, 0, sizeof(*cfg));
	peer = wgdev_add_peer(&cfg->dev);
	assert_non_null(peer);
	peer->endpoint_text = strdup(text);
	assert_non_null(peer->endpoint_text);
	peer->endpoint_is_host = is_host;
	peer->endpoint_line = 7;
}

/* Run cfg_resolve_endpoints with stderr captured into buf. */
static int resolve_captured(struct cfg *cfg, char *buf, size_t size)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), r;
	size_t n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	r = cfg_resolve_endpoints(cfg, "/etc/wireguard/wg0.conf");
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return r;
}

static void retry_line(char *out, size_t size, const char *err, const char *wait)
{
	snprintf(out, size, "%s: `vpn.example.com:51820'. Trying again in %s seconds...\n", err,
		 wait);
}

static void test_resolve_bad_retries_env(void **state)
{
	struct cfg cfg;
	char buf[512];

	(void)state;
	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "abc", 1);
	make_cfg(&cfg, "192.0.2.1:51820", false);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "wgq: Unable to parse WG_ENDPOINT_RESOLUTION_RETRIES: `abc'\n");
	assert_int_equal(fake.calls, 0);
	wgdev_clear(&cfg.dev);

	/* No Endpoint at all: the variable is not looked at. */
	memset(&cfg, 0, sizeof(cfg));
	assert_non_null(wgdev_add_peer(&cfg.dev));
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	wgdev_clear(&cfg.dev);
}

static void test_resolve_numeric_untouched(void **state)
{
	struct cfg cfg;
	char buf[512];

	(void)state;
	make_cfg(&cfg, "192.0.2.1:51820", false);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(fake.calls, 0);
	assert_int_equal(cfg.dev.peers[0].flags, 0);
	wgdev_clear(&cfg.dev);
}

static void test_resolve_retries_then_success(void **state)
{
	const char *err = gai_strerror(EAI_AGAIN);
	char buf[1024], want[1024], l1[256], l2[256], l3[256];
	struct cfg cfg;

	(void)state;
	fake.fail_codes[0] = fake.fail_codes[1] = fake.fail_codes[2] = EAI_AGAIN;
	make_cfg(&cfg, "vpn.example.com:51820", true);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), 0);
	retry_line(l1, sizeof(l1), err, "1.00");
	retry_line(l2, sizeof(l2), err, "1.20");
	retry_line(l3, sizeof(l3), err, "1.44");
	snprintf(want, sizeof(want), "%s%s%s", l1, l2, l3);
	assert_string_equal(buf, want);
	assert_int_equal(fake.calls, 4);
	assert_int_equal(fake.frees, 1);
	assert_int_equal(fake.n_sleeps, 3);
	assert_int_equal(fake.sleeps[0], 1000000);
	assert_int_equal(fake.sleeps[1], 1200000);
	assert_int_equal(fake.sleeps[2], 1440000);
	assert_string_equal(fake.node, "vpn.example.com");
	assert_string_equal(fake.service, "51820");
	assert_int_equal(fake.hints.ai_family, AF_UNSPEC);
	assert_int_equal(fake.hints.ai_socktype, SOCK_DGRAM);
	assert_int_equal(fake.hints.ai_protocol, IPPROTO_UDP);
	assert_int_equal(fake.hints.ai_flags, 0);
	assert_int_equal(cfg.dev.peers[0].flags, WGPEER_HAS_ENDPOINT);
	expect_v4(&cfg.dev.peers[0].endpoint, "192.0.2.7", 51820);
	wgdev_clear(&cfg.dev);
}

static void test_resolve_retries_exhausted(void **state)
{
	const char *err = gai_strerror(EAI_AGAIN);
	char buf[1024], want[1024], l1[256], l2[256];
	struct cfg cfg;

	(void)state;
	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "2", 1);
	fake.repeat_code = EAI_AGAIN;
	make_cfg(&cfg, "vpn.example.com:51820", true);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), -EAGAIN);
	retry_line(l1, sizeof(l1), err, "1.00");
	retry_line(l2, sizeof(l2), err, "1.20");
	snprintf(want, sizeof(want),
		 "%s%swgq: /etc/wireguard/wg0.conf:7: Endpoint: cannot resolve "
		 "'vpn.example.com:51820': %s\n",
		 l1, l2, err);
	assert_string_equal(buf, want);
	assert_int_equal(fake.calls, 3);
	assert_int_equal(fake.frees, 0);
	assert_int_equal(cfg.dev.peers[0].flags, 0);
	wgdev_clear(&cfg.dev);
}

static void test_resolve_permanent(void **state)
{
	static const int codes[] = { EAI_NONAME, EAI_FAIL, EAI_NODATA };
	char buf[1024], want[1024];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		struct cfg cfg;

		fake.calls = 0;
		fake.repeat_code = codes[i];
		make_cfg(&cfg, "vpn.example.com:51820", true);
		assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), -ENOENT);
		snprintf(want, sizeof(want),
			 "wgq: /etc/wireguard/wg0.conf:7: Endpoint: cannot resolve "
			 "'vpn.example.com:51820': %s\n",
			 gai_strerror(codes[i]));
		assert_string_equal(buf, want);
		assert_int_equal(fake.calls, 1);
		assert_int_equal(fake.n_sleeps, 0);
		wgdev_clear(&cfg.dev);
	}
}

static void test_resolve_system_error(void **state)
{
	char buf[1024], want[1024];
	struct cfg cfg;

	(void)state;
	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "0", 1);
	fake.repeat_code = EAI_SYSTEM;
	fake.fail_errno = ECONNREFUSED;
	make_cfg(&cfg, "vpn.example.com:51820", true);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), -EAGAIN);
	snprintf(want, sizeof(want),
		 "wgq: /etc/wireguard/wg0.conf:7: Endpoint: cannot resolve "
		 "'vpn.example.com:51820': %s\n",
		 strerror(ECONNREFUSED));
	assert_string_equal(buf, want);
	assert_int_equal(fake.calls, 1);
	wgdev_clear(&cfg.dev);
}

static void test_resolve_backoff_cap(void **state)
{
	static const unsigned long waits[] = {
		1000000,  1200000,  1440000,  1728000,	2073600,  2488320,  2985984,
		3583180,  4299816,  5159779,  6191734,	7430080,  8916096,  10699315,
		12839178, 15407013, 18488415, 20000000, 20000000, 20000000,
	};
	char buf[8192];
	struct cfg cfg;

	(void)state;
	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "20", 1);
	fake.repeat_code = EAI_AGAIN;
	make_cfg(&cfg, "vpn.example.com:51820", true);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(fake.calls, 21);
	assert_int_equal(fake.n_sleeps, ARRAY_SIZE(waits));
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++)
		assert_int_equal(fake.sleeps[i], waits[i]);
	assert_non_null(strstr(buf, "Trying again in 1.73 seconds...\n"));
	assert_non_null(strstr(buf, "Trying again in 2.07 seconds...\n"));
	assert_non_null(strstr(buf, "Trying again in 20.00 seconds...\n"));
	wgdev_clear(&cfg.dev);
}

static void test_resolve_infinity_ipv6(void **state)
{
	char buf[16384];
	struct cfg cfg;

	(void)state;
	setenv("WG_ENDPOINT_RESOLUTION_RETRIES", "infinity", 1);
	for (int i = 0; i < 40; i++)
		fake.fail_codes[i] = EAI_AGAIN;
	fake.family = AF_INET6;
	make_cfg(&cfg, "vpn.example.com:51820", true);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), 0);
	assert_int_equal(fake.calls, 41);
	assert_int_equal(fake.n_sleeps, 40);
	assert_int_equal(cfg.dev.peers[0].flags, WGPEER_HAS_ENDPOINT);
	expect_v6(&cfg.dev.peers[0].endpoint, "2001:db8::7", 51820, 0);
	wgdev_clear(&cfg.dev);
}

/* Whether /etc/hosts has a line naming localhost (after its address, with spaces or
 * tabs, as Debian writes it). Closed before the caller may skip(), which longjmps past
 * any cleanup (valgrind counts the FILE as a leak). */
static bool hosts_lists_localhost(void)
{
	_cleanup_fclose_ FILE *hosts = fopen("/etc/hosts", "re");
	char line[512], *save = NULL;
	bool listed = false;

	while (hosts && fgets(line, sizeof(line), hosts)) {
		if (line[0] == '#' || !strtok_r(line, " \t\n", &save))
			continue;
		for (char *w; (w = strtok_r(NULL, " \t\n", &save));)
			listed |= streq(w, "localhost");
	}
	return listed;
}

/* The real resolver, only when /etc/hosts answers for localhost (no network). */
static void test_resolve_localhost(void **state)
{
	char buf[512];
	struct cfg cfg;
	const union wg_endpoint *ep;

	(void)state;
	if (!hosts_lists_localhost())
		skip();
	endpoint_set_ops(NULL);
	make_cfg(&cfg, "localhost:51820", true);
	assert_int_equal(resolve_captured(&cfg, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	ep = &cfg.dev.peers[0].endpoint;
	if (ep->sa.sa_family == AF_INET)
		expect_v4(ep, "127.0.0.1", 51820);
	else
		expect_v6(ep, "::1", 51820, 0);
	wgdev_clear(&cfg.dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_parse),
		cmocka_unit_test(test_number_u64),
		cmocka_unit_test(test_number_scan),
		cmocka_unit_test(test_key_vectors),
		cmocka_unit_test(test_key_roundtrip_all_bytes),
		cmocka_unit_test(test_key_43rd_char),
		cmocka_unit_test(test_key_invalid),
		cmocka_unit_test(test_key_hex),
		cmocka_unit_test(test_ip_parse),
		cmocka_unit_test(test_ip_parse_like_inet_pton),
		cmocka_unit_test(test_ip_parse_prefix),
		cmocka_unit_test(test_ip_netmask),
		cmocka_unit_test(test_ip_mask),
		cmocka_unit_test(test_ip_covers),
		cmocka_unit_test(test_ip_format_prefix),
		cmocka_unit_test(test_rt_first_dir),
		cmocka_unit_test(test_rt_fallback),
		cmocka_unit_test(test_rt_iproute2_quirks),
		cmocka_unit_test(test_endpoint_split),
		cmocka_unit_test(test_endpoint_service_port),
		cmocka_unit_test(test_endpoint_literal),
		cmocka_unit_test(test_endpoint_retries),
		cmocka_unit_test_setup_teardown(test_resolve_bad_retries_env, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_numeric_untouched, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_retries_then_success, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_retries_exhausted, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_permanent, setup_fake, teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_system_error, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_backoff_cap, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_infinity_ipv6, setup_fake,
						teardown_fake),
		cmocka_unit_test_setup_teardown(test_resolve_localhost, setup_fake, teardown_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
