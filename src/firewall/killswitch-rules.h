// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The expressions of the kill switch's rules (killswitch-netns.md §3.2, §3.3): each
// function appends one rule's expressions to r.
#pragma once

#include <libnftnl/rule.h>
#include <stdbool.h>
#include <stddef.h>

#include "firewall/killswitch.h"

/* Fixed rules of the base chains, by index; -EINVAL past the last. */
#define KSR_OUTPUT_FIXED  8
#define KSR_FORWARD_FIXED 1
int ksr_output_fixed(struct nftnl_rule *r, unsigned i);
int ksr_forward_fixed(struct nftnl_rule *r, unsigned i);
/* jump CHAIN */
int ksr_jump(struct nftnl_rule *r, const char *chain);
/* Is nameserver i of p inside one of its allows? */
bool ksr_dns_allowed(const struct ks_params *p, size_t i);
/* Build tun-IF's rules in order; emit gets each (and must not keep it). */
int ksr_tun_rules(const struct ks_params *p, int (*emit)(struct nftnl_rule *r, void *data),
		  void *data);
