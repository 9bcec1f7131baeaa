/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the etcd client: the state of one client, and the transport
 * (etcd_http.c: libcurl, endpoints, the token, TLS) that the v3 calls
 * (etcd.c: KV, leases, watch, their JSON) are made over. Only the two
 * files include this; everyone else sees fleet/etcd.h.
 */
#ifndef XS_ETCD_HTTP_H
#define XS_ETCD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include "fleet/etcd.h"

#define XS_ETCD_EP_MAX	8
#define XS_ETCD_BODY_MAX (16u << 20)	/* a reply larger than this is refused */

struct xs_etcd {
	CURL *c;
	char *eps[XS_ETCD_EP_MAX];
	int neps, cur;
	char *user, *password, *cert, *key, *ca;
	long timeout_ms, connect_ms;
	char token[512];
	char err[512];
	/* the reply being read */
	char *buf;
	size_t len, cap;
	bool too_big;
	/* watch */
	xs_etcd_watch_fn wfn;
	void (*wcreated)(void *ctx);
	void *wctx;
	const volatile bool *wstop;
	int wrc;
};

/* e's error, as xs_etcd_error() returns it */
void __attribute__((format(printf, 2, 3))) xs_etcd_seterr(struct xs_etcd *e, const char *fmt,
							   ...);
/* libcurl's write callback: the reply into e->buf (at most XS_ETCD_BODY_MAX) */
size_t xs_etcd_on_body(char *p, size_t sz, size_t nm, void *ud);
int xs_etcd_curl_errno(CURLcode rc);
/* e's handle reset for one POST of body to the current endpoint's path; the headers to free */
struct curl_slist *xs_etcd_setup(struct xs_etcd *e, const char *path, const char *body,
				  long timeout_ms);
/* A gRPC error in a reply: -errno and the message; 0 if none. */
int xs_etcd_reply_error(struct xs_etcd *e, const char *call, json_object *rep);
/*
 * One unary call (req is consumed): the endpoints in turn, an expired token
 * renewed once; *rep the reply (the caller puts it) or NULL on an error.
 */
int xs_etcd_call(struct xs_etcd *e, const char *path, json_object *req, json_object **rep);

#endif
