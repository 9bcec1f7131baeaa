/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One daemon per tenant: an flock on a file under /run/xsteer, held for the
 * daemon's life and holding its PID. The kernel drops the lock when the
 * holder dies, so a file left by a crashed daemon blocks nobody.
 */
#ifndef XS_LOCK_H
#define XS_LOCK_H

#include <stddef.h>

#define XS_RUN_DIR "/run/xsteer"

/*
 * Take the lock at path (its directory is made 0700 if missing): the fd,
 * -EBUSY when another process holds it (reported, naming its PID), or
 * -errno (reported).
 */
int xs_lock_take(const char *path, const char *what);
/* Remove the file and drop the lock (fd < 0: nothing). */
void xs_lock_release(const char *path, int fd);

#endif
