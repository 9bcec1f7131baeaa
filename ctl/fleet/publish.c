// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet thread: takes a lease and keeps it alive, puts this daemon's
 * paths and heavy hitters under it every period (at once after a decision),
 * and reads every daemon's keys back into the per-segment load and the view.
 * etcd away: counted, logged once, the others' figures dropped; once it
 * answers again, a new lease and everything put again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "fleet/internal.h"
#include "lib/flowfmt.h"
#include "lib/log.h"

/* ---- publish ---- */

static json_object *sid_array(const struct in6_addr *sids, unsigned int n)
{
	json_object *a = json_object_new_array();
	char s[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(
			inet_ntop(AF_INET6, &sids[i], s, sizeof(s))));
	return a;
}

static json_object *local_paths(const struct xs_fleet_local *l)
{
	json_object *a = json_object_new_array(), *o;

	for (unsigned int i = 0; i < l->npaths; i++) {
		const struct xs_fleet_path *p = &l->paths[i];

		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_uint64(p->id));
		json_object_object_add(o, "pool", json_object_new_string(xs_pool_name(p->pool)));
		json_object_object_add(o, "segments", sid_array(p->sids, p->nsids));
		json_object_object_add(o, "load_bps", json_object_new_uint64(p->load_bps));
		json_object_object_add(o, "flows", json_object_new_uint64(p->flows));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *local_heavy(const struct xs_fleet_local *l)
{
	json_object *a = json_object_new_array(), *o;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pb[8], flow[160];

	for (unsigned int i = 0; i < l->nheavy; i++) {
		const struct xs_fleet_heavy *h = &l->heavy[i];
		bool v4 = xs_key_is_v4(&h->key);

		snprintf(flow, sizeof(flow), "%s %s %u %s %u",
			 xs_proto_name(h->key.proto, pb, sizeof(pb)),
			 xs_addr_str(h->key.saddr, v4, src, sizeof(src)), ntohs(h->key.sport),
			 xs_addr_str(h->key.daddr, v4, dst, sizeof(dst)), ntohs(h->key.dport));
		o = json_object_new_object();
		json_object_object_add(o, "flow", json_object_new_string(flow));
		json_object_object_add(o, "rate_bps", json_object_new_uint64(h->rate_bps));
		json_object_object_add(o, "path", h->path == XS_NO_PATH ? NULL :
				       json_object_new_uint64(h->path));
		json_object_array_add(a, o);
	}
	return a;
}

static int put_json(struct xs_fleet *f, struct xs_etcd *e, const char *kind, json_object *v)
{
	char key[KEY_MAX];
	const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	int rc;

	snprintf(key, sizeof(key), "%s/hosts/%s/%s/%s", f->c.prefix, f->host, f->tenant, kind);
	rc = xs_etcd_put(e, key, s, strlen(s), f->lease);
	json_object_put(v);
	return rc;
}

static int publish(struct xs_fleet *f, struct xs_etcd *e, struct xs_fleet_local *l)
{
	int rc;

	pthread_mutex_lock(&f->lock);
	if (!f->local_set) {
		pthread_mutex_unlock(&f->lock);
		l->npaths = l->nheavy = 0;
	} else {
		memcpy(l, &f->local, sizeof(*l));
		pthread_mutex_unlock(&f->lock);
	}
	rc = put_json(f, e, "paths", local_paths(l));
	rc = rc ?: put_json(f, e, "heavy", local_heavy(l));
	if (!rc) {
		pthread_mutex_lock(&f->lock);
		f->publishes++;
		pthread_mutex_unlock(&f->lock);
	}
	return rc;
}

/* ---- read everyone back ---- */

struct rd {
	struct xs_fleet *f;
	json_object *hosts;	/* "HOST/TENANT" -> {"host","tenant","paths","heavy"} */
	struct xs_segload *others;	/* for the choice: everyone but us */
	struct xs_segload *all;		/* for the view */
	size_t plen;		/* strlen(PREFIX/hosts/) */
};

static int on_host_key(const char *key, size_t klen, const char *val, size_t vlen, void *ctx)
{
	struct rd *r = ctx;
	char ht[KEY_MAX], host[64], tenant[64];
	const char *rest = key + r->plen, *kind, *slash;
	json_object *ent, *v, *p, *segs;
	bool self;

	(void)vlen;
	if (klen <= r->plen)
		return 0;
	/* HOST/TENANT/KIND */
	slash = strchr(rest, '/');
	if (!slash || (size_t)(slash - rest) >= sizeof(host))
		return 0;
	snprintf(host, sizeof(host), "%.*s", (int)(slash - rest), rest);
	kind = strchr(slash + 1, '/');
	if (!kind || (size_t)(kind - slash - 1) >= sizeof(tenant))
		return 0;
	snprintf(tenant, sizeof(tenant), "%.*s", (int)(kind - slash - 1), slash + 1);
	kind++;
	if (strcmp(kind, "paths") && strcmp(kind, "heavy"))
		return 0;
	v = json_tokener_parse(val);
	if (!v || !json_object_is_type(v, json_type_array)) {
		json_object_put(v);
		return 0;	/* not ours to judge; shown as missing */
	}
	snprintf(ht, sizeof(ht), "%s/%s", host, tenant);
	if (!json_object_object_get_ex(r->hosts, ht, &ent)) {
		ent = json_object_new_object();
		json_object_object_add(ent, "host", json_object_new_string(host));
		json_object_object_add(ent, "tenant", json_object_new_string(tenant));
		json_object_object_add(r->hosts, ht, ent);
	}
	json_object_object_add(ent, kind, v);
	if (strcmp(kind, "paths"))
		return 0;
	self = !strcmp(host, r->f->host) && !strcmp(tenant, r->f->tenant);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *lo;
		uint64_t bps;

		p = json_object_array_get_idx(v, i);
		if (!json_object_object_get_ex(p, "segments", &segs) ||
		    !json_object_is_type(segs, json_type_array))
			continue;
		bps = json_object_object_get_ex(p, "load_bps", &lo) ? json_object_get_uint64(lo) : 0;
		for (size_t j = 0; j < json_object_array_length(segs); j++) {
			struct in6_addr sid;

			if (inet_pton(AF_INET6, json_object_get_string(
					json_object_array_get_idx(segs, j)), &sid) != 1)
				continue;
			xs_segload_add(r->all, &sid, bps);
			if (!self)
				xs_segload_add(r->others, &sid, bps);
		}
	}
	return 0;
}

static json_object *seg_array(const struct xs_segload *sl)
{
	json_object *a = json_object_new_array(), *o;
	char s[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < sl->n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "sid", json_object_new_string(
			inet_ntop(AF_INET6, &sl->e[i].sid, s, sizeof(s))));
		json_object_object_add(o, "load_bps", json_object_new_uint64(sl->e[i].bps));
		json_object_object_add(o, "paths", json_object_new_uint64(sl->e[i].paths));
		json_object_array_add(a, o);
	}
	return a;
}

static int read_fleet(struct xs_fleet *f, struct xs_etcd *e, struct xs_segload *others,
		      struct xs_segload *all)
{
	char prefix[KEY_MAX];
	struct rd r = { .f = f, .others = others, .all = all };
	json_object *view, *hosts;
	const char *s;
	char *text;
	int rc;

	snprintf(prefix, sizeof(prefix), "%s/hosts/", f->c.prefix);
	r.plen = strlen(prefix);
	others->n = all->n = 0;
	r.hosts = json_object_new_object();
	rc = xs_etcd_range(e, prefix, on_host_key, &r, NULL);
	if (rc) {
		json_object_put(r.hosts);
		return rc;
	}
	view = json_object_new_object();
	hosts = json_object_new_array();
	json_object_object_foreach(r.hosts, k, v) {
		(void)k;
		json_object_array_add(hosts, json_object_get(v));
	}
	json_object_put(r.hosts);
	json_object_object_add(view, "hosts", hosts);
	json_object_object_add(view, "segments", seg_array(all));
	s = json_object_to_json_string_ext(view, JSON_C_TO_STRING_PLAIN);
	text = strdup(s);
	json_object_put(view);
	pthread_mutex_lock(&f->lock);
	f->seg.n = others->n;
	memcpy(f->seg.e, others->e, others->n * sizeof(others->e[0]));
	if (text) {
		free(f->view);
		f->view = text;
		f->view_ns = mono_ns();
	}
	f->reads++;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

/* ---- the fleet thread ---- */

/* Lost etcd: count, log once per outage, fall back to local decisions. */
static void lost(struct xs_fleet *f, struct xs_etcd *e, bool *logged)
{
	atomic_store(&f->connected, false);
	f->wstop = true;
	pthread_mutex_lock(&f->lock);
	f->errors++;
	if (!*logged) {
		f->degraded++;
		f->degraded_since_ns = mono_ns();
	}
	snprintf(f->last_error, sizeof(f->last_error), "%s", xs_etcd_error(e));
	f->seg.n = 0;		/* others' figures age: local load only */
	pthread_mutex_unlock(&f->lock);
	if (!*logged) {
		pr_warn("fleet: %s: going on with local decisions and the last known "
			"policies until etcd answers\n", xs_etcd_error(e));
		*logged = true;
	}
}

static int connect_fleet(struct xs_fleet *f, struct xs_etcd *e)
{
	int64_t lease = 0, old;
	int rc;

	rc = xs_etcd_authenticate(e);
	rc = rc ?: xs_etcd_lease_grant(e, (int64_t)((f->c.lease_ttl_ms + 999) / 1000), &lease);
	if (rc)
		return rc;
	pthread_mutex_lock(&f->lock);
	old = f->lease;
	f->lease = lease;
	pthread_mutex_unlock(&f->lock);
	/* the old lease's keys were put again under the new one by now, or are stale */
	if (old)
		xs_etcd_lease_revoke(e, old);
	return 0;
}

void *xs_fleet_main(void *arg)
{
	struct xs_fleet *f = arg;
	struct xs_etcd *e = xs_fleet_client(f, 1500);
	struct xs_fleet_local *l = malloc(sizeof(*l));
	struct xs_segload *others = malloc(sizeof(*others)), *all = malloc(sizeof(*all));
	bool logged = false, ever = false;
	uint64_t t0;
	int rc;

	if (!e || !l || !others || !all) {
		pr_warn("fleet: cannot start: out of memory\n");
		goto out;
	}
	while (!atomic_load(&f->quit)) {
		t0 = mono_ns();
		if (!atomic_load(&f->connected)) {
			rc = connect_fleet(f, e);
			rc = rc ?: publish(f, e, l);
			rc = rc ?: read_fleet(f, e, others, all);
			if (rc) {
				lost(f, e, &logged);
			} else {
				pthread_mutex_lock(&f->lock);
				if (f->degraded_since_ns)
					f->degraded_ns += mono_ns() - f->degraded_since_ns;
				f->degraded_since_ns = 0;
				f->reconnects += ever;
				pthread_mutex_unlock(&f->lock);
				if (ever) {
					pr_warn("fleet: etcd %s answers again: new lease %llx, state "
						"put again, policies read again\n",
						xs_etcd_endpoint(e), (unsigned long long)f->lease);
				} else {
					pr_info("fleet: connected to etcd %s as %s/%s, lease %llx\n",
						xs_etcd_endpoint(e), f->host, f->tenant,
						(unsigned long long)f->lease);
				}
				ever = true;
				logged = false;
				f->wstop = false;
				atomic_store(&f->connected, true);
			}
		} else {
			rc = xs_etcd_lease_keepalive(e, f->lease, NULL);
			if (rc == -ENOENT) {
				/* etcd forgot us (expired while we could not reach it) */
				pr_warn("fleet: %s: taking a new lease\n", xs_etcd_error(e));
				rc = connect_fleet(f, e);
			}
			if (!rc) {
				pthread_mutex_lock(&f->lock);
				f->lease_renewals++;
				pthread_mutex_unlock(&f->lock);
			}
			rc = rc ?: publish(f, e, l);
			rc = rc ?: read_fleet(f, e, others, all);
			if (rc)
				lost(f, e, &logged);
		}
		{
			uint64_t spent = (mono_ns() - t0) / 1000000;

			xs_fleet_wait_ms(f, spent < f->period_ms ? f->period_ms - spent : 1);
		}
	}
	if (atomic_load(&f->connected) && f->lease) {
		/* leave the view at once rather than after the TTL */
		struct xs_etcd *q = xs_fleet_client(f, 500);

		if (q && xs_etcd_authenticate(q) == 0)
			xs_etcd_lease_revoke(q, f->lease);
		xs_etcd__destroy(q);
	}
out:
	free(l);
	free(others);
	free(all);
	xs_etcd__destroy(e);
	return NULL;
}

