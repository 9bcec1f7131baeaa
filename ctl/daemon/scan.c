// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The controller loop's inputs: the XDP program's events, the periodic
 * look at the flows the controller tracks, and the ageing walk over the
 * XDP flow table, each fed to classification, steering and the congestion
 * reaction.
 *
 * Work follows what changed, not the table's size:
 *  - the controller tracks candidates only (a flow crossed cand_bytes: the
 *    XDP program says so with an event), heavy hitters and steered flows;
 *    each period it reads the heavy and steered ones, one lookup each, and
 *    at most XS_CAND_LOOKUPS candidates (with more, the stalest: each then
 *    every few periods, or when the ageing walk meets it);
 *  - the rest of the XDP table (the mice) is walked in slices, a full pass
 *    every XS_AGE_PASS_MS or so: idle entries are deleted, and any flow
 *    the events missed (a full ring buffer) is taken on as a candidate;
 *  - ring-buffer events are read between chunks of that work, so a heavy
 *    hitter is steered within a chunk's time, not a scan's.
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "daemon/internal.h"

/* A heavy hitter without a path tries again after this long. */
#define XS_STEER_RETRY_NS 1000000000ULL
/* Tracked flows read between two looks at the ring buffer. */
#define XS_EVENT_CHUNK 256
/*
 * Candidates read per scan with a lookup each (a system call, about 3 us):
 * with more, each is read once its last sample is ceil(candidates / this)
 * periods old (the stalest first in line: a scan reads at most this many),
 * or when the ageing walk passes it. A candidate is promoted by its bytes
 * with an event at once; only a promotion by rate (heavy-rate) waits for
 * its sample, and the rate is right whatever the interval.
 */
#define XS_CAND_LOOKUPS 8192
/* The ageing walk: one pass over the whole table in about this long... */
#define XS_AGE_PASS_MS 2000
/* ...reading at least this many entries per scan. */
#define XS_AGE_SLICE_MIN 4096

void daemon_class_cfg(struct xs_daemon *d)
{
	d->cc.high_bps = d->cfg.heavy_rate_bps;
	d->cc.low_bps = d->cfg.heavy_rate_low_bps;
	d->cc.hold_ns = d->cfg.demote_hold_ms * 1000000ULL;
	d->cc.bytes = d->cfg.heavy_bytes;
	d->cc.tau_ns = d->cfg.rate_tau_ms * 1000000ULL;
	d->rc.scan_ns = d->cfg.scan_period_ms * 1000000ULL;
	d->rc.transient_ns = 2 * d->rc.scan_ns + XS_TCP_RTO_MIN_NS;
	d->rc.hold_ns = d->cfg.move_hold_ms * 1000000ULL;
	d->rc.penalty_ns = d->cfg.penalty_ms * 1000000ULL;
	d->rc.threshold = d->cfg.cong_threshold;
	d->rc.periods = d->cfg.cong_periods;
	d->rc.retrans_permille = d->cfg.retrans_share;
	d->rc.move_mice = d->cfg.move_mice;
	d->cand_bytes = xs_cand_bytes(&d->cc, d->rc.scan_ns);
}

/* Forget a tracked flow: its path, its steer entry (unless an operator's). */
static void flow_forget(struct xs_daemon *d, struct xs_cflow *f)
{
	const struct xs_cmove *m = xs_cflow_mv(f);

	if (f->path_id != XS_NO_PATH) {
		if (!m->manual)
			bpf_map_delete_elem(d->steer_fd, &f->key);
		xs_pathsel_release(&d->ps, f->path_id, m->assigned_bps);
	}
	d->st.aged++;
	xs_ctab_del(&d->ct, f);
}

static bool is_idle(const struct xs_daemon *d, uint64_t last_seen_ns, uint64_t now)
{
	return last_seen_ns && now > last_seen_ns + d->cfg.idle_timeout_ms * 1000000ULL;
}

/*
 * One sample of a tracked flow. Returns false when the flow is idle and
 * was forgotten (f is then invalid).
 */
static bool flow_sample(struct xs_daemon *d, struct xs_cflow *f,
			const struct xs_flow_stats *st, uint64_t now)
{
	/* sampled already at this time (moved into a hole not yet visited) */
	if (f->cls.last_ns == now)
		return true;
	f->last_seen_ns = st->last_seen_ns;
	if (is_idle(d, st->last_seen_ns, now)) {
		bpf_map_delete_elem(d->flows_fd, &f->key);
		flow_forget(d, f);
		return false;
	}
	if (f->key.flags & XS_KEY_F_NOPORTS) {
		f->cls.last_bytes = st->bytes;	/* what 'flows' shows */
		return true;	/* fragments, unknown protocols: never steered */
	}
	if (f->key.proto == IPPROTO_TCP)
		flow_congestion(d, f, st, now);
	switch (xs_class_update(&d->cc, &f->cls, st->bytes, now)) {
	case XS_CLASS_PROMOTE:
		d->st.promotions++;
		if (xs_ctab_mv(&d->ct, f))
			f->mv->heavy_ns = now;
		flow_steer(d, f);
		break;
	case XS_CLASS_DEMOTE:
		d->st.demotions++;
		flow_unsteer(d, f);
		break;
	default:
		/*
		 * Heavy but no path yet (none was free, paths changed, the steer
		 * table was full): again, at most once a second, so a full table
		 * does not cost a failing write per flow and period.
		 */
		if (f->cls.heavy && f->path_id == XS_NO_PATH &&
		    now >= xs_cflow_mv(f)->steer_retry_ns)
			flow_steer(d, f);
	}
	if (f->cls.heavy && f->path_id == XS_NO_PATH && f->mv && now >= f->mv->steer_retry_ns)
		f->mv->steer_retry_ns = now + XS_STEER_RETRY_NS;
	return true;
}

/* Take a flow on as a candidate (NULL: no room, counted in not_tracked). */
static struct xs_cflow *flow_track(struct xs_daemon *d, const struct xs_flow_key *k)
{
	uint32_t before = d->ct.count;
	struct xs_cflow *f = xs_ctab_get(&d->ct, k);

	if (f && d->ct.count != before) {
		d->st.candidates++;
		f->seen_scan = d->st.scans;	/* in the table now, whatever a walk saw */
		f->tracked_ns = now_ns();
	}
	return f;
}

/*
 * A candidate that has sent nothing for this long, neither heavy nor
 * steered, is no longer tracked (its XDP entry stays until idle-timeout):
 * finished flows past the threshold would otherwise be read every period
 * for the whole idle-timeout. If it sends again, the ageing walk takes it
 * back within a pass.
 */
#define XS_CAND_QUIET_NS 1000000000ULL

/*
 * Is an entry of the XDP table one the controller must track? Steered, or
 * past the candidate threshold, sending, and not slow over its life (a
 * slow one that was let go comes back with its next cand_bytes event).
 */
static bool entry_is_candidate(const struct xs_daemon *d, const struct xs_flow_key *k,
			       const struct xs_flow_stats *st, uint64_t now)
{
	uint64_t life = st->last_seen_ns > st->first_seen_ns ?
			st->last_seen_ns - st->first_seen_ns : 1;

	if (st->flags & XS_FLOW_F_STEERED)
		return true;
	if ((k->flags & XS_KEY_F_NOPORTS) || st->bytes < d->cand_bytes ||
	    st->last_seen_ns + XS_CAND_QUIET_NS <= now)
		return false;
	return (double)st->bytes * 8 * 1e9 / (double)life >= (double)d->cc.low_bps;
}

/*
 * A tracked flow the controller can let go: never heavy, not steered (nor
 * about to be), and quiet for XS_CAND_QUIET_NS, or tracked for longer than
 * demote-hold with its rate below heavy-rate-low (what would demote a
 * heavy hitter). Its next cand_bytes brings it back.
 *
 * A flow that was heavy once stays until it is idle: taken back after a
 * demotion, its first sample would find it past heavy-bytes and promote it
 * again, the flapping the classifier's "crossing, not being above" rule is
 * there to prevent.
 */
static bool flow_done(const struct xs_daemon *d, const struct xs_cflow *f,
		      const struct xs_flow_stats *st, uint64_t now)
{
	const struct xs_cmove *m = xs_cflow_mv(f);

	/* an entry of its own in the steer table (an operator's): kept */
	if (f->cls.heavy || f->cls.was_heavy || f->path_id != XS_NO_PATH || m->move_pending ||
	    m->manual || (st->flags & XS_FLOW_F_STEERED))
		return false;
	if (f->last_seen_ns + XS_CAND_QUIET_NS <= now)
		return true;
	return f->tracked_ns && now - f->tracked_ns >= d->cc.hold_ns + d->rc.scan_ns &&
	       f->cls.rate_bps < (double)d->cc.low_bps;
}

/* A tracked flow's sample; a finished or slow candidate is let go. */
static void flow_read(struct xs_daemon *d, struct xs_cflow *f, const struct xs_flow_stats *st,
		      uint64_t now)
{
	if (flow_sample(d, f, st, now) && flow_done(d, f, st, now))
		xs_ctab_del(&d->ct, f);
}

/*
 * An entry a walk of the XDP table met that the controller does not track:
 * true when it is idle (the caller deletes it); a candidate is taken on.
 */
static bool entry_untracked(struct xs_daemon *d, const struct xs_flow_key *k,
			    const struct xs_flow_stats *st, uint64_t now)
{
	struct xs_cflow *f;

	if (is_idle(d, st->last_seen_ns, now)) {
		d->st.aged++;
		return true;
	}
	if (entry_is_candidate(d, k, st, now) && (f = flow_track(d, k)))
		flow_sample(d, f, st, now);
	return false;
}

static void events_now(struct xs_daemon *d)
{
	if (d->rb)
		ring_buffer__consume(d->rb);
}

/* A candidate only: no move state, not heavy, not steered. */
static bool is_candidate(const struct xs_cflow *f)
{
	return !f->mv && !f->cls.heavy && f->path_id == XS_NO_PATH;
}

/* Candidates, and how many periods it takes to read each once (1: every period). */
static uint32_t cand_stride(const struct xs_daemon *d)
{
	uint32_t cands = d->ct.count - d->ct.nmv;

	return cands <= XS_CAND_LOOKUPS ? 1 : (cands + XS_CAND_LOOKUPS - 1) / XS_CAND_LOOKUPS;
}

/*
 * The tracked flows this period, one lookup each: every heavy or steered
 * one, and the candidates whose turn it is: sampled stride periods ago or
 * more (half a period of slack for the timer), at most XS_CAND_LOOKUPS.
 * Those left over are older still next period, so none waits for long.
 * Walked by dense position, downwards: a flow forgotten here is replaced
 * by the last one, already done; flows the events add meanwhile go to the
 * end and wait for the next period.
 */
static void scan_tracked(struct xs_daemon *d, uint64_t now)
{
	struct xs_flow_stats st;
	uint32_t pos = d->ct.count, n = 0, stride = cand_stride(d), cands = 0;
	uint64_t due = (stride - 1) * d->rc.scan_ns + d->rc.scan_ns / 2;

	while (pos-- > 0) {
		struct xs_cflow *f = xs_ctab_at(&d->ct, pos);

		if (stride > 1 && is_candidate(f) &&
		    ((f->cls.last_ns && now < f->cls.last_ns + due) ||
		     cands++ >= XS_CAND_LOOKUPS))
			continue;	/* not its turn (the ageing walk may read it) */
		if (bpf_map_lookup_elem(d->flows_fd, &f->key, &st))
			flow_forget(d, f);	/* gone from the datapath's table */
		else
			flow_read(d, f, &st, now);
		if (++n % XS_EVENT_CHUNK == 0) {
			events_now(d);
			if (pos > d->ct.count)
				pos = d->ct.count;
		}
	}
}

/* Entries read per scan: a full pass in about XS_AGE_PASS_MS. */
static uint32_t age_slice(const struct xs_daemon *d)
{
	uint64_t scans = XS_AGE_PASS_MS / (d->cfg.scan_period_ms ? d->cfg.scan_period_ms : 1);
	uint64_t slice = d->flows_max / (scans ? scans : 1) + 1;

	return slice < XS_AGE_SLICE_MIN ? XS_AGE_SLICE_MIN : (uint32_t)slice;
}

/*
 * The next slice of the XDP flow table, in batches. Idle entries go (in
 * one batch delete per batch read), untracked candidates are taken on.
 * The batch token is a hash bucket: it stays valid across scans while
 * entries come and go, so the walk resumes where it stopped.
 */
static void scan_age(struct xs_daemon *d, uint64_t now)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t budget = age_slice(d), count, i, ndel;
	int err;

	while (budget) {
		/* never fewer: a batch smaller than a hash bucket fails (ENOSPC) */
		count = SCAN_BATCH;
		err = bpf_map_lookup_batch(d->flows_fd, d->age_started ? &d->age_token : NULL,
					   &d->age_token, d->keys, d->vals, &count, &opts);
		if (err && err != -ENOENT) {
			pr_warn("scan: reading the flow table failed: %s\n", strerror(-err));
			d->age_started = false;	/* the pass starts over, its count too */
			d->age_seen = 0;
			return;
		}
		d->age_started = true;
		ndel = 0;
		for (i = 0; i < count; i++) {
			const struct xs_flow_key *k = &d->keys[i];
			const struct xs_flow_stats *st = &d->vals[i];
			struct xs_cflow *f;

			if ((f = xs_ctab_find(&d->ct, k))) {
				/* scan_tracked's; a candidate it did not read: here */
				if (is_candidate(f) && f->cls.last_ns != now)
					flow_read(d, f, st, now);
			} else if (entry_untracked(d, k, st, now)) {
				d->keys[ndel++] = *k;	/* i >= ndel: nothing unread is overwritten */
			}
		}
		if (ndel && bpf_map_delete_batch(d->flows_fd, d->keys, &ndel, &opts))
			pr_debug("ageing: batch delete stopped after %u entries\n", ndel);
		d->age_seen += count;
		budget -= count < budget ? count : budget;
		if (err == -ENOENT) {	/* the end of the table: a pass is done */
			d->st.flows_table = d->age_seen;
			d->st.age_passes++;
			d->age_seen = 0;
			d->age_started = false;
			break;
		}
		events_now(d);
	}
}

int daemon_table_walk(struct xs_daemon *d,
		      void (*cb)(void *ctx, const struct xs_flow_key *k,
				 const struct xs_flow_stats *st), void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 token = 0, count, i;
	bool first = true;
	int err;

	do {
		count = SCAN_BATCH;
		err = bpf_map_lookup_batch(d->flows_fd, first ? NULL : &token, &token, d->keys,
					   d->vals, &count, &opts);
		if (err && err != -ENOENT)
			return err;
		for (i = 0; i < count; i++)
			cb(ctx, &d->keys[i], &d->vals[i]);
		first = false;
		if (!err)
			events_now(d);
	} while (!err);
	return 0;
}

struct walk_ctx {
	struct xs_daemon *d;
	uint64_t now, seen;
};

static void walk_entry(void *ctx, const struct xs_flow_key *k, const struct xs_flow_stats *st)
{
	struct walk_ctx *w = ctx;
	struct xs_daemon *d = w->d;
	struct xs_cflow *f = xs_ctab_find(&d->ct, k);

	w->seen++;
	if (f) {
		f->seen_scan = d->st.scans;
		flow_read(d, f, st, w->now);
	} else if (entry_untracked(d, k, st, w->now)) {
		/* the batch holds a copy: deleting what it returned is safe */
		bpf_map_delete_elem(d->flows_fd, k);
	}
}

/*
 * Many lookups to make (for at least 1/XS_WALK_RATIO of the table: heavy
 * and steered flows, and this period's candidates): one batched walk of
 * the whole table costs less than a lookup each (a lookup is a
 * system call, about XS_WALK_RATIO times an entry of a batch), and it does
 * the ageing pass at the same time. Tracked flows it did not meet are gone.
 */
#define XS_WALK_RATIO 8

static void scan_walk(struct xs_daemon *d, uint64_t now)
{
	struct walk_ctx w = { .d = d, .now = now };
	uint32_t pos;

	if (daemon_table_walk(d, walk_entry, &w)) {
		pr_warn("scan: reading the flow table failed\n");
		return;
	}
	for (pos = d->ct.count; pos-- > 0;) {
		struct xs_cflow *f = xs_ctab_at(&d->ct, pos);
		struct xs_flow_stats st;

		if (f->seen_scan == (uint32_t)d->st.scans)
			continue;
		/* re-created in a bucket the walk had passed? */
		if (bpf_map_lookup_elem(d->flows_fd, &f->key, &st))
			flow_forget(d, f);
		else
			flow_sample(d, f, &st, now);
	}
	d->st.flows_table = w.seen;
	d->st.age_passes++;
	d->age_seen = 0;
	d->age_started = false;
}

void daemon_scan(struct xs_daemon *d)
{
	uint64_t now = now_ns(), lookups;

	d->st.scans++;
	events_now(d);
	/* the lookups scan_tracked would make */
	lookups = d->ct.nmv + (d->ct.count - d->ct.nmv) / cand_stride(d);
	if (lookups * XS_WALK_RATIO >= d->st.flows_table && d->st.flows_table) {
		d->st.scan_walks++;
		scan_walk(d, now);
	} else {
		scan_tracked(d, now);
		scan_age(d, now);
	}
	xs_ctab_compact(&d->ct);
}

/*
 * A mouse tracked from its congestion event on (move-mice): the period
 * that raised the event is its first, as if it had been tracked all along.
 * The baseline is its counters less the period's signals (ev->value), and
 * its packets less a period's share of its life.
 */
static void cong_baseline(struct xs_daemon *d, struct xs_cmove *m, const struct xs_event *ev)
{
	struct xs_flow_stats st;
	uint64_t life, pkts;
	uint32_t sig = ev->value > UINT32_MAX ? UINT32_MAX : (uint32_t)ev->value;

	if (bpf_map_lookup_elem(d->flows_fd, &ev->key, &st))
		return;
	life = st.last_seen_ns > st.first_seen_ns ? st.last_seen_ns - st.first_seen_ns : 0;
	pkts = life > d->rc.scan_ns ? (uint64_t)((double)st.packets * d->rc.scan_ns / life)
				    : st.packets;
	m->retrans = st.tcp_retrans;
	m->cwr = st.tcp_cwr;
	if (ev->type == XS_EV_CWR)
		m->cwr -= sig < m->cwr ? sig : m->cwr;
	else
		m->retrans -= sig < m->retrans ? sig : m->retrans;
	m->rto = st.tcp_rto;
	m->cong_pkts = st.packets - pkts;
	m->counters_valid = true;
}

int daemon_on_event(void *ctx, void *data, size_t len)
{
	struct xs_daemon *d = ctx;
	const struct xs_event *ev = data;
	struct xs_flow_stats st;
	struct xs_cflow *f;

	if (len < sizeof(*ev))
		return 0;
	d->st.events++;
	switch (ev->type) {
	case XS_EV_RTO:
	case XS_EV_RETRANS:
	case XS_EV_CWR:
		/* a mouse's signals matter only when mice are moved */
		f = d->rc.move_mice ? flow_track(d, &ev->key) : xs_ctab_find(&d->ct, &ev->key);
		if (!f)
			return 0;
		/* a flow that can never move keeps no congestion state */
		if (!f->mv && xs_move_gate(&d->rc, f, ev->ts_ns) == XS_GATE_NEVER)
			return 0;
		if (!xs_ctab_mv(&d->ct, f))
			return 0;
		if (!f->mv->counters_valid && ev->type != XS_EV_RTO)
			cong_baseline(d, f->mv, ev);
		flow_switch_check(d, f);
		if (ev->type != XS_EV_RTO)
			xs_react_signal(&d->rc, f, ev->ts_ns, &d->rcount);
		else if (xs_react_rto(&d->rc, f, ev->ts_ns, &d->rcount) == XS_MOVE_RTO)
			flow_move(d, f, XS_MOVE_RTO, now_ns());
		return 0;
	case XS_EV_CANDIDATE:
		f = flow_track(d, &ev->key);
		/* its first sample now: the rate has a start a period earlier */
		if (f && !f->cls.last_ns && !bpf_map_lookup_elem(d->flows_fd, &ev->key, &st))
			flow_sample(d, f, &st, now_ns());
		return 0;
	case XS_EV_HEAVY:
		f = flow_track(d, &ev->key);
		if (f && xs_class_promote(&f->cls, now_ns()) == XS_CLASS_PROMOTE) {
			if (xs_ctab_mv(&d->ct, f))	/* the moment XDP saw the threshold */
				f->mv->heavy_ns = ev->ts_ns;
			d->st.promotions++;
			d->st.promotions_event++;
			flow_steer(d, f);
		}
		return 0;
	default:
		return 0;
	}
}
