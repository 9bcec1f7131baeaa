/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Packet parsing for the XDP program: Ethernet, one VLAN tag, IPv4 with
 * options, IPv6 with a bounded extension-header walk, TCP/UDP/ICMP/ICMPv6.
 * Fills struct xs_pkt, including the flow key.
 *
 * Every header is checked twice: against data_end (what the verifier needs
 * and what the frame holds) and against the end the IP length declares
 * (what the packet claims). A header past either end is truncated.
 */
#ifndef XS_PARSE_BPF_H
#define XS_PARSE_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "xs_shared.h"

/*
 * <linux/icmp.h> pulls in <linux/if.h> and through it glibc's <sys/socket.h>,
 * which cannot be compiled for -target bpf without 32-bit libc headers. The
 * BPF side includes only UAPI headers that stand alone, so the few ICMP bits
 * the parser needs are spelled out here (RFC 792 / RFC 4443 values).
 */
struct xs_icmp_echo {
	__u8	type;
	__u8	code;
	__sum16	checksum;
	__be16	id;
	__be16	sequence;
};

#define XS_ICMP_ECHOREPLY	0
#define XS_ICMP_ECHO		8
#define XS_ICMPV6_ECHO_REQUEST	128
#define XS_ICMPV6_ECHO_REPLY	129

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

/* Not in the uapi headers. */
struct xs_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct xs_ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;	/* 8-octet units, not counting the first 8 */
};

struct xs_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset << 3 | M flag */
	__be32 identification;
};

#define XS_IPV6_HOPOPTS	 0
#define XS_IPV6_ROUTING	 43
#define XS_IPV6_FRAGMENT 44
#define XS_IPV6_DSTOPTS	 60

struct xs_pkt {
	struct xs_flow_key key;
	void *l3;		/* IPv4 or IPv6 header */
	__u32 l3_len;		/* bytes the IP header says: header + payload */
	__u32 tcp_seq;		/* host order */
	__u32 tcp_len;		/* sequence space: payload + SYN + FIN */
	const struct xs_config *cfg;	/* looked up once per packet (never NULL
					   for an array, but the verifier asks) */
	__u64 now;		/* when accounted: coarse clock unless now_precise */
	__u64 prev_seen_ns;	/* the flow's previous packet; 0: a new flow */
	struct xs_flow_stats *fs;	/* its entry in xs_flows; NULL: not there */
	__u16 l3_proto;		/* ETH_P_IP / ETH_P_IPV6, host order */
	__u8 tcp_flags;
	__u8 is_tcp:1,
	     has_opts:1,	/* IPv4 options or IPv6 hop-by-hop */
	     key_valid:1,
	     vlan_tagged:1,	/* any tag, VID 0 (priority tag) too */
	     now_precise:1,	/* now is from bpf_ktime_get_ns() */
	     prev_precise:1,	/* so is prev_seen_ns */
	     new_flow:1;	/* this packet created its xs_flows entry */
};

/*
 * Result of parsing: 0 = fully parsed; otherwise the xs_stat reason, with
 * key_valid telling whether the addresses are in the key anyway.
 */

static __always_inline int xs_parse_l4(struct xs_pkt *p, void *l4, void *l3_end,
				       void *data_end, __u8 proto)
{
	p->key.proto = proto;

	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;
		__u32 hlen;

		if ((void *)(th + 1) > data_end || (void *)(th + 1) > l3_end)
			return XS_STAT_DROP_TRUNCATED;
		if (th->doff < 5)
			return XS_STAT_DROP_BAD_HDR;
		hlen = th->doff * 4;
		if (l4 + hlen > l3_end)
			return XS_STAT_DROP_TRUNCATED;
		p->key.sport = th->source;
		p->key.dport = th->dest;
		p->is_tcp = 1;
		p->tcp_seq = bpf_ntohl(th->seq);
		/* flags are the 14th byte of the header */
		p->tcp_flags = ((__u8 *)th)[13];
		p->tcp_len = (__u32)(l3_end - l4) - hlen;
		if (th->syn)
			p->tcp_len++;
		if (th->fin)
			p->tcp_len++;
		return 0;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end || (void *)(uh + 1) > l3_end)
			return XS_STAT_DROP_TRUNCATED;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
		return 0;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		/* type, code, checksum, then id/sequence for echo */
		struct xs_icmp_echo *ih = l4;

		if ((void *)(ih + 1) > data_end || (void *)(ih + 1) > l3_end)
			return XS_STAT_DROP_TRUNCATED;
		if ((proto == IPPROTO_ICMP &&
		     (ih->type == XS_ICMP_ECHO || ih->type == XS_ICMP_ECHOREPLY)) ||
		    (proto == IPPROTO_ICMPV6 &&
		     (ih->type == XS_ICMPV6_ECHO_REQUEST ||
		      ih->type == XS_ICMPV6_ECHO_REPLY)))
			p->key.sport = ih->id;
		return 0;
	}
	default:
		p->key.flags |= XS_KEY_F_NOPORTS;
		return XS_STAT_L4_UNKNOWN;
	}
}

static __always_inline int xs_parse_ipv4(struct xs_pkt *p, void *nh, void *data_end)
{
	struct iphdr *iph = nh;
	__u32 hlen, tot;
	void *l3_end;

	if ((void *)(iph + 1) > data_end)
		return XS_STAT_DROP_TRUNCATED;
	if (iph->version != 4 || iph->ihl < 5)
		return XS_STAT_DROP_BAD_HDR;
	hlen = iph->ihl * 4;
	if (nh + hlen > data_end)
		return XS_STAT_DROP_TRUNCATED;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen)
		return XS_STAT_DROP_BAD_LEN;
	l3_end = nh + tot;
	if (l3_end > data_end)
		return XS_STAT_DROP_BAD_LEN;

	p->l3 = nh;
	p->l3_len = tot;
	p->l3_proto = ETH_P_IP;
	p->has_opts = hlen > sizeof(*iph);
	p->key.flags |= XS_KEY_F_IPV4;
	p->key.saddr[2] = bpf_htonl(0xffff);
	p->key.saddr[3] = iph->saddr;
	p->key.daddr[2] = bpf_htonl(0xffff);
	p->key.daddr[3] = iph->daddr;
	p->key.proto = iph->protocol;
	p->key_valid = 1;

	/* 13-bit offset, in 8-octet units: non-zero = not the first fragment */
	if (iph->frag_off & bpf_htons(0x1fff)) {
		p->key.flags |= XS_KEY_F_NOPORTS;
		return XS_STAT_FRAG_NONFIRST;
	}
	return xs_parse_l4(p, nh + hlen, l3_end, data_end, iph->protocol);
}

static __always_inline int xs_parse_ipv6(struct xs_pkt *p, void *nh, void *data_end)
{
	struct ipv6hdr *ip6h = nh;
	void *cur, *l3_end;
	__u8 next;
	int i;

	if ((void *)(ip6h + 1) > data_end)
		return XS_STAT_DROP_TRUNCATED;
	if (ip6h->version != 6)
		return XS_STAT_DROP_BAD_HDR;
	l3_end = (void *)(ip6h + 1) + bpf_ntohs(ip6h->payload_len);
	if (l3_end > data_end)
		return XS_STAT_DROP_BAD_LEN;

	p->l3 = nh;
	p->l3_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	p->l3_proto = ETH_P_IPV6;
	__builtin_memcpy(p->key.saddr, &ip6h->saddr, 16);
	__builtin_memcpy(p->key.daddr, &ip6h->daddr, 16);
	p->key_valid = 1;

	next = ip6h->nexthdr;
	cur = ip6h + 1;
	/* Bounded walk: the verifier needs a constant trip count. */
	for (i = 0; i < XS_MAX_EXTHDRS; i++) {
		switch (next) {
		case XS_IPV6_HOPOPTS:
			/* RFC 8200: only directly after the IPv6 header */
			if (i != 0)
				return XS_STAT_DROP_BAD_HDR;
			p->has_opts = 1;
			/* fallthrough */
		case XS_IPV6_ROUTING:
		case XS_IPV6_DSTOPTS: {
			struct xs_ipv6_opt_hdr *oh = cur;
			__u32 len;

			if ((void *)(oh + 1) > data_end || (void *)(oh + 1) > l3_end)
				return XS_STAT_DROP_TRUNCATED;
			len = ((__u32)oh->hdrlen + 1) * 8;
			if (cur + len > l3_end)
				return XS_STAT_DROP_TRUNCATED;
			next = oh->nexthdr;
			cur += len;
			break;
		}
		case XS_IPV6_FRAGMENT: {
			struct xs_frag_hdr *fh = cur;

			if ((void *)(fh + 1) > data_end || (void *)(fh + 1) > l3_end)
				return XS_STAT_DROP_TRUNCATED;
			next = fh->nexthdr;
			cur = fh + 1;
			if (fh->frag_off & bpf_htons(0xfff8)) {
				p->key.proto = next;
				p->key.flags |= XS_KEY_F_NOPORTS;
				return XS_STAT_FRAG_NONFIRST;
			}
			break;
		}
		default:
			return xs_parse_l4(p, cur, l3_end, data_end, next);
		}
	}
	/* Still an extension header after XS_MAX_EXTHDRS of them. */
	switch (next) {
	case XS_IPV6_HOPOPTS:
	case XS_IPV6_ROUTING:
	case XS_IPV6_DSTOPTS:
	case XS_IPV6_FRAGMENT:
		p->key.proto = next;
		p->key.flags |= XS_KEY_F_NOPORTS;
		return XS_STAT_PASS_EXTHDR_LIMIT;
	}
	return xs_parse_l4(p, cur, l3_end, data_end, next);
}

static __always_inline int xs_parse(struct xdp_md *ctx, struct xs_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *nh = eth + 1;
	__be16 proto;

	if (nh > data_end)
		return XS_STAT_DROP_TRUNCATED;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct xs_vlan_hdr *vh = nh;

		if ((void *)(vh + 1) > data_end)
			return XS_STAT_DROP_TRUNCATED;
		p->key.vlan = bpf_ntohs(vh->tci) & 0x0fff;
		p->vlan_tagged = 1;
		proto = vh->encap_proto;
		nh = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_IP))
		return xs_parse_ipv4(p, nh, data_end);
	if (proto == bpf_htons(ETH_P_IPV6))
		return xs_parse_ipv6(p, nh, data_end);
	return XS_STAT_PASS_NOT_IP;
}

#endif /* XS_PARSE_BPF_H */
