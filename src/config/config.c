// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The config parser of spec §2.3-§2.8. Each line first goes through wg-quick's rules
// (is it one of its own [Interface] keys?), and every other line through wg(8)'s. The
// parser does no I/O of its own beyond rt_tables names (§3.8) and /etc/services.
// No message ever holds the value of a key.

#include "config/config.h"

#include <arpa/inet.h>
#include <endian.h>
#include <netdb.h>
#include <resolv.h>
#include <stdarg.h>
#include <strings.h>

#include "config/file.h"
#include "config/endpoint.h"
#include "config/rt-tables.h"
#include "base/ip.h"
#include "base/key.h"
#include "base/macro.h"
#include "base/number.h"

#include "base/util.h"

#define CFG_LINE_MAX	  65535
#define CFG_RT_TABLE_MAIN 254
#define CFG_QUOTE_MAX	  32
#define MSG_UNRECOGNIZED  "unrecognized line (expected '[Section]' or 'Key = Value')"
#define MSG_BAD_KEY	  "not a valid key (44 base64 characters ending in '=')"
#define MSG_HIDDEN_KEY	  "(hidden key)"

enum cfg_section {
	SEC_NONE,
	SEC_INTERFACE,
	SEC_PEER,
	SEC_SKIP, /* lenient mode, after a bad header: ignore lines up to the next one */
};

struct cfg_warning {
	unsigned line;
	char *msg;
};

struct cfg_peer_key {
	unsigned line; /* of the PublicKey; 0 for none yet */
	uint32_t hash; /* of the key, once the section is over */
};

struct cfg_parser {
	struct cfg *cfg;
	const char *const *rt_dirs;
	bool lenient;
	bool failed;
	unsigned line; /* the line being fed */

	enum cfg_section sect; /* the section as wg(8) sees it */
	bool wgq_iface;	       /* wg-quick's own test: the header is exactly [Interface] */
	bool seen_iface;
	struct cfg_peer_key *keys; /* per peer */
	size_t cap_keys;
	size_t peer_entries, peer_plain; /* AllowedIPs entries of this peer; without +/- */

	char *buf; /* scratch copies of the line being parsed */
	size_t cap_buf;
	size_t cap_stripped, cap_addresses, cap_servers, cap_search, cap_ks_allows;
	size_t stripped_hint; /* room for the kept lines at first: the file's size if known */
	size_t cap_hooks[CFG_HOOK_KINDS];

	char *err;
	unsigned err_line;
	struct cfg_warning *warnings;
	size_t n_warnings, cap_warnings, next_warning;
};

/* One line taken apart (§2.4). All strings live in the parser's scratch buffer. */
struct cfg_line {
	const char *text; /* trimmed of spaces and tabs only: what strip prints */
	size_t len;
	size_t eq; /* offset of the first '=' before any '#' in text (with value) */
	char *key; /* before the first '=' of the text cut at '#', trimmed */
	size_t key_len;
	char *value; /* after that '=', trimmed; NULL when there is none */
	char *dkey;  /* key and value with all whitespace removed, as wg reads them */
	size_t dkey_len;
	char *dvalue;
};

/* A string literal and its length, for name_is() and the key tables. */
#define NAME_LEN(s) s, sizeof(s) - 1

struct cfg_own_key {
	const char *name;
	size_t len;
	int (*parse)(struct cfg_parser *p, const struct cfg_own_key *k, const struct cfg_line *l);
	enum cfg_hook_kind hook;
};

struct cfg_dev_key {
	const char *name;
	size_t len;
	enum cfg_section sect;
	int (*parse)(struct cfg_parser *p, const struct cfg_dev_key *k, char *value);
};

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The part of s[0..n) without leading and trailing whitespace: its start, and its
 * length in *n. */
static const char *trim_range(const char *s, size_t *n)
{
	const char *end = s + *n;

	while (s < end && is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	*n = (size_t)(end - s);
	return s;
}

/* Copy s[0..n) to out as a string; returns the byte after its NUL. */
static char *copy_string(char *out, const char *s, size_t n)
{
	memcpy(out, s, n);
	out[n] = '\0';
	return out + n + 1;
}

/* The bytes below '!' (whitespace among them) of the eight at s, one in the order of
 * the text: the lowest one flagged, if any, is exact (a borrow only runs upwards). */
static unsigned first_blank8(const char *s)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t w, low;

	memcpy(&w, s, sizeof(w));
	w = le64toh(w);
	low = (w - '!' * ones) & ~w & (0x80 * ones);
	return low ? (unsigned)__builtin_ctzll(low) / 8 : 8;
}

/* Copy s[0..n) without any whitespace to out as a string; returns the byte after its
 * NUL. Eight bytes at a time up to the next byte that may be whitespace. */
static char *squeeze(char *out, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		if (end - s >= 8) {
			unsigned k = first_blank8(s);

			/* out is no further into its room than s into the text: 8 fit */
			memcpy(out, s, 8);
			out += k;
			s += k;
			if (k == 8)
				continue;
		}
		if (!is_space(*s))
			*out++ = *s;
		s++;
	}
	*out++ = '\0';
	return out;
}

/* s[0..n) is name in any case, as strcasecmp compares in the C locale. */
static bool name_is(const char *s, size_t n, const char *name, size_t name_len)
{
	if (n != name_len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = (char)(s[i] | 0x20);

		/* Bytes that differ in more than the case bit, or in it but are no letters */
		if (s[i] != name[i] && ((s[i] ^ name[i]) != 0x20 || c < 'a' || c > 'z'))
			return false;
	}
	return true;
}

/* Keys and section names are quoted in messages only when they cannot be a key
 * pasted in the wrong place (§2.8). */
static bool quotable(const char *s, size_t n)
{
	if (n < 1 || n > CFG_QUOTE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* The array grown to hold n + 1 elements, or NULL (arr untouched) without memory. */
static void *grow_array(void *arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	void *a;

	if (n < *cap)
		return arr;
	a = reallocarray(arr, ncap, size);
	if (a)
		*cap = ncap;
	return a;
}

/* Like realloc, but the old block may hold key text: wipe it before it is freed. */
static void *secure_grow(void *old, size_t oldsize, size_t newsize)
{
	void *n = malloc(newsize);

	if (!n)
		return NULL;
	if (old) {
		memcpy(n, old, oldsize);
		explicit_zero(old, oldsize);
		free(old);
	}
	return n;
}

static bool is_base64(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
	       c == '/';
}

/* Messages quote values as written, so a key pasted into another key's value would
 * show (§2.8): every 43 base64 characters followed by '=' become MSG_HIDDEN_KEY. The
 * text only shrinks, so this works in place. */
static void hide_keys(char *msg)
{
	char *out = msg;
	size_t run = 0;

	for (const char *s = msg; *s; s++) {
		if (*s == '=' && run >= KEY_B64_LEN - 1) {
			out = stpcpy(out - (KEY_B64_LEN - 1), MSG_HIDDEN_KEY);
			run = 0;
			continue;
		}
		run = is_base64(*s) ? run + 1 : 0;
		*out++ = *s;
	}
	*out = '\0';
}

_printf_format_(4, 0) static int vfail(struct cfg_parser *p, unsigned line, bool fatal,
					 const char *fmt, va_list ap)
{
	char *msg = NULL;
	struct cfg_warning *w;

	if (vasprintf(&msg, fmt, ap) < 0)
		return -ENOMEM;
	hide_keys(msg);
	if (p->lenient && !fatal) {
		w = grow_array(p->warnings, &p->cap_warnings, p->n_warnings, sizeof(*w));
		if (!w) {
			free(msg);
			return -ENOMEM;
		}
		p->warnings = w;
		w[p->n_warnings++] = (struct cfg_warning){.line = line, .msg = msg};
		return 0;
	}
	free(p->err);
	p->err = msg;
	p->err_line = line;
	p->failed = true;
	return -EINVAL;
}

/* An error; in lenient mode (down, §2.11) only a warning, and parsing goes on. */
_printf_format_(3, 4) static int fail(struct cfg_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(p, line, false, fmt, ap);
	va_end(ap);
	return r;
}

/* An error in one of wgq's own [Interface] keys: fatal even in lenient mode. */
_printf_format_(2, 3) static int fail_own(struct cfg_parser *p, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(p, p->line, true, fmt, ap);
	va_end(ap);
	return r;
}

/* Room for need bytes of kept lines. With feed_buffer the first allocation holds the
 * whole file, so the text is not copied again as it grows. */
static int reserve_stripped(struct cfg_parser *p, size_t need)
{
	struct cfg *cfg = p->cfg;
	size_t cap = p->cap_stripped ? 2 * p->cap_stripped : 4096;
	char *n;

	if (need <= p->cap_stripped)
		return 0;
	if (!p->cap_stripped && cap < p->stripped_hint)
		cap = p->stripped_hint;
	if (cap < need)
		cap = need;
	n = secure_grow(cfg->stripped, cfg->stripped_len, cap);
	if (!n)
		return -ENOMEM;
	n[cfg->stripped_len] = '\0';
	cfg->stripped = n;
	p->cap_stripped = cap;
	return 0;
}

static int keep(struct cfg_parser *p, const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;
	int r = reserve_stripped(p, cfg->stripped_len + l->len + 2);

	if (r < 0)
		return r;
	memcpy(cfg->stripped + cfg->stripped_len, l->text, l->len);
	cfg->stripped_len += l->len;
	cfg->stripped[cfg->stripped_len++] = '\n';
	cfg->stripped[cfg->stripped_len] = '\0';
	return 0;
}

static int reserve_buf(struct cfg_parser *p, size_t need)
{
	char *n;

	if (need <= p->cap_buf)
		return 0;
	if (need < 256)
		need = 256;
	n = secure_grow(p->buf, p->cap_buf, need);
	if (!n)
		return -ENOMEM;
	p->buf = n;
	p->cap_buf = need;
	return 0;
}

/* Copies of the line's parts as strings in the scratch buffer: key and value, and wg's
 * view of both. The text holds no NUL (cfg_parser_feed checked). */
static int split_line(struct cfg_parser *p, const char *text, size_t len, struct cfg_line *l)
{
	const char *hash = memchr(text, '#', len);
	size_t cut = hash ? (size_t)(hash - text) : len;
	const char *eq = memchr(text, '=', cut), *key, *value = "";
	size_t key_len = eq ? (size_t)(eq - text) : cut, value_len = 0;
	char *out;
	int r = reserve_buf(p, 2 * (len + 2));

	if (r < 0)
		return r;
	if (eq) {
		value_len = cut - key_len - 1;
		value = trim_range(eq + 1, &value_len);
	}
	key = trim_range(text, &key_len);
	*l = (struct cfg_line){.text = text, .len = len, .dkey = p->buf, .key_len = key_len};
	out = squeeze(l->dkey, key, key_len);
	l->dkey_len = (size_t)(out - l->dkey) - 1;
	/* Without whitespace inside, both views are the same string. value and dvalue may
	 * then be changed through either: a line is one of wg-quick's keys, which read
	 * value, or one of wg's, which read dvalue. */
	l->key = l->dkey;
	if (l->dkey_len != key_len) {
		l->key = out;
		out = copy_string(out, key, key_len);
	}
	l->dvalue = out;
	out = squeeze(out, value, value_len);
	if (!eq)
		return 0;
	l->eq = (size_t)(eq - text);
	l->value = l->dvalue;
	if ((size_t)(out - l->dvalue) - 1 != value_len) {
		l->value = out;
		copy_string(out, value, value_len);
	}
	return 0;
}

/* Own keys (§2.6) */

/* Entries of Address and DNS: commas count as spaces, then bash's word splitting. */
static char *next_word(char **s)
{
	char *w = *s + strspn(*s, " \t,");
	char *end;

	if (!*w)
		return NULL;
	end = w + strcspn(w, " \t,");
	*s = *end ? end + 1 : end;
	*end = '\0';
	return w;
}

/* ip reads a prefix length with strtoul base 0, so "024" would be octal there: only
 * plain decimal is accepted. A dotted IPv4 netmask must be contiguous. */
static int parse_address_len(const char *s, int family, uint8_t *len)
{
	uint32_t v;

	if (family == AF_INET && strchr(s, '.'))
		return ip_netmask_len(s, len);
	if (parse_u32(s, NUMBER_DECIMAL_NO_LEADING_ZERO, 0, family == AF_INET ? 32 : 128, &v) < 0)
		return -EINVAL;
	*len = (uint8_t)v;
	return 0;
}

static int parse_address(char *entry, struct cfg_address *a)
{
	char *slash = strchr(entry, '/');
	int r;

	if (slash)
		*slash = '\0';
	r = ip_parse(entry, &a->family, a->addr);
	if (r == 0 && (a->family == AF_INET6) != (strchr(entry, ':') != NULL))
		r = -EINVAL;
	a->prefixlen = a->family == AF_INET ? 32 : 128;
	if (r == 0 && slash)
		r = parse_address_len(slash + 1, a->family, &a->prefixlen);
	if (slash)
		*slash = '/';
	return r;
}

/* The kernel refuses a second copy midway through up: IPv4 compares address and
 * prefix, IPv6 the address alone. */
static const struct cfg_address *find_address(const struct cfg *cfg, const struct cfg_address *a)
{
	for (size_t i = 0; i < cfg->n_addresses; i++) {
		const struct cfg_address *o = &cfg->addresses[i];

		if (o->family != a->family || memcmp(o->addr, a->addr, 16))
			continue;
		if (a->family == AF_INET6 || o->prefixlen == a->prefixlen)
			return o;
	}
	return NULL;
}

/* Append a, with entry as its text, to the list *arr of *n entries. */
static int push_address(struct cfg_address **arr, size_t *cap, size_t *n, struct cfg_address a,
			const char *entry)
{
	struct cfg_address *grown = grow_array(*arr, cap, *n, sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	*arr = grown;
	a.text = strdup(entry);
	if (!a.text)
		return -ENOMEM;
	grown[(*n)++] = a;
	return 0;
}

/* IPv6 addresses the kernel never puts on a WireGuard link (up would fail midway):
 * what kind, or NULL. */
static const char *unassignable(const struct cfg_address *a)
{
	static const uint8_t any[16], loopback[16] = {[15] = 1};

	if (a->family != AF_INET6)
		return NULL;
	if (!memcmp(a->addr, any, 16))
		return "the unspecified address";
	if (!memcmp(a->addr, loopback, 16))
		return "the loopback address";
	return a->addr[0] == 0xff ? "a multicast address" : NULL;
}

static int add_address(struct cfg_parser *p, char *entry)
{
	struct cfg *cfg = p->cfg;
	struct cfg_address a = {.line = p->line};
	const char *kind;

	if (parse_address(entry, &a) < 0)
		return fail_own(p, "Address: '%s' is not an IP address or prefix", entry);
	if ((kind = unassignable(&a)))
		return fail_own(p, "Address: '%s' is %s, which no interface can have", entry,
				kind);
	if (find_address(cfg, &a))
		return fail_own(p, "Address: '%s' is listed twice", entry);
	return push_address(&cfg->addresses, &p->cap_addresses, &cfg->n_addresses, a, entry);
}

/* Address and DNS: commas count as spaces; each word is one entry. */
static int for_each_word(struct cfg_parser *p, const struct cfg_line *l,
			 int (*add)(struct cfg_parser *p, char *word))
{
	char *s = l->value, *w;

	while ((w = next_word(&s))) {
		int r = add(p, w);

		if (r < 0)
			return r;
	}
	return 0;
}

static int own_address(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		       const struct cfg_line *l)
{
	return for_each_word(p, l, add_address);
}

static int add_item(struct cfg_item **arr, size_t *n, size_t *cap, const char *text, unsigned line)
{
	struct cfg_item *a = grow_array(*arr, cap, *n, sizeof(*a));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*n].text = strdup(text);
	if (!a[*n].text)
		return -ENOMEM;
	a[*n].line = line;
	(*n)++;
	return 0;
}

/* wg-quick's test: only digits and dots, or any ':', makes a nameserver. */
static bool dns_is_server(const char *s)
{
	return s[strspn(s, "0123456789.")] == '\0' || strchr(s, ':');
}

/* IPv4, or IPv6 with an optional %zone as resolv.conf takes it. */
static bool dns_server_valid(char *s)
{
	char *pct = strchr(s, '%');
	uint8_t addr[16];
	int family = 0;
	bool ok;

	if (pct) {
		size_t zlen = strlen(pct + 1);

		if (!zlen || zlen >= IFNAMSIZ || strchr(pct + 1, '%') || strchr(pct + 1, '/'))
			return false;
		*pct = '\0';
	}
	ok = ip_parse(s, &family, addr) == 0 && (!pct || family == AF_INET6);
	if (pct)
		*pct = '%';
	return ok;
}

/* libresolv's idea of a search domain: printable name characters, labels of at most
 * 63 bytes, 255 in all. */
static bool dns_domain_valid(const char *s)
{
	unsigned char wire[NS_MAXCDNAME];

	return res_dnok(s) && ns_name_pton(s, wire, sizeof(wire)) >= 0;
}

static int add_dns(struct cfg_parser *p, char *w)
{
	struct cfg *cfg = p->cfg;

	if (dns_is_server(w)) {
		if (!dns_server_valid(w))
			return fail_own(p, "DNS: '%s' is not an IP address", w);
		return add_item(&cfg->dns_servers, &cfg->n_dns_servers, &p->cap_servers, w,
				p->line);
	}
	if (!dns_domain_valid(w))
		return fail_own(p, "DNS: '%s' is not a valid domain name", w);
	return add_item(&cfg->dns_search, &cfg->n_dns_search, &p->cap_search, w, p->line);
}

static int own_dns(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		   const struct cfg_line *l)
{
	return for_each_word(p, l, add_dns);
}

/* ip reads the MTU with strtoul base 0: refuse leading zeros rather than differ. */
static int own_mtu(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		   const struct cfg_line *l)
{
	const char *v = l->value;
	uint32_t mtu = 0;

	p->cfg->mtu = 0;
	p->cfg->mtu_line = 0;
	if (!*v)
		return 0;
	if (parse_u32(v, NUMBER_DECIMAL_NO_LEADING_ZERO, 68, 65535, &mtu) < 0)
		return fail_own(p, "MTU: '%s' is not a number from 68 to 65535", v);
	p->cfg->mtu = mtu;
	p->cfg->mtu_line = p->line;
	return 0;
}

/* Keywords in any case (§6 f); then a name, then a number, in iproute2's order. */
static int own_table(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
		     const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;
	const char *v = l->value;
	uint32_t id = 0;

	free(cfg->table_text);
	cfg->table_text = NULL;
	cfg->table_mode = CFG_TABLE_AUTO;
	cfg->table = 0;
	cfg->table_line = 0;
	if (!*v)
		return 0;
	if (!strcasecmp(v, "off")) {
		cfg->table_mode = CFG_TABLE_OFF;
	} else if (!strcasecmp(v, "auto")) {
		cfg->table_mode = CFG_TABLE_AUTO;
	} else if (rt_table_lookup(v, p->rt_dirs, &id) == 0 ||
		   parse_u32(v, NUMBER_BASE0, 0, UINT32_MAX, &id) == 0) {
		cfg->table_mode = CFG_TABLE_ID;
		/* The kernel puts a route for table 0 (unspecified) into main. */
		cfg->table = id ? id : CFG_RT_TABLE_MAIN;
	} else {
		return fail_own(p,
				"Table: '%s' is not off, auto, a table number or a name from "
				"rt_tables",
				v);
	}
	cfg->table_text = strdup(v);
	if (!cfg->table_text)
		return -ENOMEM;
	cfg->table_line = p->line;
	return 0;
}

static int own_hook(struct cfg_parser *p, const struct cfg_own_key *k, const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;
	struct cfg_hook *h;
	const char *text;
	size_t n;

	h = grow_array(cfg->hooks[k->hook], &p->cap_hooks[k->hook], cfg->n_hooks[k->hook],
		       sizeof(*h));
	if (!h)
		return -ENOMEM;
	cfg->hooks[k->hook] = h;
	/* The unstripped value: '#' and what follows reach bash (upstream 90deacd). */
	n = l->len - l->eq - 1;
	text = trim_range(l->text + l->eq + 1, &n);
	h[cfg->n_hooks[k->hook]].text = strndup(text, n);
	if (!h[cfg->n_hooks[k->hook]].text)
		return -ENOMEM;
	h[cfg->n_hooks[k->hook]++].line = p->line;
	return 0;
}

static int own_save_config(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			   const struct cfg_line *l)
{
	if (!strcasecmp(l->value, "true"))
		p->cfg->save_config = true;
	else if (!strcasecmp(l->value, "false"))
		p->cfg->save_config = false;
	else
		return fail_own(p, "SaveConfig: '%s' is neither true nor false", l->value);
	p->cfg->has_save_config = true;
	return 0;
}

/* killswitch-netns §2.1: a named namespace; last wins. */
static int own_namespace(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			 const struct cfg_line *l)
{
	struct cfg *cfg = p->cfg;

	if (!*l->value)
		return fail_own(p, "Namespace: missing value");
	if (!cfg_is_netns_name(l->value))
		return fail_own(p, "Namespace: '%s' is not a valid namespace name", l->value);
	free(cfg->netns);
	cfg->netns = strdup(l->value);
	if (!cfg->netns)
		return -ENOMEM;
	cfg->netns_line = p->line;
	return 0;
}

static int own_kill_switch(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			   const struct cfg_line *l)
{
	static const char *const names[] = {
		[CFG_KS_OFF] = "off", [CFG_KS_ON] = "on", [CFG_KS_LOCKDOWN] = "lockdown"};

	if (!*l->value)
		return fail_own(p, "KillSwitch: missing value");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcasecmp(l->value, names[i])) {
			p->cfg->kill_switch = (enum cfg_ks_level)i;
			p->cfg->kill_switch_line = p->line;
			return 0;
		}
	}
	return fail_own(p, "KillSwitch: '%s' is not off, on or lockdown", l->value);
}

static bool has_host_bits(const struct cfg_address *a)
{
	uint8_t m[16];

	memcpy(m, a->addr, 16);
	ip_mask(a->family, m, a->prefixlen);
	return memcmp(m, a->addr, 16) != 0;
}

static int add_ks_allow(struct cfg_parser *p, char *entry)
{
	struct cfg *cfg = p->cfg;
	struct cfg_address a = {.line = p->line};

	if (parse_address(entry, &a) < 0)
		return fail_own(p, "KillSwitchAllow: '%s' is not an IP prefix", entry);
	if (a.prefixlen == 0)
		return fail_own(p, "KillSwitchAllow: '%s' allows everything; use KillSwitch = off",
				entry);
	if (has_host_bits(&a))
		return fail_own(p, "KillSwitchAllow: '%s' has host bits set", entry);
	return push_address(&cfg->ks_allows, &p->cap_ks_allows, &cfg->n_ks_allows, a, entry);
}

static int own_ks_allow(struct cfg_parser *p, const struct cfg_own_key *k _unused_,
			const struct cfg_line *l)
{
	return for_each_word(p, l, add_ks_allow);
}

static const struct cfg_own_key own_keys[] = {
	{NAME_LEN("Address"), own_address, 0},
	{NAME_LEN("DNS"), own_dns, 0},
	{NAME_LEN("MTU"), own_mtu, 0},
	{NAME_LEN("Table"), own_table, 0},
	{NAME_LEN("PreUp"), own_hook, CFG_PRE_UP},
	{NAME_LEN("PostUp"), own_hook, CFG_POST_UP},
	{NAME_LEN("PreDown"), own_hook, CFG_PRE_DOWN},
	{NAME_LEN("PostDown"), own_hook, CFG_POST_DOWN},
	{NAME_LEN("SaveConfig"), own_save_config, 0},
	{NAME_LEN("Namespace"), own_namespace, 0},
	{NAME_LEN("KillSwitch"), own_kill_switch, 0},
	{NAME_LEN("KillSwitchAllow"), own_ks_allow, 0},
};

static const struct cfg_own_key *find_own_key(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(own_keys); i++)
		if (name_is(key, len, own_keys[i].name, own_keys[i].len))
			return &own_keys[i];
	return NULL;
}

/* Device keys (§2.8) */

static struct wg_peer *cur_peer(struct cfg_parser *p)
{
	return &p->cfg->dev.peers[p->cfg->dev.n_peers - 1];
}

/* Decode into out only when valid; the value is never quoted in a message. */
static int decode_key(const char *v, uint8_t out[static WG_KEY_LEN])
{
	uint8_t key[WG_KEY_LEN];

	if (key_from_base64(key, v) < 0)
		return -EINVAL;
	memcpy(out, key, WG_KEY_LEN);
	explicit_zero(key, sizeof(key));
	return 0;
}

static int dev_private_key(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	if (decode_key(v, p->cfg->dev.private_key) < 0)
		return fail(p, p->line, "%s: " MSG_BAD_KEY, k->name);
	p->cfg->dev.flags |= WGDEV_HAS_PRIVATE_KEY;
	return 0;
}

static int dev_listen_port(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	uint16_t port = 0;

	if (endpoint_parse_port(v, &port) < 0)
		return fail(p, p->line,
			    "%s: '%s' is not a port from 0 to 65535 or a UDP service name", k->name,
			    v);
	p->cfg->dev.listen_port = port;
	p->cfg->dev.flags |= WGDEV_HAS_LISTEN_PORT;
	return 0;
}

/* wg: "off", or a number (hex after a lower-case "0x"). */
static int parse_fwmark(const char *v, uint32_t *mark)
{
	if (!strcasecmp(v, "off")) {
		*mark = 0;
		return 0;
	}
	return parse_u32(v, NUMBER_HEX_LOWER_0X, 0, UINT32_MAX, mark);
}

static int dev_fwmark(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	uint32_t mark = 0;

	if (parse_fwmark(v, &mark) < 0)
		return fail(p, p->line, "%s: '%s' is neither 0/off nor 0-0xffffffff", k->name, v);
	p->cfg->dev.fwmark = mark;
	p->cfg->dev.flags |= WGDEV_HAS_FWMARK;
	p->cfg->has_fwmark_line = true;
	return 0;
}

static int peer_public_key(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	if (decode_key(v, cur_peer(p)->public_key) < 0)
		return fail(p, p->line, "%s: " MSG_BAD_KEY, k->name);
	p->keys[p->cfg->dev.n_peers - 1].line = p->line;
	return 0;
}

static int peer_preshared_key(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	if (decode_key(v, cur_peer(p)->preshared_key) < 0)
		return fail(p, p->line, "%s: " MSG_BAD_KEY, k->name);
	cur_peer(p)->flags |= WGPEER_HAS_PRESHARED_KEY;
	return 0;
}

/* "[+|-]ADDR[/N]". Host bits may be set: the kernel masks them (case messy). */
static int parse_allowedip(const char *entry, struct wg_allowedip *a)
{
	const char *s = entry;
	uint8_t addr[16];
	bool has_len;
	int family;

	memset(a, 0, sizeof(*a));
	if (*s == '+' || *s == '-')
		a->remove = *s++ == '-';
	if (ip_parse_prefix(s, &family, addr, &a->cidr, &has_len) < 0)
		return -EINVAL;
	a->family = (uint16_t)family;
	memcpy(a->raw, addr, sizeof(a->raw));
	return 0;
}

/* Comma-separated; an empty entry (a trailing comma) is an error. A bad entry drops
 * the whole line, so lenient mode keeps no half of it. */
static int peer_allowedips(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	struct wg_peer *peer = cur_peer(p);
	size_t before = peer->n_allowedips, entries = 0, plain = 0, room = before + 1;
	struct wg_allowedip a;
	char *comma = NULL;
	int r;

	/* Room for the whole line at once: most peers have one line of few entries. */
	for (const char *s = v; (s = strchr(s, ',')); s++)
		room++;
	r = array_reserve(&peer->allowedips, &peer->cap_allowedips, room, sizeof(a));
	if (r < 0)
		return r;
	for (char *s = v; s; s = comma ? comma + 1 : NULL) {
		comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		if (parse_allowedip(s, &a) < 0) {
			peer->n_allowedips = before;
			return fail(p, p->line, "%s: '%s' is not an IP prefix", k->name, s);
		}
		r = wgdev_peer_add_allowedip(peer, &a);
		if (r < 0)
			return r;
		entries++;
		plain += *s != '+' && *s != '-';
	}
	p->peer_entries += entries;
	p->peer_plain += plain;
	return 0;
}

static int peer_endpoint(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	struct wg_peer *peer = cur_peer(p);
	char host[NI_MAXHOST], port[NI_MAXSERV];
	const char *err = "";
	char *text;

	if (endpoint_split(v, host, sizeof(host), port, sizeof(port), &err) < 0)
		return fail(p, p->line, "%s: '%s' %s", k->name, v, err);
	text = strdup(v);
	if (!text)
		return -ENOMEM;
	free(peer->endpoint_text);
	peer->endpoint_text = text;
	peer->endpoint_line = p->line;
	memset(&peer->endpoint, 0, sizeof(peer->endpoint));
	peer->flags &= ~WGPEER_HAS_ENDPOINT;
	/* A host name is resolved later, by up only (§2.10). */
	peer->endpoint_is_host = endpoint_parse_literal(host, port, &peer->endpoint) < 0;
	if (!peer->endpoint_is_host)
		peer->flags |= WGPEER_HAS_ENDPOINT;
	return 0;
}

static int peer_keepalive(struct cfg_parser *p, const struct cfg_dev_key *k, char *v)
{
	struct wg_peer *peer = cur_peer(p);
	uint32_t n = 0;

	if (strcasecmp(v, "off") && parse_u32(v, NUMBER_DECIMAL, 0, 65535, &n) < 0)
		return fail(p, p->line, "%s: '%s' is neither 0/off nor 1-65535", k->name, v);
	peer->keepalive = (uint16_t)n;
	peer->flags |= WGPEER_HAS_KEEPALIVE;
	return 0;
}

static const struct cfg_dev_key dev_keys[] = {
	{NAME_LEN("PrivateKey"), SEC_INTERFACE, dev_private_key},
	{NAME_LEN("ListenPort"), SEC_INTERFACE, dev_listen_port},
	{NAME_LEN("FwMark"), SEC_INTERFACE, dev_fwmark},
	{NAME_LEN("PublicKey"), SEC_PEER, peer_public_key},
	{NAME_LEN("PresharedKey"), SEC_PEER, peer_preshared_key},
	{NAME_LEN("AllowedIPs"), SEC_PEER, peer_allowedips},
	{NAME_LEN("Endpoint"), SEC_PEER, peer_endpoint},
	{NAME_LEN("PersistentKeepalive"), SEC_PEER, peer_keepalive},
};

static const struct cfg_dev_key *find_dev_key(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_keys); i++)
		if (name_is(key, len, dev_keys[i].name, dev_keys[i].len))
			return &dev_keys[i];
	return NULL;
}

static int unknown_key(struct cfg_parser *p, const struct cfg_line *l)
{
	const struct cfg_own_key *own = find_own_key(l->dkey, l->dkey_len);

	/* wg-quick hands its keys under `[ Interface ]` or [Peer] to wg, which refuses. */
	if (own && !p->wgq_iface)
		return fail(p, p->line, "'%s' is only valid in [Interface]", own->name);
	if (!quotable(l->key, l->key_len))
		return fail(p, p->line, MSG_UNRECOGNIZED);
	return fail(p, p->line, "unknown key '%s'", l->key);
}

static int before_any_section(struct cfg_parser *p, const struct cfg_line *l)
{
	const struct cfg_dev_key *k = find_dev_key(l->dkey, l->dkey_len);
	const struct cfg_own_key *own = find_own_key(l->dkey, l->dkey_len);
	const char *label = k ? k->name : own ? own->name : l->key;

	if (!k && !own && !quotable(l->key, l->key_len))
		return fail(p, p->line, MSG_UNRECOGNIZED);
	return fail(p, p->line, "'%s' appears before any section", label);
}

static int feed_device_line(struct cfg_parser *p, const struct cfg_line *l)
{
	const struct cfg_dev_key *k = find_dev_key(l->dkey, l->dkey_len);

	if (p->sect == SEC_SKIP)
		return 0;
	if (p->sect == SEC_NONE)
		return before_any_section(p, l);
	if (!k)
		return unknown_key(p, l);
	if (k->sect != p->sect)
		return fail(p, p->line, "'%s' is not valid in [%s]", k->name,
			    p->sect == SEC_PEER ? "Peer" : "Interface");
	/* wg only matches "KEY=" followed by something (§2.8). */
	if (!*l->dvalue)
		return fail(p, p->line, "%s: missing value", k->name);
	return k->parse(p, k, l->dvalue);
}

/* Sections (§2.5) */

/* Any mix of the key's bits will do (a PublicKey is no secret); splitmix64's finaliser
 * spreads keys that differ in a few bytes only, as generated ones do. */
static uint32_t key_hash(const uint8_t key[static WG_KEY_LEN])
{
	uint64_t w[WG_KEY_LEN / 8], h;

	memcpy(w, key, sizeof(w));
	h = w[0] ^ (w[1] * 0x9e3779b97f4a7c15ULL) ^ (w[2] * 0xc2b2ae3d27d4eb4fULL) ^
	    (w[3] * 0x165667b19e3779f9ULL);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)(h ^ (h >> 31));
}

static void drop_last_peer(struct cfg_parser *p)
{
	struct wg_peer *peer = &p->cfg->dev.peers[--p->cfg->dev.n_peers];

	free(peer->allowedips);
	free(peer->endpoint_text);
	explicit_zero(peer, sizeof(*peer));
}

/* A peer is complete: it needs a key, and its allowed IPs replace the device's unless
 * every entry was incremental (§2.9). */
static int end_section(struct cfg_parser *p)
{
	struct wg_peer *peer;
	int r;

	if (p->sect != SEC_PEER)
		return 0;
	peer = cur_peer(p);
	p->sect = SEC_NONE;
	if (!p->keys[p->cfg->dev.n_peers - 1].line) {
		r = fail(p, peer->line, "[Peer] has no PublicKey");
		if (r == 0)
			drop_last_peer(p);
		return r;
	}
	p->keys[p->cfg->dev.n_peers - 1].hash = key_hash(peer->public_key);
	if (p->peer_entries && !p->peer_plain)
		peer->flags &= ~WGPEER_REPLACE_ALLOWEDIPS;
	return 0;
}

static int start_peer(struct cfg_parser *p)
{
	struct wg_device *dev = &p->cfg->dev;
	struct cfg_peer_key *keys;
	struct wg_peer *peer;

	keys = grow_array(p->keys, &p->cap_keys, dev->n_peers, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	p->keys = keys;
	peer = wgdev_add_peer(dev);
	if (!peer)
		return -ENOMEM;
	keys[dev->n_peers - 1] = (struct cfg_peer_key){0};
	peer->line = p->line;
	peer->flags = WGPEER_REPLACE_ALLOWEDIPS;
	p->peer_entries = 0;
	p->peer_plain = 0;
	p->sect = SEC_PEER;
	return 0;
}

static int start_interface(struct cfg_parser *p, const struct cfg_line *l)
{
	int r;

	if (p->seen_iface) {
		r = fail(p, p->line, "duplicate [Interface] section");
		if (r < 0)
			return r;
	}
	p->seen_iface = true;
	p->sect = SEC_INTERFACE;
	/* wg-quick compares the trimmed text, so `[ Interface ]` is not its section,
	 * although wg, which removes all whitespace, takes it (§2.5). */
	p->wgq_iface = name_is(l->key, l->key_len, NAME_LEN("[Interface]"));
	return 0;
}

static int feed_header(struct cfg_parser *p, const struct cfg_line *l)
{
	const char *close = memchr(l->key, ']', l->key_len);
	size_t inner = l->dkey_len;
	int r = end_section(p);

	if (r < 0)
		return r;
	p->sect = SEC_SKIP;
	p->wgq_iface = false;
	if (l->value || (close && close[1]))
		return fail(p, p->line, MSG_UNRECOGNIZED);
	if (!close)
		return fail(p, p->line, "unterminated section header");
	if (name_is(l->dkey, l->dkey_len, NAME_LEN("[Interface]")))
		return start_interface(p, l);
	if (name_is(l->dkey, l->dkey_len, NAME_LEN("[Peer]")))
		return start_peer(p);
	if (!quotable(l->dkey + 1, inner - 2))
		return fail(p, p->line, MSG_UNRECOGNIZED);
	return fail(p, p->line, "unknown section '%s'", l->key);
}

/* Whole-file checks (finish) */

static bool same_key(const struct cfg_parser *p, size_t i, size_t j)
{
	const struct wg_peer *peers = p->cfg->dev.peers;

	return p->keys[i].hash == p->keys[j].hash &&
	       !memcmp(peers[i].public_key, peers[j].public_key, WG_KEY_LEN);
}

/* The duplicate PublicKey with the lowest line, and the line of its first use. Peers
 * are in line order and so are their PublicKey lines (each lies in its own section),
 * so that duplicate is the first peer whose key an earlier peer has. A hash set of
 * peer numbers (0: empty, else index + 1) keeps 10 000 peers fast. */
static int find_duplicate_peer(struct cfg_parser *p, unsigned *dup, unsigned *first)
{
	size_t n = p->cfg->dev.n_peers, size = 16;
	_cleanup_free_ unsigned *slots = NULL; /* fewer peers than lines, so it fits */

	*dup = 0;
	if (n < 2)
		return 0;
	while (size < 2 * n)
		size *= 2;
	slots = calloc(size, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t h = p->keys[i].hash & (size - 1);

		while (slots[h] && !same_key(p, slots[h] - 1, i))
			h = (h + 1) & (size - 1);
		if (slots[h]) {
			*dup = p->keys[i].line;
			*first = p->keys[slots[h] - 1].line;
			return 0;
		}
		slots[h] = (unsigned)i + 1;
	}
	return 0;
}

/* The kernel silently drops IPv6 addresses on a link whose MTU is below 1280. */
static bool mtu_too_small(const struct cfg *cfg)
{
	if (!cfg->mtu || cfg->mtu >= 1280)
		return false;
	for (size_t i = 0; i < cfg->n_addresses; i++)
		if (cfg->addresses[i].family == AF_INET6)
			return true;
	return false;
}

static int finish_checks(struct cfg_parser *p)
{
	const struct cfg *cfg = p->cfg;
	bool mtu_bad = mtu_too_small(cfg);
	unsigned dup = 0, first = 0;
	int r = find_duplicate_peer(p, &dup, &first);

	if (r < 0)
		return r;
	/* Report in line order: parsing stops at the first error. */
	if (dup && (!mtu_bad || dup < cfg->mtu_line)) {
		r = fail(p, dup, "PublicKey: same peer as line %u", first);
		if (r < 0)
			return r;
	}
	if (mtu_bad) {
		p->line = cfg->mtu_line;
		return fail_own(p, "MTU: %u is below 1280, which IPv6 addresses need", cfg->mtu);
	}
	return 0;
}

/* The API */

int cfg_parser_new(struct cfg_parser **out, struct cfg *cfg, const struct cfg_options *opts)
{
	struct cfg_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->cfg = cfg;
	if (opts) {
		p->rt_dirs = opts->rt_tables_dirs;
		p->lenient = opts->lenient;
	}
	*out = p;
	return 0;
}

/* cfg_parser_feed; may_have_nul false when the caller knows the line has no NUL. */
static int feed_line(struct cfg_parser *p, unsigned lineno, const char *line, size_t len,
		     bool may_have_nul)
{
	const struct cfg_own_key *own;
	struct cfg_line l;
	int r;

	if (p->failed)
		return -EINVAL;
	p->line = lineno;
	/* wg-quick accepts any length and drops NULs; wgq refuses both (§2.3, §6 a). */
	if (len > CFG_LINE_MAX)
		return fail(p, lineno, "line is longer than 65535 bytes");
	if (may_have_nul && memchr(line, '\0', len))
		return fail(p, lineno, "line contains a NUL byte");
	/* bash's `read` trims spaces and tabs only; a CRLF '\r' stays for strip. */
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	r = split_line(p, line, len, &l);
	if (r < 0)
		return r;
	if (!l.value && !*l.key)
		return keep(p, &l);
	if (l.key[0] == '[')
		r = feed_header(p, &l);
	else if (!l.value)
		return fail(p, lineno, MSG_UNRECOGNIZED);
	else if (p->wgq_iface && (own = find_own_key(l.key, l.key_len)))
		return own->parse(p, own, &l);
	else
		r = feed_device_line(p, &l);
	if (r < 0)
		return r;
	return keep(p, &l);
}

int cfg_parser_feed(struct cfg_parser *p, unsigned lineno, const char *line, size_t len)
{
	return feed_line(p, lineno, line, len, true);
}

/* `read -r line || [[ -n $line ]]`: a last line without newline counts unless it is
 * only spaces and tabs. */
static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

int cfg_parser_feed_buffer(struct cfg_parser *p, const char *buf, size_t len)
{
	const char *end = buf + len;
	unsigned lineno = 0;
	/* One search of the whole text spares one for each line. */
	bool has_nul = memchr(buf, '\0', len) != NULL;
	int r;

	/* The kept lines are never longer than the file, plus a last '\n' and the NUL. */
	p->stripped_hint = len + 2;
	while (buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));
		size_t n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);

		lineno++;
		if (!nl && blank(buf, n))
			break;
		r = feed_line(p, lineno, buf, n, has_nul);
		if (r < 0)
			return r;
		buf += n + (nl != NULL);
	}
	return 0;
}

int cfg_parser_finish(struct cfg_parser *p)
{
	int r;

	if (p->failed)
		return -EINVAL;
	r = end_section(p);
	if (r < 0)
		return r;
	r = finish_checks(p);
	if (r < 0)
		return r;
	if (!p->cfg->stripped) {
		p->cfg->stripped = strdup("");
		if (!p->cfg->stripped)
			return -ENOMEM;
	}
	return 0;
}

unsigned cfg_parser_error_line(const struct cfg_parser *p)
{
	return p->err_line;
}

const char *cfg_parser_error(const struct cfg_parser *p)
{
	return p->err ? p->err : "";
}

const char *cfg_parser_next_warning(struct cfg_parser *p, unsigned *line)
{
	const struct cfg_warning *w;

	if (p->next_warning >= p->n_warnings)
		return NULL;
	w = &p->warnings[p->next_warning++];
	*line = w->line;
	return w->msg;
}

void cfg_parser_free(struct cfg_parser *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_warnings; i++)
		free(p->warnings[i].msg);
	free(p->warnings);
	free(p->err);
	free(p->keys);
	if (p->buf)
		explicit_zero(p->buf, p->cap_buf);
	free(p->buf);
	free(p);
}

static void free_items(struct cfg_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].text);
	free(items);
}

void cfg_clear(struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->n_addresses; i++)
		free(cfg->addresses[i].text);
	free(cfg->addresses);
	free_items(cfg->dns_servers, cfg->n_dns_servers);
	free_items(cfg->dns_search, cfg->n_dns_search);
	free(cfg->table_text);
	free(cfg->netns);
	for (size_t i = 0; i < cfg->n_ks_allows; i++)
		free(cfg->ks_allows[i].text);
	free(cfg->ks_allows);
	for (int k = 0; k < CFG_HOOK_KINDS; k++) {
		for (size_t i = 0; i < cfg->n_hooks[k]; i++)
			free(cfg->hooks[k][i].text);
		free(cfg->hooks[k]);
	}
	wgdev_clear(&cfg->dev);
	/* The kept lines hold the keys as text. */
	if (cfg->stripped)
		explicit_zero(cfg->stripped, cfg->stripped_len);
	free(cfg->stripped);
	memset(cfg, 0, sizeof(*cfg));
}
