// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet threads. "fleet" keeps a lease alive, publishes this daemon's
 * paths and heavy hitters under it, and reads every daemon's figures back
 * (the per-segment load the path choice uses, and the view `xsteer fleet`
 * shows). "watch" reads the tenant's desired paths and follows changes as
 * a long-lived watch. The daemon never waits for either: it swaps copies
 * under f->lock (held for memcpy only, never across a network call) and is
 * woken through an eventfd when the desired paths change.
 *
 * etcd away: every call is bounded (timeouts); the first failure is logged
 * once and counted, the figures of other hosts are dropped (local load
 * only), the last known desired paths stay. Once etcd answers again: a new
 * lease, everything put again, the desired paths read again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <curl/curl.h>
#include "etcd.h"
#include "fleet.h"
#include "lib/flowfmt.h"
#include "lib/log.h"
#include "afxdp/srv6.h"

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
		 policy_errors;
	char last_error[512];
	int64_t lease;

	atomic_bool quit;
	atomic_bool connected;
	volatile bool wstop;	/* ends the current watch (disconnect, quit) */

	/* thread-private: the watch thread's working copy of the policy keys */
	struct pol_entry *wpol;
	unsigned int nwpol;
};

static double unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- setup ---- */

/*
 * A secret's file: a regular file nobody but its owner may read or write.
 * (A key readable by the group is a key shared with the group.)
 */
static int check_secret_file(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errlen, "[fleet] %s '%s': %s", what, path, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "[fleet] %s '%s': not a regular file", what, path);
		return -EINVAL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "[fleet] %s '%s': mode %04o lets the group or others "
			 "read it; chmod 600 '%s'", what, path, st.st_mode & 07777, path);
		return -EPERM;
	}
	return 0;
}

static int read_password(struct xs_fleet *f, char *err, size_t errlen)
{
	const char *path = f->c.password_file;
	ssize_t n;
	int fd, rc;

	rc = check_secret_file("password-file", path, err, errlen);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "[fleet] password-file '%s': %s", path, strerror(errno));
		return rc;
	}
	n = read(fd, f->password, sizeof(f->password) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "[fleet] password-file '%s': %s", path, strerror(-rc));
		return rc;
	}
	f->password[n] = '\0';
	f->password[strcspn(f->password, "\r\n")] = '\0';
	if (!f->password[0]) {
		snprintf(err, errlen, "[fleet] password-file '%s': empty", path);
		return -EINVAL;
	}
	return 0;
}

int xs_fleet__create(struct xs_fleet **fp, const struct xs_fleet_cfg *c, const char *tenant,
		     enum xs_encap_mode def_mode, char *err, size_t errlen)
{
	struct xs_etcd *probe;
	struct xs_etcd_opts eo = { .endpoints = c->endpoints };
	struct xs_fleet *f;
	int rc;

	*fp = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->efd = -1;
	f->c = *c;
	f->def_mode = def_mode;
	snprintf(f->tenant, sizeof(f->tenant), "%s", tenant);
	if (c->host[0])
		snprintf(f->host, sizeof(f->host), "%s", c->host);
	else if (gethostname(f->host, sizeof(f->host) - 1) || !f->host[0])
		snprintf(f->host, sizeof(f->host), "localhost");
	f->host[strcspn(f->host, "/")] = '\0';
	/* a third of the TTL at most: two renewals may fail before the lease ends */
	f->period_ms = c->lease_ttl_ms / 3 < 1000 ? c->lease_ttl_ms / 3 : 1000;
	if (f->period_ms < 100)
		f->period_ms = 100;
	rc = -EINVAL;
	if ((c->user[0] != 0) != (c->password_file[0] != 0)) {
		snprintf(err, errlen, "[fleet]: 'user' and 'password-file' go together");
		goto fail;
	}
	if ((c->cert_file[0] != 0) != (c->key_file[0] != 0)) {
		snprintf(err, errlen, "[fleet]: 'cert-file' and 'key-file' go together");
		goto fail;
	}
	if (c->password_file[0] && (rc = read_password(f, err, errlen)))
		goto fail;
	if (c->key_file[0] && (rc = check_secret_file("key-file", c->key_file, err, errlen)))
		goto fail;
	if (c->cert_file[0] && access(c->cert_file, R_OK)) {
		rc = -errno;
		snprintf(err, errlen, "[fleet] cert-file '%s': %s", c->cert_file, strerror(errno));
		goto fail;
	}
	if (c->ca_file[0] && access(c->ca_file, R_OK)) {
		rc = -errno;
		snprintf(err, errlen, "[fleet] ca-file '%s': %s", c->ca_file, strerror(errno));
		goto fail;
	}
	/* the endpoint list, checked now rather than in the thread */
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "[fleet]: cannot initialise libcurl");
		rc = -ENOMEM;
		goto fail;
	}
	rc = xs_etcd__create(&probe, &eo, err, errlen);
	if (rc)
		goto fail;
	xs_etcd__destroy(probe);
	f->wpol = calloc(XS_PATHS_MAX, sizeof(*f->wpol));
	f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!f->wpol || f->efd < 0) {
		rc = f->wpol ? -errno : -ENOMEM;
		snprintf(err, errlen, "fleet: %s", strerror(-rc));
		goto fail;
	}
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	*fp = f;
	return 0;
fail:
	explicit_bzero(f->password, sizeof(f->password));
	if (f->efd >= 0)
		close(f->efd);
	free(f->wpol);
	free(f);
	return rc;
}

static struct xs_etcd *client(struct xs_fleet *f, long timeout_ms)
{
	struct xs_etcd_opts eo = {
		.endpoints = f->c.endpoints,
		.user = f->c.user[0] ? f->c.user : NULL,
		.password = f->password,
		.cert_file = f->c.cert_file[0] ? f->c.cert_file : NULL,
		.key_file = f->c.key_file[0] ? f->c.key_file : NULL,
		.ca_file = f->c.ca_file[0] ? f->c.ca_file : NULL,
		.timeout_ms = timeout_ms,
		.connect_timeout_ms = timeout_ms < 1000 ? timeout_ms : 1000,
	};
	struct xs_etcd *e = NULL;
	char err[160];

	if (xs_etcd__create(&e, &eo, err, sizeof(err)))
		pr_warn("fleet: %s\n", err);
	return e;
}

/* ---- the daemon's side ---- */

int xs_fleet_fd(const struct xs_fleet *f)
{
	return f->efd;
}

void xs_fleet_publish(struct xs_fleet *f, const struct xs_fleet_local *l, bool now)
{
	pthread_mutex_lock(&f->lock);
	memcpy(&f->local, l, sizeof(*l));
	f->local_set = true;
	if (now) {
		f->kick = true;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
}

void xs_fleet_segload(struct xs_fleet *f, struct xs_segload *out)
{
	pthread_mutex_lock(&f->lock);
	out->n = f->seg.n;
	memcpy(out->e, f->seg.e, f->seg.n * sizeof(f->seg.e[0]));
	pthread_mutex_unlock(&f->lock);
}

bool xs_fleet_policy(struct xs_fleet *f, uint64_t *gen, struct xs_cfg_path *paths,
		     unsigned int *n, int64_t *rev)
{
	bool changed;

	pthread_mutex_lock(&f->lock);
	changed = f->pol_gen != *gen;
	if (changed) {
		*gen = f->pol_gen;
		memcpy(paths, f->pol, f->npol * sizeof(*paths));
		*n = f->npol;
		if (rev)
			*rev = f->pol_rev;
		f->pol_taken_unix = unix_now();
	}
	pthread_mutex_unlock(&f->lock);
	return changed;
}

json_object *xs_fleet_view(struct xs_fleet *f)
{
	json_object *o = NULL, *st = json_object_new_object();
	char lease[24];
	uint64_t now = mono_ns();

	pthread_mutex_lock(&f->lock);
	if (f->view)
		o = json_tokener_parse(f->view);
	if (!o)
		o = json_object_new_object();
	snprintf(lease, sizeof(lease), "%llx", (unsigned long long)f->lease);
	json_object_object_add(st, "connected", json_object_new_boolean(atomic_load(&f->connected)));
	json_object_object_add(st, "host", json_object_new_string(f->host));
	json_object_object_add(st, "tenant", json_object_new_string(f->tenant));
	json_object_object_add(st, "prefix", json_object_new_string(f->c.prefix));
	json_object_object_add(st, "lease", json_object_new_string(lease));
	json_object_object_add(st, "lease_ttl_s", json_object_new_double(f->c.lease_ttl_ms / 1e3));
	json_object_object_add(st, "view_age_s", f->view_ns ?
			       json_object_new_double((now - f->view_ns) / 1e9) : NULL);
	json_object_object_add(st, "errors", json_object_new_uint64(f->errors));
	json_object_object_add(st, "reconnects", json_object_new_uint64(f->reconnects));
	json_object_object_add(st, "publishes", json_object_new_uint64(f->publishes));
	json_object_object_add(st, "reads", json_object_new_uint64(f->reads));
	json_object_object_add(st, "policy_updates", json_object_new_uint64(f->policy_updates));
	json_object_object_add(st, "policy_errors", json_object_new_uint64(f->policy_errors));
	json_object_object_add(st, "policy_revision", json_object_new_int64(f->pol_rev));
	json_object_object_add(st, "policy_paths", json_object_new_uint64(f->npol));
	json_object_object_add(st, "policy_received_unix", json_object_new_double(f->pol_rx_unix));
	json_object_object_add(st, "policy_applied_unix", json_object_new_double(f->pol_taken_unix));
	json_object_object_add(st, "last_error", f->last_error[0] ?
			       json_object_new_string(f->last_error) : NULL);
	pthread_mutex_unlock(&f->lock);
	json_object_object_add(o, "fleet", st);
	return o;
}

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

static void wait_ms(struct xs_fleet *f, uint64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&f->lock);
	while (!atomic_load(&f->quit) && !f->kick &&
	       pthread_cond_timedwait(&f->cond, &f->lock, &ts) != ETIMEDOUT)
		;
	f->kick = false;
	pthread_mutex_unlock(&f->lock);
}

/* Lost etcd: count, log once per outage, fall back to local decisions. */
static void lost(struct xs_fleet *f, struct xs_etcd *e, bool *logged)
{
	atomic_store(&f->connected, false);
	f->wstop = true;
	pthread_mutex_lock(&f->lock);
	f->errors++;
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

static void *fleet_main(void *arg)
{
	struct xs_fleet *f = arg;
	struct xs_etcd *e = client(f, 1500);
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
				if (ever) {
					pthread_mutex_lock(&f->lock);
					f->reconnects++;
					pthread_mutex_unlock(&f->lock);
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

			wait_ms(f, spent < f->period_ms ? f->period_ms - spent : 1);
		}
	}
	if (atomic_load(&f->connected) && f->lease) {
		/* leave the view at once rather than after the TTL */
		struct xs_etcd *q = client(f, 500);

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

/* ---- the watch thread: desired paths ---- */

static void pol_publish(struct xs_fleet *f, int64_t rev)
{
	uint64_t one = 1;
	unsigned int i;

	pthread_mutex_lock(&f->lock);
	for (i = 0; i < f->nwpol; i++)
		f->pol[i] = f->wpol[i].p;
	f->npol = f->nwpol;
	f->pol_gen++;
	f->pol_rev = rev;
	f->pol_rx_unix = unix_now();
	f->policy_updates++;
	pthread_mutex_unlock(&f->lock);
	if (write(f->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warn("fleet: cannot wake the daemon: %s\n", strerror(errno));
}

/* Insert, replace (val) or delete (val NULL) one policy key; sorted by key. */
static void pol_apply(struct xs_fleet *f, const char *key, const char *val, int64_t rev)
{
	const char *name = strrchr(key, '/') ? strrchr(key, '/') + 1 : key;
	struct xs_cfg_path p;
	char err[300];
	unsigned int i;
	int cmp = 1;

	for (i = 0; i < f->nwpol; i++) {
		cmp = strcmp(f->wpol[i].key, key);
		if (cmp >= 0)
			break;
	}
	if (val && xs_fleet_policy_parse(name, val, f->def_mode, &p, err, sizeof(err))) {
		pr_warn("fleet: policy %s (revision %lld) ignored: %s\n", key, (long long)rev, err);
		pthread_mutex_lock(&f->lock);
		f->policy_errors++;
		pthread_mutex_unlock(&f->lock);
		val = NULL;	/* a bad value drops the key's previous definition too */
	}
	if (i < f->nwpol && cmp == 0) {
		if (val) {
			f->wpol[i].p = p;
			return;
		}
		memmove(&f->wpol[i], &f->wpol[i + 1], (f->nwpol - i - 1) * sizeof(f->wpol[0]));
		f->nwpol--;
		return;
	}
	if (!val)
		return;
	if (f->nwpol == XS_PATHS_MAX || strlen(key) >= KEY_MAX) {
		pr_warn("fleet: policy %s ignored: at most %d paths\n", key, XS_PATHS_MAX);
		return;
	}
	memmove(&f->wpol[i + 1], &f->wpol[i], (f->nwpol - i) * sizeof(f->wpol[0]));
	snprintf(f->wpol[i].key, KEY_MAX, "%s", key);
	f->wpol[i].p = p;
	f->nwpol++;
}

static int on_policy_key(const char *key, size_t klen, const char *val, size_t vlen, void *ctx)
{
	(void)klen;
	(void)vlen;
	pol_apply(ctx, key, val, 0);
	return 0;
}

static int on_policy_event(const char *key, size_t klen, const char *val, size_t vlen,
			   int64_t rev, void *ctx)
{
	struct xs_fleet *f = ctx;

	(void)klen;
	(void)vlen;
	pol_apply(f, key, val, rev);
	pol_publish(f, rev);
	return 0;
}

static void *fleet_watch(void *arg)
{
	struct xs_fleet *f = arg;
	struct xs_etcd *e = client(f, 1500);
	char prefix[KEY_MAX];
	int64_t rev = 0;
	int rc;

	if (!e)
		return NULL;
	snprintf(prefix, sizeof(prefix), "%s/policy/%s/paths/", f->c.prefix, f->tenant);
	while (!atomic_load(&f->quit)) {
		if (!atomic_load(&f->connected)) {
			wait_ms(f, 100);
			continue;
		}
		/* the whole set, then every change after its revision */
		f->nwpol = 0;
		rc = xs_etcd_authenticate(e);
		rc = rc ?: xs_etcd_range(e, prefix, on_policy_key, f, &rev);
		if (rc) {
			pr_debug("fleet: reading the policies: %s\n", xs_etcd_error(e));
			wait_ms(f, 200);
			continue;
		}
		pol_publish(f, rev);
		rc = xs_etcd_watch(e, prefix, rev + 1, on_policy_event, f, &f->wstop, NULL);
		if (rc && !atomic_load(&f->quit)) {
			pr_debug("fleet: watch ended: %s\n", xs_etcd_error(e));
			wait_ms(f, 200);
		}
	}
	xs_etcd__destroy(e);
	return NULL;
}

int xs_fleet_start(struct xs_fleet *f)
{
	int rc;

	rc = pthread_create(&f->th_main, NULL, fleet_main, f);
	if (rc)
		return -rc;
	rc = pthread_create(&f->th_watch, NULL, fleet_watch, f);
	if (rc) {
		atomic_store(&f->quit, true);
		pthread_join(f->th_main, NULL);
		return -rc;
	}
	pthread_setname_np(f->th_main, "xsteer-fleet");
	pthread_setname_np(f->th_watch, "xsteer-watch");
	f->started = true;
	return 0;
}

void xs_fleet__destroy(struct xs_fleet *f)
{
	if (!f)
		return;
	if (f->started) {
		pthread_mutex_lock(&f->lock);
		atomic_store(&f->quit, true);
		f->wstop = true;
		pthread_cond_broadcast(&f->cond);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->th_watch, NULL);
		pthread_join(f->th_main, NULL);
	}
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	explicit_bzero(f->password, sizeof(f->password));
	close(f->efd);
	free(f->view);
	free(f->wpol);
	free(f);
}
