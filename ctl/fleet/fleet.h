/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Fleet mode: what the daemon shares through etcd and what it reads back.
 * The daemon only ever calls the functions below; none of them does I/O or
 * waits on etcd (a mutex around a memcpy at most). Everything that talks
 * to etcd runs in the fleet's own two threads (publish/read, and watch).
 *
 * Key layout under PREFIX (default /xsteer):
 *   PREFIX/hosts/HOST/TENANT/paths   JSON, under this daemon's lease:
 *       [{"id","pool","segments":[SID...],"load_bps","flows"}]
 *   PREFIX/hosts/HOST/TENANT/heavy   JSON, under the lease:
 *       [{"flow":"tcp SRC SPORT DST DPORT","rate_bps","path"}]
 *   PREFIX/policy/TENANT/paths/NAME  written by operators (desired paths):
 *       {"id","pool","prefix","encap","segments":[SID...] or "SID, SID"}
 */
#ifndef XS_FLEET_H
#define XS_FLEET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "lib/config.h"
#include "daemon/controller.h"

#define XS_FLEET_HEAVY_MAX	32	/* heavy hitters published per daemon */
#define XS_SEGLOAD_MAX		512	/* distinct SIDs in the fleet view */

/* ---- what the daemon publishes (copied by xs_fleet_publish) ---- */

struct xs_fleet_path {
	uint32_t id;
	enum xs_pool pool;
	unsigned int nsids;
	struct in6_addr sids[XS_SIDS_MAX];
	uint64_t load_bps;	/* sum of the current rates of its flows */
	uint32_t flows;
};

struct xs_fleet_heavy {
	struct xs_flow_key key;
	uint64_t rate_bps;
	uint32_t path;		/* XS_NO_PATH: not steered */
};

struct xs_fleet_local {
	unsigned int npaths;
	struct xs_fleet_path paths[XS_PATHS_MAX];
	unsigned int nheavy;
	struct xs_fleet_heavy heavy[XS_FLEET_HEAVY_MAX];
};

/* ---- per-segment load: pure functions (ctl/fleet/choice.c) ---- */

struct xs_segload {
	unsigned int n;
	struct {
		struct in6_addr sid;
		uint64_t bps;
		uint32_t paths;		/* paths (of any host) that cross it */
	} e[XS_SEGLOAD_MAX];
};

/* Adds bps to sid's figure (a new entry if needed; -ENOSPC when full). */
int xs_segload_add(struct xs_segload *sl, const struct in6_addr *sid, uint64_t bps);
uint64_t xs_segload_get(const struct xs_segload *sl, const struct in6_addr *sid);
/*
 * A path's fleet load: the sum over its segments of their load (saturating).
 * A segment every candidate crosses (the egress) adds the same to each, so
 * it does not sway the choice; a SID listed twice counts twice.
 */
uint64_t xs_segload_path(const struct xs_segload *sl, const struct in6_addr *sids,
			 unsigned int nsids);

/*
 * Fleet-aware choice among the paths xs_pathsel_pick_at() would consider
 * (pool, destination prefix, longest prefix, exclude, penalty box at
 * now_ns): score = local load (ps) + fleet_bps[id] (the others' load on the
 * path's segments). The lowest score wins; scores within 1/8 of the lowest
 * (or 1 Mbit/s) are ties, one of which rnd picks, uniformly: two hosts that
 * decide at the same instant on the same view then part with probability
 * 1 - 1/ties. The id, or -ENOENT.
 */
int xs_fleet_pick(const struct xs_pathsel *ps, const uint64_t fleet_bps[XS_PATHS_MAX],
		  enum xs_pool pool, const struct in6_addr *dst, uint32_t exclude,
		  uint64_t now_ns, uint32_t rnd);

/* A local heavy flow the rebalance may move (ctl/fleet/choice.c). */
struct xs_rebalance_flow {
	struct in6_addr dst;
	uint32_t path;		/* its path now */
	uint64_t rate_bps;	/* its current rate */
};

/*
 * The correction after a collision (two hosts whose elephants started
 * within a view's age of each other took the same path): one period's
 * decision for one host. load[id]: path id's load as the choice measures
 * it, local + fleet (a flow counts on its own path). A flow on P may move
 * to Q, the least-loaded other candidate of P's pool for its destination
 * (the choice's rules: longest prefix, not in the penalty box at now_ns),
 * when load[P] - rate > load[Q] + rate / 2: the move improves the balance
 * by more than half the flow's rate, so it never just swaps the imbalance.
 * Of the flows that may, the one that gains most; at most one per call.
 * Then it moves only when u (uniform in [0, 1)) < 1/2: two colliding hosts
 * deciding on the same view do not both move every time.
 * Returns the index in fl[] with *to set; -ENOENT when no flow may move;
 * -EAGAIN when one may but the draw says not this period.
 */
int xs_fleet_rebalance(const struct xs_pathsel *ps, const uint64_t load[XS_PATHS_MAX],
		       const struct xs_rebalance_flow *fl, unsigned int n, uint64_t now_ns,
		       double u, uint32_t *to);

/* ---- desired paths: pure functions (ctl/fleet/policy.c) ---- */

/*
 * One policy value (JSON) into a path; name is the key's last component.
 * def_mode: the tenant's encap mode when "encap" is not given; pool
 * defaults to heavy, prefix to ::/0. -EINVAL with err naming the field,
 * the value and the reason.
 */
int xs_fleet_policy_parse(const char *name, const char *json, enum xs_encap_mode def_mode,
			  struct xs_cfg_path *p, char *err, size_t errlen);
/*
 * The running set: the file's paths, each id the fleet defines replaced by
 * the fleet's definition, plus the fleet's other ids. Returns the count
 * (out holds XS_PATHS_MAX).
 */
unsigned int xs_fleet_merge_paths(const struct xs_cfg_path *file, unsigned int nfile,
				  const struct xs_cfg_path *fleet, unsigned int nfleet,
				  struct xs_cfg_path *out);

/* ---- the fleet threads (ctl/fleet/fleet.c) ---- */

struct xs_fleet;

/*
 * Checks the [fleet] settings and reads the password file (refused when
 * group or others may read it, like the key file). No thread yet, no
 * network. -errno with err naming the value and the reason.
 */
int xs_fleet__create(struct xs_fleet **f, const struct xs_fleet_cfg *c, const char *tenant,
		     enum xs_encap_mode def_mode, char *err, size_t errlen);
/* Starts the threads (they inherit the caller's network namespace and
 * signal mask: block the daemon's signals first). */
int xs_fleet_start(struct xs_fleet *f);
/* Stops the threads and revokes the lease (bounded: about a second). */
void xs_fleet__destroy(struct xs_fleet *f);

/* Readable (eventfd) when the desired paths changed; read it to clear. */
int xs_fleet_fd(const struct xs_fleet *f);
/*
 * The daemon's state for the next publish (copied). now: a decision was
 * just made; the fleet thread publishes (and reads) at once instead of at
 * the end of its period, so other hosts see it sooner.
 */
void xs_fleet_publish(struct xs_fleet *f, const struct xs_fleet_local *l, bool now);
/*
 * The other daemons' load per segment (empty while etcd is unreachable).
 * Returns when it was read (CLOCK_MONOTONIC ns; 0: never).
 */
uint64_t xs_fleet_segload(struct xs_fleet *f, struct xs_segload *out);
/*
 * The desired paths when they changed since *gen (then *gen is updated,
 * paths[] filled, true returned). valid is false until etcd was read once.
 */
bool xs_fleet_policy(struct xs_fleet *f, uint64_t *gen, struct xs_cfg_path *paths,
		     unsigned int *n, int64_t *rev);
/* The daemon applied the desired paths it took (counted for the view). */
void xs_fleet_applied(struct xs_fleet *f);
/*
 * The fleet as etcd held it at the last read, with the link's state; the
 * "fleet" member holds daemon/stats.h's XS_FLEET_STATS (and more).
 */
json_object *xs_fleet_view(struct xs_fleet *f);

#endif
