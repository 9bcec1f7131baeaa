/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The congestion reaction's decisions, as pure functions over a flow's
 * controller state and the path selector (no maps, no clock, no I/O: every
 * input carries its time), unit-tested on synthetic event sequences in
 * tests/unit/test_decide.c. The daemon (daemon/congestion.c) reads the
 * datapath's counters and events, asks these, and writes the steer table.
 *
 *  - A signal is *stale* when it is older than the daemon's adoption of the
 *    pinned state (a restarted daemon reads events queued while none ran).
 *  - A path change's own transient is never congestion: while a move (or a
 *    promotion) waits for its flowlet gap, and for transient_ns after the
 *    datapath made the switch (or after an adoption, when the flows come
 *    back from the kernel path to their SR path), signals are ignored:
 *    reordering makes spurious retransmissions, and a segment lost in the
 *    switch shows as an RTO at least the minimum RTO later.
 *  - Retransmissions count when they are at least retrans_permille of the
 *    period's packets; CWR always counts. A flow is congested in a period
 *    when they reach threshold, and moves after `periods` congested periods
 *    in a row; a period without them ends the episode.
 *  - An RTO moves at once, but only outside the transient and the
 *    hold-down, like every other move.
 *  - A move goes to a path of the disjoint pool for the destination, else
 *    another heavy-pool path, never the one left nor one in the penalty
 *    box; the path left goes into the penalty box; the flow is not moved
 *    again before hold_ns.
 *
 * The functions that change a flow's move state (xs_react_period, _rto,
 * _signal, xs_move_commit, xs_switch_*) need f->mv (xs_ctab_mv); the ones
 * that only read it (xs_react_in_transient, xs_move_gate) take a flow
 * without one as never moved.
 */
#ifndef XS_DECIDE_H
#define XS_DECIDE_H

#include <stdbool.h>
#include <stdint.h>
#include "daemon/controller.h"

/* Linux's minimum retransmission timeout (TCP_RTO_MIN): 200 ms */
#define XS_TCP_RTO_MIN_NS	200000000ULL

struct xs_react_cfg {
	uint64_t scan_ns;		/* scan period */
	uint64_t transient_ns;		/* after a switch: 2 periods + the minimum RTO */
	uint64_t hold_ns;		/* a moved flow is not moved again before */
	uint64_t penalty_ns;		/* a path left is avoided 0.5x to 1.5x this */
	uint32_t threshold;		/* signals per period that make it congested */
	uint32_t periods;		/* congested periods in a row before a move */
	uint32_t retrans_permille;	/* retransmissions count above this share */
	bool move_mice;			/* mice known to the table move too */
	uint64_t adopted_ns;		/* signals before this are stale (0: none) */
};

/* XS_MOVE_REBALANCE: fleet mode's correction after a collision, no congestion */
enum xs_move_cause {
	XS_MOVE_NONE = 0, XS_MOVE_RETRANS, XS_MOVE_CWR, XS_MOVE_RTO, XS_MOVE_REBALANCE
};

/* What was ignored, for the counters. */
struct xs_react_count {
	uint64_t stale;
	uint64_t transient;
};

/* One scan period of a TCP flow: the datapath's cumulative counters. */
struct xs_react_sample {
	uint64_t now_ns;
	uint64_t packets;
	uint32_t retrans, cwr, rto;
};

/* Whether a signal at t belongs to a path change's transient. */
bool xs_react_in_transient(const struct xs_react_cfg *c, const struct xs_cflow *f, uint64_t t);
/*
 * A scan period: updates the flow's counters and episode; returns the cause
 * of a move to make now, or XS_MOVE_NONE. The first sample only records.
 */
enum xs_move_cause xs_react_period(const struct xs_react_cfg *c, struct xs_cflow *f,
				   const struct xs_react_sample *s, struct xs_react_count *n);
/* The XDP program's RTO event at ts: XS_MOVE_RTO, or NONE when stale or transient. */
enum xs_move_cause xs_react_rto(const struct xs_react_cfg *c, struct xs_cflow *f, uint64_t ts,
				struct xs_react_count *n);
/* Its retransmission/CWR event at ts: starts the episode's latency clock. */
void xs_react_signal(const struct xs_react_cfg *c, struct xs_cflow *f, uint64_t ts,
		     struct xs_react_count *n);

enum xs_move_gate { XS_GATE_OK = 0, XS_GATE_NEVER, XS_GATE_HELD };
/* May the flow move at now? Operators' entries and (unless move_mice) mice never. */
enum xs_move_gate xs_move_gate(const struct xs_react_cfg *c, const struct xs_cflow *f,
			       uint64_t now);
/*
 * Where to: a path id; -ENOENT when there is none; -EBUSY when the one
 * there carries more active heavy hitters than the flow's own path does
 * besides it (busy[id]: active heavy hitters on path id, the flow itself
 * not counted; NULL: not known). A flow alone on a bottleneck loses packets
 * to itself: moving it onto another heavy hitter's path would halve both,
 * so loss and ECN marks move it only to a path no busier. must_leave (an
 * RTO: the path may be broken) takes the target whatever it carries.
 *
 * fleet_bps (fleet mode; NULL: this host alone): the load the other hosts
 * put on each path's segments. The target is then the pool's least loaded
 * by local + fleet load (xs_fleet_pick, rnd breaking ties), so a flow
 * leaving congestion does not land on another host's heavy hitters.
 */
int xs_move_target(const struct xs_pathsel *ps, const struct xs_cflow *f, uint64_t now,
		   bool must_leave, const uint32_t *busy, const uint64_t *fleet_bps, uint32_t rnd);
/*
 * The move was written (pending): the path left goes into the penalty box
 * for penalty (from xs_penalty_ns; 0: not at all, a move that is no
 * congestion, and a penalty it had stays), loads move, the hold-down starts.
 */
void xs_move_commit(const struct xs_react_cfg *c, struct xs_pathsel *ps, struct xs_cflow *f,
		    uint32_t to, uint64_t now, uint64_t penalty);
/*
 * 0.5 x base to 1.5 x base, u (uniform in [0, 1]) choosing where: paths
 * left together come back apart.
 */
uint64_t xs_penalty_ns(uint64_t base, double u);
/*
 * A switch that is not a congestion move (a promotion, a path's removal):
 * pending like a move, and whatever episode the flow had on its old path
 * ends (it is no congestion of the new one, and no move latency).
 */
void xs_switch_begin(struct xs_cflow *f);
/*
 * The datapath made the pending switch at since_ns (the steer entry's
 * since_ns): the transient starts there. Returns true with *lat_us set when
 * the switch ends a congestion episode (first signal -> switch).
 */
bool xs_switch_done(struct xs_cflow *f, uint64_t since_ns, uint64_t *lat_us);

#endif
