// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests: the congestion reaction's decisions (ctl/daemon/decide.c) on
 * synthetic event sequences: a flow's periods and events, each with its
 * time, against a path selector with a heavy and a disjoint path. Times are
 * in ms from an arbitrary origin; the period is 100 ms, so the transient
 * after a switch is 2 x 100 + 200 (minimum RTO) = 400 ms.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "daemon/decide.h"

#define MS 1000000ULL
#define T0 (1000 * MS)		/* not 0: 0 means "never" in the flow's fields */

static struct xs_react_cfg cfg;
static struct xs_pathsel ps;
static struct xs_cflow fl;
static struct xs_cmove mv;	/* fl's move state */
static struct xs_react_count cnt;
/* the datapath's cumulative counters of the flow */
static struct xs_react_sample dp;

static void setup(void)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;

	memset(&cfg, 0, sizeof(cfg));
	cfg.scan_ns = 100 * MS;
	cfg.transient_ns = 2 * cfg.scan_ns + XS_TCP_RTO_MIN_NS;
	cfg.hold_ns = 2000 * MS;
	cfg.penalty_ns = 5000 * MS;
	cfg.threshold = 3;
	cfg.periods = 3;
	cfg.retrans_permille = 10;
	xs_pathsel_init(&ps);
	xs_pathsel_add(&ps, 1, XS_POOL_HEAVY, &any, 0);
	xs_pathsel_add(&ps, 2, XS_POOL_DISJOINT, &any, 0);
	memset(&fl, 0, sizeof(fl));
	memset(&mv, 0, sizeof(mv));
	fl.mv = &mv;
	inet_pton(AF_INET6, "fd00:2::1", fl.key.daddr);
	fl.key.proto = IPPROTO_TCP;
	fl.cls.heavy = true;
	fl.path_id = XS_NO_PATH;
	mv.prev_path = XS_NO_PATH;
	memset(&cnt, 0, sizeof(cnt));
	memset(&dp, 0, sizeof(dp));
}

TestSuite(decide, .init = setup);

/* The flow is promoted onto path 1 at ms and the datapath switches it at sw. */
static void promote(uint64_t ms, uint64_t sw)
{
	fl.path_id = 1;
	xs_pathsel_assign(&ps, 1, 0);
	mv.steered_ns = T0 + ms * MS;
	xs_switch_begin(&fl);
	cr_assert_eq(xs_switch_done(&fl, T0 + sw * MS, &(uint64_t){ 0 }), false,
		     "a promotion is no congestion episode: no latency sample");
}

/* A scan at ms after the datapath sent pkts more packets, retrans and cwr of them signals. */
static enum xs_move_cause period(uint64_t ms, uint64_t pkts, uint32_t retrans, uint32_t cwr,
				 uint32_t rto)
{
	dp.now_ns = T0 + ms * MS;
	dp.packets += pkts;
	dp.retrans += retrans;
	dp.cwr += cwr;
	dp.rto += rto;
	return xs_react_period(&cfg, &fl, &dp, &cnt);
}

/* What the daemon does with a cause: gate, target, commit. Returns the new path or -1. */
static int act(enum xs_move_cause c, uint64_t ms)
{
	uint64_t now = T0 + ms * MS;
	int to;

	if (c == XS_MOVE_NONE || xs_move_gate(&cfg, &fl, now) != XS_GATE_OK)
		return -1;
	to = xs_move_target(&ps, &fl, now, c == XS_MOVE_RTO, NULL, NULL, 0);
	if (to < 0)
		return -1;
	xs_move_commit(&cfg, &ps, &fl, to, now, xs_penalty_ns(cfg.penalty_ns, 0.5));
	return to;
}

Test(decide, healthy_flow_never_moves)
{
	promote(0, 10);
	period(100, 1000, 0, 0, 0);	/* first sample: records only */
	for (uint64_t t = 200; t < 10000; t += 100)
		cr_assert_eq(period(t, 1000, 2, 0, 0), XS_MOVE_NONE, "at %llu ms",
			     (unsigned long long)t);
	cr_expect_eq(mv.cong_periods, 0);
}

Test(decide, lossy_path_moves_after_three_congested_periods)
{
	promote(0, 10);
	period(100, 1000, 0, 0, 0);
	/* inside the transient (until 410 ms): spurious retransmissions of the switch */
	cr_expect_eq(period(200, 1000, 50, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(300, 1000, 50, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(400, 1000, 50, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(cnt.transient, 3);
	cr_expect_eq(mv.cong_periods, 0, "transient periods start no episode");
	cr_expect_eq(period(500, 1000, 30, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(600, 1000, 30, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(700, 1000, 30, 0, 0), XS_MOVE_RETRANS);
	cr_expect_eq(mv.signal_ns, T0 + 500 * MS, "latency clock from the first congested period");
	cr_assert_eq(act(XS_MOVE_RETRANS, 700), 2, "to the disjoint path");
	cr_expect_eq(mv.prev_path, 1);
	cr_expect_eq(mv.moves, 1);
	cr_expect(ps.e[1].avoid_until_ns >= T0 + (700 + 2500) * MS, "path 1 in the penalty box");
}

Test(decide, a_healthy_period_ends_the_episode)
{
	promote(0, 10);
	period(500, 1000, 0, 0, 0);
	period(600, 1000, 30, 0, 0);
	period(700, 1000, 30, 0, 0);
	cr_expect_eq(period(800, 1000, 0, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(mv.cong_periods, 0);
	cr_expect_eq(mv.signal_ns, 0);
	period(900, 1000, 30, 0, 0);
	cr_expect_eq(period(1000, 1000, 30, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(1100, 1000, 30, 0, 0), XS_MOVE_RETRANS);
}

Test(decide, retransmissions_below_the_share_do_not_count)
{
	promote(0, 10);
	period(500, 1000, 0, 0, 0);
	/* 9 of 1000 packets: 0.9 %, below 1 % */
	for (uint64_t t = 600; t < 2000; t += 100)
		cr_expect_eq(period(t, 1000, 9, 0, 0), XS_MOVE_NONE);
	/* 10 of 1000: counts */
	period(2000, 1000, 10, 0, 0);
	period(2100, 1000, 10, 0, 0);
	cr_expect_eq(period(2200, 1000, 10, 0, 0), XS_MOVE_RETRANS);
}

Test(decide, cwr_moves_whatever_the_share)
{
	promote(0, 10);
	period(500, 100000, 0, 0, 0);
	period(600, 100000, 0, 3, 0);
	period(700, 100000, 0, 3, 0);
	cr_expect_eq(period(800, 100000, 0, 3, 0), XS_MOVE_CWR);
}

/* issue 11 item 4: one RTO just after the switch to an SR path is the switch's */
Test(decide, early_rto_after_promotion_is_not_congestion)
{
	enum xs_move_cause c;

	promote(0, 20);
	period(100, 1000, 0, 0, 0);
	/* a segment lost in the switch: the RTO fires 210 ms after it */
	c = xs_react_rto(&cfg, &fl, T0 + 230 * MS, &cnt);
	cr_expect_eq(c, XS_MOVE_NONE);
	cr_expect_eq(cnt.transient, 1);
	cr_expect_eq(mv.signal_ns, 0, "no episode started");
	/* the scan that sees the datapath's tcp_rto counter: the event counted it */
	cr_expect_eq(period(300, 1000, 1, 0, 1), XS_MOVE_NONE);
	cr_expect_eq(period(400, 1000, 0, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(act(c, 400), -1);
	cr_expect_eq(fl.path_id, 1, "stays on its path");
	cr_expect_eq(mv.moves, 0);
	/* the flow recovers: healthy afterwards, never moved */
	for (uint64_t t = 500; t < 3000; t += 100)
		cr_expect_eq(period(t, 1000, 0, 0, 0), XS_MOVE_NONE);
}

/* ...but a path that keeps timing out (a black hole) is left at the next RTO */
Test(decide, rto_after_the_transient_moves_at_once)
{
	promote(0, 20);
	period(100, 1000, 0, 0, 0);
	cr_expect_eq(xs_react_rto(&cfg, &fl, T0 + 230 * MS, &cnt), XS_MOVE_NONE);
	cr_expect_eq(xs_react_rto(&cfg, &fl, T0 + 640 * MS, &cnt), XS_MOVE_RTO);
	cr_expect_eq(mv.signal_ns, T0 + 640 * MS);
	cr_assert_eq(act(XS_MOVE_RTO, 650), 2);
	/* the scan after: tcp_rto went up by 2, both already handled by events */
	cr_expect_eq(period(700, 10, 0, 0, 2), XS_MOVE_NONE);
	/* the switch to path 2 at 700 ms: 60 ms from the first signal */
	{
		uint64_t lat = 0;

		cr_expect(xs_switch_done(&fl, T0 + 700 * MS, &lat));
		cr_expect_eq(lat, 60000);
	}
}

/* An RTO move gets the hold-down of every move: no second move within it. */
Test(decide, rto_moves_get_the_hold_down)
{
	promote(0, 20);
	period(500, 1000, 0, 0, 0);
	cr_assert_eq(act(xs_react_rto(&cfg, &fl, T0 + 600 * MS, &cnt), 600), 2);
	xs_switch_done(&fl, T0 + 610 * MS, &(uint64_t){ 0 });
	/* after the new path's transient, still within the hold-down (2 s) */
	cr_expect_eq(xs_react_rto(&cfg, &fl, T0 + 1500 * MS, &cnt), XS_MOVE_RTO);
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0 + 1500 * MS), XS_GATE_HELD);
	cr_expect_eq(act(XS_MOVE_RTO, 1500), -1);
	cr_expect_eq(fl.path_id, 2);
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0 + 2600 * MS), XS_GATE_OK);
}

/* issue 11 item 3: a restarted daemon does not act on what it was not there for */
Test(decide, restart_ignores_signals_older_than_the_adoption)
{
	uint64_t adopt = T0 + 5000 * MS;

	/* adoption: the flow was on path 1; from now on it is back on it */
	cfg.adopted_ns = adopt;
	fl.path_id = 1;
	xs_pathsel_assign(&ps, 1, 0);
	mv.steered_ns = mv.switched_ns = adopt;
	/* RTOs the XDP program queued while no daemon ran (3.4 s before) */
	cr_expect_eq(xs_react_rto(&cfg, &fl, adopt - 3400 * MS, &cnt), XS_MOVE_NONE);
	cr_expect_eq(xs_react_rto(&cfg, &fl, adopt - 1 * MS, &cnt), XS_MOVE_NONE);
	xs_react_signal(&cfg, &fl, adopt - 100 * MS, &cnt);
	cr_expect_eq(cnt.stale, 3);
	cr_expect_eq(mv.signal_ns, 0);
	cr_expect_eq(mv.rto, 0, "stale RTOs are in the first sample's counters");
	/* the first scan records the datapath's counters, RTOs of the dead time included */
	dp.rto = 4;
	dp.retrans = 40;
	cr_expect_eq(period(5050, 1000, 0, 0, 0), XS_MOVE_NONE);
	/* the flows' return from the kernel path to path 1: its transient */
	cr_expect_eq(xs_react_rto(&cfg, &fl, adopt + 250 * MS, &cnt), XS_MOVE_NONE);
	cr_expect_eq(period(5150, 1000, 20, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(cnt.transient, 2);
	cr_expect_eq(mv.moves, 0);
	cr_expect_eq(fl.path_id, 1, "kept the path it had before the restart");
	/* afterwards it reacts as ever */
	cr_expect_eq(xs_react_rto(&cfg, &fl, adopt + 500 * MS, &cnt), XS_MOVE_RTO);
}

Test(decide, signals_while_a_move_is_pending_are_ignored)
{
	promote(0, 10);
	period(500, 1000, 0, 0, 0);
	period(600, 1000, 30, 0, 0);
	period(700, 1000, 30, 0, 0);
	cr_assert_eq(act(period(800, 1000, 30, 0, 0), 800), 2);
	cr_expect(mv.move_pending);
	/* the old path is still losing until the switch */
	cr_expect_eq(period(900, 1000, 30, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(xs_react_rto(&cfg, &fl, T0 + 950 * MS, &cnt), XS_MOVE_NONE);
	cr_expect_eq(mv.signal_ns, T0 + 600 * MS, "the episode's clock survives the wait");
	cr_expect_eq(mv.moves, 1);
}

Test(decide, operators_entries_and_mice_never_move)
{
	mv.manual = true;
	fl.path_id = 1;
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0), XS_GATE_NEVER);
	mv.manual = false;
	fl.path_id = XS_NO_PATH;
	fl.cls.heavy = false;
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0), XS_GATE_NEVER);
	cfg.move_mice = true;
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0), XS_GATE_OK);
	cr_expect_eq(act(XS_MOVE_CWR, 0), 2, "a mouse on the default path moves to the disjoint one");
}

Test(decide, penalty_box_and_no_path)
{
	promote(0, 10);
	cr_assert_eq(act(XS_MOVE_RETRANS, 1000), 2);
	/* from 2, path 1 is in the penalty box and there is no other */
	mv.hold_until_ns = 0;
	cr_expect_eq(xs_move_target(&ps, &fl, T0 + 2000 * MS, false, NULL, NULL, 0), -ENOENT);
	cr_expect_eq(xs_move_target(&ps, &fl, T0 + 1000 * MS + 7600 * MS, false, NULL, NULL, 0), 1,
		     "back after the penalty (at most 1.5 x 5 s)");
}

Test(decide, penalty_between_half_and_one_and_a_half)
{
	cr_expect_eq(xs_penalty_ns(5000 * MS, 0), 2500 * MS);
	cr_expect_eq(xs_penalty_ns(5000 * MS, 1), 7500 * MS);
	cr_expect_eq(xs_penalty_ns(5000 * MS, 0.5), 5000 * MS);
	cr_expect_eq(xs_penalty_ns(0, 0.7), 0);
}

/* A mouse's episode on the default path is not the SR path's, nor a move's latency. */
Test(decide, promotion_ends_the_default_paths_episode)
{
	uint64_t lat = 0;

	period(100, 100, 0, 0, 0);
	cr_expect_eq(period(200, 100, 5, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(300, 100, 5, 0, 0), XS_MOVE_NONE);
	cr_expect_eq(period(400, 100, 5, 0, 0), XS_MOVE_RETRANS, "a mouse's episode (the gate says no)");
	cr_expect_neq(mv.signal_ns, 0);
	fl.path_id = 1;
	mv.steered_ns = T0 + 450 * MS;
	xs_switch_begin(&fl);
	cr_expect_eq(mv.signal_ns, 0);
	cr_expect_eq(mv.cong_periods, 0);
	cr_expect_not(xs_switch_done(&fl, T0 + 460 * MS, &lat), "no latency sample for a promotion");
}

/*
 * The demo's case: two heavy hitters, one per path, each filling its own
 * bottleneck. Loss on path 2 must not move its flow onto path 1, where the
 * other one is: that halves both. An RTO still leaves (the path may be dead).
 */
Test(decide, loss_never_moves_onto_a_busier_path)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;
	uint32_t busy[XS_PATHS_MAX] = { 0 };

	xs_pathsel_init(&ps);
	xs_pathsel_add(&ps, 1, XS_POOL_HEAVY, &any, 0);
	xs_pathsel_add(&ps, 2, XS_POOL_HEAVY, &any, 0);
	fl.path_id = 2;
	busy[1] = 1;	/* the other elephant */
	cr_expect_eq(xs_move_target(&ps, &fl, T0, false, busy, NULL, 0), -EBUSY,
		     "alone on path 2: path 1 carries another heavy hitter");
	cr_expect_eq(xs_move_target(&ps, &fl, T0, true, busy, NULL, 0), 1, "an RTO leaves anyway");
	busy[2] = 1;	/* another one shares path 2: path 1 is no busier */
	cr_expect_eq(xs_move_target(&ps, &fl, T0, false, busy, NULL, 0), 1);
	busy[1] = 0;	/* finished flows still assigned to path 1 do not count */
	busy[2] = 0;
	cr_expect_eq(xs_move_target(&ps, &fl, T0, false, busy, NULL, 0), 1);
}

/*
 * A flow without move state (a candidate: f->mv NULL) reads as never
 * moved: no transient, no hold-down; the gate still follows its class.
 */
Test(decide, a_flow_without_move_state)
{
	fl.mv = NULL;
	cr_expect_not(xs_react_in_transient(&cfg, &fl, T0));
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0), XS_GATE_OK, "heavy: may move");
	fl.cls.heavy = false;
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0), XS_GATE_NEVER, "a mouse, move-mice off");
	cfg.move_mice = true;
	cr_expect_eq(xs_move_gate(&cfg, &fl, T0), XS_GATE_OK, "a mouse, move-mice on");
}

/*
 * Fleet mode: a flow leaving congestion goes to the disjoint path the
 * other hosts load least, not to the lowest id its own load would pick.
 */
Test(decide, fleet_load_steers_the_move)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;
	uint64_t fleet[XS_PATHS_MAX] = { 0 };

	xs_pathsel_add(&ps, 3, XS_POOL_DISJOINT, &any, 0);
	fl.path_id = 1;
	cr_expect_eq(xs_move_target(&ps, &fl, T0, false, NULL, NULL, 0), 2,
		     "alone: the lowest id of equal load");
	cr_expect_eq(xs_move_target(&ps, &fl, T0, false, NULL, fleet, 0), 2,
		     "no fleet load: the same");
	fleet[2] = 80000000;	/* another host's heavy hitter on path 2 */
	for (uint32_t r = 0; r < 8; r++)
		cr_expect_eq(xs_move_target(&ps, &fl, T0, false, NULL, fleet, r), 3,
			     "path 2 carries 80 Mbit/s of another host's");
	/* fleet load ranks, never forbids: path 3 in the penalty box leaves 2 */
	xs_pathsel_penalize(&ps, 3, T0 + 1000 * MS);
	cr_expect_eq(xs_move_target(&ps, &fl, T0, false, NULL, fleet, 0), 2);
}
