// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon/lock.h"
#include "lib/out.h"

static void holder_pid(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0] || strspn(buf, "0123456789") != strlen(buf))
		snprintf(buf, len, "unknown");
}

int xs_lock_take(const char *path, const char *what)
{
	char dir[PATH_MAX], pid[32], *slash;
	struct stat a, b;
	int fd, err, len;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			err = -errno;
			xs_error("cannot create '%s' for the lock of %s: %s", dir, what, strerror(-err));
			return err;
		}
	}
	for (;;) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			err = -errno;
			xs_error("cannot open the lock '%s' of %s: %s", path, what, strerror(-err));
			return err;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			err = -errno;
			if (err == -EWOULDBLOCK) {
				holder_pid(fd, pid, sizeof(pid));
				xs_error("another xsteer daemon (PID %s) runs for %s: it holds '%s'; "
					 "stop it first", pid, what, path);
				err = -EBUSY;
			} else {
				xs_error("cannot lock '%s': %s", path, strerror(-err));
			}
			close(fd);
			return err;
		}
		/* the holder we raced with may have removed the file on its way out */
		if (!fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, len, 0) != len) {
		err = -errno;
		xs_error("cannot write the PID into the lock '%s': %s", path, strerror(-err));
		xs_lock_release(path, fd);
		return err;
	}
	return fd;
}

void xs_lock_release(const char *path, int fd)
{
	if (fd < 0)
		return;
	unlink(path);		/* still holding it: nobody can have taken it */
	close(fd);
}
