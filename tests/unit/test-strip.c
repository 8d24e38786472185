// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// `strip` (behaviour.md §4.3): byte-identical to wg-quick. Each output is checked against the
// recorded strip.out where there is one, and against a small independent model of
// wg-quick's read loop otherwise.

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>

#include "config/file.h"
#include "config/config.h"
#include "base/log.h"
#include "base/macro.h"
#include "cli/commands.h"

#ifndef SHARED_CASES
#define SHARED_CASES "../shared/conformance/cases"
#endif

#define PRIV	"EJJTn5DW112uS1wzCf0r+vDCll2OUnlVp5/k5SJ2gEA="
#define PUB	"V5psuH1AoErnY3xulxw0Zc152CI04v5sWJI0E1tdfBU="
#define UNRECOG "unrecognized line (expected '[Section]' or 'Key = Value')"

static char tmpdir[64];

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *read_bytes(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;

	if (fd < 0)
		return NULL;
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	buf[st.st_size] = '\0';
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* wg-quick's loop, written out again on its own: `read -r` trims spaces and tabs,
 * the key is the text before '#' and '=', trimmed of all whitespace; its own keys in
 * an exact [Interface] section are dropped, everything else is echoed. */
static bool oracle_own_key(const char *key)
{
	static const char *const own[] = { "Address", "MTU",	"DNS",	    "Table",	 "PreUp",
					   "PreDown", "PostUp", "PostDown", "SaveConfig" };

	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		if (!strcasecmp(key, own[i]))
			return true;
	return false;
}

static bool oracle_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static char *oracle_strip(const char *text, size_t len, size_t *outlen)
{
	char *out = malloc(len + 2), *key = malloc(len + 1);
	const char *s = text, *end = text + len;
	bool iface = false;
	size_t o = 0;

	assert_non_null(out);
	assert_non_null(key);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *b = s, *e = nl ? nl : end, *k, *ke;

		s = nl ? nl + 1 : end;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!nl && b == e)
			break;
		for (ke = b; ke < e && *ke != '#' && *ke != '='; ke++)
			;
		for (k = b; k < ke && oracle_space(*k); k++)
			;
		while (ke > k && oracle_space(ke[-1]))
			ke--;
		memcpy(key, k, (size_t)(ke - k));
		key[ke - k] = '\0';
		if (key[0] == '[')
			iface = false;
		if (!strcasecmp(key, "[Interface]"))
			iface = true;
		if (iface && oracle_own_key(key))
			continue;
		memcpy(out + o, b, (size_t)(e - b));
		o += (size_t)(e - b);
		out[o++] = '\n';
	}
	out[o++] = '\n';
	free(key);
	*outlen = o;
	return out;
}

/* The strip path from memory: parse, then the kept lines and one more newline. */
static char *strip_mem(const char *text, size_t len, size_t *outlen)
{
	struct cfg_parser *p = NULL;
	struct cfg cfg = { 0 };
	char *out;
	int r;

	assert_int_equal(cfg_parser_new(&p, &cfg, NULL), 0);
	r = cfg_parser_feed_buffer(p, text, len);
	if (r == 0)
		r = cfg_parser_finish(p);
	if (r)
		print_error("line %u: %s\n", cfg_parser_error_line(p), cfg_parser_error(p));
	assert_int_equal(r, 0);
	cfg_parser_free(p);
	out = malloc(cfg.stripped_len + 1);
	assert_non_null(out);
	memcpy(out, cfg.stripped, cfg.stripped_len);
	out[cfg.stripped_len] = '\n';
	*outlen = cfg.stripped_len + 1;
	cfg_clear(&cfg);
	return out;
}

struct strip_case {
	const char *in;
	const char *out;
};

static const struct strip_case strip_cases[] = {
	{ "", "\n" },
	{ "\n", "\n\n" },
	{ "# only a comment", "# only a comment\n\n" },
	{ "  \t[Interface]  \t\n\t# indented comment \n", "[Interface]\n# indented comment\n\n" },
	{ "[Interface]\r\nPrivateKey = " PRIV "\r\nAddress = 10.0.0.1/24\r\n\r\n[Peer]\r\n"
	  "PublicKey = " PUB "\r\nAllowedIPs = 10.0.0.2/32\r\n",
	  "[Interface]\r\nPrivateKey = " PRIV "\r\n\r\n[Peer]\r\nPublicKey = " PUB "\r\n"
	  "AllowedIPs = 10.0.0.2/32\r\n\n" },
	{ "[interface]\n  privatekey =  " PRIV "  # c\nDNS=1.1.1.1\nmtu=1420\nTABLE = off\n"
	  "preup = x # y\nPostDown=\nsaveconfig = false\nListenPort\t=\t1\n",
	  "[interface]\nprivatekey =  " PRIV "  # c\nListenPort\t=\t1\n\n" },
	{ "[ Interface ]\nPrivateKey = " PRIV "\n", "[ Interface ]\nPrivateKey = " PRIV "\n\n" },
	{ "[Interface]\n \t", "[Interface]\n\n" },
	{ "[Interface]\n\r", "[Interface]\n\r\n\n" },
	{ "[Interface]\nPrivateKey=" PRIV "\n[PEER] # p\n# c\npublickey=" PUB
	  "\nENDPOINT = [2001:db8::1]:51820\n",
	  "[Interface]\nPrivateKey=" PRIV "\n[PEER] # p\n# c\npublickey=" PUB
	  "\nENDPOINT = [2001:db8::1]:51820\n\n" },
	{ "[Peer]\nPublicKey=" PUB "\n[Interface]\nPrivateKey=" PRIV "\nAddress=10.0.0.1\n",
	  "[Peer]\nPublicKey=" PUB "\n[Interface]\nPrivateKey=" PRIV "\n\n" },
	{ "[Interface] # Address = 1\nPostUp = echo '#' = x\n\n\n",
	  "[Interface] # Address = 1\n\n\n\n" },
};

static void test_inline(void **state _unused_)
{
	for (size_t i = 0; i < ARRAY_SIZE(strip_cases); i++) {
		const struct strip_case *c = &strip_cases[i];
		size_t len, olen, want = strlen(c->out);
		char *got = strip_mem(c->in, strlen(c->in), &len);
		char *oracle = oracle_strip(c->in, strlen(c->in), &olen);

		if (len != want || memcmp(got, c->out, want))
			print_error("case %zu: got '%.*s'\n", i, (int)len, got);
		assert_int_equal(len, want);
		assert_memory_equal(got, c->out, want);
		/* the model agrees, so it can judge the shared cases below */
		assert_int_equal(olen, want);
		assert_memory_equal(oracle, c->out, want);
		free(got);
		free(oracle);
	}
}

/* Redirect a descriptor to a file for the duration of a call. */
struct redirect {
	int fd, saved;
	char path[128];
};

static void redirect_start(struct redirect *r, int fd, const char *name)
{
	int f;

	snprintf(r->path, sizeof(r->path), "%s/%s", tmpdir, name);
	fflush(stdout);
	fflush(stderr);
	f = open(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(f >= 0);
	r->fd = fd;
	r->saved = dup(fd);
	assert_true(r->saved >= 0);
	assert_int_equal(dup2(f, fd), fd);
	close(f);
}

static char *redirect_end(struct redirect *r, size_t *len)
{
	fflush(stdout);
	fflush(stderr);
	dup2(r->saved, r->fd);
	close(r->saved);
	return read_bytes(r->path, len);
}

/* The shared case copied into a private 0700 directory (no world-accessible warning). */
static void copy_case(const char *name, char *dst, size_t size)
{
	char src[512];
	size_t len;
	char *data;

	snprintf(src, sizeof(src), "%s/%s", SHARED_CASES, name);
	snprintf(dst, size, "%s/%s", tmpdir, name);
	data = read_bytes(src, &len);
	assert_non_null(data);
	write_file(dst, data, len);
	free(data);
}

/* strip.out: peer1's output, "rc=0", messy's output, "rc=0". */
static char *recorded(const char *which, size_t *len)
{
	size_t n;
	char *all = read_bytes(SHARED_CASES "/strip.out", &n), *start, *rc;

	assert_non_null(all);
	start = all;
	if (streq(which, "messy.conf"))
		start = strstr(all, "rc=0\n") + 5;
	rc = strstr(start, "rc=0\n");
	assert_non_null(rc);
	*len = (size_t)(rc - start);
	memmove(all, start, *len);
	return all;
}

static bool have_cases(void)
{
	struct stat st;

	return stat(SHARED_CASES "/strip.out", &st) == 0;
}

static void check_case(const char *name)
{
	char path[512], want[1024];
	struct cfg_file f = { 0 };
	struct cfg cfg = { 0 };
	struct redirect err;
	size_t len, olen, elen;
	char *input, *oracle, *errtext;
	int r;

	copy_case(name, path, sizeof(path));
	input = read_bytes(path, &len);
	redirect_start(&err, STDERR_FILENO, "stderr");
	r = cfg_load(path, 0, &f, &cfg);
	errtext = redirect_end(&err, &elen);
	/* wgq refuses this one on purpose (behaviour.md §2.4, §6 a) */
	if (streq(name, "badaddr.conf")) {
		snprintf(want, sizeof(want), "wgq: %s:3: %s\n", path, UNRECOG);
		assert_int_equal(r, -EINVAL);
		assert_string_equal(errtext, want);
	} else {
		assert_int_equal(r, 0);
		assert_string_equal(errtext, "");
		oracle = oracle_strip(input, len, &olen);
		assert_int_equal(cfg.stripped_len + 1, olen);
		assert_memory_equal(cfg.stripped, oracle, cfg.stripped_len);
		assert_int_equal(oracle[olen - 1], '\n');
		free(oracle);
	}
	if (streq(name, "peer1.conf") || streq(name, "messy.conf")) {
		char *rec = recorded(name, &olen);

		assert_int_equal(cfg.stripped_len + 1, olen);
		assert_memory_equal(cfg.stripped, rec, cfg.stripped_len);
		free(rec);
	}
	free(input);
	free(errtext);
	cfg_clear(&cfg);
	cfg_file_clear(&f);
}

static void test_shared_cases(void **state _unused_)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (!have_cases())
		skip();
	d = opendir(SHARED_CASES);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || !streq(de->d_name + l - 5, ".conf"))
			continue;
		check_case(de->d_name);
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
	print_message("[ INFO     ] %zu shared configs checked\n", n);
}

/* cmd_strip itself, as the strip case runs it: stdout is strip.out without rc lines. */
static void test_cmd_strip(void **state _unused_)
{
	char peer1[512], messy[512], bad[512];
	struct redirect out, err;
	size_t len, n1, n2, elen;
	char *got, *want1, *want2, *errtext;

	if (!have_cases())
		skip();
	copy_case("peer1.conf", peer1, sizeof(peer1));
	copy_case("messy.conf", messy, sizeof(messy));
	copy_case("badaddr.conf", bad, sizeof(bad));
	redirect_start(&out, STDOUT_FILENO, "stdout");
	redirect_start(&err, STDERR_FILENO, "stderr");
	assert_int_equal(cmd_strip(peer1, NULL), 0);
	assert_int_equal(cmd_strip(messy, NULL), 0);
	assert_true(cmd_strip(bad, NULL) < 0);
	errtext = redirect_end(&err, &elen);
	got = redirect_end(&out, &len);
	want1 = recorded("peer1.conf", &n1);
	want2 = recorded("messy.conf", &n2);
	assert_int_equal(len, n1 + n2);
	assert_memory_equal(got, want1, n1);
	assert_memory_equal(got + n1, want2, n2);
	assert_non_null(strstr(errtext, ":3: " UNRECOG "\n"));
	free(got);
	free(want1);
	free(want2);
	free(errtext);
}

/* An empty file prints one newline; CRLF bytes go through untouched. */
static void test_cmd_strip_files(void **state _unused_)
{
	static const char crlf[] = "[Interface]\r\nPrivateKey = " PRIV "\r\nMTU = 1420\r\n"
				   "\r\n[Peer]\r\nPublicKey = " PUB "\r\n";
	static const char crlf_out[] = "[Interface]\r\nPrivateKey = " PRIV "\r\n\r\n[Peer]\r\n"
				       "PublicKey = " PUB "\r\n\n";
	char path[256];
	struct redirect out;
	size_t len;
	char *got;

	snprintf(path, sizeof(path), "%s/wge.conf", tmpdir);
	write_file(path, "", 0);
	redirect_start(&out, STDOUT_FILENO, "stdout");
	assert_int_equal(cmd_strip(path, NULL), 0);
	got = redirect_end(&out, &len);
	assert_int_equal(len, 1);
	assert_memory_equal(got, "\n", 1);
	free(got);
	snprintf(path, sizeof(path), "%s/wgc.conf", tmpdir);
	write_file(path, crlf, sizeof(crlf) - 1);
	redirect_start(&out, STDOUT_FILENO, "stdout");
	assert_int_equal(cmd_strip(path, NULL), 0);
	got = redirect_end(&out, &len);
	assert_int_equal(len, sizeof(crlf_out) - 1);
	assert_memory_equal(got, crlf_out, len);
	free(got);
}

static int setup(void **state _unused_)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wgq-test-strip-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	log_init("wgq");
	return 0;
}

static int teardown(void **state _unused_)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_shared_cases),
		cmocka_unit_test(test_cmd_strip),
		cmocka_unit_test(test_cmd_strip_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
