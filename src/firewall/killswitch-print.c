// SPDX-License-Identifier: GPL-2.0-only
// Copyright (C) 2026 The wgq developers
//
// The kill switch's table as `nft list table inet wgq-killswitch` shows it
// (killswitch-netns.md §3.2), for `killswitch on --dry-run`.

#include "base/ip.h"
#include "firewall/killswitch-rules.h"
#include "firewall/killswitch.h"
#include "base/macro.h"

static const char *const output_fixed[] = {
	"oifname \"lo\" accept",
	"icmpv6 type nd-router-solicit ip6 hoplimit 255 accept",
	"icmpv6 type nd-neighbor-solicit ip6 hoplimit 255 accept",
	"icmpv6 type nd-neighbor-advert ip6 hoplimit 255 accept",
	"udp sport 68 udp dport 67 accept",
	"ip6 saddr fe80::/10 udp sport 546 udp dport 547 accept",
	"tcp dport 53 counter packets 0 bytes 0 reject with tcp reset",
	"counter packets 0 bytes 0 reject with icmpx admin-prohibited",
};

/* Jumps, newest first: this tunnel's, then the others' as they are now. */
static void print_jumps(FILE *f, const struct ks_state *st, const char *chain, const char *ifname)
{
	char own[KS_NAME_MAX];

	snprintf(own, sizeof(own), "tun-%s", ifname);
	fprintf(f, "\t\tjump %s\n", own);
	for (size_t i = 0; i < st->n_rules; i++)
		if (streq(st->rules[i].chain, chain) && st->rules[i].jump[0] &&
		    !streq(st->rules[i].jump, own))
			fprintf(f, "\t\tjump %s\n", st->rules[i].jump);
}

static void print_prefix(FILE *f, const struct ks_prefix *p)
{
	char text[64];
	bool host = p->len == ks_host_len(p->family);

	if (host)
		ip_format(text, sizeof(text), p->family, p->addr);
	else
		ip_format_prefix(text, sizeof(text), p->family, p->addr, p->len);
	fprintf(f, "%s daddr %s", p->family == AF_INET ? "ip" : "ip6", text);
}

static void print_tun(FILE *f, const struct ks_params *p)
{
	fprintf(f, "\tchain tun-%s {\n\t\tcomment \"wgq %s\"\n", p->ifname,
		ks_level_name(p->level));
	fprintf(f, "\t\toifname \"%s\" accept\n", p->ifname);
	fprintf(f, "\t\tiifname \"%s\" ct state established,related accept\n", p->ifname);
	if (p->mark)
		fprintf(f, "\t\tmeta mark 0x%08x accept\n", p->mark);
	if (p->mark_old && p->mark_old != p->mark)
		fprintf(f, "\t\tmeta mark 0x%08x accept\n", p->mark_old);
	for (size_t i = 0; i < p->n_dns; i++) {
		if (!ksr_dns_allowed(p, i))
			continue;
		for (int k = 0; k < 2; k++) {
			fputs("\t\t", f);
			print_prefix(f, &p->dns[i]);
			fprintf(f, " %s dport 53 accept\n", k ? "tcp" : "udp");
		}
	}
	fputs("\t\tudp dport 53 return\n\t\ttcp dport 53 return\n", f);
	for (size_t i = 0; i < p->n_allows; i++) {
		fputs("\t\t", f);
		print_prefix(f, &p->allows[i]);
		fputs(" accept\n", f);
	}
	fputs("\t}\n", f);
}

void ks_print(FILE *f, const struct ks_state *st, const struct ks_params *p)
{
	fputs("table inet " KS_TABLE " {\n\tchain output {\n"
	      "\t\ttype filter hook output priority filter; policy drop;\n",
	      f);
	print_jumps(f, st, "output", p->ifname);
	for (size_t i = 0; i < ARRAY_SIZE(output_fixed); i++)
		fprintf(f, "\t\t%s\n", output_fixed[i]);
	fputs("\t}\n\n\tchain forward {\n"
	      "\t\ttype filter hook forward priority filter; policy drop;\n",
	      f);
	print_jumps(f, st, "forward", p->ifname);
	fprintf(f, "\t\t%s\n\t}\n\n", output_fixed[ARRAY_SIZE(output_fixed) - 1]);
	print_tun(f, p);
	fputs("}\n", f);
}
