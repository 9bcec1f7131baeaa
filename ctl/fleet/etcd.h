/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small etcd v3 client over etcd's gRPC-gateway JSON API (etcd 3.4,
 * /v3/...), with libcurl and json-c: leases, put, range by prefix, delete,
 * watch as a long-lived streaming POST, user/password auth and TLS client
 * certificates. Keys and values are base64 on the wire; callers see bytes.
 *
 * One struct xs_etcd per thread (a curl easy handle is not shared); every
 * call blocks for at most the configured timeout (the watch: until the
 * stream ends or *stop is set). Errors are -errno; xs_etcd_error() then
 * names the endpoint, the call and the reason.
 */
#ifndef XS_ETCD_H
#define XS_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_etcd;

struct xs_etcd_opts {
	const char *endpoints;	/* "http://[fd00::1]:2379,https://h:2379" */
	const char *user;	/* NULL: no auth */
	const char *password;
	const char *cert_file;	/* TLS client certificate (PEM), or NULL */
	const char *key_file;	/* its key */
	const char *ca_file;	/* CA bundle to verify the server */
	long timeout_ms;	/* per unary call (0: 2000) */
	long connect_timeout_ms;	/* (0: 1000) */
};

/* -EINVAL (with *err filled) on a bad endpoint list, -ENOMEM. */
int xs_etcd__create(struct xs_etcd **e, const struct xs_etcd_opts *o, char *err, size_t errlen);
void xs_etcd__destroy(struct xs_etcd *e);
/* The last error: "etcd ENDPOINT CALL: REASON". */
const char *xs_etcd_error(const struct xs_etcd *e);
/* The endpoint in use (after a failure the next one is tried). */
const char *xs_etcd_endpoint(const struct xs_etcd *e);

/* /v3/auth/authenticate; later calls carry the token. No-op without a user. */
int xs_etcd_authenticate(struct xs_etcd *e);

int xs_etcd_lease_grant(struct xs_etcd *e, int64_t ttl_s, int64_t *id);
/* Renews the lease; -ENOENT when it has expired (or was revoked). */
int xs_etcd_lease_keepalive(struct xs_etcd *e, int64_t id, int64_t *ttl_left);
int xs_etcd_lease_revoke(struct xs_etcd *e, int64_t id);

/* lease 0: none. -ENOENT when the lease is gone. */
int xs_etcd_put(struct xs_etcd *e, const char *key, const void *val, size_t vlen,
		int64_t lease);
/* Deletes key, or every key under it when prefix is true. */
int xs_etcd_delete(struct xs_etcd *e, const char *key, bool prefix);

/* Called once per key; a non-zero return stops and is returned. */
typedef int (*xs_etcd_kv_fn)(const char *key, size_t klen, const char *val, size_t vlen,
			     void *ctx);
/* Every key under prefix (in key order); *rev: the store's revision. */
int xs_etcd_range(struct xs_etcd *e, const char *prefix, xs_etcd_kv_fn fn, void *ctx,
		  int64_t *rev);

/*
 * Called for each key event of the watch: put (val set) or delete (val
 * NULL), with the event's revision; a non-zero return ends the watch.
 */
typedef int (*xs_etcd_watch_fn)(const char *key, size_t klen, const char *val, size_t vlen,
				int64_t rev, void *ctx);
/*
 * Watch every key under prefix from start_rev (0: from now) until the
 * stream ends (-ECONNRESET, the server went away), the callback says stop,
 * or *stop becomes true (checked several times a second: 0). created, if
 * not NULL, is called once the server has accepted the watch.
 */
int xs_etcd_watch(struct xs_etcd *e, const char *prefix, int64_t start_rev,
		  xs_etcd_watch_fn fn, void *ctx, const volatile bool *stop,
		  void (*created)(void *ctx));

/* base64 (RFC 4648, padded); out needs 4 * ((n + 2) / 3) + 1 bytes. */
void xs_b64_encode(const void *in, size_t n, char *out);
/* Decodes into out (at least 3 * (strlen(in) / 4) bytes); length or -EINVAL. */
long xs_b64_decode(const char *in, size_t n, void *out);

#endif
