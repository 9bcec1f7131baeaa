// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "lib/ctlsock.h"
#include "lib/log.h"
#include "lib/out.h"

#define XS_CTL_REQ_MAX 4096

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
		xs_error("control socket path '%s' is too long", path);
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
	unlink(path);
	old_mask = umask(077);	/* no window where others could connect */
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ? -errno : 0;
	umask(old_mask);	/* the metrics file must stay readable */
	if (err) {
		xs_error("cannot listen on '%s': %s", path, strerror(-err));
		close(fd);
		return err;
	}
	chmod(path, 0600);
	return fd;
}

static void reply_error(int cfd, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	xs_ctl_reply(cfd, o);
	json_object_put(o);
}

json_object *xs_ctl_accept(int lfd, int *cfd)
{
	char buf[XS_CTL_REQ_MAX];
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct pollfd pfd;
	json_object *req;
	size_t len = 0;
	ssize_t n;
	int fd;

	*cfd = -1;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return NULL;
	*cfd = fd;
	/* root only, even if the file mode were loosened */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
		reply_error(fd, "permission denied: the control socket is root-only");
		return NULL;
	}
	/* one line, within 200 ms: a stuck client must not stall the controller */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < sizeof(buf) - 1 && poll(&pfd, 1, 200) == 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (memchr(buf, '\n', len))
			break;
	}
	buf[len] = '\0';
	req = json_tokener_parse(buf);
	if (!req || !json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		reply_error(fd, "bad request: expected one JSON object");
		return NULL;
	}
	return req;
}

void xs_ctl_reply(int cfd, json_object *reply)
{
	const char *s = json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	struct timeval tv = { .tv_sec = 1 };
	size_t len = strlen(s), off = 0;
	ssize_t n;

	setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (off < len) {
		n = write(cfd, s + off, len - off);
		if (n <= 0)
			return;
		off += n;
	}
	if (write(cfd, "\n", 1) < 0)
		return;
}

json_object *xs_ctl_call(const char *path, json_object *req)
{
	struct sockaddr_un sa;
	struct timeval tv = { .tv_sec = 5 };
	size_t cap = 65536, len = 0;
	char *buf = NULL, *tmp;
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
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (write(fd, s, strlen(s)) < 0 || write(fd, "\n", 1) < 0) {
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
