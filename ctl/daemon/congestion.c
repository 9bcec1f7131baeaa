// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The congestion reaction: per-period TCP signals of a flow, moves, their latency. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "daemon/internal.h"

static const char *const move_cause_names[] = { "retransmissions", "cwr", "rto" };

/* A randomised suspend time, so paths left together come back apart. */
static uint64_t penalty_ns(struct xs_daemon *d)
{
	uint64_t base = d->cfg.penalty_ms * 1000000ULL;

	return base / 2 + (base ? (uint64_t)rand_r(&d->seed) % (base + 1) : 0);
}

/*
 * Move a flow away from a congested path: to a path of the disjoint pool for
 * its destination (else another heavy-pool path), never back onto the path it
 * leaves or one in the penalty box. The datapath makes the switch at the
 * first flowlet gap, or at the deadline.
 */
void flow_move(struct xs_daemon *d, struct xs_cflow *f, enum move_cause cause,
		      uint64_t now)
{
	struct xs_steer_entry e = { .flags = XS_STEER_F_PENDING };
	const struct in6_addr *dst = xs_key_dst(&f->key);
	uint32_t cur = f->path_id;
	int to;

	if (f->manual || (f->path_id == XS_NO_PATH && !f->cls.heavy && !d->cfg.move_mice))
		return;
	if (now < f->hold_until_ns) {
		d->st.moves_held_down++;
		return;
	}
	to = xs_pathsel_pick_at(&d->ps, XS_POOL_DISJOINT, dst, cur, now);
	if (to < 0)
		to = xs_pathsel_pick_at(&d->ps, XS_POOL_HEAVY, dst, cur, now);
	if (to < 0) {
		d->st.moves_no_path++;
		return;
	}
	e.path_id = cur == XS_NO_PATH ? XS_PATH_NONE : cur;
	e.next_path_id = to;
	e.deadline_ns = now + d->cfg.flowlet_wait_us * 1000ULL;
	e.since_ns = f->steered_ns;
	if (bpf_map_update_elem(d->steer_fd, &f->key, &e, 0)) {
		d->st.steer_failed++;
		return;
	}
	if (cur != XS_NO_PATH) {
		xs_pathsel_penalize(&d->ps, cur, now + penalty_ns(d));
		xs_pathsel_release(&d->ps, cur, f->assigned_bps);
	}
	f->prev_path = cur;
	f->path_id = to;
	f->assigned_bps = (uint64_t)f->cls.rate_bps;
	xs_pathsel_assign(&d->ps, to, f->assigned_bps);
	f->steered_ns = now;
	f->moved_ns = now;
	f->moves++;
	f->hold_until_ns = now + d->cfg.move_hold_ms * 1000000ULL;
	f->cong_periods = 0;
	f->move_pending = true;
	if (!f->signal_ns)
		f->signal_ns = now;
	d->st.path_moves++;
	*(cause == MOVE_RTO ? &d->st.moves_rto : cause == MOVE_CWR ? &d->st.moves_cwr :
	  &d->st.moves_retrans) += 1;
	pr_info("moving a flow off path %d to path %d (%s)\n",
		cur == XS_NO_PATH ? -1 : (int)cur, to, move_cause_names[cause]);
}

/* The datapath made a pending move: how long since the first signal? */
static void move_done(struct xs_daemon *d, struct xs_cflow *f)
{
	struct xs_steer_entry e;

	if (bpf_map_lookup_elem(d->steer_fd, &f->key, &e) || (e.flags & XS_STEER_F_PENDING))
		return;
	f->move_pending = false;
	if (f->signal_ns && e.since_ns >= f->signal_ns)
		d->lat_us[d->nlat++ % XS_LAT_N] = (e.since_ns - f->signal_ns) / 1000;
	f->signal_ns = 0;
}

/* Per scan: the period's congestion signals of a TCP flow. */
void flow_congestion(struct xs_daemon *d, struct xs_cflow *f,
			    const struct xs_flow_stats *st, uint64_t now)
{
	uint32_t dret = st->tcp_retrans - f->retrans, dcwr = st->tcp_cwr - f->cwr,
		 drto = st->tcp_rto - f->rto;
	bool first = !f->counters_valid;

	uint64_t dpkts = st->packets - f->cong_pkts, scan_ns = d->cfg.scan_period_ms * 1000000ULL;

	if ((int32_t)drto < 0)
		drto = 0;	/* the last scan had counted the RTO an event then acted on */
	f->retrans = st->tcp_retrans;
	f->cwr = st->tcp_cwr;
	f->rto = st->tcp_rto;
	f->cong_pkts = st->packets;
	f->counters_valid = true;
	if (f->move_pending)
		move_done(d, f);
	if (first)
		return;
	/*
	 * Right after a flow changes path its packets can overtake those still
	 * on the old one: the receiver's duplicate ACKs make the sender resend
	 * what was never lost. Those are not the new path's fault.
	 */
	if (f->steered_ns && now - f->steered_ns < 2 * scan_ns) {
		if (!f->move_pending) {
			f->cong_periods = 0;
			f->signal_ns = 0;
		}
		f->cong_event = false;
		return;
	}
	/* probing TCP loses a little anywhere: retransmissions count above a share */
	if ((uint64_t)dret * 1000 < d->cfg.retrans_share * dpkts)
		dret = 0;
	if (drto) {
		flow_move(d, f, MOVE_RTO, now);
	} else if (dret + dcwr >= d->cfg.cong_threshold) {
		if (!f->signal_ns)
			f->signal_ns = now;
		if (++f->cong_periods >= d->cfg.cong_periods)
			flow_move(d, f, dcwr > dret ? MOVE_CWR : MOVE_RETRANS, now);
	} else if (!f->move_pending) {
		f->cong_periods = 0;	/* a healthy period ends the episode */
		f->signal_ns = 0;
	}
	f->cong_event = false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void latency_pct(struct xs_daemon *d, uint64_t *p50, uint64_t *p99)
{
	uint32_t n = d->nlat < XS_LAT_N ? d->nlat : XS_LAT_N;
	uint64_t v[XS_LAT_N];

	*p50 = *p99 = 0;
	if (!n)
		return;
	memcpy(v, d->lat_us, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = v[(n - 1) / 2];
	*p99 = v[(n * 99 + 99) / 100 - 1];
}
