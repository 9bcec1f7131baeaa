// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The congestion reaction's decisions: see daemon/decide.h. */
#include <errno.h>
#include "daemon/decide.h"
#include "fleet/fleet.h"

bool xs_react_in_transient(const struct xs_react_cfg *c, const struct xs_cflow *f, uint64_t t)
{
	const struct xs_cmove *m = xs_cflow_mv(f);

	if (m->move_pending)
		return true;	/* still on the old path, or switching */
	/* before the switch: about the old path; after it: its transient */
	return m->switched_ns && t < m->switched_ns + c->transient_ns;
}

/* A period without enough signals ends the episode (not while switching). */
static void episode_end(struct xs_cflow *f)
{
	struct xs_cmove *m = f->mv;

	if (m->move_pending)
		return;
	m->cong_periods = 0;
	m->signal_ns = 0;
}

enum xs_move_cause xs_react_period(const struct xs_react_cfg *c, struct xs_cflow *f,
				   const struct xs_react_sample *s, struct xs_react_count *n)
{
	struct xs_cmove *m = f->mv;
	uint32_t dret = s->retrans - m->retrans, dcwr = s->cwr - m->cwr, drto = s->rto - m->rto;
	uint64_t dpkts = s->packets - m->cong_pkts;
	bool first = !m->counters_valid;

	if ((int32_t)drto < 0)
		drto = 0;	/* an RTO event counted it already (m->rto ran ahead) */
	m->retrans = s->retrans;
	m->cwr = s->cwr;
	m->rto = s->rto;
	m->cong_pkts = s->packets;
	m->counters_valid = true;
	m->cong_event = false;
	if (first)
		return XS_MOVE_NONE;
	if (xs_react_in_transient(c, f, s->now_ns)) {
		if (dret || dcwr || drto)
			n->transient++;
		episode_end(f);
		return XS_MOVE_NONE;
	}
	/* probing TCP loses a little anywhere: retransmissions count above a share */
	if ((uint64_t)dret * 1000 < (uint64_t)c->retrans_permille * dpkts)
		dret = 0;
	if (drto)
		return XS_MOVE_RTO;
	if (dret + dcwr < c->threshold) {
		episode_end(f);		/* a healthy period */
		return XS_MOVE_NONE;
	}
	if (!m->signal_ns)
		m->signal_ns = s->now_ns;
	if (++m->cong_periods < c->periods)
		return XS_MOVE_NONE;
	return dcwr > dret ? XS_MOVE_CWR : XS_MOVE_RETRANS;
}

enum xs_move_cause xs_react_rto(const struct xs_react_cfg *c, struct xs_cflow *f, uint64_t ts,
				struct xs_react_count *n)
{
	struct xs_cmove *m = f->mv;

	if (ts < c->adopted_ns) {
		/* queued while no daemon ran: the scan's first sample holds it already */
		n->stale++;
		return XS_MOVE_NONE;
	}
	/* handled here: the next period's tcp_rto delta must not count it again */
	m->rto++;
	if (xs_react_in_transient(c, f, ts)) {
		n->transient++;
		return XS_MOVE_NONE;
	}
	if (!m->signal_ns)	/* a later RTO must not restart the latency clock */
		m->signal_ns = ts;
	return XS_MOVE_RTO;
}

void xs_react_signal(const struct xs_react_cfg *c, struct xs_cflow *f, uint64_t ts,
		     struct xs_react_count *n)
{
	struct xs_cmove *m = f->mv;

	if (ts < c->adopted_ns) {
		n->stale++;
		return;
	}
	if (xs_react_in_transient(c, f, ts)) {
		n->transient++;
		return;
	}
	/* counted as a congested period at the next scan */
	m->cong_event = true;
	if (!m->signal_ns)
		m->signal_ns = ts;
}

enum xs_move_gate xs_move_gate(const struct xs_react_cfg *c, const struct xs_cflow *f,
			       uint64_t now)
{
	const struct xs_cmove *m = xs_cflow_mv(f);

	if (m->manual || (f->path_id == XS_NO_PATH && !f->cls.heavy && !c->move_mice))
		return XS_GATE_NEVER;
	return now < m->hold_until_ns ? XS_GATE_HELD : XS_GATE_OK;
}

/* The least loaded path of pool for the flow, but its own; fleet load too when known. */
static int pick(const struct xs_pathsel *ps, enum xs_pool pool, const struct xs_cflow *f,
		uint64_t now, const uint64_t *fleet_bps, uint32_t rnd)
{
	const struct in6_addr *dst = xs_key_dst(&f->key);

	if (fleet_bps)
		return xs_fleet_pick(ps, fleet_bps, pool, dst, f->path_id, now, rnd);
	return xs_pathsel_pick_at(ps, pool, dst, f->path_id, now);
}

int xs_move_target(const struct xs_pathsel *ps, const struct xs_cflow *f, uint64_t now,
		   bool must_leave, const uint32_t *busy, const uint64_t *fleet_bps, uint32_t rnd)
{
	int to;

	to = pick(ps, XS_POOL_DISJOINT, f, now, fleet_bps, rnd);
	if (to < 0)
		to = pick(ps, XS_POOL_HEAVY, f, now, fleet_bps, rnd);
	if (to < 0)
		return -ENOENT;
	if (must_leave || !busy || f->path_id >= XS_PATHS_MAX)
		return to;
	return busy[to] > busy[f->path_id] ? -EBUSY : to;
}

void xs_move_commit(const struct xs_react_cfg *c, struct xs_pathsel *ps, struct xs_cflow *f,
		    uint32_t to, uint64_t now, uint64_t penalty)
{
	struct xs_cmove *m = f->mv;
	uint32_t cur = f->path_id;

	if (cur != XS_NO_PATH) {
		if (penalty)
			xs_pathsel_penalize(ps, cur, now + penalty);
		xs_pathsel_release(ps, cur, m->assigned_bps);
	}
	m->prev_path = cur;
	f->path_id = to;
	m->assigned_bps = (uint64_t)f->cls.rate_bps;
	xs_pathsel_assign(ps, to, m->assigned_bps);
	m->steered_ns = now;
	m->moved_ns = now;
	m->moves++;
	m->hold_until_ns = now + c->hold_ns;
	m->cong_periods = 0;
	m->move_pending = true;
	if (!m->signal_ns)
		m->signal_ns = now;
}

uint64_t xs_penalty_ns(uint64_t base, double u)
{
	if (u < 0)
		u = 0;
	if (u > 1)
		u = 1;
	return base / 2 + (uint64_t)(u * (double)base);
}

void xs_switch_begin(struct xs_cflow *f)
{
	struct xs_cmove *m = f->mv;

	m->move_pending = true;
	m->cong_periods = 0;
	m->signal_ns = 0;
}

bool xs_switch_done(struct xs_cflow *f, uint64_t since_ns, uint64_t *lat_us)
{
	struct xs_cmove *m = f->mv;
	bool sample = m->signal_ns && since_ns >= m->signal_ns;

	m->move_pending = false;
	m->switched_ns = since_ns;
	if (sample)
		*lat_us = (since_ns - m->signal_ns) / 1000;
	m->signal_ns = 0;
	return sample;
}
