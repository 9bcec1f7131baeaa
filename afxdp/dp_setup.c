// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The AF_XDP datapath's setup and control side: UMEM and sockets per queue,
 * start and stop, paths published for the threads (pointer swap after a
 * grace period), counters.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include "dp_internal.h"

/* Source addresses of the ICMP errors: the host-facing interface's own. */
static void host_addrs(struct xs_dp *dp)
{
	struct ifaddrs *ifa, *i;
	bool have6 = false;

	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, dp->cfg.host_if))
			continue;
		if (i->ifa_addr->sa_family == AF_INET && !dp->host4) {
			dp->host4 = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			/* prefer a global address; link-local will do */
			if (!have6 || IN6_IS_ADDR_LINKLOCAL(&dp->host6)) {
				dp->host6 = *a;
				have6 = !IN6_IS_ADDR_LINKLOCAL(a);
			}
		}
	}
	freeifaddrs(ifa);
}

static int q_setup(struct xs_dp *dp, struct xs_dp_queue *q, uint32_t qid)
{
	struct xsk_umem_config ucfg = {
		.fill_size = dp->cfg.ring_size,
		.comp_size = dp->cfg.ring_size,
		.frame_size = XS_DP_FRAME_SIZE,
		.frame_headroom = XS_DP_FRAME_HEADROOM,
	};
	struct xsk_socket_config scfg = {
		.rx_size = dp->cfg.ring_size,
		.tx_size = dp->cfg.ring_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		/* veth and macvlan have no zero-copy: copy mode, explicitly */
		.bind_flags = XDP_COPY | (dp->cfg.no_need_wakeup ? 0 : XDP_USE_NEED_WAKEUP),
	};
	uint32_t i;
	int err;

	q->dp = dp;
	q->qid = qid;
	q->area_size = (size_t)dp->cfg.frames * XS_DP_FRAME_SIZE;
	q->area = mmap(NULL, q->area_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	q->free = calloc(dp->cfg.frames, sizeof(*q->free));
	q->tx_addr = calloc(dp->cfg.batch, sizeof(*q->tx_addr));
	q->tx_len = calloc(dp->cfg.batch, sizeof(*q->tx_len));
	if (!q->free || !q->tx_addr || !q->tx_len)
		return -ENOMEM;
	for (i = 0; i < dp->cfg.frames; i++)
		q->free[q->nfree++] = (uint64_t)(dp->cfg.frames - 1 - i) * XS_DP_FRAME_SIZE;

	err = xsk_umem__create(&q->umem, q->area, q->area_size, &q->fq_h, &q->cq_h, &ucfg);
	if (err)
		return err;
	err = xsk_socket__create(&q->xsk_h, dp->cfg.host_if, qid, q->umem, &q->rx_h,
				 &q->tx_h, &scfg);
	if (err)
		return err;
	/* the uplink socket only transmits; it shares the UMEM */
	scfg.rx_size = 0;
	err = xsk_socket__create_shared(&q->xsk_u, dp->cfg.uplink_if, 0, q->umem, NULL,
					&q->tx_u, &q->fq_u, &q->cq_u, &scfg);
	if (err)
		return err;
	xs_dp_q_refill(q);
	return 0;
}

static void q_teardown(struct xs_dp_queue *q)
{
	if (q->xsk_u)
		xsk_socket__delete(q->xsk_u);
	if (q->xsk_h)
		xsk_socket__delete(q->xsk_h);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, q->area_size);
	free(q->free);
	free(q->tx_addr);
	free(q->tx_len);
}

int xs_dp__create(struct xs_dp **dpp, const struct xs_dp_config *cfg)
{
	struct xs_dp *dp;
	uint32_t i;
	int err;

	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->cfg = *cfg;
	if (!dp->cfg.frames)
		dp->cfg.frames = XS_DP_FRAMES_DEFAULT;
	if (!dp->cfg.ring_size)
		dp->cfg.ring_size = XS_DP_RING_DEFAULT;
	if (!dp->cfg.batch)
		dp->cfg.batch = XS_DP_BATCH_DEFAULT;
	if (!dp->cfg.ptb_rate)
		dp->cfg.ptb_rate = XS_DP_PTB_RATE_DEFAULT;
	dp->host_ifindex = if_nametoindex(cfg->host_if);
	dp->uplink_ifindex = if_nametoindex(cfg->uplink_if);
	if (!dp->host_ifindex || !dp->uplink_ifindex) {
		free(dp);
		return -ENODEV;
	}
	memcpy(dp->uplink_mac, cfg->uplink_mac, 6);
	dp->uplink_mtu = cfg->uplink_mtu;
	host_addrs(dp);

	dp->beat_size = XS_XSKS_MAX * sizeof(uint64_t);
	dp->beat = cfg->beat_map_fd < 0 ? MAP_FAILED :
		   mmap(NULL, dp->beat_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			cfg->beat_map_fd, 0);
	if (dp->beat == MAP_FAILED) {
		err = cfg->beat_map_fd < 0 ? -EBADF : -errno;
		free(dp);
		return err;
	}

	dp->nq = cfg->queues ? cfg->queues : 1;
	if (dp->nq > XS_XSKS_MAX)
		dp->nq = XS_XSKS_MAX;	/* the XSKMAP holds no more */
	dp->q = calloc(dp->nq, sizeof(*dp->q));
	if (!dp->q) {
		munmap((void *)dp->beat, dp->beat_size);
		free(dp);
		return -ENOMEM;
	}
	for (i = 0; i < dp->nq; i++) {
		err = q_setup(dp, &dp->q[i], i);
		if (err)
			goto fail;
	}
	*dpp = dp;
	return 0;
fail:
	xs_dp__destroy(dp);
	return err;
}

int xs_dp_start(struct xs_dp *dp)
{
	uint32_t i;
	int err;

	/* sockets go into the XSKMAP only once they have frames to receive into,
	 * and with a fresh beat, or the first frames would be passed as stale */
	for (i = 0; i < dp->nq; i++) {
		xs_dp_q_beat(&dp->q[i]);
		err = xsk_socket__update_xskmap(dp->q[i].xsk_h, dp->cfg.xsks_map_fd);
		if (err)
			return err;
	}
	for (i = 0; i < dp->nq; i++) {
		err = -pthread_create(&dp->q[i].thread, NULL, xs_dp_q_thread, &dp->q[i]);
		if (err)
			return err;
		dp->q[i].running = true;
	}
	return 0;
}

void xs_dp_stop(struct xs_dp *dp)
{
	uint32_t i;

	/* out of the XSKMAP first: from here on, steered packets fail open */
	for (i = 0; i < dp->nq; i++) {
		__u32 key = dp->q[i].qid;

		bpf_map_delete_elem(dp->cfg.xsks_map_fd, &key);
	}
	atomic_store(&dp->stop, true);
	for (i = 0; i < dp->nq; i++) {
		if (dp->q[i].running)
			pthread_join(dp->q[i].thread, NULL);
		dp->q[i].running = false;
	}
}

void xs_dp__destroy(struct xs_dp *dp)
{
	uint32_t i;

	if (!dp)
		return;
	xs_dp_stop(dp);
	for (i = 0; i < dp->nq; i++) {
		/* stalled from now on; a queue never set up is left alone (another
		 * datapath may own it) */
		if (dp->q[i].xsk_h)
			atomic_store(&dp->beat[dp->q[i].qid], 0);
		q_teardown(&dp->q[i]);
	}
	munmap((void *)dp->beat, dp->beat_size);
	for (i = 0; i < XS_PATHS_MAX; i++)
		free(atomic_load(&dp->paths[i]));
	free(dp->q);
	free(dp);
}

/* Wait until every running thread has started a new loop iteration. */
static void grace_period(struct xs_dp *dp)
{
	uint64_t snap[dp->nq];
	uint32_t i;
	int tries;

	for (i = 0; i < dp->nq; i++)
		snap[i] = atomic_load(&dp->q[i].epoch);
	for (i = 0; i < dp->nq; i++)
		for (tries = 0; dp->q[i].running && !atomic_load(&dp->stop) &&
		     atomic_load(&dp->q[i].epoch) == snap[i] && tries < 2000; tries++)
			usleep(500);
}

static int publish(struct xs_dp *dp, uint32_t id, struct xs_dp_path *np)
{
	struct xs_dp_path *old;

	if (id >= XS_PATHS_MAX) {
		free(np);
		return -ERANGE;
	}
	old = atomic_exchange_explicit(&dp->paths[id], np, memory_order_acq_rel);
	if (old) {
		grace_period(dp);
		free(old);
	}
	return 0;
}

int xs_dp_set_path(struct xs_dp *dp, uint32_t id, const struct xs_srv6_path *p,
		   const uint8_t mac[6])
{
	struct xs_dp_path *np = malloc(sizeof(*np));

	if (!np)
		return -ENOMEM;
	np->srv6 = *p;
	np->resolved = mac != NULL;
	memcpy(np->mac, mac ? mac : (const uint8_t *)"\0\0\0\0\0", 6);
	return publish(dp, id, np);
}

int xs_dp_del_path(struct xs_dp *dp, uint32_t id)
{
	return publish(dp, id, NULL);
}

void xs_dp_stats_queue(const struct xs_dp *dp, int q, struct xs_dp_stats *out)
{
	/* racy reads of 64-bit counters written by one thread: fine on x86-64 */
	memcpy(out, &dp->q[q].st, sizeof(*out));
}

void xs_dp_stats_sum(const struct xs_dp *dp, struct xs_dp_stats *sum)
{
	struct xs_dp_stats s;
	uint32_t i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < dp->nq; i++) {
		xs_dp_stats_queue(dp, i, &s);
#define XS_DP_ADD(n, d) sum->n += s.n;
		XS_DP_STATS(XS_DP_ADD)
#undef XS_DP_ADD
	}
}

void xs_dp_path_stats(const struct xs_dp *dp, uint32_t id, uint64_t *pkts, uint64_t *bytes)
{
	uint32_t i;

	*pkts = *bytes = 0;
	if (id >= XS_PATHS_MAX)
		return;
	for (i = 0; i < dp->nq; i++) {
		*pkts += dp->q[i].path_pkts[id];
		*bytes += dp->q[i].path_bytes[id];
	}
}
