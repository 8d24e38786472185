// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The namespace target (killswitch-netns.md §2, §5.2, §5.5): the Namespace key, naming
// and opening a target, the /etc/netns file texts, save and strip. Needs no root.

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>

#include "config/config.h"
#include "base/macro.h"
#include "system/netns-dns.h"
#include "system/netns.h"
#include "netlink/rtnl.h"
#include "tunnel/save.h"

#define PRIV "EJJTn5DW112uS1wzCf0r+vDCll2OUnlVp5/k5SJ2gEA="
#define PUB  "V5psuH1AoErnY3xulxw0Zc152CI04v5sWJI0E1tdfBU="
#define HEAD "[Interface]\nPrivateKey = " PRIV "\n"

/* Parse text; returns the parser's result, with its message in msg (size 256). */
static int parse(const char *text, struct cfg *cfg, char *msg, unsigned *line)
{
	struct cfg_parser *p = NULL;
	const char *const dirs[] = { NULL };
	const struct cfg_options o = { .rt_tables_dirs = dirs };

	memset(cfg, 0, sizeof(*cfg));
	assert_int_equal(cfg_parser_new(&p, cfg, &o), 0);
	int r = cfg_parser_feed_buffer(p, text, strlen(text));

	if (r == 0)
		r = cfg_parser_finish(p);
	snprintf(msg, 256, "%s", r ? cfg_parser_error(p) : "");
	*line = r ? cfg_parser_error_line(p) : 0;
	cfg_parser_free(p);
	return r;
}

static void test_name_valid(void **state)
{
	char long_name[300];

	(void)state;
	assert_true(cfg_is_netns_name("vpn"));
	assert_true(cfg_is_netns_name("VPN-1.x_y"));
	assert_true(cfg_is_netns_name("..."));
	assert_true(cfg_is_netns_name("123"));
	assert_false(cfg_is_netns_name(""));
	assert_false(cfg_is_netns_name("."));
	assert_false(cfg_is_netns_name(".."));
	assert_false(cfg_is_netns_name("a/b"));
	assert_false(cfg_is_netns_name("/run/netns/vpn"));
	memset(long_name, 'n', sizeof(long_name));
	long_name[255] = '\0';
	assert_true(cfg_is_netns_name(long_name));
	long_name[255] = 'n';
	long_name[256] = '\0';
	assert_false(cfg_is_netns_name(long_name));
}

static void test_target_init(void **state)
{
	struct netns_target t;

	(void)state;
	netns_target_init(&t, NULL, NULL);
	assert_int_equal(t.kind, NETNS_NONE);
	assert_int_equal(t.fd, -1);

	netns_target_init(&t, NULL, "vpn");
	assert_int_equal(t.kind, NETNS_NAME);
	assert_true(t.from_key);
	assert_string_equal(t.path, "/run/netns/vpn");
	assert_string_equal(t.name, "vpn");
	assert_string_equal(t.given, "vpn");

	/* The flag overrides the key. */
	netns_target_init(&t, "ctr", "vpn");
	assert_int_equal(t.kind, NETNS_NAME);
	assert_false(t.from_key);
	assert_string_equal(t.path, "/run/netns/ctr");

	netns_target_init(&t, "4242", "vpn");
	assert_int_equal(t.kind, NETNS_PID);
	assert_string_equal(t.path, "/proc/4242/ns/net");
	assert_string_equal(t.name, "");

	netns_target_init(&t, "/run/netns/123", NULL);
	assert_int_equal(t.kind, NETNS_PATH);
	assert_string_equal(t.path, "/run/netns/123");
	assert_string_equal(t.given, "/run/netns/123");

	/* A key that is all digits is still a name. */
	netns_target_init(&t, NULL, "123");
	assert_int_equal(t.kind, NETNS_NAME);
	assert_string_equal(t.path, "/run/netns/123");
}

static int open_path(const char *flag)
{
	struct netns_target t;

	netns_target_init(&t, flag, NULL);
	int r = netns_open(&t);

	netns_target_close(&t);
	return r;
}

static void test_open_refusals(void **state)
{
	(void)state;
	assert_int_equal(open_path("/proc/self/ns/net"), -EEXIST);
	assert_int_equal(open_path("/proc/self/ns/uts"), -ENOTTY);
	assert_int_equal(open_path("/proc/self/status"), -ENOTTY);
	assert_int_equal(open_path("/nonexistent/wgq-test/ns"), -ENOENT);
	assert_int_equal(open_path("wgq-test-no-such-namespace"), -ENOENT);
	/* Beyond pid_max (at most 2^22): never a process. */
	assert_int_equal(open_path("99999999"), -ESRCH);
	assert_true(netns_gone(-ENOENT));
	assert_true(netns_gone(-ESRCH));
	assert_true(netns_gone(-ENOTTY));
	assert_false(netns_gone(-EEXIST));
	assert_false(netns_gone(-EACCES));
}

static void test_ip_prefix(void **state)
{
	struct netns_target t;
	char out[64];

	(void)state;
	netns_ip_prefix(NULL, out, sizeof(out));
	assert_string_equal(out, "ip");
	netns_target_init(&t, NULL, NULL);
	netns_ip_prefix(&t, out, sizeof(out));
	assert_string_equal(out, "ip");
	netns_target_init(&t, "vpn", NULL);
	netns_ip_prefix(&t, out, sizeof(out));
	assert_string_equal(out, "ip -n vpn");
	netns_target_init(&t, "4242", NULL);
	netns_ip_prefix(&t, out, sizeof(out));
	assert_string_equal(out, "ip -n 4242");
}

static void test_key(void **state)
{
	struct cfg cfg;
	char msg[256];
	unsigned line;

	(void)state;
	assert_int_equal(parse(HEAD "Namespace = vpn\nnamespace = ctr\n", &cfg, msg, &line), 0);
	assert_string_equal(cfg.netns, "ctr");
	assert_int_equal(cfg.netns_line, 4);
	/* A wgq key: never handed to the device, so strip drops it. */
	assert_null(strstr(cfg.stripped, "amespace"));
	cfg_clear(&cfg);

	assert_int_equal(parse(HEAD "Namespace =\n", &cfg, msg, &line), -EINVAL);
	assert_string_equal(msg, "Namespace: missing value");
	assert_int_equal(line, 3);
	cfg_clear(&cfg);

	assert_int_equal(parse(HEAD "Namespace = a/b\n", &cfg, msg, &line), -EINVAL);
	assert_string_equal(msg, "Namespace: 'a/b' is not a valid namespace name");
	cfg_clear(&cfg);

	assert_int_equal(parse(HEAD "Namespace = ..\n", &cfg, msg, &line), -EINVAL);
	assert_string_equal(msg, "Namespace: '..' is not a valid namespace name");
	cfg_clear(&cfg);

	assert_int_equal(
		parse(HEAD "[Peer]\nPublicKey = " PUB "\nNamespace = vpn\n", &cfg, msg, &line),
		-EINVAL);
	assert_string_equal(msg, "'Namespace' is only valid in [Interface]");
	assert_int_equal(line, 5);
	cfg_clear(&cfg);
}

static void test_save_keeps_key(void **state)
{
	struct cfg cfg;
	struct wg_device dev = { 0 };
	char msg[256], *text = NULL;
	size_t len = 0;
	unsigned line;

	(void)state;
	assert_int_equal(parse(HEAD "Namespace = vpn\nSaveConfig = true\n", &cfg, msg, &line), 0);
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(save_format(f, &cfg, NULL, 0, NULL, &dev, 1420), 0);
	fclose(f);
	assert_string_equal(text, "[Interface]\nSaveConfig = true\nNamespace = vpn\n");
	free(text);
	cfg_clear(&cfg);
}

static void test_resolv_text(void **state)
{
	struct cfg cfg;
	char msg[256];
	unsigned line;

	(void)state;
	assert_int_equal(
		parse(HEAD "DNS = 10.64.0.1, corp.example, fd00::1, b.example\n", &cfg, msg, &line),
		0);
	_cleanup_free_ char *text = netns_dns_resolv_text(&cfg, "wg0");

	assert_string_equal(text, "# Generated by wgq for wg0; removed by 'wgq down wg0'\n"
				  "nameserver 10.64.0.1\n"
				  "nameserver fd00::1\n"
				  "search corp.example b.example\n");
	cfg_clear(&cfg);

	assert_int_equal(parse(HEAD "DNS = 10.64.0.1\n", &cfg, msg, &line), 0);
	_cleanup_free_ char *plain = netns_dns_resolv_text(&cfg, "wg1");

	assert_string_equal(plain, "# Generated by wgq for wg1; removed by 'wgq down wg1'\n"
				   "nameserver 10.64.0.1\n");
	cfg_clear(&cfg);
}

static void test_nsswitch_text(void **state)
{
	static const char marker[] = "# Generated by wgq for wg0; removed by 'wgq down wg0'\n";
	char want[512];

	(void)state;
	_cleanup_free_ char *a = netns_dns_nsswitch_text(
		"passwd: files\nhosts:   files mdns4_minimal [NOTFOUND=return] dns myhostname\n"
		"networks: files\n",
		"wg0");
	snprintf(want, sizeof(want), "%spasswd: files\nhosts: files dns\nnetworks: files\n",
		 marker);
	assert_string_equal(a, want);

	/* No hosts line: appended; no final newline in the host file. */
	_cleanup_free_ char *b = netns_dns_nsswitch_text("passwd: files", "wg0");

	snprintf(want, sizeof(want), "%spasswd: files\nhosts: files dns\n", marker);
	assert_string_equal(b, want);

	/* No host file at all. */
	_cleanup_free_ char *c = netns_dns_nsswitch_text(NULL, "wg0");

	snprintf(want, sizeof(want), "%shosts: files dns\n", marker);
	assert_string_equal(c, want);

	/* Two hosts lines: one replacement; a commented one stays. */
	_cleanup_free_ char *d =
		netns_dns_nsswitch_text("#hosts: nis\nhosts: files\n  hosts: dns\n", "wg0");

	snprintf(want, sizeof(want), "%s#hosts: nis\nhosts: files dns\n", marker);
	assert_string_equal(d, want);
}

/* The move and `lo up` requests (killswitch-netns.md §5.4 steps 4 and 5). */
static void test_link_builders(void **state)
{
	_Alignas(8) char buf[NL_SMALL_MSG];
	const struct nlattr *attr;
	bool seen = false;

	(void)state;
	struct nlmsghdr *nlh = rtnl_build_link_set_netns(buf, 7, 42);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), 0);
	assert_int_equal(ifi->ifi_index, 7);
	assert_int_equal(ifi->ifi_change, 0);
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		assert_int_equal(mnl_attr_get_type(attr), IFLA_NET_NS_FD);
		assert_int_equal(mnl_attr_get_u32(attr), 42);
		seen = true;
	}
	assert_true(seen);

	nlh = rtnl_build_link_set_up(buf, 1);
	ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(ifi->ifi_index, 1);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(*ifi)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),    cmocka_unit_test(test_target_init),
		cmocka_unit_test(test_open_refusals), cmocka_unit_test(test_ip_prefix),
		cmocka_unit_test(test_key),	      cmocka_unit_test(test_save_keeps_key),
		cmocka_unit_test(test_resolv_text),   cmocka_unit_test(test_nsswitch_text),
		cmocka_unit_test(test_link_builders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
