/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fast path for mice: a FIB lookup in the tenant namespace, MAC
 * rewrite, TTL / hop-limit decrement, redirect through the devmap. Anything
 * the kernel should see (no neighbour yet, local, unreachable, too big,
 * options, TTL expiring) goes up with XDP_PASS untouched, so the kernel
 * does what a router does (ARP/ND, ICMP errors, PMTU).
 */
#ifndef XS_FASTPATH_BPF_H
#define XS_FASTPATH_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xs_shared.h"
#include "xs_maps.bpf.h"
#include "xs_parse.bpf.h"
#include "xs_admit.bpf.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/* As the kernel's ip_decrease_ttl(): RFC 1624 incremental update. */
static __always_inline void xs_ipv4_dec_ttl(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xFFFF));
	iph->ttl--;
}

/* Returns the XDP action; counts the verdict reason when not forwarding. */
static __always_inline int xs_fastpath(struct xdp_md *ctx, struct xs_pkt *p,
				       enum xs_stat *why)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	int rc;

	if (!p->cfg || !(p->cfg->flags & XS_CFG_F_REDIRECT)) {
		*why = XS_STAT_PASS_REDIRECT_OFF;
		return XDP_PASS;
	}
	/*
	 * A tagged frame belongs to a VLAN device the kernel owns. Test the
	 * tag, not key.vlan: a priority tag has VID 0, and the code below
	 * expects the IP header right after the Ethernet header.
	 */
	if (p->vlan_tagged || p->has_opts) {
		*why = p->vlan_tagged ? XS_STAT_PASS_VLAN : XS_STAT_PASS_IP_OPTIONS;
		return XDP_PASS;
	}
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;

	fib.ifindex = ctx->ingress_ifindex;
	fib.l4_protocol = p->key.proto;
	fib.sport = p->key.sport;
	fib.dport = p->key.dport;
	fib.tot_len = p->l3_len;

	if (p->l3_proto == ETH_P_IP) {
		struct iphdr *iph = data + sizeof(*eth);

		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		if (iph->ttl <= 1) {
			*why = XS_STAT_PASS_TTL;
			return XDP_PASS;
		}
		fib.family = AF_INET;
		fib.tos = iph->tos;
		fib.ipv4_src = iph->saddr;
		fib.ipv4_dst = iph->daddr;
	} else {
		struct ipv6hdr *ip6h = data + sizeof(*eth);

		if ((void *)(ip6h + 1) > data_end)
			return XDP_PASS;
		if (ip6h->hop_limit <= 1) {
			*why = XS_STAT_PASS_TTL;
			return XDP_PASS;
		}
		fib.family = AF_INET6;
		/* traffic class and flow label, as the kernel hashes them */
		fib.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0FFFFFFF);
		__builtin_memcpy(fib.ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(fib.ipv6_dst, &ip6h->daddr, 16);
	}

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		break;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		*why = XS_STAT_PASS_FIB_NO_NEIGH;
		return XDP_PASS;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
		*why = XS_STAT_PASS_FIB_LOCAL;
		return XDP_PASS;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		*why = XS_STAT_PASS_FIB_UNREACH;
		return XDP_PASS;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		*why = XS_STAT_PASS_FIB_FRAG;
		return XDP_PASS;
	default:	/* forwarding off, LWT encap route, unsupported */
		*why = XS_STAT_PASS_FIB_OTHER;
		return XDP_PASS;
	}

	/*
	 * Check the egress is ours before touching the packet: once TTL and
	 * MACs are rewritten, XDP_PASS would hand the kernel a broken frame.
	 */
	if (!bpf_map_lookup_elem(&xs_tx_ports, &fib.ifindex)) {
		*why = XS_STAT_PASS_NO_TX_PORT;
		return XDP_PASS;
	}
	/* the source, on the reverse path (xs_admit.bpf.h): last, it costs a lookup */
	rc = xs_admit_rpf(ctx, p);
	if (rc) {
		*why = rc;
		return XDP_PASS;
	}

	if (p->l3_proto == ETH_P_IP) {
		struct iphdr *iph = data + sizeof(*eth);

		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		xs_ipv4_dec_ttl(iph);
	} else {
		struct ipv6hdr *ip6h = data + sizeof(*eth);

		if ((void *)(ip6h + 1) > data_end)
			return XDP_PASS;
		ip6h->hop_limit--;
	}
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);

	return bpf_redirect_map(&xs_tx_ports, fib.ifindex, 0);
}

#endif /* XS_FASTPATH_BPF_H */
