// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * etcd v3 over its JSON gateway (see etcd.h): leases, put, range, delete
 * and watch, their requests and replies, base64. Each call is one HTTP POST
 * of a JSON body (etcd_http.c carries it); gRPC errors come back as
 * {"error", "code", "message"} and become -errno. int64 fields arrive as
 * JSON strings (json-c parses them). The watch is one POST whose response
 * never ends: one JSON object per line, each a batch of events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include "fleet/etcd_http.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void xs_b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = b64[p[i] >> 2];
		out[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[o++] = b64[p[i + 2] & 63];
	}
	if (i < n) {
		out[o++] = b64[p[i] >> 2];
		if (i + 1 < n) {
			out[o++] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			out[o++] = b64[(p[i + 1] & 15) << 2];
		} else {
			out[o++] = b64[(p[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

long xs_b64_decode(const char *in, size_t n, void *out)
{
	unsigned char *o = out;
	uint32_t acc = 0;
	int bits = 0, v;
	long len = 0;
	size_t i;

	for (i = 0; i < n && in[i] != '='; i++) {
		v = b64_val(in[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[len++] = (unsigned char)(acc >> bits);
		}
	}
	for (; i < n; i++)
		if (in[i] != '=')
			return -EINVAL;
	return len;
}

/* The key just above every key that starts with prefix (etcd's range_end). */
static int prefix_end(const char *prefix, char *out, size_t outlen)
{
	size_t n = strlen(prefix);

	if (!n || n >= outlen)
		return -EINVAL;
	memcpy(out, prefix, n + 1);
	while (n) {
		if ((unsigned char)out[n - 1] < 0xff) {
			out[n - 1]++;
			out[n] = '\0';
			return (int)n;
		}
		n--;
	}
	return -EINVAL;
}

static void set_b64(json_object *o, const char *name, const void *v, size_t n)
{
	char *s = malloc(4 * ((n + 2) / 3) + 1);

	if (!s)
		return;
	xs_b64_encode(v, n, s);
	json_object_object_add(o, name, json_object_new_string(s));
	free(s);
}

static int64_t get_i64(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

int xs_etcd_lease_grant(struct xs_etcd *e, int64_t ttl_s, int64_t *id)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	json_object_object_add(req, "TTL", json_object_new_int64(ttl_s));
	err = xs_etcd_call(e, "/v3/lease/grant", req, &rep);
	if (err)
		return err;
	*id = get_i64(rep, "ID");
	json_object_put(rep);
	if (!*id) {
		xs_etcd_seterr(e, "etcd %s/v3/lease/grant: no lease ID in the reply", e->eps[e->cur]);
		return -EPROTO;
	}
	return 0;
}

int xs_etcd_lease_keepalive(struct xs_etcd *e, int64_t id, int64_t *ttl_left)
{
	json_object *req = json_object_new_object(), *rep, *res;
	int64_t ttl;
	int err;

	json_object_object_add(req, "ID", json_object_new_int64(id));
	err = xs_etcd_call(e, "/v3/lease/keepalive", req, &rep);
	if (err)
		return err;
	/* a stream of one message: {"result": {..., "TTL": "9"}}; no TTL: expired */
	if (!json_object_object_get_ex(rep, "result", &res))
		res = rep;
	ttl = get_i64(res, "TTL");
	json_object_put(rep);
	if (ttl_left)
		*ttl_left = ttl;
	if (ttl <= 0) {
		xs_etcd_seterr(e, "etcd %s/v3/lease/keepalive: lease %llx has expired", e->eps[e->cur],
		       (unsigned long long)id);
		return -ENOENT;
	}
	return 0;
}

int xs_etcd_lease_revoke(struct xs_etcd *e, int64_t id)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	json_object_object_add(req, "ID", json_object_new_int64(id));
	err = xs_etcd_call(e, "/v3/lease/revoke", req, &rep);
	json_object_put(rep);
	return err;
}

int xs_etcd_put(struct xs_etcd *e, const char *key, const void *val, size_t vlen, int64_t lease)
{
	json_object *req = json_object_new_object(), *rep;
	int err;

	set_b64(req, "key", key, strlen(key));
	set_b64(req, "value", val, vlen);
	if (lease)
		json_object_object_add(req, "lease", json_object_new_int64(lease));
	err = xs_etcd_call(e, "/v3/kv/put", req, &rep);
	json_object_put(rep);
	return err;
}

int xs_etcd_delete(struct xs_etcd *e, const char *key, bool prefix)
{
	json_object *req = json_object_new_object(), *rep;
	char end[512];
	int n, err;

	set_b64(req, "key", key, strlen(key));
	if (prefix) {
		n = prefix_end(key, end, sizeof(end));
		if (n < 0) {
			json_object_put(req);
			xs_etcd_seterr(e, "etcd: bad key prefix '%s'", key);
			return n;
		}
		set_b64(req, "range_end", end, n);
	}
	err = xs_etcd_call(e, "/v3/kv/deleterange", req, &rep);
	json_object_put(rep);
	return err;
}

/* One {"key", "value"} of a reply, decoded; the callback's return. */
static int kv_decode(json_object *kv, char **k, long *kl, char **v, long *vl)
{
	json_object *jk, *jv;
	const char *s;

	*k = *v = NULL;
	*kl = *vl = 0;
	if (!json_object_object_get_ex(kv, "key", &jk))
		return -EPROTO;
	s = json_object_get_string(jk);
	*k = malloc(strlen(s) + 1);
	if (!*k)
		return -ENOMEM;
	*kl = xs_b64_decode(s, strlen(s), *k);
	if (*kl < 0)
		return -EPROTO;
	(*k)[*kl] = '\0';
	if (!json_object_object_get_ex(kv, "value", &jv))
		return 0;
	s = json_object_get_string(jv);
	*v = malloc(strlen(s) + 1);
	if (!*v)
		return -ENOMEM;
	*vl = xs_b64_decode(s, strlen(s), *v);
	if (*vl < 0)
		return -EPROTO;
	(*v)[*vl] = '\0';
	return 0;
}

int xs_etcd_range(struct xs_etcd *e, const char *prefix, xs_etcd_kv_fn fn, void *ctx,
		  int64_t *rev)
{
	json_object *req = json_object_new_object(), *rep, *kvs, *hdr;
	char end[512], *k, *v;
	long kl, vl;
	size_t i, n;
	int len, err;

	len = prefix_end(prefix, end, sizeof(end));
	if (len < 0) {
		json_object_put(req);
		xs_etcd_seterr(e, "etcd: bad key prefix '%s'", prefix);
		return len;
	}
	set_b64(req, "key", prefix, strlen(prefix));
	set_b64(req, "range_end", end, len);
	err = xs_etcd_call(e, "/v3/kv/range", req, &rep);
	if (err)
		return err;
	if (rev && json_object_object_get_ex(rep, "header", &hdr))
		*rev = get_i64(hdr, "revision");
	if (json_object_object_get_ex(rep, "kvs", &kvs)) {
		n = json_object_array_length(kvs);
		for (i = 0; i < n && !err; i++) {
			err = kv_decode(json_object_array_get_idx(kvs, i), &k, &kl, &v, &vl);
			if (err)
				xs_etcd_seterr(e, "etcd %s/v3/kv/range: a key or value is not base64",
				       e->eps[e->cur]);
			else
				err = fn(k, kl, v ? v : "", v ? vl : 0, ctx);
			free(k);
			free(v);
		}
	}
	json_object_put(rep);
	return err;
}

/* ---- watch ---- */

/* One line of the stream: {"result": {"header", "created"?, "events"?}} */
static int watch_message(struct xs_etcd *e, const char *line)
{
	json_object *msg = json_tokener_parse(line), *res, *evs, *ev, *kv, *t, *hdr;
	int64_t rev = 0;
	char *k, *v;
	long kl, vl;
	size_t i, n;
	int rc = 0;

	if (!msg) {
		xs_etcd_seterr(e, "etcd %s/v3/watch: a message that is not JSON", e->eps[e->cur]);
		return -EPROTO;
	}
	if (!json_object_object_get_ex(msg, "result", &res)) {
		rc = xs_etcd_reply_error(e, "/v3/watch", msg) ?: -EPROTO;
		json_object_put(msg);
		return rc;
	}
	if (json_object_object_get_ex(res, "canceled", &t) && json_object_get_boolean(t)) {
		xs_etcd_seterr(e, "etcd %s/v3/watch: canceled by the server (compacted revision %lld)",
		       e->eps[e->cur], (long long)get_i64(res, "compact_revision"));
		json_object_put(msg);
		return -ESTALE;
	}
	if (json_object_object_get_ex(res, "created", &t) && json_object_get_boolean(t) &&
	    e->wcreated)
		e->wcreated(e->wctx);
	if (json_object_object_get_ex(res, "header", &hdr))
		rev = get_i64(hdr, "revision");
	if (json_object_object_get_ex(res, "events", &evs)) {
		n = json_object_array_length(evs);
		for (i = 0; i < n && !rc; i++) {
			bool del;

			ev = json_object_array_get_idx(evs, i);
			del = json_object_object_get_ex(ev, "type", &t) &&
			      !strcmp(json_object_get_string(t), "DELETE");
			if (!json_object_object_get_ex(ev, "kv", &kv))
				continue;
			rc = kv_decode(kv, &k, &kl, &v, &vl);
			if (!rc) {
				int64_t r = get_i64(kv, "mod_revision");

				rc = e->wfn(k, kl, del ? NULL : (v ? v : ""), del ? 0 : vl,
					    r ? r : rev, e->wctx);
			}
			free(k);
			free(v);
		}
	}
	json_object_put(msg);
	return rc;
}

static size_t on_watch(char *p, size_t sz, size_t nm, void *ud)
{
	struct xs_etcd *e = ud;
	size_t n = sz * nm, got = xs_etcd_on_body(p, sz, nm, ud);
	char *nl;

	if (got != n)
		return got;
	/* complete lines out, the partial rest kept */
	while ((nl = memchr(e->buf, '\n', e->len))) {
		*nl = '\0';
		if (nl > e->buf) {
			e->wrc = watch_message(e, e->buf);
			if (e->wrc)
				return 0;
		}
		e->len -= (size_t)(nl + 1 - e->buf);
		memmove(e->buf, nl + 1, e->len);
		e->buf[e->len] = '\0';
	}
	return n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct xs_etcd *e = ud;

	(void)dt; (void)dn; (void)ut; (void)un;
	return e->wstop && *e->wstop;
}

int xs_etcd_watch(struct xs_etcd *e, const char *prefix, int64_t start_rev,
		  xs_etcd_watch_fn fn, void *ctx, const volatile bool *stop,
		  void (*created)(void *ctx))
{
	json_object *req = json_object_new_object(), *cr = json_object_new_object();
	struct curl_slist *h;
	char end[512];
	CURLcode rc = CURLE_OK;
	int len, err;

	len = prefix_end(prefix, end, sizeof(end));
	if (len < 0) {
		json_object_put(req);
		json_object_put(cr);
		xs_etcd_seterr(e, "etcd: bad key prefix '%s'", prefix);
		return len;
	}
	set_b64(cr, "key", prefix, strlen(prefix));
	set_b64(cr, "range_end", end, len);
	if (start_rev > 0)
		json_object_object_add(cr, "start_revision", json_object_new_int64(start_rev));
	json_object_object_add(req, "create_request", cr);

	e->wfn = fn;
	e->wctx = ctx;
	e->wstop = stop;
	e->wcreated = created;
	/* an endpoint that cannot be reached: the next one */
	for (int tries = 0; tries < e->neps; tries++) {
		e->wrc = 0;
		h = xs_etcd_setup(e, "/v3/watch",
			  json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN), 0);
		curl_easy_setopt(e->c, CURLOPT_WRITEFUNCTION, on_watch);
		curl_easy_setopt(e->c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(e->c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e->c, CURLOPT_XFERINFODATA, e);
		rc = curl_easy_perform(e->c);
		curl_slist_free_all(h);
		if (rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST &&
		    !(rc == CURLE_OPERATION_TIMEDOUT && !e->len))
			break;
		if (tries + 1 < e->neps)
			e->cur = (e->cur + 1) % e->neps;
	}
	json_object_put(req);
	e->wfn = NULL;
	e->wstop = NULL;
	e->wcreated = NULL;
	if (e->wrc)
		return e->wrc;
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		return 0;	/* *stop */
	err = rc == CURLE_OK ? -ECONNRESET : xs_etcd_curl_errno(rc);
	xs_etcd_seterr(e, "etcd %s/v3/watch: %s", e->eps[e->cur],
	       rc == CURLE_OK ? "the stream ended" : curl_easy_strerror(rc));
	if (rc != CURLE_OK)
		e->cur = (e->cur + 1) % e->neps;
	return err;
}

