// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdp/xs_shared.h"
#include "xsteer.skel.h"
#include "lib/out.h"
#include "lib/pin.h"


int xs_pin_dir(const char *opt, const char *dev, char *dir, size_t len)
{
	int n;

	if (opt)
		n = snprintf(dir, len, "%s", opt);
	else if (dev)
		n = snprintf(dir, len, "%s/%s", XS_PIN_ROOT, dev);
	else {
		xs_error("give --dev or --pin-dir to find the pinned maps");
		return -EINVAL;
	}
	/* room for "/<map name>" below it */
	if (n < 0 || (size_t)n + 32 >= len) {
		xs_error("pin directory '%s' is too long", opt ? opt : dev);
		return -ENAMETOOLONG;
	}
	return 0;
}

int xs_pin_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);
	char *p;

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	/* bpffs refuses '.' in names (EPERM): libbpf's "xsteer_b.rodata" */
	for (p = buf + strlen(dir) + 1; *p; p++)
		if (*p == '.')
			*p = '_';
	return 0;
}

/* made: the first (topmost) directory this call created, "" if none */
static int mkdir_p(const char *dir, char *made, size_t len)
{
	char tmp[PATH_MAX];
	size_t i, n;

	n = snprintf(tmp, sizeof(tmp), "%s", dir);
	if (n >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (i = 1; i <= n; i++) {
		if ((tmp[i] != '/' && tmp[i] != '\0') || tmp[i - 1] == '/')
			continue;
		tmp[i] = '\0';
		if (!mkdir(tmp, 0700)) {
			if (made && len && !made[0])
				snprintf(made, len, "%s", tmp);
		} else if (errno != EEXIST) {
			return -errno;
		}
		if (i < n)
			tmp[i] = '/';
	}
	return 0;
}

int xs_pin_dir_prepare(const char *dir)
{
	return xs_pin_dir_create(dir, NULL, 0);
}

void xs_pin_dir_unmake(const char *dir, const char *made)
{
	char tmp[PATH_MAX], *slash;
	size_t top = strlen(made);

	if (!made[0] || strncmp(dir, made, top))
		return;
	snprintf(tmp, sizeof(tmp), "%s", dir);
	/* deepest first; rmdir leaves any that holds something (pins) */
	while (strlen(tmp) >= top) {
		if (rmdir(tmp) && errno != ENOENT)
			return;
		slash = strrchr(tmp, '/');
		if (!slash || slash == tmp)
			return;
		*slash = '\0';
	}
}

int xs_pin_dir_create(const char *dir, char *made, size_t len)
{
	char probe[PATH_MAX];
	struct statfs st;
	char *slash;
	int err;

	/* walk up to the nearest existing ancestor and look at its fs */
	snprintf(probe, sizeof(probe), "%s", dir);
	while (statfs(probe, &st)) {
		if (errno != ENOENT || !(slash = strrchr(probe, '/')) || slash == probe) {
			xs_error("cannot use pin directory '%s': %s", dir, strerror(errno));
			return -errno;
		}
		*slash = '\0';
	}
	if (st.f_type != BPF_FS_MAGIC) {
		xs_error("pin directory '%s' is not on a bpf filesystem (mount one: "
			 "mount -t bpf bpf /sys/fs/bpf)", dir);
		return -EINVAL;
	}
	if (made && len)
		made[0] = '\0';
	err = mkdir_p(dir, made, len);
	if (err)
		xs_error("cannot create pin directory '%s': %s", dir, strerror(-err));
	return err;
}

int xs_pin_open_map(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (xs_pin_path(dir, name, path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fd = -errno;
		xs_error("cannot open pinned map '%s': %s%s", path, strerror(-fd),
			 fd == -ENOENT ? " (is xsteer attached? give --pin-dir or --dev)" : "");
	}
	return fd;
}

/*
 * attach pins every map of the object; the same object names what to
 * unpin here, so a map added later cannot be left behind.
 */
int xs_pin_remove(const char *dir)
{
	struct xsteer_bpf *skel = xsteer_bpf__open();
	char path[PATH_MAX];
	struct bpf_map *m;
	int err = 0;

	if (!skel) {
		err = -errno;
		xs_error("cannot open the XDP object: %s", strerror(-err));
		return err;
	}
	bpf_object__for_each_map(m, skel->obj) {
		if (xs_pin_path(dir, bpf_map__name(m), path, sizeof(path)))
			continue;
		if (unlink(path) && errno != ENOENT && !err)
			err = -errno;
	}
	xsteer_bpf__destroy(skel);
	if (rmdir(dir) && errno != ENOENT && errno != ENOTEMPTY && !err)
		err = -errno;
	if (err)
		xs_error("cannot remove pins in '%s': %s", dir, strerror(-err));
	return err;
}
