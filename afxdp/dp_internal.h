/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the AF_XDP datapath: its state, shared by the packet loop
 * (datapath.c) and the setup, paths and counters (dp_setup.c).
 */
#ifndef XS_DP_INTERNAL_H
#define XS_DP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <xdp/xsk.h>
#include "datapath.h"

#define XDP_PKT_HEADROOM 256	/* XDP_PACKET_HEADROOM, kernel-internal */
#define ETH_HLEN_ 14

struct xs_dp_path {
	struct xs_srv6_path srv6;
	uint8_t mac[6];
	bool resolved;		/* mac is the first SID's next hop */
};

struct xs_dp_queue {
	struct xs_dp *dp;
	uint32_t qid;
	uint8_t *area;
	size_t area_size;
	struct xsk_umem *umem;
	struct xsk_ring_prod fq_h;	/* host side fill / completion */
	struct xsk_ring_cons cq_h;
	struct xsk_ring_prod fq_u;	/* uplink fill (unused) / completion */
	struct xsk_ring_cons cq_u;
	struct xsk_ring_cons rx_h;
	struct xsk_ring_prod tx_h;
	struct xsk_ring_prod tx_u;
	struct xsk_socket *xsk_h;
	struct xsk_socket *xsk_u;
	uint64_t *free;		/* stack of free frame addresses */
	uint32_t nfree;
	uint32_t tx_pending;	/* uplink frames submitted, not completed */
	uint64_t *tx_addr;	/* this batch's frames for the uplink */
	uint32_t *tx_len;
	double ptb_tokens;
	uint64_t ptb_last_ns;
	_Atomic uint64_t epoch;	/* bumped every loop: grace periods */
	struct xs_dp_stats st;
	uint64_t path_pkts[XS_PATHS_MAX];	/* sent on each path */
	uint64_t path_bytes[XS_PATHS_MAX];	/* L3 bytes after encapsulation */
	pthread_t thread;
	bool running;
};

struct xs_dp {
	struct xs_dp_config cfg;
	int host_ifindex;
	int uplink_ifindex;
	uint8_t uplink_mac[6];
	_Atomic uint32_t uplink_mtu;
	struct in6_addr host6;
	uint32_t host4;
	struct xs_dp_path *_Atomic paths[XS_PATHS_MAX];
	struct xs_dp_queue *q;
	uint32_t nq;
	atomic_bool stop;
	/* xs_xsk_beat, mapped: [qid] = CLOCK_MONOTONIC ns of the last loop */
	_Atomic uint64_t *beat;
	size_t beat_size;
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Alive: the XDP program keeps redirecting to this queue (xs_xsk_stale). */
static inline void xs_dp_q_beat(struct xs_dp_queue *q)
{
	atomic_store_explicit(&q->dp->beat[q->qid], now_ns(), memory_order_relaxed);
}

/* datapath.c: the loop of one queue's thread, and its fill ring */
void *xs_dp_q_thread(void *arg);
void xs_dp_q_refill(struct xs_dp_queue *q);

#endif
