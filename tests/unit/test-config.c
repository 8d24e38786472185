// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The config parser (behaviour.md §2): one case per rule and per message, fed from memory,
// then cfg_load on files (name rules, warnings, tests/data/bad with its EXPECT list).

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "config/file.h"
#include "config/config.h"
#include "base/key.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/readfile.h"

#ifndef TEST_DATA
#define TEST_DATA "tests/data"
#endif

/* Test keys, generated for these tests only. */
#define PRIV1 "EJJTn5DW112uS1wzCf0r+vDCll2OUnlVp5/k5SJ2gEA="
#define PRIV2 "eDzzJljmY+H1FQMu8UuiFcvuIxZudfW5Pbdsuge4z3M="
#define PUB1  "bGUdmwqoiqSJppvY9T2nDbmMd+g+Rkyti0QFhXYLd08="
#define PUB2  "V5psuH1AoErnY3xulxw0Zc152CI04v5sWJI0E1tdfBU="
#define PUB3  "x/oUyD+RaYWQOcwNXh/t54KvnQ2Yxqaxwvnz88HnvkE="
#define PSK   "tuWvx6M1UIxJEXmKdZvZp5y76py3pqiltY8Y+nwjcLA="

#define IF_HEAD	  "[Interface]\nPrivateKey = " PRIV1 "\n" /* lines 1-2 */
#define PEER_HEAD "[Peer]\nPublicKey = " PUB1 "\n"	  /* 2 lines */
#define UNRECOG	  "unrecognized line (expected '[Section]' or 'Key = Value')"
#define BADKEY	  "not a valid key (44 base64 characters ending in '=')"
#define TABLE_ERR "' is not off, auto, a table number or a name from rt_tables"

static char tmpdir[64];
static char rt_dir[128];
static const char *rt_dirs[2];
static struct cfg_options opts;

/* Helpers */

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void write_str(const char *path, const char *text, mode_t mode)
{
	write_file(path, text, strlen(text), mode);
}

static char *read_text(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	buf[st.st_size] = '\0';
	close(fd);
	if (len)
		*len = (size_t)st.st_size;
	return buf;
}

/* Redirect fd 2 to a file while cfg_load prints. */
struct capture {
	int saved;
	char path[128];
};

static void capture_start(struct capture *c)
{
	int fd;

	snprintf(c->path, sizeof(c->path), "%s/stderr", tmpdir);
	fflush(stderr);
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

static char *capture_end(struct capture *c)
{
	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	return read_text(c->path, NULL);
}

static int parse_mem(const char *text, size_t len, const struct cfg_options *o, struct cfg *cfg,
		     struct cfg_parser **pp)
{
	int r;

	memset(cfg, 0, sizeof(*cfg));
	assert_int_equal(cfg_parser_new(pp, cfg, o), 0);
	r = cfg_parser_feed_buffer(*pp, text, len);
	if (r == 0)
		r = cfg_parser_finish(*pp);
	return r;
}

static int parse_str(const char *text, const struct cfg_options *o, struct cfg *cfg,
		     struct cfg_parser **pp)
{
	return parse_mem(text, strlen(text), o, cfg, pp);
}

static void parse_ok(const char *text, struct cfg *cfg)
{
	struct cfg_parser *p = NULL;
	int r = parse_mem(text, strlen(text), &opts, cfg, &p);

	if (r)
		print_error("unexpected error at line %u: %s\n", cfg_parser_error_line(p),
			    cfg_parser_error(p));
	assert_int_equal(r, 0);
	cfg_parser_free(p);
}

static void assert_key(const uint8_t key[static 32], const char *b64)
{
	uint8_t want[32];

	assert_int_equal(key_from_base64(want, b64), 0);
	assert_memory_equal(key, want, 32);
}

static void assert_aip(const struct wg_allowedip *a, int family, const char *addr, uint8_t cidr,
		       bool remove)
{
	uint8_t want[16] = { 0 };

	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_int_equal(a->family, family);
	assert_int_equal(a->cidr, cidr);
	assert_int_equal(a->remove, remove);
	assert_memory_equal(a->raw, want, family == AF_INET ? 4 : 16);
}

/* Errors, from memory: exact line and message */

struct err_case {
	const char *text;
	size_t len; /* 0: strlen */
	unsigned line;
	const char *msg;
};

static const struct err_case err_cases[] = {
	/* behaviour.md §2.3 lines */
	{ "x\0y\n", 4, 1, "line contains a NUL byte" },
	{ IF_HEAD "ListenPort = 1\0\n", sizeof(IF_HEAD) + 15, 3, "line contains a NUL byte" },
	/* behaviour.md §2.4 syntax */
	{ IF_HEAD "Address # This malformed configuration leads to an error\n", 0, 3, UNRECOG },
	{ "[Interface]\nfoo\n", 0, 2, UNRECOG },
	{ IF_HEAD PEER_HEAD "AllowedIPs 10.0.0.0/8\n", 0, 5, UNRECOG },
	{ IF_HEAD "= 5\n", 0, 3, UNRECOG },
	{ IF_HEAD PRIV2 "\n", 0, 3, UNRECOG },
	{ PRIV2 "\n", 0, 1, UNRECOG },
	/* behaviour.md §2.5 sections */
	{ "[Foo]\n", 0, 1, "unknown section '[Foo]'" },
	{ IF_HEAD "\n  [ Foo Bar ]  # x\n", 0, 4, "unknown section '[ Foo Bar ]'" },
	{ "[Fo+o]\n", 0, 1, UNRECOG },
	{ "[]\n", 0, 1, UNRECOG },
	{ "[" PRIV2 "]\n", 0, 1, UNRECOG },
	{ "[Peer\n", 0, 1, "unterminated section header" },
	{ IF_HEAD "[Peer # ]\n", 0, 3, "unterminated section header" },
	{ "[Peer]x\n", 0, 1, UNRECOG },
	{ "[Peer] = x\n", 0, 1, UNRECOG },
	{ "ListenPort = 1\n", 0, 1, "'ListenPort' appears before any section" },
	{ "# c\n\n  dns = 1.1.1.1\n", 0, 3, "'DNS' appears before any section" },
	{ "Foo = 1\n", 0, 1, "'Foo' appears before any section" },
	{ "Foo+ = 1\n", 0, 1, UNRECOG },
	{ "[Interface]\n[interface]\n", 0, 2, "duplicate [Interface] section" },
	{ "[interface]\n" PEER_HEAD "[ Inter face ]\n", 0, 4, "duplicate [Interface] section" },
	{ IF_HEAD PEER_HEAD "DNS = 1.1.1.1\n", 0, 5, "'DNS' is only valid in [Interface]" },
	{ IF_HEAD PEER_HEAD "table = off\n", 0, 5, "'Table' is only valid in [Interface]" },
	{ "[ Interface ]\nMTU = 1400\n", 0, 2, "'MTU' is only valid in [Interface]" },
	{ "[ Interface ]\nPostUp = x\n", 0, 2, "'PostUp' is only valid in [Interface]" },
	{ "[ Interface ]\nSaveConfig = true\n", 0, 2, "'SaveConfig' is only valid in [Interface]" },
	/* behaviour.md §2.6 Address */
	{ IF_HEAD "Address = 10.1\n", 0, 3, "Address: '10.1' is not an IP address or prefix" },
	{ IF_HEAD "Address = 010.0.0.1\n", 0, 3,
	  "Address: '010.0.0.1' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1/33\n", 0, 3,
	  "Address: '10.0.0.1/33' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1/024\n", 0, 3,
	  "Address: '10.0.0.1/024' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1/0x18\n", 0, 3,
	  "Address: '10.0.0.1/0x18' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1/+24\n", 0, 3,
	  "Address: '10.0.0.1/+24' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1/24/24\n", 0, 3,
	  "Address: '10.0.0.1/24/24' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1/255.255.0.255\n", 0, 3,
	  "Address: '10.0.0.1/255.255.0.255' is not an IP address or prefix" },
	{ IF_HEAD "Address = fd00::1/255.255.255.0\n", 0, 3,
	  "Address: 'fd00::1/255.255.255.0' is not an IP address or prefix" },
	{ IF_HEAD "Address = fd00::1/129\n", 0, 3,
	  "Address: 'fd00::1/129' is not an IP address or prefix" },
	{ IF_HEAD "Address = fe80::1%eth0\n", 0, 3,
	  "Address: 'fe80::1%eth0' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.2,Address\n", 0, 3,
	  "Address: 'Address' is not an IP address or prefix" },
	{ IF_HEAD "Address = 10.0.0.1, 10.0.0.1/32\n", 0, 3,
	  "Address: '10.0.0.1/32' is listed twice" },
	{ IF_HEAD "Address = 10.0.0.1/24\nAddress = 10.0.0.1/255.255.255.0\n", 0, 4,
	  "Address: '10.0.0.1/255.255.255.0' is listed twice" },
	{ IF_HEAD "Address = fd00::1\nAddress = fd00:0::1/64\n", 0, 4,
	  "Address: 'fd00:0::1/64' is listed twice" },
	/* behaviour.md §2.6 DNS */
	{ IF_HEAD "DNS = 1.2.3\n", 0, 3, "DNS: '1.2.3' is not an IP address" },
	{ IF_HEAD "DNS = 1.2.3.4.5\n", 0, 3, "DNS: '1.2.3.4.5' is not an IP address" },
	{ IF_HEAD "DNS = 1.2.3.4:53\n", 0, 3, "DNS: '1.2.3.4:53' is not an IP address" },
	{ IF_HEAD "DNS = fe80::1%\n", 0, 3, "DNS: 'fe80::1%' is not an IP address" },
	{ IF_HEAD "DNS = fe80::1%abcdefghijklmnop\n", 0, 3,
	  "DNS: 'fe80::1%abcdefghijklmnop' is not an IP address" },
	{ IF_HEAD "DNS = 10.0.0.1, a..b\n", 0, 3, "DNS: 'a..b' is not a valid domain name" },
	{ IF_HEAD "DNS = exa\x01mple.com\n", 0, 3,
	  "DNS: 'exa\x01mple.com' is not a valid domain name" },
	{ IF_HEAD "DNS = "
		  "a123456789b123456789c123456789d123456789e123456789f123456789abcd.com\n",
	  0, 3,
	  "DNS: 'a123456789b123456789c123456789d123456789e123456789f123456789abcd.com' "
	  "is not a valid domain name" },
	/* behaviour.md §2.6 MTU */
	{ IF_HEAD "MTU = 1400x\n", 0, 3, "MTU: '1400x' is not a number from 68 to 65535" },
	{ IF_HEAD "MTU = +1400\n", 0, 3, "MTU: '+1400' is not a number from 68 to 65535" },
	{ IF_HEAD "MTU = 01400\n", 0, 3, "MTU: '01400' is not a number from 68 to 65535" },
	{ IF_HEAD "MTU = 67\n", 0, 3, "MTU: '67' is not a number from 68 to 65535" },
	{ IF_HEAD "MTU = 65536\n", 0, 3, "MTU: '65536' is not a number from 68 to 65535" },
	{ IF_HEAD "MTU = 99999999999999999999999\n", 0, 3,
	  "MTU: '99999999999999999999999' is not a number from 68 to 65535" },
	{ IF_HEAD "MTU = 1279\nAddress = fd00::1\n", 0, 3,
	  "MTU: 1279 is below 1280, which IPv6 addresses need" },
	{ IF_HEAD "Address = fd00::1/128\nMTU = 1000\nMTU = 1200\n", 0, 5,
	  "MTU: 1200 is below 1280, which IPv6 addresses need" },
	/* behaviour.md §2.6 Table */
	{ IF_HEAD "Table = vpn2\n", 0, 3, "Table: 'vpn2" TABLE_ERR },
	{ IF_HEAD "Table = VPN\n", 0, 3, "Table: 'VPN" TABLE_ERR },
	{ IF_HEAD "Table = 0x1g\n", 0, 3, "Table: '0x1g" TABLE_ERR },
	{ IF_HEAD "Table = 08\n", 0, 3, "Table: '08" TABLE_ERR },
	{ IF_HEAD "Table = +5\n", 0, 3, "Table: '+5" TABLE_ERR },
	{ IF_HEAD "Table = 4294967296\n", 0, 3, "Table: '4294967296" TABLE_ERR },
	{ IF_HEAD "Table = 1 2\n", 0, 3, "Table: '1 2" TABLE_ERR },
	{ IF_HEAD "Table = offf\n", 0, 3, "Table: 'offf" TABLE_ERR },
	/* behaviour.md §2.6 SaveConfig */
	{ IF_HEAD "SaveConfig = 1\n", 0, 3, "SaveConfig: '1' is neither true nor false" },
	{ IF_HEAD "SaveConfig =\n", 0, 3, "SaveConfig: '' is neither true nor false" },
	/* behaviour.md §2.8 device keys */
	{ "[Interface]\nPrivateKey = " PRIV1 "x\n", 0, 2, "PrivateKey: " BADKEY },
	{ "[Interface]\nPrivateKey = EJJTn5DW112uS1wzCf0r+vDCll2OUnlVp5/k5SJ2gEB=\n", 0, 2,
	  "PrivateKey: " BADKEY },
	{ "[Interface]\nPrivateKey = EJJTn5DW112uS1wzCf0r+vDCll2OUnlVp5/k5SJ2gEAA\n", 0, 2,
	  "PrivateKey: " BADKEY },
	{ IF_HEAD "ListenPort = 70000\n", 0, 3,
	  "ListenPort: '70000' is not a port from 0 to 65535 or a UDP service name" },
	{ IF_HEAD "ListenPort = 0x10\n", 0, 3,
	  "ListenPort: '0x10' is not a port from 0 to 65535 or a UDP service name" },
	{ IF_HEAD "ListenPort = -1\n", 0, 3,
	  "ListenPort: '-1' is not a port from 0 to 65535 or a UDP service name" },
	{ IF_HEAD "FwMark = -1\n", 0, 3, "FwMark: '-1' is neither 0/off nor 0-0xffffffff" },
	{ IF_HEAD "FwMark = 0x\n", 0, 3, "FwMark: '0x' is neither 0/off nor 0-0xffffffff" },
	{ IF_HEAD "FwMark = 0xg\n", 0, 3, "FwMark: '0xg' is neither 0/off nor 0-0xffffffff" },
	{ IF_HEAD "FwMark = 0X10\n", 0, 3, "FwMark: '0X10' is neither 0/off nor 0-0xffffffff" },
	{ IF_HEAD "FwMark = 4294967296\n", 0, 3,
	  "FwMark: '4294967296' is neither 0/off nor 0-0xffffffff" },
	{ IF_HEAD "FwMark = offf\n", 0, 3, "FwMark: 'offf' is neither 0/off nor 0-0xffffffff" },
	{ IF_HEAD "[Peer]\nPublicKey = " PUB1 "=\n", 0, 4, "PublicKey: " BADKEY },
	{ IF_HEAD PEER_HEAD "PresharedKey = abc=\n", 0, 5, "PresharedKey: " BADKEY },
	{ IF_HEAD PEER_HEAD "AllowedIPs = 10.0.0.0/8,,10.1.0.0/16\n", 0, 5,
	  "AllowedIPs: '' is not an IP prefix" },
	{ IF_HEAD PEER_HEAD "AllowedIPs = 10.0.0.0/8, \n", 0, 5,
	  "AllowedIPs: '' is not an IP prefix" },
	{ IF_HEAD PEER_HEAD "AllowedIPs = 10.0.0.0/8/8\n", 0, 5,
	  "AllowedIPs: '10.0.0.0/8/8' is not an IP prefix" },
	{ IF_HEAD PEER_HEAD "AllowedIPs = ++10.0.0.0/8\n", 0, 5,
	  "AllowedIPs: '++10.0.0.0/8' is not an IP prefix" },
	{ IF_HEAD PEER_HEAD "AllowedIPs = -fe80::1%eth0/64\n", 0, 5,
	  "AllowedIPs: '-fe80::1%eth0/64' is not an IP prefix" },
	{ IF_HEAD PEER_HEAD "AllowedIPs = 10.0.0.0/\n", 0, 5,
	  "AllowedIPs: '10.0.0.0/' is not an IP prefix" },
	{ IF_HEAD PEER_HEAD "Endpoint = 192.0.2.1\n", 0, 5, "Endpoint: '192.0.2.1' has no port" },
	{ IF_HEAD PEER_HEAD "Endpoint = [2001:db8::1]:\n", 0, 5,
	  "Endpoint: '[2001:db8::1]:' has no port" },
	{ IF_HEAD PEER_HEAD "Endpoint = [2001:db8::1:51820\n", 0, 5,
	  "Endpoint: '[2001:db8::1:51820' has an unmatched '['" },
	{ IF_HEAD PEER_HEAD "Endpoint = 192.0.2.1:0\n", 0, 5,
	  "Endpoint: '192.0.2.1:0' has a port outside 1-65535" },
	{ IF_HEAD PEER_HEAD "Endpoint = [2001:db8::1]:65536\n", 0, 5,
	  "Endpoint: '[2001:db8::1]:65536' has a port outside 1-65535" },
	/* behaviour.md §2.8: a key pasted into a value that messages quote is hidden
	 * (fuzz-config). */
	{ IF_HEAD PEER_HEAD "Endpoint = " PRIV2 "\n", 0, 5,
	  "Endpoint: '(hidden key)' has no port" },
	{ IF_HEAD PEER_HEAD "Endpoint = eDzzJljmY+H1FQMu8Uui FcvuIxZudfW5Pbdsuge4z3M=\n", 0, 5,
	  "Endpoint: '(hidden key)' has no port" },
	{ IF_HEAD PEER_HEAD "Endpoint = " PSK ":x\n", 0, 5,
	  "Endpoint: '(hidden key):x' has a port that is not a number or a UDP service name" },
	{ IF_HEAD PEER_HEAD "AllowedIPs = 10.0.0.0/8," PRIV2 "\n", 0, 5,
	  "AllowedIPs: '(hidden key)' is not an IP prefix" },
	{ IF_HEAD "ListenPort = abcd" PRIV2 "\n", 0, 3,
	  "ListenPort: 'abcd(hidden key)' is not a port from 0 to 65535 or a UDP service name" },
	{ IF_HEAD "Address = " PRIV2 " " PSK "\n", 0, 3,
	  "Address: '(hidden key)' is not an IP address or prefix" },
	{ IF_HEAD "Table = " PRIV2 PSK "\n", 0, 3, "Table: '(hidden key)(hidden key)" TABLE_ERR },
	{ IF_HEAD PEER_HEAD "PersistentKeepalive = 65536\n", 0, 5,
	  "PersistentKeepalive: '65536' is neither 0/off nor 1-65535" },
	{ IF_HEAD PEER_HEAD "PersistentKeepalive = 0x10\n", 0, 5,
	  "PersistentKeepalive: '0x10' is neither 0/off nor 1-65535" },
	{ IF_HEAD PEER_HEAD "PersistentKeepalive = on\n", 0, 5,
	  "PersistentKeepalive: 'on' is neither 0/off nor 1-65535" },
	/* behaviour.md §2.8 wrong section, unknown key, missing value */
	{ IF_HEAD PEER_HEAD "PrivateKey = " PRIV2 "\n", 0, 5,
	  "'PrivateKey' is not valid in [Peer]" },
	{ IF_HEAD PEER_HEAD "fwmark = 1\n", 0, 5, "'FwMark' is not valid in [Peer]" },
	{ IF_HEAD PEER_HEAD "ListenPort =\n", 0, 5, "'ListenPort' is not valid in [Peer]" },
	{ IF_HEAD "PublicKey = " PUB1 "\n", 0, 3, "'PublicKey' is not valid in [Interface]" },
	{ IF_HEAD "PresharedKey = " PSK "\n", 0, 3, "'PresharedKey' is not valid in [Interface]" },
	{ IF_HEAD "AllowedIPs = 10.0.0.0/8\n", 0, 3, "'AllowedIPs' is not valid in [Interface]" },
	{ IF_HEAD "Endpoint = 192.0.2.1:1\n", 0, 3, "'Endpoint' is not valid in [Interface]" },
	{ IF_HEAD "PersistentKeepalive = 1\n", 0, 3,
	  "'PersistentKeepalive' is not valid in [Interface]" },
	{ IF_HEAD "Foo = 1\n", 0, 3, "unknown key 'Foo'" },
	{ IF_HEAD PEER_HEAD "Foo_Bar-9 = 1\n", 0, 5, "unknown key 'Foo_Bar-9'" },
	{ IF_HEAD "abcdefghijklmnopqrstuvwxyz012345 = 1\n", 0, 3,
	  "unknown key 'abcdefghijklmnopqrstuvwxyz012345'" },
	{ IF_HEAD "abcdefghijklmnopqrstuvwxyz0123456 = 1\n", 0, 3, UNRECOG },
	{ IF_HEAD "Foo.Bar = 1\n", 0, 3, UNRECOG },
	{ IF_HEAD "Post Up = echo\n", 0, 3, UNRECOG },
	{ "[Interface]\nPrivateKey =\n", 0, 2, "PrivateKey: missing value" },
	{ IF_HEAD "ListenPort = \t\r\n", 0, 3, "ListenPort: missing value" },
	{ IF_HEAD "FwMark=#1\n", 0, 3, "FwMark: missing value" },
	{ IF_HEAD "[Peer]\nPublicKey =\n", 0, 4, "PublicKey: missing value" },
	{ IF_HEAD PEER_HEAD "PresharedKey =\n", 0, 5, "PresharedKey: missing value" },
	{ IF_HEAD PEER_HEAD "AllowedIPs =\n", 0, 5, "AllowedIPs: missing value" },
	{ IF_HEAD PEER_HEAD "Endpoint =\n", 0, 5, "Endpoint: missing value" },
	{ IF_HEAD PEER_HEAD "PersistentKeepalive =\n", 0, 5, "PersistentKeepalive: missing value" },
	/* whole-file checks */
	{ IF_HEAD "[Peer]\n", 0, 3, "[Peer] has no PublicKey" },
	{ IF_HEAD "[Peer]\nAllowedIPs = 10.0.0.0/8\n\n" PEER_HEAD, 0, 3,
	  "[Peer] has no PublicKey" },
	{ IF_HEAD "[Peer]\n[Foo]\n", 0, 3, "[Peer] has no PublicKey" },
	{ IF_HEAD PEER_HEAD "[Peer]\nPublicKey = " PUB2 "\n[Peer]\n#\nPublicKey = " PUB1 "\n", 0, 9,
	  "PublicKey: same peer as line 4" },
	{ PEER_HEAD PEER_HEAD "[Interface]\nMTU = 1000\nAddress = fd00::1\n", 0, 4,
	  "PublicKey: same peer as line 2" },
	{ IF_HEAD "MTU = 1000\nAddress = fd00::1\n" PEER_HEAD PEER_HEAD, 0, 3,
	  "MTU: 1000 is below 1280, which IPv6 addresses need" },
};

static void test_errors(void **state _unused_)
{
	for (size_t i = 0; i < ARRAY_SIZE(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct cfg_parser *p = NULL;
		struct cfg cfg;
		int r = parse_mem(c->text, len, &opts, &cfg, &p);

		if (r != -EINVAL || cfg_parser_error_line(p) != c->line ||
		    !streq(cfg_parser_error(p), c->msg))
			print_error("case %zu: r=%d line %u '%s'\n  want line %u '%s'\n", i, r,
				    cfg_parser_error_line(p), cfg_parser_error(p), c->line, c->msg);
		assert_int_equal(r, -EINVAL);
		assert_int_equal(cfg_parser_error_line(p), c->line);
		assert_string_equal(cfg_parser_error(p), c->msg);
		/* Parsing stops at the first error. */
		assert_int_equal(cfg_parser_feed(p, 999, "[Peer]", 6), -EINVAL);
		assert_int_equal(cfg_parser_finish(p), -EINVAL);
		assert_int_equal(cfg_parser_error_line(p), c->line);
		/* No message ever holds key material. */
		assert_null(strstr(cfg_parser_error(p), PRIV1));
		assert_null(strstr(cfg_parser_error(p), PRIV2));
		assert_null(strstr(cfg_parser_error(p), "EJJTn5DW112uS1wzCf0r"));
		cfg_parser_free(p);
		cfg_clear(&cfg);
	}
}

static void test_long_lines(void **state _unused_)
{
	size_t n = 65535;
	char *text = malloc(n + 64);
	struct cfg_parser *p = NULL;
	struct cfg cfg;

	assert_non_null(text);
	memcpy(text, "[Interface]\n#", 13);
	memset(text + 13, 'x', n - 1);
	memcpy(text + 12 + n, "\n", 2);
	/* exactly 65535 bytes: accepted and kept */
	assert_int_equal(parse_mem(text, 12 + n + 1, &opts, &cfg, &p), 0);
	assert_int_equal(cfg.stripped_len, 12 + n + 1);
	assert_memory_equal(cfg.stripped, text, 12 + n + 1);
	cfg_parser_free(p);
	cfg_clear(&cfg);
	/* one more byte: refused, even as a comment */
	text[12 + n] = 'x';
	memcpy(text + 12 + n + 1, "\n", 2);
	assert_int_equal(parse_mem(text, 12 + n + 2, &opts, &cfg, &p), -EINVAL);
	assert_int_equal(cfg_parser_error_line(p), 2);
	assert_string_equal(cfg_parser_error(p), "line is longer than 65535 bytes");
	cfg_parser_free(p);
	cfg_clear(&cfg);
	free(text);
}

/* The model */

static void test_peer1_model(void **state _unused_)
{
	struct cfg cfg;

	parse_ok("[Interface]\nAddress = 10.13.13.2\nPrivateKey = " PRIV1 "\n"
		 "ListenPort = 51820\n"
		 "DNS = 10.13.13.1, fd00:13::1, corp.example.com, lab.example.com\n\n"
		 "[Peer]\nPublicKey = " PUB1 "\nPresharedKey = " PSK "\n"
		 "Endpoint = 192.0.2.1:51820\nAllowedIPs = 0.0.0.0/0, ::/0\n",
		 &cfg);
	assert_int_equal(cfg.n_addresses, 1);
	assert_string_equal(cfg.addresses[0].text, "10.13.13.2");
	assert_int_equal(cfg.addresses[0].family, AF_INET);
	assert_int_equal(cfg.addresses[0].prefixlen, 32);
	assert_memory_equal(cfg.addresses[0].addr, "\x0a\x0d\x0d\x02", 4);
	assert_int_equal(cfg.addresses[0].line, 2);
	assert_int_equal(cfg.n_dns_servers, 2);
	assert_string_equal(cfg.dns_servers[0].text, "10.13.13.1");
	assert_string_equal(cfg.dns_servers[1].text, "fd00:13::1");
	assert_int_equal(cfg.dns_servers[1].line, 5);
	assert_int_equal(cfg.n_dns_search, 2);
	assert_string_equal(cfg.dns_search[0].text, "corp.example.com");
	assert_string_equal(cfg.dns_search[1].text, "lab.example.com");
	assert_int_equal(cfg.mtu, 0);
	assert_int_equal(cfg.table_mode, CFG_TABLE_AUTO);
	assert_null(cfg.table_text);
	assert_false(cfg.has_save_config);
	assert_false(cfg.has_fwmark_line);
	assert_int_equal(cfg.dev.flags, WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT);
	assert_key(cfg.dev.private_key, PRIV1);
	assert_int_equal(cfg.dev.listen_port, 51820);
	assert_int_equal(cfg.dev.n_peers, 1);

	const struct wg_peer *peer = &cfg.dev.peers[0];

	assert_key(peer->public_key, PUB1);
	assert_key(peer->preshared_key, PSK);
	assert_int_equal(peer->flags, WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_ENDPOINT |
					      WGPEER_REPLACE_ALLOWEDIPS);
	assert_int_equal(peer->line, 7);
	assert_int_equal(peer->endpoint_line, 10);
	assert_string_equal(peer->endpoint_text, "192.0.2.1:51820");
	assert_false(peer->endpoint_is_host);
	assert_int_equal(peer->endpoint.in.sin_family, AF_INET);
	assert_int_equal(ntohs(peer->endpoint.in.sin_port), 51820);
	assert_int_equal(ntohl(peer->endpoint.in.sin_addr.s_addr), 0xc0000201);
	assert_int_equal(peer->n_allowedips, 2);
	assert_aip(&peer->allowedips[0], AF_INET, "0.0.0.0", 0, false);
	assert_aip(&peer->allowedips[1], AF_INET6, "::", 0, false);
	cfg_clear(&cfg);
	/* cfg_clear leaves a zeroed struct behind (keys wiped). */
	for (size_t i = 0; i < sizeof(cfg); i++)
		assert_int_equal(((uint8_t *)&cfg)[i], 0);
}

static const char messy[] = "# leading comment\n"
			    "[interface]\n"
			    "  address=10.40.0.1/16 , 10.41.0.1/24   # trailing comment\n"
			    "privatekey = " PRIV1 "\n"
			    "  mtu = 1400\n"
			    "listenport=40000\n"
			    "PostUp = echo \"hash # kept in hook %i\" # and this comment too\n"
			    "\n"
			    "[PEER]\n"
			    "publickey = " PUB1 "\n"
			    "allowedips = 10.42.0.7/24,10.43.0.0/16\n"
			    "allowedips = 10.44.1.1/32\n"
			    "endpoint = 192.0.2.77:1234\n";

static void check_messy(const struct cfg *cfg)
{
	assert_int_equal(cfg->n_addresses, 2);
	assert_string_equal(cfg->addresses[0].text, "10.40.0.1/16");
	assert_int_equal(cfg->addresses[0].prefixlen, 16);
	assert_string_equal(cfg->addresses[1].text, "10.41.0.1/24");
	assert_int_equal(cfg->addresses[1].prefixlen, 24);
	assert_int_equal(cfg->mtu, 1400);
	assert_int_equal(cfg->mtu_line, 5);
	assert_int_equal(cfg->dev.listen_port, 40000);
	assert_int_equal(cfg->n_hooks[CFG_POST_UP], 1);
	assert_string_equal(cfg->hooks[CFG_POST_UP][0].text,
			    "echo \"hash # kept in hook %i\" # and this comment too");
	assert_int_equal(cfg->hooks[CFG_POST_UP][0].line, 7);
	assert_int_equal(cfg->dev.n_peers, 1);

	const struct wg_peer *peer = &cfg->dev.peers[0];

	assert_int_equal(peer->n_allowedips, 3);
	/* host bits stay as written: the kernel masks them */
	assert_aip(&peer->allowedips[0], AF_INET, "10.42.0.7", 24, false);
	assert_aip(&peer->allowedips[1], AF_INET, "10.43.0.0", 16, false);
	assert_aip(&peer->allowedips[2], AF_INET, "10.44.1.1", 32, false);
	assert_int_equal(ntohs(peer->endpoint.in.sin_port), 1234);
	assert_true(peer->flags & WGPEER_REPLACE_ALLOWEDIPS);
}

static void test_messy_and_crlf(void **state _unused_)
{
	char crlf[sizeof(messy) * 2];
	size_t n = 0;
	struct cfg cfg;

	parse_ok(messy, &cfg);
	check_messy(&cfg);
	cfg_clear(&cfg);
	for (const char *s = messy; *s; s++) {
		if (*s == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *s;
	}
	crlf[n] = '\0';
	parse_ok(crlf, &cfg);
	check_messy(&cfg);
	/* the kept lines keep their '\r' for strip */
	assert_non_null(strstr(cfg.stripped, "[PEER]\r\n"));
	assert_non_null(strstr(cfg.stripped, "\r\n\r\n[PEER]"));
	cfg_clear(&cfg);
}

static void test_missing_final_newline(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "ListenPort = 1234", &cfg);
	assert_int_equal(cfg.dev.listen_port, 1234);
	assert_string_equal(cfg.stripped, IF_HEAD "ListenPort = 1234\n");
	cfg_clear(&cfg);
	/* a last line of only blanks is not a line (bash's read) */
	parse_ok(IF_HEAD " \t ", &cfg);
	assert_string_equal(cfg.stripped, IF_HEAD);
	cfg_clear(&cfg);
	parse_ok("", &cfg);
	assert_non_null(cfg.stripped);
	assert_string_equal(cfg.stripped, "");
	cfg_clear(&cfg);
}

static void test_case_and_quirks(void **state _unused_)
{
	struct cfg cfg;

	/* `[ Interface ]`: wg takes its device keys, wg-quick not its own keys */
	parse_ok("[ Interface ]\nPrivateKey = " PRIV1 "\n[ peer ]\nPublicKey = " PUB1 "\n", &cfg);
	assert_true(cfg.dev.flags & WGDEV_HAS_PRIVATE_KEY);
	assert_int_equal(cfg.dev.n_peers, 1);
	cfg_clear(&cfg);
	/* keys and headers in any case, whitespace inside device keys and values */
	parse_ok("[INTERFACE] # x = y\nPRIVATEKEY=" PRIV1 "\nSAVECONFIG = TRUE\n"
		 "[pEeR]\nPublic Key = " PUB1 "\nAllowed IPs = 10.0.0.0/24 , 10.1.0.0 / 16\n"
		 "Persistent Keepalive = 2 5\n",
		 &cfg);
	assert_true(cfg.save_config);
	assert_true(cfg.has_save_config);
	assert_int_equal(cfg.dev.peers[0].n_allowedips, 2);
	assert_aip(&cfg.dev.peers[0].allowedips[1], AF_INET, "10.1.0.0", 16, false);
	assert_int_equal(cfg.dev.peers[0].keepalive, 25);
	cfg_clear(&cfg);
	/* a tab-indented header, and a key line under a comment-only header line */
	parse_ok("\t[Interface]\t\nSaveConfig = false\n", &cfg);
	assert_false(cfg.save_config);
	assert_true(cfg.has_save_config);
	cfg_clear(&cfg);
}

static void test_addresses(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "Address = 10.0.0.1/255.255.255.0,10.0.0.1/16\tfd00::1/64\n"
			 "Address =\nAddress = , ,\nAddress = 10.0.0.2/0, fe80::1, 127.0.0.1/8\n",
		 &cfg);
	assert_int_equal(cfg.n_addresses, 6);
	assert_string_equal(cfg.addresses[0].text, "10.0.0.1/255.255.255.0");
	assert_int_equal(cfg.addresses[0].prefixlen, 24);
	assert_int_equal(cfg.addresses[1].prefixlen, 16);
	assert_int_equal(cfg.addresses[2].family, AF_INET6);
	assert_int_equal(cfg.addresses[2].prefixlen, 64);
	assert_memory_equal(cfg.addresses[2].addr,
			    "\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
	assert_int_equal(cfg.addresses[3].prefixlen, 0);
	assert_int_equal(cfg.addresses[3].line, 6);
	assert_string_equal(cfg.addresses[4].text, "fe80::1");
	assert_int_equal(cfg.addresses[4].prefixlen, 128);
	assert_int_equal(cfg.addresses[5].prefixlen, 8);
	cfg_clear(&cfg);
}

static void test_dns(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "DNS = 1.1.1.1,fe80::1%eth0 example.com.\nDNS =\n"
			 "DNS = a-b.example, 9.9.9.9\n",
		 &cfg);
	assert_int_equal(cfg.n_dns_servers, 3);
	assert_string_equal(cfg.dns_servers[0].text, "1.1.1.1");
	assert_string_equal(cfg.dns_servers[1].text, "fe80::1%eth0");
	assert_string_equal(cfg.dns_servers[2].text, "9.9.9.9");
	assert_int_equal(cfg.dns_servers[2].line, 5);
	assert_int_equal(cfg.n_dns_search, 2);
	assert_string_equal(cfg.dns_search[0].text, "example.com.");
	assert_string_equal(cfg.dns_search[1].text, "a-b.example");
	cfg_clear(&cfg);
}

static void test_mtu(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "MTU = 1400\nMTU = 68\n", &cfg);
	assert_int_equal(cfg.mtu, 68);
	assert_int_equal(cfg.mtu_line, 4);
	cfg_clear(&cfg);
	/* empty: back to automatic */
	parse_ok(IF_HEAD "MTU = 1400\nMTU =\n", &cfg);
	assert_int_equal(cfg.mtu, 0);
	cfg_clear(&cfg);
	/* below 1280 is fine without IPv6; 1280 is fine with it */
	parse_ok(IF_HEAD "MTU = 1000\nAddress = 10.0.0.1/24\n", &cfg);
	assert_int_equal(cfg.mtu, 1000);
	cfg_clear(&cfg);
	parse_ok(IF_HEAD "MTU = 1280\nAddress = fd00::1/64\nMTU = 65535\n", &cfg);
	assert_int_equal(cfg.mtu, 65535);
	cfg_clear(&cfg);
}

struct table_case {
	const char *value;
	enum cfg_table_mode mode;
	uint32_t id;
};

static void test_table(void **state _unused_)
{
	static const struct table_case cases[] = {
		{ "off", CFG_TABLE_OFF, 0 },
		{ "Off", CFG_TABLE_OFF, 0 },
		{ "OFF", CFG_TABLE_OFF, 0 },
		{ "auto", CFG_TABLE_AUTO, 0 },
		{ "AuTo", CFG_TABLE_AUTO, 0 },
		{ "1234", CFG_TABLE_ID, 1234 },
		{ "0x10", CFG_TABLE_ID, 16 },
		{ "0X1f", CFG_TABLE_ID, 31 },
		{ "010", CFG_TABLE_ID, 8 },
		{ "0", CFG_TABLE_ID, 254 },
		{ "4294967295", CFG_TABLE_ID, 4294967295U },
		{ "main", CFG_TABLE_ID, 254 },
		{ "local", CFG_TABLE_ID, 255 },
		{ "default", CFG_TABLE_ID, 253 },
		{ "vpn", CFG_TABLE_ID, 100 },
		{ "hexname", CFG_TABLE_ID, 0x200 },
	};
	char text[256];
	struct cfg cfg;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), IF_HEAD "Table = 77\nTable = %s\n", cases[i].value);
		parse_ok(text, &cfg);
		assert_int_equal(cfg.table_mode, cases[i].mode);
		assert_int_equal(cfg.table, cases[i].id);
		assert_string_equal(cfg.table_text, cases[i].value);
		assert_int_equal(cfg.table_line, 4);
		cfg_clear(&cfg);
	}
	/* empty: auto, as if unset */
	parse_ok(IF_HEAD "Table = 77\nTable =\n", &cfg);
	assert_int_equal(cfg.table_mode, CFG_TABLE_AUTO);
	assert_null(cfg.table_text);
	cfg_clear(&cfg);
}

static void test_hooks(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "PreUp = echo 1 %i\npostup=\nPreDown = a=b # c\r\nPostDown = x\n"
			 "PostUp = y # z\n",
		 &cfg);
	assert_int_equal(cfg.n_hooks[CFG_PRE_UP], 1);
	assert_string_equal(cfg.hooks[CFG_PRE_UP][0].text, "echo 1 %i");
	assert_int_equal(cfg.n_hooks[CFG_POST_UP], 2);
	assert_string_equal(cfg.hooks[CFG_POST_UP][0].text, "");
	assert_int_equal(cfg.hooks[CFG_POST_UP][0].line, 4);
	assert_string_equal(cfg.hooks[CFG_POST_UP][1].text, "y # z");
	assert_string_equal(cfg.hooks[CFG_PRE_DOWN][0].text, "a=b # c");
	assert_string_equal(cfg.hooks[CFG_POST_DOWN][0].text, "x");
	/* wgq's keys are consumed: none of them is kept for strip */
	assert_string_equal(cfg.stripped, IF_HEAD);
	cfg_clear(&cfg);
}

static void test_device_keys(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "ListenPort = 065535\nFwMark = 0xFFffFFff\n", &cfg);
	assert_int_equal(cfg.dev.listen_port, 65535);
	assert_int_equal(cfg.dev.fwmark, 0xffffffff);
	assert_true(cfg.dev.flags & WGDEV_HAS_FWMARK);
	assert_true(cfg.has_fwmark_line);
	cfg_clear(&cfg);
	parse_ok(IF_HEAD "ListenPort = 0\nFwMark = Off\nPrivateKey = " PRIV2 "\n", &cfg);
	assert_int_equal(cfg.dev.flags,
			 WGDEV_HAS_PRIVATE_KEY | WGDEV_HAS_LISTEN_PORT | WGDEV_HAS_FWMARK);
	assert_int_equal(cfg.dev.listen_port, 0);
	assert_int_equal(cfg.dev.fwmark, 0);
	assert_key(cfg.dev.private_key, PRIV2);
	cfg_clear(&cfg);
	parse_ok(IF_HEAD "FwMark = 010\nListenPort = ntp\n", &cfg);
	assert_int_equal(cfg.dev.fwmark, 10);
	assert_int_equal(cfg.dev.listen_port, 123);
	cfg_clear(&cfg);
	parse_ok(IF_HEAD "FwMark = 1 2\n", &cfg);
	assert_int_equal(cfg.dev.fwmark, 12);
	cfg_clear(&cfg);
}

static void test_peers(void **state _unused_)
{
	struct cfg cfg;

	parse_ok(IF_HEAD "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = +10.0.0.0/8, -fd00::/64\n"
			 "Endpoint = vpn.example.com:51820\nPersistentKeepalive = off\n"
			 "[Peer]\nPublicKey = " PUB2 "\nAllowedIPs = +10.1.0.0/16, 10.2.0.0/16\n"
			 "Endpoint = [2001:db8::1]:51820\nEndpoint = [2001:db8::2]:443\n"
			 "PersistentKeepalive = 25\n"
			 "[Peer]\nPublicKey = " PUB3 "\nPublicKey = " PUB1 "\nPublicKey = " PUB3
			 "\n",
		 &cfg);
	assert_int_equal(cfg.dev.n_peers, 3);

	const struct wg_peer *a = &cfg.dev.peers[0], *b = &cfg.dev.peers[1], *c = &cfg.dev.peers[2];

	/* every entry incremental: the list is not replaced */
	assert_int_equal(a->flags, WGPEER_HAS_KEEPALIVE);
	assert_aip(&a->allowedips[0], AF_INET, "10.0.0.0", 8, false);
	assert_aip(&a->allowedips[1], AF_INET6, "fd00::", 64, true);
	assert_int_equal(a->keepalive, 0);
	assert_true(a->endpoint_is_host);
	assert_string_equal(a->endpoint_text, "vpn.example.com:51820");
	assert_int_equal(a->endpoint_line, 6);
	assert_int_equal(a->endpoint.sa.sa_family, 0);
	/* a plain entry among them: replaced */
	assert_int_equal(b->flags,
			 WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_ENDPOINT | WGPEER_HAS_KEEPALIVE);
	assert_int_equal(b->keepalive, 25);
	assert_false(b->endpoint_is_host);
	assert_string_equal(b->endpoint_text, "[2001:db8::2]:443");
	assert_int_equal(b->endpoint_line, 12);
	assert_int_equal(b->endpoint.in6.sin6_family, AF_INET6);
	assert_int_equal(ntohs(b->endpoint.in6.sin6_port), 443);
	assert_int_equal(b->endpoint.in6.sin6_addr.s6_addr[15], 2);
	/* no AllowedIPs at all: replaced (emptied), as wg does; the last key counts */
	assert_int_equal(c->flags, WGPEER_REPLACE_ALLOWEDIPS);
	assert_key(c->public_key, PUB3);
	assert_int_equal(c->line, 14);
	cfg_clear(&cfg);
}

static void test_many_peers(void **state _unused_)
{
	const size_t n = 10000;
	size_t cap = n * 160 + 128, len = 0;
	char *text = malloc(cap), b64[KEY_B64_LEN + 1];
	struct timespec t0, t1;
	uint8_t key[32] = { 0 };
	struct cfg cfg;

	assert_non_null(text);
	len += (size_t)snprintf(text, cap, IF_HEAD "ListenPort = 51820\n");
	for (size_t i = 0; i < n; i++) {
		key[0] = (uint8_t)i;
		key[1] = (uint8_t)(i >> 8);
		key_to_base64(b64, key);
		len += (size_t)snprintf(text + len, cap - len,
					"\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.%zu.%zu.0/24, "
					"fd00::%zx/128\n",
					b64, i >> 8, i & 255, i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	parse_ok(text, &cfg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("[ INFO     ] 10000 peers parsed in %.1f ms\n",
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_int_equal(cfg.dev.n_peers, n);
	assert_int_equal(cfg.dev.peers[n - 1].line, 4 + 4 * (n - 1) + 1);
	assert_aip(&cfg.dev.peers[n - 1].allowedips[0], AF_INET, "10.39.15.0", 24, false);
	assert_int_equal(cfg.stripped_len, len);
	cfg_clear(&cfg);
	/* one duplicate at the very end is found */
	key[0] = 7;
	key[1] = 0;
	key_to_base64(b64, key);
	len += (size_t)snprintf(text + len, cap - len, "[Peer]\nPublicKey = %s\n", b64);

	struct cfg_parser *p = NULL;

	assert_int_equal(parse_mem(text, len, &opts, &cfg, &p), -EINVAL);
	assert_int_equal(cfg_parser_error_line(p), 4 * n + 5);
	assert_string_equal(cfg_parser_error(p), "PublicKey: same peer as line 34");
	cfg_parser_free(p);
	cfg_clear(&cfg);
	free(text);
}

/* Lenient mode (down, behaviour.md §2.11) */

static void test_lenient(void **state _unused_)
{
	const struct cfg_options lenient = { .rt_tables_dirs = rt_dirs, .lenient = true };
	const char text[] = "[Interface]\nPostDown = echo bye\nListenPort = bad\nFoo\n"
			    "[Peer]\nPublicKey = nope\nAllowedIPs = 10.0.0.0/8, x\n"
			    "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 10.0.0.0/8\n"
			    "[Peer]\nPublicKey = " PUB1 "\nEndpoint = 1.2.3.4\n"
			    "[Bar]\nAddress = 1\n[Interface]\nTable = off\nx\0y\n";
	struct cfg_parser *p = NULL;
	struct cfg cfg;
	const char *w;
	unsigned line = 0;

	assert_int_equal(parse_mem(text, sizeof(text) - 1, &lenient, &cfg, &p), 0);
	assert_int_equal(cfg.n_hooks[CFG_POST_DOWN], 1);
	assert_int_equal(cfg.table_mode, CFG_TABLE_OFF);
	assert_false(cfg.dev.flags & WGDEV_HAS_LISTEN_PORT);
	assert_int_equal(cfg.dev.n_peers, 2);
	assert_int_equal(cfg.dev.peers[0].n_allowedips, 1);
	assert_null(cfg.dev.peers[1].endpoint_text);

	static const struct {
		unsigned line;
		const char *msg;
	} want[] = {
		{ 3, "ListenPort: 'bad' is not a port from 0 to 65535 or a UDP service name" },
		{ 4, UNRECOG },
		{ 6, "PublicKey: " BADKEY },
		{ 7, "AllowedIPs: 'x' is not an IP prefix" },
		{ 5, "[Peer] has no PublicKey" },
		{ 13, "Endpoint: '1.2.3.4' has no port" },
		{ 14, "unknown section '[Bar]'" },
		{ 16, "duplicate [Interface] section" },
		{ 18, "line contains a NUL byte" },
		{ 12, "PublicKey: same peer as line 9" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		w = cfg_parser_next_warning(p, &line);
		assert_non_null(w);
		assert_string_equal(w, want[i].msg);
		assert_int_equal(line, want[i].line);
	}
	assert_null(cfg_parser_next_warning(p, &line));
	cfg_parser_free(p);
	cfg_clear(&cfg);
	/* wgq's own keys stay fatal */
	assert_int_equal(parse_str(IF_HEAD "Foo\nDNS = a..b\n", &lenient, &cfg, &p), -EINVAL);
	assert_int_equal(cfg_parser_error_line(p), 4);
	assert_string_equal(cfg_parser_error(p), "DNS: 'a..b' is not a valid domain name");
	cfg_parser_free(p);
	cfg_clear(&cfg);
	assert_int_equal(parse_str(IF_HEAD "MTU = 1000\nAddress = ::2\n", &lenient, &cfg, &p),
			 -EINVAL);
	assert_int_equal(cfg_parser_error_line(p), 3);
	cfg_parser_free(p);
	cfg_clear(&cfg);
}

/* Files: cfg_load */

static void test_is_ifname(void **state _unused_)
{
	static const char *const good[] = { "wg0", "a", "123456789012345", "a_b=c+d.e-f", "." };
	static const char *const bad[] = { "", "1234567890123456", "wg/0", "wg 0", "wg0\n", "wg@0",
					   "ö" };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(cfg_is_ifname(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(cfg_is_ifname(bad[i]));
}

/* cfg_load with stderr captured; returns the captured text. */
static char *load(const char *arg, unsigned flags, int *r, struct cfg_file *f, struct cfg *cfg)
{
	struct capture c;

	memset(cfg, 0, sizeof(*cfg));
	capture_start(&c);
	*r = cfg_load(arg, flags, f, cfg);
	return capture_end(&c);
}

static void mkdir_mode(const char *path, mode_t mode)
{
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_load_names(void **state _unused_)
{
	char path[256], want[512], cwd[512];
	struct cfg_file f;
	struct cfg cfg;
	char *err;
	int r;

	err = load("/nonexistent/wg9.conf", 0, &r, &f, &cfg);
	assert_int_equal(r, -ENOENT);
	assert_string_equal(err, "wgq: `/nonexistent/wg9.conf' does not exist\n");
	free(err);
	/* existence first, then the name */
	err = load("./not-an-interface-name-because-too-long.conf", 0, &r, &f, &cfg);
	assert_string_equal(err, "wgq: `./not-an-interface-name-because-too-long.conf' does not "
				 "exist\n");
	free(err);
	snprintf(path, sizeof(path), "%s/names", tmpdir);
	mkdir_mode(path, 0700);
	static const char *const bad_names[] = { "not-an-interface-name.conf", "..conf", "...conf",
						 "wg0.txt", ".conf" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++) {
		snprintf(path, sizeof(path), "%s/names/%s", tmpdir, bad_names[i]);
		write_file(path, "", 0, 0600);
		err = load(path, 0, &r, &f, &cfg);
		assert_int_equal(r, -EINVAL);
		assert_string_equal(err, "wgq: The config file must be a valid interface name, "
					 "followed by .conf\n");
		free(err);
	}
	/* ifname from the path as given, FILE with symlinks resolved */
	snprintf(path, sizeof(path), "%s/names/real.conf", tmpdir);
	write_str(path, "[Interface]\nMTU = 9\n", 0600);
	snprintf(want, sizeof(want), "%s/names/wgl.conf", tmpdir);
	assert_int_equal(symlink("real.conf", want), 0);
	err = load(want, 0, &r, &f, &cfg);
	assert_int_equal(r, -EINVAL);
	snprintf(want, sizeof(want),
		 "wgq: %s/names/real.conf:2: MTU: '9' is not a number from "
		 "68 to 65535\n",
		 tmpdir);
	assert_string_equal(err, want);
	free(err);
	snprintf(path, sizeof(path), "%s/names/wgl.conf", tmpdir);
	assert_int_equal(cfg_file_resolve(path, 0, &f), 0);
	assert_string_equal(f.ifname, "wgl");
	snprintf(want, sizeof(want), "%s/names/real.conf", tmpdir);
	assert_string_equal(f.path, want);
	cfg_file_clear(&f);
	assert_null(f.path);
	/* unreadable */
	snprintf(path, sizeof(path), "%s/names/wgd.conf", tmpdir);
	mkdir_mode(path, 0700);
	err = load(path, 0, &r, &f, &cfg);
	assert_int_equal(r, -EISDIR);
	snprintf(want, sizeof(want), "wgq: Unable to read `%s': Is a directory\n", path);
	assert_string_equal(err, want);
	free(err);
	/* the behaviour.md §6 j hint, only for up and only when ./NAME.conf exists */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(path, sizeof(path), "%s/names", tmpdir);
	assert_int_equal(chdir(path), 0);
	write_file("wgqtest0.conf", "", 0, 0600);
	err = load("wgqtest0.conf", CFG_LOAD_HINT, &r, &f, &cfg);
	assert_string_equal(err, "wgq: `/etc/wireguard/wgqtest0.conf.conf' does not exist\n"
				 "wgq: use `./wgqtest0.conf' to bring up the file in the current "
				 "directory\n");
	free(err);
	err = load("wgqtest0.conf", 0, &r, &f, &cfg);
	assert_string_equal(err, "wgq: `/etc/wireguard/wgqtest0.conf.conf' does not exist\n");
	free(err);
	err = load("wgqtest1.conf", CFG_LOAD_HINT, &r, &f, &cfg);
	assert_string_equal(err, "wgq: `/etc/wireguard/wgqtest1.conf.conf' does not exist\n");
	free(err);
	assert_int_equal(chdir(cwd), 0);
}

struct perm_case {
	mode_t dir, file;
	bool warn;
};

static void test_world_accessible(void **state _unused_)
{
	static const struct perm_case cases[] = {
		{ 0700, 0600, false }, { 0700, 0644, false }, { 0755, 0644, true },
		{ 0755, 0640, false }, { 0751, 0601, true },  { 0752, 0604, false },
		{ 0777, 0666, true },
	};
	char dir[256], path[300], want[1024];
	struct cfg_file f;
	struct cfg cfg;
	char *err;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(dir, sizeof(dir), "%s/perm%zu", tmpdir, i);
		mkdir_mode(dir, cases[i].dir);
		snprintf(path, sizeof(path), "%s/wgp.conf", dir);
		write_str(path, "[Interface]\nFoo\n", cases[i].file);
		err = load(path, 0, &r, &f, &cfg);
		assert_int_equal(r, -EINVAL);
		/* the warning comes before any parse error, with no program prefix */
		if (cases[i].warn)
			snprintf(want, sizeof(want),
				 "Warning: `%s' is world accessible\nwgq: %s:2: %s\n", path, path,
				 UNRECOG);
		else
			snprintf(want, sizeof(want), "wgq: %s:2: %s\n", path, UNRECOG);
		assert_string_equal(err, want);
		free(err);
	}
}

static void test_load_lenient(void **state _unused_)
{
	char path[256], want[1024];
	struct cfg_file f;
	struct cfg cfg;
	char *err;
	int r;

	snprintf(path, sizeof(path), "%s/wgw.conf", tmpdir);
	write_str(path, "[Interface]\nPreDown = true\nListenPort = x\n[Peer]\n", 0600);
	err = load(path, CFG_LOAD_LENIENT, &r, &f, &cfg);
	assert_int_equal(r, 0);
	snprintf(want, sizeof(want),
		 "wgq: warning: %s:3: ListenPort: 'x' is not a port from 0 to 65535 or a UDP "
		 "service name\nwgq: warning: %s:4: [Peer] has no PublicKey\n",
		 path, path);
	assert_string_equal(err, want);
	assert_int_equal(cfg.n_hooks[CFG_PRE_DOWN], 1);
	assert_string_equal(f.ifname, "wgw");
	free(err);
	cfg_clear(&cfg);
	cfg_file_clear(&f);
	/* strict: the first error only, and nothing left allocated */
	err = load(path, 0, &r, &f, &cfg);
	assert_int_equal(r, -EINVAL);
	assert_null(f.path);
	assert_null(cfg.hooks[CFG_PRE_DOWN]);
	snprintf(want, sizeof(want),
		 "wgq: %s:3: ListenPort: 'x' is not a port from 0 to 65535 or a UDP service name\n",
		 path);
	assert_string_equal(err, want);
	free(err);
}

/* A 1 MiB line, and an error on line 100 000. */
static void test_load_big(void **state _unused_)
{
	const size_t big = 1 << 20, lines = 100000;
	char *text = malloc(big + 64), path[256], want[512], *err;
	struct cfg_file f;
	struct cfg cfg;
	size_t len = 0;
	int r;

	assert_non_null(text);
	len = (size_t)sprintf(text, "[Interface]\n");
	memset(text + len, 'a', big);
	len += big;
	text[len++] = '\n';
	snprintf(path, sizeof(path), "%s/wgbig.conf", tmpdir);
	write_file(path, text, len, 0600);
	err = load(path, 0, &r, &f, &cfg);
	assert_int_equal(r, -EINVAL);
	snprintf(want, sizeof(want), "wgq: %s:2: line is longer than 65535 bytes\n", path);
	assert_string_equal(err, want);
	free(err);
	free(text);

	text = malloc(lines * 32);
	assert_non_null(text);
	len = (size_t)sprintf(text, IF_HEAD "[Peer]\nPublicKey = " PUB1 "\n");
	for (size_t i = 5; i < lines; i++)
		len += (size_t)sprintf(text + len, "AllowedIPs = 10.%zu.%zu.0/24\n", i >> 8 & 255,
				       i & 255);
	len += (size_t)sprintf(text + len, "AllowedIPs = 10.0.0.0/24,");
	write_file(path, text, len, 0600);
	err = load(path, 0, &r, &f, &cfg);
	assert_int_equal(r, -EINVAL);
	snprintf(want, sizeof(want), "wgq: %s:100000: AllowedIPs: '' is not an IP prefix\n", path);
	assert_string_equal(err, want);
	free(err);
	free(text);
}

/* tests/data/bad: every file listed in EXPECT, every listed file present. */
static void test_bad_files(void **state _unused_)
{
	char dir[256], src[512], dst[512], want[2048];
	_cleanup_free_ char *expect = read_text(TEST_DATA "/bad/EXPECT", NULL);
	size_t n_listed = 0, n_files = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/bad", tmpdir);
	mkdir_mode(dir, 0700);
	for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64], *msg, *err, *data;
		unsigned lineno;
		struct cfg_file f;
		struct cfg cfg;
		size_t len;
		int r, off = 0;

		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%63s %u %n", name, &lineno, &off), 2);
		msg = line + off;
		snprintf(src, sizeof(src), "%s/bad/%s", TEST_DATA, name);
		snprintf(dst, sizeof(dst), "%s/%s", dir, name);
		data = read_text(src, &len);
		write_file(dst, data, len, 0600);
		free(data);
		err = load(dst, 0, &r, &f, &cfg);
		snprintf(want, sizeof(want), "wgq: %s:%u: %s\n", dst, lineno, msg);
		if (!streq(err, want))
			print_error("%s", name);
		assert_string_equal(err, want);
		assert_true(r < 0);
		assert_null(cfg.stripped);
		free(err);
		n_listed++;
	}
	d = opendir(TEST_DATA "/bad");
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && streq(de->d_name + l - 5, ".conf"))
			n_files++;
	}
	closedir(d);
	assert_int_equal(n_files, n_listed);
	assert_true(n_listed >= 60);
}

static void test_good_files(void **state _unused_)
{
	static const struct {
		const char *name;
		size_t peers;
		enum cfg_table_mode table;
	} good[] = {
		{ "fulltunnel.conf", 1, CFG_TABLE_AUTO }, { "server.conf", 3, CFG_TABLE_AUTO },
		{ "table1234.conf", 1, CFG_TABLE_ID },	  { "tableoff.conf", 1, CFG_TABLE_OFF },
		{ "hooks.conf", 1, CFG_TABLE_AUTO },
	};
	char dir[256], src[512], dst[512];

	snprintf(dir, sizeof(dir), "%s/good", tmpdir);
	mkdir_mode(dir, 0700);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct cfg_file f;
		struct cfg cfg;
		size_t len;
		char *data, *err;
		int r;

		snprintf(src, sizeof(src), "%s/good/%s", TEST_DATA, good[i].name);
		snprintf(dst, sizeof(dst), "%s/%s", dir, good[i].name);
		data = read_text(src, &len);
		write_file(dst, data, len, 0600);
		free(data);
		err = load(dst, 0, &r, &f, &cfg);
		assert_string_equal(err, "");
		assert_int_equal(r, 0);
		assert_int_equal(cfg.dev.n_peers, good[i].peers);
		assert_int_equal(cfg.table_mode, good[i].table);
		assert_true(cfg.dev.flags & WGDEV_HAS_PRIVATE_KEY);
		free(err);
		cfg_clear(&cfg);
		cfg_file_clear(&f);
	}
}

static int rm_tree(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

static int setup(void **state _unused_)
{
	char path[256];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wgq-test-config-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(rt_dir, sizeof(rt_dir), "%s/iproute2", tmpdir);
	if (mkdir(rt_dir, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/rt_tables", rt_dir);
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs("# test tables\n100\tvpn\n0x200 hexname\n", f);
	fclose(f);
	rt_dirs[0] = rt_dir;
	rt_dirs[1] = NULL;
	opts.rt_tables_dirs = rt_dirs;
	log_init("wgq");
	return 0;
}

static int teardown(void **state _unused_)
{
	return rm_tree(tmpdir) == 0 ? 0 : -1;
}

/* ---- base/readfile ---- */

static int count_line(char *line, void *data)
{
	char *seen = data;

	strcat(seen, line);
	strcat(seen, "|");
	return streq(line, "stop");
}

static void test_read_file(void **state)
{
	char path[128], seen[64] = "";
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/readfile", tmpdir);
	write_file(path, "a\n\nb\0c\nstop\nd", 13, 0600);
	assert_int_equal(read_file(path, SIZE_MAX, 0, &text, &len), 0);
	assert_int_equal(len, 13);
	assert_memory_equal(text, "a\n\nb\0c\nstop\nd", 14);
	free(text);
	assert_int_equal(read_file(path, 3, READ_FILE_SECRET, &text, &len), 0);
	assert_int_equal(len, 3);
	assert_string_equal(text, "a\n\n");
	/* Lines without their '\n', a NUL ending one early, fn's value stops. */
	assert_int_equal(read_file_lines(path, count_line, seen), 1);
	assert_string_equal(seen, "a||b|stop|");
	free(text);
	text = read_file_text(path);
	assert_string_equal(text, "a\n\nb");
	free(text);
	write_str(path, "", 0600);
	assert_null(read_file_text(path));
	assert_int_equal(read_file_lines(path, count_line, seen), 0);
	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	assert_int_equal(read_file_lines(path, count_line, seen), -ENOENT);
	assert_int_equal(read_file(path, SIZE_MAX, 0, &text, NULL), -ENOENT);
	assert_null(text);
	assert_int_equal(read_file(tmpdir, SIZE_MAX, 0, &text, NULL), -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_peer1_model),
		cmocka_unit_test(test_messy_and_crlf),
		cmocka_unit_test(test_missing_final_newline),
		cmocka_unit_test(test_case_and_quirks),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_device_keys),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_many_peers),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_is_ifname),
		cmocka_unit_test(test_load_names),
		cmocka_unit_test(test_world_accessible),
		cmocka_unit_test(test_load_lenient),
		cmocka_unit_test(test_load_big),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_good_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
