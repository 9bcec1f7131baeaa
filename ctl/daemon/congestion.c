// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The congestion reaction: per-period TCP signals of a flow, moves, their latency. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "daemon/decide.h"
#include "daemon/internal.h"

static const char *const move_cause_names[] = {
	[XS_MOVE_NONE] = "?", [XS_MOVE_RETRANS] = "retransmissions", [XS_MOVE_CWR] = "cwr",
	[XS_MOVE_RTO] = "rto", [XS_MOVE_REBALANCE] = "rebalance",
};

/*
 * Active heavy hitters per path, f not counted: heavy, steered, and sent
 * within the last second (a finished flow keeps its path until it ages out).
 * Moves are rare; walking the tracked flows for one is cheap.
 */
static void path_busy(struct xs_daemon *d, const struct xs_cflow *f, uint64_t now,
		      uint32_t busy[XS_PATHS_MAX])
{
	memset(busy, 0, XS_PATHS_MAX * sizeof(*busy));
	/* by position, not xs_ctab_next: a caller may be iterating already */
	for (uint32_t pos = 0; pos < d->ct.count; pos++) {
		const struct xs_cflow *o = xs_ctab_at(&d->ct, pos);

		if (o != f && o->cls.heavy && o->path_id < XS_PATHS_MAX &&
		    o->last_seen_ns + 1000000000ULL > now)
			busy[o->path_id]++;
	}
}

/*
 * The move, decided: written as a pending steer entry (the datapath makes
 * the switch at the first flowlet gap, or at the deadline), then committed
 * (penalty: the path left's time in the penalty box, 0 for none), counted.
 */
static bool move_write(struct xs_daemon *d, struct xs_cflow *f, uint32_t to, uint64_t now,
		       uint64_t penalty, enum xs_move_cause cause)
{
	struct xs_steer_entry e = { .flags = XS_STEER_F_PENDING };
	uint32_t cur = f->path_id;

	e.path_id = cur == XS_NO_PATH ? XS_PATH_NONE : cur;
	e.next_path_id = to;
	e.deadline_ns = now + d->cfg.flowlet_wait_us * 1000ULL;
	e.since_ns = f->mv->steered_ns;
	if (bpf_map_update_elem(d->steer_fd, &f->key, &e, 0)) {
		d->st.steer_failed++;
		return false;
	}
	xs_move_commit(&d->rc, &d->ps, f, to, now, penalty);
	d->st.path_moves++;
	pr_info("moving a flow off path %d to path %d (%s)\n",
		cur == XS_NO_PATH ? -1 : (int)cur, (int)to, move_cause_names[cause]);
	return true;
}

/* Move a flow away from a congested path, as daemon/decide.c decides. */
void flow_move(struct xs_daemon *d, struct xs_cflow *f, enum xs_move_cause cause, uint64_t now)
{
	uint32_t busy[XS_PATHS_MAX];
	uint64_t penalty, fleet_bps[XS_PATHS_MAX];
	int to;

	switch (xs_move_gate(&d->rc, f, now)) {
	case XS_GATE_NEVER:
		return;
	case XS_GATE_HELD:
		d->st.moves_held_down++;
		return;
	case XS_GATE_OK:
		break;
	}
	if (!xs_ctab_mv(&d->ct, f))
		return;	/* out of memory: it stays where it is */
	path_busy(d, f, now, busy);
	if (d->fleet)
		daemon_fleet_bps(d, fleet_bps);	/* the other hosts' load too */
	to = xs_move_target(&d->ps, f, now, cause == XS_MOVE_RTO, busy,
			    d->fleet ? fleet_bps : NULL, (uint32_t)rand_r(&d->seed));
	if (to < 0) {
		*(to == -EBUSY ? &d->st.moves_no_better : &d->st.moves_no_path) += 1;
		return;
	}
	penalty = xs_penalty_ns(d->rc.penalty_ns, rand_r(&d->seed) / (double)RAND_MAX);
	if (!move_write(d, f, to, now, penalty, cause))
		return;
	*(cause == XS_MOVE_RTO ? &d->st.moves_rto : cause == XS_MOVE_CWR ? &d->st.moves_cwr :
	  &d->st.moves_retrans) += 1;
}

/*
 * Fleet mode's rebalance (daemon/fleet.c decided it, the flow passed the
 * gate and is out of its transient): the same pending move, hold-down and
 * transient, but the path left is not congested, so no penalty box, and no
 * congestion episode starts (no move-latency sample).
 */
bool flow_rebalance(struct xs_daemon *d, struct xs_cflow *f, uint32_t to, uint64_t now)
{
	uint64_t signal_ns;

	if (xs_move_gate(&d->rc, f, now) != XS_GATE_OK || !xs_ctab_mv(&d->ct, f))
		return false;
	signal_ns = f->mv->signal_ns;
	if (!move_write(d, f, to, now, 0, XS_MOVE_REBALANCE))
		return false;
	f->mv->signal_ns = signal_ns;
	d->st.moves_rebalance++;
	return true;
}

/* A pending move (or promotion): has the datapath made the switch? */
void flow_switch_check(struct xs_daemon *d, struct xs_cflow *f)
{
	struct xs_steer_entry e;
	uint64_t lat;

	if (!f->mv || !f->mv->move_pending || bpf_map_lookup_elem(d->steer_fd, &f->key, &e) ||
	    (e.flags & XS_STEER_F_PENDING))
		return;
	if (xs_switch_done(f, e.since_ns, &lat))
		d->lat_us[d->nlat++ % XS_LAT_N] = lat;
}

/* Per scan: the period's congestion signals of a TCP flow. */
void flow_congestion(struct xs_daemon *d, struct xs_cflow *f, const struct xs_flow_stats *st,
		     uint64_t now)
{
	struct xs_react_sample s = {
		.now_ns = now, .packets = st->packets,
		.retrans = st->tcp_retrans, .cwr = st->tcp_cwr, .rto = st->tcp_rto,
	};
	enum xs_move_cause cause;

	/*
	 * A flow that can never move keeps no congestion state, nor does a
	 * mouse (move-mice) without a signal yet: its first, by event or here,
	 * makes one (the event handler takes the baseline).
	 */
	if (!f->mv && (xs_move_gate(&d->rc, f, now) == XS_GATE_NEVER ||
		       (!f->cls.heavy && f->path_id == XS_NO_PATH &&
			!(st->tcp_retrans | st->tcp_cwr | st->tcp_rto))))
		return;
	if (!xs_ctab_mv(&d->ct, f))
		return;
	flow_switch_check(d, f);
	cause = xs_react_period(&d->rc, f, &s, &d->rcount);
	if (cause != XS_MOVE_NONE)
		flow_move(d, f, cause, now);
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
