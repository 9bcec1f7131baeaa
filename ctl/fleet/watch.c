// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The watch thread: reads the tenant's desired paths
 * (PREFIX/policy/TENANT/paths/), then follows every change after that
 * revision with a watch, and hands the set to the daemon (a copy under
 * f->lock, and a wake-up through the eventfd).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fleet/internal.h"
#include "lib/log.h"

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

static void count_error(struct xs_fleet *f)
{
	pthread_mutex_lock(&f->lock);
	f->watch_errors++;
	pthread_mutex_unlock(&f->lock);
}

void *xs_fleet_watch(void *arg)
{
	struct xs_fleet *f = arg;
	struct xs_etcd *e = xs_fleet_client(f, 1500);
	char prefix[KEY_MAX];
	int64_t rev = 0;
	int rc;

	if (!e)
		return NULL;
	snprintf(prefix, sizeof(prefix), "%s/policy/%s/paths/", f->c.prefix, f->tenant);
	while (!atomic_load(&f->quit)) {
		if (!atomic_load(&f->connected)) {
			xs_fleet_wait_ms(f, 100);
			continue;
		}
		/* the whole set, then every change after its revision */
		f->nwpol = 0;
		rc = xs_etcd_authenticate(e);
		rc = rc ?: xs_etcd_range(e, prefix, on_policy_key, f, &rev);
		if (rc) {
			count_error(f);
			pr_debug("fleet: reading the policies: %s\n", xs_etcd_error(e));
			xs_fleet_wait_ms(f, 200);
			continue;
		}
		pol_publish(f, rev);
		rc = xs_etcd_watch(e, prefix, rev + 1, on_policy_event, f, &f->wstop, NULL);
		if (rc && !atomic_load(&f->quit)) {
			count_error(f);
			pr_debug("fleet: watch ended: %s\n", xs_etcd_error(e));
			xs_fleet_wait_ms(f, 200);
		}
	}
	xs_etcd__destroy(e);
	return NULL;
}

