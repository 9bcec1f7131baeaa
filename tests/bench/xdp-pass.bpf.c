// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The baseline for bench-xdp: an XDP program that does nothing but pass
 * every packet to the kernel. Its run time per packet is the cost of
 * running any XDP program at all; xsteer's run time minus this one is what
 * xsteer's parsing, accounting and FIB lookup add.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xs_bench_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
