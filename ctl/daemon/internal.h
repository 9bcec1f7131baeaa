/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the daemon: its state, and the functions its files share. Only
 * ctl/daemon/ includes this; everyone else sees daemon/daemon.h.
 */
#ifndef XS_DAEMON_INTERNAL_H
#define XS_DAEMON_INTERNAL_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <json-c/json.h>
#include "xdp/xs_shared.h"
#include "afxdp/datapath.h"
#include "afxdp/srv6.h"
#include "lib/config.h"
#include "lib/nexthop.h"
#include "daemon/controller.h"
#include "daemon/decide.h"
#include "daemon/daemon.h"
#include "daemon/stats.h"

struct ring_buffer;
struct xs_ctl_server;
struct xs_fleet;
struct xs_fleet_local;

#define SCAN_BATCH 1024
#define XS_LAT_N 1024

struct dpath {
	bool present;
	bool resolved;
	bool published;
	struct xs_cfg_path cp;
	struct xs_srv6_path p;
	struct xs_nexthop nh;
};

struct xs_daemon {
	struct xs_cfg cfg;
	const struct xs_daemon_opts *o;
	struct xs_dp *dp;
	int flows_fd, steer_fd, config_fd, xsks_fd, stats_fd, events_fd;
	struct ring_buffer *rb;
	struct xs_ctab ct;
	struct xs_pathsel ps;
	struct dpath paths[XS_PATHS_MAX];
	struct xs_class_cfg cc;
	struct xs_react_cfg rc;		/* congestion reaction (daemon/decide.h) */
	struct xs_react_count rcount;	/* signals it ignored */
	struct xs_flow_key *keys;	/* SCAN_BATCH, for batch reads of the flow table */
	struct xs_flow_stats *vals;
	uint32_t flows_max;		/* the XDP flow table's size */
	uint64_t cand_bytes;		/* xs_config.cand_bytes (daemon_class_cfg) */
	/* the ageing walk over the XDP flow table (scan.c) */
	__u32 age_token;		/* where it resumes */
	bool age_started;		/* false: from the start */
	uint64_t age_seen;		/* entries of the current pass so far */
	uint64_t start_ns;
	struct xs_ctl_server *ctl;	/* the control socket */
	int lock_fd;			/* one daemon per tenant (daemon/lock.h) */
	char lock_path[128];
	int dev_lock_fd;		/* and per interface and network namespace */
	char dev_lock_path[128];
	char pin_made[PATH_MAX];	/* the pin directories this run created */
	int sig_fd;			/* signalfd: TERM, INT, HUP, USR1 */
	struct xs_nl_watch *nlw;	/* route/neighbour/link changes */
	struct xs_ctl_stats st;		/* counters (daemon/stats.h) */
	/* first signal -> first packet on the new path, last XS_LAT_N moves */
	uint64_t lat_us[XS_LAT_N];
	uint32_t nlat;
	unsigned int seed;
	/* fleet mode (NULL: off): desired paths from etcd, as last applied */
	struct xs_fleet *fleet;
	uint64_t fleet_gen;
	unsigned int nfleet;
	struct xs_cfg_path *fleet_paths;	/* XS_PATHS_MAX */
	struct xs_fleet_local *flocal;		/* scratch for publishing */
	struct xs_segload *fseg;		/* scratch for the choice */
	uint64_t fleet_kick_ns;			/* the last publish-now */
	uint64_t rebalance_ns;			/* the next rebalance period */
	uint64_t rebalance_ask_ns;		/* a fresh view asked for then (0: none) */
};

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The path an entry puts the flow on, now or once its pending move is made. */
static inline uint32_t entry_path(const struct xs_steer_entry *e)
{
	return e->flags & XS_STEER_F_PENDING ? e->next_path_id : e->path_id;
}


/* paths.c */
bool path_resolve(struct xs_daemon *d, struct dpath *p, bool verbose);
int resolve_all(struct xs_daemon *d, bool verbose);	/* paths left unresolved */
int path_install(struct xs_daemon *d, const struct xs_cfg_path *cp);
int path_remove(struct xs_daemon *d, uint32_t id);

/* steer.c */
int steer_write(struct xs_daemon *d, struct xs_cflow *f, uint32_t path_id);
void flow_assign(struct xs_daemon *d, struct xs_cflow *f, uint32_t id);
void flow_unassign(struct xs_daemon *d, struct xs_cflow *f);
void flow_steer(struct xs_daemon *d, struct xs_cflow *f);
void flow_unsteer(struct xs_daemon *d, struct xs_cflow *f);
void adopt_steered(struct xs_daemon *d);

/* congestion.c */
void flow_move(struct xs_daemon *d, struct xs_cflow *f, enum xs_move_cause cause, uint64_t now);
bool flow_rebalance(struct xs_daemon *d, struct xs_cflow *f, uint32_t to, uint64_t now);
void flow_switch_check(struct xs_daemon *d, struct xs_cflow *f);
void flow_congestion(struct xs_daemon *d, struct xs_cflow *f, const struct xs_flow_stats *st,
		     uint64_t now);
void latency_pct(struct xs_daemon *d, uint64_t *p50, uint64_t *p99);

/* scan.c */
/* the decisions' settings from the configuration (at start and on SIGHUP) */
void daemon_class_cfg(struct xs_daemon *d);
void daemon_scan(struct xs_daemon *d);
int daemon_on_event(void *ctx, void *data, size_t len);	/* ring buffer callback */
/* Every entry of the XDP flow table to cb, in batches (events read between them). */
int daemon_table_walk(struct xs_daemon *d,
		      void (*cb)(void *ctx, const struct xs_flow_key *k,
				 const struct xs_flow_stats *st), void *ctx);

/* api.c */
json_object *ctl_status(struct xs_daemon *d);
json_object *ctl_paths(struct xs_daemon *d);
json_object *ctl_stats(struct xs_daemon *d);
/* One request line (len bytes) to its reply, which the caller owns; never NULL. */
json_object *xs_api_handle(struct xs_daemon *d, const char *line, size_t len);
void write_textfile(struct xs_daemon *d);

/* stats.c: the counters with the gauges filled in */
void daemon_stats(struct xs_daemon *d, struct xs_ctl_stats *out);

/* reload.c */
void daemon_reload(struct xs_daemon *d);

/* fleet.c: fleet mode's hooks (all no-ops when it is off) */
int daemon_fleet_create(struct xs_daemon *d);
int daemon_fleet_start(struct xs_daemon *d);
void daemon_fleet_free(struct xs_daemon *d);
int daemon_fleet_fd(const struct xs_daemon *d);
int daemon_fleet_pick(struct xs_daemon *d, const struct xs_cflow *f);
/* the load the other hosts put on each path's segments (fleet mode only) */
void daemon_fleet_bps(struct xs_daemon *d, uint64_t fleet_bps[XS_PATHS_MAX]);
void daemon_fleet_publish(struct xs_daemon *d, bool now);
void daemon_fleet_rebalance(struct xs_daemon *d, uint64_t now);
void daemon_fleet_policy(struct xs_daemon *d);
json_object *daemon_fleet_view(struct xs_daemon *d);
void daemon_apply_paths(struct xs_daemon *d);

/* daemon.c */
int daemon_write_xdp_config(struct xs_daemon *d);
/* c's flow-reserve against the running flow table (its size may differ from c's). */
int daemon_check_reserve(const struct xs_daemon *d, const struct xs_cfg *c, char *err,
			 size_t n);

#endif
