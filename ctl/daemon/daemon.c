// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdp/xs_shared.h"
#include "cli/commands.h"
#include "daemon/controller.h"
#include "lib/ctlsock.h"
#include "daemon/daemon.h"
#include "afxdp/datapath.h"
#include "lib/flowfmt.h"
#include "lib/log.h"
#include "daemon/metrics.h"
#include "lib/netdev.h"
#include "lib/nexthop.h"
#include "lib/out.h"
#include "lib/pin.h"

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
	struct xs_flow_key *keys;
	struct xs_flow_stats *vals;
	uint64_t start_ns;
	int ctl_fd;
	/* controller counters */
	uint64_t scans, promotions, promotions_event, demotions, moves, aged,
		 steer_failed, no_path, events, adopted;
	/* congestion reaction: moves by cause, and what held them back */
	uint64_t moves_retrans, moves_cwr, moves_rto, moves_held, moves_no_path;
	/* first signal -> first packet on the new path, last XS_LAT_N moves */
	uint64_t lat_us[XS_LAT_N];
	uint32_t nlat;
	unsigned int seed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- setup helpers ---- */

/*
 * Frames from local sockets leave the host-side veth with partial checksums
 * and as GSO super-frames unless these offloads are off; AF_XDP would then
 * see (and send) packets whose checksum is not filled in.
 */
static int check_host_offloads(const char *ifname)
{
	static const struct { uint32_t cmd; const char *name; } feats[] = {
		{ ETHTOOL_GTXCSUM, "tx-checksumming" },
		{ ETHTOOL_GTSO, "tcp-segmentation-offload" },
		{ ETHTOOL_GGSO, "generic-segmentation-offload" },
	};
	char on[128] = "";
	size_t i;

	if (!if_nametoindex(ifname)) {
		xs_error("host-side interface '%s' not found (give --host-if, or run "
			 "'xsteer-netns up' first)", ifname);
		return -ENODEV;
	}
	for (i = 0; i < sizeof(feats) / sizeof(feats[0]); i++)
		if (xs_netdev_offload(ifname, feats[i].cmd) > 0)
			snprintf(on + strlen(on), sizeof(on) - strlen(on), "%s%s",
				 on[0] ? ", " : "", feats[i].name);
	if (on[0]) {
		xs_error("host-side interface '%s' has %s on: local senders' frames would "
			 "carry partial checksums or be GSO super-frames; fix: "
			 "ethtool -K %s tx off tso off gso off", ifname, on, ifname);
		return -EINVAL;
	}
	return 0;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		xs_error("network namespace '%s' not found (%s): %s", name, path, strerror(-err));
		return err;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		xs_error("cannot enter network namespace '%s': %s", name, strerror(-err));
	}
	close(fd);
	return err;
}

/* Keep only what the running daemon still uses: neighbour resolution. */
static int drop_caps(void)
{
	cap_value_t keep[] = { CAP_NET_ADMIN };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return err;
}

/* The path an entry puts the flow on, now or once its pending move is made. */
static uint32_t entry_path(const struct xs_steer_entry *e)
{
	return e->flags & XS_STEER_F_PENDING ? e->next_path_id : e->path_id;
}

/* ---- paths ---- */

static void path_desc(const struct dpath *dp, char *buf, size_t len)
{
	snprintf(buf, len, "path %u '%s'", dp->cp.id, dp->cp.name);
}

/* Returns true when the path is usable (resolved). */
static bool path_resolve(struct xs_daemon *d, struct dpath *p, bool verbose)
{
	struct xs_nexthop nh;
	char desc[64];
	int err;

	path_desc(p, desc, sizeof(desc));
	err = xs_nexthop_resolve(&p->p.sids[0], &nh);
	if (err) {
		if (verbose || p->resolved)
			pr_warn("%s: next hop of first SID unresolved: %s\n", desc,
				err == -EAGAIN ? "no neighbour entry yet" : strerror(-err));
		if (p->resolved || !p->published)
			xs_dp_set_path(d->dp, p->cp.id, &p->p, NULL);
		p->resolved = false;
		p->published = true;
		return false;
	}
	if (p->resolved && !memcmp(nh.mac, p->nh.mac, 6))
		return true;
	p->nh = nh;
	p->resolved = true;
	p->published = true;
	xs_dp_set_path(d->dp, p->cp.id, &p->p, nh.mac);
	pr_info("%s: next hop %02x:%02x:%02x:%02x:%02x:%02x\n", desc, nh.mac[0], nh.mac[1],
		nh.mac[2], nh.mac[3], nh.mac[4], nh.mac[5]);
	return true;
}

static int resolve_all(struct xs_daemon *d, bool verbose)
{
	int i, left = 0;

	for (i = 0; i < XS_PATHS_MAX; i++)
		if (d->paths[i].present && !path_resolve(d, &d->paths[i], verbose))
			left++;
	return left;
}

static int path_install(struct xs_daemon *d, const struct xs_cfg_path *cp)
{
	struct dpath *p = &d->paths[cp->id];
	int err;

	memset(p, 0, sizeof(*p));
	p->cp = *cp;
	err = xs_srv6_path__init(&p->p, cp->mode, &d->cfg.sr_source, cp->sids, cp->nsids,
				 d->cfg.hop_limit);
	if (err) {
		xs_error("path %u '%s': cannot build its headers: %s", cp->id, cp->name,
			 strerror(-err));
		return err;
	}
	p->present = true;
	xs_pathsel_add(&d->ps, cp->id, cp->pool, &cp->prefix, cp->plen);
	return 0;
}

/*
 * A flow goes onto a path like a move: the XDP program switches it at the
 * first flowlet gap (or the deadline), so the first packets on the SR path
 * do not overtake those still queued on the default path.
 */
static int steer_write(struct xs_daemon *d, struct xs_cflow *f, uint32_t path_id)
{
	uint64_t now = now_ns();
	struct xs_steer_entry e = {
		.path_id = XS_PATH_NONE,
		.flags = XS_STEER_F_PENDING,
		.next_path_id = path_id,
		.deadline_ns = now + d->cfg.flowlet_wait_us * 1000ULL,
	};

	if (bpf_map_update_elem(d->steer_fd, &f->key, &e, 0)) {
		d->steer_failed++;
		return -errno;
	}
	return 0;
}

static void flow_unassign(struct xs_daemon *d, struct xs_cflow *f)
{
	if (f->path_id != XS_NO_PATH)
		xs_pathsel_release(&d->ps, f->path_id, f->assigned_bps);
	f->path_id = XS_NO_PATH;
	f->assigned_bps = 0;
	f->steered_ns = 0;
	f->heavy_ns = 0;
}

static void flow_assign(struct xs_daemon *d, struct xs_cflow *f, uint32_t id)
{
	f->path_id = id;
	f->assigned_bps = (uint64_t)f->cls.rate_bps;
	f->steered_ns = now_ns();
	xs_pathsel_assign(&d->ps, id, f->assigned_bps);
}

/* A heavy hitter gets a path of the heavy pool for its destination. */
static void flow_steer(struct xs_daemon *d, struct xs_cflow *f)
{
	struct xs_steer_entry cur;
	int id;

	if (f->path_id != XS_NO_PATH)
		return;
	/* an operator's (or a previous daemon's) entry: adopt its path */
	if (!bpf_map_lookup_elem(d->steer_fd, &f->key, &cur) && entry_path(&cur) < XS_PATHS_MAX) {
		f->manual = cur.flags & XS_STEER_F_MANUAL;
		flow_assign(d, f, entry_path(&cur));
		return;
	}
	id = xs_pathsel_pick_at(&d->ps, XS_POOL_HEAVY, xs_key_dst(&f->key), UINT32_MAX, now_ns());
	if (id < 0) {
		d->no_path++;
		return;
	}
	if (!steer_write(d, f, id))
		flow_assign(d, f, id);
}

static void flow_unsteer(struct xs_daemon *d, struct xs_cflow *f)
{
	if (f->path_id == XS_NO_PATH || f->manual)
		return;
	bpf_map_delete_elem(d->steer_fd, &f->key);
	flow_unassign(d, f);
}

/* Move every flow off path id (before the path disappears). */
static void path_evacuate(struct xs_daemon *d, uint32_t id)
{
	struct xs_cflow *f;
	int to;

	for (f = xs_ctab_next(&d->ct, NULL); f; f = xs_ctab_next(&d->ct, f)) {
		if (f->path_id != id)
			continue;
		to = xs_pathsel_pick(&d->ps, d->paths[id].cp.pool, xs_key_dst(&f->key), id);
		flow_unassign(d, f);
		if (to >= 0 && !steer_write(d, f, to)) {
			flow_assign(d, f, to);
			d->moves++;
		} else {
			bpf_map_delete_elem(d->steer_fd, &f->key);
		}
	}
}

static int path_remove(struct xs_daemon *d, uint32_t id)
{
	struct xs_flow_key key, next;
	struct xs_steer_entry e;
	void *prev = NULL;

	if (id >= XS_PATHS_MAX || !d->paths[id].present)
		return -ENOENT;
	/* no new flows onto it, then move its flows, then the template goes */
	xs_pathsel_del(&d->ps, id);
	xs_pathsel_add(&d->ps, id, XS_POOL__MAX, &d->paths[id].cp.prefix, 0);
	path_evacuate(d, id);
	xs_pathsel_del(&d->ps, id);
	/* steer entries the controller does not track (manual, not seen yet) */
	while (!bpf_map_get_next_key(d->steer_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(d->steer_fd, &key, &e) &&
		    (e.path_id == id || entry_path(&e) == id))
			bpf_map_delete_elem(d->steer_fd, &key);
	}
	xs_dp_del_path(d->dp, id);
	d->paths[id].present = false;
	return 0;
}

/* ---- congestion reaction ---- */

enum move_cause { MOVE_RETRANS, MOVE_CWR, MOVE_RTO };

static const char *const move_cause_names[] = { "retransmissions", "cwr", "rto" };

/* A randomised suspend time, so paths left together come back apart. */
static uint64_t penalty_ns(struct xs_daemon *d)
{
	uint64_t base = d->cfg.penalty_ms * 1000000ULL;

	return base / 2 + (base ? (uint64_t)rand_r(&d->seed) % (base + 1) : 0);
}

/*
 * Move a flow away from a congested path: to a path of the disjoint pool for
 * its destination (else another heavy-pool path), never back onto the path it
 * leaves or one in the penalty box. The datapath makes the switch at the
 * first flowlet gap, or at the deadline.
 */
static void flow_move(struct xs_daemon *d, struct xs_cflow *f, enum move_cause cause,
		      uint64_t now)
{
	struct xs_steer_entry e = { .flags = XS_STEER_F_PENDING };
	const struct in6_addr *dst = xs_key_dst(&f->key);
	uint32_t cur = f->path_id;
	int to;

	if (f->manual || (f->path_id == XS_NO_PATH && !f->cls.heavy && !d->cfg.move_mice))
		return;
	if (now < f->hold_until_ns) {
		d->moves_held++;
		return;
	}
	to = xs_pathsel_pick_at(&d->ps, XS_POOL_DISJOINT, dst, cur, now);
	if (to < 0)
		to = xs_pathsel_pick_at(&d->ps, XS_POOL_HEAVY, dst, cur, now);
	if (to < 0) {
		d->moves_no_path++;
		return;
	}
	e.path_id = cur == XS_NO_PATH ? XS_PATH_NONE : cur;
	e.next_path_id = to;
	e.deadline_ns = now + d->cfg.flowlet_wait_us * 1000ULL;
	e.since_ns = f->steered_ns;
	if (bpf_map_update_elem(d->steer_fd, &f->key, &e, 0)) {
		d->steer_failed++;
		return;
	}
	if (cur != XS_NO_PATH) {
		xs_pathsel_penalize(&d->ps, cur, now + penalty_ns(d));
		xs_pathsel_release(&d->ps, cur, f->assigned_bps);
	}
	f->prev_path = cur;
	f->path_id = to;
	f->assigned_bps = (uint64_t)f->cls.rate_bps;
	xs_pathsel_assign(&d->ps, to, f->assigned_bps);
	f->steered_ns = now;
	f->moved_ns = now;
	f->moves++;
	f->hold_until_ns = now + d->cfg.move_hold_ms * 1000000ULL;
	f->cong_periods = 0;
	f->move_pending = true;
	if (!f->signal_ns)
		f->signal_ns = now;
	d->moves++;
	*(cause == MOVE_RTO ? &d->moves_rto : cause == MOVE_CWR ? &d->moves_cwr :
	  &d->moves_retrans) += 1;
	pr_info("moving a flow off path %d to path %d (%s)\n",
		cur == XS_NO_PATH ? -1 : (int)cur, to, move_cause_names[cause]);
}

/* The datapath made a pending move: how long since the first signal? */
static void move_done(struct xs_daemon *d, struct xs_cflow *f)
{
	struct xs_steer_entry e;

	if (bpf_map_lookup_elem(d->steer_fd, &f->key, &e) || (e.flags & XS_STEER_F_PENDING))
		return;
	f->move_pending = false;
	if (f->signal_ns && e.since_ns >= f->signal_ns)
		d->lat_us[d->nlat++ % XS_LAT_N] = (e.since_ns - f->signal_ns) / 1000;
	f->signal_ns = 0;
}

/* Per scan: the period's congestion signals of a TCP flow. */
static void flow_congestion(struct xs_daemon *d, struct xs_cflow *f,
			    const struct xs_flow_stats *st, uint64_t now)
{
	uint32_t dret = st->tcp_retrans - f->retrans, dcwr = st->tcp_cwr - f->cwr,
		 drto = st->tcp_rto - f->rto;
	bool first = !f->counters_valid;

	uint64_t dpkts = st->packets - f->cong_pkts, scan_ns = d->cfg.scan_period_ms * 1000000ULL;

	if ((int32_t)drto < 0)
		drto = 0;	/* the last scan had counted the RTO an event then acted on */
	f->retrans = st->tcp_retrans;
	f->cwr = st->tcp_cwr;
	f->rto = st->tcp_rto;
	f->cong_pkts = st->packets;
	f->counters_valid = true;
	if (f->move_pending)
		move_done(d, f);
	if (first)
		return;
	/*
	 * Right after a flow changes path its packets can overtake those still
	 * on the old one: the receiver's duplicate ACKs make the sender resend
	 * what was never lost. Those are not the new path's fault.
	 */
	if (f->steered_ns && now - f->steered_ns < 2 * scan_ns) {
		if (!f->move_pending) {
			f->cong_periods = 0;
			f->signal_ns = 0;
		}
		f->cong_event = false;
		return;
	}
	/* probing TCP loses a little anywhere: retransmissions count above a share */
	if ((uint64_t)dret * 1000 < d->cfg.retrans_share * dpkts)
		dret = 0;
	if (drto) {
		flow_move(d, f, MOVE_RTO, now);
	} else if (dret + dcwr >= d->cfg.cong_threshold) {
		if (!f->signal_ns)
			f->signal_ns = now;
		if (++f->cong_periods >= d->cfg.cong_periods)
			flow_move(d, f, dcwr > dret ? MOVE_CWR : MOVE_RETRANS, now);
	} else if (!f->move_pending) {
		f->cong_periods = 0;	/* a healthy period ends the episode */
		f->signal_ns = 0;
	}
	f->cong_event = false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void latency_pct(struct xs_daemon *d, uint64_t *p50, uint64_t *p99)
{
	uint32_t n = d->nlat < XS_LAT_N ? d->nlat : XS_LAT_N;
	uint64_t v[XS_LAT_N];

	*p50 = *p99 = 0;
	if (!n)
		return;
	memcpy(v, d->lat_us, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = v[(n - 1) / 2];
	*p99 = v[(n * 99 + 99) / 100 - 1];
}

/* ---- the controller ---- */

static void class_cfg(struct xs_daemon *d)
{
	d->cc.high_bps = d->cfg.heavy_rate_bps;
	d->cc.low_bps = d->cfg.heavy_rate_low_bps;
	d->cc.hold_ns = d->cfg.demote_hold_ms * 1000000ULL;
	d->cc.bytes = d->cfg.heavy_bytes;
	d->cc.tau_ns = d->cfg.rate_tau_ms * 1000000ULL;
}

static void flow_sample(struct xs_daemon *d, const struct xs_flow_key *k,
			const struct xs_flow_stats *st, uint64_t now)
{
	struct xs_cflow *f = xs_ctab_get(&d->ct, k);

	if (!f)
		return;		/* counted in not_tracked */
	f->seen = true;
	f->packets = st->packets;
	f->bytes = st->bytes;
	f->last_seen_ns = st->last_seen_ns;
	f->first_seen_ns = st->first_seen_ns;
	if (k->flags & XS_KEY_F_NOPORTS)
		return;		/* fragments, unknown protocols: never steered */
	if (k->proto == IPPROTO_TCP)
		flow_congestion(d, f, st, now);
	switch (xs_class_update(&d->cc, &f->cls, st->bytes, now)) {
	case XS_CLASS_PROMOTE:
		d->promotions++;
		f->heavy_ns = now;
		flow_steer(d, f);
		break;
	case XS_CLASS_DEMOTE:
		d->demotions++;
		flow_unsteer(d, f);
		break;
	default:
		/* heavy but no path yet (none was free, or paths changed) */
		if (f->cls.heavy && f->path_id == XS_NO_PATH)
			flow_steer(d, f);
	}
}

static bool sweep_gone(struct xs_cflow *f, void *ctx)
{
	struct xs_daemon *d = ctx;
	uint64_t idle_ns = d->cfg.idle_timeout_ms * 1000000ULL, now = now_ns();
	bool idle = f->last_seen_ns && now > f->last_seen_ns + idle_ns;

	if (f->seen && !idle) {
		f->seen = false;
		return false;
	}
	/* gone from the datapath's table, or idle: forget it everywhere */
	if (f->path_id != XS_NO_PATH) {
		if (!f->manual)
			bpf_map_delete_elem(d->steer_fd, &f->key);
		xs_pathsel_release(&d->ps, f->path_id, f->assigned_bps);
	}
	if (idle)
		bpf_map_delete_elem(d->flows_fd, &f->key);
	d->aged++;
	return true;
}

static void scan(struct xs_daemon *d)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 token = 0, count, i;
	uint64_t now = now_ns();
	bool first = true;
	int err;

	d->scans++;
	do {
		count = SCAN_BATCH;
		err = bpf_map_lookup_batch(d->flows_fd, first ? NULL : &token, &token, d->keys,
					   d->vals, &count, &opts);
		if (err && err != -ENOENT) {
			pr_warn("scan: reading the flow table failed: %s\n", strerror(-err));
			break;
		}
		for (i = 0; i < count; i++)
			flow_sample(d, &d->keys[i], &d->vals[i], now);
		first = false;
	} while (!err);
	xs_ctab_sweep(&d->ct, sweep_gone, d);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct xs_daemon *d = ctx;
	const struct xs_event *ev = data;
	struct xs_cflow *f;

	if (len < sizeof(*ev))
		return 0;
	d->events++;
	f = xs_ctab_get(&d->ct, &ev->key);
	if (!f)
		return 0;
	if (ev->type == XS_EV_RTO) {
		/* acted on here: the next scan's tcp_rto delta must not move it again */
		f->rto++;
		if (!f->signal_ns)	/* a later RTO must not restart the latency clock */
			f->signal_ns = ev->ts_ns;
		flow_move(d, f, MOVE_RTO, now_ns());
		return 0;
	}
	if (ev->type == XS_EV_RETRANS || ev->type == XS_EV_CWR) {
		/* counted as a congested period at the next scan */
		f->cong_event = true;
		if (!f->signal_ns)
			f->signal_ns = ev->ts_ns;
		return 0;
	}
	if (ev->type != XS_EV_HEAVY)
		return 0;
	f->seen = true;
	if (xs_class_promote(&f->cls, now_ns()) == XS_CLASS_PROMOTE) {
		f->heavy_ns = ev->ts_ns;	/* the moment XDP saw the threshold */
		d->promotions++;
		d->promotions_event++;
		flow_steer(d, f);
	}
	return 0;
}

/* A restarted daemon: the steer table says which flows had which path. */
static void adopt_steered(struct xs_daemon *d)
{
	struct xs_flow_key key, next;
	struct xs_steer_entry e;
	struct xs_cflow *f;
	void *prev = NULL;
	uint64_t now = now_ns();

	while (!bpf_map_get_next_key(d->steer_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(d->steer_fd, &key, &e))
			continue;
		if (entry_path(&e) >= XS_PATHS_MAX || !d->paths[entry_path(&e)].present) {
			/* its path is not configured any more: back to the fast path */
			bpf_map_delete_elem(d->steer_fd, &key);
			prev = NULL;
			continue;
		}
		f = xs_ctab_get(&d->ct, &key);
		if (!f)
			continue;
		f->manual = e.flags & XS_STEER_F_MANUAL;
		f->cls.heavy = true;
		f->seen = true;
		f->last_seen_ns = now;
		flow_assign(d, f, entry_path(&e));
		d->adopted++;
	}
}

static int write_xdp_config(struct xs_daemon *d)
{
	struct xs_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(d->config_fd, &zero, &cfg))
		memset(&cfg, 0, sizeof(cfg));
	cfg.xsk_frame_max = xs_dp_frame_max();
	cfg.heavy_bytes = d->cfg.heavy_bytes;
	cfg.rto_gap_ns = d->cfg.rto_gap_ms * 1000000ULL;
	cfg.sig_period_ns = d->cfg.scan_period_ms * 1000000ULL;
	cfg.sig_threshold = d->cfg.cong_threshold;
	cfg.flowlet_gap_ns = d->cfg.flowlet_gap_us * 1000ULL;
	return bpf_map_update_elem(d->config_fd, &zero, &cfg, 0) ? -errno : 0;
}

/* ---- control socket ---- */

static json_object *js_u64(uint64_t v) { return json_object_new_uint64(v); }

static void js_add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *ctl_status(struct xs_daemon *d)
{
	json_object *o = json_object_new_object();
	uint64_t heavy = 0, steered = 0;
	struct xs_cflow *f;
	int i, np = 0, nres = 0;

	for (f = xs_ctab_next(&d->ct, NULL); f; f = xs_ctab_next(&d->ct, f)) {
		heavy += f->cls.heavy;
		steered += f->path_id != XS_NO_PATH;
	}
	for (i = 0; i < XS_PATHS_MAX; i++) {
		np += d->paths[i].present;
		nres += d->paths[i].present && d->paths[i].resolved;
	}
	js_add(o, "tenant", json_object_new_string(d->cfg.tenant));
	js_add(o, "pid", js_u64(getpid()));
	js_add(o, "uptime_s", json_object_new_double((now_ns() - d->start_ns) / 1e9));
	js_add(o, "dev", json_object_new_string(d->cfg.dev));
	js_add(o, "uplink", json_object_new_string(d->cfg.uplink));
	js_add(o, "uplink_mtu", js_u64(xs_dp_uplink_mtu(d->dp)));
	js_add(o, "queues", js_u64(xs_dp_queue_count(d->dp)));
	js_add(o, "paths", js_u64(np));
	js_add(o, "paths_resolved", js_u64(nres));
	js_add(o, "flows_tracked", js_u64(d->ct.count));
	js_add(o, "flows_not_tracked", js_u64(d->ct.not_tracked));
	js_add(o, "heavy_hitters", js_u64(heavy));
	js_add(o, "steered", js_u64(steered));
	js_add(o, "scan_period_ms", js_u64(d->cfg.scan_period_ms));
	js_add(o, "heavy_rate_bps", js_u64(d->cfg.heavy_rate_bps));
	js_add(o, "heavy_bytes", js_u64(d->cfg.heavy_bytes));
	return o;
}

struct flow_ref {
	struct xs_cflow *f;
};

static int by_rate(const void *a, const void *b)
{
	const struct xs_cflow *x = ((const struct flow_ref *)a)->f;
	const struct xs_cflow *y = ((const struct flow_ref *)b)->f;

	return x->cls.rate_bps < y->cls.rate_bps ? 1 : x->cls.rate_bps > y->cls.rate_bps ? -1 : 0;
}

static int by_bytes(const void *a, const void *b)
{
	const struct xs_cflow *x = ((const struct flow_ref *)a)->f;
	const struct xs_cflow *y = ((const struct flow_ref *)b)->f;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

static json_object *ctl_flows(struct xs_daemon *d, json_object *req)
{
	json_object *arr = json_object_new_array(), *v, *o;
	struct flow_ref *refs;
	struct xs_cflow *f;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pb[8];
	uint64_t now = now_ns(), top = UINT64_MAX;
	size_t n = 0, i;
	bool v4, bybytes = false;

	if (json_object_object_get_ex(req, "top", &v))
		top = json_object_get_uint64(v);
	if (json_object_object_get_ex(req, "sort", &v))
		bybytes = !strcmp(json_object_get_string(v), "bytes");
	refs = calloc(d->ct.count + 1, sizeof(*refs));
	if (!refs)
		return arr;
	for (f = xs_ctab_next(&d->ct, NULL); f; f = xs_ctab_next(&d->ct, f))
		refs[n++].f = f;
	qsort(refs, n, sizeof(*refs), bybytes ? by_bytes : by_rate);
	for (i = 0; i < n && i < top; i++) {
		f = refs[i].f;
		v4 = xs_key_is_v4(&f->key);
		o = json_object_new_object();
		js_add(o, "family", json_object_new_string(v4 ? "ipv4" : "ipv6"));
		js_add(o, "proto", json_object_new_string(xs_proto_name(f->key.proto, pb, sizeof(pb))));
		js_add(o, "src", json_object_new_string(xs_addr_str(f->key.saddr, v4, src, sizeof(src))));
		js_add(o, "sport", js_u64(ntohs(f->key.sport)));
		js_add(o, "dst", json_object_new_string(xs_addr_str(f->key.daddr, v4, dst, sizeof(dst))));
		js_add(o, "dport", js_u64(ntohs(f->key.dport)));
		js_add(o, "packets", js_u64(f->packets));
		js_add(o, "bytes", js_u64(f->bytes));
		js_add(o, "rate_bps", js_u64((uint64_t)f->cls.rate_bps));
		js_add(o, "class", json_object_new_string(f->cls.heavy ? "heavy" : "mouse"));
		js_add(o, "path", f->path_id == XS_NO_PATH ? NULL : js_u64(f->path_id));
		js_add(o, "manual", json_object_new_boolean(f->manual));
		js_add(o, "retrans", js_u64(f->retrans));
		js_add(o, "cwr", js_u64(f->cwr));
		js_add(o, "rto", js_u64(f->rto));
		js_add(o, "moves", js_u64(f->moves));
		js_add(o, "prev_path", f->moves && f->prev_path != XS_NO_PATH ?
		       js_u64(f->prev_path) : NULL);
		js_add(o, "moved_s", f->moved_ns ?
		       json_object_new_double((now - f->moved_ns) / 1e9) : NULL);
		js_add(o, "age_s", json_object_new_double(f->first_seen_ns && now > f->first_seen_ns ?
							 (now - f->first_seen_ns) / 1e9 : 0));
		js_add(o, "idle_s", json_object_new_double(f->last_seen_ns && now > f->last_seen_ns ?
							  (now - f->last_seen_ns) / 1e9 : 0));
		js_add(o, "steered_s", json_object_new_double(f->steered_ns ?
							     (now - f->steered_ns) / 1e9 : 0));
		/* from "found heavy" to "in the steer table" */
		js_add(o, "steer_delay_us", f->steered_ns && f->heavy_ns &&
		       f->steered_ns >= f->heavy_ns ?
		       js_u64((f->steered_ns - f->heavy_ns) / 1000) : NULL);
		json_object_array_add(arr, o);
	}
	free(refs);
	return arr;
}

static json_object *ctl_paths(struct xs_daemon *d)
{
	json_object *arr = json_object_new_array(), *o, *segs;
	char a[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN + 8], mac[24];
	unsigned int i, j;

	for (i = 0; i < XS_PATHS_MAX; i++) {
		const struct dpath *p = &d->paths[i];

		if (!p->present)
			continue;
		o = json_object_new_object();
		js_add(o, "id", js_u64(i));
		js_add(o, "name", json_object_new_string(p->cp.name));
		js_add(o, "pool", json_object_new_string(xs_pool_name(p->cp.pool)));
		js_add(o, "mode", json_object_new_string(xs_encap_mode_name(p->cp.mode)));
		if (IN6_IS_ADDR_V4MAPPED(&p->cp.prefix) && p->cp.plen >= 96) {
			inet_ntop(AF_INET, &p->cp.prefix.s6_addr[12], a, sizeof(a));
			snprintf(pfx, sizeof(pfx), "%s/%u", a, p->cp.plen - 96);
		} else {
			inet_ntop(AF_INET6, &p->cp.prefix, a, sizeof(a));
			snprintf(pfx, sizeof(pfx), "%s/%u", a, p->cp.plen);
		}
		js_add(o, "prefix", json_object_new_string(pfx));
		segs = json_object_new_array();
		for (j = 0; j < p->cp.nsids; j++)
			json_object_array_add(segs, json_object_new_string(
				inet_ntop(AF_INET6, &p->cp.sids[j], a, sizeof(a))));
		js_add(o, "segments", segs);
		js_add(o, "overhead", js_u64(xs_srv6_overhead_max(&p->p)));
		js_add(o, "resolved", json_object_new_boolean(p->resolved));
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p->nh.mac[0],
			 p->nh.mac[1], p->nh.mac[2], p->nh.mac[3], p->nh.mac[4], p->nh.mac[5]);
		js_add(o, "nexthop_mac", p->resolved ? json_object_new_string(mac) : NULL);
		js_add(o, "flows", js_u64(d->ps.e[i].flows));
		js_add(o, "load_bps", js_u64(d->ps.e[i].load_bps));
		{
			uint64_t pk, by;

			xs_dp_path_stats(d->dp, i, &pk, &by);
			js_add(o, "tx_packets", js_u64(pk));
			js_add(o, "tx_bytes", js_u64(by));
		}
		js_add(o, "penalty_s", json_object_new_double(d->ps.e[i].avoid_until_ns > now_ns() ?
			(d->ps.e[i].avoid_until_ns - now_ns()) / 1e9 : 0));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *ctl_stats(struct xs_daemon *d)
{
	json_object *o = json_object_new_object(), *x = json_object_new_object(),
		    *dp = json_object_new_object(), *c = json_object_new_object();
	int ncpu = libbpf_num_possible_cpus(), k;
	struct xs_dp_stats s;
	__u64 *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(*vals));
	__u32 i;

	for (i = 0; vals && i < XS_STAT__MAX; i++) {
		__u64 sum = 0;

		if (!bpf_map_lookup_elem(d->stats_fd, &i, vals))
			for (k = 0; k < ncpu; k++)
				sum += vals[k];
		js_add(x, xs_stat_names[i], js_u64(sum));
	}
	free(vals);
	xs_dp_stats_sum(d->dp, &s);
#define XS_DP_JS(n, desc) js_add(dp, #n, js_u64(s.n));
	XS_DP_STATS(XS_DP_JS)
#undef XS_DP_JS
	js_add(c, "scans", js_u64(d->scans));
	js_add(c, "flows_tracked", js_u64(d->ct.count));
	js_add(c, "flows_not_tracked", js_u64(d->ct.not_tracked));
	js_add(c, "promotions", js_u64(d->promotions));
	js_add(c, "promotions_event", js_u64(d->promotions_event));
	js_add(c, "demotions", js_u64(d->demotions));
	js_add(c, "path_moves", js_u64(d->moves));
	js_add(c, "aged", js_u64(d->aged));
	js_add(c, "events", js_u64(d->events));
	js_add(c, "no_path", js_u64(d->no_path));
	js_add(c, "steer_failed", js_u64(d->steer_failed));
	js_add(c, "adopted", js_u64(d->adopted));
	js_add(c, "moves_retrans", js_u64(d->moves_retrans));
	js_add(c, "moves_cwr", js_u64(d->moves_cwr));
	js_add(c, "moves_rto", js_u64(d->moves_rto));
	js_add(c, "moves_held_down", js_u64(d->moves_held));
	js_add(c, "moves_no_path", js_u64(d->moves_no_path));
	{
		uint64_t p50, p99;

		latency_pct(d, &p50, &p99);
		js_add(c, "move_latency_p50_us", js_u64(p50));
		js_add(c, "move_latency_p99_us", js_u64(p99));
		js_add(c, "move_latency_samples", js_u64(d->nlat < XS_LAT_N ? d->nlat : XS_LAT_N));
	}
	js_add(o, "xdp", x);
	js_add(o, "datapath", dp);
	js_add(o, "controller", c);
	return o;
}

static json_object *js_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_object *js_err(const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	js_add(o, "error", json_object_new_string(msg));
	return o;
}

static json_object *ctl_path_add(struct xs_daemon *d, json_object *req)
{
	struct xs_cfg_path cp = { .pool = XS_POOL_HEAVY, .mode = d->cfg.encap_mode };
	json_object *v;
	char err[160];
	const char *s;
	int n;

	if (!json_object_object_get_ex(req, "id", &v))
		return js_err("path add: 'id' is missing");
	cp.id = json_object_get_uint64(v);
	if (cp.id >= XS_PATHS_MAX)
		return js_err("path add: bad id %u: expected 0 to %d", cp.id, XS_PATHS_MAX - 1);
	if (d->paths[cp.id].present)
		return js_err("path add: path %u exists (delete it first)", cp.id);
	if (!d->cfg.sr_source_set)
		return js_err("path add: no sr-source configured");
	snprintf(cp.name, sizeof(cp.name), "%s",
		 json_object_object_get_ex(req, "name", &v) ? json_object_get_string(v) : "cli");
	if (!json_object_object_get_ex(req, "segments", &v))
		return js_err("path add: 'segments' is missing");
	n = xs_sid_list_parse(json_object_get_string(v), cp.sids, XS_SIDS_MAX, err, sizeof(err));
	if (n < 0)
		return js_err("path add: %s", err);
	cp.nsids = n;
	if (json_object_object_get_ex(req, "pool", &v)) {
		s = json_object_get_string(v);
		if ((n = xs_pool_parse(s)) < 0)
			return js_err("path add: bad pool '%s': expected heavy, default or disjoint", s);
		cp.pool = n;
	}
	if (json_object_object_get_ex(req, "mode", &v)) {
		s = json_object_get_string(v);
		if ((n = xs_encap_mode_parse(s)) < 0)
			return js_err("path add: bad mode '%s': expected encap, encap.red or inline", s);
		cp.mode = n;
	}
	s = json_object_object_get_ex(req, "prefix", &v) ? json_object_get_string(v) : "::/0";
	if (xs_parse_prefix(s, &cp.prefix, &cp.plen))
		return js_err("path add: bad prefix '%s'", s);
	if (path_install(d, &cp))
		return js_err("path add: cannot build path %u", cp.id);
	path_resolve(d, &d->paths[cp.id], false);
	return ctl_paths(d);
}

static json_object *ctl_metrics(struct xs_daemon *d)
{
	json_object *st = ctl_status(d), *sx = ctl_stats(d), *pa = ctl_paths(d), *o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o = json_object_new_object();
	if (f) {
		xs_prom_render(f, d->cfg.tenant, st, sx, pa);
		fclose(f);
		js_add(o, "text", json_object_new_string_len(buf, len));
		free(buf);
	}
	json_object_put(st);
	json_object_put(sx);
	json_object_put(pa);
	return o;
}

static void write_textfile(struct xs_daemon *d)
{
	json_object *st, *sx, *pa;
	int err;

	if (!d->cfg.metrics_file[0])
		return;
	st = ctl_status(d);
	sx = ctl_stats(d);
	pa = ctl_paths(d);
	err = xs_prom_write_file(d->cfg.metrics_file, d->cfg.tenant, st, sx, pa);
	if (err)
		pr_warn("cannot write metrics to '%s': %s\n", d->cfg.metrics_file, strerror(-err));
	json_object_put(st);
	json_object_put(sx);
	json_object_put(pa);
}

static void ctl_serve(struct xs_daemon *d)
{
	json_object *req, *rep = NULL, *v;
	const char *cmd;
	int cfd;

	req = xs_ctl_accept(d->ctl_fd, &cfd);
	if (!req)
		goto out;
	cmd = json_object_object_get_ex(req, "cmd", &v) ? json_object_get_string(v) : "";
	if (!strcmp(cmd, "status"))
		rep = ctl_status(d);
	else if (!strcmp(cmd, "flows"))
		rep = ctl_flows(d, req);
	else if (!strcmp(cmd, "paths"))
		rep = ctl_paths(d);
	else if (!strcmp(cmd, "stats"))
		rep = ctl_stats(d);
	else if (!strcmp(cmd, "metrics"))
		rep = ctl_metrics(d);
	else if (!strcmp(cmd, "path-add"))
		rep = ctl_path_add(d, req);
	else if (!strcmp(cmd, "path-del")) {
		uint64_t id = json_object_object_get_ex(req, "id", &v) ?
			      json_object_get_uint64(v) : UINT64_MAX;

		rep = path_remove(d, id) ? js_err("path del: no path %llu",
						  (unsigned long long)id) : ctl_paths(d);
	} else
		rep = js_err("unknown request '%s'", cmd);
	xs_ctl_reply(cfd, rep);
	json_object_put(rep);
	json_object_put(req);
out:
	if (cfd >= 0)
		close(cfd);
}

/* ---- reload ---- */

static void reload(struct xs_daemon *d)
{
	struct xs_cfg *nc;
	char err[512];
	unsigned int i;

	if (!d->o->config_file) {
		pr_warn("SIGHUP: no --config file to reload\n");
		return;
	}
	nc = malloc(sizeof(*nc));
	if (!nc)
		return;
	*nc = d->cfg;
	nc->npaths = 0;
	if (xs_cfg_load(nc, d->o->config_file, err, sizeof(err)) ||
	    xs_cfg_validate(nc, err, sizeof(err))) {
		pr_warn("SIGHUP: keeping the running configuration: %s\n", err);
		free(nc);
		return;
	}
	/* thresholds and periods */
	d->cfg.heavy_rate_bps = nc->heavy_rate_bps;
	d->cfg.heavy_rate_low_bps = nc->heavy_rate_low_bps;
	d->cfg.demote_hold_ms = nc->demote_hold_ms;
	d->cfg.heavy_bytes = nc->heavy_bytes;
	d->cfg.scan_period_ms = nc->scan_period_ms;
	d->cfg.rate_tau_ms = nc->rate_tau_ms;
	d->cfg.idle_timeout_ms = nc->idle_timeout_ms;
	d->cfg.cong_threshold = nc->cong_threshold;
	d->cfg.cong_periods = nc->cong_periods;
	d->cfg.retrans_share = nc->retrans_share;
	d->cfg.rto_gap_ms = nc->rto_gap_ms;
	d->cfg.penalty_ms = nc->penalty_ms;
	d->cfg.move_hold_ms = nc->move_hold_ms;
	d->cfg.flowlet_gap_us = nc->flowlet_gap_us;
	d->cfg.flowlet_wait_us = nc->flowlet_wait_us;
	d->cfg.move_mice = nc->move_mice;
	class_cfg(d);
	write_xdp_config(d);
	/* paths: removed or changed ones go (their flows move), new ones come */
	for (i = 0; i < XS_PATHS_MAX; i++) {
		const struct xs_cfg_path *np = NULL;
		unsigned int j;

		for (j = 0; j < nc->npaths; j++)
			if (nc->paths[j].id == i)
				np = &nc->paths[j];
		if (d->paths[i].present && (!np || memcmp(np, &d->paths[i].cp, sizeof(*np))))
			path_remove(d, i);
		if (np && !d->paths[i].present && !path_install(d, np))
			path_resolve(d, &d->paths[i], true);
	}
	memcpy(d->cfg.paths, nc->paths, sizeof(nc->paths));
	d->cfg.npaths = nc->npaths;
	free(nc);
	pr_warn("SIGHUP: configuration reloaded from %s\n", d->o->config_file);
}

/* ---- main ---- */

static int open_maps(struct xs_daemon *d)
{
	const char *dir = d->cfg.pin_dir;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	d->flows_fd = xs_pin_open_map(dir, XS_MAP_FLOWS);
	d->steer_fd = xs_pin_open_map(dir, XS_MAP_STEER);
	d->config_fd = xs_pin_open_map(dir, XS_MAP_CONFIG);
	d->xsks_fd = xs_pin_open_map(dir, XS_MAP_XSKS);
	d->stats_fd = xs_pin_open_map(dir, XS_MAP_STATS);
	d->events_fd = xs_pin_open_map(dir, XS_MAP_EVENTS);
	if (d->flows_fd < 0 || d->steer_fd < 0 || d->config_fd < 0 || d->xsks_fd < 0 ||
	    d->stats_fd < 0 || d->events_fd < 0)
		return -ENOENT;
	err = bpf_obj_get_info_by_fd(d->flows_fd, &info, &len);
	if (err)
		return err;
	d->keys = calloc(SCAN_BATCH, sizeof(*d->keys));
	d->vals = calloc(SCAN_BATCH, sizeof(*d->vals));
	if (!d->keys || !d->vals)
		return -ENOMEM;
	d->rb = ring_buffer__new(d->events_fd, on_event, d, NULL);
	if (!d->rb)
		return -errno;
	/* the controller tracks at most what the datapath's table holds */
	return xs_ctab_init(&d->ct, info.max_entries);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int setup_xdp(struct xs_daemon *d)
{
	struct xs_attach_req r = {
		.dev = d->cfg.dev,
		.uplink = d->cfg.uplink,
		.mode = d->cfg.xdp_mode,
		.fastpath = d->cfg.fastpath,
		.flow_size = d->cfg.flow_table_size,
		.steer_size = d->cfg.steer_table_size,
	};

	r.ifindex = if_nametoindex(r.dev);
	r.up_ifindex = if_nametoindex(r.uplink);
	if (!r.ifindex || !r.up_ifindex) {
		xs_error("interface '%s' not found in the tenant namespace",
			 r.ifindex ? r.uplink : r.dev);
		return -ENODEV;
	}
	snprintf(r.dir, sizeof(r.dir), "%s", d->cfg.pin_dir);
	if (xs_attached(r.ifindex)) {
		pr_info("adopting the XDP program already on %s (maps in %s)\n", r.dev, r.dir);
		return 0;
	}
	return xs_attach(&r);
}

int xs_daemon_run(struct xs_cfg *cfg, const struct xs_daemon_opts *o)
{
	struct xs_dp_config dcfg = {};
	struct xs_nl_watch *nlw = NULL;
	struct xs_daemon *d;
	struct pollfd pfd[4];
	uint64_t next_scan, next_resolve = 0, now;
	sigset_t mask;
	int sfd = -1, err;
	unsigned int i;
	bool stop = false;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	d->o = o;
	d->ctl_fd = d->flows_fd = d->steer_fd = d->config_fd = -1;
	d->xsks_fd = d->stats_fd = d->events_fd = -1;
	d->start_ns = now_ns();
	d->seed = (unsigned int)d->start_ns ^ (unsigned int)getpid();
	xs_pathsel_init(&d->ps);
	class_cfg(d);

	if (d->cfg.host_if[0]) {
		err = check_host_offloads(d->cfg.host_if);
		if (err)
			goto out;
	}
	if (d->cfg.netns[0]) {
		err = enter_netns(d->cfg.netns);
		if (err)
			goto out;
	}
	err = xs_pin_dir_prepare(d->cfg.pin_dir);
	err = err ?: setup_xdp(d);
	err = err ?: open_maps(d);
	if (err)
		goto out;
	err = write_xdp_config(d);
	if (err) {
		xs_error("cannot write the XDP config map: %s", strerror(-err));
		goto out;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	dcfg.host_if = d->cfg.dev;
	dcfg.uplink_if = d->cfg.uplink;
	dcfg.xsks_map_fd = d->xsks_fd;
	dcfg.frames = d->cfg.umem_frames;
	dcfg.ring_size = d->cfg.ring_size;
	dcfg.batch = d->cfg.batch;
	dcfg.no_need_wakeup = o->no_need_wakeup;
	dcfg.no_encap = o->no_encap;
	err = xs_dp__create(&d->dp, &dcfg);
	if (err) {
		xs_error("cannot set up AF_XDP on '%s' and '%s': %s", d->cfg.dev, d->cfg.uplink,
			 strerror(-err));
		goto out;
	}
	for (i = 0; i < d->cfg.npaths; i++) {
		err = path_install(d, &d->cfg.paths[i]);
		if (err)
			goto out;
	}
	/* give neighbour discovery a moment before traffic is steered */
	for (i = 0; i < 40 && resolve_all(d, false); i++)
		usleep(25000);
	resolve_all(d, true);
	adopt_steered(d);

	err = xs_dp_start(d->dp);
	if (err) {
		xs_error("cannot start the datapath: %s", strerror(-err));
		goto out;
	}
	if (d->cfg.ctl_socket[0]) {
		d->ctl_fd = xs_ctl_listen(d->cfg.ctl_socket);
		if (d->ctl_fd < 0) {
			err = d->ctl_fd;
			goto out;
		}
	}
	nlw = xs_nl_watch__create();
	if (!o->keep_caps) {
		err = drop_caps();
		if (err) {
			xs_error("cannot drop capabilities: %s", strerror(-err));
			goto out;
		}
	}
	pr_info("datapath: %d queue(s) on %s, uplink %s (MTU %u), %u path(s); adopted %llu "
		"steered flow(s)\n", xs_dp_queue_count(d->dp), d->cfg.dev, d->cfg.uplink,
		xs_dp_uplink_mtu(d->dp), d->cfg.npaths, (unsigned long long)d->adopted);
	if (!out_is_json())
		printf("xsteer running on %s (uplink %s, %d queue(s), %u path(s)); SIGTERM stops\n",
		       d->cfg.dev, d->cfg.uplink, xs_dp_queue_count(d->dp), d->cfg.npaths);
	fflush(stdout);

	next_scan = now_ns();
	while (!stop) {
		int timeout;

		now = now_ns();
		if (now >= next_scan) {
			scan(d);
			next_scan = now + d->cfg.scan_period_ms * 1000000ULL;
		}
		if (now >= next_resolve) {
			xs_dp_refresh_mtu(d->dp);
			resolve_all(d, false);
			write_textfile(d);
			next_resolve = now + 1000000000ULL;
		}
		timeout = (int)((next_scan - now) / 1000000) + 1;
		pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = nlw ? xs_nl_watch_fd(nlw) : -1, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = ring_buffer__epoll_fd(d->rb), .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = d->ctl_fd, .events = POLLIN };
		if (poll(pfd, 4, timeout) <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP)
					reload(d);
				else if (si.ssi_signo == SIGUSR1) {
					json_object *st = ctl_stats(d);

					puts(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN));
					fflush(stdout);
					json_object_put(st);
				} else
					stop = true;
			}
		}
		if ((pfd[1].revents & POLLIN) && xs_nl_watch_drain(nlw) > 0)
			next_resolve = 0;
		if (pfd[2].revents & POLLIN)
			ring_buffer__consume(d->rb);
		if (pfd[3].revents & POLLIN)
			ctl_serve(d);
	}
	xs_dp_stop(d->dp);
	if (d->cfg.metrics_file[0])
		unlink(d->cfg.metrics_file);	/* stale figures would mislead */
	{
		json_object *st = ctl_stats(d);

		puts(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN));
		json_object_put(st);
	}
	err = 0;
out:
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->cfg.ctl_socket);
	}
	xs_nl_watch__destroy(nlw);
	xs_dp__destroy(d->dp);
	ring_buffer__free(d->rb);
	xs_ctab_free(&d->ct);
	close_fd(&d->flows_fd);
	close_fd(&d->steer_fd);
	close_fd(&d->config_fd);
	close_fd(&d->xsks_fd);
	close_fd(&d->stats_fd);
	close_fd(&d->events_fd);
	if (sfd >= 0)
		close(sfd);
	free(d->keys);
	free(d->vals);
	free(d);
	return err;
}
