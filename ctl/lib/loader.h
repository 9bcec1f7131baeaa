/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Attaching xsteer's XDP program (libxdp) with pinned maps, and detaching it. */
#ifndef XS_LOADER_H
#define XS_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

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
/* Detach xsteer's program only, never another's. 0 or -errno (reported). */
int xs_detach(const char *dev, int ifindex);

#endif
