// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The `wg-quick-IF` nf_tables table (behaviour.md §3.9 step 5/7, §4.1 step 8, §7.4), built
// with libnftnl and sent as one atomic batch.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "netlink/nl.h"
#include "netlink/rtnl.h"

/* Build the full up batch (BEGIN, table, 3 chains, preraw rules per address,
 * postmangle, premangle, END) for family AF_INET or AF_INET6 into buf (size bytes).
 * Seqs come from nl_next_seq(s) (s may be NULL in tests: then seqs count from 1).
 * Returns the length used, or -errno. */
int nft_build_up(void *buf, size_t size, struct nl_sock *s, int family, const char *ifname,
		 uint32_t fwmark, const struct rtnl_addr *addrs, size_t n_addrs);
/* Build and send it on a NETLINK_NETFILTER socket. 0 or -errno. */
int nft_up(struct nl_sock *s, int family, const char *ifname, uint32_t fwmark,
	   const struct rtnl_addr *addrs, size_t n_addrs);
/* reload: the same batch with a DELTABLE of the existing table after BEGIN, so the
 * table is rebuilt (for new addresses) atomically. Build, and build and send. */
int nft_build_replace(void *buf, size_t size, struct nl_sock *s, int family, const char *ifname,
		      uint32_t fwmark, const struct rtnl_addr *addrs, size_t n_addrs);
int nft_replace(struct nl_sock *s, int family, const char *ifname, uint32_t fwmark,
		const struct rtnl_addr *addrs, size_t n_addrs);

/* Families (NFPROTO_*) of the tables named wg-quick-IF, in listing order. */
int nft_find_tables(struct nl_sock *s, const char *ifname, int *families, size_t max, size_t *n);
/* Delete the tables wg-quick-IF of these NFPROTO_* families in one batch. */
int nft_delete_tables(struct nl_sock *s, const char *ifname, const int *families, size_t n);
/* Build that delete batch (BEGIN, one DELTABLE per family, END) into buf; seqs as for
 * nft_build_up. Returns the length used, or -errno. */
int nft_build_delete(void *buf, size_t size, struct nl_sock *s, const char *ifname,
		     const int *families, size_t n);
