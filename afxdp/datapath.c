// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The AF_XDP datapath's packet loop: per queue, RX -> ICMP error or SRv6
 * push -> TX on the uplink, no call back up; setup and control in dp_setup.c.
 */
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
#include "dp_internal.h"
#include "icmp.h"

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

void xs_dp_q_refill(struct xs_dp_queue *q)
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
 * set to the new frame), false when the frame is to be freed. Longer than
 * 80 lines on purpose: it is the per-frame hot path (metadata, path, ICMP
 * too-big, TTL, push, MAC), kept in one piece so it reads top to bottom
 * in the order a frame meets its checks.
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
	xs_dp_q_refill(q);

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
		poll(&pfd, 1, XS_XSK_BEAT_MS);	/* an idle thread beats too */
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

void *xs_dp_q_thread(void *arg)
{
	struct xs_dp_queue *q = arg;

	q->ptb_last_ns = now_ns();
	while (!atomic_load(&q->dp->stop)) {
		atomic_fetch_add(&q->epoch, 1);
		xs_dp_q_beat(q);
		q_poll_once(q);
	}
	return NULL;
}
