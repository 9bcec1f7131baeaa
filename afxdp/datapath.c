// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include <xdp/xsk.h>
#include "datapath.h"
#include "icmp.h"

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
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint32_t xs_dp_frame_max(void)
{
	return XS_DP_FRAME_SIZE - XDP_PKT_HEADROOM - XS_DP_FRAME_HEADROOM;
}

int xs_dp_queue_count(const struct xs_dp *dp)
{
	return dp->nq;
}

void xs_dp_set_uplink_mtu(struct xs_dp *dp, uint32_t mtu)
{
	atomic_store(&dp->uplink_mtu, mtu);
}

uint32_t xs_dp_uplink_mtu(const struct xs_dp *dp)
{
	return atomic_load(&dp->uplink_mtu);
}

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

static void q_free_frame(struct xs_dp_queue *q, uint64_t addr)
{
	q->free[q->nfree++] = addr & ~((uint64_t)XS_DP_FRAME_SIZE - 1);
}

static uint32_t q_complete(struct xs_dp_queue *q, struct xsk_ring_cons *cq)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(cq, q->dp->cfg.ring_size, &idx);
	for (i = 0; i < n; i++)
		q_free_frame(q, *xsk_ring_cons__comp_addr(cq, idx + i));
	if (n)
		xsk_ring_cons__release(cq, n);
	return n;
}

static void q_refill(struct xs_dp_queue *q)
{
	uint32_t idx, n, i, want = xsk_prod_nb_free(&q->fq_h, q->nfree);

	if (want > q->nfree)
		want = q->nfree;
	if (!want) {
		if (!q->nfree)
			q->st.fill_ring_empty++;
		return;
	}
	n = xsk_ring_prod__reserve(&q->fq_h, want, &idx);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fq_h, idx + i) = q->free[--q->nfree];
	xsk_ring_prod__submit(&q->fq_h, n);
}

static void kick(struct xsk_socket *xsk, struct xsk_ring_prod *tx, bool always)
{
	if (always || xsk_ring_prod__needs_wakeup(tx))
		sendto(xsk_socket__fd(xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static bool ptb_token(struct xs_dp_queue *q)
{
	uint64_t now = now_ns();
	double rate = q->dp->cfg.ptb_rate, burst = rate / 10 + 1;

	q->ptb_tokens += (now - q->ptb_last_ns) * rate / 1e9;
	if (q->ptb_tokens > burst)
		q->ptb_tokens = burst;
	q->ptb_last_ns = now;
	if (q->ptb_tokens < 1)
		return false;
	q->ptb_tokens -= 1;
	return true;
}

/* ICMP too-big back out of the host side, in a frame of its own. */
static void send_too_big(struct xs_dp_queue *q, const uint8_t *eth, const uint8_t *l3,
			 uint32_t l3_len, uint32_t mtu)
{
	struct xs_dp *dp = q->dp;
	uint8_t *f;
	uint64_t addr;
	uint32_t idx;
	int n;

	if (!q->nfree || !ptb_token(q)) {
		q->st.icmp_ratelimited++;
		return;
	}
	addr = q->free[q->nfree - 1] + XDP_PKT_HEADROOM;
	f = q->area + addr;
	n = xs_icmp_too_big(l3, l3_len, mtu, &dp->host6, dp->host4, f + ETH_HLEN_,
			    XS_DP_FRAME_SIZE - XDP_PKT_HEADROOM - ETH_HLEN_);
	if (n < 0) {
		q->st.icmp_not_sent++;
		return;
	}
	memcpy(f, eth + 6, 6);		/* back to the sender's MAC */
	memcpy(f + 6, eth, 6);		/* from the MAC it sent to */
	f[12] = (l3[0] >> 4) == 6 ? 0x86 : 0x08;
	f[13] = (l3[0] >> 4) == 6 ? 0xdd : 0x00;
	if (xsk_ring_prod__reserve(&q->tx_h, 1, &idx) != 1) {
		q->st.icmp_ratelimited++;
		return;
	}
	q->nfree--;
	xsk_ring_prod__tx_desc(&q->tx_h, idx)->addr = addr;
	xsk_ring_prod__tx_desc(&q->tx_h, idx)->len = n + ETH_HLEN_;
	xsk_ring_prod__submit(&q->tx_h, 1);
	kick(q->xsk_h, &q->tx_h, true);
	q->st.icmp_sent++;
}

static void dec_ttl4(uint8_t *ip)
{
	uint32_t check;
	uint16_t c;

	memcpy(&c, ip + 10, 2);
	check = c + htons(0x0100);	/* RFC 1624, as the kernel's ip_decrease_ttl */
	c = check + (check >= 0xFFFF);
	memcpy(ip + 10, &c, 2);
	ip[8]--;
}

/*
 * One received frame. Returns true when it goes to the uplink (addr/len
 * set to the new frame), false when the frame is to be freed.
 */
static bool process(struct xs_dp_queue *q, uint64_t addr, uint32_t len,
		    uint64_t *tx_addr, uint32_t *tx_len)
{
	struct xs_dp *dp = q->dp;
	uint64_t chunk = addr & ~((uint64_t)XS_DP_FRAME_SIZE - 1);
	uint8_t *f = q->area + addr, *l3, *out, *eth;
	struct xs_xsk_meta meta;
	struct xs_dp_path *path;
	uint32_t l2 = ETH_HLEN_, l3_len, ovh, mtu;
	uint16_t type;
	int family, n;

	if (addr - chunk < sizeof(meta)) {
		q->st.bad_meta++;
		return false;
	}
	memcpy(&meta, f - sizeof(meta), sizeof(meta));
	if (meta.magic != XS_META_MAGIC) {
		q->st.bad_meta++;
		return false;
	}
	path = meta.path_id < XS_PATHS_MAX ? atomic_load_explicit(&dp->paths[meta.path_id],
								  memory_order_acquire) : NULL;
	if (!path) {
		q->st.no_path++;
		return false;
	}
	if (!path->resolved) {
		q->st.no_nexthop++;
		return false;
	}

	if (len < ETH_HLEN_ + 20) {
		q->st.bad_frame++;
		return false;
	}
	type = f[12] << 8 | f[13];
	if (type == ETH_P_8021Q || type == ETH_P_8021AD) {	/* the tag stays behind */
		l2 += 4;
		type = f[16] << 8 | f[17];
	}
	l3 = f + l2;
	if (type == ETH_P_IPV6 && len >= l2 + 40 && (l3[0] >> 4) == 6) {
		family = AF_INET6;
		l3_len = 40 + (l3[4] << 8 | l3[5]);
	} else if (type == ETH_P_IP && len >= l2 + 20 && (l3[0] >> 4) == 4 &&
		   (l3[0] & 0xf) >= 5) {
		family = AF_INET;
		l3_len = l3[2] << 8 | l3[3];
	} else {
		q->st.bad_frame++;
		return false;
	}
	if (l3_len > len - l2) {	/* shorter is Ethernet padding: trimmed */
		q->st.bad_frame++;
		return false;
	}

	ovh = dp->cfg.no_encap ? 0 : xs_srv6_overhead(&path->srv6, family);
	mtu = atomic_load_explicit(&dp->uplink_mtu, memory_order_relaxed);
	if (l3_len + ovh > mtu) {
		q->st.too_big++;
		send_too_big(q, f, l3, l3_len, mtu - ovh);
		return false;
	}

	/* we forward: the XDP program only steers packets with TTL > 1 */
	if (family == AF_INET)
		dec_ttl4(l3);
	else
		l3[7]--;

	if (dp->cfg.no_encap) {	/* benchmark ceiling: forward as is */
		out = l3;
		n = l3_len;
	} else {
		n = xs_srv6_push(&path->srv6, l3, l3_len, (l3 - (q->area + chunk)) - ETH_HLEN_,
				 &out);
		if (n < 0) {
			q->st.encap_error++;
			return false;
		}
		type = ETH_P_IPV6;
	}
	eth = out - ETH_HLEN_;
	memcpy(eth, path->mac, 6);
	memcpy(eth + 6, dp->uplink_mac, 6);
	eth[12] = type >> 8;
	eth[13] = type & 0xff;
	if (family == AF_INET)
		q->st.encap_ipv4++;
	else
		q->st.encap_ipv6++;
	q->path_pkts[meta.path_id]++;
	q->path_bytes[meta.path_id] += n;
	*tx_addr = eth - q->area;
	*tx_len = n + ETH_HLEN_;
	return true;
}

static void q_poll_once(struct xs_dp_queue *q)
{
	struct xs_dp *dp = q->dp;
	uint32_t idx, n, i, ntx = 0, sent, tidx;
	struct pollfd pfd;

	q->tx_pending -= q_complete(q, &q->cq_u);
	q_complete(q, &q->cq_h);
	q_refill(q);

	n = xsk_ring_cons__peek(&q->rx_h, dp->cfg.batch, &idx);
	if (!n) {
		/*
		 * Copy-mode transmit sends at most 32 frames per kick: frames
		 * still in the TX ring would wait for the next RX (a TCP sender
		 * waiting for their ACKs never sends it). Kick until drained.
		 */
		if (q->tx_pending) {
			kick(q->xsk_u, &q->tx_u, true);
			return;
		}
		pfd.fd = xsk_socket__fd(q->xsk_h);
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
		return;
	}
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx_h, idx + i);

		if (process(q, d->addr, d->len, &q->tx_addr[ntx], &q->tx_len[ntx]))
			ntx++;
		else
			q_free_frame(q, d->addr);
	}
	xsk_ring_cons__release(&q->rx_h, n);
	q->st.rx += n;
	if (!ntx)
		return;

	sent = xsk_ring_prod__reserve(&q->tx_u, ntx, &tidx);
	if (sent < ntx) {	/* make room: let the kernel send, then retry */
		kick(q->xsk_u, &q->tx_u, true);
		q->tx_pending -= q_complete(q, &q->cq_u);
		if (!sent)
			sent = xsk_ring_prod__reserve(&q->tx_u, ntx, &tidx);
	}
	for (i = 0; i < sent; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx_u, tidx + i);

		d->addr = q->tx_addr[i];
		d->len = q->tx_len[i];
	}
	xsk_ring_prod__submit(&q->tx_u, sent);
	q->tx_pending += sent;
	for (i = sent; i < ntx; i++)
		q_free_frame(q, q->tx_addr[i]);
	q->st.tx += sent;
	q->st.tx_ring_full += ntx - sent;
	kick(q->xsk_u, &q->tx_u, dp->cfg.no_need_wakeup);
}

static void *q_thread(void *arg)
{
	struct xs_dp_queue *q = arg;

	q->ptb_last_ns = now_ns();
	while (!atomic_load(&q->dp->stop)) {
		atomic_fetch_add(&q->epoch, 1);
		q_poll_once(q);
	}
	return NULL;
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
	q_refill(q);
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

	dp->nq = cfg->queues ? cfg->queues : 1;
	dp->q = calloc(dp->nq, sizeof(*dp->q));
	if (!dp->q) {
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

	/* sockets go into the XSKMAP only once they have frames to receive into */
	for (i = 0; i < dp->nq; i++) {
		err = xsk_socket__update_xskmap(dp->q[i].xsk_h, dp->cfg.xsks_map_fd);
		if (err)
			return err;
	}
	for (i = 0; i < dp->nq; i++) {
		err = -pthread_create(&dp->q[i].thread, NULL, q_thread, &dp->q[i]);
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
	for (i = 0; i < dp->nq; i++)
		q_teardown(&dp->q[i]);
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
