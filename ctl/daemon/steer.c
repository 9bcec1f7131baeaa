// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Steer-table writes for heavy hitters: a path when promoted, none when
 * demoted, and adopting what a previous daemon left.
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "daemon/internal.h"

/*
 * A flow goes onto a path like a move: the XDP program switches it at the
 * first flowlet gap (or the deadline), so the first packets on the SR path
 * do not overtake those still queued on the default path.
 */
int steer_write(struct xs_daemon *d, struct xs_cflow *f, uint32_t path_id)
{
	uint64_t now = now_ns();
	struct xs_steer_entry e = {
		.path_id = XS_PATH_NONE,
		.flags = XS_STEER_F_PENDING,
		.next_path_id = path_id,
		.deadline_ns = now + d->cfg.flowlet_wait_us * 1000ULL,
	};

	if (bpf_map_update_elem(d->steer_fd, &f->key, &e, 0)) {
		d->st.steer_failed++;
		return -errno;
	}
	return 0;
}

void flow_unassign(struct xs_daemon *d, struct xs_cflow *f)
{
	struct xs_cmove *m = f->mv;

	if (f->path_id != XS_NO_PATH)
		xs_pathsel_release(&d->ps, f->path_id, xs_cflow_mv(f)->assigned_bps);
	f->path_id = XS_NO_PATH;
	if (!m)
		return;
	m->assigned_bps = 0;
	m->steered_ns = 0;
	m->switched_ns = 0;
	m->move_pending = false;
	m->heavy_ns = 0;
}

/* f->mv is there (xs_ctab_mv) */
void flow_assign(struct xs_daemon *d, struct xs_cflow *f, uint32_t id)
{
	f->path_id = id;
	f->mv->assigned_bps = (uint64_t)f->cls.rate_bps;
	f->mv->steered_ns = now_ns();
	xs_pathsel_assign(&d->ps, id, f->mv->assigned_bps);
}

/* A heavy hitter gets a path of the heavy pool for its destination. */
void flow_steer(struct xs_daemon *d, struct xs_cflow *f)
{
	struct xs_steer_entry cur;
	int id;

	if (f->path_id != XS_NO_PATH)
		return;
	if (!xs_ctab_mv(&d->ct, f)) {
		d->st.steer_failed++;	/* out of memory: it stays on the default path */
		return;
	}
	/* an operator's (or a previous daemon's) entry: adopt its path */
	if (!bpf_map_lookup_elem(d->steer_fd, &f->key, &cur) && entry_path(&cur) < XS_PATHS_MAX) {
		f->mv->manual = cur.flags & XS_STEER_F_MANUAL;
		flow_assign(d, f, entry_path(&cur));
		f->mv->switched_ns = f->mv->steered_ns;
		f->mv->move_pending = cur.flags & XS_STEER_F_PENDING;
		return;
	}
	id = d->fleet ? daemon_fleet_pick(d, f) :
		xs_pathsel_pick_at(&d->ps, XS_POOL_HEAVY, xs_key_dst(&f->key), UINT32_MAX, now_ns());
	if (id < 0) {
		d->st.no_path++;
		return;
	}
	if (!steer_write(d, f, id)) {
		flow_assign(d, f, id);
		xs_switch_begin(f);	/* a switch like a move: its transient is not congestion */
		daemon_fleet_publish(d, true);	/* fleet mode: tell the others now */
	}
}

void flow_unsteer(struct xs_daemon *d, struct xs_cflow *f)
{
	if (f->path_id == XS_NO_PATH || xs_cflow_mv(f)->manual)
		return;
	bpf_map_delete_elem(d->steer_fd, &f->key);
	flow_unassign(d, f);
}

/* A restarted daemon: the steer table says which flows had which path. */
void adopt_steered(struct xs_daemon *d)
{
	struct xs_flow_key key, next;
	struct xs_steer_entry e;
	struct xs_cflow *f;
	void *prev = NULL;
	uint64_t now = now_ns();

	/*
	 * From here steered flows come back from the kernel path to their SR
	 * paths: signals from before are stale, the switch has its transient.
	 */
	d->rc.adopted_ns = now;
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
		if (!f || !xs_ctab_mv(&d->ct, f))
			continue;
		f->mv->manual = e.flags & XS_STEER_F_MANUAL;
		f->cls.heavy = f->cls.was_heavy = true;
		f->last_seen_ns = now;
		flow_assign(d, f, entry_path(&e));
		f->mv->switched_ns = now;
		f->mv->move_pending = e.flags & XS_STEER_F_PENDING;
		d->st.adopted++;
	}
}
