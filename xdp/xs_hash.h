/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The 64-bit mixer the XDP program's sketch and the controller's flow table
 * both hash with. Standalone (linux/types.h only): BPF code includes it too.
 */
#ifndef XS_HASH_H
#define XS_HASH_H

#include <linux/types.h>

/* murmur3's finalizer: every input bit flips each output bit with p ~ 1/2 */
static inline __attribute__((always_inline)) __u64 xs_fmix64(__u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#endif
