// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The daemon's side of fleet mode (ctl/fleet/ does the talking to etcd, in
 * its own threads): start and stop them, hand them what to publish, choose
 * heavy-pool paths with the fleet's load, rebalance after a collision, apply
 * the desired paths. Nothing here waits for etcd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fleet/fleet.h"
#include "lib/log.h"
#include "lib/out.h"
#include "daemon/internal.h"

int daemon_fleet_create(struct xs_daemon *d)
{
	char err[512];
	int rc;

	if (!d->cfg.fleet.endpoints[0])
		return 0;
	d->fleet_paths = calloc(XS_PATHS_MAX, sizeof(*d->fleet_paths));
	d->flocal = calloc(1, sizeof(*d->flocal));
	d->fseg = calloc(1, sizeof(*d->fseg));
	if (!d->fleet_paths || !d->flocal || !d->fseg) {
		xs_error("fleet: out of memory");
		return -ENOMEM;
	}
	rc = xs_fleet__create(&d->fleet, &d->cfg.fleet, d->cfg.tenant, d->cfg.encap_mode, err,
			      sizeof(err));
	if (rc)
		xs_error("%s", err);
	return rc;
}

int daemon_fleet_start(struct xs_daemon *d)
{
	int rc;

	if (!d->fleet)
		return 0;
	rc = xs_fleet_start(d->fleet);
	if (rc)
		xs_error("fleet: cannot start its threads: %s", strerror(-rc));
	return rc;
}

void daemon_fleet_free(struct xs_daemon *d)
{
	xs_fleet__destroy(d->fleet);	/* revokes the lease: we leave the view now */
	d->fleet = NULL;
	free(d->fleet_paths);
	free(d->flocal);
	free(d->fseg);
}

int daemon_fleet_fd(const struct xs_daemon *d)
{
	return d->fleet ? xs_fleet_fd(d->fleet) : -1;
}

/* The others' load on each path's segments, by path id. */
void daemon_fleet_bps(struct xs_daemon *d, uint64_t fleet_bps[XS_PATHS_MAX])
{
	struct xs_segload *sl = d->fseg;

	memset(fleet_bps, 0, XS_PATHS_MAX * sizeof(*fleet_bps));
	xs_fleet_segload(d->fleet, sl);
	for (uint32_t i = 0; i < XS_PATHS_MAX && sl->n; i++)
		if (d->paths[i].present)
			fleet_bps[i] = xs_segload_path(sl, d->paths[i].cp.sids,
						       d->paths[i].cp.nsids);
}

/* The heavy-pool choice with the others' load on each path's segments. */
int daemon_fleet_pick(struct xs_daemon *d, const struct xs_cflow *f)
{
	uint64_t fleet_bps[XS_PATHS_MAX];

	daemon_fleet_bps(d, fleet_bps);
	return xs_fleet_pick(&d->ps, fleet_bps, XS_POOL_HEAVY, xs_key_dst(&f->key), UINT32_MAX,
			     now_ns(), (uint32_t)rand_r(&d->seed));
}

static int by_rate_desc(const void *a, const void *b)
{
	const struct xs_fleet_heavy *x = a, *y = b;

	return x->rate_bps < y->rate_bps ? 1 : x->rate_bps > y->rate_bps ? -1 : 0;
}

/*
 * What the fleet thread publishes next: paths with their load (the current
 * rates of their flows), the fastest heavy hitters. now: right after a
 * decision (at most every 100 ms), so the other hosts learn of it at their
 * next read rather than a period later.
 */
void daemon_fleet_publish(struct xs_daemon *d, bool now)
{
	struct xs_fleet_local *l = d->flocal;
	uint32_t slot[XS_PATHS_MAX];
	struct xs_cflow *f;
	uint64_t t = now_ns();
	unsigned int i;

	if (!d->fleet)
		return;
	if (now) {
		if (t < d->fleet_kick_ns + 100000000ULL)
			return;
		d->fleet_kick_ns = t;
	}
	l->npaths = l->nheavy = 0;
	for (i = 0; i < XS_PATHS_MAX; i++) {
		struct xs_fleet_path *p = &l->paths[l->npaths];

		slot[i] = UINT32_MAX;
		if (!d->paths[i].present)
			continue;
		memset(p, 0, sizeof(*p));
		p->id = i;
		p->pool = d->paths[i].cp.pool;
		p->nsids = d->paths[i].cp.nsids;
		memcpy(p->sids, d->paths[i].cp.sids, sizeof(p->sids));
		slot[i] = l->npaths++;
	}
	/* by position: flow_steer publishes from inside other loops */
	for (uint32_t pos = 0; pos < d->ct.count; pos++) {
		f = xs_ctab_at(&d->ct, pos);
		if (f->path_id < XS_PATHS_MAX && slot[f->path_id] != UINT32_MAX) {
			l->paths[slot[f->path_id]].load_bps += (uint64_t)f->cls.rate_bps;
			l->paths[slot[f->path_id]].flows++;
		}
		if (!f->cls.heavy)
			continue;
		/* the fastest XS_FLEET_HEAVY_MAX: the slowest goes when full */
		if (l->nheavy == XS_FLEET_HEAVY_MAX) {
			qsort(l->heavy, l->nheavy, sizeof(l->heavy[0]), by_rate_desc);
			if (l->heavy[l->nheavy - 1].rate_bps >= (uint64_t)f->cls.rate_bps)
				continue;
			l->nheavy--;
		}
		l->heavy[l->nheavy].key = f->key;
		l->heavy[l->nheavy].rate_bps = (uint64_t)f->cls.rate_bps;
		l->heavy[l->nheavy++].path = f->path_id;
	}
	qsort(l->heavy, l->nheavy, sizeof(l->heavy[0]), by_rate_desc);
	xs_fleet_publish(d->fleet, l, now);
}

/*
 * The rebalance after a collision. Every period ([fleet] rebalance-period,
 * default 1 s, plus up to as much again at random, so two hosts' periods
 * drift apart; 0: never), when the
 * view at hand says a local heavy hitter would gain by moving, the daemon
 * asks for a fresh view (a publish-now reads everyone back) and decides on
 * that one, within XS_REBALANCE_FRESH_NS (else, etcd slow or away, not this
 * period): a host that moved a second ago is then seen where it went, not
 * where it was, and the chance that two colliding hosts both move shrinks
 * from the view's age (a second) to the fresh read's.
 */
#define XS_REBALANCE_FRESH_NS	1500000000ULL
/* Local heavy hitters considered per period (the first met). */
#define XS_REBALANCE_FLOWS	64

/* A heavy hitter that may move: not an operator's, past its hold-down and transient, sending. */
static bool may_rebalance(const struct xs_daemon *d, const struct xs_cflow *f, uint64_t now)
{
	return f->cls.heavy && f->last_seen_ns + 1000000000ULL > now &&
	       xs_move_gate(&d->rc, f, now) == XS_GATE_OK && !xs_react_in_transient(&d->rc, f, now);
}

/*
 * Each path's load as the choice measures it, local + fleet: the current
 * rates of this host's flows on it (what it publishes) and the others' load
 * on its segments. The heavy hitters that may move go to fl[] and f[].
 * Returns their number; *view_ns: when the fleet's figures were read.
 */
static unsigned int rebalance_input(struct xs_daemon *d, uint64_t now,
				    uint64_t load[XS_PATHS_MAX], struct xs_rebalance_flow *fl,
				    struct xs_cflow **f, uint64_t *view_ns)
{
	struct xs_segload *sl = d->fseg;
	unsigned int n = 0;

	*view_ns = xs_fleet_segload(d->fleet, sl);
	for (uint32_t i = 0; i < XS_PATHS_MAX; i++)
		load[i] = d->paths[i].present && sl->n ?
			  xs_segload_path(sl, d->paths[i].cp.sids, d->paths[i].cp.nsids) : 0;
	/* by position: xs_ctab_next's cursor may be someone else's */
	for (uint32_t pos = 0; pos < d->ct.count; pos++) {
		struct xs_cflow *o = xs_ctab_at(&d->ct, pos);

		if (o->path_id >= XS_PATHS_MAX)
			continue;
		load[o->path_id] += (uint64_t)o->cls.rate_bps;
		if (n == XS_REBALANCE_FLOWS || !may_rebalance(d, o, now))
			continue;
		fl[n] = (struct xs_rebalance_flow){
			.dst = *xs_key_dst(&o->key), .path = o->path_id,
			.rate_bps = (uint64_t)o->cls.rate_bps,
		};
		f[n++] = o;
	}
	return n;
}

/* From the main loop, after a scan: a no-op until the period is due. */
void daemon_fleet_rebalance(struct xs_daemon *d, uint64_t now)
{
	struct xs_rebalance_flow fl[XS_REBALANCE_FLOWS];
	struct xs_cflow *f[XS_REBALANCE_FLOWS];
	uint64_t load[XS_PATHS_MAX], view_ns, period;
	double u;
	unsigned int n;
	uint32_t to;
	int i;

	if (!d->fleet || !d->cfg.fleet.rebalance_ms || now < d->rebalance_ns)
		return;
	n = rebalance_input(d, now, load, fl, f, &view_ns);
	if (!d->rebalance_ask_ns) {
		if (xs_fleet_rebalance(&d->ps, load, fl, n, now, 0.0, &to) < 0)
			goto next;	/* nothing to gain on the view at hand */
		d->rebalance_ask_ns = now;
		/* twice a period at most: not the burst the 100 ms limit is for */
		d->fleet_kick_ns = 0;
		daemon_fleet_publish(d, true);
		return;
	}
	if (view_ns <= d->rebalance_ask_ns) {
		if (now < d->rebalance_ask_ns + XS_REBALANCE_FRESH_NS)
			return;	/* the fresh view is not there yet */
		goto next;
	}
	u = rand_r(&d->seed) / (RAND_MAX + 1.0);
	i = xs_fleet_rebalance(&d->ps, load, fl, n, now, u, &to);
	if (i >= 0 && flow_rebalance(d, f[i], to, now)) {
		d->fleet_kick_ns = 0;
		daemon_fleet_publish(d, true);	/* the others see it at their next read */
	}
next:
	d->rebalance_ask_ns = 0;
	period = d->cfg.fleet.rebalance_ms * 1000000ULL;
	d->rebalance_ns = now + period +
			  (uint64_t)(rand_r(&d->seed) / (RAND_MAX + 1.0) * (double)period);
}

/*
 * The running paths become the file's (d->cfg.paths), with the fleet's
 * desired paths over them (same id: the fleet's wins): removed or changed
 * ones go (their flows move first), new ones come. SIGHUP and the fleet's
 * changes both end here.
 */
void daemon_apply_paths(struct xs_daemon *d)
{
	struct xs_cfg_path *want = malloc(XS_PATHS_MAX * sizeof(*want));
	unsigned int n = d->cfg.npaths, i, j;

	if (!want) {
		pr_warn("paths: out of memory: the running paths stay\n");
		return;
	}
	if (d->fleet && d->nfleet && d->cfg.sr_source_set)
		n = xs_fleet_merge_paths(d->cfg.paths, d->cfg.npaths, d->fleet_paths, d->nfleet,
					 want);
	else
		memcpy(want, d->cfg.paths, n * sizeof(want[0]));
	for (i = 0; i < XS_PATHS_MAX; i++) {
		const struct xs_cfg_path *np = NULL;

		for (j = 0; j < n; j++)
			if (want[j].id == i)
				np = &want[j];
		if (d->paths[i].present && (!np || memcmp(np, &d->paths[i].cp, sizeof(*np))))
			path_remove(d, i);
		if (np && !d->paths[i].present && !path_install(d, np))
			path_resolve(d, &d->paths[i], true);
	}
	free(want);
}

/* The fleet's desired paths changed (its eventfd woke the main loop). */
void daemon_fleet_policy(struct xs_daemon *d)
{
	uint64_t v;
	int64_t rev = 0;

	if (read(xs_fleet_fd(d->fleet), &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	if (!xs_fleet_policy(d->fleet, &d->fleet_gen, d->fleet_paths, &d->nfleet, &rev))
		return;
	if (d->nfleet && !d->cfg.sr_source_set) {
		pr_warn("fleet: policy revision %lld has %u path(s) but [xsteer] sr-source is "
			"not set: not applied\n", (long long)rev, d->nfleet);
		return;
	}
	daemon_apply_paths(d);
	xs_fleet_applied(d->fleet);
	pr_info("fleet: policy revision %lld applied: %u path(s) from etcd\n", (long long)rev,
		d->nfleet);
}

json_object *daemon_fleet_view(struct xs_daemon *d)
{
	json_object *o;

	if (d->fleet)
		return xs_fleet_view(d->fleet);
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(
		"fleet: fleet mode is off (no [fleet] endpoints in the configuration)"));
	return o;
}
