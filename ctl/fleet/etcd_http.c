// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The etcd client's transport: libcurl, the endpoints (tried in turn), the
 * auth token, TLS client certificates, timeouts, and gRPC and curl errors
 * as -errno. Each unary call is one HTTP POST of a JSON body to etcd's
 * gateway; etcd.c builds the bodies and reads the replies.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include "fleet/etcd_http.h"

void xs_etcd_seterr(struct xs_etcd *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
}

const char *xs_etcd_error(const struct xs_etcd *e)
{
	return e->err;
}

const char *xs_etcd_endpoint(const struct xs_etcd *e)
{
	return e->eps[e->cur];
}

size_t xs_etcd_on_body(char *p, size_t sz, size_t nm, void *ud)
{
	struct xs_etcd *e = ud;
	size_t n = sz * nm;

	if (e->len + n + 1 > XS_ETCD_BODY_MAX) {
		e->too_big = true;
		return 0;
	}
	if (e->len + n + 1 > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;
		char *b;

		while (cap < e->len + n + 1)
			cap *= 2;
		b = realloc(e->buf, cap);
		if (!b)
			return 0;
		e->buf = b;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
	e->buf[e->len] = '\0';
	return n;
}

/* gRPC status codes (google.golang.org/grpc/codes) as -errno */
static int grpc_errno(int code)
{
	switch (code) {
	case 3: return -EINVAL;		/* InvalidArgument */
	case 4: return -ETIMEDOUT;	/* DeadlineExceeded */
	case 5: return -ENOENT;		/* NotFound */
	case 7: return -EACCES;		/* PermissionDenied */
	case 8: return -ENOSPC;		/* ResourceExhausted */
	case 14: return -EAGAIN;	/* Unavailable */
	case 16: return -EACCES;	/* Unauthenticated */
	default: return -EIO;
	}
}

int xs_etcd_curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT: return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
	case CURLE_COULDNT_RESOLVE_HOST: return -EHOSTUNREACH;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE: return -EPROTO;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE: return -ECONNRESET;
	case CURLE_ABORTED_BY_CALLBACK: return -ECANCELED;
	case CURLE_OUT_OF_MEMORY: return -ENOMEM;
	default: return -EIO;
	}
}

struct curl_slist *xs_etcd_setup(struct xs_etcd *e, const char *path, const char *body,
				  long timeout_ms)
{
	struct curl_slist *h = NULL;
	char url[512], auth[600];

	snprintf(url, sizeof(url), "%s%s", e->eps[e->cur], path);
	curl_easy_reset(e->c);
	curl_easy_setopt(e->c, CURLOPT_URL, url);
	curl_easy_setopt(e->c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e->c, CURLOPT_CONNECTTIMEOUT_MS, e->connect_ms);
	curl_easy_setopt(e->c, CURLOPT_WRITEFUNCTION, xs_etcd_on_body);
	curl_easy_setopt(e->c, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(e->c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e->c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e->c, CURLOPT_TCP_KEEPIDLE, 2L);
	curl_easy_setopt(e->c, CURLOPT_TCP_KEEPINTVL, 1L);
	if (e->cert)
		curl_easy_setopt(e->c, CURLOPT_SSLCERT, e->cert);
	if (e->key)
		curl_easy_setopt(e->c, CURLOPT_SSLKEY, e->key);
	if (e->ca)
		curl_easy_setopt(e->c, CURLOPT_CAINFO, e->ca);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (e->token[0]) {
		snprintf(auth, sizeof(auth), "Authorization: %s", e->token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(e->c, CURLOPT_HTTPHEADER, h);
	e->len = 0;
	e->too_big = false;
	if (e->buf)
		e->buf[0] = '\0';
	return h;
}

/* A gRPC error in a reply: -errno and the message; 0 if none. */
int xs_etcd_reply_error(struct xs_etcd *e, const char *call, json_object *rep)
{
	json_object *v, *m;

	if (!json_object_object_get_ex(rep, "code", &v) &&
	    !json_object_object_get_ex(rep, "error", &m))
		return 0;
	if (!json_object_object_get_ex(rep, "message", &m) &&
	    !json_object_object_get_ex(rep, "error", &m))
		m = NULL;
	xs_etcd_seterr(e, "etcd %s%s: %s", e->eps[e->cur], call, m ? json_object_get_string(m) : "error");
	return v ? grpc_errno(json_object_get_int(v)) : -EIO;
}

static int do_call(struct xs_etcd *e, const char *path, json_object *req, json_object **rep)
{
	const char *body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	struct curl_slist *h;
	long status = 0;
	CURLcode rc = CURLE_OK;
	int err = -EIO, tries;

	*rep = NULL;
	for (tries = 0; tries < e->neps; tries++) {
		h = xs_etcd_setup(e, path, body, e->timeout_ms);
		rc = curl_easy_perform(e->c);
		curl_slist_free_all(h);
		if (rc == CURLE_OK)
			break;
		err = e->too_big ? -EMSGSIZE : xs_etcd_curl_errno(rc);
		xs_etcd_seterr(e, "etcd %s%s: %s", e->eps[e->cur], path,
		       e->too_big ? "reply too large" : curl_easy_strerror(rc));
		e->cur = (e->cur + 1) % e->neps;	/* the next endpoint, next time */
	}
	if (tries == e->neps)
		return err;
	curl_easy_getinfo(e->c, CURLINFO_RESPONSE_CODE, &status);
	*rep = e->len ? json_tokener_parse(e->buf) : NULL;
	if (!*rep) {
		xs_etcd_seterr(e, "etcd %s%s: HTTP %ld with %s", e->eps[e->cur], path, status,
		       e->len ? "a body that is not JSON" : "no body");
		return -EPROTO;
	}
	err = xs_etcd_reply_error(e, path, *rep);
	if (!err && status != 200) {
		xs_etcd_seterr(e, "etcd %s%s: HTTP %ld", e->eps[e->cur], path, status);
		err = status == 401 || status == 403 ? -EACCES : -EIO;
	}
	if (err) {
		json_object_put(*rep);
		*rep = NULL;
	}
	return err;
}

/* One call; an expired token is renewed once. */
int xs_etcd_call(struct xs_etcd *e, const char *path, json_object *req, json_object **rep)
{
	int err = do_call(e, path, req, rep);

	if (err == -EACCES && e->user && e->token[0]) {
		e->token[0] = '\0';
		err = xs_etcd_authenticate(e);
		if (!err)
			err = do_call(e, path, req, rep);
	}
	json_object_put(req);
	return err;
}

int xs_etcd_authenticate(struct xs_etcd *e)
{
	json_object *req, *rep, *v;
	int err;

	if (!e->user)
		return 0;
	e->token[0] = '\0';
	req = json_object_new_object();
	json_object_object_add(req, "name", json_object_new_string(e->user));
	json_object_object_add(req, "password", json_object_new_string(e->password ?: ""));
	err = do_call(e, "/v3/auth/authenticate", req, &rep);
	json_object_put(req);
	if (err)
		return err;
	if (!json_object_object_get_ex(rep, "token", &v) ||
	    strlen(json_object_get_string(v)) >= sizeof(e->token)) {
		xs_etcd_seterr(e, "etcd %s/v3/auth/authenticate: no usable token in the reply",
		       e->eps[e->cur]);
		json_object_put(rep);
		return -EPROTO;
	}
	snprintf(e->token, sizeof(e->token), "%s", json_object_get_string(v));
	json_object_put(rep);
	return 0;
}

/* ---- setup ---- */

static char *dup_opt(const char *s, bool *oom)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int xs_etcd__create(struct xs_etcd **ep, const struct xs_etcd_opts *o, char *err, size_t errlen)
{
	struct xs_etcd *e;
	char *list, *tok, *save = NULL;
	bool oom = false;

	*ep = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	list = strdup(o->endpoints ? o->endpoints : "");
	if (!list) {
		free(e);
		return -ENOMEM;
	}
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		size_t n = strlen(tok);

		if (strncmp(tok, "http://", 7) && strncmp(tok, "https://", 8)) {
			snprintf(err, errlen, "bad etcd endpoint '%s': expected http://HOST:PORT "
				 "or https://HOST:PORT", tok);
			goto bad;
		}
		if (e->neps == XS_ETCD_EP_MAX) {
			snprintf(err, errlen, "too many etcd endpoints: at most %d", XS_ETCD_EP_MAX);
			goto bad;
		}
		while (n && tok[n - 1] == '/')
			tok[--n] = '\0';
		e->eps[e->neps] = strdup(tok);
		if (!e->eps[e->neps++])
			oom = true;
	}
	if (!e->neps) {
		snprintf(err, errlen, "no etcd endpoint given");
		goto bad;
	}
	free(list);
	e->user = dup_opt(o->user, &oom);
	e->password = dup_opt(o->password, &oom);
	e->cert = dup_opt(o->cert_file, &oom);
	e->key = dup_opt(o->key_file, &oom);
	e->ca = dup_opt(o->ca_file, &oom);
	e->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 2000;
	e->connect_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 1000;
	e->c = curl_easy_init();
	if (oom || !e->c) {
		xs_etcd__destroy(e);
		return -ENOMEM;
	}
	*ep = e;
	return 0;
bad:
	free(list);
	xs_etcd__destroy(e);
	return -EINVAL;
}

void xs_etcd__destroy(struct xs_etcd *e)
{
	int i;

	if (!e)
		return;
	if (e->c)
		curl_easy_cleanup(e->c);
	for (i = 0; i < e->neps; i++)
		free(e->eps[i]);
	free(e->user);
	if (e->password) {
		explicit_bzero(e->password, strlen(e->password));
		free(e->password);
	}
	free(e->cert);
	free(e->key);
	free(e->ca);
	free(e->buf);
	explicit_bzero(e->token, sizeof(e->token));
	free(e);
}
