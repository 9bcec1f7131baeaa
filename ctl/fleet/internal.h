/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside fleet mode's threads: the state the daemon's side (fleet.c), the
 * publish/lease/read thread (publish.c) and the watch thread (watch.c)
 * share. Only ctl/fleet/ includes this; the daemon sees fleet/fleet.h.
 */
#ifndef XS_FLEET_INTERNAL_H
#define XS_FLEET_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "fleet/etcd.h"
#include "fleet/fleet.h"

#define KEY_MAX 512

struct pol_entry {
	char key[KEY_MAX];
	struct xs_cfg_path p;
};

struct xs_fleet {
	struct xs_fleet_cfg c;
	char tenant[16];
	char host[64];
	char password[256];
	enum xs_encap_mode def_mode;
	uint64_t period_ms;
	int efd;
	pthread_t th_main, th_watch;
	bool started;

	pthread_mutex_t lock;	/* guards everything below up to "thread-private" */
	pthread_cond_t cond;	/* quit */
	struct xs_fleet_local local;	/* from the daemon */
	bool local_set;
	bool kick;		/* publish now (a decision was made) */
	struct xs_segload seg;	/* others' load, for the choice */
	char *view;		/* JSON text of the last read */
	uint64_t view_ns;
	struct xs_cfg_path pol[XS_PATHS_MAX];	/* desired paths */
	unsigned int npol;
	uint64_t pol_gen;
	int64_t pol_rev;
	double pol_rx_unix, pol_taken_unix;	/* wall clock: watch event, daemon took it */
	/* counters and state, for the view */
	uint64_t errors, reconnects, publishes, reads, lease_renewals, policy_updates,
		 policy_errors, policy_applied, watch_errors;
	uint64_t degraded;		/* outages: etcd stopped answering */
	uint64_t degraded_ns;		/* their time, the current one not included */
	uint64_t degraded_since_ns;	/* the current outage's start (0: none) */
	char last_error[512];
	int64_t lease;

	atomic_bool quit;
	atomic_bool connected;
	volatile bool wstop;	/* ends the current watch (disconnect, quit) */

	/* thread-private: the watch thread's working copy of the policy keys */
	struct pol_entry *wpol;
	unsigned int nwpol;
};

static inline double unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* fleet.c: a client with f's endpoints and credentials (NULL: logged) */
struct xs_etcd *xs_fleet_client(struct xs_fleet *f, long timeout_ms);
/* fleet.c: sleep up to ms, less when quitting or kicked (a publish-now) */
void xs_fleet_wait_ms(struct xs_fleet *f, uint64_t ms);
/* publish.c: the lease, publishing and reading everyone back */
void *xs_fleet_main(void *arg);
/* watch.c: the desired paths */
void *xs_fleet_watch(void *arg);

#endif
