// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tc-ce: a congested router that marks instead of dropping, for
 * tests/ns/test-congestion. On a tc hook (clsact egress), every ECN-capable
 * IPv6 packet (ECT(0) or ECT(1) in the traffic class) of at least
 * knobs.min_len bytes gets CE, as an AQM would mark it.
 *
 * An SRv6-encapsulated packet (outer IPv6, optional SRH, next header 41)
 * gets CE on the outer header, as the router sees it, and on the inner
 * one too: RFC 6040 says a decapsulator copies an outer CE to an ECN-capable
 * inner header, but Linux's seg6local End.DX6 does not, so without this the
 * receiver never sees the mark. IPv6 has no header checksum and the TCP
 * pseudo-header does not cover the traffic class: nothing to fix up.
 *
 *   tc qdisc add dev X clsact
 *   tc filter add dev X egress bpf da obj tc-ce.bpf.o sec tc
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* .data: change on the loaded program with bpftool map update */
volatile struct {
	__u32 min_len;		/* shorter packets (ACKs) are left alone */
	__u32 mark_inner;	/* 0: the outer header only */
} knobs = { .min_len = 500, .mark_inner = 1 };

__u64 marked = 0, marked_inner = 0;

#define ETH_HLEN_ 14

/* Sets CE at offset off (an IPv6 header) if ECT; returns 1 when marked. */
static __always_inline int mark(struct __sk_buff *skb, __u32 off)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	__u8 *b = data + off;

	if ((void *)(b + 2) > end || (b[0] >> 4) != 6)
		return 0;
	/* traffic class = b[0] low nibble, b[1] high nibble; ECN = its 2 low bits */
	if (!((b[1] >> 4) & 3))
		return 0;	/* Not-ECT: a real AQM would drop; leave it */
	b[1] |= 0x30;
	return 1;
}

SEC("tc")
int tc_ce(struct __sk_buff *skb)
{
	void *data, *end;
	__u8 *ip6, nh;
	__u32 off = ETH_HLEN_ + 40;

	if (skb->protocol != bpf_htons(ETH_P_IPV6) || skb->len < knobs.min_len)
		return TC_ACT_OK;
	if (bpf_skb_pull_data(skb, skb->len < 256 ? skb->len : 256))
		return TC_ACT_OK;
	if (mark(skb, ETH_HLEN_))
		__sync_fetch_and_add(&marked, 1);
	if (!knobs.mark_inner)
		return TC_ACT_OK;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	ip6 = data + ETH_HLEN_;
	if ((void *)(ip6 + 40) > end)
		return TC_ACT_OK;
	nh = ip6[6];
	if (nh == 43) {		/* routing header (SRH): skip it */
		__u8 *rh = data + off;

		if ((void *)(rh + 2) > end)
			return TC_ACT_OK;
		nh = rh[0];
		off += ((__u32)rh[1] + 1) * 8;
	}
	if (nh != 41 || off > 200)	/* IPv6 in IPv6 */
		return TC_ACT_OK;
	if (mark(skb, off))
		__sync_fetch_and_add(&marked_inner, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
