// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fleet mode's life and the daemon's side of it. Two threads talk to etcd:
 * "fleet" (publish.c) keeps a lease alive, publishes this daemon's paths and
 * heavy hitters under it, and reads every daemon's figures back (the
 * per-segment load the path choice uses, and the view `xsteer fleet`
 * shows); "watch" (watch.c) reads the tenant's desired paths and follows
 * changes as a long-lived watch. The daemon never waits for either: it
 * swaps copies under f->lock (held for memcpy only, never across a network
 * call) and is woken through an eventfd when the desired paths change.
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
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <curl/curl.h>
#include "fleet/internal.h"
#include "lib/log.h"

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

struct xs_etcd *xs_fleet_client(struct xs_fleet *f, long timeout_ms)
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

uint64_t xs_fleet_segload(struct xs_fleet *f, struct xs_segload *out)
{
	uint64_t t;

	pthread_mutex_lock(&f->lock);
	out->n = f->seg.n;
	memcpy(out->e, f->seg.e, f->seg.n * sizeof(f->seg.e[0]));
	t = f->view_ns;
	pthread_mutex_unlock(&f->lock);
	return t;
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

void xs_fleet_applied(struct xs_fleet *f)
{
	pthread_mutex_lock(&f->lock);
	f->policy_applied++;
	pthread_mutex_unlock(&f->lock);
}

/* Distinct hosts among the view's daemons (one per host and tenant). */
static uint64_t count_hosts(json_object *view)
{
	json_object *hosts, *h, *v;
	uint64_t n = 0;
	size_t i, j, len;

	if (!json_object_object_get_ex(view, "hosts", &hosts))
		return 0;
	len = json_object_array_length(hosts);
	for (i = 0; i < len; i++) {
		const char *name;

		h = json_object_array_get_idx(hosts, i);
		name = json_object_object_get_ex(h, "host", &v) ? json_object_get_string(v) : "";
		for (j = 0; j < i; j++) {
			h = json_object_array_get_idx(hosts, j);
			if (json_object_object_get_ex(h, "host", &v) &&
			    !strcmp(json_object_get_string(v), name))
				break;
		}
		n += j == i;
	}
	return n;
}

json_object *xs_fleet_view(struct xs_fleet *f)
{
	json_object *o = NULL, *st = json_object_new_object();
	char lease[24];
	uint64_t now = mono_ns(), degraded_ns;

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
	degraded_ns = f->degraded_ns + (f->degraded_since_ns ? now - f->degraded_since_ns : 0);
	json_object_object_add(st, "degraded", json_object_new_uint64(f->degraded));
	json_object_object_add(st, "degraded_seconds", json_object_new_double(degraded_ns / 1e9));
	json_object_object_add(st, "errors", json_object_new_uint64(f->errors));
	json_object_object_add(st, "watch_errors", json_object_new_uint64(f->watch_errors));
	json_object_object_add(st, "reconnects", json_object_new_uint64(f->reconnects));
	json_object_object_add(st, "publishes", json_object_new_uint64(f->publishes));
	json_object_object_add(st, "reads", json_object_new_uint64(f->reads));
	json_object_object_add(st, "policy_updates", json_object_new_uint64(f->policy_updates));
	json_object_object_add(st, "policy_applied", json_object_new_uint64(f->policy_applied));
	json_object_object_add(st, "policy_errors", json_object_new_uint64(f->policy_errors));
	json_object_object_add(st, "policy_revision", json_object_new_int64(f->pol_rev));
	json_object_object_add(st, "policy_paths", json_object_new_uint64(f->npol));
	json_object_object_add(st, "policy_received_unix", json_object_new_double(f->pol_rx_unix));
	json_object_object_add(st, "policy_applied_unix", json_object_new_double(f->pol_taken_unix));
	json_object_object_add(st, "last_error", f->last_error[0] ?
			       json_object_new_string(f->last_error) : NULL);
	pthread_mutex_unlock(&f->lock);
	json_object_object_add(st, "hosts", json_object_new_uint64(count_hosts(o)));
	json_object_object_add(o, "fleet", st);
	return o;
}

/* ---- the threads ---- */

void xs_fleet_wait_ms(struct xs_fleet *f, uint64_t ms)
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

int xs_fleet_start(struct xs_fleet *f)
{
	int rc;

	rc = pthread_create(&f->th_main, NULL, xs_fleet_main, f);
	if (rc)
		return -rc;
	rc = pthread_create(&f->th_watch, NULL, xs_fleet_watch, f);
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
