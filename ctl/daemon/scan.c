// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The controller loop's inputs: the periodic scan of the flow table and the
 * XDP program's events, each fed to classification, steering and the
 * congestion reaction.
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "daemon/internal.h"

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
		d->st.promotions++;
		f->heavy_ns = now;
		flow_steer(d, f);
		break;
	case XS_CLASS_DEMOTE:
		d->st.demotions++;
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
	d->st.aged++;
	return true;
}

void daemon_scan(struct xs_daemon *d)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 token = 0, count, i;
	uint64_t now = now_ns();
	bool first = true;
	int err;

	d->st.scans++;
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

int daemon_on_event(void *ctx, void *data, size_t len)
{
	struct xs_daemon *d = ctx;
	const struct xs_event *ev = data;
	struct xs_cflow *f;

	if (len < sizeof(*ev))
		return 0;
	d->st.events++;
	f = xs_ctab_get(&d->ct, &ev->key);
	if (!f)
		return 0;
	if (ev->type == XS_EV_RTO) {
		flow_switch_check(d, f);
		if (xs_react_rto(&d->rc, f, ev->ts_ns, &d->rcount) == XS_MOVE_RTO)
			flow_move(d, f, XS_MOVE_RTO, now_ns());
		return 0;
	}
	if (ev->type == XS_EV_RETRANS || ev->type == XS_EV_CWR) {
		flow_switch_check(d, f);
		xs_react_signal(&d->rc, f, ev->ts_ns, &d->rcount);
		return 0;
	}
	if (ev->type != XS_EV_HEAVY)
		return 0;
	f->seen = true;
	if (xs_class_promote(&f->cls, now_ns()) == XS_CLASS_PROMOTE) {
		f->heavy_ns = ev->ts_ns;	/* the moment XDP saw the threshold */
		d->st.promotions++;
		d->st.promotions_event++;
		flow_steer(d, f);
	}
	return 0;
}
