// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tc-drop: a lossy link for tests/ns/test-congestion. On a tc hook (clsact
 * egress), drops knobs.drop_per_mille (per mille) of the IPv6 packets of at
 * least knobs.min_len bytes (data segments, not ACKs): by a per-packet
 * counter (every 1000/drop_per_mille-th packet: steady) or, with
 * knobs.use_random, by bpf_get_prandom_u32(). The knobs are in .data: change
 * them on the loaded program with bpftool map update (the test finds the
 * map from the filter's program id).
 *
 *   tc qdisc add dev X clsact
 *   tc filter add dev X egress bpf da obj tc-drop.bpf.o sec tc
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* .data: one struct, so the test can write it as one 16-byte value */
volatile struct {
	__u32 drop_per_mille;	/* share of the packets dropped */
	__u32 min_len;		/* shorter packets (ACKs) pass */
	__u32 use_random;	/* 0: every n-th packet; 1: bpf_get_prandom_u32() */
	__u32 pad0;
} knobs = { .drop_per_mille = 30, .min_len = 500 };

__u64 seen = 0, dropped = 0;	/* .bss: for the curious (bpftool map dump) */

SEC("tc")
int tc_drop(struct __sk_buff *skb)
{
	__u32 pm = knobs.drop_per_mille;
	__u64 n;

	if (skb->protocol != bpf_htons(ETH_P_IPV6) || skb->len < knobs.min_len || !pm)
		return TC_ACT_OK;
	n = __sync_fetch_and_add(&seen, 1);
	/* counter: packet n is dropped when n * pm crosses a multiple of 1000 */
	if (knobs.use_random ? bpf_get_prandom_u32() % 1000 < pm :
			       (n * pm) % 1000 + pm >= 1000) {
		__sync_fetch_and_add(&dropped, 1);
		return TC_ACT_SHOT;
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
