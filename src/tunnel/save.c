// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Save (behaviour.md §4.2): the [Interface] block from system state and the config, the
// device from the device, written atomically. Used by `save`, `down` (SaveConfig)
// and `reload`.

#include "tunnel/save.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>

#include "system/dns.h"
#include "system/hooks.h"
#include "base/ip.h"
#include "base/key.h"
#include "base/log.h"
#include "base/macro.h"
#include "netlink/rtnl.h"
#include "base/util.h"
#include "wg/device.h"

/* Nameservers from a resolvconf record: its `nameserver X` lines. */
static void write_record_dns(FILE *f, const char *record)
{
	const char *p = record;

	while (p && *p) {
		size_t len = strcspn(p, "\n");

		if (len > 11 && !strncmp(p, "nameserver ", 11))
			fprintf(f, "DNS = %.*s\n", (int)(len - 11), p + 11);
		p += len + (p[len] == '\n');
	}
}

static void write_dns(FILE *f, const struct cfg *cfg, const char *record)
{
	if (record)
		write_record_dns(f, record);
	else
		for (size_t i = 0; i < cfg->n_dns_servers; i++)
			fprintf(f, "DNS = %s\n", cfg->dns_servers[i].text);
	/* wg-quick drops search domains; keeping them makes save round-trip (behaviour.md §6 h). */
	for (size_t i = 0; i < cfg->n_dns_search; i++)
		fprintf(f, "DNS = %s\n", cfg->dns_search[i].text);
}

static void write_addresses(FILE *f, const struct rtnl_addr *a, size_t n)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t k = 0; k < ARRAY_SIZE(families); k++) {
		for (size_t i = 0; i < n; i++) {
			char text[IP_PREFIX_STRLEN];

			if (a[i].family != families[k])
				continue;
			ip_format_prefix(text, sizeof(text), a[i].family, a[i].addr,
					 a[i].prefixlen);
			fprintf(f, "Address = %s\n", text);
		}
	}
}

static void write_hooks(FILE *f, const struct cfg *cfg)
{
	for (int k = 0; k < CFG_HOOK_KINDS; k++)
		for (size_t i = 0; i < cfg->n_hooks[k]; i++)
			fprintf(f, "%s = %s\n", hook_kind_name((enum cfg_hook_kind)k),
				cfg->hooks[k][i].text);
}

static void write_endpoint(FILE *f, const union wg_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + IFNAMSIZ + 2];

	if (ep->sa.sa_family == AF_INET) {
		ip_format(host, sizeof(host), AF_INET, (const uint8_t *)&ep->in.sin_addr);
		fprintf(f, "Endpoint = %s:%u\n", host, ntohs(ep->in.sin_port));
		return;
	}
	ip_format(host, sizeof(host), AF_INET6, ep->in6.sin6_addr.s6_addr);
	if (ep->in6.sin6_scope_id) {
		char ifn[IFNAMSIZ];
		size_t len = strlen(host);

		if (if_indextoname(ep->in6.sin6_scope_id, ifn))
			snprintf(host + len, sizeof(host) - len, "%%%s", ifn);
		else
			snprintf(host + len, sizeof(host) - len, "%%%u", ep->in6.sin6_scope_id);
	}
	fprintf(f, "Endpoint = [%s]:%u\n", host, ntohs(ep->in6.sin6_port));
}

/* The config's Endpoint text for this peer when the config named a host (behaviour.md §6 h). */
static const char *config_host(const struct cfg *cfg, const uint8_t *key)
{
	for (size_t i = 0; i < cfg->dev.n_peers; i++) {
		const struct wg_peer *p = &cfg->dev.peers[i];

		if (p->endpoint_is_host && !memcmp(p->public_key, key, WG_KEY_LEN))
			return p->endpoint_text;
	}
	return NULL;
}

/* The config parser refuses longer lines (behaviour.md §2.3): a peer with thousands of allowed
 * IPs continues on further AllowedIPs lines, which accumulate (behaviour.md §2.8). */
#define SAVE_LINE_MAX 65535

static void write_allowedips(FILE *f, const struct wg_peer *p)
{
	static const char key[] = "AllowedIPs = ";
	size_t len = 0;

	for (size_t i = 0; i < p->n_allowedips; i++) {
		char text[IP_PREFIX_STRLEN];
		const struct wg_allowedip *a = &p->allowedips[i];
		const char *sep = len ? ", " : key;

		ip_format_prefix(text, sizeof(text), a->family, a->raw, a->cidr);
		if (len && len + strlen(sep) + strlen(text) > SAVE_LINE_MAX) {
			fputc('\n', f);
			len = 0;
			sep = key;
		}
		fprintf(f, "%s%s", sep, text);
		len += strlen(sep) + strlen(text);
	}
	if (len)
		fputc('\n', f);
}

static void write_peer(FILE *f, const struct cfg *cfg, const struct wg_peer *p, bool any_host)
{
	char b64[KEY_B64_LEN + 1];
	const char *host = any_host ? config_host(cfg, p->public_key) : NULL;

	key_to_base64(b64, p->public_key);
	fprintf(f, "\n[Peer]\nPublicKey = %s\n", b64);
	if (p->flags & WGPEER_HAS_PRESHARED_KEY) {
		key_to_base64(b64, p->preshared_key);
		fprintf(f, "PresharedKey = %s\n", b64);
	}
	write_allowedips(f, p);
	if (host)
		fprintf(f, "Endpoint = %s\n", host);
	else if (p->flags & WGPEER_HAS_ENDPOINT)
		write_endpoint(f, &p->endpoint);
	if ((p->flags & WGPEER_HAS_KEEPALIVE) && p->keepalive)
		fprintf(f, "PersistentKeepalive = %u\n", p->keepalive);
	explicit_zero(b64, sizeof(b64));
}

static bool config_has_hosts(const struct cfg *cfg)
{
	for (size_t i = 0; i < cfg->dev.n_peers; i++)
		if (cfg->dev.peers[i].endpoint_is_host)
			return true;
	return false;
}

static void write_device(FILE *f, const struct cfg *cfg, const struct wg_device *dev)
{
	char b64[KEY_B64_LEN + 1];
	bool any_host = config_has_hosts(cfg);

	if (dev->listen_port)
		fprintf(f, "ListenPort = %u\n", dev->listen_port);
	/* wg-quick persists the auto-picked fwmark; we only keep a configured one (and
	 * `FwMark = off` configured none). */
	if (cfg->has_fwmark_line && cfg->dev.fwmark && dev->fwmark)
		fprintf(f, "FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & WGDEV_HAS_PRIVATE_KEY) {
		key_to_base64(b64, dev->private_key);
		fprintf(f, "PrivateKey = %s\n", b64);
		explicit_zero(b64, sizeof(b64));
	}
	for (size_t i = 0; i < dev->n_peers; i++)
		write_peer(f, cfg, &dev->peers[i], any_host);
}

/* killswitch-netns.md §2.5: what the config set, after SaveConfig. */
static void write_kill_switch(FILE *f, const struct cfg *cfg)
{
	static const char *const names[] = {
		[CFG_KS_OFF] = "off", [CFG_KS_ON] = "on", [CFG_KS_LOCKDOWN] = "lockdown"
	};

	if (cfg->kill_switch_line)
		fprintf(f, "KillSwitch = %s\n", names[cfg->kill_switch]);
	for (size_t i = 0; i < cfg->n_ks_allows; i++)
		fprintf(f, "%s%s", i ? ", " : "KillSwitchAllow = ", cfg->ks_allows[i].text);
	if (cfg->n_ks_allows)
		fputc('\n', f);
}

int save_format(FILE *f, const struct cfg *cfg, const struct rtnl_addr *addrs, size_t n_addrs,
		const char *resolv_record, const struct wg_device *dev, uint32_t link_mtu)
{
	fputs("[Interface]\n", f);
	write_addresses(f, addrs, n_addrs);
	write_dns(f, cfg, resolv_record);
	if (cfg->mtu)
		fprintf(f, "MTU = %u\n", link_mtu);
	if (cfg->table_text)
		fprintf(f, "Table = %s\n", cfg->table_text);
	if (cfg->save_config)
		fputs("SaveConfig = true\n", f);
	if (cfg->netns)
		fprintf(f, "Namespace = %s\n", cfg->netns);
	write_kill_switch(f, cfg);
	write_hooks(f, cfg);
	write_device(f, cfg, dev);
	return ferror(f) ? -EIO : 0;
}

/* Build the whole text in memory; keys live only there and in the file. */
static int build_text(struct nl_sock *rtnl, struct nl_sock *genl, const struct cfg_file *file,
		      const struct cfg *cfg, char **text, size_t *len)
{
	_cleanup_free_ struct rtnl_addr *addrs = NULL;
	_cleanup_free_ char *record = NULL;
	struct wg_device dev = { 0 };
	struct rtnl_link l;
	size_t n = 0;
	char prefix[64];
	int r = rtnl_link_get(rtnl, file->ifname, &l);

	if (r == 0)
		r = rtnl_addr_list(rtnl, l.ifindex, AF_UNSPEC, &addrs, &n);
	if (r < 0) {
		log_step_error("ip address show", r);
		return r;
	}
	dns_prefix(prefix, sizeof(prefix));
	/* A device in a target has no resolvconf record: never run resolvconf for it. */
	record = genl ? NULL : dns_record_read(prefix, file->ifname);
	struct log_line cmd;

	log_line(&cmd, "wg showconf %s", file->ifname);
	r = log_line_end(&cmd, wg_get_device(genl, file->ifname, &dev));
	if (r < 0)
		return r;
	FILE *f = open_memstream(text, len);

	r = f ? save_format(f, cfg, addrs, n, record, &dev, l.mtu) : -ENOMEM;
	if (f && fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	wgdev_clear(&dev);
	return r;
}

static int fsync_dir(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);

	if (!copy)
		return -ENOMEM;
	_cleanup_close_ int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

static int write_fd(int fd, const char *text, size_t len)
{
	int r = write_all(fd, text, len);

	return r < 0 ? r : fsync(fd) < 0 ? -errno : 0;
}

/* temp file in the same directory, write, fsync, rename, fsync the directory. */
static int write_atomic(const char *path, const char *text, size_t len)
{
	_cleanup_free_ char *tmp = NULL;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	int r = fd < 0 ? -errno : write_fd(fd, text, len);

	if (r < 0) {
		log_error("Could not write configuration file: %s", strerror(-r));
		if (fd >= 0)
			unlink(tmp);
		return r;
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		log_error("Could not move configuration file: %s", strerror(-r));
		unlink(tmp);
		return r;
	}
	(void)fsync_dir(path);
	return 0;
}

int save_config(struct nl_sock *rtnl, struct nl_sock *genl, const struct cfg_file *file,
		const struct cfg *cfg)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	sigset_t block, old;
	int r = build_text(rtnl, genl, file, cfg, &text, &len);

	if (r < 0)
		return r;
	/* A signal must not leave a temporary file behind or the old file half-replaced. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	r = write_atomic(file->path, text, len);
	sigprocmask(SIG_SETMASK, &old, NULL);
	explicit_zero(text, len);
	return r;
}
