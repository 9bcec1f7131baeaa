// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cgmark: every inet socket created in the cgroups this program is attached
 * to gets the tenant's mark, so the host's fwmark rule routes its traffic
 * into the tenant namespace. netns/xsteer-netns loads it with bpftool, pins
 * it and the map under <bpffs>/xsteer-netns/<tenant>/, writes the mark into
 * the map and attaches it (cgroup/sock_create) to each --match cgroup=PATH.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* key 0: the mark; 0 means "leave the socket alone" */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xs_cgmark_mark SEC(".maps");

SEC("cgroup/sock_create")
int xs_cgmark(struct bpf_sock *sk)
{
	__u32 key = 0;
	__u32 *mark;

	mark = bpf_map_lookup_elem(&xs_cgmark_mark, &key);
	/* the verifier insists on the NULL check even for an array map */
	if (mark && *mark)
		sk->mark = *mark;	/* a later SO_MARK still overrides it */
	return 1;			/* 1 = allow the socket */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
