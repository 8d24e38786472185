// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// Which backend drives a device (behaviour.md §3.2): the userspace implementation when its
// UAPI socket answers, the kernel otherwise. The rule is applied on every call, as
// wg(8) does. Also: is a name a WireGuard interface (rtnetlink, then the UAPI socket)?

#include "wg/device.h"

#include "base/log.h"
#include "base/macro.h"
#include "base/util.h"
#include "netlink/rtnl.h"
#include "wg/genl.h"
#include "wg/uapi.h"

static bool valid_ifname(const char *ifname)
{
	size_t len = strnlen(ifname, IFNAMSIZ);

	return len > 0 && len < IFNAMSIZ;
}

int wg_set_device(struct nl_sock *genl, const struct wg_device *dev)
{
	if (!valid_ifname(dev->name))
		return -EINVAL;
	if (wg_uapi_alive(dev->name))
		return wg_uapi_set_device(dev);
	return wg_genl_set_device(genl, dev);
}

int wg_set_fwmark(struct nl_sock *genl, const char *ifname, uint32_t fwmark)
{
	struct wg_device dev = { .flags = WGDEV_HAS_FWMARK, .fwmark = fwmark };

	if (!valid_ifname(ifname))
		return -EINVAL;
	memcpy(dev.name, ifname, strlen(ifname) + 1);
	/* A device with nothing but a fwmark: IFNAME + FWMARK, or "fwmark=N". */
	return wg_set_device(genl, &dev);
}

/* The reply asked for ahead, else (none, or its read failed) a new request. */
static int uapi_get(const char *ifname, struct wg_uapi_ahead **ahead, struct wg_device *out)
{
	int r = wg_uapi_take_ahead(ahead, ifname, out);

	if (r == 0)
		return 0;
	wgdev_clear(out);
	memcpy(out->name, ifname, strlen(ifname) + 1);
	return wg_uapi_get_device(ifname, out);
}

int wg_get_device(struct nl_sock *genl, const char *ifname, struct wg_device *out)
{
	return wg_get_device_ahead(genl, ifname, NULL, out);
}

int wg_get_device_ahead(struct nl_sock *genl, const char *ifname, struct wg_uapi_ahead **ahead,
			struct wg_device *out)
{
	struct wg_uapi_ahead *none = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	ahead = ahead ? ahead : &none;
	if (!valid_ifname(ifname)) {
		wg_uapi_ahead_free(ahead);
		return -EINVAL;
	}
	memcpy(out->name, ifname, strlen(ifname) + 1);
	if (wg_uapi_alive(ifname))
		r = uapi_get(ifname, ahead, out);
	else
		r = wg_genl_get_device(genl, ifname, out);
	wg_uapi_ahead_free(ahead);
	if (r < 0) {
		wgdev_clear(out);
		memcpy(out->name, ifname, strlen(ifname) + 1);
	}
	return r;
}

int wg_interface_find(struct nl_sock *rtnl, const char *ifname, int *ifindex)
{
	struct rtnl_link l;
	int r = rtnl_link_get(rtnl, ifname, &l);

	*ifindex = r == 0 ? l.ifindex : 0;
	if ((r == 0 && streq(l.kind, "wireguard")) || (r != -ENODEV && wg_uapi_alive(ifname)))
		return 0;
	if (r < 0 && r != -ENODEV) {
		log_step_error("ip link show", r);
		return r;
	}
	return -ENODEV;
}

int wg_interface_check(struct nl_sock *rtnl, const char *ifname, int *ifindex)
{
	int r = wg_interface_find(rtnl, ifname, ifindex);

	if (r == -ENODEV && wg_uapi_alive(ifname))
		return 0;
	if (r == -ENODEV)
		log_error("`%s' is not a WireGuard interface", ifname);
	return r;
}
