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

/* The next hop a packet leaves by: from the flow's cache or the FIB. */
struct xs_nh {
	__u8 dmac[6];
	__u8 smac[6];
	__u32 oif;
};

/*
 * A check of the flow key kept with the cached next hop: an entry the
 * kernel freed and handed to another flow while a packet of the first was
 * writing its next hop must not give that other flow the first's.
 */
static __always_inline __u32 xs_nh_check(const struct xs_flow_key *k)
{
	return k->daddr[0] ^ k->daddr[3] ^ k->saddr[3] ^
	       ((__u32)k->sport << 16 | k->dport) ^ k->proto;
}

#define XS_ONCE(x)	(*(volatile typeof(x) *)&(x))
#define xs_barrier()	asm volatile("" ::: "memory")

/*
 * The flow's cached next hop, if it holds for this packet (the rules are
 * at XS_NH_MAX_AGE_NS in xs_shared.h). The stamp is read before and after
 * the fields: a packet on another CPU rewriting them clears it first and
 * sets it last, so a torn copy is never used.
 */
static __always_inline int xs_nh_cached(const struct xs_flow_stats *fs, const struct xs_pkt *p,
					__u32 gen, __u32 flowinfo, __u32 iif, struct xs_nh *nh)
{
	__u64 stamp = XS_ONCE(fs->nh_stamp);

	/* signed slack: the stamp may be from the precise clock, a tick ahead */
	if (!stamp || p->now - stamp + XS_COARSE_SLACK_NS >= XS_NH_MAX_AGE_NS + XS_COARSE_SLACK_NS)
		return 0;
	xs_barrier();
	if (fs->nh_gen != (__u16)gen || fs->nh_flowinfo != flowinfo || fs->nh_iif != iif ||
	    p->l3_len > fs->nh_len || fs->nh_check != xs_nh_check(&p->key))
		return 0;
	__builtin_memcpy(nh->dmac, fs->nh_dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fs->nh_smac, ETH_ALEN);
	nh->oif = fs->nh_oif;
	xs_barrier();
	return XS_ONCE(fs->nh_stamp) == stamp;
}

/* Remember a next hop the packet is about to be redirected by. */
static __always_inline void xs_nh_store(struct xs_flow_stats *fs, const struct xs_pkt *p,
					__u32 gen, __u32 flowinfo, __u32 iif,
					const struct xs_nh *nh)
{
	if (iif > 0xffff || nh->oif > 0xffff || p->l3_len > 0xffff)
		return;		/* does not fit: looked up every time */
	XS_ONCE(fs->nh_stamp) = 0;
	xs_barrier();
	fs->nh_gen = (__u16)gen;
	fs->nh_flowinfo = flowinfo;
	fs->nh_iif = (__u16)iif;
	fs->nh_oif = (__u16)nh->oif;
	fs->nh_len = (__u16)p->l3_len;
	fs->nh_check = xs_nh_check(&p->key);
	__builtin_memcpy(fs->nh_dmac, nh->dmac, ETH_ALEN);
	__builtin_memcpy(fs->nh_smac, nh->smac, ETH_ALEN);
	xs_barrier();
	XS_ONCE(fs->nh_stamp) = p->now ? p->now : 1;
}

/*
 * The kernel's answer: bpf_fib_lookup(), then IPv4's reverse path. Returns
 * 0 with nh filled, or the reason to pass the packet up.
 */
static __always_inline int xs_nh_lookup(struct xdp_md *ctx, struct xs_pkt *p,
					__u32 flowinfo, struct xs_nh *nh)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	int rc;

	fib.ifindex = ctx->ingress_ifindex;
	fib.l4_protocol = p->key.proto;
	fib.sport = p->key.sport;
	fib.dport = p->key.dport;
	fib.tot_len = p->l3_len;

	if (p->l3_proto == ETH_P_IP) {
		struct iphdr *iph = p->l3;

		if ((void *)(iph + 1) > data_end)
			return XS_STAT_PASS_FIB_OTHER;	/* checked before: cannot happen */
		fib.family = AF_INET;
		fib.tos = (__u8)flowinfo;
		fib.ipv4_src = iph->saddr;
		fib.ipv4_dst = iph->daddr;
	} else {
		struct ipv6hdr *ip6h = p->l3;

		if ((void *)(ip6h + 1) > data_end)
			return XS_STAT_PASS_FIB_OTHER;
		fib.family = AF_INET6;
		/* traffic class and flow label, as the kernel hashes them */
		fib.flowinfo = flowinfo;
		__builtin_memcpy(fib.ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(fib.ipv6_dst, &ip6h->daddr, 16);
	}

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		break;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return XS_STAT_PASS_FIB_NO_NEIGH;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
		return XS_STAT_PASS_FIB_LOCAL;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return XS_STAT_PASS_FIB_UNREACH;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		return XS_STAT_PASS_FIB_FRAG;
	default:	/* forwarding off, LWT encap route, unsupported */
		return XS_STAT_PASS_FIB_OTHER;
	}
	/* an egress that is not ours: said before the source's check, which costs a lookup */
	if (!bpf_map_lookup_elem(&xs_tx_ports, &fib.ifindex))
		return XS_STAT_PASS_NO_TX_PORT;
	/* the source, on the reverse path (xs_admit.bpf.h) */
	rc = xs_admit_rpf(ctx, p);
	if (rc)
		return rc;
	__builtin_memcpy(nh->dmac, fib.dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fib.smac, ETH_ALEN);
	nh->oif = fib.ifindex;
	return 0;
}

/* Returns the XDP action; counts the verdict reason when not forwarding. */
static __always_inline int xs_fastpath(struct xdp_md *ctx, struct xs_pkt *p,
				       enum xs_stat *why)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct xs_flow_stats *fs = p->fs;
	struct ethhdr *eth = data;
	__u32 flowinfo, gen, iif = ctx->ingress_ifindex;
	struct xs_nh nh;
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

	if (p->l3_proto == ETH_P_IP) {
		struct iphdr *iph = data + sizeof(*eth);

		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		if (iph->ttl <= 1) {
			*why = XS_STAT_PASS_TTL;
			return XDP_PASS;
		}
		flowinfo = iph->tos;
	} else {
		struct ipv6hdr *ip6h = data + sizeof(*eth);

		if ((void *)(ip6h + 1) > data_end)
			return XDP_PASS;
		if (ip6h->hop_limit <= 1) {
			*why = XS_STAT_PASS_TTL;
			return XDP_PASS;
		}
		flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0FFFFFFF);
	}

	/* read before the lookup: a change after it bumps it past what we store */
	gen = XS_ONCE(p->cfg->fib_gen);
	if (fs && xs_nh_cached(fs, p, gen, flowinfo, iif, &nh)) {
		xs_count(XS_STAT_NH_CACHE_HIT);
	} else {
		xs_count(XS_STAT_NH_CACHE_MISS);
		rc = xs_nh_lookup(ctx, p, flowinfo, &nh);
		if (rc) {
			*why = rc;
			return XDP_PASS;
		}
		if (fs)
			xs_nh_store(fs, p, gen, flowinfo, iif, &nh);
	}

	/*
	 * The egress must be in the devmap before the packet is touched: once
	 * TTL and MACs are rewritten, XDP_PASS would hand the kernel a broken
	 * frame. The redirect itself happens after the program returns.
	 */
	rc = bpf_redirect_map(&xs_tx_ports, nh.oif, XDP_PASS);
	if (rc != XDP_REDIRECT) {
		*why = XS_STAT_PASS_NO_TX_PORT;
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
	__builtin_memcpy(eth->h_dest, nh.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, nh.smac, ETH_ALEN);
	return XDP_REDIRECT;
}

#endif /* XS_FASTPATH_BPF_H */
