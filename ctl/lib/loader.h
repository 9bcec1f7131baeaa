/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Attaching xsteer's XDP program (libxdp) with pinned maps, and detaching it. */
#ifndef XS_LOADER_H
#define XS_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct xs_config;

/* What attach needs; filled by 'xsteer attach' and by the daemon. */
struct xs_attach_req {
	const char *dev;
	const char *uplink;
	int ifindex;
	int up_ifindex;
	int mode;		/* XS_XDP_NATIVE or XS_XDP_SKB */
	int fastpath;		/* XS_FASTPATH_AUTO, _REDIRECT or _PASS */
	uint32_t flow_size;
	uint32_t steer_size;
	char dir[PATH_MAX];
	/* results */
	uint32_t prog_id;
	bool redirect;
};

/* Load, pin (r->dir), attach, write the config map. 0 or -errno (reported). */
int xs_attach(struct xs_attach_req *r);
/* Is xsteer's program on the interface (alone or in libxdp's dispatcher)? */
bool xs_attached(int ifindex);
/* The admission's view of the kernel: dev's MAC and rp_filter into cfg. */
void xs_admit_config(const char *dev, struct xs_config *cfg);
/* Detach xsteer's program only, never another's. 0 or -errno (reported). */
int xs_detach(const char *dev, int ifindex);
/*
 * Every map of obj pinned in dir before load: a pin already there is
 * reused (libbpf checks it matches; a devmap's is taken as it is).
 */
struct bpf_object;
int xs_loader_pin_paths(struct bpf_object *obj, const char *dir);
/*
 * The sketch's hash seed (xdp/xs_sketch.bpf.h): a random one for a load
 * (getrandom), and the one a loaded program uses, read from its .rodata
 * map (pinned as XS_MAP_RODATA). 0 or -errno.
 */
int xs_sketch_seed_draw(uint64_t *seed);
int xs_sketch_seed_read(int rodata_fd, uint64_t *seed);

#endif
