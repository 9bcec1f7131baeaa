/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Admission: the program redirects (fast path or AF_XDP) only what the
 * kernel's own forwarding would forward; everything else goes up with
 * XDP_PASS, untouched, and the kernel decides (it drops most of it, or
 * delivers it locally). The checks follow the kernel's receive path:
 *
 *   eth_type_trans + ip_forward    destination MAC is the interface's own
 *                                  unicast address (PACKET_HOST)
 *   ip_rcv_core                    IPv4 header checksum
 *   ip_route_input_slow            martian IPv4 source / destination
 *   fib_validate_source            IPv4 source on the reverse path
 *                                  (own address; rp_filter strict/loose)
 *   ip6_rcv_core + ip6_forward     IPv6 source / destination scope
 *
 * Being stricter than the kernel is safe (the kernel then decides), so a
 * few checks err that way: class E sources, link-local IPv6 destinations.
 */
#ifndef XS_ADMIT_BPF_H
#define XS_ADMIT_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xs_shared.h"
#include "xs_parse.bpf.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/* RFC 1071 over the header, options included (IHL words of 32 bits). */
static __always_inline int xs_ipv4_csum_ok(struct iphdr *iph, void *data_end)
{
	__u32 *w = (void *)iph, ihl = iph->ihl;
	__u64 sum = 0;

	/*
	 * Spelled out: constant offsets, each word checked against data_end,
	 * which the verifier follows (a loop with a variable offset it does not).
	 */
#define XS_CSUM_WORD(i)						\
	if (ihl > (i)) {					\
		if ((void *)(w + (i) + 1) > data_end)		\
			return 0;				\
		sum += w[i];					\
	}
	XS_CSUM_WORD(0) XS_CSUM_WORD(1) XS_CSUM_WORD(2) XS_CSUM_WORD(3)
	XS_CSUM_WORD(4) XS_CSUM_WORD(5) XS_CSUM_WORD(6) XS_CSUM_WORD(7)
	XS_CSUM_WORD(8) XS_CSUM_WORD(9) XS_CSUM_WORD(10) XS_CSUM_WORD(11)
	XS_CSUM_WORD(12) XS_CSUM_WORD(13) XS_CSUM_WORD(14)
#undef XS_CSUM_WORD
	/* fold 64 -> 16 bits: the byte order does not matter for == 0xffff */
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* Network order in, tests on the top bits. */
static __always_inline int xs_v4_martian_src(__be32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h >> 24) == 0 ||	/* 0/8, "this network" */
	       (h >> 24) == 127 ||	/* loopback */
	       (h >> 28) >= 0xe;	/* 224/4 multicast, 240/4 class E, 255.255.255.255 */
}

static __always_inline int xs_v4_martian_dst(__be32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h >> 24) == 0 || (h >> 24) == 127 ||
	       (h >> 28) == 0xe ||	/* multicast: not unicast forwarding */
	       h == 0xffffffff;		/* limited broadcast */
}

/* ::, ::1 */
static __always_inline int xs_v6_unspec_or_loop(const __u32 *a)
{
	return !a[0] && !a[1] && !a[2] && (!a[3] || a[3] == bpf_htonl(1));
}

static __always_inline int xs_v6_martian_src(const __u32 *a)
{
	__u32 h = bpf_ntohl(a[0]);

	return xs_v6_unspec_or_loop(a) ||
	       (h >> 24) == 0xff ||			/* multicast */
	       (h & 0xffc00000) == 0xfe800000 ||	/* link-local: never forwarded */
	       (!a[0] && !a[1] && a[2] == bpf_htonl(0xffff));	/* ::ffff:0:0/96 */
}

static __always_inline int xs_v6_martian_dst(const __u32 *a)
{
	__u32 h = bpf_ntohl(a[0]);

	return xs_v6_unspec_or_loop(a) || (h >> 24) == 0xff ||
	       (h & 0xffc00000) == 0xfe800000;
}

/* No memcmp in BPF: byte by byte, unrolled (6 loads). */
static __always_inline int xs_mac_eq(const __u8 *a, const __u8 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
		 (a[3] ^ b[3]) | (a[4] ^ b[4]) | (a[5] ^ b[5]));
}

static __always_inline int xs_mac_set(const __u8 *a)
{
	return a[0] | a[1] | a[2] | a[3] | a[4] | a[5];
}

/*
 * The checks that need no lookup, before the flow is accounted. Returns 0
 * (admitted) or the xs_stat reason to pass the frame up.
 */
static __always_inline int xs_admit(struct xdp_md *ctx, struct xs_pkt *p)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	const struct xs_config *cfg = p->cfg;

	if ((void *)(eth + 1) > data_end)
		return XS_STAT_DROP_TRUNCATED;	/* parsed before: cannot happen */
	if (eth->h_dest[0] & 1)			/* I/G bit: broadcast, multicast */
		return XS_STAT_PASS_L2_MCAST;
	if (cfg && xs_mac_set(cfg->dev_mac) && !xs_mac_eq(eth->h_dest, cfg->dev_mac))
		return XS_STAT_PASS_L2_NOT_OURS;

	if (p->l3_proto == ETH_P_IP) {
		struct iphdr *iph = p->l3;

		if ((void *)(iph + 1) > data_end)
			return XS_STAT_DROP_TRUNCATED;
		if (!xs_ipv4_csum_ok(iph, data_end))
			return XS_STAT_PASS_IP_CSUM;
		if (xs_v4_martian_src(iph->saddr))
			return XS_STAT_PASS_MARTIAN_SRC;
		if (xs_v4_martian_dst(iph->daddr))
			return XS_STAT_PASS_MARTIAN_DST;
	} else {
		if (xs_v6_martian_src(p->key.saddr))
			return XS_STAT_PASS_MARTIAN_SRC;
		if (xs_v6_martian_dst(p->key.daddr))
			return XS_STAT_PASS_MARTIAN_DST;
	}
	return 0;
}

/*
 * IPv4 source on the reverse path, as fib_validate_source(): a lookup of
 * the source from the ingress interface. Whatever rp_filter says, a source
 * that is one of our own addresses is martian; with rp_filter loose the
 * source needs a unicast route back, with strict that route must leave by
 * the ingress interface. The helper answers NOT_FWDED both for a local or
 * broadcast route and for no route at all (-ENETUNREACH): the kernel
 * decides those (stricter than it, never laxer). One more FIB lookup, made
 * only for IPv4 about to be redirected. IPv6 has no rp_filter.
 */
static __always_inline int xs_admit_rpf(struct xdp_md *ctx, struct xs_pkt *p)
{
	const struct xs_config *cfg = p->cfg;
	struct bpf_fib_lookup fib = {};
	struct iphdr *iph = p->l3;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 rpf = cfg ? cfg->flags & (XS_CFG_F_RPF_STRICT | XS_CFG_F_RPF_LOOSE) : 0;
	int rc;

	if (p->l3_proto != ETH_P_IP)
		return 0;
	if ((void *)(iph + 1) > data_end)
		return XS_STAT_DROP_TRUNCATED;
	fib.family = AF_INET;
	fib.ifindex = ctx->ingress_ifindex;
	fib.tos = iph->tos;
	fib.ipv4_src = iph->daddr;
	fib.ipv4_dst = iph->saddr;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		if ((rpf & XS_CFG_F_RPF_STRICT) && fib.ifindex != ctx->ingress_ifindex)
			return XS_STAT_PASS_RPF;
		return 0;
	case BPF_FIB_LKUP_RET_NOT_FWDED:	/* local, broadcast, or no route */
		return XS_STAT_PASS_RPF;
	default:				/* unreachable, blackhole, prohibit */
		return rpf ? XS_STAT_PASS_RPF : 0;
	}
}

#endif /* XS_ADMIT_BPF_H */
