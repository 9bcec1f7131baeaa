/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The controller's counters: one list (name, kind, help) that makes the
 * struct, the JSON of 'xsteer stats', the Prometheus families and their
 * types, and the man page's list (checked by tests/unit/test_stats.c); the
 * same for fleet mode's figures.
 * Counters only grow; gauges say what is now and are filled in when the
 * counters are read.
 */
#ifndef XS_DAEMON_STATS_H
#define XS_DAEMON_STATS_H

#include <stdint.h>

enum xs_stat_kind { XS_COUNTER, XS_GAUGE };

struct xs_stat_desc {
	const char *name;
	enum xs_stat_kind kind;
	const char *help;
};

#define XS_CTL_STATS(X)								\
	X(scans,		XS_COUNTER, "flow table scans")			\
	X(flows_tracked,	XS_GAUGE,   "flows the controller tracks: candidates, heavy hitters, steered flows") \
	X(flows_not_tracked,	XS_COUNTER, "flows its table had no room for")	\
	X(flows_table,		XS_GAUGE,   "entries of the XDP flow table, as the last full ageing pass counted them") \
	X(candidates,		XS_COUNTER, "flows taken on as candidates (by event or by the ageing pass)") \
	X(age_passes,		XS_COUNTER, "full ageing passes over the XDP flow table") \
	X(scan_walks,		XS_COUNTER, "scans that walked the whole XDP table (many tracked flows)") \
	X(table_bytes,		XS_GAUGE,   "memory of the controller's flow table (bytes)") \
	X(promotions,		XS_COUNTER, "flows classified heavy")		\
	X(promotions_event,	XS_COUNTER, "of which on the XDP program's event") \
	X(demotions,		XS_COUNTER, "heavy hitters classified mice again") \
	X(path_moves,		XS_COUNTER, "flows moved to another path")	\
	X(aged,			XS_COUNTER, "flows aged out (idle or gone)")	\
	X(events,		XS_COUNTER, "ring-buffer events read")		\
	X(no_path,		XS_COUNTER, "heavy hitters without a path for their destination") \
	X(steer_failed,		XS_COUNTER, "steer-table writes that failed")	\
	X(adopted,		XS_COUNTER, "steered flows adopted from a previous daemon") \
	X(moves_retrans,	XS_COUNTER, "moves on retransmissions")		\
	X(moves_cwr,		XS_COUNTER, "moves on CWR (ECN)")		\
	X(moves_rto,		XS_COUNTER, "moves on RTOs")			\
	X(moves_rebalance,	XS_COUNTER, "fleet mode: moves off a collision") \
	X(moves_held_down,	XS_COUNTER, "moves held back by the hold-down")	\
	X(moves_no_path,	XS_COUNTER, "moves without a path to go to")	\
	X(moves_no_better,	XS_COUNTER, "moves not made: every other path carries more steered flows") \
	X(signals_stale,	XS_COUNTER, "congestion signals older than the daemon's adoption, ignored") \
	X(signals_transient,	XS_COUNTER, "congestion signals in a path change's transient, ignored") \
	X(move_latency_p50_us,	XS_GAUGE,   "first signal to first packet on the new path, median (us)") \
	X(move_latency_p99_us,	XS_GAUGE,   "the same, 99th percentile (us)")	\
	X(move_latency_samples,	XS_GAUGE,   "moves the percentiles are taken over")

/*
 * Fleet mode's figures: members of the "fleet" object of the fleet view
 * (xs_fleet_view, `xsteer fleet -j`), rendered as xsteer_fleet_NAME[_total].
 */
#define XS_FLEET_STATS(X)							\
	X(connected,		XS_GAUGE,   "1 while etcd answers (the fleet thread's last call succeeded), 0 while the daemon goes on alone") \
	X(hosts,		XS_GAUGE,   "hosts in the fleet view, this one included, as of its last read") \
	X(degraded,		XS_COUNTER, "times etcd stopped answering (or did not answer at start) and the daemon went on with local decisions") \
	X(degraded_seconds,	XS_COUNTER, "time spent so, the current outage included (s)") \
	X(errors,		XS_COUNTER, "etcd calls of the fleet thread that failed (lease, publish, read)") \
	X(watch_errors,		XS_COUNTER, "reads and watches of the desired paths that failed or broke off") \
	X(reconnects,		XS_COUNTER, "times etcd answered again after an outage") \
	X(publishes,		XS_COUNTER, "puts of this daemon's paths and heavy hitters") \
	X(reads,		XS_COUNTER, "reads of every daemon's figures") \
	X(policy_updates,	XS_COUNTER, "desired-path sets received from etcd (the first read, then each watch event)") \
	X(policy_applied,	XS_COUNTER, "desired-path sets the daemon applied to its running paths") \
	X(policy_errors,	XS_COUNTER, "desired-path values that did not parse (ignored)") \
	X(policy_revision,	XS_GAUGE,   "etcd revision of the desired paths last received") \
	X(policy_paths,		XS_GAUGE,   "desired paths from etcd")

#define XS_CTL_STAT_FIELD(n, k, h) uint64_t n;
struct xs_ctl_stats {
	XS_CTL_STATS(XS_CTL_STAT_FIELD)
};
#undef XS_CTL_STAT_FIELD

extern const struct xs_stat_desc xs_ctl_stat_desc[];	/* ends with { NULL } */
extern const struct xs_stat_desc xs_dp_stat_desc[];	/* afxdp/datapath.h's XS_DP_STATS */
extern const struct xs_stat_desc xs_fleet_stat_desc[];	/* XS_FLEET_STATS */

#endif
