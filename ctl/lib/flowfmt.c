// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include "lib/flowfmt.h"

#define XS_STAT_NAME(n, s) [XS_STAT_##n] = s,
const char *const xs_stat_names[XS_STAT__MAX] = { XS_STATS(XS_STAT_NAME) };
#undef XS_STAT_NAME

const char *xs_proto_name(unsigned int proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:	return "tcp";
	case IPPROTO_UDP:	return "udp";
	case IPPROTO_ICMP:	return "icmp";
	case IPPROTO_ICMPV6:	return "icmpv6";
	case IPPROTO_GRE:	return "gre";
	case IPPROTO_SCTP:	return "sctp";
	case IPPROTO_ESP:	return "esp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

bool xs_key_is_v4(const struct xs_flow_key *k)
{
	return k->flags & XS_KEY_F_IPV4;
}

const char *xs_addr_str(const __u32 addr[4], bool v4, char *buf, size_t len)
{
	if (v4)
		return inet_ntop(AF_INET, &addr[3], buf, len);
	return inet_ntop(AF_INET6, addr, buf, len);
}
