/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The AF_XDP datapath: per RX queue of the host-facing interface, one UMEM
 * shared by a socket on that queue (RX of steered frames, TX of ICMP errors
 * back to the host) and a socket on the uplink (TX of encapsulated frames),
 * so a frame goes from RX to TX without a copy; the SRv6 headers go in the
 * frame's headroom.
 *
 * Paths are published by the control side as immutable objects (pointer
 * swap); the datapath threads never lock. What it needs to know of the
 * interfaces (queues, the uplink's MAC and MTU, each path's next hop) is
 * handed to it: the datapath asks the kernel nothing but its sockets.
 */
#ifndef XS_DATAPATH_H
#define XS_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include "srv6.h"
#include "xdp/xs_shared.h"

#define XS_DP_FRAME_SIZE	4096
#define XS_DP_FRAME_HEADROOM	64	/* + XDP_PACKET_HEADROOM (256) */
#define XS_DP_FRAMES_DEFAULT	4096
#define XS_DP_RING_DEFAULT	2048
#define XS_DP_BATCH_DEFAULT	64
#define XS_DP_PTB_RATE_DEFAULT	100	/* ICMP errors per second per queue */

/* Per-queue counters; the X-macro gives their metric names. */
#define XS_DP_STATS(X)							\
	X(rx,			"frames received from the host side")	\
	X(tx,			"frames sent on the uplink")		\
	X(encap_ipv6,		"IPv6 packets encapsulated/inserted")	\
	X(encap_ipv4,		"IPv4 packets encapsulated")		\
	X(too_big,		"packets that would exceed the uplink MTU") \
	X(icmp_sent,		"ICMP too-big errors sent to the host")	\
	X(icmp_ratelimited,	"ICMP errors suppressed by the rate limit") \
	X(icmp_not_sent,	"too big, but no error allowed (IPv4 without DF...)") \
	X(no_path,		"drops: path id without a path")	\
	X(no_nexthop,		"drops: path whose next hop is unresolved") \
	X(bad_meta,		"drops: frame without xsteer metadata")	\
	X(bad_frame,		"drops: malformed frame")		\
	X(encap_error,		"drops: header push failed")		\
	X(tx_ring_full,		"drops: uplink TX ring full")		\
	X(fill_ring_empty,	"times the fill ring ran dry")

#define XS_DP_STAT_FIELD(n, d) uint64_t n;
struct xs_dp_stats {
	XS_DP_STATS(XS_DP_STAT_FIELD)
};
#undef XS_DP_STAT_FIELD

struct xs_dp_config {
	const char *host_if;
	const char *uplink_if;
	int xsks_map_fd;
	/* xs_xsk_beat: mapped at create, so the fd may be closed after it */
	int beat_map_fd;
	uint32_t frames;	/* UMEM frames per queue */
	uint32_t ring_size;	/* each ring */
	uint32_t batch;
	uint32_t queues;	/* RX queues of host_if (0: one) */
	uint8_t uplink_mac[6];	/* source MAC of what leaves on the uplink */
	uint32_t uplink_mtu;
	uint32_t ptb_rate;
	bool no_need_wakeup;	/* kick TX after every batch */
	bool no_encap;		/* benchmarks only: forward without SRv6 headers */
};

struct xs_dp;

int xs_dp__create(struct xs_dp **dp, const struct xs_dp_config *cfg);
int xs_dp_start(struct xs_dp *dp);
void xs_dp_stop(struct xs_dp *dp);
void xs_dp__destroy(struct xs_dp *dp);

/* Largest frame a UMEM chunk takes (goes into xs_config.xsk_frame_max). */
uint32_t xs_dp_frame_max(void);
int xs_dp_queue_count(const struct xs_dp *dp);

/* Publish (or replace) path id; the old version is freed after every
 * datapath thread has moved past it. mac: next hop of the first SID, or
 * NULL while unresolved (packets on the path are dropped and counted). */
int xs_dp_set_path(struct xs_dp *dp, uint32_t id, const struct xs_srv6_path *p,
		   const uint8_t mac[6]);
int xs_dp_del_path(struct xs_dp *dp, uint32_t id);
/* The uplink's MTU changed (or was read again). */
void xs_dp_set_uplink_mtu(struct xs_dp *dp, uint32_t mtu);
uint32_t xs_dp_uplink_mtu(const struct xs_dp *dp);

void xs_dp_stats_sum(const struct xs_dp *dp, struct xs_dp_stats *sum);
/* Packets and bytes sent on path id, summed over queues. */
void xs_dp_path_stats(const struct xs_dp *dp, uint32_t id, uint64_t *pkts, uint64_t *bytes);
void xs_dp_stats_queue(const struct xs_dp *dp, int q, struct xs_dp_stats *out);

#endif
