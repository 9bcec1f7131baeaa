// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a configuration file: only a regular file of bounded size, read
 * whole before it is parsed (ctl/lib/config.c parses the buffer).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "lib/config.h"

/* What a path names, for "not a regular file". */
static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO" :
	       S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/*
 * The whole file into memory, refused unless it is a regular file of at
 * most XS_CFG_SIZE_MAX bytes: /dev/zero, a FIFO or a huge file must not
 * hang the daemon or grow it without bound (lines are then bounded too).
 */
static int read_file(const char *file, char **out, size_t *outlen, char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	char *buf;
	int fd, ret = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", file, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", file, strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (%s): a configuration is a file "
			 "of at most %d bytes", file, file_kind(st.st_mode), XS_CFG_SIZE_MAX);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size > XS_CFG_SIZE_MAX) {
		snprintf(err, errlen, "%s: too large (%lld bytes): a configuration has at most %d",
			 file, (long long)st.st_size, XS_CFG_SIZE_MAX);
		ret = -EFBIG;
		goto out;
	}
	buf = malloc(XS_CFG_SIZE_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", file);
		ret = -ENOMEM;
		goto out;
	}
	/* it may grow while we read: one byte past the limit tells */
	while (len <= XS_CFG_SIZE_MAX &&
	       ((n = read(fd, buf + len, XS_CFG_SIZE_MAX + 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? n : 0;
	if (n < 0 || len > XS_CFG_SIZE_MAX) {
		ret = n < 0 ? -errno : -EFBIG;
		if (n < 0)
			snprintf(err, errlen, "%s: cannot read: %s", file, strerror(-ret));
		else
			snprintf(err, errlen, "%s: too large (grew past %d bytes while read)", file,
				 XS_CFG_SIZE_MAX);
		free(buf);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
out:
	close(fd);
	return ret;
}

int xs_cfg_load(struct xs_cfg *c, const char *file, char *err, size_t errlen)
{
	char tmp[8], *buf = NULL;
	size_t len = 0;
	int ret;

	if (!err || !errlen) {
		err = tmp;
		errlen = sizeof(tmp);
	}
	err[0] = '\0';
	ret = read_file(file, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = xs_cfg_load_buf(c, file, buf, len, err, errlen);
	free(buf);
	return ret;
}
