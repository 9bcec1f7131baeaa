// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The ceiling for bench-xdp: the least an XDP forwarder can do. Every
 * frame gets the MACs of bench-xdp's uplink hop (u0 -> r0, fixed in its
 * topology) and is redirected through a devmap to whatever device
 * xs_bench_tx[0] holds (bench-xdp writes u0's ifindex there). No parsing,
 * no lookups, no TTL: what xsteer's fast path could at best approach
 * through the same veth pairs.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xs_bench_tx SEC(".maps");

SEC("xdp")
int xs_bench_redirect(struct xdp_md *ctx)
{
	static const __u8 dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x01 };	/* r0 */
	static const __u8 src[ETH_ALEN] = { 0x02, 0, 0, 0, 0x02, 0x02 };	/* u0 */
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, dst, ETH_ALEN);
	__builtin_memcpy(eth->h_source, src, ETH_ALEN);
	return bpf_redirect_map(&xs_bench_tx, 0, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
