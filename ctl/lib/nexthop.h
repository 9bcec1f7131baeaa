/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The next hop toward a SID, from the kernel's route and neighbour tables
 * over rtnetlink (libmnl): output interface and the neighbour's MAC.
 */
#ifndef XS_NEXTHOP_H
#define XS_NEXTHOP_H

#include <netinet/in.h>
#include <stdint.h>

struct xs_nexthop {
	int oif;
	struct in6_addr via;	/* gateway, or the SID itself when on-link */
	uint8_t mac[6];
	int mtu;		/* route MTU, 0 when the route sets none */
};

/*
 * 0: resolved. -EAGAIN: route found but no usable neighbour entry yet (a
 * resolution was requested: try again shortly). -ENETUNREACH: no route.
 * Other -errno: netlink failed.
 */
int xs_nexthop_resolve(const struct in6_addr *dst, struct xs_nexthop *nh);

/*
 * A netlink socket subscribed to route, rule, neighbour, next-hop,
 * address, link and netconf changes (all IPv4 and IPv6): its fd
 * becomes readable when something changed (drain it with
 * xs_nl_watch_drain, then resolve again).
 */
struct xs_nl_watch;
struct xs_nl_watch *xs_nl_watch__create(void);
int xs_nl_watch_fd(const struct xs_nl_watch *w);
/* Returns the number of messages drained (> 0 means: re-resolve). */
int xs_nl_watch_drain(struct xs_nl_watch *w);
void xs_nl_watch__destroy(struct xs_nl_watch *w);

#endif
