// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The config parser of behaviour.md §2.3-§2.8. Each line first goes through wg-quick's rules
// (is it one of its own [Interface] keys?), and every other line through wg(8)'s. The
// parser does no I/O of its own beyond rt_tables names (behaviour.md §3.8) and /etc/services.
// No message ever holds the value of a key.
//
// This file is the core: splitting lines, sections, feeding, the whole-file checks,
// errors and warnings, and hiding keys in messages. The keys themselves are read in
// keys-wgquick.c (wg-quick's own) and keys-device.c (wg's); parser.h holds the state
// they share.

#include "config/config.h"

#include <endian.h>
#include <stdarg.h>

#include "config/parser.h"
#include "base/key.h"
#include "base/macro.h"
#include "base/util.h"

#define CFG_LINE_MAX	 65535
#define CFG_QUOTE_MAX	 32
#define MSG_UNRECOGNIZED "unrecognized line (expected '[Section]' or 'Key = Value')"
#define MSG_HIDDEN_KEY	 "(hidden key)"

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *cfgp_trim_range(const char *s, size_t *n)
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

bool cfgp_name_is(const char *s, size_t n, const char *name, size_t name_len)
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
 * pasted in the wrong place (behaviour.md §2.8). */
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

void *cfgp_grow_array(void *arr, size_t *cap, size_t n, size_t size)
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
 * show (behaviour.md §2.8): every 43 base64 characters followed by '=' become MSG_HIDDEN_KEY. The
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
		w = cfgp_grow_array(p->warnings, &p->cap_warnings, p->n_warnings, sizeof(*w));
		if (!w) {
			free(msg);
			return -ENOMEM;
		}
		p->warnings = w;
		w[p->n_warnings++] = (struct cfg_warning){ .line = line, .msg = msg };
		return 0;
	}
	free(p->err);
	p->err = msg;
	p->err_line = line;
	p->failed = true;
	return -EINVAL;
}

int cfgp_fail(struct cfg_parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(p, line, false, fmt, ap);
	va_end(ap);
	return r;
}

int cfgp_fail_own(struct cfg_parser *p, const char *fmt, ...)
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
		value = cfgp_trim_range(eq + 1, &value_len);
	}
	key = cfgp_trim_range(text, &key_len);
	*l = (struct cfg_line){ .text = text, .len = len, .dkey = p->buf, .key_len = key_len };
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

static int unknown_key(struct cfg_parser *p, const struct cfg_line *l)
{
	const struct cfg_own_key *own = cfgp_find_own_key(l->dkey, l->dkey_len);

	/* wg-quick hands its keys under `[ Interface ]` or [Peer] to wg, which refuses. */
	if (own && !p->wgq_iface)
		return cfgp_fail(p, p->line, "'%s' is only valid in [Interface]", own->name);
	if (!quotable(l->key, l->key_len))
		return cfgp_fail(p, p->line, MSG_UNRECOGNIZED);
	return cfgp_fail(p, p->line, "unknown key '%s'", l->key);
}

static int before_any_section(struct cfg_parser *p, const struct cfg_line *l)
{
	const struct cfg_dev_key *k = cfgp_find_dev_key(l->dkey, l->dkey_len);
	const struct cfg_own_key *own = cfgp_find_own_key(l->dkey, l->dkey_len);
	const char *label = k ? k->name : own ? own->name : l->key;

	if (!k && !own && !quotable(l->key, l->key_len))
		return cfgp_fail(p, p->line, MSG_UNRECOGNIZED);
	return cfgp_fail(p, p->line, "'%s' appears before any section", label);
}

static int feed_device_line(struct cfg_parser *p, const struct cfg_line *l)
{
	const struct cfg_dev_key *k = cfgp_find_dev_key(l->dkey, l->dkey_len);

	if (p->sect == SEC_SKIP)
		return 0;
	if (p->sect == SEC_NONE)
		return before_any_section(p, l);
	if (!k)
		return unknown_key(p, l);
	if (k->sect != p->sect)
		return cfgp_fail(p, p->line, "'%s' is not valid in [%s]", k->name,
				 p->sect == SEC_PEER ? "Peer" : "Interface");
	/* wg only matches "KEY=" followed by something (behaviour.md §2.8). */
	if (!*l->dvalue)
		return cfgp_fail(p, p->line, "%s: missing value", k->name);
	return k->parse(p, k, l->dvalue);
}

/* Sections (behaviour.md §2.5) */

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
 * every entry was incremental (behaviour.md §2.9). */
static int end_section(struct cfg_parser *p)
{
	struct wg_peer *peer;
	int r;

	if (p->sect != SEC_PEER)
		return 0;
	peer = cfgp_cur_peer(p);
	p->sect = SEC_NONE;
	if (!p->keys[p->cfg->dev.n_peers - 1].line) {
		r = cfgp_fail(p, peer->line, "[Peer] has no PublicKey");
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

	keys = cfgp_grow_array(p->keys, &p->cap_keys, dev->n_peers, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	p->keys = keys;
	peer = wgdev_add_peer(dev);
	if (!peer)
		return -ENOMEM;
	keys[dev->n_peers - 1] = (struct cfg_peer_key){ 0 };
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
		r = cfgp_fail(p, p->line, "duplicate [Interface] section");
		if (r < 0)
			return r;
	}
	p->seen_iface = true;
	p->sect = SEC_INTERFACE;
	/* wg-quick compares the trimmed text, so `[ Interface ]` is not its section,
	 * although wg, which removes all whitespace, takes it (behaviour.md §2.5). */
	p->wgq_iface = cfgp_name_is(l->key, l->key_len, NAME_LEN("[Interface]"));
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
		return cfgp_fail(p, p->line, MSG_UNRECOGNIZED);
	if (!close)
		return cfgp_fail(p, p->line, "unterminated section header");
	if (cfgp_name_is(l->dkey, l->dkey_len, NAME_LEN("[Interface]")))
		return start_interface(p, l);
	if (cfgp_name_is(l->dkey, l->dkey_len, NAME_LEN("[Peer]")))
		return start_peer(p);
	if (!quotable(l->dkey + 1, inner - 2))
		return cfgp_fail(p, p->line, MSG_UNRECOGNIZED);
	return cfgp_fail(p, p->line, "unknown section '%s'", l->key);
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
		r = cfgp_fail(p, dup, "PublicKey: same peer as line %u", first);
		if (r < 0)
			return r;
	}
	if (mtu_bad) {
		p->line = cfg->mtu_line;
		return cfgp_fail_own(p, "MTU: %u is below 1280, which IPv6 addresses need",
				     cfg->mtu);
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
	/* wg-quick accepts any length and drops NULs; wgq refuses both
	 * (behaviour.md §2.3, §6 a). */
	if (len > CFG_LINE_MAX)
		return cfgp_fail(p, lineno, "line is longer than 65535 bytes");
	if (may_have_nul && memchr(line, '\0', len))
		return cfgp_fail(p, lineno, "line contains a NUL byte");
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
		return cfgp_fail(p, lineno, MSG_UNRECOGNIZED);
	else if (p->wgq_iface && (own = cfgp_find_own_key(l.key, l.key_len)))
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
