// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The loader: xsteer's XDP program onto an interface with libxdp, its maps
 * pinned, the fast path chosen; used by 'xsteer attach' and the daemon.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "xdp/xs_shared.h"
#include "xsteer.skel.h"
#include "lib/config.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/netdev.h"
#include "lib/out.h"
#include "lib/pin.h"

/* Can the uplink take XDP_REDIRECT frames? Decides the fast path. */
static bool uplink_takes_redirect(const char *uplink, int ifindex)
{
	uint64_t feat = 0;
	char drv[32] = "?";
	int err;

	err = xs_netdev_xdp_features(ifindex, &feat);
	if (!err && (feat & XS_XDP_ACT_NDO_XMIT))
		return true;
	xs_netdev_driver(uplink, drv, sizeof(drv));
	if (err)
		pr_warn("cannot read XDP features of '%s' (%s); fast path uses the kernel's forwarding\n",
			uplink, strerror(-err));
	else
		pr_warn("uplink '%s' (driver %s) cannot take XDP redirects%s; "
			"fast path uses the kernel's forwarding (XDP_PASS)\n", uplink, drv,
			!strcmp(drv, "veth") ? " until its peer has GRO or an XDP program" : "");
	return false;
}

/* xsteer's program among those on the interface, or NULL. */
static struct xdp_program *find_ours(struct xdp_multiprog *mp)
{
	struct xdp_program *p;

	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		return p && !strcmp(xdp_program__name(p), XS_PROG_NAME) ? p : NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
		if (!strcmp(xdp_program__name(p), XS_PROG_NAME))
			return p;
	return NULL;
}

/*
 * The kernel adds BPF_F_RDONLY_PROG to a devmap's flags, which libbpf before
 * 1.2 then takes for a mismatch when it reuses the pin (attach after detach
 * --keep-maps failed with EINVAL): such a pin is reused here, as it is.
 */
static int reuse_devmap(struct bpf_map *m, const char *path)
{
	int fd, err;

	if (bpf_map__type(m) != BPF_MAP_TYPE_DEVMAP_HASH && bpf_map__type(m) != BPF_MAP_TYPE_DEVMAP)
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	err = bpf_map__reuse_fd(m, fd);
	close(fd);
	return err;
}

int xs_loader_pin_paths(struct bpf_object *obj, const char *dir)
{
	char path[PATH_MAX];
	struct bpf_map *m;
	int err;

	bpf_object__for_each_map(m, obj) {
		err = xs_pin_path(dir, bpf_map__name(m), path, sizeof(path));
		err = err ?: reuse_devmap(m, path);
		err = err ?: bpf_map__set_pin_path(m, path);
		if (err)
			return err;
	}
	return 0;
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = 0;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/*
 * What the fast path's admission needs from the kernel (xs_admit.bpf.h):
 * the device's MAC, and its rp_filter (the larger of all and the device,
 * as the kernel takes it). Read at attach, and again by a running daemon
 * whenever its netlink watch sees a change (a link's address, netconf).
 */
void xs_admit_config(const char *dev, struct xs_config *cfg)
{
	char path[128];
	int rpf, all;

	cfg->flags &= ~(XS_CFG_F_RPF_STRICT | XS_CFG_F_RPF_LOOSE);
	if (xs_netdev_mac(dev, cfg->dev_mac))
		memset(cfg->dev_mac, 0, sizeof(cfg->dev_mac));	/* not checked */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	rpf = read_int(path);
	all = read_int("/proc/sys/net/ipv4/conf/all/rp_filter");
	if (all > rpf)
		rpf = all;
	cfg->flags |= rpf == 1 ? XS_CFG_F_RPF_STRICT : rpf == 2 ? XS_CFG_F_RPF_LOOSE : 0;
}

/* The fast path: redirect (to the uplink, through the devmap) or the kernel's forwarding. */
static int setup_fastpath(struct xs_attach_req *r, struct xsteer_bpf *skel, struct xs_config *cfg)
{
	struct xs_config old;
	int err, zero = 0;

	if (r->fastpath == XS_FASTPATH_REDIRECT ||
	    (r->fastpath == XS_FASTPATH_AUTO && r->uplink &&
	     uplink_takes_redirect(r->uplink, r->up_ifindex)))
		cfg->flags |= XS_CFG_F_REDIRECT;
	xs_admit_config(r->dev, cfg);
	if (r->up_ifindex) {
		__u32 key = r->up_ifindex, val = r->up_ifindex;

		err = bpf_map_update_elem(bpf_map__fd(skel->maps.xs_tx_ports), &key, &val, 0);
		if (err) {
			err = -errno;
			xs_error("cannot add uplink '%s' to the fast path: %s", r->uplink,
				 strerror(-err));
			return err;
		}
	}
	/*
	 * Flows of the pinned table cached next hops under the previous
	 * attachment (another uplink, other settings): a new generation.
	 */
	if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_config), &zero, &old))
		cfg->fib_gen = old.fib_gen + 1;
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.xs_config), &zero, cfg, 0);
	if (err) {
		err = -errno;
		xs_error("cannot write the config map: %s", strerror(-err));
	}
	return err;
}

int xs_sketch_seed_draw(uint64_t *seed)
{
	ssize_t n;

	/* waits only while the kernel's pool is not yet initialised */
	do
		n = getrandom(seed, sizeof(*seed), 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*seed))
		return 0;
	return n < 0 ? -errno : -EIO;
}

int xs_sketch_seed_read(int rodata_fd, uint64_t *seed)
{
	struct xsteer_bpf__rodata ro;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0;
	char buf[256];

	if (bpf_obj_get_info_by_fd(rodata_fd, &info, &len))
		return -errno;
	if (info.value_size < sizeof(ro) || info.value_size > sizeof(buf))
		return -EINVAL;		/* another version's .rodata */
	if (bpf_map_lookup_elem(rodata_fd, &zero, buf))
		return -errno;
	memcpy(&ro, buf, sizeof(ro));
	*seed = ro.xs_sketch_seed;
	return 0;
}

bool xs_attached(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	bool ours;

	if (libxdp_get_error(mp) || !mp)
		return false;
	ours = find_ours(mp) != NULL;
	xdp_multiprog__close(mp);
	return ours;
}

int xs_attach(struct xs_attach_req *r)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .prog_name = XS_PROG_NAME);
	struct xs_config cfg = {};
	struct xdp_program *prog = NULL;
	struct xsteer_bpf *skel;
	uint64_t seed;
	char errbuf[128];
	int err;

	if (xs_attached(r->ifindex)) {
		xs_error("attach: xsteer is already attached to '%s'; detach it first", r->dev);
		return -EEXIST;
	}
	err = xs_pin_dir_prepare(r->dir);
	if (err)
		return err;

	skel = xsteer_bpf__open();
	if (!skel) {
		err = -errno;
		xs_error("cannot open the XDP object: %s", strerror(-err));
		return err;
	}
	/*
	 * A .rodata pinned by an earlier load is reused with its seed (the
	 * pinned sketch was filled with it); this one is used otherwise.
	 */
	err = xs_sketch_seed_draw(&seed);
	if (err) {
		xs_error("cannot draw the sketch's hash seed: %s", strerror(-err));
		goto out_skel;
	}
	skel->rodata->xs_sketch_seed = seed;
	err = bpf_map__set_max_entries(skel->maps.xs_flows, r->flow_size);
	err = err ?: bpf_map__set_max_entries(skel->maps.xs_steer, r->steer_size);
	err = err ?: xs_loader_pin_paths(skel->obj, r->dir);
	if (err) {
		xs_error("cannot set up maps: %s", strerror(-err));
		goto out_skel;
	}

	xopts.obj = skel->obj;
	prog = xdp_program__create(&xopts);
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		libxdp_strerror(err, errbuf, sizeof(errbuf));
		xs_error("cannot create the XDP program: %s", errbuf);
		goto out_skel;
	}

	err = xdp_program__attach(prog, r->ifindex,
				  r->mode == 0 ? XDP_MODE_NATIVE : XDP_MODE_SKB, 0);
	if (err) {
		libxdp_strerror(err, errbuf, sizeof(errbuf));
		xs_error("cannot attach XDP to '%s' in %s mode: %s%s", r->dev,
			 xs_xdp_mode_names[r->mode], errbuf,
			 err == -EOPNOTSUPP && r->mode == 0 ?
			 " (driver has no native XDP; try --mode skb)" :
			 err == -EINVAL || err == -EEXIST ?
			 " (pinned maps from another version or table size? detach, "
			 "or remove them, or give the same sizes)" : "");
		goto out_prog;
	}

	err = setup_fastpath(r, skel, &cfg);
	if (err)
		goto out_detach;
	r->prog_id = xdp_program__id(prog);
	r->redirect = cfg.flags & XS_CFG_F_REDIRECT;
	err = 0;
	goto out_prog;

out_detach:
	xdp_program__detach(prog, r->ifindex, r->mode == 0 ? XDP_MODE_NATIVE : XDP_MODE_SKB, 0);
out_prog:
	xdp_program__close(prog);
out_skel:
	xsteer_bpf__destroy(skel);
	return err;
}

int xs_detach(const char *dev, int ifindex)
{
	struct xdp_program *ours;
	struct xdp_multiprog *mp;
	char errbuf[128];
	int err;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err || !mp) {
		xs_error("detach: no XDP program on '%s'", dev);
		return -ENOENT;
	}
	ours = find_ours(mp);
	if (!ours) {
		xs_error("detach: the XDP program on '%s' is not xsteer's; leaving it", dev);
		err = -ENOENT;
		goto out;
	}
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(ours, ifindex, xdp_multiprog__attach_mode(mp), 0);
	if (err) {
		libxdp_strerror(err, errbuf, sizeof(errbuf));
		xs_error("cannot detach XDP from '%s': %s", dev, errbuf);
	}
out:
	xdp_multiprog__close(mp);
	return err;
}
