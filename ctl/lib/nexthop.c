// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "lib/nexthop.h"
#include "lib/nl.h"

struct route_reply {
	int oif;
	int has_gw;
	struct in6_addr gw;
	int mtu;
	int type;
};

struct neigh_reply {
	int found;
	uint16_t state;
	uint8_t mac[6];
};

static int route_metrics(const struct nlattr *nest, struct route_reply *r)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == RTAX_MTU &&
		    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			r->mtu = mnl_attr_get_u32(a);
	return 0;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_reply *r = data;
	struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	r->type = rtm->rtm_type;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				r->oif = mnl_attr_get_u32(a);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) == 16) {
				memcpy(&r->gw, mnl_attr_get_payload(a), 16);
				r->has_gw = 1;
			}
			break;
		case RTA_METRICS:
			route_metrics(a, r);
			break;
		}
	}
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct neigh_reply *n = data;
	struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWNEIGH)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
		if (mnl_attr_get_type(a) == NDA_LLADDR && mnl_attr_get_payload_len(a) == 6) {
			memcpy(n->mac, mnl_attr_get_payload(a), 6);
			n->found = 1;
			n->state = ndm->ndm_state;
		}
	}
	return MNL_CB_OK;
}

static int get_route(const struct in6_addr *dst, struct route_reply *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	/* the ACK ends the exchange: without it we would wait for more */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	mnl_attr_put(nlh, RTA_DST, 16, dst);
	return xs_nl_talk(NETLINK_ROUTE, nlh, route_cb, r);
}

static int neigh_msg(char *buf, int type, int flags, int ifindex,
		     const struct in6_addr *addr, uint16_t state, uint8_t ntf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = time(NULL);
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = ntf;
	mnl_attr_put(nlh, NDA_DST, 16, addr);
	return 0;
}

int xs_nexthop_resolve(const struct in6_addr *dst, struct xs_nexthop *nh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_reply r = {};
	struct neigh_reply n = {};
	int err;

	err = get_route(dst, &r);
	if (err == -ENETUNREACH || err == -EHOSTUNREACH || (!err && !r.oif))
		return -ENETUNREACH;
	if (err)
		return err;
	if (r.type != RTN_UNICAST)
		return -ENETUNREACH;

	memset(nh, 0, sizeof(*nh));
	nh->oif = r.oif;
	nh->via = r.has_gw ? r.gw : *dst;
	nh->mtu = r.mtu;

	neigh_msg(buf, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_ACK, nh->oif, &nh->via, 0, 0);
	err = xs_nl_talk(NETLINK_ROUTE, (struct nlmsghdr *)buf, neigh_cb, &n);
	if (!err && n.found &&
	    (n.state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |
			NUD_NOARP))) {
		memcpy(nh->mac, n.mac, 6);
		return 0;
	}
	/* ask the kernel to resolve it (as a packet to it would) */
	neigh_msg(buf, RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, nh->oif,
		  &nh->via, NUD_NONE, NTF_USE);
	xs_nl_talk(NETLINK_ROUTE, (struct nlmsghdr *)buf, NULL, NULL);
	return -EAGAIN;
}

struct xs_nl_watch {
	struct mnl_socket *nl;
};

/* the bind() mask bit of an rtnetlink group (groups 1 to 32) */
#define XS_NL_GRP(g)	(1U << ((g) - 1))
_Static_assert(RTNLGRP_NEXTHOP <= 32, "RTNLGRP_NEXTHOP fits the bind mask");

struct xs_nl_watch *xs_nl_watch__create(void)
{
	struct xs_nl_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	/*
	 * Whatever can change a bpf_fib_lookup() answer: the XDP fast path's
	 * next-hop cache is invalidated on any of them (xs_config.fib_gen).
	 */
	if (!w->nl || mnl_socket_bind(w->nl, XS_NL_GRP(RTNLGRP_NEIGH) |
				      XS_NL_GRP(RTNLGRP_IPV4_ROUTE) | XS_NL_GRP(RTNLGRP_IPV6_ROUTE) |
				      XS_NL_GRP(RTNLGRP_IPV4_RULE) | XS_NL_GRP(RTNLGRP_IPV6_RULE) |
				      XS_NL_GRP(RTNLGRP_IPV4_IFADDR) | XS_NL_GRP(RTNLGRP_IPV6_IFADDR) |
				      XS_NL_GRP(RTNLGRP_IPV4_NETCONF) | XS_NL_GRP(RTNLGRP_IPV6_NETCONF) |
				      XS_NL_GRP(RTNLGRP_NEXTHOP) | XS_NL_GRP(RTNLGRP_LINK),
				      MNL_SOCKET_AUTOPID) < 0) {
		xs_nl_watch__destroy(w);
		return NULL;
	}
	return w;
}

int xs_nl_watch_fd(const struct xs_nl_watch *w)
{
	return mnl_socket_get_fd(w->nl);
}

int xs_nl_watch_drain(struct xs_nl_watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n = 0;

	/* ENOBUFS (overrun) also means: something changed */
	while (mnl_socket_recvfrom(w->nl, buf, sizeof(buf)) > 0 || errno == ENOBUFS)
		n++;
	return n;
}

void xs_nl_watch__destroy(struct xs_nl_watch *w)
{
	if (!w)
		return;
	if (w->nl)
		mnl_socket_close(w->nl);
	free(w);
}
