/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The detector for flows not in the exact table: a per-CPU count-min
 * sketch with conservative update over a sliding window of one to two
 * windows, and the fill level of xs_flows that decides when admission
 * stops being free. Why this structure: docs/DETECTION.md.
 */
#ifndef XS_SKETCH_BPF_H
#define XS_SKETCH_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xs_hash.h"
#include "xs_shared.h"
#include "xs_maps.bpf.h"
#include "xs_parse.bpf.h"

/*
 * The hash's seed: drawn at random by the loader before the program is
 * loaded (ctl/lib/loader.c), so no one can compute which flows share
 * cells from the code alone. In .rodata: the verifier sees a constant (no
 * lookup per packet), and it cannot change under a sketch filled with it.
 * The map is pinned with the others, so a program loaded again over the
 * same pins (attach after detach --keep-maps, a daemon's restart) reuses
 * it, seed and all: the sketch's cells keep their meaning. A test or a
 * replay sets a known seed (0 gives the hash of before the seed).
 */
const volatile __u64 xs_sketch_seed = 0;

/*
 * 64-bit hash of the 40-byte key: five multiply-xorshift rounds from the
 * seeded state and murmur3's finaliser. Not a keyed PRF (SipHash is): see
 * docs/DETECTION.md on what the seed does and does not stop.
 */
static __always_inline __u64 xs_key_hash(const struct xs_flow_key *k)
{
	const __u64 *w = (const __u64 *)k;
	__u64 h = 0x9e3779b97f4a7c15ULL ^ xs_sketch_seed;
	int i;

	XS_STATIC_ASSERT(sizeof(*k) == 40, "five 64-bit words");
#pragma unroll
	for (i = 0; i < 5; i++) {
		h ^= w[i];
		h *= 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	return xs_fmix64(h);
}

/* The window this packet falls in (the coarse clock is enough). */
static __always_inline __u32 xs_sketch_epoch(const struct xs_pkt *p)
{
	const struct xs_config *cfg = p->cfg;
	__u64 win = cfg && cfg->sketch_window_ns ? cfg->sketch_window_ns
						 : XS_SKETCH_WINDOW_NS_DEFAULT;

	return (__u32)(p->now / win) + (cfg ? cfg->sketch_epoch : 0);
}

/* Bring a cell to window e: the current window becomes the previous one. */
static __always_inline void xs_cell_roll(struct xs_sketch_cell *c, __u32 e)
{
	if (c->epoch == e)
		return;
	c->prev = c->epoch == e - 1 ? c->cur : 0;
	c->cur = 0;
	c->epoch = e;
}

/*
 * Count the packet and return the flow's estimate with it (bytes in the
 * last one to two windows, never below the truth on this CPU); *before:
 * the estimate without it. Conservative update: each counter is raised
 * only as far as the new estimate, never by the packet's length blindly,
 * so mice sharing a counter with another flow inflate it far less.
 */
static __always_inline __u64 xs_sketch_add(const struct xs_pkt *p, __u64 *before)
{
	struct xs_sketch_cell *c[XS_SKETCH_ROWS];
	__u64 h = xs_key_hash(&p->key), est = ~0ULL, want;
	__u32 e = xs_sketch_epoch(p), idx;
	int r;

	*before = 0;
#pragma unroll
	for (r = 0; r < XS_SKETCH_ROWS; r++) {
		/* rows take disjoint 14-bit slices of one well-mixed hash */
		idx = r * XS_SKETCH_WIDTH +
		      (__u32)((h >> (r * XS_SKETCH_WIDTH_SHIFT)) & (XS_SKETCH_WIDTH - 1));
		c[r] = bpf_map_lookup_elem(&xs_sketch, &idx);
		if (!c[r])
			return 0;	/* cannot happen: idx is below max_entries */
		xs_cell_roll(c[r], e);
		if ((__u64)c[r]->cur + c[r]->prev < est)
			est = (__u64)c[r]->cur + c[r]->prev;
	}
	*before = est;
	want = est + p->l3_len;
#pragma unroll
	for (r = 0; r < XS_SKETCH_ROWS; r++) {
		__u64 have = (__u64)c[r]->cur + c[r]->prev;

		if (have < want) {
			__u64 cur = want - c[r]->prev;

			c[r]->cur = cur > 0xffffffffULL ? 0xffffffffU : (__u32)cur;
		}
	}
	return want;
}

/*
 * Is xs_flows at or above its fill level (max_entries - reserve)? The count
 * is the kernel's own (inserts and deletes by anyone, the controller's
 * ageing included), summed over CPUs at most once per coarse tick per CPU
 * (the sum walks every possible CPU), plus this CPU's inserts since: other
 * CPUs' inserts within one tick are the only overshoot into the reserve.
 */
static __always_inline int xs_table_above_fill(const struct xs_pkt *p, struct xs_fill **fillp)
{
	const struct bpf_map *m = (const struct bpf_map *)&xs_flows;
	const struct xs_config *cfg = p->cfg;
	__u32 zero = 0, max, reserve;
	struct xs_fill *f;

	*fillp = NULL;
	if (!bpf_map_sum_elem_count)
		return 0;	/* an older kernel: free until full */
	f = bpf_map_lookup_elem(&xs_fill, &zero);
	if (!f)
		return 0;
	*fillp = f;
	max = m->max_entries;
	reserve = cfg && cfg->flow_reserve ? cfg->flow_reserve : max >> XS_FLOW_RESERVE_SHIFT;
	if (reserve > max)
		reserve = max;
	/*
	 * Below the fill level the sum is taken afresh (one per new flow, as
	 * many as inserts); at or above it, once per tick: only the
	 * controller's ageing makes room, every scan period.
	 */
	if (f->tick != p->now || f->count + f->local < max - reserve) {
		f->count = (__u32)bpf_map_sum_elem_count(m);
		f->local = 0;
		f->tick = p->now;
	}
	return f->count + f->local >= max - reserve;
}

/* An insert into xs_flows on this CPU: the next check counts it. */
static __always_inline void xs_fill_inserted(struct xs_fill *f)
{
	if (f)
		f->local++;
}

#endif /* XS_SKETCH_BPF_H */
