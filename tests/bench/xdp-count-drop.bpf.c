// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The packet sink for bench-srv6: counts and drops plain (not encapsulated)
 * UDP packets to port 9, IPv6 or IPv4, and passes everything else to the
 * kernel. Counting only the decapsulated payload means a packet that is
 * still SRv6-encapsulated, or any stray control traffic, is not counted as
 * delivered. The count is per CPU, in slot 0 of the array map "cd_count".
 * One logic, two entry points: XDP, and tc ingress (clsact, direct action).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cd_count SEC(".maps");

#define SINK_PORT 9

/* The packet is counted and is to be dropped: true; false: let it pass. */
static __always_inline int count(void *data, void *end)
{
	unsigned char *p = data;
	__u16 proto, dport;
	__u32 zero = 0, l4;
	__u64 *cnt;

	if (data + 14 > end)
		return 0;
	proto = p[12] << 8 | p[13];
	if (proto == ETH_P_IPV6) {
		if (data + 14 + 40 + 8 > end || p[14 + 6] != IPPROTO_UDP)
			return 0;
		l4 = 14 + 40;
	} else if (proto == ETH_P_IP) {
		if (data + 14 + 20 + 8 > end || p[14] != 0x45 || p[14 + 9] != IPPROTO_UDP)
			return 0;
		l4 = 14 + 20;
	} else {
		return 0;
	}
	dport = p[l4 + 2] << 8 | p[l4 + 3];
	if (dport != SINK_PORT)
		return 0;
	cnt = bpf_map_lookup_elem(&cd_count, &zero);
	if (cnt)
		*cnt += 1;
	return 1;
}

SEC("xdp")
int xs_bench_count_drop(struct xdp_md *ctx)
{
	return count((void *)(long)ctx->data, (void *)(long)ctx->data_end) ? XDP_DROP : XDP_PASS;
}

/*
 * The same at tc ingress (direct action): on a veth without XDP the frame
 * stays an skb, which spares the copy into a page that XDP on a veth needs
 * for frames from the kernel stack (skb_pp_cow_data).
 */
SEC("tc")
int xs_bench_count_drop_tc(struct __sk_buff *skb)
{
	/* frames from a packet socket's TX ring keep their payload in pages */
	if ((long)skb->data + 14 + 40 + 8 > (long)skb->data_end)
		bpf_skb_pull_data(skb, 14 + 40 + 8);
	return count((void *)(long)skb->data, (void *)(long)skb->data_end) ?
		2 /* TC_ACT_SHOT */ : -1 /* TC_ACT_UNSPEC */;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
