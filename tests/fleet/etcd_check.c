// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * etcd-check: drives ctl/fleet/etcd.c against a real etcd (tests/ns/test-etcd
 * starts one in a namespace). Each step prints "ok STEP" or "FAIL STEP: why"
 * and the exit code is the number of failures.
 *
 *   etcd-check ENDPOINTS [--user U --password P] [--cert C --key K --ca A]
 *   etcd-check ENDPOINTS --expect-error ERRNO_NAME [auth options]
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include "fleet/etcd.h"

static int fails;

static bool one_of(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *p = list; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == '|' || !p[n]))
			return true;
	return false;
}
static char prefix[64];

#define CHECK(step, cond, ...) do { \
	if (cond) { printf("ok %s\n", step); } \
	else { printf("FAIL %s: ", step); printf(__VA_ARGS__); printf("\n"); fails++; } \
	fflush(stdout); } while (0)

struct seen {
	int n;
	char keys[16][128];
	char vals[16][128];
};

static int on_kv(const char *k, size_t kl, const char *v, size_t vl, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		snprintf(s->keys[s->n], 128, "%.*s", (int)kl, k);
		snprintf(s->vals[s->n], 128, "%.*s", (int)vl, v);
		s->n++;
	}
	return 0;
}

struct wctx {
	struct seen s;
	int dels;
	volatile bool stop;
	volatile bool created;
};

static int on_ev(const char *k, size_t kl, const char *v, size_t vl, int64_t rev, void *ctx)
{
	struct wctx *w = ctx;

	(void)rev;
	if (!v)
		w->dels++;
	else
		on_kv(k, kl, v, vl, &w->s);
	if (w->s.n >= 2 && w->dels >= 1)
		w->stop = true;
	return 0;
}

static void on_created(void *ctx)
{
	((struct wctx *)ctx)->created = true;
}

struct wthread {
	struct xs_etcd *e;
	struct wctx *w;
	int rc;
};

static void *watcher(void *arg)
{
	struct wthread *t = arg;
	char p[80];

	snprintf(p, sizeof(p), "%s/w/", prefix);
	t->rc = xs_etcd_watch(t->e, p, 0, on_ev, t->w, &t->w->stop, on_created);
	return NULL;
}

int main(int argc, char **argv)
{
	struct xs_etcd_opts o = { .timeout_ms = 2000 };
	struct xs_etcd *e, *we;
	const char *expect = NULL;
	char err[256], key[128], bin[4];
	struct seen s = { 0 };
	int64_t lease = 0, ttl = 0, rev = 0;
	int i, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: etcd-check ENDPOINTS [options]\n");
		return 2;
	}
	o.endpoints = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--user")) o.user = argv[i + 1];
		else if (!strcmp(argv[i], "--password")) o.password = argv[i + 1];
		else if (!strcmp(argv[i], "--cert")) o.cert_file = argv[i + 1];
		else if (!strcmp(argv[i], "--key")) o.key_file = argv[i + 1];
		else if (!strcmp(argv[i], "--ca")) o.ca_file = argv[i + 1];
		else if (!strcmp(argv[i], "--expect-error")) expect = argv[i + 1];
		else { fprintf(stderr, "etcd-check: unknown option %s\n", argv[i]); return 2; }
	}
	snprintf(prefix, sizeof(prefix), "/etcd-check/%d", (int)getpid());
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = xs_etcd__create(&e, &o, err, sizeof(err));
	if (rc) {
		printf("FAIL create: %s\n", err);
		return 1;
	}
	rc = xs_etcd_authenticate(e);
	if (expect) {
		/* the call must fail with this errno, and say why */
		if (!rc)
			rc = xs_etcd_put(e, "/etcd-check/denied", "x", 1, 0);
		/* "EPROTO|ECONNRESET": any of them */
		CHECK("expected error", rc && one_of(strerrorname_np(-rc), expect),
		      "got %s (%s), wanted %s", rc ? strerrorname_np(-rc) : "success",
		      rc ? xs_etcd_error(e) : "-", expect);
		printf("error text: %s\n", rc ? xs_etcd_error(e) : "");
		xs_etcd__destroy(e);
		return fails;
	}
	CHECK("authenticate", !rc, "%s", xs_etcd_error(e));

	/* base64 round trip of every byte value through etcd */
	for (i = 0; i < 3; i++)
		bin[i] = (char)(0xfd + i);
	bin[3] = 0;
	rc = xs_etcd_lease_grant(e, 3, &lease);
	CHECK("lease grant", !rc && lease, "%s", xs_etcd_error(e));
	snprintf(key, sizeof(key), "%s/a/one", prefix);
	rc = xs_etcd_put(e, key, "value one", 9, lease);
	CHECK("put with lease", !rc, "%s", xs_etcd_error(e));
	snprintf(key, sizeof(key), "%s/a/two", prefix);
	rc = xs_etcd_put(e, key, bin, 3, 0);
	CHECK("put without lease", !rc, "%s", xs_etcd_error(e));
	snprintf(key, sizeof(key), "%s/b", prefix);
	rc = xs_etcd_put(e, key, "outside", 7, 0);
	snprintf(key, sizeof(key), "%s/a/", prefix);
	rc = rc ?: xs_etcd_range(e, key, on_kv, &s, &rev);
	CHECK("range by prefix", !rc && s.n == 2 && strstr(s.keys[0], "/a/one") &&
	      !strcmp(s.vals[0], "value one") && !memcmp(s.vals[1], bin, 3) && rev > 0,
	      "rc %d n %d: %s", rc, s.n, rc ? xs_etcd_error(e) : "wrong keys");
	rc = xs_etcd_lease_keepalive(e, lease, &ttl);
	CHECK("lease keepalive", !rc && ttl > 0, "%s", xs_etcd_error(e));

	/* watch in a thread of its own (its own client), events from here */
	{
		struct xs_etcd_opts wo = o;
		struct wctx w = { 0 };
		struct wthread t = { .w = &w };
		pthread_t th;

		rc = xs_etcd__create(&we, &wo, err, sizeof(err));
		rc = rc ?: xs_etcd_authenticate(we);
		t.e = we;
		pthread_create(&th, NULL, watcher, &t);
		for (i = 0; i < 100 && !w.created; i++)
			usleep(20000);
		CHECK("watch created", w.created, "no 'created' message in 2 s");
		snprintf(key, sizeof(key), "%s/w/x", prefix);
		xs_etcd_put(e, key, "1", 1, 0);
		xs_etcd_put(e, key, "2", 1, 0);
		xs_etcd_delete(e, key, false);
		for (i = 0; i < 100 && !w.stop; i++)
			usleep(20000);
		w.stop = true;	/* ends the stream if the events did not */
		pthread_join(th, NULL);
		CHECK("watch events", w.s.n == 2 && !strcmp(w.s.vals[0], "1") &&
		      !strcmp(w.s.vals[1], "2") && w.dels == 1 && t.rc == 0,
		      "puts %d dels %d rc %d (%s)", w.s.n, w.dels, t.rc,
		      t.rc ? xs_etcd_error(we) : "");
		xs_etcd__destroy(we);
	}

	rc = xs_etcd_lease_revoke(e, lease);
	CHECK("lease revoke", !rc, "%s", xs_etcd_error(e));
	memset(&s, 0, sizeof(s));
	snprintf(key, sizeof(key), "%s/a/", prefix);
	rc = xs_etcd_range(e, key, on_kv, &s, NULL);
	CHECK("revoked lease took its key", !rc && s.n == 1 && strstr(s.keys[0], "/a/two"),
	      "n %d", s.n);
	rc = xs_etcd_lease_keepalive(e, lease, &ttl);
	CHECK("keepalive of a revoked lease: -ENOENT", rc == -ENOENT, "rc %d", rc);
	rc = xs_etcd_put(e, key, "x", 1, lease);
	CHECK("put under a revoked lease: -ENOENT", rc == -ENOENT, "rc %d: %s", rc,
	      xs_etcd_error(e));
	printf("error text: %s\n", xs_etcd_error(e));
	snprintf(key, sizeof(key), "%s/", prefix);
	rc = xs_etcd_delete(e, key, true);
	memset(&s, 0, sizeof(s));
	rc = rc ?: xs_etcd_range(e, key, on_kv, &s, NULL);
	CHECK("delete by prefix", !rc && s.n == 0, "n %d", s.n);
	xs_etcd__destroy(e);
	return fails;
}
