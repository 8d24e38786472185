// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// libFuzzer target for the config parser (behaviour.md §2). Each input is a whole config file,
// parsed in strict and in lenient mode. Every violated invariant is a __builtin_trap():
//
//  * a result is 0, -EINVAL (with a message on a line that exists) or -ENOMEM;
//  * messages and warnings are one non-empty line, and never hold a 44-character
//    base64 key ("[A-Za-z0-9+/]{43}=") that appears in the input;
//  * strict success implies lenient success with the same model and no warnings;
//  * the strip text re-parses in the same mode to the same device and strip text,
//    with none of wg-quick's own keys left (idempotence);
//  * after a strict success the save text (save_format, into memory) parses, and
//    saving that again gives the same text (a fixed point).
//
// Table names come from the fixed directory FUZZ_RT_DIR. Interface names and UDP
// service names come from small tables below that replace the C library's, so that a
// run depends on nothing of the host and makes no system calls for them.

#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "config/config.h"
#include "base/key.h"
#include "netlink/rtnl.h"
#include "tunnel/save.h"

#ifndef FUZZ_RT_DIR
#define FUZZ_RT_DIR "tests/data/rt/a"
#endif

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-config.c:%d: invariant failed: %s\n", __LINE__,      \
				#cond);                                                            \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const rt_dirs[] = { FUZZ_RT_DIR, NULL };

/* The host's interfaces and /etc/services, replaced by fixed tables. */

static const struct {
	const char *name;
	unsigned index;
} fake_links[] = { { "lo", 1 }, { "eth0", 2 }, { "wg0", 3 } };

static const struct {
	const char *name;
	int port;
} fake_services[] = { { "domain", 53 }, { "ntp", 123 }, { "syslog", 514 }, { "openvpn", 1194 } };

unsigned int if_nametoindex(const char *name)
{
	for (size_t i = 0; i < sizeof(fake_links) / sizeof(fake_links[0]); i++)
		if (!strcmp(fake_links[i].name, name))
			return fake_links[i].index;
	errno = ENODEV;
	return 0;
}

char *if_indextoname(unsigned int index, char name[IF_NAMESIZE])
{
	for (size_t i = 0; i < sizeof(fake_links) / sizeof(fake_links[0]); i++) {
		if (fake_links[i].index == index) {
			strcpy(name, fake_links[i].name);
			return name;
		}
	}
	errno = ENXIO;
	return NULL;
}

struct servent *getservbyname(const char *name, const char *proto)
{
	static struct servent se;
	static char *no_aliases[] = { NULL };

	if (strcmp(proto, "udp"))
		return NULL;
	for (size_t i = 0; i < sizeof(fake_services) / sizeof(fake_services[0]); i++) {
		if (!strcmp(fake_services[i].name, name)) {
			se = (struct servent){
				.s_name = (char *)fake_services[i].name,
				.s_aliases = no_aliases,
				.s_port = (int)htons((uint16_t)fake_services[i].port),
				.s_proto = (char *)"udp",
			};
			return &se;
		}
	}
	return NULL;
}

/* Messages */

static bool is_base64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Every key-shaped run of msg must be absent from the input. A key of the input that
 * the message holds is such a run of the message, so checking those is enough. */
static void check_no_input_key(const char *msg, const uint8_t *data, size_t size)
{
	size_t run = 0;

	for (const char *s = msg; *s; s++) {
		if (*s == '=' && run >= KEY_B64_LEN - 1)
			CHECK(!memmem(data, size, s - (KEY_B64_LEN - 1), KEY_B64_LEN));
		run = is_base64(*s) ? run + 1 : 0;
	}
}

static size_t count_lines(const uint8_t *data, size_t size)
{
	size_t n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_message(const char *msg, unsigned line, size_t lines, const uint8_t *data,
			  size_t size)
{
	CHECK(msg && *msg);
	CHECK(!strchr(msg, '\n'));
	CHECK(line >= 1 && line <= lines);
	check_no_input_key(msg, data, size);
}

/* One parse of data into cfg (zeroed here); the number of warnings in *warnings. */
static int parse(const uint8_t *data, size_t size, bool lenient, struct cfg *cfg, size_t *warnings)
{
	const struct cfg_options opts = { .rt_tables_dirs = rt_dirs, .lenient = lenient };
	size_t lines = count_lines(data, size);
	struct cfg_parser *p = NULL;
	const char *w;
	unsigned line = 0;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	*warnings = 0;
	r = cfg_parser_new(&p, cfg, &opts);
	if (r < 0)
		return r;
	r = cfg_parser_feed_buffer(p, (const char *)data, size);
	if (r == 0)
		r = cfg_parser_finish(p);
	CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r == -EINVAL)
		check_message(cfg_parser_error(p), cfg_parser_error_line(p), lines, data, size);
	while ((w = cfg_parser_next_warning(p, &line))) {
		check_message(w, line, lines, data, size);
		(*warnings)++;
	}
	CHECK(lenient || !*warnings);
	cfg_parser_free(p);
	if (r == 0) {
		CHECK(cfg->stripped && strlen(cfg->stripped) == cfg->stripped_len);
		CHECK(!cfg->stripped_len || cfg->stripped[cfg->stripped_len - 1] == '\n');
	}
	return r;
}

/* Model comparison */

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool peer_eq(const struct wg_peer *a, const struct wg_peer *b, bool lines)
{
	if (memcmp(a->public_key, b->public_key, WG_KEY_LEN) ||
	    memcmp(a->preshared_key, b->preshared_key, WG_KEY_LEN) || a->flags != b->flags ||
	    a->keepalive != b->keepalive || a->n_allowedips != b->n_allowedips ||
	    !str_eq(a->endpoint_text, b->endpoint_text) ||
	    a->endpoint_is_host != b->endpoint_is_host)
		return false;
	if ((a->flags & WGPEER_HAS_ENDPOINT) &&
	    memcmp(&a->endpoint, &b->endpoint, sizeof(a->endpoint)))
		return false;
	if (lines && (a->line != b->line || a->endpoint_line != b->endpoint_line))
		return false;
	for (size_t i = 0; i < a->n_allowedips; i++) {
		const struct wg_allowedip *x = &a->allowedips[i], *y = &b->allowedips[i];

		if (x->family != y->family || x->cidr != y->cidr || x->remove != y->remove ||
		    memcmp(x->raw, y->raw, sizeof(x->raw)))
			return false;
	}
	return true;
}

static bool dev_eq(const struct wg_device *a, const struct wg_device *b, bool lines)
{
	if (a->flags != b->flags || memcmp(a->private_key, b->private_key, WG_KEY_LEN) ||
	    a->listen_port != b->listen_port || a->fwmark != b->fwmark || a->n_peers != b->n_peers)
		return false;
	for (size_t i = 0; i < a->n_peers; i++)
		if (!peer_eq(&a->peers[i], &b->peers[i], lines))
			return false;
	return true;
}

static bool items_eq(const struct cfg_item *a, size_t na, const struct cfg_item *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].text, b[i].text) || a[i].line != b[i].line)
			return false;
	return true;
}

static bool own_keys_eq(const struct cfg *a, const struct cfg *b)
{
	if (a->n_addresses != b->n_addresses || a->mtu != b->mtu || a->mtu_line != b->mtu_line ||
	    a->table_mode != b->table_mode || a->table != b->table ||
	    !str_eq(a->table_text, b->table_text) || a->save_config != b->save_config ||
	    a->has_save_config != b->has_save_config || a->has_fwmark_line != b->has_fwmark_line)
		return false;
	for (size_t i = 0; i < a->n_addresses; i++) {
		const struct cfg_address *x = &a->addresses[i], *y = &b->addresses[i];

		if (strcmp(x->text, y->text) || x->family != y->family ||
		    memcmp(x->addr, y->addr, 16) || x->prefixlen != y->prefixlen ||
		    x->line != y->line)
			return false;
	}
	for (int k = 0; k < CFG_HOOK_KINDS; k++) {
		if (a->n_hooks[k] != b->n_hooks[k])
			return false;
		for (size_t i = 0; i < a->n_hooks[k]; i++)
			if (strcmp(a->hooks[k][i].text, b->hooks[k][i].text) ||
			    a->hooks[k][i].line != b->hooks[k][i].line)
				return false;
	}
	return items_eq(a->dns_servers, a->n_dns_servers, b->dns_servers, b->n_dns_servers) &&
	       items_eq(a->dns_search, a->n_dns_search, b->dns_search, b->n_dns_search);
}

static bool no_own_keys(const struct cfg *cfg)
{
	size_t hooks = 0;

	for (int k = 0; k < CFG_HOOK_KINDS; k++)
		hooks += cfg->n_hooks[k];
	return !cfg->n_addresses && !cfg->n_dns_servers && !cfg->n_dns_search && !cfg->mtu &&
	       !cfg->table_text && !cfg->has_save_config && !hooks;
}

/* The invariants */

/* The strip text parses again, in the same mode, to the same device and text. */
static void check_strip(const struct cfg *cfg, bool lenient, size_t warnings)
{
	struct cfg again;
	size_t warnings2 = 0;
	int r = parse((const uint8_t *)cfg->stripped, cfg->stripped_len, lenient, &again,
		      &warnings2);

	if (r != -ENOMEM) {
		CHECK(r == 0);
		CHECK(again.stripped_len == cfg->stripped_len);
		CHECK(!memcmp(again.stripped, cfg->stripped, cfg->stripped_len));
		CHECK(dev_eq(&cfg->dev, &again.dev, false));
		CHECK(again.has_fwmark_line == cfg->has_fwmark_line);
		CHECK(no_own_keys(&again));
		CHECK(warnings2 <= warnings); /* lines dropped with a warning are gone */
	}
	cfg_clear(&again);
}

/* save_format's text for cfg, with the config's addresses standing for the link's. */
static int save_text(const struct cfg *cfg, char **text, size_t *len)
{
	struct rtnl_addr *addrs = calloc(cfg->n_addresses + 1, sizeof(*addrs));
	FILE *f;
	int r;

	*text = NULL;
	if (!addrs)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_addresses; i++) {
		addrs[i].family = cfg->addresses[i].family;
		memcpy(addrs[i].addr, cfg->addresses[i].addr, 16);
		addrs[i].prefixlen = cfg->addresses[i].prefixlen;
	}
	f = open_memstream(text, len);
	r = f ? save_format(f, cfg, addrs, cfg->n_addresses, NULL, &cfg->dev, cfg->mtu) : -ENOMEM;
	if (f && fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	free(addrs);
	return r;
}

/* What save writes parses, and saving that gives the same text again. */
static void check_save(const struct cfg *cfg)
{
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0, warnings = 0;
	struct cfg again;
	int r = save_text(cfg, &text, &len);

	if (r == 0) {
		r = parse((const uint8_t *)text, len, false, &again, &warnings);
		CHECK(r == 0 || r == -ENOMEM);
		if (r == 0) {
			CHECK(again.dev.n_peers == cfg->dev.n_peers);
			r = save_text(&again, &text2, &len2);
			CHECK(r != 0 || (len2 == len && !memcmp(text, text2, len)));
		}
		cfg_clear(&again);
	}
	free(text);
	free(text2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg strict, lenient;
	size_t warn_strict = 0, warn_lenient = 0;
	int rs = parse(data, size, false, &strict, &warn_strict);
	int rl = parse(data, size, true, &lenient, &warn_lenient);

	if (rs == 0 && rl == 0) {
		CHECK(!warn_lenient);
		CHECK(strict.stripped_len == lenient.stripped_len);
		CHECK(!memcmp(strict.stripped, lenient.stripped, strict.stripped_len));
		CHECK(dev_eq(&strict.dev, &lenient.dev, true));
		CHECK(own_keys_eq(&strict, &lenient));
	}
	/* Lenient mode only turns errors into warnings. */
	CHECK(rs != 0 || rl == 0 || rl == -ENOMEM);
	if (rs == 0) {
		check_strip(&strict, false, 0);
		check_save(&strict);
	}
	if (rl == 0)
		check_strip(&lenient, true, warn_lenient);
	cfg_clear(&strict);
	cfg_clear(&lenient);
	return 0;
}
