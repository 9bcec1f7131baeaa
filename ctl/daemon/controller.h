/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The controller's decisions, as pure functions over its own state (no
 * maps, no I/O), so they are unit-tested on synthetic series:
 *  - per-flow rate (EWMA) and heavy-hitter classification with hysteresis;
 *  - path choice from pools by destination prefix, least assigned load,
 *    sticky per flow;
 *  - the controller's flow table (grows with use, bounded; what does not fit
 *    is counted).
 */
#ifndef XS_CONTROLLER_H
#define XS_CONTROLLER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/config.h"
#include "xdp/xs_shared.h"

/* ---- classification ---- */

struct xs_class_cfg {
	uint64_t high_bps;	/* promote when the rate goes above */
	uint64_t low_bps;	/* demote when below this... */
	uint64_t hold_ns;	/* ...continuously for this long */
	uint64_t bytes;		/* promote when a flow's bytes reach this (0: off) */
	uint64_t tau_ns;	/* EWMA time constant */
};

struct xs_class_state {
	uint64_t last_bytes;
	uint64_t last_ns;	/* 0: no sample yet */
	double rate_bps;	/* EWMA */
	uint64_t below_since_ns;	/* 0: not below the low mark */
	bool heavy;
	bool was_heavy;		/* promoted once (kept through a demotion) */
};

enum xs_class_event { XS_CLASS_NONE = 0, XS_CLASS_PROMOTE, XS_CLASS_DEMOTE };

/*
 * Feed one sample: the flow's cumulative byte count at time now_ns.
 * The instantaneous rate over the interval is folded into the EWMA with
 * weight 1 - exp(-dt/tau) (tau 0: the last interval alone). Returns what
 * changed.
 *  - The first sample only records, unless the flow already reached the
 *    byte threshold (PROMOTE). A sample at the same time is ignored.
 *  - A byte count below the last one (the datapath re-created the flow) is
 *    handled as a first sample; rate and class are kept.
 *  - PROMOTE when the rate goes above high, or when the byte count crosses
 *    the byte threshold in this interval. Crossing, not being above: a flow
 *    demoted after it passed the threshold is not promoted again at the
 *    next sample (that would flap with the period of hold).
 *  - DEMOTE when the rate stays below low for hold (measured from the first
 *    sample below low; a sample at or above low restarts it), whatever
 *    promoted the flow.
 */
enum xs_class_event xs_class_update(const struct xs_class_cfg *c, struct xs_class_state *s,
				    uint64_t bytes, uint64_t now_ns);
/*
 * The datapath's candidate threshold (xs_config.cand_bytes): below it no
 * flow can be promoted within a scan period of crossing it, so only the
 * flows above are tracked. Never 0.
 */
uint64_t xs_cand_bytes(const struct xs_class_cfg *c, uint64_t scan_ns);
/* Promote now (the datapath's byte-threshold event); NONE if already heavy. */
enum xs_class_event xs_class_promote(struct xs_class_state *s, uint64_t now_ns);

/* ---- path selection ---- */

struct xs_pathsel_entry {
	uint32_t id;
	enum xs_pool pool;
	struct in6_addr prefix;
	uint8_t plen;
	bool present;
	uint32_t flows;		/* flows assigned */
	uint64_t load_bps;	/* sum of their rates at assignment */
	uint64_t avoid_until_ns;	/* penalty box: not picked before this */
};

struct xs_pathsel {
	struct xs_pathsel_entry e[XS_PATHS_MAX];
};

void xs_pathsel_init(struct xs_pathsel *ps);
int xs_pathsel_add(struct xs_pathsel *ps, uint32_t id, enum xs_pool pool,
		   const struct in6_addr *prefix, uint8_t plen);
/* Removes the path; its flows must be moved first (see flows). */
int xs_pathsel_del(struct xs_pathsel *ps, uint32_t id);
/*
 * Pick a path of pool for dst: among the paths whose prefix contains dst,
 * those with the longest prefix; among them the least load (bps, then
 * flows, then lowest id). exclude (or UINT32_MAX) is never picked.
 * Returns the id, or -ENOENT.
 *
 * Families do not mix: an IPv4 destination (::ffff:a.b.c.d) is served only
 * by IPv4 prefixes (inside ::ffff:0:0/96, e.g. 198.51.100.0/24 stored as
 * ::ffff:198.51.100.0/120) and an IPv6 destination only by the others. So
 * ::/0 is "every IPv6 destination" and ::ffff:0:0/96 "every IPv4 one": a
 * path ending in End.DX6 cannot carry IPv4, nor End.DX4 IPv6.
 */
int xs_pathsel_pick(const struct xs_pathsel *ps, enum xs_pool pool,
		    const struct in6_addr *dst, uint32_t exclude);
/* Add/remove one flow of bps to a path's load (saturating; no-op for ids
 * not present, so a release after xs_pathsel_del is harmless). */
/* The same, skipping paths in the penalty box at time now_ns. */
int xs_pathsel_pick_at(const struct xs_pathsel *ps, enum xs_pool pool,
		       const struct in6_addr *dst, uint32_t exclude, uint64_t now_ns);
/* Put a path in the penalty box until until_ns (a congested path left behind). */
void xs_pathsel_penalize(struct xs_pathsel *ps, uint32_t id, uint64_t until_ns);
void xs_pathsel_assign(struct xs_pathsel *ps, uint32_t id, uint64_t bps);
void xs_pathsel_release(struct xs_pathsel *ps, uint32_t id, uint64_t bps);
/* The first plen bits of a equal those of pfx (pfx need not be masked). */
bool xs_prefix_match(const struct in6_addr *pfx, uint8_t plen, const struct in6_addr *a);
/* Whether the path serves dst: prefix match and same family (see above). */
bool xs_pathsel_serves(const struct xs_pathsel_entry *e, const struct in6_addr *dst);

/* ---- the controller's flow table ---- */

#define XS_NO_PATH UINT32_MAX

/*
 * What only a flow that can move needs: its path's bookkeeping, the
 * congestion reaction's counters and state. Heavy hitters, steered flows
 * (and, with move-mice, mice with congestion signals) have one; a
 * candidate, most of what is tracked, does not (xs_ctab_mv makes it).
 */
struct xs_cmove {
	uint64_t assigned_bps;	/* what was added to the path's load */
	uint64_t steered_ns;	/* when it was steered (asked for), 0 if not */
	uint64_t switched_ns;	/* when the datapath put it on its path (or it was adopted) */
	uint64_t heavy_ns;	/* when it was found heavy (event: in XDP), 0 if not */
	/* congestion (issue: react to congestion) */
	uint64_t cong_pkts;	/* packets at the last scan, for the loss share */
	uint64_t moved_ns;	/* when the last move was asked for */
	uint64_t hold_until_ns;	/* not moved again before this */
	uint64_t signal_ns;	/* first congestion signal of this episode */
	uint64_t steer_retry_ns;	/* heavy without a path: not tried again before */
	uint32_t retrans, cwr, rto;	/* the datapath's counters at the last scan */
	uint32_t cong_periods;	/* consecutive congested scan periods */
	uint32_t prev_path;	/* before the last move; XS_NO_PATH: the default */
	uint32_t moves;
	bool manual;		/* steered by an operator: the controller keeps it */
	bool cong_event;	/* the datapath reported congestion this period */
	bool move_pending;	/* waiting for the datapath to make the move */
	bool counters_valid;	/* retrans/cwr/rto hold a sample */
};

/* What a flow without a struct xs_cmove reads: nothing steered, nothing moved. */
extern const struct xs_cmove xs_cmove_none;

/*
 * A tracked flow: what every candidate needs (112 B, and 8 B of index).
 * Its packets and first-seen time are the XDP table's, read when shown.
 */
struct xs_cflow {
	struct xs_flow_key key;
	uint32_t path_id;	/* XS_NO_PATH when not steered */
	uint32_t seen_scan;	/* the scan that last found it in the XDP table */
	struct xs_class_state cls;	/* cls.last_bytes: its bytes at the last sample */
	uint64_t last_seen_ns;	/* from the datapath's flow entry */
	uint64_t tracked_ns;	/* when the controller took it on as a candidate */
	struct xs_cmove *mv;	/* NULL until it can move (xs_ctab_mv) */
};
_Static_assert(sizeof(struct xs_cflow) <= 112, "a tracked flow stays within 112 B");

/* The flow's move state, or xs_cmove_none's zeros: for reading. */
static inline const struct xs_cmove *xs_cflow_mv(const struct xs_cflow *f)
{
	return f->mv ? f->mv : &xs_cmove_none;
}

/*
 * The flows the controller tracks (candidates, heavy hitters, steered
 * flows: never every mouse), in a table that grows and shrinks with them:
 *  - the flows themselves in a dense array, [0, count), which iteration
 *    walks (a scan costs what is tracked, never a capacity);
 *  - an index of cap 32-bit slots (0: empty, else dense position + 1),
 *    open addressing with linear probing, at most half full, deletion by
 *    backward shift (no tombstones).
 * Both double when full and halve (xs_ctab_compact) when a quarter is
 * used, down to a small floor: memory follows the tracked flows, not the
 * largest count ever configured (max only bounds it).
 *
 * A struct xs_cflow pointer is valid until the next get (an insert may
 * grow the array), del (the last flow moves into the hole) or compact,
 * except as the cursor of xs_ctab_next.
 */
struct xs_ctab {
	struct xs_cflow *flows;	/* [0, count), allocated fcap */
	uint32_t *slots;	/* cap entries */
	uint32_t cap;		/* power of two, >= 2 * count */
	uint32_t fcap;
	uint32_t count;
	uint32_t max;		/* at most this many flows */
	uint64_t not_tracked;	/* flows that did not fit */
	uint64_t seed;		/* of the hash, random per table */
	uint32_t iter_pos;	/* dense position of the current iteration */
	uint32_t nmv;		/* flows with a struct xs_cmove */
};

/* 0, -EINVAL (max 0 or above 2^30) or -ENOMEM */
int xs_ctab_init(struct xs_ctab *t, uint32_t max);
void xs_ctab_free(struct xs_ctab *t);
struct xs_cflow *xs_ctab_find(struct xs_ctab *t, const struct xs_flow_key *k);
/*
 * Find or insert (path_id = XS_NO_PATH); NULL when full (not_tracked++) or
 * out of memory (the same: the flow is not tracked, nothing else changes).
 */
struct xs_cflow *xs_ctab_get(struct xs_ctab *t, const struct xs_flow_key *k);
void xs_ctab_del(struct xs_ctab *t, struct xs_cflow *f);
/*
 * The flow's move state, made (prev_path XS_NO_PATH, the rest 0) on first
 * use; NULL when out of memory (the flow then does not move: callers skip).
 * Freed with the flow.
 */
struct xs_cmove *xs_ctab_mv(struct xs_ctab *t, struct xs_cflow *f);
/* The flow at dense position pos (< count). */
static inline struct xs_cflow *xs_ctab_at(struct xs_ctab *t, uint32_t pos)
{
	return &t->flows[pos];
}
/* Give back memory after deletions (never during an iteration). */
void xs_ctab_compact(struct xs_ctab *t);
/* Bytes the table holds (both arrays, the move states), for the stats. */
uint64_t xs_ctab_bytes(const struct xs_ctab *t);
/*
 * Iterate: for (f = xs_ctab_next(t, NULL); f; f = xs_ctab_next(t, f))
 * Deleting the current flow (or one already visited) inside the loop is
 * safe, in either form:
 *	next = xs_ctab_next(t, f); if (...) xs_ctab_del(t, f); f = next;
 *	for (...; f = xs_ctab_next(t, f)) if (...) xs_ctab_del(t, f);
 * every flow is visited exactly once. (It walks the dense array downwards,
 * and a deletion moves the last entry, already visited, into the hole.) Inserting
 * (xs_ctab_get of a new key) during an iteration is not; neither are two
 * iterations at once (the end is kept in the table).
 */
struct xs_cflow *xs_ctab_next(struct xs_ctab *t, struct xs_cflow *f);
/* Delete every flow for which pred returns true; returns how many. pred may
 * release the flow's path, but must not insert or delete. */
unsigned int xs_ctab_sweep(struct xs_ctab *t,
			   bool (*pred)(struct xs_cflow *f, void *ctx), void *ctx);

/* The destination address of a key (IPv4 keys are already IPv4-mapped). */
static inline const struct in6_addr *xs_key_dst(const struct xs_flow_key *k)
{
	return (const struct in6_addr *)k->daddr;
}

#endif
