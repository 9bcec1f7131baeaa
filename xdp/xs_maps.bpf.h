/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Maps of the xsteer XDP program. Sizes here are defaults: the loader sets
 * the table sizes before load, and pins every map so a restarted daemon
 * finds the same state.
 */
#ifndef XS_MAPS_BPF_H
#define XS_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xs_shared.h"

/*
 * Plain hash, not LRU: an LRU would let a storm of tiny flows evict the
 * heavy hitters. When it is full, new flows are counted as not tracked.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XS_FLOW_TABLE_DEFAULT);
	__type(key, struct xs_flow_key);
	__type(value, struct xs_flow_stats);
} xs_flows SEC(".maps");

/* Flows the controller wants on an SR path: their packets go to AF_XDP. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XS_STEER_TABLE_DEFAULT);
	__type(key, struct xs_flow_key);
	__type(value, struct xs_steer_entry);
} xs_steer SEC(".maps");

/* RX queue index -> AF_XDP socket. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XS_XSKS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xs_xsks SEC(".maps");

/*
 * RX queue index -> when its datapath thread last went round its loop
 * (bpf_ktime_get_ns clock). Mmapable: the threads write it with a plain
 * store, no syscall per beat. See XS_XSK_BEAT_MS in xs_shared.h.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XS_XSKS_MAX);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} xs_xsk_beat SEC(".maps");

/* Egress ifindex -> device, for the fast path's redirect. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XS_TX_PORTS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} xs_tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XS_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} xs_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_config);
} xs_config SEC(".maps");

/* Datapath -> controller events (struct xs_event). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XS_EVENTS_BYTES);
} xs_events SEC(".maps");

/*
 * The count-min sketch of flows not in xs_flows (see xs_shared.h):
 * XS_SKETCH_ROWS rows of XS_SKETCH_WIDTH cells, row r at r * WIDTH.
 * Per CPU: no atomics, no cache line shared between CPUs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XS_SKETCH_ROWS * XS_SKETCH_WIDTH);
	__type(key, __u32);
	__type(value, struct xs_sketch_cell);
} xs_sketch SEC(".maps");

/* Per CPU: xs_flows' entry count as last summed (struct xs_fill). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xs_fill);
} xs_fill SEC(".maps");

/*
 * The kernel's struct bpf_map, only the field read here (CO-RE: the
 * offset comes from the running kernel's BTF). A map's address in BPF code
 * is a pointer to it.
 */
struct bpf_map {
	__u32 max_entries;
} __attribute__((preserve_access_index));

/*
 * The entries a hash map holds, summed over the CPUs' counters (kernel
 * 6.6+; a kfunc callable from any program type). Weak: without it the
 * program still loads, and the table admits freely until it is full.
 */
extern __s64 bpf_map_sum_elem_count(const struct bpf_map *map) __ksym __weak;

static __always_inline void xs_count(enum xs_stat s)
{
	__u32 key = s;
	__u64 *v = bpf_map_lookup_elem(&xs_stats, &key);

	if (v)
		*v += 1;	/* per-CPU: no atomic needed */
}

#endif /* XS_MAPS_BPF_H */
