// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The route list of up (behaviour.md §3.8): read-back masking, de-duplication, wg-quick's sort
// order, the covering check; and the automatic MTU rule (behaviour.md §3.6).

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/macro.h"
#include "tunnel/mtu.h"
#include "tunnel/routes.h"

static void add_aip(struct wg_peer *p, const char *text)
{
	struct wg_allowedip a = { 0 };
	int family;
	bool has_len;

	assert_int_equal(ip_parse_prefix(text, &family, a.raw, &a.cidr, &has_len), 0);
	a.family = (uint16_t)family;
	assert_int_equal(wgdev_peer_add_allowedip(p, &a), 0);
}

/* Build a device whose peers hold the given prefixes ("|" starts a new peer). */
static void build(struct wg_device *dev, const char *const *list)
{
	struct wg_peer *p = wgdev_add_peer(dev);

	for (; *list; list++) {
		if (streq(*list, "|"))
			p = wgdev_add_peer(dev);
		else
			add_aip(p, *list);
	}
}

static void expect_order(const char *const *in, const char *const *want)
{
	struct wg_device dev = { 0 };
	struct route_entry *r = NULL;
	size_t n = 0, k = 0;

	build(&dev, in);
	assert_int_equal(routes_from_device(&dev, &r, &n), 0);
	for (; want[k]; k++) {
		assert_true(k < n);
		assert_string_equal(r[k].text, want[k]);
	}
	assert_int_equal(n, k);
	free(r);
	wgdev_clear(&dev);
}

static void test_sort_recorded_cases(void **state)
{
	(void)state;
	/* case messy: host bits masked, longest first */
	expect_order((const char *[]){ "10.42.0.7/24", "10.43.0.0/16", "10.44.1.1/32", NULL },
		     (const char *[]){ "10.44.1.1/32", "10.42.0.0/24", "10.43.0.0/16", NULL });
	/* case table: equal lengths in descending byte order, so "::" before "0." */
	expect_order((const char *[]){ "0.0.0.0/0", "::/0", "10.99.0.0/16", NULL },
		     (const char *[]){ "10.99.0.0/16", "::/0", "0.0.0.0/0", NULL });
	/* case peer1-path */
	expect_order((const char *[]){ "0.0.0.0/0", "::/0", NULL },
		     (const char *[]){ "::/0", "0.0.0.0/0", NULL });
}

static void test_sort_bytewise_descending(void **state)
{
	(void)state;
	expect_order((const char *[]){ "10.0.0.0/24", "192.168.1.0/24", NULL },
		     (const char *[]){ "192.168.1.0/24", "10.0.0.0/24", NULL });
	expect_order((const char *[]){ "10.13.13.2/32", "|", "10.13.13.3/32", NULL },
		     (const char *[]){ "10.13.13.3/32", "10.13.13.2/32", NULL });
	/* lengths compare as numbers, not text: /8 after /16 */
	expect_order((const char *[]){ "10.0.0.0/8", "172.16.0.0/16", "fd00::/64", NULL },
		     (const char *[]){ "fd00::/64", "172.16.0.0/16", "10.0.0.0/8", NULL });
	/* IPv6 in compressed lower case */
	expect_order((const char *[]){ "FD00:0:0:0:0:0:0:1/128", NULL },
		     (const char *[]){ "fd00::1/128", NULL });
}

static void test_dedup(void **state)
{
	(void)state;
	/* two peers, and host bits that mask to the same prefix: one entry each */
	expect_order((const char *[]){ "10.1.0.0/16", "10.2.3.4/24", "|", "10.1.0.0/16",
				       "10.2.3.0/24", NULL },
		     (const char *[]){ "10.2.3.0/24", "10.1.0.0/16", NULL });
}

static void test_empty(void **state)
{
	(void)state;
	expect_order((const char *[]){ NULL }, (const char *[]){ NULL });
}

static struct rtnl_route mkroute(const char *prefix, int oif, bool cloned)
{
	struct rtnl_route r = { .oif = oif, .cloned = cloned, .table = 254 };
	bool has_len;

	assert_int_equal(ip_parse_prefix(prefix, &r.family, r.dst, &r.dst_len, &has_len), 0);
	return r;
}

static struct route_entry mkentry(const char *prefix)
{
	struct route_entry e = { 0 };
	bool has_len;

	assert_int_equal(ip_parse_prefix(prefix, &e.family, e.addr, &e.len, &has_len), 0);
	return e;
}

static void test_covering(void **state)
{
	struct rtnl_route main_routes[] = {
		mkroute("10.0.0.0/24", 7, false), /* kernel prefix route of the address */
		mkroute("10.9.0.0/16", 8, false), /* another device's */
		mkroute("10.5.5.5/32", 7, true),  /* cloned: ignored */
		mkroute("fd00::/64", 7, false),
	};
	static const struct {
		const char *prefix;
		bool covered;
	} cases[] = {
		{ "10.0.0.0/24", true },  { "10.0.0.7/32", true },  { "10.0.0.0/23", false },
		{ "10.0.1.0/24", false }, { "10.9.1.0/24", false }, { "10.5.5.5/32", false },
		{ "fd00::5/128", true },  { "fd00:1::/64", false }, { "0.0.0.0/0", false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct route_entry e = mkentry(cases[i].prefix);

		if (routes_covered(main_routes, ARRAY_SIZE(main_routes), 7, &e) != cases[i].covered)
			fail_msg("covering check wrong for %s", cases[i].prefix);
	}
}

static void test_mtu_rule(void **state)
{
	(void)state;
	/* no candidate: 1500 - 80 */
	assert_int_equal(mtu_finish(MTU_NONE), 1420);
	assert_int_equal(mtu_finish(0), 1420);
	/* the smallest endpoint MTU wins (upstream 5150cd6) */
	uint32_t m = MTU_NONE;

	m = mtu_fold(m, 9000);
	m = mtu_fold(m, 0); /* nothing found for that endpoint */
	m = mtu_fold(m, 1400);
	m = mtu_fold(m, 1500);
	assert_int_equal(m, 1400);
	assert_int_equal(mtu_finish(m), 1320);
	/* loopback-sized uplink */
	assert_int_equal(mtu_finish(mtu_fold(MTU_NONE, 65536)), 65456);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_recorded_cases),
		cmocka_unit_test(test_sort_bytewise_descending),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_covering),
		cmocka_unit_test(test_mtu_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
