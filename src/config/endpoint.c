// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Endpoint values: the split and port rules of behaviour.md §2.8, and the host name
// resolution of behaviour.md §2.10 with wg's retry rules, done before anything changes.

#include "config/endpoint.h"

#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <time.h>

#include "config/config.h"
#include "base/ip.h"
#include "base/log.h"
#include "base/macro.h"
#include "base/number.h"

#define RETRIES_DEFAULT 15
#define WAIT_FIRST_USEC 1000000UL
#define WAIT_MAX_USEC	20000000UL

/* Appended to the final resolution error (killswitch-netns.md §4.1). */
static const char *error_note = "";

static void sleep_usec_real(unsigned long usec)
{
	struct timespec ts = {
		.tv_sec = (time_t)(usec / 1000000),
		.tv_nsec = (long)(usec % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const struct endpoint_ops real_ops = {
	.getaddrinfo = getaddrinfo,
	.freeaddrinfo = freeaddrinfo,
	.sleep_usec = sleep_usec_real,
};

static const struct endpoint_ops *ops = &real_ops;

void endpoint_set_ops(const struct endpoint_ops *new_ops)
{
	ops = new_ops ? new_ops : &real_ops;
}

int endpoint_parse_port(const char *s, uint16_t *port)
{
	uint32_t v = 0;
	int r = parse_u32(s, NUMBER_DECIMAL, 0, 65535, &v);

	if (r == 0)
		*port = (uint16_t)v;
	if (r != -EINVAL)
		return r;
	if (!*s)
		return -EINVAL;
	const struct servent *se = getservbyname(s, "udp");

	if (!se)
		return -EINVAL;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

static int copy_part(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -EINVAL;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static int split_fail(const char **err, const char *why)
{
	*err = why;
	return -EINVAL;
}

/* The rules of wg's parse_endpoint, whose messages behaviour.md §2.8 renames. */
int endpoint_split(const char *text, char *host, size_t hostsize, char *port, size_t portsize,
		   const char **err)
{
	const char *begin = text, *end, *p;
	uint16_t num = 0;
	int r;

	if (text[0] == '[') {
		begin = text + 1;
		end = strchr(text, ']');
		if (!end)
			return split_fail(err, "has an unmatched '['");
		if (end[1] != ':' || !end[2])
			return split_fail(err, "has no port");
		p = end + 2;
	} else {
		end = strrchr(text, ':');
		if (!end || !end[1])
			return split_fail(err, "has no port");
		p = end + 1;
	}
	if (copy_part(host, hostsize, begin, (size_t)(end - begin)) < 0 ||
	    copy_part(port, portsize, p, strlen(p)) < 0)
		return split_fail(err, "is too long");
	/* wg would ask getaddrinfo for "", which never resolves: refused by every verb. */
	if (!*host)
		return split_fail(err, "has no host");
	r = endpoint_parse_port(port, &num);
	/* getaddrinfo would take 70000 as 4464 and wg would use it: behaviour.md §6 e. */
	if (r == -ERANGE || (r == 0 && num == 0))
		return split_fail(err, "has a port outside 1-65535");
	if (r < 0)
		return split_fail(err, "has a port that is not a number or a UDP service name");
	return 0;
}

/* An interface name first, then a number, as glibc reads a scope. */
static int parse_zone(const char *zone, uint32_t *scope)
{
	unsigned idx;

	if (!*zone)
		return -EINVAL;
	idx = if_nametoindex(zone);
	if (idx) {
		*scope = idx;
		return 0;
	}
	return parse_u32(zone, NUMBER_DECIMAL, 0, UINT32_MAX, scope) < 0 ? -EINVAL : 0;
}

/* IPv4, or IPv6 with an optional %zone. */
static int parse_address(const char *host, uint16_t port, union wg_endpoint *out)
{
	char text[INET6_ADDRSTRLEN];
	const char *pct = strchr(host, '%');
	uint8_t addr[16];
	uint32_t scope = 0;
	int family;

	if (copy_part(text, sizeof(text), host, pct ? (size_t)(pct - host) : strlen(host)) < 0)
		return -EINVAL;
	if (ip_parse(text, &family, addr) < 0 || (pct && family != AF_INET6))
		return -EINVAL;
	if (pct && parse_zone(pct + 1, &scope) < 0)
		return -EINVAL;
	if (family == AF_INET) {
		out->in.sin_family = AF_INET;
		out->in.sin_port = htons(port);
		memcpy(&out->in.sin_addr, addr, sizeof(out->in.sin_addr));
		return 0;
	}
	out->in6.sin6_family = AF_INET6;
	out->in6.sin6_port = htons(port);
	memcpy(&out->in6.sin6_addr, addr, sizeof(out->in6.sin6_addr));
	out->in6.sin6_scope_id = scope;
	return 0;
}

int endpoint_parse_literal(const char *host, const char *port, union wg_endpoint *out)
{
	union wg_endpoint ep;
	uint16_t num = 0;

	if (endpoint_parse_port(port, &num) < 0 || !num)
		return -EINVAL;
	memset(&ep, 0, sizeof(ep));
	if (parse_address(host, num, &ep) < 0)
		return -EINVAL;
	*out = ep;
	return 0;
}

int endpoint_parse_retries(const char *s, long *out)
{
	uint32_t v = 0;

	if (!s) {
		*out = RETRIES_DEFAULT;
		return 0;
	}
	if (streq(s, "infinity")) {
		*out = -1;
		return 0;
	}
	/* wg uses strtoul, which also takes "", " 5", "+5" and "-0"; behaviour.md §2.10 asks for a
	 * decimal number. */
	if (parse_u32(s, NUMBER_DECIMAL, 0, INT_MAX, &v) < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A failed lookup: the getaddrinfo code and, for EAI_SYSTEM, errno right after it. */
struct gai_failure {
	int code;
	int sys_errno;
};

static const char *gai_text(const struct gai_failure *f)
{
	return f->code == EAI_SYSTEM ? strerror(f->sys_errno) : gai_strerror(f->code);
}

/* glibc's NameResolver notes call these permanent: retrying cannot help. */
static bool gai_permanent(int code)
{
	return code == EAI_NONAME || code == EAI_FAIL || code == EAI_NODATA;
}

static int resolve_first(const char *host, const char *port, union wg_endpoint *out,
			 struct gai_failure *f)
{
	const struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_protocol = IPPROTO_UDP,
	};
	struct addrinfo *res = NULL;
	int r;

	errno = 0;
	r = ops->getaddrinfo(host, port, &hints, &res);
	f->code = r;
	f->sys_errno = errno;
	if (r)
		return -EAGAIN;
	if ((res->ai_family == AF_INET && res->ai_addrlen == sizeof(out->in)) ||
	    (res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(out->in6))) {
		memset(out, 0, sizeof(*out));
		memcpy(out, res->ai_addr, res->ai_addrlen);
		r = 0;
	} else {
		r = -EAFNOSUPPORT;
	}
	ops->freeaddrinfo(res);
	return r;
}

/* wg's loop: retry all but permanent errors, waiting 1 s, then 6/5 of the last wait
 * in whole microseconds, at most 20 s. retries < 0: no limit. */
static int resolve_peer(struct wg_peer *peer, long retries, const char *path)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];
	const char *text = peer->endpoint_text, *err = NULL;
	struct gai_failure f = { 0 };
	int r;

	if (endpoint_split(text, host, sizeof(host), port, sizeof(port), &err) < 0) {
		log_error("%s:%u: Endpoint: '%s' %s", path, peer->endpoint_line, text, err);
		return -EINVAL;
	}
	for (unsigned long wait = WAIT_FIRST_USEC;; wait = wait * 6 / 5) {
		if (wait > WAIT_MAX_USEC)
			wait = WAIT_MAX_USEC;
		r = resolve_first(host, port, &peer->endpoint, &f);
		if (r != -EAGAIN)
			break;
		if (gai_permanent(f.code) || (retries >= 0 && retries-- == 0))
			break;
		fprintf(stderr, "%s: `%s'. Trying again in %.2f seconds...\n", gai_text(&f), text,
			(double)wait / 1000000.0);
		fflush(stderr);
		ops->sleep_usec(wait);
	}
	if (r == -EAFNOSUPPORT)
		log_error("%s:%u: Endpoint: cannot resolve '%s': Neither IPv4 nor IPv6 address "
			  "found%s",
			  path, peer->endpoint_line, text, error_note);
	else if (r < 0)
		log_error("%s:%u: Endpoint: cannot resolve '%s': %s%s", path, peer->endpoint_line,
			  text, gai_text(&f), error_note);
	if (r == -EAGAIN && gai_permanent(f.code))
		return -ENOENT;
	if (r < 0)
		return r;
	peer->flags |= WGPEER_HAS_ENDPOINT;
	return 0;
}

void cfg_endpoint_error_note(const char *note)
{
	error_note = note ? note : "";
}

int cfg_resolve_endpoints(struct cfg *cfg, const char *path)
{
	const char *env = getenv("WG_ENDPOINT_RESOLUTION_RETRIES");
	struct wg_device *dev = &cfg->dev;
	bool any = false;
	long retries = 0;

	for (size_t i = 0; i < dev->n_peers; i++)
		any |= dev->peers[i].endpoint_text != NULL;
	/* wg reads the variable for every Endpoint, numeric ones too: behaviour.md §2.10. */
	if (!any)
		return 0;
	if (endpoint_parse_retries(env, &retries) < 0) {
		log_error("Unable to parse WG_ENDPOINT_RESOLUTION_RETRIES: `%s'", env);
		return -EINVAL;
	}
	for (size_t i = 0; i < dev->n_peers; i++) {
		struct wg_peer *peer = &dev->peers[i];
		int r;

		if (!peer->endpoint_text || !peer->endpoint_is_host)
			continue;
		r = resolve_peer(peer, retries, path);
		if (r < 0)
			return r;
	}
	return 0;
}
