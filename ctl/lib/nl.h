/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one netlink request helper: send, run a callback over the replies, until the ACK. */
#ifndef XS_NL_H
#define XS_NL_H

#include <libmnl/libmnl.h>

/*
 * Send one request on a bound netlink socket and run cb over the replies
 * until the ACK (ask for one: NLM_F_ACK). 0 or -errno.
 */
int xs_nl_request(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/* The same on a socket of its own (bus: NETLINK_ROUTE, NETLINK_GENERIC). */
int xs_nl_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif
