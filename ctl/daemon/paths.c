// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The daemon's paths: install, resolve the next hop, evacuate, remove. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "lib/nexthop.h"
#include "lib/out.h"
#include "daemon/internal.h"

static void path_desc(const struct dpath *dp, char *buf, size_t len)
{
	snprintf(buf, len, "path %u '%s'", dp->cp.id, dp->cp.name);
}

/* Returns true when the path is usable (resolved). */
bool path_resolve(struct xs_daemon *d, struct dpath *p, bool verbose)
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

int resolve_all(struct xs_daemon *d, bool verbose)
{
	int i, left = 0;

	for (i = 0; i < XS_PATHS_MAX; i++)
		if (d->paths[i].present && !path_resolve(d, &d->paths[i], verbose))
			left++;
	return left;
}

int path_install(struct xs_daemon *d, const struct xs_cfg_path *cp)
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
			xs_switch_begin(f);
			d->st.path_moves++;
		} else {
			bpf_map_delete_elem(d->steer_fd, &f->key);
		}
	}
}

int path_remove(struct xs_daemon *d, uint32_t id)
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
	if (d->dp)	/* none in the API's fuzz harness */
		xs_dp_del_path(d->dp, id);
	d->paths[id].present = false;
	return 0;
}
