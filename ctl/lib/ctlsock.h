/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control socket: a root-only unix stream socket per tenant. A client
 * sends one JSON request line ({"cmd": "flows", ...}); the daemon answers
 * with one JSON document and a newline, and closes.
 */
#ifndef XS_CTLSOCK_H
#define XS_CTLSOCK_H

#include <stddef.h>
#include <json-c/json.h>

/* {"error": "..."}: every error reply of the control protocol. */
json_object *xs_ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define XS_CTL_CLIENTS_MAX	128	/* connections at once; more are refused */
#define XS_CTL_REQ_MAX		16384	/* bytes of one request line */
#define XS_CTL_IDLE_MS		5000	/* a client silent this long is dropped */

/* Bind and listen (mode 0600, directory 0700); the fd, or -errno (reported). */
int xs_ctl_listen(const char *path);

/*
 * The daemon's side: a server that never blocks. The handler gets one
 * request line (NUL-terminated, len bytes) from a root client and returns
 * the reply, which the server owns from then on.
 */
typedef json_object *(*xs_ctl_handler)(void *ctx, const char *req, size_t len);
struct xs_ctl_server;

int xs_ctl_server__create(struct xs_ctl_server **s, const char *path, xs_ctl_handler handler,
			  void *ctx);
/* An epoll fd, readable when something waits: poll it with the others. */
int xs_ctl_server_fd(const struct xs_ctl_server *s);
/* Accept, read, answer, write as far as possible now; drop idle clients. */
void xs_ctl_server_run(struct xs_ctl_server *s);
/* Close every client and the socket, and remove it. */
void xs_ctl_server__destroy(struct xs_ctl_server *s);

/* Client side: one request, one reply (NULL on error, reported). */
json_object *xs_ctl_call(const char *path, json_object *req);

#endif
