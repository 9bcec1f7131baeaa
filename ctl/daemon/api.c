// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control API: JSON views of the daemon's state (status, flows, paths,
 * stats), path changes, served over the control socket and rendered into the
 * metrics textfile.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/ctlsock.h"
#include "lib/flowfmt.h"
#include "lib/log.h"
#include "daemon/metrics.h"
#include "daemon/internal.h"

static json_object *js_u64(uint64_t v) { return json_object_new_uint64(v); }

static void js_add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

json_object *ctl_status(struct xs_daemon *d)
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
	js_add(o, "uplink_mtu", js_u64(d->dp ? xs_dp_uplink_mtu(d->dp) : 0));
	js_add(o, "queues", js_u64(d->dp ? xs_dp_queue_count(d->dp) : 0));
	js_add(o, "paths", js_u64(np));
	js_add(o, "paths_resolved", js_u64(nres));
	js_add(o, "flows_tracked", js_u64(d->ct.count));
	js_add(o, "flows_table", js_u64(d->st.flows_table));
	js_add(o, "flows_not_tracked", js_u64(d->ct.not_tracked));
	js_add(o, "heavy_hitters", js_u64(heavy));
	js_add(o, "steered", js_u64(steered));
	js_add(o, "scan_period_ms", js_u64(d->cfg.scan_period_ms));
	js_add(o, "heavy_rate_bps", js_u64(d->cfg.heavy_rate_bps));
	js_add(o, "heavy_bytes", js_u64(d->cfg.heavy_bytes));
	return o;
}

/*
 * A row of 'flows': a tracked flow (f: rate, class, path) or a mouse only
 * the XDP table knows (f NULL: its counters, no rate estimate).
 */
struct flow_ref {
	const struct xs_cflow *f;
	struct xs_flow_key key;
	uint64_t packets, bytes, first_seen_ns, last_seen_ns;
	uint32_t retrans, cwr, rto;	/* the datapath's TCP counters */
	double rate_bps;
};

/* A row's counters from the XDP table's entry. */
static void ref_counters(struct flow_ref *r, const struct xs_flow_stats *st)
{
	r->packets = st->packets;
	r->bytes = st->bytes;
	r->first_seen_ns = st->first_seen_ns;
	r->last_seen_ns = st->last_seen_ns;
	r->retrans = st->tcp_retrans;
	r->cwr = st->tcp_cwr;
	r->rto = st->tcp_rto;
}

static int by_rate(const void *a, const void *b)
{
	const struct flow_ref *x = a, *y = b;

	if (x->rate_bps != y->rate_bps)
		return x->rate_bps < y->rate_bps ? 1 : -1;
	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

static int by_bytes(const void *a, const void *b)
{
	const struct flow_ref *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

struct mice {
	struct xs_daemon *d;
	struct flow_ref *v;
	size_t n, cap;
	size_t keep;		/* only the keep largest are wanted */
};

static void mouse_add(void *ctx, const struct xs_flow_key *k, const struct xs_flow_stats *st)
{
	struct mice *m = ctx;
	struct flow_ref *r;

	if (xs_ctab_find(&m->d->ct, k))
		return;		/* tracked: the row comes from the controller */
	if (m->n == m->cap && m->keep < m->n / 2) {
		/*
		 * A bounded list: when the array is full and holds more than
		 * twice what is wanted, keep the largest (mice are listed by
		 * bytes under either sort: they have no rate), so 'flows -n 10'
		 * over a million flows holds a few thousand rows, not a million.
		 */
		qsort(m->v, m->n, sizeof(*m->v), by_bytes);
		m->n = m->keep;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;

		r = realloc(m->v, cap * sizeof(*r));
		if (!r)
			return;	/* a shorter list rather than none */
		m->v = r;
		m->cap = cap;
	}
	r = &m->v[m->n++];
	*r = (struct flow_ref){ .key = *k };
	ref_counters(r, st);
}

static double since_s(uint64_t now, uint64_t t)
{
	return t && now > t ? (now - t) / 1e9 : 0;
}

static json_object *flow_row(const struct flow_ref *r, uint64_t now)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pb[8];
	const struct xs_cflow *f = r->f;
	const struct xs_cmove *m = f ? xs_cflow_mv(f) : &xs_cmove_none;
	bool v4 = xs_key_is_v4(&r->key);
	json_object *o = json_object_new_object();

	js_add(o, "family", json_object_new_string(v4 ? "ipv4" : "ipv6"));
	js_add(o, "proto", json_object_new_string(xs_proto_name(r->key.proto, pb, sizeof(pb))));
	js_add(o, "src", json_object_new_string(xs_addr_str(r->key.saddr, v4, src, sizeof(src))));
	js_add(o, "sport", js_u64(ntohs(r->key.sport)));
	js_add(o, "dst", json_object_new_string(xs_addr_str(r->key.daddr, v4, dst, sizeof(dst))));
	js_add(o, "dport", js_u64(ntohs(r->key.dport)));
	js_add(o, "packets", js_u64(r->packets));
	js_add(o, "bytes", js_u64(r->bytes));
	js_add(o, "tracked", json_object_new_boolean(f != NULL));
	/* the rate is estimated for tracked flows only */
	js_add(o, "rate_bps", f ? js_u64((uint64_t)f->cls.rate_bps) : NULL);
	js_add(o, "class", json_object_new_string(f && f->cls.heavy ? "heavy" : "mouse"));
	js_add(o, "path", !f || f->path_id == XS_NO_PATH ? NULL : js_u64(f->path_id));
	js_add(o, "manual", json_object_new_boolean(f && m->manual));
	js_add(o, "retrans", js_u64(r->retrans));
	js_add(o, "cwr", js_u64(r->cwr));
	js_add(o, "rto", js_u64(r->rto));
	js_add(o, "moves", js_u64(f ? m->moves : 0));
	js_add(o, "prev_path", f && m->moves && m->prev_path != XS_NO_PATH ?
	       js_u64(m->prev_path) : NULL);
	js_add(o, "moved_s", f && m->moved_ns ?
	       json_object_new_double((now - m->moved_ns) / 1e9) : NULL);
	js_add(o, "age_s", json_object_new_double(since_s(now, r->first_seen_ns)));
	js_add(o, "idle_s", json_object_new_double(since_s(now, r->last_seen_ns)));
	js_add(o, "steered_s", json_object_new_double(f ? since_s(now, m->steered_ns) : 0));
	/* from "found heavy" to "in the steer table" */
	js_add(o, "steer_delay_us", f && m->steered_ns && m->heavy_ns &&
	       m->steered_ns >= m->heavy_ns ?
	       js_u64((m->steered_ns - m->heavy_ns) / 1000) : NULL);
	return o;
}

/*
 * The tracked flows, and the mice of the XDP table beside them (read in
 * batches, events handled between them). Read first: the events may add
 * tracked flows, and the tracked ones are pointed to only after.
 */
static json_object *ctl_flows(struct xs_daemon *d, uint64_t top, bool bybytes, bool tracked)
{
	json_object *arr = json_object_new_array();
	struct mice m = { .d = d, .keep = top < SIZE_MAX ? (size_t)top : SIZE_MAX };
	uint64_t now = now_ns();
	struct xs_cflow *f;
	size_t n, i;

	if (!tracked)	/* the mice too: a walk of the whole XDP table */
		daemon_table_walk(d, mouse_add, &m);
	/* the events read during the walk may have taken some of them on */
	for (i = n = 0; i < m.n; i++)
		if (!xs_ctab_find(&d->ct, &m.v[i].key))
			m.v[n++] = m.v[i];
	if (m.cap < n + d->ct.count) {
		struct flow_ref *v = realloc(m.v, (n + d->ct.count + 1) * sizeof(*v));

		if (!v) {
			free(m.v);
			return arr;
		}
		m.v = v;
	}
	for (f = xs_ctab_next(&d->ct, NULL); f; f = xs_ctab_next(&d->ct, f)) {
		const struct xs_cmove *mv = xs_cflow_mv(f);

		/* its last sample's, until the rows shown are read below */
		m.v[n++] = (struct flow_ref){
			.f = f, .key = f->key, .bytes = f->cls.last_bytes,
			.last_seen_ns = f->last_seen_ns, .rate_bps = f->cls.rate_bps,
			.retrans = mv->retrans, .cwr = mv->cwr, .rto = mv->rto,
		};
	}
	qsort(m.v, n, sizeof(*m.v), bybytes ? by_bytes : by_rate);
	if (n > top)
		n = (size_t)top;
	/*
	 * The rows shown of tracked flows: their counters as the XDP table has
	 * them now (a lookup each: as many as the rows, whose JSON costs more),
	 * then in order again, so the order is that of the figures shown.
	 */
	for (i = 0; i < n; i++) {
		struct xs_flow_stats st;

		if (m.v[i].f && !bpf_map_lookup_elem(d->flows_fd, &m.v[i].key, &st))
			ref_counters(&m.v[i], &st);
	}
	qsort(m.v, n, sizeof(*m.v), bybytes ? by_bytes : by_rate);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, flow_row(&m.v[i], now));
	free(m.v);
	return arr;
}

json_object *ctl_paths(struct xs_daemon *d)
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
			uint64_t pk = 0, by = 0;

			if (d->dp)
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

json_object *ctl_stats(struct xs_daemon *d)
{
	json_object *o = json_object_new_object(), *x = json_object_new_object(),
		    *dp = json_object_new_object(), *c = json_object_new_object();
	int ncpu = libbpf_num_possible_cpus(), k;
	struct xs_dp_stats s = {};
	struct xs_ctl_stats cs;
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
	if (d->dp)
		xs_dp_stats_sum(d->dp, &s);
#define XS_DP_JS(n, desc) js_add(dp, #n, js_u64(s.n));
	XS_DP_STATS(XS_DP_JS)
#undef XS_DP_JS
	daemon_stats(d, &cs);
#define XS_CTL_JS(n, kind, help) js_add(c, #n, js_u64(cs.n));
	XS_CTL_STATS(XS_CTL_JS)
#undef XS_CTL_JS
	js_add(o, "xdp", x);
	js_add(o, "datapath", dp);
	js_add(o, "controller", c);
	return o;
}


/* What the exposition is rendered from: the answers to status, stats, paths, fleet. */
struct prom_src {
	json_object *st, *sx, *pa, *fl;
};

static void prom_src_get(struct xs_daemon *d, struct prom_src *s)
{
	s->st = ctl_status(d);
	s->sx = ctl_stats(d);
	s->pa = ctl_paths(d);
	s->fl = d->fleet ? daemon_fleet_view(d) : NULL;	/* a copy: etcd is not asked */
}

static void prom_src_put(struct prom_src *s)
{
	json_object_put(s->st);
	json_object_put(s->sx);
	json_object_put(s->pa);
	json_object_put(s->fl);
}

static json_object *ctl_metrics(struct xs_daemon *d)
{
	struct prom_src s;
	json_object *o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	prom_src_get(d, &s);
	o = json_object_new_object();
	if (f) {
		xs_prom_render(f, d->cfg.tenant, s.st, s.sx, s.pa, s.fl);
		fclose(f);
		js_add(o, "text", json_object_new_string_len(buf, len));
		free(buf);
	}
	prom_src_put(&s);
	return o;
}

void write_textfile(struct xs_daemon *d)
{
	struct prom_src s;
	int err;

	if (!d->cfg.metrics_file[0])
		return;
	prom_src_get(d, &s);
	err = xs_prom_write_file(d->cfg.metrics_file, d->cfg.tenant, s.st, s.sx, s.pa, s.fl);
	if (err)
		pr_warn("cannot write metrics to '%s': %s\n", d->cfg.metrics_file, strerror(-err));
	prom_src_put(&s);
}

/* ---- requests: typed members, one table of commands ---- */

/* A value as the client wrote it, cut to fit a message. */
static const char *shown(json_object *v, char *buf, size_t len)
{
	const char *s = v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE) : "null";
	size_t n = strlen(s);

	if (n < len)
		return s;
	snprintf(buf, len, "%.*s...", (int)(len > 4 ? len - 4 : 0), s);
	return buf;
}

/*
 * A request's member of the wanted type. Each returns NULL when it is
 * absent (*out untouched) or taken, else the error reply, which names the
 * command, the member, the value as sent and what was expected.
 */
static json_object *req_string(json_object *req, const char *what, const char *key,
			       const char **out)
{
	json_object *v;
	char sh[64];

	if (!json_object_object_get_ex(req, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_string))
		return xs_ctl_error("%s: bad '%s' %s: expected a string", what, key, shown(v, sh, sizeof(sh)));
	*out = json_object_get_string(v);
	return NULL;
}

static json_object *req_bool(json_object *req, const char *what, const char *key, bool *out)
{
	json_object *v;
	char sh[64];

	if (!json_object_object_get_ex(req, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_boolean))
		return xs_ctl_error("%s: bad '%s' %s: expected true or false", what, key,
				    shown(v, sh, sizeof(sh)));
	*out = json_object_get_boolean(v);
	return NULL;
}

/* A whole number from 0 to max, as a JSON integer or a string of digits. */
static json_object *req_uint(json_object *req, const char *what, const char *key, uint64_t max,
			     uint64_t *out)
{
	json_object *v;
	uint64_t u = 0;
	bool ok = false;
	char sh[64];

	if (!json_object_object_get_ex(req, key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_int)) {
		/* json-c keeps values above INT64_MAX as uint64: get_int64 clamps them */
		ok = json_object_get_int64(v) >= 0;
		u = ok ? json_object_get_uint64(v) : 0;
	} else if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;

		errno = 0;
		u = strtoull(s, &end, 10);
		ok = s[0] >= '0' && s[0] <= '9' && !*end && !errno;
	}
	if (!ok || u > max)
		return xs_ctl_error("%s: bad '%s' %s: expected an integer from 0 to %llu", what, key,
				    shown(v, sh, sizeof(sh)), (unsigned long long)max);
	*out = u;
	return NULL;
}

/* Fails when the member is absent. */
static json_object *req_need(json_object *req, const char *what, const char *key)
{
	return json_object_object_get_ex(req, key, NULL) ? NULL :
	       xs_ctl_error("%s: '%s' is missing", what, key);
}

static json_object *api_flows(struct xs_daemon *d, json_object *req)
{
	const char *sort = "rate";
	uint64_t top = UINT64_MAX;
	bool tracked = false;
	json_object *e;

	if ((e = req_uint(req, "flows", "top", UINT64_MAX, &top)) ||
	    (e = req_string(req, "flows", "sort", &sort)) ||
	    (e = req_bool(req, "flows", "tracked", &tracked)))
		return e;
	if (strcmp(sort, "rate") && strcmp(sort, "bytes")) {
		char sh[64];

		return xs_ctl_error("flows: bad 'sort' '%s': expected rate or bytes",
				    shown(json_object_object_get(req, "sort"), sh, sizeof(sh)));
	}
	return ctl_flows(d, top, !strcmp(sort, "bytes"), tracked);
}

static json_object *api_path_add(struct xs_daemon *d, json_object *req)
{
	struct xs_cfg_path cp = { .pool = XS_POOL_HEAVY, .mode = d->cfg.encap_mode };
	const char *name = "cli", *segs = NULL, *pool = NULL, *mode = NULL, *prefix = "::/0";
	static const char what[] = "path add";
	json_object *e;
	uint64_t id;
	char err[160];
	int n;

	if ((e = req_need(req, what, "id")) || (e = req_uint(req, what, "id", XS_PATHS_MAX - 1, &id)) ||
	    (e = req_need(req, what, "segments")) || (e = req_string(req, what, "segments", &segs)) ||
	    (e = req_string(req, what, "name", &name)) || (e = req_string(req, what, "pool", &pool)) ||
	    (e = req_string(req, what, "mode", &mode)) || (e = req_string(req, what, "prefix", &prefix)))
		return e;
	cp.id = id;
	if (d->paths[cp.id].present)
		return xs_ctl_error("path add: path %u exists (delete it first)", cp.id);
	if (!d->cfg.sr_source_set)
		return xs_ctl_error("path add: no sr-source configured");
	if (strlen(name) >= sizeof(cp.name))
		return xs_ctl_error("path add: bad 'name' '%.40s...': at most %zu characters", name,
				    sizeof(cp.name) - 1);
	snprintf(cp.name, sizeof(cp.name), "%s", name);
	n = xs_sid_list_parse(segs, cp.sids, XS_SIDS_MAX, err, sizeof(err));
	if (n < 0)
		return xs_ctl_error("path add: %s", err);
	cp.nsids = n;
	if (pool) {
		if ((n = xs_pool_parse(pool)) < 0) {
			xs_choices_join(xs_pool_names, err, sizeof(err));
			return xs_ctl_error("path add: bad pool '%.64s': expected %s", pool, err);
		}
		cp.pool = n;
	}
	if (mode) {
		if ((n = xs_encap_mode_parse(mode)) < 0) {
			xs_choices_join(xs_encap_mode_names, err, sizeof(err));
			return xs_ctl_error("path add: bad mode '%.64s': expected %s", mode, err);
		}
		cp.mode = n;
	}
	if (xs_parse_prefix(prefix, &cp.prefix, &cp.plen))
		return xs_ctl_error("path add: bad prefix '%.64s'", prefix);
	if (path_install(d, &cp))
		return xs_ctl_error("path add: cannot build path %u", cp.id);
	if (d->dp)	/* the fuzz harness has no datapath, hence no next hops */
		path_resolve(d, &d->paths[cp.id], false);
	return ctl_paths(d);
}

static json_object *api_path_del(struct xs_daemon *d, json_object *req)
{
	json_object *e;
	uint64_t id;

	if ((e = req_need(req, "path del", "id")) ||
	    (e = req_uint(req, "path del", "id", XS_PATHS_MAX - 1, &id)))
		return e;
	if (path_remove(d, id))
		return xs_ctl_error("path del: no path %llu", (unsigned long long)id);
	return ctl_paths(d);
}

static json_object *api_status(struct xs_daemon *d, json_object *req)
{
	(void)req;
	return ctl_status(d);
}

static json_object *api_paths(struct xs_daemon *d, json_object *req)
{
	(void)req;
	return ctl_paths(d);
}

static json_object *api_stats(struct xs_daemon *d, json_object *req)
{
	(void)req;
	return ctl_stats(d);
}

static json_object *api_metrics(struct xs_daemon *d, json_object *req)
{
	(void)req;
	return ctl_metrics(d);
}

static json_object *api_fleet(struct xs_daemon *d, json_object *req)
{
	(void)req;
	return daemon_fleet_view(d);
}

static const struct api_cmd {
	const char *name;
	json_object *(*fn)(struct xs_daemon *d, json_object *req);
} api_cmds[] = {
	{ "status", api_status },
	{ "flows", api_flows },
	{ "paths", api_paths },
	{ "stats", api_stats },
	{ "metrics", api_metrics },
	{ "path-add", api_path_add },
	{ "path-del", api_path_del },
	{ "fleet", api_fleet },
};

json_object *xs_api_handle(struct xs_daemon *d, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *req = NULL, *rep, *v;
	const char *cmd = NULL;
	char known[128] = "";
	size_t i;

	if (tok && len <= INT_MAX) {
		req = json_tokener_parse_ex(tok, line, (int)len);
		/* one object and nothing after it but blanks */
		if (req && (json_tokener_get_error(tok) != json_tokener_success ||
			    strspn(line + json_tokener_get_parse_end(tok), " \t\r\n") !=
			    len - json_tokener_get_parse_end(tok))) {
			json_object_put(req);
			req = NULL;
		}
	}
	json_tokener_free(tok);
	if (!req || !json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		return xs_ctl_error("bad request: expected one JSON object, like {\"cmd\":\"status\"}");
	}
	if (!json_object_object_get_ex(req, "cmd", &v)) {
		rep = xs_ctl_error("bad request: 'cmd' is missing");
		goto out;
	}
	if ((rep = req_string(req, "bad request", "cmd", &cmd)))
		goto out;
	for (i = 0; i < sizeof(api_cmds) / sizeof(api_cmds[0]); i++) {
		if (!strcmp(cmd, api_cmds[i].name)) {
			rep = api_cmds[i].fn(d, req);
			goto out;
		}
		snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			 i ? ", " : "", api_cmds[i].name);
	}
	{
		char sh[64];

		rep = xs_ctl_error("unknown request %s (known: %s)", shown(v, sh, sizeof(sh)), known);
	}
out:
	json_object_put(req);
	return rep;
}
