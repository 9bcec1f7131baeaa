/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control socket: a root-only unix stream socket per tenant. A client
 * sends one JSON request line ({"cmd": "flows", ...}); the daemon answers
 * with one JSON document and closes.
 */
#ifndef XS_CTLSOCK_H
#define XS_CTLSOCK_H

#include <json-c/json.h>

/* Server side: bind and listen (mode 0600, directory 0700). */
int xs_ctl_listen(const char *path);
/* Accept one client; returns the request, or NULL (bad request: answered). */
json_object *xs_ctl_accept(int lfd, int *cfd);
void xs_ctl_reply(int cfd, json_object *reply);

/* Client side: one request, one reply (NULL on error, reported). */
json_object *xs_ctl_call(const char *path, json_object *req);

#endif
