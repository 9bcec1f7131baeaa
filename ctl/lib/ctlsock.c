// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The control socket. The server never blocks: every socket is
 * non-blocking, one epoll set holds the listener and the clients, and each
 * client has its own buffers, a bounded request size and an idle timeout.
 * The daemon's main loop polls the epoll fd with its other fds and calls
 * xs_ctl_server_run(), which does what can be done now and returns, so no
 * client (silent, trickling, not reading its reply) delays a scan.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "lib/ctlsock.h"
#include "lib/log.h"
#include "lib/out.h"

#define LISTENER	UINT64_MAX	/* epoll data of the listening socket */

struct client {
	int fd;				/* -1: free slot */
	bool root;
	bool replying;			/* the request is in; out[] goes out */
	char *in;			/* the request line, up to XS_CTL_REQ_MAX */
	size_t in_len;
	char *out;			/* the reply, newline included */
	size_t out_len, out_off;
	uint64_t last_ms;		/* last progress (bytes in or out) */
};

struct xs_ctl_server {
	int lfd, epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	xs_ctl_handler handler;
	void *ctx;
	unsigned int nclients;
	struct client c[XS_CTL_CLIENTS_MAX];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int xs_ctl_listen(const char *path)
{
	char dir[PATH_MAX], *slash;
	struct sockaddr_un sa;
	mode_t old_mask;
	int fd, err;

	if (fill_addr(&sa, path)) {
		xs_error("control socket path '%s' is too long (at most %zu characters)", path,
			 sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			err = -errno;
			xs_error("cannot create '%s' for the control socket: %s", dir, strerror(-err));
			return err;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* a stale socket from a crashed daemon: only if nobody answers on it */
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		xs_error("another xsteer daemon answers on '%s'", path);
		return -EADDRINUSE;
	}
	if (unlink(path) && errno != ENOENT)
		pr_warn("cannot remove the stale socket '%s': %s\n", path, strerror(errno));
	old_mask = umask(077);	/* no window where others could connect */
	/* the whole crowd of allowed clients fits in the backlog */
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	      listen(fd, XS_CTL_CLIENTS_MAX) ? -errno : 0;
	umask(old_mask);	/* the metrics file must stay readable */
	if (err) {
		xs_error("cannot listen on '%s': %s", path, strerror(-err));
		close(fd);
		return err;
	}
	chmod(path, 0600);
	return fd;
}

int xs_ctl_server__create(struct xs_ctl_server **out, const char *path, xs_ctl_handler handler,
			  void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = LISTENER };
	struct xs_ctl_server *s;
	unsigned int i;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < XS_CTL_CLIENTS_MAX; i++)
		s->c[i].fd = -1;
	s->handler = handler;
	s->ctx = ctx;
	s->epfd = -1;
	s->lfd = xs_ctl_listen(path);
	if (s->lfd < 0) {
		err = s->lfd;
		free(s);
		return err;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev)) {
		err = -errno;
		xs_error("cannot set up the control socket's epoll set: %s", strerror(-err));
		xs_ctl_server__destroy(s);
		return err;
	}
	*out = s;
	return 0;
}

int xs_ctl_server_fd(const struct xs_ctl_server *s)
{
	return s ? s->epfd : -1;
}

static void client_close(struct xs_ctl_server *s, struct client *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);		/* also leaves the epoll set */
	free(c->in);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	s->nclients--;
}

/* Best effort, never blocking: a line to a client we are about to drop. */
static void say(int fd, const char *msg)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "{\"error\":\"%s\"}\n", msg);

	if (send(fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return;
}

/* Write what the socket takes now; true once the whole reply is out. */
static bool client_flush(struct client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n <= 0) {
			c->out_off = c->out_len;	/* gone: nothing more to send */
			return true;
		}
		c->out_off += n;
		c->last_ms = now_ms();
	}
	return true;
}

/* The request is complete (or refused): build the reply, start sending it. */
static void client_reply(struct xs_ctl_server *s, struct client *c, json_object *rep)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = c - s->c };
	const char *str;
	size_t len;

	str = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(str);
	c->out = malloc(len + 1);
	if (c->out) {
		memcpy(c->out, str, len);
		c->out[len] = '\n';	/* one buffer, so one write for most replies */
		c->out_len = len + 1;
	}
	json_object_put(rep);
	c->replying = true;
	if (client_flush(c) || epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev))
		client_close(s, c);
}

json_object *xs_ctl_error(const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static void client_request(struct xs_ctl_server *s, struct client *c, size_t len)
{
	json_object *rep;

	if (!c->root)
		rep = xs_ctl_error("permission denied: the control socket is root-only");
	else
		rep = s->handler(s->ctx, c->in, len);
	client_reply(s, c, rep);
}

static void client_read(struct xs_ctl_server *s, struct client *c)
{
	char *nl, *tmp;
	ssize_t n;

	for (;;) {
		if (!c->in || c->in_len == XS_CTL_REQ_MAX) {
			if (c->in) {
				client_reply(s, c, xs_ctl_error("bad request: too long (no newline "
							       "within %d bytes)", XS_CTL_REQ_MAX));
				return;
			}
			tmp = malloc(XS_CTL_REQ_MAX + 1);
			if (!tmp) {
				client_close(s, c);
				return;
			}
			c->in = tmp;
		}
		n = recv(c->fd, c->in + c->in_len, XS_CTL_REQ_MAX - c->in_len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 || (n == 0 && !c->in_len)) {
			client_close(s, c);	/* gone before a request */
			return;
		}
		if (n == 0) {
			/* the client shut down its side: what came is the request */
			c->in[c->in_len] = '\0';
			client_request(s, c, c->in_len);
			return;
		}
		c->last_ms = now_ms();
		nl = memchr(c->in + c->in_len, '\n', n);
		c->in_len += n;
		if (nl) {
			*nl = '\0';
			client_request(s, c, nl - c->in);
			return;
		}
	}
}

static void accept_all(struct xs_ctl_server *s)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t clen;
	unsigned int i;
	int fd;

	for (;;) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pr_warn("control socket: accept: %s\n", strerror(errno));
			return;
		}
		if (s->nclients == XS_CTL_CLIENTS_MAX) {
			char msg[128];

			snprintf(msg, sizeof(msg), "too many control connections (at most %d): "
				 "try again later", XS_CTL_CLIENTS_MAX);
			say(fd, msg);
			close(fd);
			continue;
		}
		for (i = 0; s->c[i].fd >= 0; i++)
			;
		clen = sizeof(cred);
		s->c[i].fd = fd;
		/* root only, even if the file mode were loosened; answered once it asks */
		s->c[i].root = !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) &&
			       cred.uid == 0;
		s->c[i].last_ms = now_ms();
		s->nclients++;
		ev.data.u64 = i;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev))
			client_close(s, &s->c[i]);
	}
}

/* A client that made no progress for XS_CTL_IDLE_MS is dropped. */
static void expire(struct xs_ctl_server *s)
{
	uint64_t now = now_ms();
	unsigned int i;

	for (i = 0; i < XS_CTL_CLIENTS_MAX && s->nclients; i++) {
		struct client *c = &s->c[i];

		if (c->fd < 0 || now - c->last_ms < XS_CTL_IDLE_MS)
			continue;
		if (!c->replying) {
			char msg[128];

			snprintf(msg, sizeof(msg), "timeout: no complete request within %d ms",
				 XS_CTL_IDLE_MS);
			say(c->fd, msg);
		}
		client_close(s, c);
	}
}

void xs_ctl_server_run(struct xs_ctl_server *s)
{
	struct epoll_event ev[32];
	int n, i;

	if (!s)
		return;
	while ((n = epoll_wait(s->epfd, ev, 32, 0)) > 0) {
		for (i = 0; i < n; i++) {
			struct client *c;

			if (ev[i].data.u64 == LISTENER) {
				accept_all(s);
				continue;
			}
			c = &s->c[ev[i].data.u64];
			if (c->fd < 0)
				continue;	/* closed earlier in this batch */
			if (c->replying) {
				if (client_flush(c))
					client_close(s, c);
			} else {
				client_read(s, c);
			}
		}
		if (n < 32)
			break;
	}
	expire(s);
}

void xs_ctl_server__destroy(struct xs_ctl_server *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < XS_CTL_CLIENTS_MAX; i++)
		client_close(s, &s->c[i]);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->lfd >= 0) {
		close(s->lfd);
		unlink(s->path);
	}
	free(s);
}

json_object *xs_ctl_call(const char *path, json_object *req)
{
	struct sockaddr_un sa;
	struct timeval tv = { .tv_sec = 5 };
	size_t cap = 65536, len = 0, slen;
	char *buf = NULL, *tmp, *line;
	const char *s;
	json_object *rep = NULL;
	ssize_t n;
	int fd;

	if (fill_addr(&sa, path)) {
		xs_error("control socket path '%s' is too long", path);
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		xs_error("cannot reach the xsteer daemon at '%s': %s%s", path, strerror(errno),
			 errno == ENOENT || errno == ECONNREFUSED ?
			 " (is 'xsteer run' running for this tenant?)" : "");
		close(fd);
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	slen = strlen(s);
	line = malloc(slen + 1);
	if (!line)
		goto out;
	memcpy(line, s, slen);
	line[slen] = '\n';
	/*
	 * One write, no SIGPIPE: a daemon that refuses us (not root, too many
	 * clients) may close before reading; its answer is still ours to read.
	 */
	n = send(fd, line, slen + 1, MSG_NOSIGNAL);
	free(line);
	if (n < 0 && errno != EPIPE && errno != ECONNRESET) {
		xs_error("cannot send to the xsteer daemon: %s", strerror(errno));
		goto out;
	}
	buf = malloc(cap);
	while (buf) {
		if (len + 1 >= cap) {
			tmp = realloc(buf, cap * 2);
			if (!tmp)
				break;
			buf = tmp;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	if (!buf)
		goto out;
	buf[len] = '\0';
	rep = json_tokener_parse(buf);
	if (!rep)
		xs_error("the xsteer daemon sent no answer (timeout or crash)");
out:
	free(buf);
	close(fd);
	return rep;
}
